//! Recurrences over a run-time number of steps: `sₜ₊₁ = step(sₜ)` with a state of `K`
//! numbers (an integrator, a recurrent cell), the result an expression of the last state.
//!
//! The reverse sweep visits the steps last to first and needs each step's state. Two ways
//! to have them, both without a tape:
//! - [`fold`] keeps every state in a [`Workspace`] the caller owns and reuses: memory
//!   `K·(steps + 1)` numbers (allocated on the first call, kept after), every step
//!   evaluated once forward;
//! - [`fold_checkpointed`] keeps nothing but checkpoints on the call stack (recursive
//!   bisection, Griewank's logarithmic checkpointing): memory `K·(⌈log₂ steps⌉ + 3)`
//!   numbers on the stack and no heap, and each step evaluated forward about
//!   `1 + ½·log₂ steps` times instead of once.
//!
//! Either way each step's reverse sweep makes component `k` of the step and sweeps it with
//! the adjoint of `sₜ₊₁[k]`: a step whose components share work (an RK4 stage) evaluates it
//! once per component that uses it.

use core::cell::RefCell;

use alloc::vec::Vec;

use super::runtime::Term;
use super::{Ctx, Expr, IntoNode, Sink};
use crate::Scalar;

/// The state of a [`fold`] during one step: [`state(k)`](Step::state) is component `k`
/// of `sₜ`, an expression like any other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    level: usize,
    t: usize,
    len: usize,
}

impl Step {
    /// Component `k` of the state this step starts from.
    ///
    /// # Panics
    /// If `k` is not below the size of the state (at the caller's line).
    #[inline(always)]
    #[track_caller]
    pub fn state(self, k: usize) -> State {
        if k >= self.len {
            out_of_state(k, self.len);
        }
        State {
            level: self.level,
            k,
        }
    }

    /// The number `t` of the step (`0` for the step from the initial state), or the
    /// number of steps for the result.
    #[inline(always)]
    pub fn index(self) -> usize {
        self.t
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn out_of_state(k: usize, len: usize) -> ! {
    panic!("tapeless: state component {k} is out of range for a state of {len}")
}

/// A component of a fold's state: a leaf read from the step being swept. Made by
/// [`Step::state`]; there is no other way to make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    level: usize,
    k: usize,
}

impl<T: Scalar> Expr<T> for State {
    type Cache = ();
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        ctx.state(self.level, self.k)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, _: &C, _: &(), adj: T, sink: &mut S) {
        sink.add_state(self.level, self.k, adj);
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        0
    }
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        rec.state_node(self.level, self.k)
    }
}

/// The context of a step: the outer one, and the state the step starts from.
struct StepCtx<'a, C, T, const K: usize> {
    outer: &'a C,
    state: &'a [T; K],
}

impl<T: Scalar, C: Ctx<T>, const K: usize> Ctx<T> for StepCtx<'_, C, T, K> {
    const INPUTS: usize = C::INPUTS;
    const DEPTH: usize = C::DEPTH;
    const FOLDS: usize = C::FOLDS + 1;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        self.outer.input(i)
    }
    #[inline(always)]
    fn bound(&self, slot: usize) -> T {
        self.outer.bound(slot)
    }
    #[inline(always)]
    fn state(&self, level: usize, k: usize) -> T {
        if level == C::FOLDS {
            self.state[k]
        } else {
            self.outer.state(level, k)
        }
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.outer.inputs()
    }
}

/// The sink of a step: the outer one, and the adjoint of the state the step starts from.
struct StepSink<'a, S, T, const K: usize> {
    outer: &'a mut S,
    adj: &'a mut [T; K],
}

impl<T: Scalar, S: Sink<T>, const K: usize> Sink<T> for StepSink<'_, S, T, K> {
    const INPUTS: usize = S::INPUTS;
    const DEPTH: usize = S::DEPTH;
    const FOLDS: usize = S::FOLDS + 1;
    #[inline(always)]
    fn add_input(&mut self, i: usize, v: T) {
        self.outer.add_input(i, v);
    }
    #[inline(always)]
    fn add_bound(&mut self, slot: usize, v: T) {
        self.outer.add_bound(slot, v);
    }
    #[inline(always)]
    fn add_state(&mut self, level: usize, k: usize, v: T) {
        if level == S::FOLDS {
            self.adj[k] += v;
        } else {
            self.outer.add_state(level, k, v);
        }
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.outer.inputs()
    }
}

