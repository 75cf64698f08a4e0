//! Recurrences over a run-time number of steps: `sₜ₊₁ = step(sₜ)` with a state of `K`
//! numbers (an integrator, a recurrent cell), the result an expression of the last state.
//!
//! The reverse sweep visits the steps last to first and needs each step's state. Two ways
//! to have them, both without a tape, chosen by the `memory` argument of [`fold`]:
//! - a [`Workspace`] the caller owns and reuses keeps every state (and stage): memory
//!   `K·(stages + 1)·steps` numbers, allocated on the first call and kept after; every
//!   step is evaluated once forward;
//! - [`Checkpoints`] keep nothing but states on the call stack (recursive bisection,
//!   logarithmic checkpointing): no heap, `K·⌈log₂ steps⌉` numbers on the stack besides
//!   one step's work, and each step evaluated forward about `2 + ½·log₂ steps`
//!   times instead of once.
//!
//! A step's reverse sweep makes component `k` of each layer and sweeps it with the adjoint
//! of that component. Work shared by the components of a step belongs in a stage of its
//! own ([`fold_staged`]), evaluated once per step. The stack holds `2·K·(MAX_STAGES + 1)`
//! numbers for one step's sweep: a state of a few thousand numbers is fine; for much larger
//! states, use the tape.

#[cfg(feature = "alloc")]
use core::cell::RefCell;

#[cfg(feature = "alloc")]
use alloc::vec::Vec;

mod layers;
mod step;
#[cfg(feature = "alloc")]
mod wide;

pub use layers::{Layer, Layers, LayersOf, MAX_STAGES, Then, stage};
pub use step::{State, Step};
pub(crate) use step::{StepCtx, StepSink};
#[cfg(feature = "alloc")]
pub use wide::{FoldWide, WideLayersOf, fold_wide};

use layers::Slots;

use super::runtime::Term;
use super::{Ctx, Expr, IntoNode, Sink};
use crate::Scalar;

/// Where a [`Fold`] finds its states for the reverse sweep: a [`Workspace`], or
/// [`Checkpoints`].
pub trait Memory<T>: Copy {}

/// The states of a [`fold`], kept for its reverse sweep: reuse one across calls, and no
/// allocation happens after the first (the buffer keeps its capacity).
///
/// One node uses it at a time: a workspace shared by two nodes of one expression, one
/// inside the other (a fold in another's step), panics when the inner one is swept.
#[cfg(feature = "alloc")]
#[derive(Debug, Default)]
pub struct Workspace<T>(RefCell<Vec<T>>);

#[cfg(feature = "alloc")]
impl<T> Workspace<T> {
    /// An empty workspace: its memory comes with the first sweep.
    pub const fn new() -> Self {
        Workspace(RefCell::new(Vec::new()))
    }

    /// A workspace with room for `n` numbers (`K·(stages + 1)·steps` for a fold of
    /// `steps` steps, a state of `K` and a step of `stages` stages).
    pub fn with_capacity(n: usize) -> Self {
        Workspace(RefCell::new(Vec::with_capacity(n)))
    }

    /// How many numbers it holds without allocating.
    pub fn capacity(&self) -> usize {
        self.0.borrow().capacity()
    }

    /// The buffer, emptied, for one sweep.
    ///
    /// # Panics
    /// If another node of the expression is using it.
    #[track_caller]
    pub(crate) fn take(&self) -> core::cell::RefMut<'_, Vec<T>> {
        let Ok(mut kept) = self.0.try_borrow_mut() else {
            panic!("tapeless: a workspace is in use by another node of the expression")
        };
        kept.clear();
        kept
    }
}

#[cfg(feature = "alloc")]
impl<T> Memory<T> for &Workspace<T> {}

/// No memory but checkpoints on the call stack: see [the module](mod@crate::expr::fold).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checkpoints;

impl<T> Memory<T> for Checkpoints {}

