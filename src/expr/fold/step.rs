//! The step a fold is making: its handle, the leaves that read its state and stages, and
//! the context and sink through which a step's expressions read and sweep them.

#[cfg(doc)]
use super::{fold, fold_staged, stage};
use core::ops::{Index, IndexMut};

use crate::Scalar;
use crate::expr::{Ctx, Expr, Sink};

/// The step being made by a [`fold`]: [`state(k)`](Step::state) is component `k` of the
/// state `sₜ` it starts from and [`stage(j, k)`](Step::stage) component `k` of stage `j`
/// (in a step of several layers, [`fold_staged`]), each an expression like any other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    level: usize,
    t: usize,
    len: usize,
    stages: usize,
}

impl Step {
    /// Step `t` at fold nesting depth `level`, of a state of `len`, in a layer that reads
    /// `stages` stages.
    #[inline(always)]
    pub(crate) const fn new(level: usize, t: usize, len: usize, stages: usize) -> Self {
        Step {
            level,
            t,
            len,
            stages,
        }
    }

    /// Component `k` of the state this step starts from.
    ///
    /// # Panics
    /// If `k` is not below the size of the state (at the caller's line).
    #[inline(always)]
    #[track_caller]
    pub fn state(self, k: usize) -> State {
        if k >= self.len {
            outside("state component", k, "a state of", self.len);
        }
        State {
            level: self.level,
            slot: k,
        }
    }

    /// Component `k` of stage `j`: the layer `j` of the step's layers (see [`stage`]).
    ///
    /// # Panics
    /// If `k` is not below the size of the state, or stage `j` is not made before the layer
    /// that asks for it (at the caller's line).
    #[inline(always)]
    #[track_caller]
    pub fn stage(self, j: usize, k: usize) -> State {
        if k >= self.len {
            outside("stage component", k, "a state of", self.len);
        }
        if j >= self.stages {
            outside("stage", j, "a layer after stages", self.stages);
        }
        State {
            level: self.level,
            slot: (j + 1) * self.len + k,
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
fn outside(what: &str, k: usize, of: &str, len: usize) -> ! {
    panic!("tapeless: {what} {k} is out of range for {of} {len}")
}

/// A component of a fold's state or of a stage: a leaf read from the step being swept.
/// Made by [`Step::state`] and [`Step::stage`]; there is no other way to make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    pub(crate) level: usize,
    pub(crate) slot: usize,
}

impl<T: Scalar> Expr<T> for State {
    type Cache = ();
    const CHEAP: bool = true;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        ctx.state(self.level, self.slot)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, _: &C, _: &(), adj: T, sink: &mut S) {
        sink.add_state(self.level, self.slot, adj);
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        0
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        rec.state_node(self.level, self.slot)
    }
}

/// The context of a step: the outer one, and the step's numbers: the state it starts from
/// (slots `0..K`), then each stage computed so far (slots `K·(j + 1)..`). The numbers are
/// a slice, or an array whose length the compiler knows (a let of `K` values), so that a
/// slot already checked against `K` is not checked again.
pub(crate) struct StepCtx<'a, C, V: ?Sized> {
    pub(crate) outer: &'a C,
    pub(crate) slots: &'a V,
}

impl<T: Scalar, C: Ctx<T>, V: ?Sized + Index<usize, Output = T>> Ctx<T> for StepCtx<'_, C, V> {
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
    fn state(&self, level: usize, slot: usize) -> T {
        if level == C::FOLDS {
            self.slots[slot]
        } else {
            self.outer.state(level, slot)
        }
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.outer.inputs()
    }
    #[inline(always)]
    fn input_block(&self, start: usize, len: usize) -> Option<&[T]> {
        self.outer.input_block(start, len)
    }
    const BLOCKS: bool = C::BLOCKS;
}

/// The sink of a step: the outer one, and the adjoints of the step's numbers (laid out as
/// [`StepCtx`]'s).
pub(crate) struct StepSink<'a, S, V: ?Sized> {
    pub(crate) outer: &'a mut S,
    pub(crate) slots: &'a mut V,
}

impl<T: Scalar, S: Sink<T>, V: ?Sized + IndexMut<usize, Output = T>> Sink<T>
    for StepSink<'_, S, V>
{
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
    fn add_state(&mut self, level: usize, slot: usize, v: T) {
        if level == S::FOLDS {
            self.slots[slot] += v;
        } else {
            self.outer.add_state(level, slot, v);
        }
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.outer.inputs()
    }
    #[inline(always)]
    fn input_block_mut(&mut self, start: usize, len: usize) -> Option<&mut [T]> {
        self.outer.input_block_mut(start, len)
    }
    const BLOCKS: bool = S::BLOCKS;
}
