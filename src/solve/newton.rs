//! Newton's method for square nonlinear systems `F(x) = 0` of static size.

use core::fmt;

use generic_array::{GenericArray, sequence::GenericSequence};

use super::linear::solve_in_place;
use crate::{Outputs, Point, Scalar};

/// When [`newton`] stops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NewtonOptions {
    /// Most Newton steps to take (each one Jacobian and one linear solve).
    pub max_iterations: usize,
    /// Converged when `‖F(x)‖∞` is at most this.
    pub residual_tol: f64,
    /// Also converged when a step is at most `step_tol·(1 + ‖x‖∞)` (in the ∞-norm): the
    /// iterate no longer moves, and the residual is as small as rounding lets it be.
    pub step_tol: f64,
}

impl Default for NewtonOptions {
    /// 50 iterations, `‖F‖∞ ≤ 1e-12`, relative step `1e-14`.
    fn default() -> Self {
        NewtonOptions {
            max_iterations: 50,
            residual_tol: 1e-12,
            step_tol: 1e-14,
        }
    }
}

/// A root found by [`newton`].
#[derive(Clone, Debug, PartialEq)]
pub struct Root<T, N: generic_array::ArrayLength> {
    /// The root.
    pub x: GenericArray<T, N>,
    /// `‖F(x)‖∞` at the root.
    pub residual: f64,
    /// Newton steps taken.
    pub iterations: usize,
}

/// Why [`newton`] found no root.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NewtonError {
    /// The Jacobian is singular (to working precision) at the current iterate, so the
    /// Newton step is undefined.
    Singular {
        /// Steps taken before it.
        iteration: usize,
    },
    /// The iteration limit was reached with the residual still above tolerance.
    NoConvergence {
        /// Steps taken.
        iterations: usize,
        /// `‖F(x)‖∞` at the last iterate.
        residual: f64,
    },
    /// `F`, its Jacobian or the step is infinite or NaN (the iterate left the domain of
    /// `F`, or overflowed).
    NonFinite {
        /// Steps taken before it.
        iteration: usize,
    },
}

impl fmt::Display for NewtonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NewtonError::Singular { iteration } => write!(
                f,
                "Newton's method stopped: the Jacobian is singular after {iteration} steps"
            ),
            NewtonError::NoConvergence {
                iterations,
                residual,
            } => write!(
                f,
                "Newton's method found no root in {iterations} steps (residual ‖F‖∞ = {residual:.3e})"
            ),
            NewtonError::NonFinite { iteration } => write!(
                f,
                "Newton's method stopped: F, its Jacobian or the step is not finite after {iteration} steps"
            ),
        }
    }
}

impl core::error::Error for NewtonError {}

/// The largest `|vᵢ|`, as `f64` (NaN if any is NaN).
pub(super) fn max_abs<T: Scalar>(v: impl IntoIterator<Item = T>) -> f64 {
    v.into_iter().fold(0.0_f64, |m, x| {
        let a = x.abs().to_f64();
        if a.is_nan() || m.is_nan() {
            f64::NAN
        } else {
            m.max(a)
        }
    })
}

/// A root of the square system `F(x) = 0` by Newton's method, from `x0`, with the
/// Jacobian by reverse-mode AD.
///
/// `system` is `N` expressions in `N` inputs (a tuple or an array, see [`Outputs`]); `x0`
/// is `[T; N]` or `GenericArray<T, N>`. Each step solves `J(x)·dx = −F(x)` by Gaussian
/// elimination with partial pivoting, on the stack: the whole solve allocates nothing.
/// Undamped: it converges quadratically near a simple root, and may wander from a poor
/// start.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::solve::{newton, NewtonOptions};
/// // The unit circle meets the line y = x at (1/√2, 1/√2).
/// let (x, y) = vars();
/// let system = (x * x + y * y - 1.0, y - x);
/// let root = newton(&system, [1.0, 0.5], &NewtonOptions::default())?;
/// let h = core::f64::consts::FRAC_1_SQRT_2;
/// assert!((root.x[0] - h).abs() < 1e-12 && (root.x[1] - h).abs() < 1e-12);
/// # Ok::<(), tapeless::solve::NewtonError>(())
/// ```
///
/// # Errors
/// [`NewtonError::Singular`] if a Jacobian is singular, [`NewtonError::NonFinite`] if
/// `F`, `J` or a step is not finite, [`NewtonError::NoConvergence`] if neither tolerance
/// is met within `max_iterations` steps.
pub fn newton<T, F, X>(
    system: &F,
    x0: X,
    options: &NewtonOptions,
) -> Result<Root<T, X::Len>, NewtonError>
where
    T: Scalar,
    F: Outputs<T, Len = X::Len>,
    X: Point<T>,
{
    let mut x = x0;
    let mut settled = false;
    let mut iteration = 0;
    loop {
        let (fx, mut j) = system.jacobian_at(&x);
        let residual = max_abs(fx.iter().copied());
        if residual.is_nan() || residual == f64::INFINITY {
            return Err(NewtonError::NonFinite { iteration });
        }
        if residual <= options.residual_tol || settled {
            return Ok(Root {
                x: x.into_generic(),
                residual,
                iterations: iteration,
            });
        }
        if iteration == options.max_iterations {
            return Err(NewtonError::NoConvergence {
                iterations: iteration,
                residual,
            });
        }
        let mut step = GenericArray::<T, X::Len>::generate(|i| -fx[i]);
        solve_in_place(&mut j, &mut step).map_err(|_| NewtonError::Singular { iteration })?;
        let size = max_abs(step.iter().copied());
        if !size.is_finite() {
            return Err(NewtonError::NonFinite { iteration });
        }
        for (i, &d) in step.iter().enumerate() {
            x.add_input(i, d);
        }
        let scale = 1.0 + max_abs(x.into_generic().iter().copied());
        settled = size <= options.step_tol * scale;
        iteration += 1;
    }
}
