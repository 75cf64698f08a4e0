//! Recording a static expression onto a tape.

use super::store::{Recorded, Store};
use super::var::same_tape;
use super::{Tape, Var};
use crate::rules::{BinaryRule, TernaryRule, UnaryRule};
use crate::{Ctx, Expr, Scalar};

pub(crate) mod sealed {
    /// What only the crate's recorders have: the tape's arrays, borrowed for the whole
    /// recording of an expression.
    pub trait Sealed<T> {
        /// The arrays nodes are appended to.
        fn store(&mut self) -> &mut super::Store<T>;
    }
}

/// What [`Expr::record`] records through: the inputs and the enclosing let-bound values
/// as [`Recorded`] values, their values (as a [`Ctx`], for the conditions of
/// [`select`](crate::select), which are evaluated, not recorded), and the operations that
/// append nodes.
///
/// A recorder holds the tape's arrays for the whole expression, so recording an operation
/// is one append, with no borrow check of its own. Sealed: the crate makes them
/// ([`Tape::record`], [`Tape::apply`]).
pub trait Recorder<T: Scalar>: Ctx<T> + sealed::Sealed<T> {
    /// `true` when recording onto a tape made [for replay](Tape::for_replay): operations
    /// are kept as data and the conditions of [`select`](crate::select) as comparisons. A
    /// constant, so an ordinary recording has no test of the mode.
    const TRACING: bool = false;

    /// Input `i` (`i < INPUTS`).
    fn input_node(&self, i: usize) -> Recorded<T>;

    /// The value bound by the enclosing let at nesting depth `slot`.
    fn bound_node(&self, slot: usize) -> Recorded<T>;

    /// Component `k` of the state of the enclosing [`fold`](fn@crate::fold) step at nesting
    /// depth `level`.
    fn state_node(&self, _level: usize, _k: usize) -> Recorded<T> {
        panic!("tapeless: a fold's state was recorded outside the fold that made it")
    }

    /// A constant: it records nothing.
    #[inline(always)]
    fn constant(&self, value: T) -> Recorded<T> {
        Recorded::constant(value)
    }

    /// Records `rule(a)`: no node, the terms rescaled.
    #[inline(always)]
    fn unary<R: UnaryRule>(&mut self, rule: R, a: Recorded<T>) -> Recorded<T> {
        if Self::TRACING {
            self.store().trace_unary(rule, a)
        } else {
            self.store().unary(rule, a)
        }
    }

    /// Records `rule(a, b)`: nodes only where the result would depend on more than two.
    #[inline(always)]
    fn binary<R: BinaryRule>(&mut self, rule: R, a: Recorded<T>, b: Recorded<T>) -> Recorded<T> {
        if Self::TRACING {
            self.store().trace_binary(rule, a, b)
        } else {
            self.store().binary(rule, a, b)
        }
    }

    /// Records `rule(a, b, c)`: as `(a, b)`, then that with `c`.
    #[inline(always)]
    fn ternary<R: TernaryRule>(
        &mut self,
        rule: R,
        a: Recorded<T>,
        b: Recorded<T>,
        c: Recorded<T>,
    ) -> Recorded<T> {
        if Self::TRACING {
            self.store().trace_ternary(rule, a, b, c)
        } else {
            self.store().ternary(rule, a, b, c)
        }
    }
}

/// The message for a placeholder outside its let: the public API cannot make one.
const ESCAPED: &str = "tapeless: a let placeholder was recorded outside the let that made it";

/// Where the outermost recorder finds input `i`.
trait Source<T> {
    fn get(&self, i: usize) -> Recorded<T>;
}

/// Inputs just made as nodes `first..`, with their values.
struct Fresh<'a, T, const N: usize> {
    first: u32,
    values: &'a [T; N],
}

impl<T: Scalar, const N: usize> Source<T> for Fresh<'_, T, N> {
    #[inline(always)]
    fn get(&self, i: usize) -> Recorded<T> {
        Recorded::of_node(self.first + i as u32, self.values[i])
    }
}

/// The handles of `N` inputs made as nodes `first..first + N`.
#[inline(always)]
pub(super) fn fresh<'t, T: Scalar, const N: usize>(
    tape: &'t Tape<T>,
    first: u32,
    values: &[T; N],
) -> [Var<'t, T>; N] {
    let inputs = Fresh { first, values };
    core::array::from_fn(|i| Var::from_recorded(tape, inputs.get(i)))
}

/// Handles already on the tape, read in place.
impl<T: Scalar, const N: usize> Source<T> for &[Var<'_, T>; N] {
    #[inline(always)]
    fn get(&self, i: usize) -> Recorded<T> {
        self[i].recorded()
    }
}

/// The outermost recorder: the tape's arrays and the `N` inputs; `TRACE` for a tape made
/// for replay.
struct Args<'a, T, S, const N: usize, const TRACE: bool> {
    store: &'a mut Store<T>,
    inputs: S,
}

