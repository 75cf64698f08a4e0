//! Recording operations as data, for a [`Replay`](super::Replay).
//!
//! A tape made by [`Tape::for_replay`](super::Tape::for_replay) does not fold terms: every
//! operation on a recorded value gets a node of its own, with its partials, as an
//! ordinary tape records a node (so such a tape differentiates by the same reverse sweep),
//! and beside it, in the *trace*, the rule (as data) and the nodes of its operands. A
//! constant that meets a recorded value gets a node holding its value. Every comparison
//! between recorded values is kept with its outcome. That is what a replay needs to run
//! the same rules again at another point.
//!
//! An ordinary tape pays for the mode as little as measured possible: the reverse sweep has
//! no test at all (one there cost the tape 3× on Rosenbrock), a recorder of a static
//! expression knows its mode as a constant (`Recorder::TRACING`), and a handle operation
//! tests a flag of its tape, with the traced path inlined (as an out-of-line call it kept
//! the tape's state in memory across every operation: 1.5× on a 1000-input Rosenbrock
//! recorded through handles; inlined, 1.13×). Measured again: without the test at all that
//! recording takes 0.88–0.9× the time it takes with it; the traced path in a `#[cold]`
//! function called from the handle operation made it 3× slower, and an empty `#[cold]`
//! call marking the branch 1.08×, both for the same reason as above.

use alloc::vec::Vec;

use super::store::{Recorded, SLOT, Store};
use crate::Scalar;
use crate::expr::CmpOp;
use crate::rules::{BinaryOp, BinaryRule, TernaryOp, TernaryRule, UnaryOp, UnaryRule};

/// What a node holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Code {
    /// An input: its value comes from the point.
    Input,
    /// A constant: its value was fixed when it was recorded.
    Const,
    /// The first half of a ternary operation on the ordinary tape (the sum of its first
    /// two operands' terms); the replay computes the operation whole, at the next node.
    Part,
    /// A rule of one, two or three operands.
    Unary(UnaryOp),
    Binary(BinaryOp),
    Ternary(TernaryOp),
    /// A comparison whose outcome is a value (1 or 0) read by a [`Select`](Code::Select):
    /// `<`, `<=`, `>`, `>=` as 0 to 3.
    Cmp(u8),
    /// `if flag { then } else { otherwise }`, of the operands `[flag, then, otherwise]`.
    Select,
    /// A rule defined outside the crate: recorded, but not replayable.
    Foreign,
}

/// One node: what computes it, and from which nodes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Op {
    pub(crate) code: Code,
    /// The operand nodes (as many as the rule takes; the rest are the slot 0).
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

/// The operations of a tape recorded for replay, by node. Node 0 is the slot of the
/// ordinary tape. Inputs are not written as they are made: the nodes between two
/// operations are inputs, filled in when the next operation is recorded.
#[derive(Clone, Debug)]
pub(crate) struct Trace<T> {
    pub(crate) ops: Vec<Op>,
    /// The values of the constants (and zero for every other node).
    pub(crate) consts: Vec<T>,
    pub(crate) checks: Vec<Check<T>>,
    /// The name of the first rule defined outside the crate, if one was recorded.
    pub(crate) foreign: Option<&'static str>,
}

const NONE: Op = Op {
    code: Code::Const,
    args: [SLOT; 3],
    arity: 0,
};

impl<T: Scalar> Trace<T> {
    pub(crate) fn new() -> Self {
        let mut t = Trace {
            ops: Vec::new(),
            consts: Vec::new(),
            checks: Vec::new(),
            foreign: None,
        };
        t.clear();
        t
    }

    /// Forgets everything but the slot, keeping the memory.
    pub(crate) fn clear(&mut self) {
        self.ops.clear();
        self.consts.clear();
        self.checks.clear();
        self.foreign = None;
        self.ops.push(NONE);
        self.consts.push(T::zero());
    }

    /// Writes the inputs made since the last operation, up to node `nodes − 1`.
    pub(crate) fn fill(&mut self, nodes: usize) {
        let input = Op {
            code: Code::Input,
            ..NONE
        };
        self.ops.resize(nodes, input);
        self.consts.resize(nodes, T::zero());
    }
}

impl<T: Scalar> Store<T> {
    fn trace(&mut self) -> &mut Trace<T> {
        match &mut self.trace {
            Some(t) => t,
            None => panic!("tapeless: a tape not made for replay was recorded as one"),
        }
    }

    /// Appends the node `Σ partials[k] · args[k]` and, for it, the operation `op`.
    fn trace_push(&mut self, args: [u32; 2], partials: [T; 2], op: Op, value: T) -> u32 {
        let node = self.push(args, partials);
        let t = self.trace();
        t.fill(node as usize);
        t.ops.push(op);
        t.consts.push(value);
        node
    }

    /// The node of an operand: its own, or a new constant node.
    fn trace_operand(&mut self, a: Recorded<T>) -> u32 {
        if a.is_constant() {
            let op = Op {
                code: Code::Const,
                ..NONE
            };
            self.trace_push([SLOT; 2], [T::zero(); 2], op, a.value)
        } else {
            debug_assert!(a.nodes[1] == SLOT && a.scales[0] == T::one());
            a.nodes[0]
        }
    }

