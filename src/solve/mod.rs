//! Solvers built on the derivatives: Newton's method for nonlinear systems, derivatives
//! through a solution by the implicit function theorem, and (feature `argmin`) adapters
//! that hand expressions to the `argmin` optimizers.
//!
//! | item | feature | what |
//! | --- | --- | --- |
//! | [`newton`] | — | `F(x) = 0` for `N` expressions in `N` inputs; AD Jacobian; no heap |
//! | [`Implicit`] | — | at a solution of `F(z, p) = 0`: `dz*/dp`, JVP, VJP; no heap |
//! | [`sensitivity_along`] | — | `dz*/dp` and its derivative along `v` (second order, dual numbers) |
//! | [`Stationary`] | — | the minimizer of `f(z, p)` in `z` as the root of `∇_z f`, for all of the above |
//! | [`solve_in`] | — | a solution as a node: `body(z*(p(x)))` in a static expression, its gradient through the implicit VJP |
//! | `TapeImplicit` | `alloc` | [`Implicit`] for a residual recorded on the tape (run-time sizes) |
//! | `argmin::StaticProblem` | `argmin` | a static expression as an argmin cost, gradient and Hessian |
//! | `argmin::TapeProblem` | `argmin` | the same for a function recorded on the tape (run-time size) |
//!
//! A solution `z*(p)` found by any solver (Newton's method here, an argmin minimizer, a
//! solver of one's own) is differentiated by the implicit function theorem: no step of the
//! solver is differentiated, and a singular `F_z` is an error
//! ([`ImplicitError::Singular`]), never a NaN.

#[cfg(feature = "argmin")]
pub mod argmin;
mod implicit;
mod linear;
mod newton;
mod residual;
mod solution;
#[cfg(feature = "alloc")]
mod tape_implicit;

pub use implicit::{Implicit, ImplicitError, SensitivityAlong, sensitivity_along};
pub use newton::{NewtonError, NewtonOptions, Root, newton};
pub use residual::{Joined, Linearization, Residual, Stationary};
pub use solution::{Solution, solve_in};
#[cfg(feature = "alloc")]
pub use tape_implicit::TapeImplicit;