impl<T, S, const N: usize, const TRACE: bool> sealed::Sealed<T> for Args<'_, T, S, N, TRACE> {
    #[inline(always)]
    fn store(&mut self) -> &mut Store<T> {
        self.store
    }
}

impl<T: Scalar, S: Source<T>, const N: usize, const TRACE: bool> Ctx<T>
    for Args<'_, T, S, N, TRACE>
{
    const INPUTS: usize = N;
    const DEPTH: usize = 0;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        self.inputs.get(i).value
    }
    fn bound(&self, _slot: usize) -> T {
        panic!("{ESCAPED}")
    }
}

impl<T: Scalar, S: Source<T>, const N: usize, const TRACE: bool> Recorder<T>
    for Args<'_, T, S, N, TRACE>
{
    const TRACING: bool = TRACE;
    #[inline(always)]
    fn input_node(&self, i: usize) -> Recorded<T> {
        self.inputs.get(i)
    }
    fn bound_node(&self, _slot: usize) -> Recorded<T> {
        panic!("{ESCAPED}")
    }
}

/// The recorder inside a let body: the outer recorder plus the bound value, which every
/// use of the placeholder shares.
pub(crate) struct BoundRecorder<'a, R, T> {
    outer: &'a mut R,
    value: Recorded<T>,
}

impl<'a, R, T> BoundRecorder<'a, R, T> {
    #[inline(always)]
    pub(crate) fn new(outer: &'a mut R, value: Recorded<T>) -> Self {
        BoundRecorder { outer, value }
    }
}

impl<R: sealed::Sealed<T>, T> sealed::Sealed<T> for BoundRecorder<'_, R, T> {
    #[inline(always)]
    fn store(&mut self) -> &mut Store<T> {
        self.outer.store()
    }
}

impl<R: Recorder<T>, T: Scalar> Ctx<T> for BoundRecorder<'_, R, T> {
    const INPUTS: usize = R::INPUTS;
    const DEPTH: usize = R::DEPTH + 1;
    const FOLDS: usize = R::FOLDS;
    #[inline(always)]
    fn state(&self, level: usize, k: usize) -> T {
        self.outer.state(level, k)
    }
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        self.outer.input(i)
    }
    #[inline(always)]
    fn bound(&self, slot: usize) -> T {
        if slot == R::DEPTH {
            self.value.value
        } else {
            self.outer.bound(slot)
        }
    }
}

impl<R: Recorder<T>, T: Scalar> Recorder<T> for BoundRecorder<'_, R, T> {
    const TRACING: bool = R::TRACING;
    #[inline(always)]
    fn input_node(&self, i: usize) -> Recorded<T> {
        self.outer.input_node(i)
    }
    #[inline(always)]
    fn bound_node(&self, slot: usize) -> Recorded<T> {
        if slot == R::DEPTH {
            self.value
        } else {
            self.outer.bound_node(slot)
        }
    }
    #[inline(always)]
    fn state_node(&self, level: usize, k: usize) -> Recorded<T> {
        self.outer.state_node(level, k)
    }
}

/// The recorder inside a [`fold`](fn@crate::fold) step: the outer recorder plus the recorded
/// state the step starts from.
pub(crate) struct StateRecorder<'a, R, T> {
    outer: &'a mut R,
    state: &'a [Recorded<T>],
}

impl<'a, R, T> StateRecorder<'a, R, T> {
    #[inline(always)]
    pub(crate) fn new(outer: &'a mut R, state: &'a [Recorded<T>]) -> Self {
        StateRecorder { outer, state }
    }
}

impl<R: sealed::Sealed<T>, T> sealed::Sealed<T> for StateRecorder<'_, R, T> {
    #[inline(always)]
    fn store(&mut self) -> &mut Store<T> {
        self.outer.store()
    }
}

impl<R: Recorder<T>, T: Scalar> Ctx<T> for StateRecorder<'_, R, T> {
    const INPUTS: usize = R::INPUTS;
    const DEPTH: usize = R::DEPTH;
    const FOLDS: usize = R::FOLDS + 1;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        self.outer.input(i)
    }
    #[inline(always)]
    fn bound(&self, slot: usize) -> T {
        self.outer.bound(slot)
    }
    #[inline(always)]
    fn state(&self, level: usize, k: usize) -> T {
        if level == R::FOLDS {
            self.state[k].value
        } else {
            self.outer.state(level, k)
        }
    }
}

impl<R: Recorder<T>, T: Scalar> Recorder<T> for StateRecorder<'_, R, T> {
    #[inline(always)]
    fn input_node(&self, i: usize) -> Recorded<T> {
        self.outer.input_node(i)
    }
    #[inline(always)]
    fn bound_node(&self, slot: usize) -> Recorded<T> {
        self.outer.bound_node(slot)
    }
    #[inline(always)]
    fn state_node(&self, level: usize, k: usize) -> Recorded<T> {
        if level == R::FOLDS {
            self.state[k]
        } else {
            self.outer.state_node(level, k)
        }
    }
}

