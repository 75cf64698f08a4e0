//! Second order by forward-over-reverse: the static reverse sweep run on dual numbers.
//!
//! With inputs `xᵢ + vᵢ·ε` the fused sweep computes `∇f(x + v·ε) = ∇f(x) + ε·H(x)·v`: the
//! real parts of the adjoints are the gradient, their tangents the Hessian-vector product.
//! Every local second derivative comes from running the rules' first derivatives on duals;
//! nothing is written twice.

use generic_array::{GenericArray, sequence::GenericSequence, typenum::Unsigned};
use num_traits::One;

use super::lift::{Along, Split, Tangents, Unit};
use super::{ValueGradientHessian, ValueGradientHvp};
use crate::dual::Dual;
use crate::entry::{admit, check_buffer};
use crate::{Expr, Point, Scalar};

/// The value, the gradient and the Hessian-vector product `H(x)·v` of `f` at `x`.
///
/// One fused forward-and-reverse sweep on dual numbers: about the cost of two or three
/// gradients, on the stack, no heap. `x` and `v` are `[T; N]` or `GenericArray<T, N>`; the
/// results are `GenericArray<T, N>`.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let f = x * x * y; // H = [[2y, 2x], [2x, 0]]
/// let (value, grad, hv) = hvp(&f, [3.0, 2.0], [1.0, 0.0]);
/// assert_eq!(value, 18.0);
/// assert_eq!(<[f64; 2]>::from(grad), [12.0, 9.0]);
/// assert_eq!(<[f64; 2]>::from(hv), [4.0, 6.0]);
/// ```
///
/// `f` must be an expression over dual numbers too (see [`jvp`](crate::jvp)).
#[inline(always)]
pub fn hvp<T: Scalar, E: Expr<Dual<T>>, X: Point<T>>(
    f: &E,
    x: X,
    v: X,
) -> ValueGradientHvp<T, X::Len> {
    const { crate::expr::fits(E::EXTENT, <X as crate::Ctx<T>>::INPUTS) };
    let mut grad = X::zeros();
    let mut hv = X::zeros();
    let ctx = Along { x: &x, v: &v };
    let (y, cache) = f.forward(&ctx);
    f.backward(
        &ctx,
        &cache,
        Dual::one(),
        &mut Split {
            re: &mut grad,
            eps: &mut hv,
        },
    );
    (y.re, grad.into_generic(), hv.into_generic())
}

/// [`hvp`] at inputs of run-time length: returns `f(x)`, writes `∇f(x)` into `grad` and
/// `H(x)·v` into `hv` (both overwritten). One fused sweep on dual numbers made on the fly
/// from `x` and `v`: no heap.
///
/// ```
/// use tapeless::prelude::*;
/// // f = Σ xᵢ²·xᵢ₊₁ over a run-time length.
/// let n = 3;
/// let f = sum_n(n - 1, |i| at(i).square() * at(i + 1));
/// let (x, v) = ([1.0, 2.0, 3.0], [0.0, 1.0, 0.0]);
/// let (mut g, mut hv) = ([0.0; 3], [0.0; 3]);
/// let y = hvp_into(&f, &x, &v, &mut g, &mut hv);
/// assert_eq!(y, 2.0 + 12.0);
/// assert_eq!(g, [4.0, 1.0 + 12.0, 4.0]);
/// assert_eq!(hv, [2.0, 6.0, 4.0]); // column 1 of H
/// ```
///
/// # Panics
/// Before any work, if `v`, `grad` or `hv` is not as long as `x`, or if `f` reads an input
/// past the end of `x`.
#[inline(always)]
#[track_caller]
pub fn hvp_into<T: Scalar, E: Expr<Dual<T>>>(
    f: &E,
    x: &[T],
    v: &[T],
    grad: &mut [T],
    hv: &mut [T],
) -> T {
    for len in [v.len(), grad.len(), hv.len()] {
        check_buffer(x.len(), len);
    }
    let ctx = Along { x, v };
    admit(f, &ctx);
    grad.fill(-T::zero());
    hv.fill(-T::zero());
    let y = f.fused(&ctx, Dual::one(), &mut Split { re: grad, eps: hv });
    y.re
}

/// The value, the gradient and the Hessian of `f` at `x`: an `N × N` matrix with a static
/// size, as `N` rows of `GenericArray<T, N>`.
///
/// `N` Hessian-vector products with the unit vectors (row `k` is `H·eₖ`), each one sweep on
/// the stack: no heap. The matrix is symmetric up to rounding (`H[i][k]` and `H[k][i]` come
/// from different sweeps). Convert it to `[[T; N]; N]` with
/// [`into_arrays`](crate::into_arrays).
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let rosenbrock = (x - 1.0).powi(2) + 100.0 * (y - x * x).powi(2);
/// let (_, _, h) = hessian(&rosenbrock, [1.0, 1.0]);
/// assert_eq!(into_arrays(h), [[802.0, -400.0], [-400.0, 200.0]]);
/// ```
///
/// `f` must be an expression over dual numbers too (see [`jvp`](crate::jvp)).
#[inline(always)]
pub fn hessian<T: Scalar, E: Expr<Dual<T>>, X: Point<T>>(
    f: &E,
    x: X,
) -> ValueGradientHessian<T, X::Len> {
    const { crate::expr::fits(E::EXTENT, <X as crate::Ctx<T>>::INPUTS) };
    let mut grad = X::zeros();
    let mut value = T::zero();
    let rows = GenericArray::generate(|k| {
        let mut row = X::zeros();
        let ctx = Unit { x: &x, k };
        let (y, cache) = f.forward(&ctx);
        if k == 0 {
            value = y.re;
            let mut sink = Split {
                re: &mut grad,
                eps: &mut row,
            };
            f.backward(&ctx, &cache, Dual::one(), &mut sink);
        } else {
            f.backward(&ctx, &cache, Dual::one(), &mut Tangents { eps: &mut row });
        }
        row.into_generic()
    });
    if X::Len::USIZE == 0 {
        // No inputs, no sweep above: the value still has to be computed.
        value = f.value(&Unit { x: &x, k: 0 }).re;
    }
    (value, grad.into_generic(), rows)
}
