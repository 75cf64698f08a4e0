//! Implicit differentiation: the derivatives of a solution `z*(p)` of `F(z, p) = 0` with
//! respect to the parameters `p`, from the implicit function theorem, whatever solver
//! found `z*`.
//!
//! At a solution where `F_z = ∂F/∂z` is invertible, `dz*/dp = −F_z⁻¹·F_p`: a tangent
//! `ṗ` moves the solution by `ż = −F_z⁻¹·F_p·ṗ` (JVP), and an adjoint `z̄` of the solution
//! pulls back to `p̄ = −F_pᵀ·F_z⁻ᵀ·z̄` (VJP, one transposed solve whatever the number of
//! parameters). Both come from one linearization of `F` at `(z*, p)` and one LU
//! factorization of `F_z`; no step of the solver is differentiated.

use core::fmt;

use super::linear::{lu_factor, lu_solve, lu_solve_transposed};
use super::newton::{NewtonError, NewtonOptions, max_abs};
use super::residual::{Joined, Linearization, Residual};
use crate::{Dual, Point, Scalar};

/// Why an implicit derivative could not be formed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ImplicitError {
    /// `F_z` is singular (to working precision) at the solution: the solution is not a
    /// differentiable function of the parameters there (a fold, a double root).
    Singular,
    /// `F`, `F_z` or `F_p` is infinite or NaN at the solution.
    NonFinite,
    /// Newton's method in the unknowns (the parameters held fixed) found no solution.
    Newton(NewtonError),
}

impl From<NewtonError> for ImplicitError {
    fn from(e: NewtonError) -> Self {
        ImplicitError::Newton(e)
    }
}

impl fmt::Display for ImplicitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImplicitError::Singular => write!(
                f,
                "the Jacobian of the residual in the unknowns is singular at the solution: no implicit derivative"
            ),
            ImplicitError::NonFinite => write!(
                f,
                "the residual or its Jacobian is not finite at the solution"
            ),
            ImplicitError::Newton(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for ImplicitError {}

/// A solution `z*` of `F(z, p) = 0` with what its derivatives need: `F_p` and the LU factors
/// of `F_z` at `(z*, p)`. Made from a solution found by any solver ([`Implicit::at`]) or by
/// Newton's method in the unknowns ([`Implicit::newton`]); then [`jvp`](Implicit::jvp),
/// [`vjp`](Implicit::vjp) and [`sensitivity`](Implicit::sensitivity) are triangular
/// solves with those factors. Plain arrays on the stack: nothing is allocated.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::solve::{Implicit, NewtonOptions};
/// // z³ + p·z − 1 = 0: at p = 0 the root is 1, and dz/dp = −z/(3z² + p) = −1/3.
/// let (z, p) = vars();
/// let residual = (z * z * z + p * z - 1.0,);
/// let root = Implicit::newton(&residual, [0.5], [0.0], &NewtonOptions::default())?;
/// assert!((root.z()[0] - 1.0).abs() < 1e-15);
/// assert!((root.sensitivity()[0][0] + 1.0 / 3.0).abs() < 1e-15);
/// assert!((root.vjp([3.0])[0] + 1.0).abs() < 1e-15); // p̄ = z̄·dz/dp
/// # Ok::<(), tapeless::solve::ImplicitError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Implicit<T, const N: usize, const P: usize> {
    z: [T; N],
    lu: [[T; N]; N],
    swaps: [usize; N],
    fp: [[T; P]; N],
    residual: f64,
    iterations: usize,
}

/// One step of Newton's method in the unknowns, shared by [`Implicit::newton`] and the
/// tape's `TapeImplicit::newton`: from the residual `f` and its Jacobian `fz` (row-major,
/// factored in place) at `z`, decides whether the iteration has converged (the residual
/// small, or the previous step `settled`), and moves `z` by the Newton step either way (the
/// step after convergence is the one that makes a dual tangent exact). Returns
/// `(converged, settled)` for the next round; `swaps` and `step` are scratch of `z`'s length.
pub(super) fn newton_step<T: Scalar>(
    (f, fz): (&[T], &mut [T]),
    (swaps, step, z): (&mut [usize], &mut [T], &mut [T]),
    settled: bool,
    iteration: usize,
    options: &NewtonOptions,
) -> Result<(bool, bool), ImplicitError> {
    let size = max_abs(f.iter().copied());
    if size.is_nan() || size == f64::INFINITY {
        return Err(NewtonError::NonFinite { iteration }.into());
    }
    let converged = size <= options.residual_tol || settled;
    if !converged && iteration == options.max_iterations {
        return Err(NewtonError::NoConvergence {
            iterations: iteration,
            residual: size,
        }
        .into());
    }
    let n = z.len();
    lu_factor(fz, n, swaps).map_err(|_| NewtonError::Singular { iteration })?;
    for (s, &v) in step.iter_mut().zip(f) {
        *s = -v;
    }
    lu_solve(fz, n, swaps, step);
    let moved = max_abs(step.iter().copied());
    if !moved.is_finite() {
        return Err(NewtonError::NonFinite { iteration }.into());
    }
    for (zi, &d) in z.iter_mut().zip(step.iter()) {
        *zi += d;
    }
    let settled = moved <= options.step_tol * (1.0 + max_abs(z.iter().copied()));
    Ok((converged, settled))
}

