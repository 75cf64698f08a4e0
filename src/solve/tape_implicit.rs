//! Implicit differentiation for residuals recorded on the tape: sizes known at run time.

use alloc::vec;
use alloc::vec::Vec;

use super::implicit::{ImplicitError, check_and_factor, newton_step};
use super::linear::{lu_solve, lu_solve_transposed};
use super::newton::{NewtonOptions, max_abs};
use crate::Scalar;
use crate::tape::{Inputs, Tape, Var};

/// [`Implicit`](super::Implicit) for a residual recorded on the tape, of as many unknowns
/// and parameters as the data has: a solution `z*` of `F(z, p) = 0`, with `F_p` and the LU
/// factors of `F_z` there, and the JVP, VJP and sensitivity from them.
///
/// Generic over the scalar type: on a tape of dual numbers at `(z + ε·ż, p + ε·v)` (write
/// the residual as a function generic in the scalar type and pass it to both), the
/// tangents of [`sensitivity`](TapeImplicit::sensitivity) are its derivative along `v`,
/// as [`sensitivity_along`](super::sensitivity_along) gives for static residuals.
///
/// The residual is a closure recording `F` from the input handles `x = (z, p)` (the
/// unknowns first) and returning one handle per unknown. Pass it directly in the call: a
/// closure stored in a variable first does not get the signature that ties its result to
/// its argument's tape.
///
/// ```
/// use tapeless::solve::{NewtonOptions, TapeImplicit};
/// // zᵢ³ + pᵢ·zᵢ − 1 = 0 for as many i as there are, coupled through Σ z: the first
/// // residual gains − 0.1·Σ z.
/// let p = vec![0.0_f64, 1.0, 3.0];
/// let n = p.len();
/// let sol = TapeImplicit::newton(&[1.0; 3], &p, &NewtonOptions::default(), |x| {
///     let total = x.iter().take(n).fold(x.get(0) * 0.0, |s, z| s + z);
///     (0..n)
///         .map(|i| {
///             let (z, p) = (x.get(i), x.get(n + i));
///             let r = z * z * z + p * z - 1.0;
///             if i == 0 { r - 0.1 * total } else { r }
///         })
///         .collect()
/// })?;
/// // The last two equations are uncoupled: dz₂/dp₂ = −z₂/(3z₂² + p₂).
/// let z = sol.z();
/// let s = sol.sensitivity();
/// assert!((s[2][2] + z[2] / (3.0 * z[2] * z[2] + 3.0)).abs() < 1e-14);
/// assert_eq!(s[1][2], 0.0);
/// # Ok::<(), tapeless::solve::ImplicitError>(())
/// ```
#[derive(Clone, Debug)]
pub struct TapeImplicit<T> {
    z: Vec<T>,
    lu: Vec<T>,
    swaps: Vec<usize>,
    /// `N × P`, row-major.
    fp: Vec<T>,
    params: usize,
    residual: f64,
    iterations: usize,
}

/// `F`, `F_z` (row-major) and `F_p` (row-major) at `(z, p)`.
type Lin<T> = (Vec<T>, Vec<T>, Vec<T>);

#[track_caller]
fn linearize<T, F>(tape: &mut Tape<T>, z: &[T], p: &[T], f: &F) -> Lin<T>
where
    T: Scalar,
    F: for<'t> Fn(Inputs<'t, T>) -> Vec<Var<'t, T>>,
{
    let (n, np) = (z.len(), p.len());
    let x: Vec<T> = z.iter().chain(p).copied().collect();
    tape.clear();
    let ys = f(tape.inputs(&x));
    assert!(
        ys.len() == n,
        "tapeless: a residual of {} equations for {n} unknowns",
        ys.len()
    );
    let values = ys.iter().map(|y| y.value()).collect();
    let (mut fz, mut fp) = (Vec::with_capacity(n * n), Vec::with_capacity(n * np));
    let mut row = vec![T::zero(); n + np];
    for &y in &ys {
        tape.gradient(y, &mut row);
        fz.extend_from_slice(&row[..n]);
        fp.extend_from_slice(&row[n..]);
    }
    (values, fz, fp)
}

