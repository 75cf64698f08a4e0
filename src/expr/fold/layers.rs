//! A fold's step as layers: one closure, or stages made one after another (a Runge-Kutta
//! step), each a vector of `K` components; their sweeps forward and back.

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

use super::step::{Step, StepCtx, StepSink};
#[cfg(doc)]
use super::{fold, fold_staged};
use crate::Scalar;
use crate::expr::{Ctx, Expr, IntoNode, Sink};

/// The most stages a step may have (every layer but the last: an RK4 step has 4).
pub const MAX_STAGES: usize = 6;

/// The numbers of one step: its state, then up to [`MAX_STAGES`] stages.
pub(crate) type Slots<T, const K: usize> = [[T; K]; MAX_STAGES + 1];

/// The layers of a fold's step: a single closure ([`Layer`], what [`fold`] takes) or a
/// chain made by [`stage`] and [`then`](Layers::then), each layer a vector of `K`
/// components that may read the state and the stages before it; the last layer is the
/// new state.
pub trait Layers: Copy {
    /// The number of stages: every layer but the last.
    const STAGES: usize;

    /// One more layer after these: the chain's last layer becomes a stage, which `next`
    /// reads as `s.stage(j, k)`.
    #[inline(always)]
    fn then<G, E>(self, next: G) -> Then<Self, G>
    where
        G: Fn(Step, usize) -> E + Copy,
        E: IntoNode,
    {
        Then(self, next)
    }
}

/// The layers' sweeps over scalar type `T` (implemented for every `T` the closures'
/// expressions are expressions of).
pub trait LayersOf<T: Scalar>: Layers + crate::expr::Extent {
    /// The stages into `slots[1..=STAGES]` from the state in `slots[0]`; returns the last
    /// layer, the new state.
    fn advance<C: Ctx<T>, const K: usize>(
        &self,
        ctx: &C,
        t: usize,
        slots: &mut Slots<T, K>,
    ) -> [T; K];

    /// From the adjoint `adj` of the new state, adds the inputs' share into `sink` and the
    /// adjoints of the state and the stages into `back` (laid out as `slots`).
    fn retreat<C: Ctx<T>, S: Sink<T>, const K: usize>(
        &self,
        ctx: &C,
        t: usize,
        slots: &Slots<T, K>,
        adj: &[T; K],
        back: &mut Slots<T, K>,
        sink: &mut S,
    );

    /// The largest extent of any component of any layer at step `t`.
    fn extent(&self, t: usize, k: usize) -> usize;

    #[cfg(feature = "alloc")]
    /// Records the layers at step `t` from the recorded state and stages `slots` (the
    /// state first, stages appended as they are recorded); returns the new state.
    fn record<R: crate::tape::Recorder<T>>(
        &self,
        rec: &mut R,
        t: usize,
        k: usize,
        slots: &mut Vec<crate::tape::Recorded<T>>,
    ) -> Vec<crate::tape::Recorded<T>>;
}

/// A step of one layer: component `k` of the new state is `f(s, k)`.
#[derive(Clone, Copy, Debug)]
pub struct Layer<F>(pub(super) F);

/// Layers `P`, then one more, `G`: `P`'s last layer is the stage `G` reads.
#[derive(Clone, Copy, Debug)]
pub struct Then<P, G>(pub(super) P, pub(super) G);

/// The first layer of a step of several: its components are stage 0, which the next layer
/// (added with [`then`](Layers::then)) reads as `s.stage(0, k)`.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::fold::{Checkpoints, Layers, fold_staged, stage};
/// // Heun's method for y' = a·y: a predictor stage, then the corrector.
/// let (a,) = vars();
/// let h = 0.1;
/// let heun = stage(|s, _| s.state(0) + h * a * s.state(0))
///     .then(|s, _| s.state(0) + 0.5 * h * a * (s.state(0) + s.stage(0, 0)));
/// let f = fold_staged(Checkpoints, 10, [1.0], heun, |s| s.state(0));
/// let (v, g) = gradient(&f, [-1.0]);
/// let r = 1.0 + h * -1.0 + 0.5 * (h * -1.0_f64).powi(2); // growth per step
/// assert!((v - r.powi(10)).abs() < 1e-14);
/// // d/da of r(a)¹⁰ = 10·r⁹·(h + h²·a)
/// assert!((g[0] - 10.0 * r.powi(9) * (h + h * h * -1.0)).abs() < 1e-13);
/// ```
#[inline(always)]
pub fn stage<F, E>(first: F) -> Layer<F>
where
    F: Fn(Step, usize) -> E + Copy,
    E: IntoNode,
{
    Layer(first)
}

impl<F: Copy> Layers for Layer<F> {
    const STAGES: usize = 0;
}

impl<P: Layers, G: Copy> Layers for Then<P, G> {
    const STAGES: usize = P::STAGES + 1;
}

/// Sweeps the last layer `f`, reading `stages` stages, with the adjoints `adj`.
#[inline(always)]
fn sweep_layer<T, C, S, F, E, const K: usize>(
    f: &F,
    ctx: &C,
    t: usize,
    stages: usize,
    (slots, adj, back): (&Slots<T, K>, &[T; K], &mut Slots<T, K>),
    sink: &mut S,
) where
    T: Scalar,
    C: Ctx<T>,
    S: Sink<T>,
    F: Fn(Step, usize) -> E,
    E: IntoNode,
    E::Node: Expr<T>,
{
    let at = Step::new(C::FOLDS, t, K, stages);
    let inner = StepCtx {
        outer: ctx,
        slots: slots.as_flattened(),
    };
    let mut to = StepSink {
        outer: sink,
        slots: back.as_flattened_mut(),
    };
    for (k, &a) in adj.iter().enumerate() {
        f(at, k).into_node().fused(&inner, a, &mut to);
    }
}