/// Whether every entry is finite.
fn finite<T: Scalar>(v: &[T]) -> bool {
    v.iter().all(|x| x.is_finite())
}

/// Checks a linearization `(F, F_z, F_p)` at a solution and factors `F_z` (row-major,
/// `swaps.len()` unknowns) in place: what [`Implicit`] and the tape's `TapeImplicit` keep
/// for their derivatives.
pub(super) fn check_and_factor<T: Scalar>(
    (f, fz, fp): (&[T], &mut [T], &[T]),
    swaps: &mut [usize],
) -> Result<(), ImplicitError> {
    if !finite(f) || !finite(fz) || !finite(fp) {
        return Err(ImplicitError::NonFinite);
    }
    lu_factor(fz, swaps.len(), swaps).map_err(|_| ImplicitError::Singular)
}

impl<T: Scalar, const N: usize, const P: usize> Implicit<T, N, P> {
    /// The linearization of `residual` at a solution `z` for the parameters `p`, found by
    /// any solver (this crate's [`newton`](super::newton), an argmin minimizer with
    /// [`Stationary`](super::Stationary), a solver of one's own). `z` is taken as given: how close `F(z, p)`
    /// is to zero is [`residual`](Implicit::residual), and the derivatives are those of
    /// the solution nearest to it only as far as that is small.
    ///
    /// # Errors
    /// [`ImplicitError::Singular`] if `F_z` is singular at `(z, p)`,
    /// [`ImplicitError::NonFinite`] if `F`, `F_z` or `F_p` is not finite there.
    pub fn at<R: Residual<T, N>>(residual: &R, z: [T; N], p: [T; P]) -> Result<Self, ImplicitError>
    where
        Joined<T, N, P>: Point<T>,
    {
        Self::factor(residual.linearize(&Joined { z, p }), z, 0)
    }

    /// Solves `F(z, p) = 0` for `z` by Newton's method from `guess`, the parameters held
    /// at `p`, then linearizes there as [`at`](Implicit::at) does. Stops as
    /// [`newton`](super::newton) does, then takes one more step: with dual numbers
    /// (`T = Dual`) that step makes the tangent of the solution exact (`ż = −F_z⁻¹·F_p·ṗ`),
    /// however the iteration reached its value.
    ///
    /// # Errors
    /// [`ImplicitError::Newton`] with the reason Newton's method stopped (a singular
    /// Jacobian on the way, a non-finite value, no convergence within
    /// `options.max_iterations`); then as [`at`](Implicit::at) at the solution.
    pub fn newton<R: Residual<T, N>>(
        residual: &R,
        guess: [T; N],
        p: [T; P],
        options: &NewtonOptions,
    ) -> Result<Self, ImplicitError>
    where
        Joined<T, N, P>: Point<T>,
    {
        let mut x = Joined { z: guess, p };
        let (mut settled, mut converged) = (false, false);
        let mut iteration = 0;
        loop {
            let lin = residual.linearize(&x);
            if converged {
                return Self::factor(lin, x.z, iteration);
            }
            let (f, mut fz, _) = lin;
            let mut swaps = [0; N];
            let mut step = [T::zero(); N];
            (converged, settled) = newton_step(
                (&f, fz.as_flattened_mut()),
                (&mut swaps, &mut step, &mut x.z),
                settled,
                iteration,
                options,
            )?;
            iteration += 1;
        }
    }

    /// Checks and factors a linearization.
    fn factor(
        (f, mut fz, fp): Linearization<T, N, P>,
        z: [T; N],
        iterations: usize,
    ) -> Result<Self, ImplicitError> {
        let mut swaps = [0; N];
        check_and_factor((&f, fz.as_flattened_mut(), fp.as_flattened()), &mut swaps)?;
        Ok(Implicit {
            z,
            lu: fz,
            swaps,
            fp,
            residual: max_abs(f.iter().copied()),
            iterations,
        })
    }