/// Where a [`Fold`] finds its states for the reverse sweep: a [`Workspace`], or
/// checkpoints ([`Checkpoints`]).
pub trait Memory<T>: Copy {}

/// The states of a [`fold`], kept for its reverse sweep: reuse one across calls, and no
/// allocation happens after the first (the buffer keeps its capacity).
///
/// One fold uses it at a time: a workspace shared by two folds of one expression, one
/// inside the other's step, panics when the inner one is swept.
#[derive(Debug, Default)]
pub struct Workspace<T>(RefCell<Vec<T>>);

impl<T> Workspace<T> {
    /// An empty workspace: its memory comes with the first sweep.
    pub const fn new() -> Self {
        Workspace(RefCell::new(Vec::new()))
    }

    /// A workspace with room for `n` numbers (`K·(steps + 1)` for a fold of `steps`
    /// steps and a state of `K`).
    pub fn with_capacity(n: usize) -> Self {
        Workspace(RefCell::new(Vec::with_capacity(n)))
    }

    /// How many numbers it holds without allocating.
    pub fn capacity(&self) -> usize {
        self.0.borrow().capacity()
    }
}

impl<T> Memory<T> for &Workspace<T> {}

/// No memory but checkpoints on the call stack: see [`fold_checkpointed`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checkpoints;

impl<T> Memory<T> for Checkpoints {}

/// `out(s_steps)` with `s₀ = init` and `sₜ₊₁[k] = step(sₜ, k)`: the node made by
/// [`fold`] and [`fold_checkpointed`].
#[derive(Clone, Copy, Debug)]
pub struct Fold<M, I, F, O, const K: usize> {
    memory: M,
    steps: usize,
    init: I,
    step: F,
    out: O,
}

/// The fold made by [`fold`] and [`fold_checkpointed`] from the initial state's nodes `E`,
/// the step closure `F` and the result closure `O`.
pub type Recurrence<M, E, F, O, const K: usize> = Fold<M, Init<E, K>, Next<F>, Last<O>, K>;

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

/// The step closure, as a maker of component `k` from the step's state.
#[derive(Clone, Copy, Debug)]
pub struct Next<F>(F);

impl<F: Fn(Step, usize) -> E + Copy, E: IntoNode> Term<(Step, usize)> for Next<F> {
    type Out = E::Node;
    #[inline(always)]
    fn make(&self, (s, k): (Step, usize)) -> E::Node {
        (self.0)(s, k).into_node()
    }
}