/// `out(s_steps)` with `s₀ = init` and `sₜ₊₁ = step(sₜ)`: the node made by [`fold`] and
/// [`fold_staged`].
#[derive(Clone, Copy, Debug)]
pub struct Fold<M, I, L, O, const K: usize> {
    // Read by the workspace's sweep only; checkpoints are a marker.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    memory: M,
    steps: usize,
    init: I,
    step: L,
    out: O,
}

/// The fold made by [`fold`] and [`fold_staged`] from the initial state's nodes `E`, the
/// layers `L` and the result closure `O`.
pub type Recurrence<M, E, L, O, const K: usize> = Fold<M, Init<E, K>, L, Last<O>, K>;

/// The initial state: one expression per component.
#[derive(Clone, Copy, Debug)]
pub struct Init<E, const K: usize>([E; K]);

impl<E: super::Node, const K: usize> Term<usize> for Init<E, K> {
    type Out = E;
    #[inline(always)]
    fn make(&self, k: usize) -> E {
        self.0[k]
    }
}

/// The result closure, as a maker of the result from the last state.
#[derive(Clone, Copy, Debug)]
pub struct Last<O>(O);

impl<O: Fn(Step) -> E + Copy, E: IntoNode> Term<Step> for Last<O> {
    type Out = E::Node;
    #[inline(always)]
    fn make(&self, s: Step) -> E::Node {
        (self.0)(s).into_node()
    }
}

/// What both memories share: a step forward, a step back, the ends.
impl<M, I, L, O, const K: usize> Fold<M, I, L, O, K>
where
    I: Term<usize>,
    L: Layers,
    O: Term<Step>,
{
    /// The step handle of the result.
    #[inline(always)]
    fn last(&self, level: usize) -> Step {
        Step::new(level, self.steps, K, 0)
    }

    /// `s₀`.
    #[inline(always)]
    fn start<T: Scalar, C: Ctx<T>>(&self, ctx: &C) -> [T; K]
    where
        I::Out: Expr<T>,
    {
        core::array::from_fn(|k| self.init.make(k).value(ctx))
    }

    /// The result at the last state `s`, swept with `adj`: its value, and the adjoint of
    /// `s`.
    #[inline(always)]
    fn finish<T: Scalar, C: Ctx<T>, S: Sink<T>>(
        &self,
        ctx: &C,
        s: &[T; K],
        adj: T,
        sink: &mut S,
    ) -> (T, [T; K])
    where
        O::Out: Expr<T>,
    {
        let mut back = [T::zero(); K];
        let y = self.out.make(self.last(C::FOLDS)).fused(
            &StepCtx {
                outer: ctx,
                slots: s,
            },
            adj,
            &mut StepSink {
                outer: sink,
                slots: &mut back,
            },
        );
        (y, back)
    }

    /// The adjoint `adj` of `s₀` pushed through the initial state into `sink`.
    #[inline(always)]
    fn begin<T: Scalar, C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: &[T; K], sink: &mut S)
    where
        I::Out: Expr<T>,
    {
        for (k, &a) in adj.iter().enumerate() {
            self.init.make(k).fused(ctx, a, sink);
        }
    }

    /// One step back from the state and stages in `slots` (remade or kept): adds the
    /// inputs' share into `sink` and turns `adj`, the adjoint of `sₜ₊₁`, into that of `sₜ`.
    /// `back` is the caller's buffer for the adjoints of the state and stages (one for the
    /// whole sweep: a fresh one per step would be written whole, and probed page by page).
    #[inline(always)]
    fn retreat<T: Scalar, C: Ctx<T>, S: Sink<T>>(
        &self,
        ctx: &C,
        t: usize,
        (slots, back): (&Slots<T, K>, &mut Slots<T, K>),
        adj: &mut [T; K],
        sink: &mut S,
    ) where
        L: LayersOf<T>,
    {
        for row in &mut back[..=L::STAGES] {
            *row = [T::zero(); K];
        }
        self.step.retreat(ctx, t, slots, adj, back, sink);
        *adj = back[0];
    }

    /// The value, by `steps` steps forward from `s₀`.
    #[inline(always)]
    fn evaluate<T: Scalar, C: Ctx<T>>(&self, ctx: &C) -> T
    where
        I::Out: Expr<T>,
        L: LayersOf<T>,
        O::Out: Expr<T>,
    {
        let mut slots = [[T::zero(); K]; MAX_STAGES + 1];
        slots[0] = self.start(ctx);
        for t in 0..self.steps {
            slots[0] = self.step.advance(ctx, t, &mut slots);
        }
        let inner = StepCtx {
            outer: ctx,
            slots: &slots[0],
        };
        self.out.make(self.last(C::FOLDS)).value(&inner)
    }

    /// The largest extent of the initial state, of every step and of the result.
    fn reach<T: Scalar>(&self) -> usize
    where
        I::Out: Expr<T>,
        L: LayersOf<T>,
        O::Out: Expr<T>,
    {
        let init = (0..K).fold(0, |m, k| m.max(self.init.make(k).extent()));
        let steps = (0..self.steps).fold(init, |m, t| m.max(self.step.extent(t, K)));
        steps.max(self.out.make(self.last(0)).extent())
    }

    #[cfg(feature = "alloc")]
    /// Records the recurrence onto a tape, step by step.
    fn record_steps<T: Scalar, R: crate::tape::Recorder<T>>(
        &self,
        rec: &mut R,
    ) -> crate::tape::Recorded<T>
    where
        I::Out: Expr<T>,
        L: LayersOf<T>,
        O::Out: Expr<T>,
    {
        let mut slots: Vec<_> = (0..K).map(|k| self.init.make(k).record(rec)).collect();
        for t in 0..self.steps {
            slots = self.step.record(rec, t, K, &mut slots);
        }
        let mut inner = crate::tape::StateRecorder::new(rec, &slots);
        self.out.make(self.last(R::FOLDS)).record(&mut inner)
    }
}

