//! The arrays of a tape and the one place nodes are appended.
//!
//! The module is private: [`Store`] is public only so that the sealed
//! [`Recorder`](super::Recorder) trait can name it; no path outside the crate reaches it.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::trace::Trace;
use crate::Scalar;
use crate::expr::CmpOp;
use crate::rules::{BinaryRule, TernaryRule, UnaryRule};

/// The node of constants, and the operands of an input; its adjoint is never read.
pub(crate) const SLOT: u32 = 0;

/// One operation on two recorded values: their nodes and the partial derivatives with
/// respect to them (the operands' scales included), computed when it was recorded.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node<T> {
    pub(crate) args: [u32; 2],
    pub(crate) partials: [T; 2],
}

impl<T: Scalar> Node<T> {
    /// The reverse step of the node just above node `below`, whose adjoint is `adj`:
    /// `adj ·` each partial added to the adjoint of its operand, except the contribution
    /// to node `below`, which is returned for the sweep to add when it reaches that node.
    /// That is the last contribution node `below` receives, so the sums are the same as
    /// through memory; in a chain (an iteration) the sweep then waits on a multiplication
    /// and an addition per node, not also on a store and its reload. A carried partial of
    /// exactly one (a running sum) skips the multiplication, leaving the addition.
    #[inline(always)]
    pub(crate) fn backward(self, adj: T, below: u32, adjoints: &mut [T]) -> T {
        let Node {
            args: [i, j],
            partials: [p, q],
        } = self;
        let carried = |d: T| if d.is_unit() { adj } else { adj * d };
        let mut carry = -T::zero();
        if i == below {
            carry = carried(p);
        } else {
            adjoints[i as usize] += adj * p;
        }
        if j == below {
            carry += carried(q);
        } else {
            adjoints[j as usize] += adj * q;
        }
        carry
    }
}

/// A value recorded by [`Expr::record`](crate::Expr::record): the value and its derivative
/// with respect to up to two nodes (its *terms*: node indices and *scales*).
///
/// An input is one term, itself with scale 1. An operation appends no node as long as its
/// result still depends on at most two nodes: `sin x`, `2x` and `x + 1` rescale `x`'s
/// term; `x · sin y` is the two terms `x` and `y`; `x · x` and `x·y + y` merge the terms of
/// a node that appears twice. Only a result that would depend on three or four nodes
/// appends nodes, one per pair of terms it folds (their node indices and scales), and keeps
/// a term with scale 1 for each.
///
/// Made and combined only through a [`Recorder`](super::Recorder), which
/// [`Tape::record`](super::Tape::record) and [`Tape::apply`](super::Tape::apply) turn into a
/// handle ([`Var`](super::Var)) at the end.
#[derive(Clone, Copy, Debug)]
pub struct Recorded<T> {
    pub(crate) value: T,
    /// The nodes: `[SLOT, SLOT]` for a constant, `[node, SLOT]` for one term.
    pub(crate) nodes: [u32; 2],
    /// `∂value/∂node` for each node (not read for the slot).
    pub(crate) scales: [T; 2],
}

impl<T: Scalar> Recorded<T> {
    /// The value.
    #[inline(always)]
    pub fn value(self) -> T {
        self.value
    }

    /// A constant: no term.
    #[inline(always)]
    pub(crate) fn constant(value: T) -> Self {
        Recorded {
            value,
            nodes: [SLOT; 2],
            scales: [T::zero(); 2],
        }
    }

    /// The value of `node` itself.
    #[inline(always)]
    pub(crate) fn of_node(node: u32, value: T) -> Self {
        Recorded {
            value,
            nodes: [node, SLOT],
            scales: [T::one(), T::zero()],
        }
    }

    /// `true` for a constant.
    #[inline(always)]
    pub(crate) fn is_constant(self) -> bool {
        self.nodes[0] == SLOT
    }

    /// The result `value` of an operation whose only recorded operand is `self`, with
    /// partial `d`: the same terms, scaled.
    #[inline(always)]
    fn rescaled(self, value: T, d: T) -> Self {
        Recorded {
            value,
            nodes: self.nodes,
            scales: [d * self.scales[0], d * self.scales[1]],
        }
    }