/// Evaluates the last layer `f`, reading `stages` stages.
#[inline(always)]
fn eval_layer<T, C, F, E, const K: usize>(
    f: &F,
    ctx: &C,
    t: usize,
    stages: usize,
    slots: &Slots<T, K>,
) -> [T; K]
where
    T: Scalar,
    C: Ctx<T>,
    F: Fn(Step, usize) -> E,
    E: IntoNode,
    E::Node: Expr<T>,
{
    let at = Step::new(C::FOLDS, t, K, stages);
    let inner = StepCtx {
        outer: ctx,
        slots: slots.as_flattened(),
    };
    core::array::from_fn(|k| f(at, k).into_node().value(&inner))
}

/// The largest extent of the `k` components of layer `f`, reading `stages` stages, at step
/// `t`.
fn extent_layer<T, F, E>(f: &F, t: usize, k: usize, stages: usize) -> usize
where
    T: Scalar,
    F: Fn(Step, usize) -> E,
    E: IntoNode,
    E::Node: Expr<T>,
{
    let at = Step::new(0, t, k, stages);
    (0..k).fold(0, |m, j| m.max(Expr::<T>::extent(&f(at, j).into_node())))
}

/// Records the `k` components of layer `f`, reading `stages` stages, from the recorded state
/// and stages `slots`.
#[cfg(feature = "alloc")]
fn record_layer<T, R, F, E>(
    f: &F,
    rec: &mut R,
    t: usize,
    (k, stages): (usize, usize),
    slots: &[crate::tape::Recorded<T>],
) -> Vec<crate::tape::Recorded<T>>
where
    T: Scalar,
    R: crate::tape::Recorder<T>,
    F: Fn(Step, usize) -> E,
    E: IntoNode,
    E::Node: Expr<T>,
{
    let at = Step::new(R::FOLDS, t, k, stages);
    let mut inner = crate::tape::StateRecorder::new(rec, slots);
    (0..k)
        .map(|j| f(at, j).into_node().record(&mut inner))
        .collect()
}

impl<T: Scalar, F: Fn(Step, usize) -> E + Copy, E: IntoNode> LayersOf<T> for Layer<F>
where
    E::Node: Expr<T>,
{
    #[inline(always)]
    fn advance<C: Ctx<T>, const K: usize>(
        &self,
        ctx: &C,
        t: usize,
        slots: &mut Slots<T, K>,
    ) -> [T; K] {
        eval_layer(&self.0, ctx, t, 0, slots)
    }
    #[inline(always)]
    fn retreat<C: Ctx<T>, S: Sink<T>, const K: usize>(
        &self,
        ctx: &C,
        t: usize,
        slots: &Slots<T, K>,
        adj: &[T; K],
        back: &mut Slots<T, K>,
        sink: &mut S,
    ) {
        sweep_layer(&self.0, ctx, t, 0, (slots, adj, back), sink);
    }
    fn extent(&self, t: usize, k: usize) -> usize {
        extent_layer::<T, _, _>(&self.0, t, k, 0)
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(
        &self,
        rec: &mut R,
        t: usize,
        k: usize,
        slots: &mut Vec<crate::tape::Recorded<T>>,
    ) -> Vec<crate::tape::Recorded<T>> {
        record_layer(&self.0, rec, t, (k, 0), slots)
    }
}

impl<T: Scalar, P: LayersOf<T>, G: Fn(Step, usize) -> E + Copy, E: IntoNode> LayersOf<T>
    for Then<P, G>
where
    E::Node: Expr<T>,
{
    #[inline(always)]
    fn advance<C: Ctx<T>, const K: usize>(
        &self,
        ctx: &C,
        t: usize,
        slots: &mut Slots<T, K>,
    ) -> [T; K] {
        const {
            assert!(
                P::STAGES < MAX_STAGES,
                "tapeless: a fold's step has at most 6 stages"
            )
        };
        slots[P::STAGES + 1] = self.0.advance(ctx, t, slots);
        eval_layer(&self.1, ctx, t, P::STAGES + 1, slots)
    }
    #[inline(always)]
    fn retreat<C: Ctx<T>, S: Sink<T>, const K: usize>(
        &self,
        ctx: &C,
        t: usize,
        slots: &Slots<T, K>,
        adj: &[T; K],
        back: &mut Slots<T, K>,
        sink: &mut S,
    ) {
        sweep_layer(&self.1, ctx, t, P::STAGES + 1, (slots, adj, back), sink);
        let stage = back[P::STAGES + 1];
        self.0.retreat(ctx, t, slots, &stage, back, sink);
    }
    fn extent(&self, t: usize, k: usize) -> usize {
        extent_layer::<T, _, _>(&self.1, t, k, P::STAGES + 1).max(self.0.extent(t, k))
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(
        &self,
        rec: &mut R,
        t: usize,
        k: usize,
        slots: &mut Vec<crate::tape::Recorded<T>>,
    ) -> Vec<crate::tape::Recorded<T>> {
        let stage = self.0.record(rec, t, k, slots);
        slots.extend(stage);
        record_layer(&self.1, rec, t, (k, P::STAGES + 1), slots)
    }
}