#[cfg(feature = "alloc")]
impl<T, I, L, O, const K: usize> Fold<&Workspace<T>, I, L, O, K>
where
    T: Scalar,
    I: Term<usize>,
    L: LayersOf<T>,
    O: Term<Step>,
    I::Out: Expr<T>,
    O::Out: Expr<T>,
{
    /// Both sweeps, every state and stage kept in the workspace.
    #[inline(always)]
    fn sweep<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        let mut kept = self.memory.take();
        let used = (L::STAGES + 1) * K;
        let mut slots = [[T::zero(); K]; MAX_STAGES + 1];
        slots[0] = self.start(ctx);
        for t in 0..self.steps {
            let next = self.step.advance(ctx, t, &mut slots);
            kept.extend_from_slice(&slots.as_flattened()[..used]);
            slots[0] = next;
        }
        let (y, mut adj) = self.finish(ctx, &slots[0], adj, sink);
        if used > 0 {
            let mut back = [[T::zero(); K]; MAX_STAGES + 1];
            for (t, step) in kept.chunks_exact(used).enumerate().rev() {
                slots.as_flattened_mut()[..used].copy_from_slice(step);
                self.retreat(ctx, t, (&slots, &mut back), &mut adj, sink);
            }
        }
        self.begin(ctx, &adj, sink);
        y
    }
}