/// What both memories share: a step forward, a step back, the ends.
impl<M, I, F, O, const K: usize> Fold<M, I, F, O, K>
where
    I: Term<usize>,
    F: Term<(Step, usize)>,
    O: Term<Step>,
{
    /// The step `t` at nesting depth `level`.
    #[inline(always)]
    fn at(&self, level: usize, t: usize) -> Step {
        Step { level, t, len: K }
    }

    /// `s₀`.
    #[inline(always)]
    fn start<T: Scalar, C: Ctx<T>>(&self, ctx: &C) -> [T; K]
    where
        I::Out: Expr<T>,
    {
        core::array::from_fn(|k| self.init.make(k).value(ctx))
    }

    /// `sₜ₊₁` from `sₜ`.
    #[inline(always)]
    fn advance<T: Scalar, C: Ctx<T>>(&self, ctx: &C, t: usize, s: &[T; K]) -> [T; K]
    where
        F::Out: Expr<T>,
    {
        let inner = StepCtx {
            outer: ctx,
            state: s,
        };
        let at = self.at(C::FOLDS, t);
        core::array::from_fn(|k| self.step.make((at, k)).value(&inner))
    }

    /// From the adjoint `adj` of `sₜ₊₁`, adds the inputs' share into `sink` and returns the
    /// adjoint of `sₜ`.
    #[inline(always)]
    fn retreat<T: Scalar, C: Ctx<T>, S: Sink<T>>(
        &self,
        ctx: &C,
        t: usize,
        s: &[T; K],
        adj: &[T; K],
        sink: &mut S,
    ) -> [T; K]
    where
        F::Out: Expr<T>,
    {
        let mut back = [T::zero(); K];
        let inner = StepCtx {
            outer: ctx,
            state: s,
        };
        let at = self.at(C::FOLDS, t);
        let mut to = StepSink {
            outer: sink,
            adj: &mut back,
        };
        for (k, &a) in adj.iter().enumerate() {
            self.step.make((at, k)).fused(&inner, a, &mut to);
        }
        back
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
        let at = self.at(C::FOLDS, self.steps);
        let y = self.out.make(at).fused(
            &StepCtx {
                outer: ctx,
                state: s,
            },
            adj,
            &mut StepSink {
                outer: sink,
                adj: &mut back,
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

    /// The value, by `steps` steps forward from `s₀`.
    #[inline(always)]
    fn evaluate<T: Scalar, C: Ctx<T>>(&self, ctx: &C) -> T
    where
        I::Out: Expr<T>,
        F::Out: Expr<T>,
        O::Out: Expr<T>,
    {
        let mut s = self.start(ctx);
        for t in 0..self.steps {
            s = self.advance(ctx, t, &s);
        }
        let at = self.at(C::FOLDS, self.steps);
        self.out.make(at).value(&StepCtx {
            outer: ctx,
            state: &s,
        })
    }

    /// The largest extent of the initial state, of every step and of the result.
    fn reach<T: Scalar>(&self) -> usize
    where
        I::Out: Expr<T>,
        F::Out: Expr<T>,
        O::Out: Expr<T>,
    {
        let init = (0..K).fold(0, |m, k| m.max(self.init.make(k).extent()));
        let steps = (0..self.steps).fold(init, |m, t| {
            let at = self.at(0, t);
            (0..K).fold(m, |m, k| m.max(self.step.make((at, k)).extent()))
        });
        steps.max(self.out.make(self.at(0, self.steps)).extent())
    }

    /// Records the recurrence onto a tape, step by step.
    fn record_steps<T: Scalar, R: crate::tape::Recorder<T>>(
        &self,
        rec: &mut R,
    ) -> crate::tape::Recorded<T>
    where
        I::Out: Expr<T>,
        F::Out: Expr<T>,
        O::Out: Expr<T>,
    {
        let mut s: Vec<crate::tape::Recorded<T>> =
            (0..K).map(|k| self.init.make(k).record(rec)).collect();
        for t in 0..self.steps {
            let at = self.at(R::FOLDS, t);
            let mut inner = crate::tape::StateRecorder::new(rec, &s);
            let next: Vec<_> = (0..K)
                .map(|k| self.step.make((at, k)).record(&mut inner))
                .collect();
            s = next;
        }
        let at = self.at(R::FOLDS, self.steps);
        self.out
            .make(at)
            .record(&mut crate::tape::StateRecorder::new(rec, &s))
    }
}

impl<T, I, F, O, const K: usize> Fold<&Workspace<T>, I, F, O, K>
where
    T: Scalar,
    I: Term<usize>,
    F: Term<(Step, usize)>,
    O: Term<Step>,
    I::Out: Expr<T>,
    F::Out: Expr<T>,
    O::Out: Expr<T>,
{
    /// Both sweeps, every state kept in the workspace.
    #[inline(always)]
    fn sweep<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        let Ok(mut kept) = self.memory.0.try_borrow_mut() else {
            panic!("tapeless: a fold's workspace is in use by another fold of the expression")
        };
        kept.clear();
        let mut s = self.start(ctx);
        for t in 0..self.steps {
            kept.extend_from_slice(&s);
            s = self.advance(ctx, t, &s);
        }
        let (y, mut adj) = self.finish(ctx, &s, adj, sink);
        if K > 0 {
            for (t, st) in kept.chunks_exact(K).enumerate().rev() {
                let st: [T; K] = core::array::from_fn(|k| st[k]);
                adj = self.retreat(ctx, t, &st, &adj, sink);
            }
        }
        self.begin(ctx, &adj, sink);
        y
    }
}

impl<I, F, O, const K: usize> Fold<Checkpoints, I, F, O, K>
where
    I: Term<usize>,
    F: Term<(Step, usize)>,
    O: Term<Step>,
{
    /// Both sweeps, from checkpoints: the state at the middle of the steps `t0..t1` is
    /// made from `sₜ₀`, the second half swept first, then the first; `adj` is the adjoint
    /// of `sₜ₁`, and the adjoint of `sₜ₀` is returned.
    fn bisect<T: Scalar, C: Ctx<T>, S: Sink<T>>(
        &self,
        ctx: &C,
        (t0, t1): (usize, usize),
        s: &[T; K],
        adj: [T; K],
        sink: &mut S,
    ) -> [T; K]
    where
        F::Out: Expr<T>,
    {
        match t1 - t0 {
            0 => adj,
            1 => self.retreat(ctx, t0, s, &adj, sink),
            n => {
                let mid = t0 + n / 2;
                let mut s_mid = *s;
                for t in t0..mid {
                    s_mid = self.advance(ctx, t, &s_mid);
                }
                let adj = self.bisect(ctx, (mid, t1), &s_mid, adj, sink);
                self.bisect(ctx, (t0, mid), s, adj, sink)
            }
        }
    }

    /// Both sweeps, with checkpoints only.
    #[inline(always)]
    fn sweep<T: Scalar, C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T
    where
        I::Out: Expr<T>,
        F::Out: Expr<T>,
        O::Out: Expr<T>,
    {
        let s0 = self.start(ctx);
        let mut s = s0;
        for t in 0..self.steps {
            s = self.advance(ctx, t, &s);
        }
        let (y, adj) = self.finish(ctx, &s, adj, sink);
        let adj = self.bisect(ctx, (0, self.steps), &s0, adj, sink);
        self.begin(ctx, &adj, sink);
        y
    }
}

/// The `Expr` impl of a fold with memory `$m`: the value by a forward loop; the gradient by
/// the memory's `sweep` (recomputed in `backward`: no per-step cache fits a stack value).
macro_rules! fold_expr {
    ($([$($g:tt)*] $m:ty;)*) => {
        $(
            impl<$($g)* T, I, F, O, const K: usize> Expr<T> for Fold<$m, I, F, O, K>
            where
                T: Scalar,
                I: Term<usize>,
                F: Term<(Step, usize)>,
                O: Term<Step>,
                I::Out: Expr<T>,
                F::Out: Expr<T>,
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
                fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
                    self.record_steps(rec)
                }
            }
        )*
    };
}

