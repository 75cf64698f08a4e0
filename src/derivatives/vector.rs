//! Vector-valued functions: `M` static expressions over the same inputs.

use generic_array::{
    ArrayLength, ConstArrayLength, GenericArray, IntoArrayLength,
    sequence::GenericSequence,
    typenum::{Const, U1, U2, U3, U4, U5, U6, U7, U8},
};

use super::ValuesJacobian;
use crate::{Expr, Point, Scalar};

/// A function `ℝᴺ → ℝᴹ` given as `M` expressions over the same inputs: a tuple of up to 8
/// expressions of any types, or an array `[E; M]` of expressions of one type.
///
/// Each output gets one forward sweep and one reverse sweep that reuses that forward
/// sweep's cache: nothing is evaluated twice. (Work shared *between* outputs cannot be
/// shared: they are separate expressions. Put common work in one output through
/// [`let_in`](crate::let_in) if it dominates, or use the tape.)
pub trait Outputs<T: Scalar> {
    /// The number of outputs `M`, as a type-level length.
    type Len: ArrayLength;

    /// The values of the outputs at `x`.
    fn values<X: Point<T>>(&self, x: &X) -> GenericArray<T, Self::Len>;

    /// The values, and `Σₘ seedₘ·∇fₘ(x)` added into `grad`.
    fn vjp_into<X: Point<T>>(
        &self,
        x: &X,
        seeds: &GenericArray<T, Self::Len>,
        grad: &mut X,
    ) -> GenericArray<T, Self::Len>;

    /// The values and the Jacobian (row `m` is `∇fₘ(x)`).
    fn jacobian_at<X: Point<T>>(&self, x: &X) -> ValuesJacobian<T, Self::Len, X::Len>;

    /// At inputs of run-time length: the values into `values`, row `m` of the Jacobian
    /// into `jac[m·n..(m + 1)·n]` (`n = x.len()`), both overwritten. The lengths are the
    /// caller's to check ([`jacobian_into`] does).
    fn jacobian_rows(&self, x: &[T], values: &mut [T], jac: &mut [T]);

    /// The largest [`extent`](Expr::extent) of the outputs.
    fn extent(&self) -> usize;
}

/// `fₘ(x)` of run-time length, its gradient written into `row` (overwritten).
#[inline(always)]
fn row_into<T: Scalar, E: Expr<T>>(f: &E, x: &[T], row: &mut [T]) -> T {
    row.fill(-T::zero());
    f.fused(&x, T::one(), &mut &mut *row)
}

/// `(f(x), ∇f(x))` for one output, as a point of the caller's type.
#[inline(always)]
fn row<T: Scalar, E: Expr<T>, X: Point<T>>(f: &E, x: &X) -> (T, X) {
    const { crate::expr::fits(E::EXTENT, <X as crate::Ctx<T>>::INPUTS) };
    let mut g = X::zeros();
    let v = f.fused(x, T::one(), &mut g);
    (v, g)
}

/// `f(x)`, adding `seed·∇f(x)` into `grad`.
#[inline(always)]
fn seeded<T: Scalar, E: Expr<T>, X: Point<T>>(f: &E, x: &X, seed: T, grad: &mut X) -> T {
    const { crate::expr::fits(E::EXTENT, <X as crate::Ctx<T>>::INPUTS) };
    f.fused(x, seed, grad)
}

/// `f(x)` for one output.
#[inline(always)]
fn value_at<T: Scalar, E: Expr<T>, X: Point<T>>(f: &E, x: &X) -> T {
    const { crate::expr::fits(E::EXTENT, <X as crate::Ctx<T>>::INPUTS) };
    f.value(x)
}

/// [`Outputs`] for a tuple of expressions.
macro_rules! tuple_outputs {
    ($( $Len:ident: $($E:ident $i:tt),+; )*) => {
        $(
            impl<T: Scalar, $($E: Expr<T>),+> Outputs<T> for ($($E,)+) {
                type Len = $Len;
                #[inline(always)]
                fn values<X: Point<T>>(&self, x: &X) -> GenericArray<T, $Len> {
                    GenericArray::from_array([$(value_at(&self.$i, x)),+])
                }
                #[inline(always)]
                fn vjp_into<X: Point<T>>(
                    &self,
                    x: &X,
                    seeds: &GenericArray<T, $Len>,
                    grad: &mut X,
                ) -> GenericArray<T, $Len> {
                    GenericArray::from_array([$(seeded(&self.$i, x, seeds[$i], grad)),+])
                }
                #[inline(always)]
                fn jacobian_at<X: Point<T>>(
                    &self,
                    x: &X,
                ) -> ValuesJacobian<T, $Len, X::Len> {
                    let pairs = [$(row(&self.$i, x)),+];
                    (
                        GenericArray::generate(|m| pairs[m].0),
                        GenericArray::generate(|m| pairs[m].1.into_generic()),
                    )
                }
                #[inline(always)]
                fn jacobian_rows(&self, x: &[T], values: &mut [T], jac: &mut [T]) {
                    let n = x.len();
                    $(values[$i] = row_into(&self.$i, x, &mut jac[$i * n..($i + 1) * n]);)+
                }
                #[inline(always)]
                fn extent(&self) -> usize {
                    0 $(.max(self.$i.extent()))+
                }
            }
        )*
    };
}

tuple_outputs! {
    U1: A 0;
    U2: A 0, B 1;
    U3: A 0, B 1, C 2;
    U4: A 0, B 1, C 2, D 3;
    U5: A 0, B 1, C 2, D 3, E 4;
    U6: A 0, B 1, C 2, D 3, E 4, F 5;
    U7: A 0, B 1, C 2, D 3, E 4, F 5, G 6;
    U8: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7;
}

