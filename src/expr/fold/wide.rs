//! Recurrences whose state has a run-time number of components: [`fold_wide`], the
//! sibling of [`fold_staged`](super::fold_staged) for a state of `len` numbers known only
//! when the function is called (an integrator of an ODE system of any size).
//!
//! The step's layers are the same ([`stage`](super::stage) and
//! [`then`](super::Layers::then)); only the memory differs: the states, the stages and the
//! adjoints live in the caller's [`Workspace`], not on the stack, so a state of 10⁵
//! components costs no stack at all. Every state and stage is kept
//! (`len·(stages + 1)·steps` numbers, plus `len·(stages + 3)` for the sweep), allocated on
//! the first call and reused after; every step is evaluated once forward.

use alloc::vec::Vec;
use core::cell::RefMut;

use super::Workspace;
use super::layers::{Layer, Layers, LayersOf, Then};
use super::step::{Step, StepCtx, StepSink};
use crate::Scalar;
use crate::expr::{Ctx, Expr, Extent, IntoNode, Sink};

/// The sweeps of a step's layers over a state of run-time length: the layers that
/// [`stage`](super::stage) and [`then`](super::Layers::then) make implement it for every
/// `T` their closures' expressions are expressions of.
pub trait WideLayersOf<T: Scalar>: Layers {
    /// From the state in `block[..len]`, the stages into `block[len·(j + 1)..]` and the
    /// last layer (the new state) into `next` (`len` numbers).
    fn advance_wide<C: Ctx<T>>(
        &self,
        ctx: &C,
        t: usize,
        len: usize,
        block: &mut [T],
        next: &mut [T],
    );

    /// From the adjoint `adj` of the new state (`len` numbers, used up: overwritten),
    /// adds the inputs' share into `sink` and the adjoints of the state and the stages
    /// into `back` (laid out as `block`).
    #[allow(clippy::too_many_arguments)]
    fn retreat_wide<C: Ctx<T>, S: Sink<T>>(
        &self,
        ctx: &C,
        t: usize,
        len: usize,
        block: &[T],
        adj: &mut [T],
        back: &mut [T],
        sink: &mut S,
    );
}

/// Evaluates the `out.len()` components of layer `f`, reading `stages` stages from `slots`.
#[inline(always)]
fn eval_wide<T, C, F, E>(f: &F, ctx: &C, t: usize, stages: usize, slots: &[T], out: &mut [T])
where
    T: Scalar,
    C: Ctx<T>,
    F: Fn(Step, usize) -> E,
    E: IntoNode,
    E::Node: Expr<T>,
{
    let at = Step::new(C::FOLDS, t, out.len(), stages);
    let inner = StepCtx { outer: ctx, slots };
    for (k, o) in out.iter_mut().enumerate() {
        *o = f(at, k).into_node().value(&inner);
    }
}

/// Sweeps the components of layer `f` (reading `stages` stages from `slots`) with the
/// adjoints `adj`, the state's and stages' share into `back`.
#[inline(always)]
fn sweep_wide<T, C, S, F, E>(
    f: &F,
    ctx: &C,
    t: usize,
    stages: usize,
    (slots, adj, back): (&[T], &[T], &mut [T]),
    sink: &mut S,
) where
    T: Scalar,
    C: Ctx<T>,
    S: Sink<T>,
    F: Fn(Step, usize) -> E,
    E: IntoNode,
    E::Node: Expr<T>,
{
    let at = Step::new(C::FOLDS, t, adj.len(), stages);
    let inner = StepCtx { outer: ctx, slots };
    let mut to = StepSink {
        outer: sink,
        slots: back,
    };
    for (k, &a) in adj.iter().enumerate() {
        f(at, k).into_node().fused(&inner, a, &mut to);
    }
}