fold_expr! {
    ['w,] &'w Workspace<T>;
    [] Checkpoints;
}

/// `out(s_steps)` for the recurrence `s₀ = init`, `sₜ₊₁[k] = step(sₜ, k)` with a
/// state of `K` numbers and a run-time number of steps; the states are kept in `workspace`
/// for the reverse sweep (see [the module](crate::expr::fold) for the costs, and
/// [`fold_checkpointed`] for no heap at all).
///
/// Inside `step` and `out`, `s.state(j)` is component `j` of the current state and
/// `s.index()` the number of the step. `init` is an array of expressions (or `f64`s),
/// one per component; the closures return an expression (or an `f64`).
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::fold::{Workspace, fold};
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
/// ```
#[inline(always)]
pub fn fold<T, IE, SF, SE, OF, OE, const K: usize>(
    workspace: &Workspace<T>,
    steps: usize,
    init: [IE; K],
    step: SF,
    out: OF,
) -> Recurrence<&Workspace<T>, IE::Node, SF, OF, K>
where
    IE: IntoNode,
    SF: Fn(Step, usize) -> SE + Copy,
    SE: IntoNode,
    OF: Fn(Step) -> OE + Copy,
    OE: IntoNode,
{
    Fold {
        memory: workspace,
        steps,
        init: Init(init.map(IntoNode::into_node)),
        step: Next(step),
        out: Last(out),
    }
}

/// [`fold`] with no workspace: the states are remade from checkpoints on the call stack
/// (memory `K·(⌈log₂ steps⌉ + 3)` numbers on the stack, each step evaluated forward about
/// `1 + ½·log₂ steps` times). The same value and gradient as [`fold`], up to the order
/// nothing changes: the same operations on the same states.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::fold::fold_checkpointed;
/// // xₜ₊₁ = xₜ·c, x₀ = 1, 50 steps: c⁵⁰, derivative 50·c⁴⁹.
/// let (c,) = vars();
/// let f = fold_checkpointed(50, [1.0], |s, _| s.state(0) * c, |s| s.state(0));
/// let (v, g) = gradient(&f, [1.01]);
/// assert!((v - 1.01_f64.powi(50)).abs() < 1e-13);
/// assert!((g[0] - 50.0 * 1.01_f64.powi(49)).abs() < 1e-12);
/// ```
#[inline(always)]
pub fn fold_checkpointed<IE, SF, SE, OF, OE, const K: usize>(
    steps: usize,
    init: [IE; K],
    step: SF,
    out: OF,
) -> Recurrence<Checkpoints, IE::Node, SF, OF, K>
where
    IE: IntoNode,
    SF: Fn(Step, usize) -> SE + Copy,
    SE: IntoNode,
    OF: Fn(Step) -> OE + Copy,
    OE: IntoNode,
{
    Fold {
        memory: Checkpoints,
        steps,
        init: Init(init.map(IntoNode::into_node)),
        step: Next(step),
        out: Last(out),
    }
}