impl<T: Scalar> Tape<T> {
    /// Records the static expression `f` at the point `x`: `N` new inputs, then the
    /// operations of `f`, computed by the same rules as the static engine, as handle
    /// operations would record them (see [the storage](crate::tape#how-it-is-stored)).
    /// Returns the input handles and the output. The tape's arrays are borrowed once for the
    /// whole expression.
    ///
    /// A let-bound value is recorded once and shared by every use of its placeholder; a
    /// [`select`](crate::select) records only the branch its condition takes at `x`.
    ///
    /// The gradient of the recording is the static gradient of `f` at `x` up to rounding:
    /// the same partials, but a chain of one-operand operations is folded into one factor
    /// before it meets the adjoint (see [the storage](crate::tape#how-it-is-stored)), so a
    /// product of partials can round differently. The second operand of each operation is
    /// recorded first, so that the reverse sweep visits operands as the static sweep does.
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// let (x, y) = vars();
    /// let f = let_in(x * y, |p| p.sin() + p * p);
    /// let tape = Tape::new();
    /// let (_, out) = tape.record(&f, [0.5, 3.0]);
    /// let (v, g) = gradient(&f, [0.5, 3.0]);
    /// assert_eq!(out.value(), v);
    /// for (t, s) in tape.gradient_vec(out).into_iter().zip(g) {
    ///     assert!((t - s).abs() <= 1e-15 * s.abs());
    /// }
    /// ```
    ///
    /// A variable whose index is not below `N` is a build error, as with
    /// [`gradient`](crate::gradient).
    // Always inlined, so that a caller that drops the input handles does not have them
    // built: the expression itself is recorded out of line.
    #[inline(always)]
    pub fn record<E: Expr<T>, const N: usize>(
        &self,
        f: &E,
        x: [T; N],
    ) -> ([Var<'_, T>; N], Var<'_, T>) {
        let (first, y) = self.record_at(f, &x);
        (fresh(self, first, &x), Var::from_recorded(self, y))
    }

    /// [`record`](Tape::record) without the handles: the first input node and the output.
    fn record_at<E: Expr<T>, const N: usize>(&self, f: &E, x: &[T; N]) -> (u32, Recorded<T>) {
        if self.tracing {
            return self.traced_record_at(f, x);
        }
        // One borrow of the arrays for the inputs and the whole expression.
        let mut store = self.store.borrow_mut();
        let first = store.inputs(N);
        let y = f.record(&mut Args::<_, _, N, false> {
            store: &mut store,
            inputs: Fresh { first, values: x },
        });
        (first, y)
    }

    /// [`record_at`](Tape::record_at) on a tape made for replay, out of line (see
    /// `trace.rs`).
    #[cold]
    #[inline(never)]
    pub(crate) fn traced_record_at<E: Expr<T>, const N: usize>(
        &self,
        f: &E,
        x: &[T; N],
    ) -> (u32, Recorded<T>) {
        let mut store = self.store.borrow_mut();
        let first = store.inputs(N);
        let y = f.record(&mut Args::<_, _, N, true> {
            store: &mut store,
            inputs: Fresh { first, values: x },
        });
        (first, y)
    }

    /// Records the static expression `f` applied to handles already on this tape: input
    /// `i` of `f` is `args[i]`. A static kernel can so be called from dynamic code (a loop
    /// of run-time length, say) and differentiated with it.
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// let (a, b) = vars();
    /// let step = (a - b).powi(2); // a static kernel
    /// let xs = [1.0, 3.0, 6.0];
    /// let tape = Tape::new();
    /// let x = tape.inputs(&xs);
    /// let mut total = tape.constant(0.0);
    /// for i in 1..x.len() {
    ///     total += tape.apply(&step, &[x.get(i), x.get(i - 1)]);
    /// }
    /// assert_eq!(total.value(), 4.0 + 9.0);
    /// assert_eq!(tape.gradient_vec(total), [-4.0, 4.0 - 6.0, 6.0]);
    /// ```
    ///
    /// # Panics
    /// If a handle of `args` is of another tape.
    #[inline]
    #[track_caller]
    pub fn apply<'t, E: Expr<T>, const N: usize>(
        &'t self,
        f: &E,
        args: &[Var<'t, T>; N],
    ) -> Var<'t, T> {
        for a in args {
            same_tape(self, a.tape);
        }
        let store = &mut self.store.borrow_mut();
        let y = if self.tracing {
            f.record(&mut Args::<_, _, N, true> {
                store,
                inputs: args,
            })
        } else {
            f.record(&mut Args::<_, _, N, false> {
                store,
                inputs: args,
            })
        };
        Var::from_recorded(self, y)
    }
}