impl<T: Scalar> TapeImplicit<T> {
    /// The linearization of the residual `f` at a solution `z` for the parameters `p`,
    /// found by any solver: as [`Implicit::at`](super::Implicit::at).
    ///
    /// # Errors
    /// [`ImplicitError::Singular`] if `F_z` is singular at `(z, p)`,
    /// [`ImplicitError::NonFinite`] if `F`, `F_z` or `F_p` is not finite there.
    ///
    /// # Panics
    /// If `f` returns other than `z.len()` residuals.
    #[track_caller]
    pub fn at<F>(z: &[T], p: &[T], f: F) -> Result<Self, ImplicitError>
    where
        F: for<'t> Fn(Inputs<'t, T>) -> Vec<Var<'t, T>>,
    {
        let lin = linearize(&mut Tape::new(), z, p, &f);
        Self::factor(lin, z.to_vec(), p.len(), 0)
    }

    /// Solves `F(z, p) = 0` for `z` by Newton's method from `guess`, then linearizes there:
    /// as [`Implicit::newton`](super::Implicit::newton). One tape, cleared and recorded
    /// again at each step.
    ///
    /// # Errors
    /// As [`Implicit::newton`](super::Implicit::newton).
    ///
    /// # Panics
    /// If `f` returns other than `guess.len()` residuals.
    #[track_caller]
    pub fn newton<F>(
        guess: &[T],
        p: &[T],
        options: &NewtonOptions,
        f: F,
    ) -> Result<Self, ImplicitError>
    where
        F: for<'t> Fn(Inputs<'t, T>) -> Vec<Var<'t, T>>,
    {
        let n = guess.len();
        let mut tape = Tape::new();
        let mut z = guess.to_vec();
        let (mut settled, mut converged) = (false, false);
        let mut iteration = 0;
        let (mut swaps, mut step) = (vec![0; n], vec![T::zero(); n]);
        loop {
            let lin = linearize(&mut tape, &z, p, &f);
            if converged {
                return Self::factor(lin, z, p.len(), iteration);
            }
            let (values, mut fz, _) = lin;
            (converged, settled) = newton_step(
                (&values, &mut fz),
                (&mut swaps, &mut step, &mut z),
                settled,
                iteration,
                options,
            )?;
            iteration += 1;
        }
    }

    fn factor(
        (values, mut fz, fp): Lin<T>,
        z: Vec<T>,
        params: usize,
        iterations: usize,
    ) -> Result<Self, ImplicitError> {
        let mut swaps = vec![0; z.len()];
        check_and_factor((&values, &mut fz, &fp), &mut swaps)?;
        Ok(TapeImplicit {
            z,
            lu: fz,
            swaps,
            fp,
            params,
            residual: max_abs(values.iter().copied()),
            iterations,
        })
    }

    /// The solution `z*`.
    pub fn z(&self) -> &[T] {
        &self.z
    }

    /// `‖F(z*, p)‖∞`, as `f64`.
    pub fn residual(&self) -> f64 {
        self.residual
    }

    /// Newton steps taken ([`TapeImplicit::newton`]; 0 for [`TapeImplicit::at`]).
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// `ż = −F_z⁻¹·F_p·ṗ`.
    ///
    /// # Panics
    /// If `dp` is not of one entry per parameter.
    #[track_caller]
    pub fn jvp(&self, dp: &[T]) -> Vec<T> {
        crate::entry::check_buffer(self.params, dp.len());
        let mut b: Vec<T> = self
            .fp
            .chunks(self.params.max(1))
            .take(self.z.len())
            .map(|row| row.iter().zip(dp).fold(T::zero(), |s, (&a, &d)| s - a * d))
            .collect();
        b.resize(self.z.len(), T::zero());
        lu_solve(&self.lu, self.z.len(), &self.swaps, &mut b);
        b
    }

    /// `p̄ = −F_pᵀ·F_z⁻ᵀ·z̄`: one transposed solve.
    ///
    /// # Panics
    /// If `dz` is not of one entry per unknown.
    #[track_caller]
    pub fn vjp(&self, dz: &[T]) -> Vec<T> {
        let n = self.z.len();
        crate::entry::check_buffer(n, dz.len());
        let mut lambda = dz.to_vec();
        lu_solve_transposed(&self.lu, n, &self.swaps, &mut lambda);
        (0..self.params)
            .map(|j| {
                (0..n).fold(T::zero(), |s, i| {
                    s - self.fp[i * self.params + j] * lambda[i]
                })
            })
            .collect()
    }

    /// `dz*/dp = −F_z⁻¹·F_p`: one row per unknown, one column per parameter.
    pub fn sensitivity(&self) -> Vec<Vec<T>> {
        let n = self.z.len();
        let mut s = vec![vec![T::zero(); self.params]; n];
        let mut dp = vec![T::zero(); self.params];
        for j in 0..self.params {
            dp[j] = T::one();
            for (row, v) in s.iter_mut().zip(self.jvp(&dp)) {
                row[j] = v;
            }
            dp[j] = T::zero();
        }
        s
    }
}