impl<T: Scalar, F: Fn(Step, usize) -> E + Copy, E: IntoNode> WideLayersOf<T> for Layer<F>
where
    E::Node: Expr<T>,
{
    #[inline(always)]
    fn advance_wide<C: Ctx<T>>(
        &self,
        ctx: &C,
        t: usize,
        _: usize,
        block: &mut [T],
        next: &mut [T],
    ) {
        eval_wide(&self.0, ctx, t, 0, block, next);
    }
    #[inline(always)]
    fn retreat_wide<C: Ctx<T>, S: Sink<T>>(
        &self,
        ctx: &C,
        t: usize,
        _: usize,
        block: &[T],
        adj: &mut [T],
        back: &mut [T],
        sink: &mut S,
    ) {
        sweep_wide(&self.0, ctx, t, 0, (block, adj, back), sink);
    }
}

impl<T: Scalar, P: WideLayersOf<T>, G: Fn(Step, usize) -> E + Copy, E: IntoNode> WideLayersOf<T>
    for Then<P, G>
where
    E::Node: Expr<T>,
{
    #[inline(always)]
    fn advance_wide<C: Ctx<T>>(
        &self,
        ctx: &C,
        t: usize,
        len: usize,
        block: &mut [T],
        next: &mut [T],
    ) {
        let j = P::STAGES + 1;
        {
            let (before, stage) = block.split_at_mut(j * len);
            self.0.advance_wide(ctx, t, len, before, &mut stage[..len]);
        }
        eval_wide(&self.1, ctx, t, j, &block[..(j + 1) * len], next);
    }
    #[inline(always)]
    fn retreat_wide<C: Ctx<T>, S: Sink<T>>(
        &self,
        ctx: &C,
        t: usize,
        len: usize,
        block: &[T],
        adj: &mut [T],
        back: &mut [T],
        sink: &mut S,
    ) {
        let j = P::STAGES + 1;
        sweep_wide(&self.1, ctx, t, j, (block, adj, back), sink);
        // The stage's adjoint is complete: no layer before it reads it.
        adj.copy_from_slice(&back[j * len..(j + 1) * len]);
        self.0.retreat_wide(ctx, t, len, block, adj, back, sink);
    }
}

/// `out(s_steps)` with `s₀[k] = init(k)` and `sₜ₊₁` made by the layers `step`, for a state
/// of `len` numbers: the node made by [`fold_wide`].
#[derive(Debug)]
pub struct FoldWide<'w, T, I, L, O> {
    memory: &'w Workspace<T>,
    steps: usize,
    len: usize,
    init: I,
    step: L,
    out: O,
}

impl<T, I: Copy, L: Copy, O: Copy> Clone for FoldWide<'_, T, I, L, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, I: Copy, L: Copy, O: Copy> Copy for FoldWide<'_, T, I, L, O> {}

/// The workspace's buffer, at least `n` long; its numbers are stale, every one is written
/// before it is read.
#[track_caller]
fn buffer<T: Scalar>(memory: &Workspace<T>, n: usize) -> RefMut<'_, Vec<T>> {
    let Ok(mut kept) = memory.0.try_borrow_mut() else {
        panic!("tapeless: a workspace is in use by another node of the expression")
    };
    if kept.len() < n {
        kept.resize(n, T::zero());
    }
    kept
}