    /// The result `value` of a function of `self` alone with derivative `d`: a constant
    /// stays one, otherwise the terms are rescaled (no node).
    #[inline(always)]
    pub(crate) fn through(self, value: T, d: T) -> Self {
        if self.is_constant() {
            Recorded::constant(value)
        } else {
            self.rescaled(value, d)
        }
    }

    /// The terms `(node, scale)`; a slot term seeds the slot, whose adjoint is not read.
    #[inline(always)]
    pub(crate) fn terms(self) -> [(u32, T); 2] {
        [
            (self.nodes[0], self.scales[0]),
            (self.nodes[1], self.scales[1]),
        ]
    }
}

/// The arrays of a tape. Node 0 is the slot where constants live; nodes `1..=lead` are the
/// inputs made before any operation, which have no operands and so take no room in
/// `nodes`; node `k > lead` is at position `k − 1 − lead` of `nodes`.
pub struct Store<T> {
    /// The operations after the leading inputs, in the order they were recorded, with the
    /// inputs made among them (nodes with no operands, which the sweep passes over).
    pub(crate) nodes: Vec<Node<T>>,
    /// The node of each input, in the order the inputs were made.
    pub(crate) inputs: Vec<u32>,
    /// How many nodes at the start of the tape are inputs (nodes `1..=lead`).
    pub(crate) lead: u32,
    /// The adjoints of the last reverse sweep, indexed by node.
    pub(crate) adjoints: Vec<T>,
    /// Which nodes the output depends on (only for the exact sweep, see `sweep.rs`).
    pub(crate) live: Vec<bool>,
    /// For a tape made for replay: the operations as data, recorded instead of `nodes`.
    pub(crate) trace: Option<Box<Trace<T>>>,
}

impl<T: Scalar> Store<T> {
    pub(crate) const fn new() -> Self {
        Store {
            nodes: Vec::new(),
            inputs: Vec::new(),
            lead: 0,
            adjoints: Vec::new(),
            live: Vec::new(),
            trace: None,
        }
    }

    /// Forgets every node and input, keeping the memory.
    pub(crate) fn clear(&mut self) {
        self.nodes.clear();
        self.inputs.clear();
        self.lead = 0;
        if let Some(t) = &mut self.trace {
            t.clear();
        }
    }

