//! Beyond the gradient: directional derivatives, second order, Jacobians, batches.
//!
//! | entry point | computes | how |
//! | --- | --- | --- |
//! | [`jvp`] | `f(x)`, `∇f(x)·v` | forward sweep on [`Dual`] |
//! | [`forward_gradient`] | `f(x)`, `∇f(x)` | forward sweep on `Dual<T, N>` (forward mode) |
//! | [`hvp`], [`hvp_into`] | `f(x)`, `∇f(x)`, `H(x)·v` | reverse sweep on [`Dual`] (forward-over-reverse) |
//! | [`hessian`] | `f(x)`, `∇f(x)`, `H(x)` | `N` of those, with unit vectors |
//! | [`jacobian`], [`jacobian_into`] | `F(x)`, `J(x)` (`M × N`, or `M × n` at run time) | one reverse sweep per output |
//! | [`vjp`] | `F(x)`, `sᵀJ(x)` | one seeded reverse sweep per output |
//! | [`gradients`], `par_gradients` | `∇f` at many points | a loop; `rayon` chunks |
//! | [`tape_jvp`], [`tape_hvp`], [`tape_hessian`] | as above, run-time sizes | a closure recorded on a `Tape<Dual<T>>` |
//! | [`tape_gradients`] | `f(x)`, `∇f(x)` at many points | recorded once, replayed ([`Replayer`](crate::tape::Replayer)) |
//! | [`tape_jacobian`] | `F(x)`, `J(x)`, run-time sizes | one recording, one sweep per output |
//!
//! The static ones are allocation-free and return `GenericArray`s with static sizes
//! (matrices as [`Matrix`], rows of `GenericArray`s; [`into_arrays`] turns one into
//! `[[T; N]; M]`).
//!
//! ## Second order needs an expression over duals
//! The second-order and forward entry points evaluate `f` with dual numbers, so `f` must be
//! an `Expr<Dual<T>>`. Every expression written from variables and literals is, whatever
//! its type. An expression returned from a helper as `impl Expr<f64>` is not (the opaque
//! type promises `f64` only). Either make the helper generic in the scalar type (each call
//! then picks one type, usually by inference), or return `impl SecondOrder<f64>`, which
//! promises both `f64` and `Dual<f64>` (needed when one value is used both ways, as by
//! the argmin adapter).
//!
//! ```
//! use tapeless::prelude::*;
//! // Generic helper: each call site picks the scalar type.
//! fn model<T: Scalar>() -> impl Expr<T> {
//!     let (x, y) = vars();
//!     (x * y).exp() + x
//! }
//! let (_, _, h) = hessian(&model(), [0.0, 0.0]);
//! assert_eq!(into_arrays(h), [[0.0, 1.0], [1.0, 0.0]]);
//!
//! // One value, both scalar types.
//! fn model2() -> impl SecondOrder<f64> {
//!     let (x, y) = vars();
//!     (x * y).exp() + x
//! }
//! let f = model2();
//! let (_, g) = gradient(&f, [0.0, 0.0]);
//! let (_, _, hv) = hvp(&f, [0.0, 0.0], [1.0, 0.0]);
//! assert_eq!((g[0], hv[1]), (1.0, 1.0));
//! ```
//!
//! [`Dual`]: crate::Dual

mod batch;
mod forward;
mod lift;
mod second;
#[cfg(feature = "alloc")]
mod taped;
#[cfg(feature = "alloc")]
mod taped_ops;
mod vector;

pub use batch::gradients;
#[cfg(feature = "rayon")]
pub use batch::par_gradients;
pub use forward::{forward_gradient, jvp};
pub use second::{hessian, hvp, hvp_into};
#[cfg(feature = "alloc")]
pub use taped::{tape_gradient, tape_gradients, tape_hessian, tape_hvp, tape_jacobian, tape_jvp};
pub use vector::{Outputs, jacobian, jacobian_into, vjp};

use generic_array::{ConstArrayLength, GenericArray, IntoArrayLength, typenum::Const};

/// An expression over `T` and over [`Dual<T>`](crate::Dual): what every entry point of
/// this module accepts, as one bound (`fn model() -> impl SecondOrder<f64>`).
///
/// Implemented for every type that has both; nothing to implement by hand.
pub trait SecondOrder<T: crate::Scalar>: crate::Expr<T> + crate::Expr<crate::Dual<T>> {}

impl<T: crate::Scalar, E: crate::Expr<T> + crate::Expr<crate::Dual<T>>> SecondOrder<T> for E {}

/// An `M × N` matrix with static sizes: `M` rows of `GenericArray<T, N>`.
pub type Matrix<T, M, N> = GenericArray<GenericArray<T, N>, M>;

/// `(f(x), ∇f(x), H(x)·v)`: what [`hvp`] returns.
pub type ValueGradientHvp<T, N> = (T, GenericArray<T, N>, GenericArray<T, N>);

/// `(f(x), ∇f(x), H(x))`: what [`hessian`] returns.
pub type ValueGradientHessian<T, N> = (T, GenericArray<T, N>, Matrix<T, N, N>);

/// `(F(x), J(x))` for `M` outputs of `N` inputs: what [`jacobian`] returns.
pub type ValuesJacobian<T, M, N> = (GenericArray<T, M>, Matrix<T, M, N>);

/// A [`Matrix`] as nested arrays `[[T; N]; M]` (row major, as it is stored).
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let (_, _, h) = hessian(&(x * y), [1.0, 2.0]);
/// let h: [[f64; 2]; 2] = into_arrays(h);
/// assert_eq!(h, [[0.0, 1.0], [1.0, 0.0]]);
/// ```
#[inline(always)]
pub fn into_arrays<T, const M: usize, const N: usize>(
    m: Matrix<T, ConstArrayLength<M>, ConstArrayLength<N>>,
) -> [[T; N]; M]
where
    Const<M>: IntoArrayLength,
    Const<N>: IntoArrayLength,
{
    let rows: [GenericArray<T, ConstArrayLength<N>>; M] = m.into_array();
    rows.map(GenericArray::into_array)
}
