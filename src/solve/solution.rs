//! A solution of `F(z, p) = 0` as a node of the static engine: the parameters are
//! expressions, the solution is found in the forward sweep and read by a body, and the
//! reverse sweep goes through it by the implicit function theorem.

use super::implicit::{Implicit, ImplicitError};
use super::newton::NewtonOptions;
use super::residual::{Joined, Residual};
use crate::expr::fold::{StepCtx, StepSink};
use crate::expr::share::Shared;
use crate::{Ctx, Expr, IntoNode, Node, Point, Scalar, Sink};

/// `let z = solution of F(z, p(x)) = 0 in body(z)`: the node made by [`solve_in`].
///
/// Forward: the parameters' values, Newton's method in the unknowns from the guess
/// ([`Implicit::newton`]), the body with the solution. Cache: the parameters' caches, the
/// LU factors of `F_z` and `F_p` at the solution, the body's cache. Reverse: the body gives
/// the solution's adjoint `z̄`; one transposed solve gives `p̄ = −F_pᵀ·F_z⁻ᵀ·z̄`, pushed
/// through the parameters' expressions. The iterations are never differentiated.
#[derive(Clone, Copy, Debug)]
pub struct Solution<R, E, G, F, const N: usize, const P: usize> {
    residual: R,
    params: [E; P],
    guess: G,
    options: NewtonOptions,
    body: F,
}

/// `body(z)` where `z` solves `F(z, p) = 0` for parameters `p` given as expressions: a
/// solver's output inside a larger expression, differentiated through the implicit
/// function theorem in the same sweep, with no unrolling of the iterations.
///
/// - `residual`: `N` expressions over the point [`Joined`] (inputs `0..N` the unknowns,
///   `N..N + P` the parameters), or [`Stationary`](super::Stationary) of an objective (the
///   minimizer in its first `N` inputs);
/// - `params`: `P` expressions of the outer inputs (one type; [`at`](crate::at) makes
///   inputs of one type);
/// - `guess`: the start of Newton's method from the parameters' values, `|p: &[f64; P]|
///   -> [f64; N]`: a constant (`|_| [1.0]`), an estimate, or the answer of another solver
///   (an argmin minimizer, say), which Newton then only polishes;
/// - `body`: the expression of the solution, read as `z.at(i)`.
///
/// A minimizer found by argmin goes in as the guess of [`Stationary`](super::Stationary)'s
/// node (`tests/implicit.rs` runs L-BFGS there): Newton then takes a step or two to polish
/// it, and the reverse sweep is the same.
///
/// If Newton's method fails (or `F_z` is singular at the solution), the solution is NaN,
/// and so are the value and the gradient: [`Solution::solve_at`] says why.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::solve::solve_in;
/// // z(p) solves z³ + p·z − 1 = 0 with p = x²; the loss is z².
/// let (z, p) = vars();
/// let residual = (z * z * z + p * z - 1.0,);
/// let (x,) = vars();
/// let loss = solve_in(residual, [x * x], |_| [1.0], |z| z.at(0).square());
/// let (v, g) = gradient(&loss, [0.0]);
/// assert!((v - 1.0).abs() < 1e-15 && g[0].abs() < 1e-15); // z = 1, dp/dx = 0
/// let (_, g) = gradient(&loss, [1.0]);
/// let zr = 0.6823278038280193; // the real root of z³ + z − 1
/// let dz_dp = -zr / (3.0 * zr * zr + 1.0);
/// assert!((g[0] - 2.0 * zr * dz_dp * 2.0).abs() < 1e-14);
/// ```
#[inline(always)]
pub fn solve_in<R, V, G, F, Body, const N: usize, const P: usize>(
    residual: R,
    params: [V; P],
    guess: G,
    body: F,
) -> Solution<R, V::Node, G, F, N, P>
where
    R: Copy,
    V: IntoNode,
    G: Fn(&[f64; P]) -> [f64; N] + Copy,
    F: Fn(Shared<N>) -> Body + Copy,
    Body: Node,
{
    Solution {
        residual,
        params: params.map(IntoNode::into_node),
        guess,
        options: NewtonOptions::default(),
        body,
    }
}

impl<R, E, G, F, const N: usize, const P: usize> Solution<R, E, G, F, N, P> {
    /// The same node, with Newton's method stopping by `options` (the default is
    /// [`NewtonOptions::default`]).
    pub fn with_options(mut self, options: NewtonOptions) -> Self {
        self.options = options;
        self
    }

    /// The solution at the outer inputs `x`, as the forward sweep finds it, or why there
    /// is none: the checked form of what the node computes.
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// use tapeless::solve::{solve_in, ImplicitError, NewtonError};
    /// let (z, p) = vars();
    /// let (x,) = vars();
    /// // z² + p = 0 has no real root for p = 1: Newton wanders and the value is NaN.
    /// let node = solve_in((z * z + p,), [x], |_| [0.5], |z| z.at(0));
    /// assert!(value(&node, [1.0]).is_nan());
    /// assert!(matches!(
    ///     node.solve_at(&[1.0]),
    ///     Err(ImplicitError::Newton(NewtonError::NoConvergence { .. }))
    /// ));
    /// assert_eq!(node.solve_at(&[-4.0])?.z(), [2.0]);
    /// # Ok::<(), ImplicitError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Implicit::newton`].
    #[track_caller]
    pub fn solve_at<T, C>(&self, x: &C) -> Result<Implicit<T, N, P>, ImplicitError>
    where
        T: Scalar,
        R: Residual<T, N>,
        E: Expr<T>,
        G: Fn(&[f64; P]) -> [f64; N],
        C: Ctx<T> + ?Sized,
        Joined<T, N, P>: Point<T>,
    {
        const { crate::expr::fits(E::EXTENT, C::INPUTS) };
        if C::INPUTS == crate::RUN_TIME {
            let needed = self.params.iter().fold(0, |m, e| m.max(e.extent()));
            if needed > x.inputs() {
                crate::entry::out_of_range(needed - 1, x.inputs());
            }
        }
        let p = core::array::from_fn(|j| self.params[j].value(&x));
        self.solve(p)
    }

