//! The dynamic engine: a tape recorded at run time.
//!
//! The static engine needs the expression as a type. The tape is for what types cannot
//! express: inputs whose number is known only at run time, loops and branches that depend
//! on data, and expressions too large or too deep to monomorphize. Its operations are the
//! same [`rules`](crate::rules) as the static engine's, so the two cannot disagree about a
//! derivative, and any static expression can be [recorded](Tape::record) onto a tape.
//!
//! ```
//! use tapeless::Tape;
//!
//! // Σ (xᵢ₊₁ − xᵢ²)² over a run-time number of inputs.
//! let xs = vec![0.5, -1.0, 2.0];
//! let tape = Tape::new();
//! let x = tape.inputs(&xs);
//! let mut y = tape.constant(0.0);
//! for i in 0..x.len() - 1 {
//!     y += (x.get(i + 1) - x.get(i).square()).square();
//! }
//! let mut g = vec![0.0; xs.len()];
//! tape.gradient(y, &mut g);
//! assert_eq!(g[2], 2.0 * (2.0 - 1.0));
//! ```
//!
//! ## How it is stored
//! A [`Tape`] is an array of nodes and, during the reverse sweep, an array of adjoints. A
//! node is a value recorded as a combination of two others: their node indices
//! (`[u32; 2]`) and the two partial derivatives (`[T; 2]`), computed by the rules as it is
//! recorded. An input is a node with no operands; the inputs made before the first
//! operation (the usual case) are nodes `1..=n` and take no room in the array.
//!
//! A handle carries, beside its value, its derivative with respect to up to two nodes
//! (two *terms*: node indices and *scales*), and an operation appends nothing while its
//! result depends on at most two nodes. An input is one term, itself with scale 1.
//! `sin(x)`, `2 · x`, `x + 1` and `−x` rescale `x`'s term; `x · sin(y)` has the two terms
//! `x` and `y`; `x · x` and `x·y + y` merge the terms of a node that appears twice. Only an
//! operation whose result would depend on three or four nodes appends nodes: one per pair of
//! terms it folds, with their scales as partials, leaving a term of scale 1 for each. So
//! one-argument functions, arithmetic with constants and whatever depends on two inputs
//! cost no node and no step of the reverse sweep, constants cost nothing at all, and a sum
//! `Σ f(xᵢ, xᵢ₊₁)` costs one node a term. Node values are not stored: each handle carries
//! its own.
//!
//! For `f64` a node takes [`Tape::<f64>::BYTES_PER_NODE`](Tape::BYTES_PER_NODE) = 32 bytes,
//! the adjoint of the reverse sweep included (8 of operand indices, 16 of partials, 8 of
//! adjoint); `f32` takes 20. Growth doubles the arrays, so up to twice that is reserved
//! unless the tape was made [`with_capacity`](Tape::with_capacity).
//!
//! The reverse sweep is one loop from the output down to the first node, with no
//! recursion, so a tape of any length is differentiated in constant stack.
//!
//! ## Reuse
//! [`clear`](Tape::clear) empties a tape and keeps its memory: recording and
//! differentiating the same function again allocates nothing, and the gradient is written
//! into the caller's buffer ([`gradient`](Tape::gradient), [`backprop`](Tape::backprop),
//! [`vjp`](Tape::vjp)).
//!
//! ## Replay
//! A tape made by [`Tape::for_replay`] keeps every operation as data and every comparison
//! of handles ([`Var::gt`] and its siblings) with its outcome; [`Tape::replay`] (or
//! [`Replay::record`]) turns it into a [`Replay`], which runs the same rules again at new
//! inputs of the same length with no recording, and refuses
//! ([`ReplayError::BranchChanged`]) where a recorded comparison comes out otherwise.
//! [`Replayer`] records again by itself there. A comparison of [`Var::value`]s is
//! invisible to the tape.
//!
//! ## Safety
//! A handle [`Var<'t, T>`](Var) borrows its tape, so it cannot outlive it, and a tape
//! cannot be cleared while a handle of it is alive: the borrow checker says so. Handles of
//! two different tapes meeting in one operation panic with a message that says so; they
//! never give a silently wrong gradient.
//!
//! ## Threads
//! A `Tape<T>` is [`Send`] (move it, with no live handle, to another thread: one tape per
//! thread) but not [`Sync`]: recording goes through a [`RefCell`],
//! so a tape cannot be shared between threads, and its handles are neither `Send` nor
//! `Sync`. Values and gradients are plain numbers and cross freely; for many points in
//! parallel, give each thread its own tape.
//!
//! ## Values that do not reach the output
//! Recording is eager: a handle computed and then not used (a branch not taken, a value
//! computed before a loop exits) stays on the tape. Such a node contributes nothing to the
//! gradient, even where its own partial is infinite or NaN (a `sqrt` at 0, say): the
//! reverse sweep notices a NaN in the gradient and then sweeps again, skipping the nodes
//! the output does not depend on.