    /// The solution `z*`.
    pub fn z(&self) -> [T; N] {
        self.z
    }

    /// `‖F(z*, p)‖∞`, as `f64`.
    pub fn residual(&self) -> f64 {
        self.residual
    }

    /// Newton steps taken ([`Implicit::newton`]; 0 for [`Implicit::at`]).
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// The tangent of the solution along a tangent `dp` of the parameters:
    /// `ż = −F_z⁻¹·F_p·ṗ`. One solve.
    pub fn jvp(&self, dp: [T; P]) -> [T; N] {
        let mut b: [T; N] = core::array::from_fn(|i| {
            let mut s = T::zero();
            for (a, d) in self.fp[i].iter().zip(&dp) {
                s -= *a * *d;
            }
            s
        });
        lu_solve(self.lu.as_flattened(), N, &self.swaps, &mut b);
        b
    }

    /// The adjoint of the parameters for an adjoint `dz` of the solution:
    /// `p̄ = −F_pᵀ·F_z⁻ᵀ·z̄`. One transposed solve, whatever `P` is.
    pub fn vjp(&self, dz: [T; N]) -> [T; P] {
        let mut lambda = dz;
        lu_solve_transposed(self.lu.as_flattened(), N, &self.swaps, &mut lambda);
        core::array::from_fn(|j| {
            let mut s = T::zero();
            for (row, l) in self.fp.iter().zip(&lambda) {
                s -= row[j] * *l;
            }
            s
        })
    }

    /// The sensitivity matrix `dz*/dp = −F_z⁻¹·F_p` (`N × P`, row `i` is `∇_p zᵢ*`). One
    /// solve per parameter.
    pub fn sensitivity(&self) -> [[T; P]; N] {
        let mut s = [[T::zero(); P]; N];
        for j in 0..P {
            let mut dp = [T::zero(); P];
            dp[j] = T::one();
            for (row, v) in s.iter_mut().zip(self.jvp(dp)) {
                row[j] = v;
            }
        }
        s
    }
}

/// `(dz*/dp, D(dz*/dp)[v])`: the sensitivity and its derivative along `v` (what
/// [`sensitivity_along`] returns), both `N × P`.
pub type SensitivityAlong<T, const N: usize, const P: usize> = ([[T; P]; N], [[T; P]; N]);

/// The sensitivity `S = dz*/dp` at a solution `z` for the parameters `p`, and its
/// directional derivative `Σₖ vₖ·∂S/∂pₖ` (second derivatives of the solution: entry
/// `(i, j)` is `Σₖ vₖ·∂²zᵢ*/∂pⱼ∂pₖ`).
///
/// The implicit formula evaluated in dual numbers at `(z + ε·ż, p + ε·v)`, with `ż` the
/// first-order tangent: the derivative of `−F_z⁻¹·F_p` along the solution curve, exact, for
/// one extra linearization (so `residual` must also evaluate on [`Dual`] numbers, as
/// every expression built from variables and literals does). With `v` the unit vectors,
/// `P` calls give the whole second derivative.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::solve::sensitivity_along;
/// // z² − p = 0: z = √p, z' = 1/(2√p), z'' = −1/(4 p^{3/2}).
/// let (z, p) = vars();
/// let (s, ds) = sensitivity_along(&(z * z - p,), [2.0], [4.0], [1.0])?;
/// assert!((s[0][0] - 0.25).abs() < 1e-15 && (ds[0][0] + 1.0 / 32.0).abs() < 1e-15);
/// # Ok::<(), tapeless::solve::ImplicitError>(())
/// ```
///
/// # Errors
/// As [`Implicit::at`].
pub fn sensitivity_along<T, R, const N: usize, const P: usize>(
    residual: &R,
    z: [T; N],
    p: [T; P],
    v: [T; P],
) -> Result<SensitivityAlong<T, N, P>, ImplicitError>
where
    T: Scalar,
    R: Residual<T, N> + Residual<Dual<T>, N>,
    Joined<T, N, P>: Point<T>,
    Joined<Dual<T>, N, P>: Point<Dual<T>>,
{
    let first = Implicit::at(residual, z, p)?;
    let dz = first.jvp(v);
    let zd = core::array::from_fn(|i| Dual::new(z[i], dz[i]));
    let pd = core::array::from_fn(|j| Dual::new(p[j], v[j]));
    let s = Implicit::<Dual<T>, N, P>::at(residual, zd, pd)?.sensitivity();
    Ok((
        s.map(|r| r.map(|d| d.re)),
        s.map(|r| r.map(|d| d.tangent())),
    ))
}
