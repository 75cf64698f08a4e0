//! Nested differentiation: [`Rev`], a reverse-mode number that is itself a [`Scalar`].
//!
//! The static engine, the [`Tape`](crate::Tape) and [`Dual`](crate::Dual) are all generic
//! over [`Scalar`]; run any of them on `Rev` and what they compute (a value, a gradient, a
//! tangent, a whole descent that uses them) is recorded, and [`Scope::gradient`]
//! differentiates it in reverse. So:
//! - reverse over reverse: the static engine's [`gradient`](crate::gradient) (or a
//!   `Tape<Rev<f64>>`) evaluated in `Rev`;
//! - reverse over forward: a [`Dual<Rev<f64>, N>`](crate::Dual);
//! - forward over reverse needs no `Rev`: run the reverse engine on `Dual`
//!   ([`hvp`](crate::hvp) does).
//!
//! A tape handle [`Var<'t, T>`](crate::tape::Var) borrows its tape and so cannot be a
//! `Scalar` (which is `Copy + 'static`). A `Rev` is plain data instead, a value and a node
//! index into a recording kept per thread (one per base type, `f64` and `f32`), and
//! [`scope`] decides how long that recording lives: nodes are recorded only inside the
//! closure given to `scope`, and forgotten when it returns (the memory is kept for the next
//! scope). A `Rev` that escapes its scope and is used again panics with a message saying
//! so; it never reads another scope's nodes. Constants (`Rev::from_f64`, `zero`, `one`,
//! `default`) record nothing and work anywhere.
//!
//! ```
//! use tapeless::prelude::*;
//! use tapeless::nest;
//!
//! // f(x, y) = x²·y. Its gradient by the static engine, run on `Rev`, and the gradient of
//! // the first component: the Hessian's first row, reverse over reverse.
//! let (x, y) = vars();
//! let f = x * x * y;
//! let (dfdx, row) = nest::gradient([3.0, 2.0], |p| {
//!     let (_, g) = gradient(&f, p);
//!     g[0] // ∂f/∂x = 2xy
//! });
//! assert_eq!(dfdx, 12.0);
//! assert_eq!(row, [4.0, 6.0]); // [2y, 2x]
//! ```
//!
//! One recording per thread: a scope cannot be started inside another of the same base
//! type on the same thread (it panics), and `Rev` is not a way to nest `Rev` in `Rev`.
//! Nesting comes from running engines on it, as above; threads each have their own
//! recording, so scopes on different threads run in parallel.

mod ops;
mod store;

use alloc::vec::Vec;
use core::marker::PhantomData;

use crate::Scalar;
pub use store::Base;
use store::{NONE, Store};

/// A reverse-mode number: a value, and (inside a [`scope`]) the node of the thread's
/// recording that computed it. A [`Scalar`], so every engine of the crate runs on it; see
/// the [module documentation](self).
///
/// Comparisons look at the value only, as for [`Dual`](crate::Dual).
// The derivative of a `Rev` is `scale` times its node's: one-argument functions and
// arithmetic with constants rescale a node rather than record one, and only an operation
// on two different nodes records (as the tape's terms do, with one term instead of two).
#[derive(Clone, Copy, Debug)]
pub struct Rev<T = f64> {
    value: T,
    scale: T,
    node: u32,
    epoch: u32,
}

impl<T: Base> Rev<T> {
    /// A constant: it has no derivative and records nothing, inside a scope or outside.
    ///
    /// ```
    /// use tapeless::nest::Rev;
    /// let c = Rev::constant(2.0);
    /// assert!(c.is_constant() && (c * c).value() == 4.0);
    /// ```
    #[inline(always)]
    pub fn constant(value: T) -> Self {
        Rev {
            value,
            scale: T::zero(),
            node: NONE,
            epoch: 0,
        }
    }

    /// The value.
    #[inline(always)]
    pub fn value(self) -> T {
        self.value
    }

    /// `true` if this number depends on no input of a scope.
    #[inline(always)]
    pub fn is_constant(self) -> bool {
        self.node == NONE
    }
}

/// The open recording of a [`scope`]: makes inputs and differentiates what they computed.
///
/// Neither `Send` nor `Sync`: the recording is the thread's own.
pub struct Scope<T> {
    epoch: u32,
    _thread: PhantomData<*const T>,
}

/// Runs `body` with a fresh recording of `Rev<T>` on this thread, forgotten when `body`
/// returns (or panics). Inputs come from [`Scope::input`], gradients from
/// [`Scope::gradient`].
///
/// ```
/// use tapeless::{Dual, Scalar, nest};
///
/// // Reverse over forward: d/dx of f'(x) for f = sin, with f' taken by a dual number.
/// let second = nest::scope(|s| {
///     let x = s.input(0.5_f64);
///     let fx = Dual::new(x, nest::Rev::constant(1.0)).sin(); // f(x) and f'(x) = cos x
///     s.gradient(fx.tangent(), &[x])[0] // d/dx cos x
/// });
/// assert!((second + 0.5_f64.sin()).abs() < 1e-15);
/// ```
///
/// # Panics
/// If a scope of the same base type is already open on this thread.
#[track_caller]
pub fn scope<T: Base, R>(body: impl FnOnce(&Scope<T>) -> R) -> R {
    /// Ends the scope however `body` leaves.
    struct End<T: Base>(PhantomData<T>);
    impl<T: Base> Drop for End<T> {
        fn drop(&mut self) {
            T::with_store(Store::end);
        }
    }
    let epoch = T::with_store(Store::begin);
    let _end = End::<T>(PhantomData);
    body(&Scope {
        epoch,
        _thread: PhantomData,
    })
}