mod external;
mod flat;
mod inputs;
mod ops;
mod record;
mod replay;
mod replay_error;
mod replayer;
mod store;
mod sweep;
mod trace;
mod var;

pub use inputs::{Inputs, InputsIter};
pub use record::Recorder;
pub use replay::Replay;
pub use replay_error::ReplayError;
pub use replayer::Replayer;
pub use store::Recorded;
pub use var::{Operand, Var};

use store::Store;

pub(crate) use record::{BoundRecorder, StateRecorder};

use core::cell::RefCell;

use crate::Scalar;

/// A tape of the dynamic engine: operations recorded at run time, differentiated by one
/// reverse loop.
///
/// Record through handles ([`input`](Tape::input), [`inputs`](Tape::inputs),
/// [`constant`](Tape::constant), then operators and methods on [`Var`]), or record a static
/// expression with [`record`](Tape::record). Differentiate with
/// [`gradient`](Tape::gradient). See the [module documentation](crate::tape) for storage,
/// reuse and threads.
///
/// ```
/// use tapeless::Tape;
///
/// let mut tape = Tape::new();
/// let mut g = [0.0; 2];
/// for point in [[1.0_f64, 2.0], [3.0, 4.0]] {
///     tape.clear(); // keeps the memory: no allocation from the second point on
///     let [x, y] = tape.input_array(point);
///     let f = x * y.sin();
///     tape.gradient(f, &mut g);
///     assert_eq!(g, [point[1].sin(), point[0] * point[1].cos()]);
/// }
/// ```
pub struct Tape<T> {
    store: RefCell<Store<T>>,
    /// Made by [`for_replay`](Tape::for_replay): operations go to the store's trace.
    tracing: bool,
}

impl<T: Scalar> Tape<T> {
    /// Bytes per recorded node, the adjoint of the reverse sweep included: two `u32`
    /// operand indices, two partials and one adjoint (32 for `f64`, 20 for `f32`).
    pub const BYTES_PER_NODE: usize =
        core::mem::size_of::<[u32; 2]>() + 3 * core::mem::size_of::<T>();

    /// An empty tape. Allocates nothing until the first node is recorded.
    ///
    /// ```
    /// let tape = tapeless::Tape::<f64>::new();
    /// assert!(tape.is_empty());
    /// ```
    pub const fn new() -> Self {
        Tape {
            store: RefCell::new(Store::new()),
            tracing: false,
        }
    }

    /// An empty tape that records for [replay](Replay): every operation is kept as data
    /// (its rule, its operands, its constants) and every comparison of handles with its
    /// outcome, so that [`replay`](Tape::replay) can make a function that runs it again
    /// at other points. Such a tape differentiates as any other
    /// ([`gradient`](Tape::gradient)), but records more: one slot per operation, no
    /// folding of terms.
    ///
    /// ```
    /// use tapeless::Tape;
    /// let tape = Tape::for_replay();
    /// let [x, y] = tape.input_array([1.0, 2.0]);
    /// let f = x * y.exp();
    /// assert_eq!(tape.gradient_vec(f), [2.0_f64.exp(), 2.0_f64.exp()]);
    /// let mut r = tape.replay(f);
    /// let mut g = [0.0; 2];
    /// assert_eq!(r.gradient(&[3.0, 0.0], &mut g), Ok(3.0));
    /// assert_eq!(g, [1.0, 3.0]);
    /// ```
    pub fn for_replay() -> Self {
        let mut store = Store::new();
        store.trace = Some(alloc::boxed::Box::new(trace::Trace::new()));
        Tape {
            store: RefCell::new(store),
            tracing: true,
        }
    }

