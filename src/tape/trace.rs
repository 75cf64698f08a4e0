//! Recording operations as data, for a [`Replay`](super::Replay).
//!
//! A tape made by [`Tape::for_replay`](super::Tape::for_replay) does not fold terms: every
//! operation on a recorded value gets a *slot* of its own, holding the rule (as data), the
//! slots of its operands, and the partials the rule computed. A constant that meets a
//! recorded value gets a slot holding its value. Every comparison between recorded values
//! is kept with its outcome. That is what a replay needs to run the same rules again at
//! another point.

use alloc::vec::Vec;

use super::store::{Recorded, SLOT};
use crate::Scalar;
use crate::expr::CmpOp;
use crate::rules::{BinaryOp, BinaryRule, TernaryOp, TernaryRule, UnaryOp, UnaryRule};

/// What a slot holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Code {
    /// An input: its value comes from the point.
    Input,
    /// A constant: its value was fixed when it was recorded.
    Const,
    /// A rule of one, two or three operands.
    Unary(UnaryOp),
    Binary(BinaryOp),
    Ternary(TernaryOp),
    /// A rule defined outside the crate: recorded, but not replayable.
    Foreign,
}

/// One slot: what computes it, and from which slots.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Op {
    pub(crate) code: Code,
    /// The operand slots (as many as the rule takes; the rest are the slot 0).
    pub(crate) args: [u32; 3],
    /// How many operands carry a derivative (0 for inputs and constants).
    pub(crate) arity: u8,
}

/// A comparison made while recording: the test, its operands and its outcome.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Check<T> {
    pub(crate) test: fn(T, T) -> bool,
    pub(crate) symbol: &'static str,
    pub(crate) args: [u32; 2],
    pub(crate) outcome: bool,
}

/// The operations of a tape recorded for replay. Slot 0 is a constant zero that no
/// operation reads.
#[derive(Clone, Debug)]
pub(crate) struct Trace<T> {
    pub(crate) ops: Vec<Op>,
    /// The values of the constants (and zero for every other slot).
    pub(crate) consts: Vec<T>,
    /// The partials of each slot, as recorded.
    pub(crate) partials: Vec<[T; 3]>,
    pub(crate) checks: Vec<Check<T>>,
    /// The name of the first rule defined outside the crate, if one was recorded.
    pub(crate) foreign: Option<&'static str>,
}

impl<T: Scalar> Trace<T> {
    pub(crate) fn new() -> Self {
        let mut t = Trace {
            ops: Vec::new(),
            consts: Vec::new(),
            partials: Vec::new(),
            checks: Vec::new(),
            foreign: None,
        };
        t.clear();
        t
    }

    /// Forgets everything but the slot 0, keeping the memory.
    pub(crate) fn clear(&mut self) {
        self.ops.clear();
        self.consts.clear();
        self.partials.clear();
        self.checks.clear();
        self.foreign = None;
        self.push(Code::Const, [SLOT; 3], 0, T::zero(), [T::zero(); 3]);
    }

    /// The number of slots, the slot 0 not counted.
    pub(crate) fn len(&self) -> usize {
        self.ops.len() - 1
    }

    #[inline]
    fn push(&mut self, code: Code, args: [u32; 3], arity: u8, value: T, partials: [T; 3]) -> u32 {
        let Ok(slot) = u32::try_from(self.ops.len()) else {
            panic!("tapeless: the tape is full (slot indices are 32-bit)")
        };
        self.ops.push(Op { code, args, arity });
        self.consts.push(value);
        self.partials.push(partials);
        slot
    }

    /// `n` new inputs; returns the first slot.
    pub(crate) fn inputs(&mut self, n: usize) -> u32 {
        let first = self.ops.len() as u32;
        for _ in 0..n {
            self.push(Code::Input, [SLOT; 3], 0, T::zero(), [T::zero(); 3]);
        }
        first
    }

    /// The slot of an operand: its own, or a new constant slot.
    #[inline]
    fn operand(&mut self, a: Recorded<T>) -> u32 {
        if a.is_constant() {
            self.push(Code::Const, [SLOT; 3], 0, a.value, [T::zero(); 3])
        } else {
            debug_assert!(a.nodes[1] == SLOT && a.scales[0] == T::one());
            a.nodes[0]
        }
    }

