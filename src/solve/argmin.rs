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

use core::cell::RefCell;

use argmin::core::{ArgminError, CostFunction, Error, Gradient, Hessian};
use generic_array::{IntoArrayLength, typenum::Const};

use crate::tape::{Inputs, Replayer, Tape, Var};
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

/// A function recorded on the tape, for any number of inputs, as an argmin problem:
/// [`CostFunction`] and [`Gradient`] from a closure recording it in `f64`, and
/// [`Hessian`] once a closure recording it in [`Dual<f64>`] is added with
/// [`with_hessian`](TapeProblem::with_hessian) (usually the same generic function twice).
///
/// The function is recorded once and then replayed at each new point (a
/// [`Replayer`]): no recording per evaluation. Where a comparison recorded through the
/// handles ([`Var::gt`] and its siblings) comes out otherwise, the replay says so and the
/// function is recorded again there, so the cost and gradient are always those of the
/// branch taken at the point. A comparison of [`Var::value`]s is invisible to the tape:
/// write branches with the handles' comparisons, or use
/// [`recording_each_time`](TapeProblem::recording_each_time), which is also faster for
/// functions of cheap arithmetic (L-BFGS on the extended Rosenbrock function of 1000
/// inputs, `examples/lbfgs.rs`: 2.5 ms replayed, 1.6 ms recorded at every evaluation),
/// the ordinary tape folding such chains as it records. Once the tape has grown to the
/// function's size, an evaluation allocates only the returned vector.
///
/// ```
/// use argmin::core::{Executor, State};
/// use argmin::solver::trustregion::{Steihaug, TrustRegion};
/// use tapeless::Scalar;
/// use tapeless::solve::argmin::TapeProblem;
/// use tapeless::tape::{Inputs, Var};
///
/// /// Σ (xᵢ − i)², for however many inputs the start has.
/// fn bowl<'t, S: Scalar>(x: Inputs<'t, S>) -> Var<'t, S> {
///     let mut total = x.get(0) * S::zero();
///     for (i, xi) in x.iter().enumerate() {
///         total += (xi - S::from_f64(i as f64)).square();
///     }
///     total
/// }
/// let problem = TapeProblem::new(bowl).with_hessian(bowl);
/// let result = Executor::new(problem, TrustRegion::new(Steihaug::new()))
///     .configure(|state| state.param(vec![5.0; 4]).max_iters(20).target_cost(1e-20))
///     .run()?;
/// let best = result.state().get_best_param().unwrap();
/// assert!(best.iter().enumerate().all(|(i, v)| (v - i as f64).abs() < 1e-9));
/// # Ok::<(), argmin::core::Error>(())
/// ```
pub struct TapeProblem<F, H = ()> {
    f: RefCell<Replayer<f64, F>>,
    h: H,
    /// `Some` when replay is off: the tape recorded at every evaluation.
    every: Option<RefCell<Tape<f64>>>,
}

impl<F> TapeProblem<F>
where
    F: for<'t> Fn(Inputs<'t, f64>) -> Var<'t, f64>,
{
    /// The problem of minimising the function `f` records (cost and gradient).
    pub fn new(f: F) -> Self {
        TapeProblem {
            f: RefCell::new(Replayer::new(f)),
            h: (),
            every: None,
        }
    }
}

impl<F, H> TapeProblem<F, H>
where
    F: for<'t> Fn(Inputs<'t, f64>) -> Var<'t, f64>,
{
    /// Turns replay off: the function is recorded on an ordinary tape at every
    /// evaluation, as for a function whose branches compare plain values (which a replay
    /// cannot see), or to measure what replay saves.
    ///
    /// ```
    /// use tapeless::solve::argmin::TapeProblem;
    /// use tapeless::tape::{Inputs, Var};
    /// use argmin::core::Gradient;
    /// fn f<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
    ///     // A branch on a plain value: invisible to a replay.
    ///     if x.get(0).value() > 0.0 { x.get(0).square() } else { x.get(0).sin() }
    /// }
    /// let p = TapeProblem::new(f).recording_each_time();
    /// assert_eq!(p.gradient(&vec![3.0])?, [6.0]);
    /// assert_eq!(p.gradient(&vec![-1.0])?, [1.0_f64.cos()]);
    /// # Ok::<(), argmin::core::Error>(())
    /// ```
    pub fn recording_each_time(mut self) -> Self {
        self.every = Some(RefCell::new(Tape::new()));
        self
    }

    /// `(recordings, replays)` so far (both 0 when replay is off).
    pub fn counts(&self) -> (usize, usize) {
        let r = self.f.borrow();
        (r.recordings(), r.replays())
    }
}

impl<F, H> TapeProblem<F, H> {
    /// Adds the Hessian: `h` records the same function on a tape of dual numbers (see
    /// [`tape_hessian`](crate::tape_hessian)).
    pub fn with_hessian<H2>(self, h: H2) -> TapeProblem<F, H2>
    where
        H2: for<'t> Fn(Inputs<'t, Dual<f64>>) -> Var<'t, Dual<f64>>,
    {
        TapeProblem {
            f: self.f,
            h,
            every: self.every,
        }
    }
}

impl<F, H> core::fmt::Debug for TapeProblem<F, H> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TapeProblem").finish_non_exhaustive()
    }
}

impl<F, H> CostFunction for TapeProblem<F, H>
where
    F: for<'t> Fn(Inputs<'t, f64>) -> Var<'t, f64>,
{
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, p: &Vec<f64>) -> Result<f64, Error> {
        let mut r = self.f.borrow_mut();
        if let Some(tape) = &self.every {
            let mut tape = tape.borrow_mut();
            tape.clear();
            return Ok(r.function()(tape.inputs(p)).value());
        }
        Ok(r.value(p))
    }
}

impl<F, H> Gradient for TapeProblem<F, H>
where
    F: for<'t> Fn(Inputs<'t, f64>) -> Var<'t, f64>,
{
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, p: &Vec<f64>) -> Result<Vec<f64>, Error> {
        let mut r = self.f.borrow_mut();
        let mut g = vec![0.0; p.len()];
        if let Some(tape) = &self.every {
            let mut tape = tape.borrow_mut();
            tape.clear();
            let y = r.function()(tape.inputs(p));
            tape.gradient(y, &mut g);
        } else {
            r.gradient(p, &mut g);
        }
        Ok(g)
    }
}

impl<F, H> Hessian for TapeProblem<F, H>
where
    H: for<'t> Fn(Inputs<'t, Dual<f64>>) -> Var<'t, Dual<f64>>,
{
    type Param = Vec<f64>;
    type Hessian = Vec<Vec<f64>>;
    fn hessian(&self, p: &Vec<f64>) -> Result<Vec<Vec<f64>>, Error> {
        Ok(crate::tape_hessian(p, &self.h).2)
    }
}