    /// `true` for a tape made by [`for_replay`](Tape::for_replay).
    pub fn is_for_replay(&self) -> bool {
        self.tracing
    }

    /// `n` new inputs on the store, whatever the mode; returns the first node.
    #[inline(always)]
    fn new_inputs(&self, n: usize) -> u32 {
        self.store.borrow_mut().inputs(n)
    }

    /// The [`Replay`] of what this tape recorded, with output `y`: the operations `y` or a
    /// comparison depends on, and the comparisons. The tape is left as it is.
    ///
    /// # Panics
    /// If the tape was not made by [`for_replay`](Tape::for_replay), or `y` is a handle of
    /// another tape.
    #[track_caller]
    pub fn replay(&self, y: Var<'_, T>) -> Replay<T> {
        let mut r = Replay::empty();
        self.replay_into(y, &mut r);
        r
    }

    /// [`replay`](Tape::replay) into an existing replay, reusing its memory (to record again
    /// after a [changed branch](ReplayError::BranchChanged)).
    ///
    /// ```
    /// use tapeless::Tape;
    /// let mut tape = Tape::for_replay();
    /// let x = tape.input(2.0_f64);
    /// let mut r = tape.replay(x.abs());
    /// tape.clear();
    /// let x = tape.input(-1.0);
    /// tape.replay_into(x * x, &mut r);
    /// assert_eq!(r.value(&[3.0]), Ok(9.0));
    /// ```
    ///
    /// # Panics
    /// As [`replay`](Tape::replay).
    #[track_caller]
    pub fn replay_into(&self, y: Var<'_, T>, replay: &mut Replay<T>) {
        var::same_tape(self, y.tape);
        let mut s = self.store.borrow_mut();
        let slots = s.len() + 1;
        let store = &mut *s;
        let Some(trace) = &mut store.trace else {
            panic!("tapeless: only a tape made by `Tape::for_replay` can be replayed")
        };
        trace.fill(slots);
        replay.build(trace, &store.inputs, y.rec);
    }

    /// An empty tape with room for `nodes` nodes (inputs and operations) and their
    /// adjoints, so recording and differentiating that many allocates nothing more.
    ///
    /// ```
    /// let tape = tapeless::Tape::<f64>::with_capacity(1000);
    /// assert!(tape.capacity() >= 1000);
    /// ```
    pub fn with_capacity(nodes: usize) -> Self {
        let tape = Self::new();
        {
            let mut s = tape.store.borrow_mut();
            s.nodes.reserve_exact(nodes);
            s.adjoints.reserve_exact(nodes + 1);
        }
        tape
    }

    /// Forgets every node and input, keeping the memory for the next recording.
    ///
    /// Takes `&mut self`, so no handle of the old recording can be alive.
    ///
    /// ```
    /// let mut tape = tapeless::Tape::new();
    /// let x = tape.input(2.0);
    /// let _ = x * x;
    /// let cap = tape.capacity();
    /// tape.clear();
    /// assert!(tape.is_empty() && tape.capacity() == cap);
    /// ```
    pub fn clear(&mut self) {
        self.store.get_mut().clear();
    }

    /// The number of nodes recorded: the inputs, and a node for each pair of terms folded
    /// where a result would depend on more than two nodes (see
    /// [the storage](crate::tape#how-it-is-stored)). Anything that depends on at most two
    /// nodes (`sin(x)`, `x + 1`, `x · y`) and anything on constants records nothing.
    ///
    /// ```
    /// let tape = tapeless::Tape::new();
    /// let [x, y, z] = tape.input_array([1.0, 2.0, 3.0]);
    /// let p = (x + 1.0).sin() * y.exp(); // two terms, x and y: no node
    /// assert_eq!(tape.len(), 3);
    /// let _ = p * z; // would depend on x, y and z: the terms of p become one node
    /// assert_eq!(tape.len(), 4);
    /// ```
    pub fn len(&self) -> usize {
        self.store.borrow().len()
    }