impl<'w, T, I, L, O, IE, OE> FoldWide<'w, T, I, L, O>
where
    T: Scalar,
    I: Fn(usize) -> IE + Copy,
    IE: IntoNode,
    IE::Node: Expr<T>,
    L: WideLayersOf<T> + LayersOf<T>,
    O: Fn(Step) -> OE + Copy,
    OE: IntoNode,
    OE::Node: Expr<T>,
{
    /// The numbers of one step: the state and the stages.
    #[inline(always)]
    fn block(&self) -> usize {
        (L::STAGES + 1) * self.len
    }

    /// The last state into `last` (`len` numbers), by the steps forward from `s₀`, with a
    /// step's block of `scratch`.
    #[inline(always)]
    fn run<C: Ctx<T>>(&self, ctx: &C, scratch: &mut [T], last: &mut [T]) {
        let len = self.len;
        for (k, s) in last.iter_mut().enumerate() {
            *s = (self.init)(k).into_node().value(ctx);
        }
        for t in 0..self.steps {
            scratch[..len].copy_from_slice(last);
            self.step.advance_wide(ctx, t, len, scratch, last);
        }
    }

    /// The value, the forward loop with one step's block in the workspace.
    #[inline(always)]
    fn evaluate<C: Ctx<T>>(&self, ctx: &C) -> T {
        let block = self.block();
        let mut buf = buffer(self.memory, block + self.len);
        let (scratch, last) = buf.split_at_mut(block);
        let last = &mut last[..self.len];
        self.run(ctx, scratch, last);
        let at = Step::new(C::FOLDS, self.steps, self.len, 0);
        (self.out)(at).into_node().value(&StepCtx {
            outer: ctx,
            slots: last,
        })
    }

    /// Both sweeps, every state and stage kept in the workspace.
    #[inline(always)]
    fn sweep<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        let (len, block, steps) = (self.len, self.block(), self.steps);
        let kept_len = steps * block + len;
        let mut buf = buffer(self.memory, kept_len + len + block);
        let (kept, rest) = buf.split_at_mut(kept_len);
        let (back_state, rest) = rest.split_at_mut(len);
        let back = &mut rest[..block];
        for (k, s) in kept[..len].iter_mut().enumerate() {
            *s = (self.init)(k).into_node().value(ctx);
        }
        for t in 0..steps {
            let (done, next) = kept.split_at_mut((t + 1) * block);
            self.step
                .advance_wide(ctx, t, len, &mut done[t * block..], &mut next[..len]);
        }
        back_state.fill(T::zero());
        let at = Step::new(C::FOLDS, steps, len, 0);
        let y = (self.out)(at).into_node().fused(
            &StepCtx {
                outer: ctx,
                slots: &kept[steps * block..],
            },
            adj,
            &mut StepSink {
                outer: &mut *sink,
                slots: back_state,
            },
        );
        for t in (0..steps).rev() {
            back.fill(T::zero());
            let step = &kept[t * block..(t + 1) * block];
            self.step
                .retreat_wide(ctx, t, len, step, back_state, back, sink);
            back_state.copy_from_slice(&back[..len]);
        }
        for (k, &a) in back_state.iter().enumerate() {
            (self.init)(k).into_node().fused(ctx, a, sink);
        }
        y
    }

    /// The whole last state `s_steps` at the point `x` into `last` (`len` numbers): the
    /// forward loop of [`value`](crate::value), for a recurrence whose every component is
    /// wanted, not only the result `out`.
    ///
    /// # Panics
    /// If `last` does not hold `len` numbers, or the fold reads an input past the end of
    /// the point (before any work).
    #[track_caller]
    pub fn last_state<X: Ctx<T>>(&self, x: X, last: &mut [T]) {
        if last.len() != self.len {
            panic!(
                "tapeless: a buffer of {} numbers for a state of {}",
                last.len(),
                self.len
            );
        }
        crate::entry::admit(self, &x);
        let mut buf = buffer(self.memory, self.block());
        self.run(&x, &mut buf, last);
    }
}

impl<T, I, L, O, IE, OE> Extent for FoldWide<'_, T, I, L, O>
where
    I: Fn(usize) -> IE,
    IE: IntoNode,
    IE::Node: Extent,
    L: Extent,
    O: Fn(Step) -> OE,
    OE: IntoNode,
    OE::Node: Extent,
{
    const EXTENT: usize = {
        let (i, l, o) = (IE::Node::EXTENT, L::EXTENT, OE::Node::EXTENT);
        let m = if i > l { i } else { l };
        if m > o { m } else { o }
    };
}

