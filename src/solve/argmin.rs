//! Static expressions as `argmin` problems (feature `argmin`).
//!
//! argmin's solvers are generic over the parameter type; this adapter uses argmin-math's
//! `Vec` backend (`Vec<f64>` parameters and gradients, `Vec<Vec<f64>>` Hessians), which
//! needs no linear-algebra crate (argmin-math's nalgebra backend stops at nalgebra 0.34).
//!
//! Which argmin solvers to pair it with:
//! - gradient only: [`LBFGS`] with [`MoreThuenteLineSearch`] (or any quasi-Newton
//!   solver);
//! - with the Hessian: [`TrustRegion`] with the [`Steihaug`] subproblem, Newton's method
//!   with a trust region. argmin's plain `Newton` needs a matrix inverse the `Vec`
//!   backend does not have; argmin 0.11's `NewtonCG` runs, but its inner conjugate
//!   gradient reports the squared residual norm where its stopping test expects the norm,
//!   so near a minimum it takes one CG step per iteration and crawls like steepest
//!   descent.
//!
//! [`LBFGS`]: argmin::solver::quasinewton::LBFGS
//! [`MoreThuenteLineSearch`]: argmin::solver::linesearch::MoreThuenteLineSearch
//! [`TrustRegion`]: argmin::solver::trustregion::TrustRegion
//! [`Steihaug`]: argmin::solver::trustregion::Steihaug

use argmin::core::{ArgminError, CostFunction, Error, Gradient, Hessian};
use generic_array::{IntoArrayLength, typenum::Const};

use crate::{Dual, Expr};

/// A static expression of `N` inputs as an argmin problem: [`CostFunction`] (the value),
/// [`Gradient`] (reverse mode) and [`Hessian`] (forward-over-reverse, when the
/// expression also evaluates on [`Dual`] numbers, as every expression built from
/// variables and literals does).
///
/// ```
/// use argmin::core::{Executor, State};
/// use argmin::solver::linesearch::MoreThuenteLineSearch;
/// use argmin::solver::quasinewton::LBFGS;
/// use tapeless::prelude::*;
/// use tapeless::solve::argmin::StaticProblem;
///
/// let (x, y) = vars();
/// let f = (x - 1.0).powi(2) + 100.0 * (y - x * x).powi(2);
/// let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7);
/// let result = Executor::new(StaticProblem::<2>::new(f), solver)
///     .configure(|state| state.param(vec![-1.2, 1.0]).max_iters(100))
///     .run()?;
/// let best = result.state().get_best_param().unwrap();
/// assert!((best[0] - 1.0).abs() < 1e-6 && (best[1] - 1.0).abs() < 1e-6);
/// # Ok::<(), argmin::core::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct StaticProblem<const N: usize, E = ()> {
    f: E,
}

impl<const N: usize> StaticProblem<N> {
    /// The problem of minimising `f`, a function of `N` inputs: `StaticProblem::<N>::new(f)`.
    pub fn new<E>(f: E) -> StaticProblem<N, E> {
        StaticProblem { f }
    }
}

impl<const N: usize, E> StaticProblem<N, E> {
    /// The expression.
    pub fn expr(&self) -> &E {
        &self.f
    }
}

/// The parameter as `[f64; N]`, or argmin's "invalid parameter" error.
fn point<const N: usize>(p: &[f64]) -> Result<[f64; N], Error> {
    p.try_into().map_err(|_| {
        ArgminError::InvalidParameter {
            text: format!(
                "tapeless: the parameter has {} entries, the expression {N} inputs",
                p.len()
            ),
        }
        .into()
    })
}

impl<const N: usize, E: Expr<f64>> CostFunction for StaticProblem<N, E>
where
    Const<N>: IntoArrayLength,
{
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> Result<f64, Error> {
        Ok(crate::value(&self.f, point::<N>(p)?))
    }
}

impl<const N: usize, E: Expr<f64>> Gradient for StaticProblem<N, E>
where
    Const<N>: IntoArrayLength,
{
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, p: &Vec<f64>) -> Result<Vec<f64>, Error> {
        let (_, g) = crate::gradient(&self.f, point::<N>(p)?);
        Ok(g.to_vec())
    }
}

impl<const N: usize, E: Expr<Dual<f64>>> Hessian for StaticProblem<N, E>
where
    Const<N>: IntoArrayLength,
{
    type Param = Vec<f64>;
    type Hessian = Vec<Vec<f64>>;
    fn hessian(&self, p: &Vec<f64>) -> Result<Vec<Vec<f64>>, Error> {
        let (_, _, h) = crate::hessian(&self.f, point::<N>(p)?);
        Ok(h.iter().map(|row| row.to_vec()).collect())
    }
}
