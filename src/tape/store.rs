//! The arrays of a tape and the one place nodes are appended.
//!
//! The module is private: [`Store`] is public only so that the sealed
//! [`Recorder`](super::Recorder) trait can name it; no path outside the crate reaches it.

use alloc::vec::Vec;

use crate::Scalar;
use crate::rules::{BinaryRule, TernaryRule, UnaryRule};

/// The node slot of constants and of unused operands; its adjoint is never read.
pub(crate) const SLOT: u32 = 0;

/// One operation: its operand nodes and the partial derivatives with respect to them,
/// computed when it was recorded. A unary operation's second operand is the node itself
/// with partial zero (see [`Store::push_op`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node<T> {
    pub(crate) args: [u32; 2],
    pub(crate) partials: [T; 2],
}

/// A value recorded by [`Expr::record`](crate::Expr::record): its tape node and its value.
///
/// Made and combined only through a [`Recorder`](super::Recorder), which
/// [`Tape::record`](super::Tape::record) and [`Tape::apply`](super::Tape::apply) turn into a
/// handle ([`Var`](super::Var)) at the end.
#[derive(Clone, Copy, Debug)]
pub struct Recorded<T> {
    pub(crate) node: u32,
    pub(crate) value: T,
}

impl<T: Copy> Recorded<T> {
    /// The value.
    #[inline(always)]
    pub fn value(self) -> T {
        self.value
    }

    /// A constant: no node of its own.
    #[inline(always)]
    pub(crate) fn constant(value: T) -> Self {
        Recorded { node: SLOT, value }
    }
}

/// The arrays of a tape. Node `k ≥ 1` is at position `k − 1` of `nodes`; node 0 is the
/// slot where constants live.
pub struct Store<T> {
    /// The operations, in the order they were recorded (inputs included).
    pub(crate) nodes: Vec<Node<T>>,
    /// The node of each input, in the order the inputs were made.
    pub(crate) inputs: Vec<u32>,
    /// How many nodes at the start of the tape are inputs: the reverse sweep stops above
    /// them, since an input has no operands.
    pub(crate) lead: u32,
    /// The adjoints of the last reverse sweep, indexed by node.
    pub(crate) adjoints: Vec<T>,
    /// Which nodes the output depends on (only for the exact sweep, see `sweep.rs`).
    pub(crate) live: Vec<bool>,
}

impl<T: Scalar> Store<T> {
    pub(crate) const fn new() -> Self {
        Store {
            nodes: Vec::new(),
            inputs: Vec::new(),
            lead: 0,
            adjoints: Vec::new(),
            live: Vec::new(),
        }
    }

    /// Forgets every node and input, keeping the memory.
    pub(crate) fn clear(&mut self) {
        self.nodes.clear();
        self.inputs.clear();
        self.lead = 0;
    }

    /// The index the next node will get.
    #[inline(always)]
    fn next_node(&self) -> u32 {
        match u32::try_from(self.nodes.len() + 1) {
            Ok(i) => i,
            Err(_) => full(),
        }
    }

    /// Room for `n` more nodes.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.nodes.reserve(n);
    }

    /// A new input with value `v`. It has no operands: both point at the slot with partial
    /// zero (not at the input itself, whose adjoint `0 · ∞` would turn into NaN).
    #[inline(always)]
    pub(crate) fn input(&mut self, value: T) -> Recorded<T> {
        let node = self.next_node();
        if self.lead as usize == self.nodes.len() {
            self.lead = node;
        }
        self.nodes.push(Node {
            args: [SLOT; 2],
            partials: [T::zero(); 2],
        });
        self.inputs.push(node);
        Recorded { node, value }
    }

    /// Records an operation from its operands and partials and returns its node.
    ///
    /// An operand that is a constant (the slot) is pointed at the new node itself, whose
    /// adjoint is no longer read when the sweep adds to it. Were it left on the slot,
    /// every constant operand would add to one memory cell and chain the iterations of the
    /// reverse loop through it.
    #[inline(always)]
    pub(crate) fn push_op(&mut self, [a, b]: [u32; 2], partials: [T; 2]) -> u32 {
        let node = self.next_node();
        let a = if a == SLOT { node } else { a };
        let b = if b == SLOT { node } else { b };
        self.nodes.push(Node {
            args: [a, b],
            partials,
        });
        node
    }

    /// Records `rule(a)`.
    #[inline(always)]
    pub(crate) fn unary<R: UnaryRule>(&mut self, rule: R, a: Recorded<T>) -> Recorded<T> {
        let (value, d) = rule.eval(a.value);
        let node = self.push_op([a.node, SLOT], [d, T::zero()]);
        Recorded { node, value }
    }

    /// Records `rule(a, b)`.
    #[inline(always)]
    pub(crate) fn binary<R: BinaryRule>(
        &mut self,
        rule: R,
        a: Recorded<T>,
        b: Recorded<T>,
    ) -> Recorded<T> {
        let (value, da, db) = rule.eval(a.value, b.value);
        let node = self.push_op([a.node, b.node], [da, db]);
        Recorded { node, value }
    }

    /// Records `rule(a, b, c)` as two nodes: `(a, b)`, then `(that, c)`.
    #[inline(always)]
    pub(crate) fn ternary<R: TernaryRule>(
        &mut self,
        rule: R,
        a: Recorded<T>,
        b: Recorded<T>,
        c: Recorded<T>,
    ) -> Recorded<T> {
        let (value, [da, db, dc]) = rule.eval(a.value, b.value, c.value);
        // The first node's value is never needed: only its adjoint, which is the output's.
        let first = self.push_op([a.node, b.node], [da, db]);
        let node = self.push_op([first, c.node], [T::one(), dc]);
        Recorded { node, value }
    }
}

/// More nodes than a `u32` can index.
#[cold]
#[inline(never)]
fn full() -> ! {
    panic!("tapeless: the tape is full (node indices are 32-bit: at most 2³² − 1 nodes)")
}
