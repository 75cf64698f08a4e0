//! External functions: a black box `ℝⁿ → ℝ` that gives its value and gradient, recorded as
//! one operation.
//!
//! The tape keeps, for every node, the partials computed when it was recorded; a function
//! whose gradient is known when it is called is such an operation with `n` operands. It is
//! recorded as the chain of two-operand steps `Σ ∂f/∂xᵢ · xᵢ` through the same code as
//! every built-in operation (terms merged, nodes appended only past two terms), so the
//! reverse sweep, the storage and the checks stay as they are: no closure is kept on the
//! tape (which stays `Send` and free of lifetimes), and the function is called once.

use alloc::vec::Vec;

use super::var::same_tape;
use super::{Tape, Var};
use crate::Scalar;

impl<T: Scalar> Tape<T> {
    /// `f(args)` for a function given as a black box: `f` receives the arguments' values
    /// and returns the value and the gradient (`∂f/∂argᵢ` for each argument, in order, as
    /// a `Vec`, an array or any slice). It is called once, now; the result is recorded
    /// as one operation whose partials are that gradient, and differentiates like any other
    /// handle: a function from another library, a solver's output with its sensitivities,
    /// or code too expensive to record operation by operation.
    ///
    /// An argument may appear more than once, and constants are arguments like any other.
    /// The operation is stored as the weighted sum `Σ ∂f/∂argᵢ · argᵢ` of its arguments'
    /// terms, like every operation (see [the storage](crate::tape#how-it-is-stored)): about
    /// one node per argument, and nothing of `f` is kept. On a tape of dual numbers
    /// ([`tape_hvp`](crate::tape_hvp)) `f` receives duals, and the tangents of the gradient
    /// it returns are the second derivatives: write `f` generically to get them right.
    ///
    /// ```
    /// use tapeless::Tape;
    ///
    /// // f(x, y, z) = x·y·z, with its gradient by hand.
    /// let product = |v: &[f64]| (v[0] * v[1] * v[2], [v[1] * v[2], v[0] * v[2], v[0] * v[1]]);
    ///
    /// let tape = Tape::new();
    /// let [a, b] = tape.input_array([2.0, 3.0]);
    /// let y = tape.external(&[a, b, a.sin()], product) + b;
    /// let s = 2.0_f64.sin();
    /// assert_eq!(y.value(), 6.0 * s + 3.0);
    /// let g = tape.gradient_vec(y);
    /// assert!((g[0] - (3.0 * s + 6.0 * 2.0_f64.cos())).abs() < 1e-14);
    /// assert!((g[1] - (2.0 * s + 1.0)).abs() < 1e-14);
    /// ```
    ///
    /// On a tape made [for replay](Tape::for_replay), a [`Replay`](super::Replay) of the
    /// recording is refused ([`ReplayError::ForeignRule`](super::ReplayError::ForeignRule)):
    /// `f` is not kept, so it cannot be called at another point.
    ///
    /// # Panics
    /// If a handle of `args` is of another tape, or the gradient `f` returns is not as
    /// long as `args`.
    #[track_caller]
    pub fn external<'t, G, F>(&'t self, args: &[Var<'t, T>], f: F) -> Var<'t, T>
    where
        F: FnOnce(&[T]) -> (T, G),
        G: AsRef<[T]>,
    {
        for a in args {
            same_tape(self, a.tape);
        }
        let values: Vec<T> = args.iter().map(|a| a.value()).collect();
        let (value, grad) = f(&values);
        let grad = grad.as_ref();
        assert!(
            grad.len() == args.len(),
            "tapeless: an external function of {} arguments returned a gradient of length {}",
            args.len(),
            grad.len()
        );
        let mut store = self.store.borrow_mut();
        if self.tracing {
            // The function is not kept, so a replay cannot call it again: it will say so.
            store.mark_foreign("external function");
        }
        let mut acc = super::Recorded::constant(value);
        for (a, &d) in args.iter().zip(grad) {
            acc = store.combine(value, acc, T::one(), a.recorded(), d);
        }
        Var::from_recorded(self, acc)
    }
}
