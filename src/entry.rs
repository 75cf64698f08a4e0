//! Entry points of the static engine.

use generic_array::GenericArray;

use crate::expr::fits;
use crate::{Ctx, Expr, Point, Scalar};

/// The value of `f` at `x` (`[T; N]` or `GenericArray<T, N>`).
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// assert_eq!(value(&(x * y + 1.0), [2.0, 3.0]), 7.0);
/// ```
#[inline(always)]
pub fn value<T: Scalar, E: Expr<T>, X: Point<T>>(f: &E, x: X) -> T {
    const { fits(E::EXTENT, <X as Ctx<T>>::INPUTS) };
    f.value(&x)
}

/// The value and the gradient of `f` at `x`: one fused forward-and-reverse sweep, no heap.
///
/// `x` is `[T; N]` or `GenericArray<T, N>`; the gradient is a `GenericArray<T, N>`, which
/// converts to `[T; N]` with `.into()`.
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

/// Seeded reverse sweep: adds `seed · ∇f(x)` into `grad` and returns `f(x)`.
///
/// Accumulating into the caller's buffer lets a caller sum the gradients of many terms (or
/// form a vector-Jacobian product row by row) without copies.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let mut g = [0.0; 2];
/// backprop(&(x * y), &[2.0, 3.0], 1.0, &mut g);
/// backprop(&(x + y), &[2.0, 3.0], 10.0, &mut g);
/// assert_eq!(g, [3.0 + 10.0, 2.0 + 10.0]);
/// ```
#[inline(always)]
pub fn backprop<T: Scalar, E: Expr<T>, X: Point<T>>(f: &E, x: &X, seed: T, grad: &mut X) -> T {
    const { fits(E::EXTENT, <X as Ctx<T>>::INPUTS) };
    f.fused(x, seed, grad)
}
