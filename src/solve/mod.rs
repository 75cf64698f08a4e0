//! Solvers built on the derivatives: Newton's method for nonlinear systems, and (feature
//! `argmin`) adapters that hand expressions to the `argmin` optimizers.
//!
//! | item | feature | what |
//! | --- | --- | --- |
//! | [`newton`] | — | `F(x) = 0` for `N` expressions in `N` inputs; AD Jacobian; no heap |
//! | `argmin::StaticProblem` | `argmin` | a static expression as an argmin cost, gradient and Hessian |
//! | `argmin::TapeProblem` | `argmin` | the same for a function recorded on the tape (run-time size) |

#[cfg(feature = "argmin")]
pub mod argmin;
mod implicit;
mod linear;
mod newton;

pub use implicit::{
    Implicit, ImplicitError, Joined, Linearization, Residual, SensitivityAlong, Stationary,
    sensitivity_along,
};
pub use newton::{NewtonError, NewtonOptions, Root, newton};