impl<I, L, O, const K: usize> Fold<Checkpoints, I, L, O, K>
where
    I: Term<usize>,
    L: Layers,
    O: Term<Step>,
{
    /// The steps `t0..t1` swept back from checkpoints: the state at their middle is made
    /// from `sₜ₀`, the second half swept first, then the first; `adj` goes in as the
    /// adjoint of `sₜ₁` and comes out as that of `sₜ₀`. Each level keeps one state; the
    /// steps are made in `scratch`, their adjoints in `back`, shared by every level.
    fn bisect<T: Scalar, C: Ctx<T>, S: Sink<T>>(
        &self,
        ctx: &C,
        (t0, t1): (usize, usize),
        s: &[T; K],
        adj: &mut [T; K],
        (scratch, back): (&mut Slots<T, K>, &mut Slots<T, K>),
        sink: &mut S,
    ) where
        L: LayersOf<T>,
    {
        match t1 - t0 {
            0 => {}
            1 => {
                scratch[0] = *s;
                self.step.advance(ctx, t0, scratch);
                self.retreat(ctx, t0, (scratch, back), adj, sink);
            }
            n => {
                let mid = t0 + n / 2;
                scratch[0] = *s;
                for t in t0..mid {
                    scratch[0] = self.step.advance(ctx, t, scratch);
                }
                let s_mid = scratch[0];
                self.bisect(ctx, (mid, t1), &s_mid, adj, (scratch, back), sink);
                self.bisect(ctx, (t0, mid), s, adj, (scratch, back), sink);
            }
        }
    }

    /// Both sweeps, with checkpoints only.
    #[inline(always)]
    fn sweep<T: Scalar, C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T
    where
        I::Out: Expr<T>,
        L: LayersOf<T>,
        O::Out: Expr<T>,
    {
        let s0 = self.start(ctx);
        let mut slots = [[T::zero(); K]; MAX_STAGES + 1];
        slots[0] = s0;
        for t in 0..self.steps {
            slots[0] = self.step.advance(ctx, t, &mut slots);
        }
        let (y, mut adj) = self.finish(ctx, &slots[0], adj, sink);
        let mut back = [[T::zero(); K]; MAX_STAGES + 1];
        let scratch = (&mut slots, &mut back);
        self.bisect(ctx, (0, self.steps), &s0, &mut adj, scratch, sink);
        self.begin(ctx, &adj, sink);
        y
    }
}

/// The `Expr` impl of a fold with memory `$m`: the value by a forward loop; the gradient by
/// the memory's `sweep` (run again in `backward`: no per-step cache fits a stack value).
macro_rules! fold_expr {
    ($($(#[$attr:meta])* [$($g:tt)*] $m:ty;)*) => {
        $(
            $(#[$attr])*
            impl<$($g)* T, I, L, O, const K: usize> Expr<T> for Fold<$m, I, L, O, K>
            where
                T: Scalar,
                I: Term<usize>,
                L: LayersOf<T>,
                O: Term<Step>,
                I::Out: Expr<T>,
                O::Out: Expr<T>,
            {
                type Cache = ();
                #[inline(always)]
                fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
                    self.evaluate(ctx)
                }
                #[inline(always)]
                fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
                    (self.evaluate(ctx), ())
                }
                #[inline(always)]
                fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, _: &(), adj: T, sink: &mut S) {
                    self.sweep(ctx, adj, sink);
                }
                #[inline(always)]
                fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
                    self.sweep(ctx, adj, sink)
                }
                fn extent(&self) -> usize {
                    self.reach::<T>()
                }
                #[cfg(feature = "alloc")]
                fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
                    self.record_steps(rec)
                }
            }
        )*
    };
}