    /// Marks the recording as holding an operation a replay cannot run again (a rule
    /// written for `f64` only, applied outside the rules' operation codes): a replay of it
    /// is refused, never silently wrong.
    pub(crate) fn mark_foreign(&mut self, name: &'static str) {
        self.trace().foreign.get_or_insert(name);
    }

    fn rule_code(&mut self, op: Option<Code>, name: &'static str) -> Code {
        op.unwrap_or_else(|| {
            self.trace().foreign.get_or_insert(name);
            Code::Foreign
        })
    }

    /// Records `rule(a)` on a tape made for replay.
    #[inline(always)]
    pub(crate) fn trace_unary<R: UnaryRule>(&mut self, rule: R, a: Recorded<T>) -> Recorded<T> {
        let (value, d) = rule.eval(a.value);
        if a.is_constant() {
            return Recorded::constant(value);
        }
        let code = self.rule_code(rule.op().map(Code::Unary), R::NAME);
        let i = self.trace_operand(a);
        let op = Op {
            code,
            args: [i, SLOT, SLOT],
            arity: 1,
        };
        let node = self.trace_push([i, SLOT], [d, T::zero()], op, T::zero());
        Recorded::of_node(node, value)
    }

    /// Records `rule(a, b)` on a tape made for replay.
    #[inline(always)]
    pub(crate) fn trace_binary<R: BinaryRule>(
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
        let (i, j) = (self.trace_operand(a), self.trace_operand(b));
        let op = Op {
            code,
            args: [i, j, SLOT],
            arity: 2,
        };
        let node = self.trace_push([i, j], [da, db], op, T::zero());
        Recorded::of_node(node, value)
    }

    /// Records `rule(a, b, c)` on a tape made for replay: on the ordinary tape as two
    /// nodes, `(a, b)` then that with `c`; in the trace as one operation, at the second.
    #[inline(always)]
    pub(crate) fn trace_ternary<R: TernaryRule>(
        &mut self,
        rule: R,
        a: Recorded<T>,
        b: Recorded<T>,
        c: Recorded<T>,
    ) -> Recorded<T> {
        let (value, [da, db, dc]) = rule.eval(a.value, b.value, c.value);
        if a.is_constant() && b.is_constant() && c.is_constant() {
            return Recorded::constant(value);
        }
        let code = self.rule_code(rule.op().map(Code::Ternary), R::NAME);
        let args = [
            self.trace_operand(a),
            self.trace_operand(b),
            self.trace_operand(c),
        ];
        let part = Op {
            code: Code::Part,
            ..NONE
        };
        let ab = self.trace_push([args[0], args[1]], [da, db], part, T::zero());
        let op = Op {
            code,
            args,
            arity: 3,
        };
        let node = self.trace_push([ab, args[2]], [T::one(), dc], op, T::zero());
        Recorded::of_node(node, value)
    }

    /// `if a ∘ b { then } else { otherwise }` on a tape made for replay, with both branches
    /// recorded and the comparison as an operation, so a replay chooses again (CppAD's
    /// `CondExp`). The ordinary tape gets the chosen branch's node (partial 1).
    #[cold]
    #[inline(never)]
    pub(crate) fn trace_cond<O: CmpOp>(
        &mut self,
        a: Recorded<T>,
        b: Recorded<T>,
        then: Recorded<T>,
        otherwise: Recorded<T>,
    ) -> Recorded<T> {
        let taken = O::test(a.value, b.value);
        let value = if taken { then.value } else { otherwise.value };
        let kind = match O::SYMBOL {
            "<" => Some(0),
            "<=" => Some(1),
            ">" => Some(2),
            ">=" => Some(3),
            _ => None,
        };
        if (a.is_constant() && b.is_constant()) || kind.is_none() {
            if kind.is_none() {
                // A comparison defined outside the crate: the replay cannot run it.
                self.trace().foreign.get_or_insert(O::SYMBOL);
            }
            return if taken { then } else { otherwise };
        }
        let (i, j) = (self.trace_operand(a), self.trace_operand(b));
        let z = T::zero();
        let cmp = Op {
            code: Code::Cmp(kind.unwrap_or(0)),
            args: [i, j, SLOT],
            arity: 2,
        };
        let flag = self.trace_push([i, j], [z, z], cmp, z);
        let (t, e) = (self.trace_operand(then), self.trace_operand(otherwise));
        let select = Op {
            code: Code::Select,
            args: [flag, t, e],
            arity: 3,
        };
        let partials = if taken { [T::one(), z] } else { [z, T::one()] };
        let node = self.trace_push([t, e], partials, select, z);
        Recorded::of_node(node, value)
    }

    /// `a ∘ b` on a tape made for replay, kept with its outcome unless both are
    /// constants.
    #[cold]
    #[inline(never)]
    pub(crate) fn trace_compare<O: CmpOp>(&mut self, a: Recorded<T>, b: Recorded<T>) -> bool {
        let outcome = O::test(a.value, b.value);
        if !(a.is_constant() && b.is_constant()) {
            let args = [self.trace_operand(a), self.trace_operand(b)];
            self.trace().checks.push(Check {
                test: O::test::<T>,
                symbol: O::SYMBOL,
                args,
                outcome,
            });
        }
        outcome
    }
}