    /// The number of nodes, the slot not counted: the leading inputs and `nodes`.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.lead as usize + self.nodes.len()
    }

    /// The index the next node will get.
    #[inline(always)]
    fn next_node(&self) -> u32 {
        match u32::try_from(self.len() + 1) {
            Ok(i) => i,
            Err(_) => full(),
        }
    }

    /// `n` new inputs, nodes `first..first + n`; returns `first`. Before any operation
    /// they are leading inputs and take no room; after, each is a node with no operands
    /// (both point at the slot with partial zero), for the sweep to pass over.
    #[inline(always)]
    pub(crate) fn inputs(&mut self, n: usize) -> u32 {
        // One past the last new node, the end of the range of their indices, must fit.
        let end = match u32::try_from(self.len() + n + 1) {
            Ok(end) => end,
            Err(_) => full(),
        };
        let first = end - n as u32;
        if self.nodes.is_empty() {
            self.lead = end - 1;
        } else {
            let input = Node {
                args: [SLOT; 2],
                partials: [T::zero(); 2],
            };
            self.nodes.reserve(n);
            for _ in 0..n {
                self.nodes.push(input);
            }
        }
        self.inputs.extend(first..end);
        first
    }

    /// Appends the node `Σ partials[k] · nodes[k]` and returns its index.
    #[inline(always)]
    pub(crate) fn push(&mut self, args: [u32; 2], partials: [T; 2]) -> u32 {
        let node = self.next_node();
        self.nodes.push(Node { args, partials });
        node
    }

    /// The result `value` of an operation on `a` and `b` with partials `da` and `db`: the
    /// union of their terms, each scaled by its operand's partial, a node that is a term
    /// of both merged. Nodes are appended only when more than two terms are left.
    #[inline(always)]
    pub(crate) fn combine(
        &mut self,
        value: T,
        a: Recorded<T>,
        da: T,
        b: Recorded<T>,
        db: T,
    ) -> Recorded<T> {
        if b.is_constant() {
            return a.rescaled(value, da);
        }
        if a.is_constant() {
            return b.rescaled(value, db);
        }
        // Plain variables, not arrays indexed at run time: those lived on the stack, and
        // reading two adjacent scales written one by one stalled on the stores.
        let [a0, a1] = a.nodes;
        let [mut b0, mut b1] = b.nodes;
        let (mut p0, mut p1) = (da * a.scales[0], da * a.scales[1]);
        let (mut q0, q1) = (db * b.scales[0], db * b.scales[1]);
        // A node that is a term of both: `b`'s term merges into `a`'s, and is dropped.
        let mut merged = |n: u32, q: T| {
            if n == SLOT {
                false
            } else if n == a0 {
                p0 += q;
                true
            } else if n == a1 {
                p1 += q;
                true
            } else {
                false
            }
        };
        if merged(b0, q0) {
            b0 = SLOT;
        }
        if merged(b1, q1) {
            b1 = SLOT;
        }
        if b0 == SLOT {
            (b0, q0) = (b1, q1);
            b1 = SLOT;
        }
        let terms = |n, p, m, q| Recorded {
            value,
            nodes: [n, m],
            scales: [p, q],
        };
        match (a1 != SLOT, b0 != SLOT, b1 != SLOT) {
            // Nothing left of `b`.
            (_, false, _) => terms(a0, p0, a1, p1),
            (false, true, false) => terms(a0, p0, b0, q0),
            // Three terms: `a`'s two become a node.
            (true, true, false) => {
                let n = self.push([a0, a1], [p0, p1]);
                terms(n, T::one(), b0, q0)
            }
            // Three terms: `a`'s and `b`'s first become a node.
            (false, true, true) => {
                let n = self.push([a0, b0], [p0, q0]);
                terms(n, T::one(), b1, q1)
            }
            // Four: a node for each side.
            (true, true, true) => {
                let n = self.push([a0, a1], [p0, p1]);
                let m = self.push([b0, b1], [q0, q1]);
                terms(n, T::one(), m, T::one())
            }
        }
    }

    /// Records `rule(a)`: no node, the terms rescaled.
    #[inline(always)]
    pub(crate) fn unary<R: UnaryRule>(&mut self, rule: R, a: Recorded<T>) -> Recorded<T> {
        let (value, d) = rule.eval(a.value);
        a.through(value, d)
    }

    /// Records `rule(a, b)`: nodes only if the result has more than two terms.
    #[inline(always)]
    pub(crate) fn binary<R: BinaryRule>(
        &mut self,
        rule: R,
        a: Recorded<T>,
        b: Recorded<T>,
    ) -> Recorded<T> {
        let (value, da, db) = rule.eval(a.value, b.value);
        self.combine(value, a, da, b, db)
    }

    /// `a ∘ b` for the comparison `O`; a tape made for replay keeps it with its outcome.
    #[inline(always)]
    pub(crate) fn compare<O: CmpOp>(&mut self, a: Recorded<T>, b: Recorded<T>) -> bool {
        if self.trace.is_some() {
            self.trace_compare::<O>(a, b)
        } else {
            O::test(a.value, b.value)
        }
    }

    /// Records `rule(a, b, c)`: as `(a, b)`, then that with `c`.
    #[inline(always)]
    pub(crate) fn ternary<R: TernaryRule>(
        &mut self,
        rule: R,
        a: Recorded<T>,
        b: Recorded<T>,
        c: Recorded<T>,
    ) -> Recorded<T> {
        let (value, [da, db, dc]) = rule.eval(a.value, b.value, c.value);
        // The value of the first is never needed: only its adjoint, which is the output's.
        let ab = self.combine(value, a, da, b, db);
        self.combine(value, ab, T::one(), c, dc)
    }
}

/// More nodes than a `u32` can index.
#[cold]
#[inline(never)]
fn full() -> ! {
    panic!("tapeless: the tape is full (node indices are 32-bit: at most 2³² − 1 nodes)")
}