    /// `true` if nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many nodes fit before the arrays grow.
    pub fn capacity(&self) -> usize {
        self.store.borrow().nodes.capacity()
    }

    /// The number of inputs made so far: the length of a gradient.
    ///
    /// ```
    /// let tape = tapeless::Tape::new();
    /// let _ = tape.inputs(&[1.0, 2.0, 3.0]);
    /// assert_eq!(tape.num_inputs(), 3);
    /// ```
    pub fn num_inputs(&self) -> usize {
        self.store.borrow().inputs.len()
    }

    /// A new input with value `v`; its derivative is the next component of a gradient.
    ///
    /// ```
    /// let tape = tapeless::Tape::new();
    /// let x = tape.input(3.0);
    /// assert_eq!(tape.gradient_vec(x * x), [6.0]);
    /// ```
    // Always inlined: a handle returned through memory by an out-of-line call was copied
    // with wider loads than it had been stored with, a store-forwarding stall that added
    // half again to a small gradient.
    #[inline(always)]
    pub fn input(&self, v: T) -> Var<'_, T> {
        Var::from_recorded(self, Recorded::of_node(self.new_inputs(1), v))
    }

    /// One new input per value, as a view the handles are taken from: `x.get(i)`.
    ///
    /// Allocates nothing once the tape has the room (the view borrows `values`).
    ///
    /// ```
    /// let xs = vec![1.0, 2.0, 3.0];
    /// let tape = tapeless::Tape::new();
    /// let x = tape.inputs(&xs);
    /// let y = x.iter().fold(tape.constant(1.0), |p, xi| p * xi);
    /// assert_eq!(tape.gradient_vec(y), [6.0, 3.0, 2.0]);
    /// ```
    pub fn inputs<'t>(&'t self, values: &'t [T]) -> Inputs<'t, T> {
        let first = self.new_inputs(values.len());
        Inputs::new(self, first, values)
    }

    /// `N` new inputs, as an array of handles: `let [x, y] = tape.input_array([1.0, 2.0]);`.
    ///
    /// ```
    /// let tape = tapeless::Tape::new();
    /// let [x, y] = tape.input_array([3.0, 4.0]);
    /// assert_eq!(tape.gradient_vec(x / y), [1.0 / 4.0, -3.0 / 16.0]);
    /// ```
    #[inline(always)]
    pub fn input_array<const N: usize>(&self, values: [T; N]) -> [Var<'_, T>; N] {
        let first = self.new_inputs(N);
        record::fresh(self, first, &values)
    }

    /// A constant: a handle with no derivative, which records nothing.
    ///
    /// ```
    /// let tape = tapeless::Tape::new();
    /// let x = tape.input(2.0);
    /// let c = tape.constant(3.0);
    /// assert_eq!(tape.gradient_vec(c * x), [3.0]);
    /// assert_eq!(tape.len(), 1); // the input: `c * x` is `x` scaled by 3
    /// ```
    #[inline(always)]
    pub fn constant(&self, v: T) -> Var<'_, T> {
        Var::from_recorded(self, Recorded::constant(v))
    }
}

impl<T: Scalar> Default for Tape<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Scalar> core::fmt::Debug for Tape<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.store.try_borrow() {
            Ok(s) => f
                .debug_struct("Tape")
                .field("nodes", &s.len())
                .field("inputs", &s.inputs.len())
                .field("capacity", &s.nodes.capacity())
                .finish(),
            Err(_) => f.write_str("Tape { <recording> }"),
        }
    }
}

mod checks {
    //! What may cross threads, and the size of a node.
    use super::{Tape, Var};
    use static_assertions::{assert_impl_all, assert_not_impl_any, const_assert};

    assert_impl_all!(Tape<f64>: Send);
    assert_not_impl_any!(Tape<f64>: Sync);
    assert_impl_all!(Var<'static, f64>: Copy);
    assert_not_impl_any!(Var<'static, f64>: Send, Sync);
    const_assert!(Tape::<f64>::BYTES_PER_NODE <= 32);
}