    fn rule_code(&mut self, op: Option<Code>, name: &'static str) -> Code {
        op.unwrap_or_else(|| {
            self.foreign.get_or_insert(name);
            Code::Foreign
        })
    }

    /// Records `rule(a)`.
    pub(crate) fn unary<R: UnaryRule>(&mut self, rule: R, a: Recorded<T>) -> Recorded<T> {
        let (value, d) = rule.eval(a.value);
        if a.is_constant() {
            return Recorded::constant(value);
        }
        let code = self.rule_code(rule.op().map(Code::Unary), R::NAME);
        let i = self.operand(a);
        let z = T::zero();
        Recorded::of_node(self.push(code, [i, SLOT, SLOT], 1, value, [d, z, z]), value)
    }

    /// Records `rule(a, b)`.
    pub(crate) fn binary<R: BinaryRule>(
        &mut self,
        rule: R,
        a: Recorded<T>,
        b: Recorded<T>,
    ) -> Recorded<T> {
        let (value, da, db) = rule.eval(a.value, b.value);
        if a.is_constant() && b.is_constant() {
            return Recorded::constant(value);
        }
        let code = self.rule_code(rule.op().map(Code::Binary), R::NAME);
        let (i, j) = (self.operand(a), self.operand(b));
        let slot = self.push(code, [i, j, SLOT], 2, value, [da, db, T::zero()]);
        Recorded::of_node(slot, value)
    }

    /// Records `rule(a, b, c)`.
    pub(crate) fn ternary<R: TernaryRule>(
        &mut self,
        rule: R,
        a: Recorded<T>,
        b: Recorded<T>,
        c: Recorded<T>,
    ) -> Recorded<T> {
        let (value, d) = rule.eval(a.value, b.value, c.value);
        if a.is_constant() && b.is_constant() && c.is_constant() {
            return Recorded::constant(value);
        }
        let code = self.rule_code(rule.op().map(Code::Ternary), R::NAME);
        let args = [self.operand(a), self.operand(b), self.operand(c)];
        Recorded::of_node(self.push(code, args, 3, value, d), value)
    }

    /// `a ∘ b`, kept with its outcome unless both are constants.
    pub(crate) fn compare<O: CmpOp>(&mut self, a: Recorded<T>, b: Recorded<T>) -> bool {
        let outcome = O::test(a.value, b.value);
        if !(a.is_constant() && b.is_constant()) {
            let args = [self.operand(a), self.operand(b)];
            self.checks.push(Check {
                test: O::test::<T>,
                symbol: O::SYMBOL,
                args,
                outcome,
            });
        }
        outcome
    }

    /// Writes the adjoints of `inputs` after a reverse sweep seeded by `seeds` into
    /// `grad` (added, or stored with `-0` for an input the outputs do not reach), visiting
    /// only the slots the outputs depend on. `adjoints` and `live` are scratch.
    pub(crate) fn vjp<I: Iterator<Item = (u32, T)>>(
        &self,
        seeds: I,
        inputs: &[u32],
        grad: &mut [T],
        add: bool,
        adjoints: &mut Vec<T>,
        live: &mut Vec<bool>,
    ) {
        let n = self.ops.len();
        adjoints.clear();
        adjoints.resize(n, -T::zero());
        live.clear();
        live.resize(n, false);
        for (i, w) in seeds {
            if i != SLOT {
                adjoints[i as usize] += w;
                live[i as usize] = true;
            }
        }
        for k in (1..n).rev() {
            if !live[k] {
                continue;
            }
            let op = self.ops[k];
            let a = adjoints[k];
            for m in 0..op.arity as usize {
                let i = op.args[m] as usize;
                adjoints[i] += a * self.partials[k][m];
                live[i] = true;
            }
        }
        for (g, &i) in grad.iter_mut().zip(inputs) {
            let a = adjoints[i as usize];
            if add {
                *g += a;
            } else {
                *g = a;
            }
        }
    }
}