impl<T: Base> Scope<T> {
    /// A new input with value `v`.
    #[inline]
    pub fn input(&self, v: T) -> Rev<T> {
        let node = T::with_store(|s| s.push([NONE; 2], [T::zero(); 2]));
        Rev {
            value: v,
            scale: T::one(),
            node,
            epoch: self.epoch,
        }
    }

    /// One new input per value.
    ///
    /// ```
    /// use tapeless::nest;
    /// let g = nest::scope(|s| {
    ///     let [x, y] = s.inputs([2.0, 5.0]);
    ///     s.gradient(x * y, &[x, y])
    /// });
    /// assert_eq!(g, [5.0, 2.0]);
    /// ```
    pub fn inputs<const N: usize>(&self, values: [T; N]) -> [Rev<T>; N] {
        values.map(|v| self.input(v))
    }

    /// The number of nodes recorded so far in this scope (inputs included).
    pub fn len(&self) -> usize {
        T::with_store(|s| s.len())
    }

    /// `true` if nothing is recorded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The derivatives of `y` with respect to each of `wrt` (inputs, or any numbers computed
    /// in this scope; a constant gets zero): one reverse sweep. May be called again, for
    /// another output, in the same scope.
    ///
    /// # Panics
    /// If `y` or a number of `wrt` was made by another scope.
    #[track_caller]
    pub fn gradient(&self, y: Rev<T>, wrt: &[Rev<T>]) -> Vec<T> {
        let mut g = alloc::vec![T::zero(); wrt.len()];
        self.gradient_into(y, wrt, &mut g);
        g
    }

    /// [`gradient`](Scope::gradient) into `out`, which must be as long as `wrt`.
    ///
    /// # Panics
    /// As [`gradient`](Scope::gradient), and if `out` is not as long as `wrt`.
    #[track_caller]
    pub fn gradient_into(&self, y: Rev<T>, wrt: &[Rev<T>], out: &mut [T]) {
        assert_eq!(
            out.len(),
            wrt.len(),
            "tapeless: the gradient buffer must be as long as the list of numbers"
        );
        for r in wrt.iter().chain([&y]) {
            if !r.is_constant() && r.epoch != self.epoch {
                T::with_store(|s| s.check(r.epoch));
            }
        }
        out.fill(T::zero());
        if y.is_constant() {
            return;
        }
        T::with_store(|s| {
            s.check(y.epoch);
            s.sweep(y.node, y.scale, |adj| {
                for (o, r) in out.iter_mut().zip(wrt) {
                    if !r.is_constant() && r.node <= y.node {
                        *o = r.scale * adj[r.node as usize];
                    }
                }
            })
        });
    }
}

/// The value and gradient of `f` at `x`, with `f` run on [`Rev`] numbers in a
/// [`scope`] of its own.
///
/// ```
/// use tapeless::{Scalar, nest};
/// let (v, g) = nest::gradient([1.0, 2.0], |[x, y]| x.sin() * y);
/// assert_eq!(v, 1.0_f64.sin() * 2.0);
/// assert_eq!(g, [1.0_f64.cos() * 2.0, 1.0_f64.sin()]);
/// ```
///
/// # Panics
/// If a scope of the same base type is already open on this thread.
#[track_caller]
pub fn gradient<T: Base, const N: usize>(
    x: [T; N],
    f: impl FnOnce([Rev<T>; N]) -> Rev<T>,
) -> (T, [T; N]) {
    scope(|s| {
        let xs = s.inputs(x);
        let y = f(xs);
        let mut g = [T::zero(); N];
        s.gradient_into(y, &xs, &mut g);
        (y.value, g)
    })
}

/// [`gradient`] for inputs of run-time length.
///
/// ```
/// use tapeless::nest;
/// let (v, g) = nest::gradient_vec(&[1.0, 2.0, 3.0], |x| x[0] * x[1] * x[2]);
/// assert_eq!((v, g), (6.0, vec![6.0, 3.0, 2.0]));
/// ```
///
/// # Panics
/// If a scope of the same base type is already open on this thread.
#[track_caller]
pub fn gradient_vec<T: Base>(x: &[T], f: impl FnOnce(&[Rev<T>]) -> Rev<T>) -> (T, Vec<T>) {
    scope(|s| {
        let xs: Vec<Rev<T>> = x.iter().map(|&v| s.input(v)).collect();
        let y = f(&xs);
        (y.value, s.gradient(y, &xs))
    })
}

impl<T: Scalar> Rev<T> {
    #[inline(always)]
    fn is_const(&self) -> bool {
        self.node == NONE
    }
}

/// `value` as a function of `a` and `b` with partials `da` and `db`. Constant operands
/// are left out; a result that depends on one node rescales it; only one that depends on
/// two different nodes records a node.
#[inline(always)]
#[track_caller]
fn record<T: Base>(value: T, a: Rev<T>, da: T, b: Rev<T>, db: T) -> Rev<T> {
    match (a.is_const(), b.is_const()) {
        (true, true) => Rev::constant(value),
        (false, true) => Rev {
            value,
            scale: a.scale * da,
            ..a
        },
        (true, false) => Rev {
            value,
            scale: b.scale * db,
            ..b
        },
        (false, false) if a.node == b.node && a.epoch == b.epoch => Rev {
            value,
            scale: a.scale * da + b.scale * db,
            ..a
        },
        (false, false) => {
            let node = T::with_store(|s| {
                s.check(a.epoch);
                if b.epoch != a.epoch {
                    s.check(b.epoch);
                }
                s.push([a.node, b.node], [a.scale * da, b.scale * db])
            });
            Rev {
                value,
                scale: T::one(),
                node,
                epoch: a.epoch,
            }
        }
    }
}
