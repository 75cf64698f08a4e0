//! Entry points of the static engine.

use generic_array::GenericArray;

use crate::expr::{RUN_TIME, Sink, fits};
use crate::{Ctx, Expr, Point, Scalar};

/// The value of `f` at `x`: `[T; N]`, `GenericArray<T, N>`, or (inputs of run-time
/// length) `&[T]` or `&Vec<T>`.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// assert_eq!(value(&(x * y + 1.0), [2.0, 3.0]), 7.0);
/// let xs = vec![2.0, 3.0, 4.0];
/// assert_eq!(value(&(x * y + 1.0), &xs), 7.0);
/// ```
///
/// # Panics
/// For inputs of run-time length, once and before any work, if `f` reads an input at or
/// past the length of `x` (the message names the index and the length).
#[inline(always)]
#[track_caller]
pub fn value<T: Scalar, E: Expr<T>, X: Ctx<T>>(f: &E, x: X) -> T {
    const { fits(E::EXTENT, X::INPUTS) };
    admit(f, &x);
    f.value(&x)
}

/// The value and the gradient of `f` at `x`: one fused forward-and-reverse sweep, no heap.
///
/// `x` is `[T; N]` or `GenericArray<T, N>`; the gradient is a `GenericArray<T, N>`, which
/// converts to `[T; N]` with `.into()`. For inputs of run-time length, see
/// [`gradient_into`].
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let rosenbrock = (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x).powi(2);
/// let (v, g) = gradient(&rosenbrock, [1.0, 1.0]);
/// assert_eq!(v, 0.0);
/// let g: [f64; 2] = g.into();
/// assert_eq!(g, [0.0, 0.0]);
/// ```
#[inline(always)]
pub fn gradient<T: Scalar, E: Expr<T>, X: Point<T>>(f: &E, x: X) -> (T, GenericArray<T, X::Len>) {
    const { fits(E::EXTENT, <X as Ctx<T>>::INPUTS) };
    // −0 is the identity of IEEE addition (x + −0 = x for every x, +0 included), so the
    // first contribution to each component compiles to a plain store.
    let mut g = X::neg_zeros();
    let v = f.fused(&x, T::one(), &mut g);
    (v, g.into_generic())
}

/// The value of `f` at inputs of run-time length, its gradient written into `grad`
/// (overwritten; the same length as `x`). One fused sweep, no heap.
///
/// ```
/// use tapeless::prelude::*;
/// // ½‖x‖² over as many inputs as there are.
/// let xs = vec![1.0, -2.0, 3.0];
/// let f = sum_n(xs.len(), |i| 0.5 * at(i).square());
/// let mut g = vec![0.0; xs.len()];
/// let v = gradient_into(&f, &xs, &mut g);
/// assert_eq!((v, g), (7.0, xs));
/// ```
///
/// # Panics
/// Once and before any work, if `grad` is not as long as `x`, or if `f` reads an input at
/// or past the length of `x` (the message names the index and the length).
#[inline(always)]
#[track_caller]
pub fn gradient_into<T: Scalar, E: Expr<T>>(f: &E, x: &[T], grad: &mut [T]) -> T {
    check_buffer(x.len(), grad.len());
    // Checked before the buffer is cleared: a panic leaves it as it was.
    admit(f, x);
    grad.fill(-T::zero());
    f.fused(&x, T::one(), &mut &mut *grad)
}

/// Seeded reverse sweep: adds `seed · ∇f(x)` into `grad` and returns `f(x)`.
///
/// Accumulating into the caller's buffer lets a caller sum the gradients of many terms (or
/// form a vector-Jacobian product row by row) without copies. `x` and `grad` are arrays,
/// `GenericArray`s, or (inputs of run-time length) slices or `Vec`s of the same length.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let mut g = [0.0; 2];
/// backprop(&(x * y), &[2.0, 3.0], 1.0, &mut g);
/// backprop(&(x + y), &[2.0, 3.0], 10.0, &mut g);
/// assert_eq!(g, [3.0 + 10.0, 2.0 + 10.0]);
///
/// let mut g = vec![0.0; 3];
/// backprop(&(x * y), &[2.0, 3.0, 4.0][..], 1.0, &mut g[..]);
/// assert_eq!(g, [3.0, 2.0, 0.0]);
/// ```
///
/// # Panics
/// For inputs of run-time length, once and before any work, if `grad` is not as long as
/// `x`, or if `f` reads an input at or past the length of `x`.
#[inline(always)]
#[track_caller]
pub fn backprop<T, E, X>(f: &E, x: &X, seed: T, grad: &mut X) -> T
where
    T: Scalar,
    E: Expr<T>,
    X: Ctx<T> + Sink<T> + ?Sized,
{
    const { fits(E::EXTENT, <X as Ctx<T>>::INPUTS) };
    if <X as Ctx<T>>::INPUTS == RUN_TIME {
        check_buffer(Ctx::inputs(x), Sink::inputs(grad));
    }
    admit(f, x);
    // Through references, which are sized whether `X` is or not.
    f.fused(&x, seed, &mut &mut *grad)
}

/// For inputs of run-time length: panics, naming the index and the length, if `f` reads
/// an input at or past the end of `x`. Nothing to do (and nothing computed) for inputs of
/// compile-time length, whose indices the compiler checked.
#[inline(always)]
#[track_caller]
pub(crate) fn admit<T: Scalar, E: Expr<T>, C: Ctx<T> + ?Sized>(f: &E, x: &C) {
    if C::INPUTS == RUN_TIME {
        let (needed, given) = (f.extent(), x.inputs());
        if needed > given {
            out_of_range(needed - 1, given);
        }
    }
}

#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn out_of_range(index: usize, len: usize) -> ! {
    panic!("tapeless: the expression reads input {index}, but the point has {len} inputs")
}

/// Panics unless a buffer for the gradient is as long as the inputs.
#[inline(always)]
#[track_caller]
pub(crate) fn check_buffer(inputs: usize, buffer: usize) {
    if inputs != buffer {
        wrong_buffer(inputs, buffer);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn wrong_buffer(inputs: usize, buffer: usize) -> ! {
    panic!("tapeless: a buffer of {buffer} entries for the derivatives of {inputs} inputs")
}