impl<'w, T, I, L, O, IE, OE> Expr<T> for FoldWide<'w, T, I, L, O>
where
    T: Scalar,
    I: Fn(usize) -> IE + Copy,
    IE: IntoNode,
    IE::Node: Expr<T>,
    L: WideLayersOf<T> + LayersOf<T>,
    O: Fn(Step) -> OE + Copy,
    OE: IntoNode,
    OE::Node: Expr<T>,
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
        let init = (0..self.len).fold(0, |m, k| m.max((self.init)(k).into_node().extent()));
        let steps = (0..self.steps).fold(init, |m, t| m.max(self.step.extent(t, self.len)));
        let at = Step::new(0, self.steps, self.len, 0);
        steps.max((self.out)(at).into_node().extent())
    }
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        let mut slots: Vec<_> = (0..self.len)
            .map(|k| (self.init)(k).into_node().record(rec))
            .collect();
        for t in 0..self.steps {
            slots = self.step.record(rec, t, self.len, &mut slots);
        }
        let at = Step::new(R::FOLDS, self.steps, self.len, 0);
        let mut inner = crate::tape::StateRecorder::new(rec, &slots);
        (self.out)(at).into_node().record(&mut inner)
    }
}

/// `out(s_steps)` for the recurrence `s₀[k] = init(k)`, `sₜ₊₁` made by the layers `step`
/// (one [`stage`](super::stage), or several chained with [`then`](super::Layers::then)),
/// with a state of `len` numbers known at run time and `steps` steps:
/// [`fold_staged`](super::fold_staged) for a state too large, or too variable, to be an
/// array type. Every state and stage is kept in `memory` (`len·(stages + 1)·steps`
/// numbers, plus `len·(stages + 3)` for the sweep), allocated on the first call and reused
/// across calls. Inside the layers and `out`, `s.state(k)` and `s.stage(j, k)` read the
/// step as in [`fold_staged`](super::fold_staged). [`FoldWide::last_state`] gives every
/// component of the last state.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::fold::{Layers, Workspace, fold_wide, stage};
/// // Explicit Euler, 50 steps on [0, 1], for the chain y₀' = −a·y₀, yₖ' = a·(yₖ₋₁ − yₖ)
/// // of n = 4 components from y(0) = (1, 0, 0, 0): the result is the last one.
/// let (n, h) = (4, 0.02);
/// let a = at(0);
/// let ws = Workspace::new();
/// let euler = stage(move |s, k| {
///     let inflow = select(gt(k as f64, 0.5), s.state(k.saturating_sub(1)), 0.0 * a);
///     s.state(k) + h * a * (inflow - s.state(k))
/// });
/// let init = |k: usize| if k == 0 { 1.0 } else { 0.0 };
/// let f = fold_wide(&ws, 50, n, init, euler, move |s| s.state(n - 1));
/// let mut g = [0.0];
/// let v = gradient_into(&f, &[1.5], &mut g);
/// // By hand: the same steps in f64, and a central difference for the derivative.
/// let run = |a: f64| {
///     let mut y = vec![1.0, 0.0, 0.0, 0.0];
///     for _ in 0..50 {
///         let before = y.clone();
///         for k in 0..n {
///             let inflow = if k > 0 { before[k - 1] } else { 0.0 };
///             y[k] = before[k] + h * a * (inflow - before[k]);
///         }
///     }
///     y
/// };
/// assert!((v - run(1.5)[3]).abs() < 1e-14);
/// let fd = (run(1.5 + 1e-6)[3] - run(1.5 - 1e-6)[3]) / 2e-6;
/// assert!((g[0] - fd).abs() < 1e-8);
/// let mut last = [0.0; 4];
/// f.last_state(&[1.5][..], &mut last);
/// assert_eq!(last.to_vec(), run(1.5));
/// ```
#[inline(always)]
pub fn fold_wide<T, I, L, O, IE, OE>(
    memory: &Workspace<T>,
    steps: usize,
    len: usize,
    init: I,
    step: L,
    out: O,
) -> FoldWide<'_, T, I, L, O>
where
    I: Fn(usize) -> IE + Copy,
    IE: IntoNode,
    L: Layers,
    O: Fn(Step) -> OE + Copy,
    OE: IntoNode,
{
    FoldWide {
        memory,
        steps,
        len,
        init,
        step,
        out,
    }
}
