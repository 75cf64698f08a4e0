//! Forward mode on the static engine: the primal sweep run on dual numbers.

use generic_array::{ConstArrayLength, GenericArray, IntoArrayLength, typenum::Const};

use super::lift::{Along, Seeded};
use crate::dual::Dual;
use crate::entry::{admit, check_buffer};
use crate::expr::RUN_TIME;
use crate::{Ctx, Expr, Scalar};

/// The value of `f` at `x` and its derivative along `v`: `(f(x), ∇f(x)·v)`.
///
/// One evaluation of `f` on dual numbers `xᵢ + vᵢ·ε` (forward mode); no reverse sweep, no
/// heap. `x` and `v` are `[T; N]` or `GenericArray<T, N>`, or (run-time length) `&[T]` or
/// `&Vec<T>` of one length.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let f = x * x * y;
/// let (value, slope) = jvp(&f, [3.0, 2.0], [1.0, -1.0]);
/// // ∇f = (2xy, x²) = (12, 9), so ∇f·v = 12 − 9.
/// assert_eq!((value, slope), (18.0, 3.0));
/// assert_eq!(jvp(&f, &[3.0, 2.0][..], &[1.0, -1.0][..]), (18.0, 3.0));
/// ```
///
/// # Panics
/// For inputs of run-time length, before any work, if `v` is not as long as `x` or if `f`
/// reads an input past their end.
///
/// `f` must be an expression over dual numbers too: any expression built from
/// variables and literals is. A helper that returns `impl Expr<f64>` hides that; write
/// it generic (`fn f<T: Scalar>() -> impl Expr<T>`) or return `impl Expr<f64> +
/// Expr<Dual<f64>>`.
#[inline(always)]
#[track_caller]
pub fn jvp<T: Scalar, E: Expr<Dual<T>>, X: Ctx<T>>(f: &E, x: X, v: X) -> (T, T) {
    const { crate::expr::fits(E::EXTENT, X::INPUTS) };
    if X::INPUTS == RUN_TIME {
        check_buffer(x.inputs(), v.inputs());
    }
    let ctx = Along { x: &x, v: &v };
    admit(f, &ctx);
    let y = f.value(&ctx);
    (y.re, y.tangent())
}

/// The value and the gradient of `f` by forward mode: one evaluation on dual numbers
/// carrying `N` tangents (`xᵢ` seeded with the `i`-th unit vector).
///
/// The same result as [`gradient`](crate::gradient) (up to rounding), at a cost that grows
/// with `N` times the cost of `f`; it is here as the forward-mode engine to compare
/// against, and for functions of very few inputs.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let f = x.sin() * y;
/// let (v, g) = forward_gradient(&f, [0.0, 2.0]);
/// assert_eq!(v, 0.0);
/// assert_eq!(<[f64; 2]>::from(g), [2.0, 0.0]);
/// ```
#[inline(always)]
pub fn forward_gradient<T, E, const N: usize>(
    f: &E,
    x: [T; N],
) -> (T, GenericArray<T, ConstArrayLength<N>>)
where
    T: Scalar,
    E: Expr<Dual<T, N>>,
    Const<N>: IntoArrayLength,
{
    const { crate::expr::fits(<E as crate::Extent>::EXTENT, N) };
    let y: Dual<T, N> = f.value(&Seeded { x: &x });
    (y.re, GenericArray::from_array(y.eps))
}