fold_expr! {
    #[cfg(feature = "alloc")]
    ['w,] &'w Workspace<T>;
    [] Checkpoints;
}

/// `out(s_steps)` for the recurrence `s₀ = init`, `sₜ₊₁[k] = step(sₜ, k)` with a state of
/// `K` numbers and a run-time number of steps. `memory` is a [`Workspace`] (every state
/// kept, reused across calls) or [`Checkpoints`] (no heap, steps made again): see [the
/// module](mod@crate::expr::fold) for the costs.
///
/// `init` is an array of expressions (or `f64`s), one per component. Inside `step` and
/// `out`, `s.state(j)` is component `j` of the current state and `s.index()` the number of
/// the step; both return an expression (or an `f64`). For a step made of stages (a
/// Runge-Kutta method), see [`fold_staged`].
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::fold::{Checkpoints, Workspace, fold};
/// // Explicit Euler for y' = −a·y, y(0) = y₀, on [0, 1] in 100 steps: y(1) ≈ y₀·e^(−a).
/// let (a, y0) = vars();
/// let h = 0.01;
/// let ws = Workspace::new();
/// let f = fold(&ws, 100, [y0], |s, _| s.state(0) * (1.0 - h * a), |s| s.state(0));
/// let (v, g) = gradient(&f, [0.5, 2.0]);
/// let exact = 2.0 * (1.0 - h * 0.5_f64).powi(100);
/// assert!((v - exact).abs() < 1e-12);
/// // ∂/∂y₀ = (1 − h·a)¹⁰⁰, ∂/∂a = −y₀·100·h·(1 − h·a)⁹⁹
/// assert!((g[1] - exact / 2.0).abs() < 1e-12);
/// assert!((g[0] + 2.0 * (1.0 - h * 0.5_f64).powi(99)).abs() < 1e-12);
/// // The same with no workspace.
/// let f = fold(Checkpoints, 100, [y0], |s, _| s.state(0) * (1.0 - h * a), |s| s.state(0));
/// assert_eq!(gradient(&f, [0.5, 2.0]), (v, g));
/// ```
#[inline(always)]
pub fn fold<M, IE, SF, SE, OF, OE, const K: usize>(
    memory: M,
    steps: usize,
    init: [IE; K],
    step: SF,
    out: OF,
) -> Recurrence<M, IE::Node, Layer<SF>, OF, K>
where
    IE: IntoNode,
    SF: Fn(Step, usize) -> SE + Copy,
    SE: IntoNode,
    OF: Fn(Step) -> OE + Copy,
    OE: IntoNode,
{
    fold_staged(memory, steps, init, Layer(step), out)
}

/// [`fold`] with a step of several layers, made by [`stage`] and
/// [`then`](Layers::then): each layer a vector of `K` components that reads the state and
/// the stages before it (`s.stage(j, k)`); the last one is the new state. Each stage is
/// evaluated once per step forward, as a hand-written integrator does; the workspace keeps
/// the stages too (`K·(stages + 1)` numbers a step).
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::fold::{Checkpoints, Layers, Workspace, fold_staged, stage};
/// // Classic RK4 for y' = a·y on [0, 1] in 20 steps: y(1) ≈ e^a.
/// let (a,) = vars();
/// let h = 0.05;
/// let rk4 = stage(|s, k| a * s.state(k))
///     .then(|s, k| a * (s.state(k) + 0.5 * h * s.stage(0, k)))
///     .then(|s, k| a * (s.state(k) + 0.5 * h * s.stage(1, k)))
///     .then(|s, k| a * (s.state(k) + h * s.stage(2, k)))
///     .then(|s, k| {
///         s.state(k) + h / 6.0 * (s.stage(0, k) + 2.0 * s.stage(1, k) + 2.0 * s.stage(2, k) + s.stage(3, k))
///     });
/// let ws = Workspace::new();
/// let f = fold_staged(&ws, 20, [1.0], rk4, |s| s.state(0));
/// let (v, g) = gradient(&f, [0.7]);
/// assert!((v - 0.7_f64.exp()).abs() < 1e-7);
/// assert!((g[0] - 0.7_f64.exp()).abs() < 1e-6); // d/da e^a
/// ```
#[inline(always)]
pub fn fold_staged<M, IE, L, OF, OE, const K: usize>(
    memory: M,
    steps: usize,
    init: [IE; K],
    step: L,
    out: OF,
) -> Recurrence<M, IE::Node, L, OF, K>
where
    IE: IntoNode,
    L: Layers,
    OF: Fn(Step) -> OE + Copy,
    OE: IntoNode,
{
    Fold {
        memory,
        steps,
        init: Init(init.map(IntoNode::into_node)),
        step,
        out: Last(out),
    }
}