    /// Newton's method for the parameters' values `p`.
    #[inline(always)]
    fn solve<T>(&self, p: [T; P]) -> Result<Implicit<T, N, P>, ImplicitError>
    where
        T: Scalar,
        R: Residual<T, N>,
        G: Fn(&[f64; P]) -> [f64; N],
        Joined<T, N, P>: Point<T>,
    {
        let start = (self.guess)(&p.map(T::to_f64)).map(T::from_f64);
        Implicit::newton(&self.residual, start, p, &self.options)
    }
}

/// The solution's values, NaN where there is none.
#[inline(always)]
fn values<T: Scalar, const N: usize, const P: usize>(
    solved: &Result<Implicit<T, N, P>, ImplicitError>,
) -> [T; N] {
    match solved {
        Ok(s) => s.z(),
        Err(_) => [T::from_f64(f64::NAN); N],
    }
}

impl<T, R, E, G, F, Body, const N: usize, const P: usize> Expr<T> for Solution<R, E, G, F, N, P>
where
    T: Scalar,
    R: Residual<T, N> + Copy,
    E: Expr<T>,
    G: Fn(&[f64; P]) -> [f64; N] + Copy,
    F: Fn(Shared<N>) -> Body + Copy,
    Body: Expr<T>,
    Joined<T, N, P>: Point<T>,
{
    type Cache = (
        [E::Cache; P],
        Result<Implicit<T, N, P>, ImplicitError>,
        Body,
        Body::Cache,
    );

    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        let p = core::array::from_fn(|j| self.params[j].value(ctx));
        let z = values(&self.solve(p));
        let body = (self.body)(Shared::new(C::FOLDS));
        body.value(&StepCtx {
            outer: ctx,
            slots: &z,
        })
    }

    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        let mut p = [T::zero(); P];
        let caches = core::array::from_fn(|j| {
            let (v, c) = self.params[j].forward(ctx);
            p[j] = v;
            c
        });
        let solved = self.solve(p);
        let z = values(&solved);
        let body = (self.body)(Shared::new(C::FOLDS));
        let (y, cy) = body.forward(&StepCtx {
            outer: ctx,
            slots: &z,
        });
        (y, (caches, solved, body, cy))
    }

    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        let (caches, solved, body, cy) = cache;
        let z = values(solved);
        let mut dz = [T::zero(); N];
        body.backward(
            &StepCtx {
                outer: ctx,
                slots: &z,
            },
            cy,
            adj,
            &mut StepSink {
                outer: &mut *sink,
                slots: &mut dz,
            },
        );
        let dp = match solved {
            Ok(s) => s.vjp(dz),
            Err(_) => [T::from_f64(f64::NAN); P],
        };
        for j in 0..P {
            self.params[j].backward(ctx, &caches[j], dp[j], sink);
        }
    }

    #[inline(always)]
    fn extent(&self) -> usize {
        let body = (self.body)(Shared::new(0));
        self.params
            .iter()
            .fold(body.extent(), |m, e| m.max(e.extent()))
    }

    #[cfg(feature = "alloc")]
    fn record<Q: crate::tape::Recorder<T>>(&self, rec: &mut Q) -> crate::tape::Recorded<T> {
        use crate::tape::Recorded;
        let params: [Recorded<T>; P] = core::array::from_fn(|j| self.params[j].record(rec));
        let solved = self.solve(params.map(Recorded::value));
        let z = values(&solved);
        let s = match &solved {
            Ok(s) => s.sensitivity(),
            Err(_) => [[T::from_f64(f64::NAN); P]; N],
        };
        if Q::TRACING {
            // The solver is not an operation a replay can run again: the replay says so.
            rec.store().mark_foreign("implicit solution");
        }
        // Each component of the solution is one operation of the parameters, its partials
        // the row of dz/dp, as an external function is recorded.
        let zs: [Recorded<T>; N] = core::array::from_fn(|i| {
            let mut acc = Recorded::constant(z[i]);
            for j in 0..P {
                acc = rec.store().combine(z[i], acc, T::one(), params[j], s[i][j]);
            }
            acc
        });
        let body = (self.body)(Shared::new(Q::FOLDS));
        body.record(&mut crate::tape::StateRecorder::new(rec, &zs))
    }
}

impl<R, E, G, F, Body, const N: usize, const P: usize> crate::Extent for Solution<R, E, G, F, N, P>
where
    E: crate::Extent,
    F: Fn(Shared<N>) -> Body,
    Body: crate::Extent,
{
    // The residual reads its own point, not the outer inputs.
    const EXTENT: usize = if E::EXTENT > Body::EXTENT {
        E::EXTENT
    } else {
        Body::EXTENT
    };
}