impl<T: Scalar, E: Expr<T>, const M: usize> Outputs<T> for [E; M]
where
    Const<M>: IntoArrayLength,
{
    type Len = ConstArrayLength<M>;
    #[inline(always)]
    fn values<X: Point<T>>(&self, x: &X) -> GenericArray<T, Self::Len> {
        GenericArray::from_array(self.each_ref().map(|f| value_at(f, x)))
    }
    #[inline(always)]
    fn vjp_into<X: Point<T>>(
        &self,
        x: &X,
        seeds: &GenericArray<T, Self::Len>,
        grad: &mut X,
    ) -> GenericArray<T, Self::Len> {
        GenericArray::generate(|m| seeded(&self[m], x, seeds[m], grad))
    }
    #[inline(always)]
    fn jacobian_at<X: Point<T>>(&self, x: &X) -> ValuesJacobian<T, Self::Len, X::Len> {
        let mut values = GenericArray::<T, Self::Len>::generate(|_| T::zero());
        let rows = GenericArray::generate(|m| {
            let (v, g) = row(&self[m], x);
            values[m] = v;
            g.into_generic()
        });
        (values, rows)
    }
    #[inline(always)]
    fn jacobian_rows(&self, x: &[T], values: &mut [T], jac: &mut [T]) {
        let n = x.len();
        for (m, f) in self.iter().enumerate() {
            values[m] = row_into(f, x, &mut jac[m * n..(m + 1) * n]);
        }
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.iter().fold(0, |m, f| m.max(f.extent()))
    }
}

/// The values and the Jacobian of a vector function at inputs of run-time length: the `M`
/// values into `values` and the `M × n` Jacobian into `jac`, row-major (row `m` is
/// `∇fₘ(x)`), both overwritten. One reverse sweep per output, no heap.
///
/// ```
/// use tapeless::prelude::*;
/// // Two outputs over as many inputs as the data has: Σ xᵢ and Σ xᵢ².
/// let n = 3;
/// let f = (sum_n(n, at), sum_n(n, |i| at(i).square()));
/// let (mut values, mut jac) = ([0.0; 2], [0.0; 6]);
/// jacobian_into(&f, &[1.0, 2.0, 3.0], &mut values, &mut jac);
/// assert_eq!(values, [6.0, 14.0]);
/// assert_eq!(jac, [1.0, 1.0, 1.0, 2.0, 4.0, 6.0]);
/// ```
///
/// # Panics
/// Before any work, if `values` is not of `M` entries or `jac` of `M·n`, or if an output
/// reads an input past the end of `x`.
#[inline(always)]
#[track_caller]
pub fn jacobian_into<T: Scalar, F: Outputs<T>>(f: &F, x: &[T], values: &mut [T], jac: &mut [T]) {
    let outputs = <F::Len as generic_array::typenum::Unsigned>::USIZE;
    crate::entry::check_buffer(outputs, values.len());
    crate::entry::check_buffer(outputs * x.len(), jac.len());
    let needed = f.extent();
    if needed > x.len() {
        crate::entry::out_of_range(needed - 1, x.len());
    }
    f.jacobian_rows(x, values, jac);
}

/// The values and the Jacobian (`M × N`, static sizes) of a vector function at `x`.
///
/// `f` is a tuple of up to 8 expressions or an array `[E; M]` (see [`Outputs`]); `x` is
/// `[T; N]` or `GenericArray<T, N>`. One reverse sweep per output, on the stack: no heap.
/// Row `m` of the result is `∇fₘ(x)`; convert it to `[[T; N]; M]` with
/// [`into_arrays`](crate::into_arrays).
///
/// ```
/// use tapeless::prelude::*;
/// let (r, t) = vars();
/// let polar = (r * t.cos(), r * t.sin());
/// let (xy, j) = jacobian(&polar, [2.0, 0.0]);
/// assert_eq!(<[f64; 2]>::from(xy), [2.0, 0.0]);
/// assert_eq!(into_arrays(j), [[1.0, 0.0], [0.0, 2.0]]);
/// ```
#[inline(always)]
pub fn jacobian<T: Scalar, F: Outputs<T>, X: Point<T>>(
    f: &F,
    x: X,
) -> ValuesJacobian<T, F::Len, X::Len> {
    f.jacobian_at(&x)
}

/// The values of a vector function and the vector-Jacobian product `seedsᵀ·J(x)`
/// (`= Σₘ seedsₘ·∇fₘ(x)`), without forming `J`.
///
/// `seeds` has one entry per output (`[T; M]` or `GenericArray<T, M>`). One reverse sweep
/// per output, all adding into the same gradient buffer; no heap.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let f = (x * y, x + y, x * x);
/// let (values, g) = vjp(&f, [3.0, 2.0], [1.0, 10.0, 100.0]);
/// assert_eq!(<[f64; 3]>::from(values), [6.0, 5.0, 9.0]);
/// // 1·(2, 3) + 10·(1, 1) + 100·(6, 0)
/// assert_eq!(<[f64; 2]>::from(g), [612.0, 13.0]);
/// ```
#[inline(always)]
pub fn vjp<T, F, X, S>(f: &F, x: X, seeds: S) -> (GenericArray<T, F::Len>, GenericArray<T, X::Len>)
where
    T: Scalar,
    F: Outputs<T>,
    X: Point<T>,
    S: Point<T, Len = F::Len>,
{
    let mut grad = X::zeros();
    let values = f.vjp_into(&x, &seeds.into_generic(), &mut grad);
    (values, grad.into_generic())
}
