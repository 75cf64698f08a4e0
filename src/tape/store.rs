//! The arrays of a tape and the one place nodes are appended.
//!
//! The module is private: [`Store`] is public only so that the sealed
//! [`Recorder`](super::Recorder) trait can name it; no path outside the crate reaches it.

use alloc::vec::Vec;

use crate::Scalar;
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
    /// The reverse step of the node whose adjoint is `adj`: `adj ·` each partial added to
    /// the adjoint of its operand.
    #[inline(always)]
    pub(crate) fn backward(self, adj: T, adjoints: &mut [T]) {
        let Node {
            args: [i, j],
            partials: [p, q],
        } = self;
        adjoints[i as usize] += adj * p;
        adjoints[j as usize] += adj * q;
    }
}

/// A value recorded by [`Expr::record`](crate::Expr::record): a node, the value, and the
/// derivative of the value with respect to the node's value (its *scale*).
///
/// An operation with a single recorded operand (a one-argument function, or arithmetic
/// with a constant) appends no node: its result is its operand's node with the scale
/// multiplied by the operation's derivative, and the operation that next combines it with
/// another recorded value multiplies that scale into its partial.
///
/// Made and combined only through a [`Recorder`](super::Recorder), which
/// [`Tape::record`](super::Tape::record) and [`Tape::apply`](super::Tape::apply) turn into a
/// handle ([`Var`](super::Var)) at the end.
#[derive(Clone, Copy, Debug)]
pub struct Recorded<T> {
    pub(crate) node: u32,
    pub(crate) value: T,
    pub(crate) scale: T,
}

impl<T: Scalar> Recorded<T> {
    /// The value.
    #[inline(always)]
    pub fn value(self) -> T {
        self.value
    }

    /// A constant: no node of its own.
    #[inline(always)]
    pub(crate) fn constant(value: T) -> Self {
        Recorded {
            node: SLOT,
            value,
            scale: T::one(),
        }
    }

    /// The value of `node` itself.
    #[inline(always)]
    pub(crate) fn of_node(node: u32, value: T) -> Self {
        Recorded {
            node,
            value,
            scale: T::one(),
        }
    }

    /// `true` for a constant.
    #[inline(always)]
    pub(crate) fn is_constant(self) -> bool {
        self.node == SLOT
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

    /// A new input with value `v`.
    #[inline(always)]
    pub(crate) fn input(&mut self, value: T) -> Recorded<T> {
        Recorded::of_node(self.inputs(1), value)
    }

    /// `n` new inputs, nodes `first..first + n`; returns `first`. An input has no
    /// operands: both point at the slot with partial zero.
    #[inline(always)]
    pub(crate) fn inputs(&mut self, n: usize) -> u32 {
        // One past the last new node, the end of the range of their indices, must fit.
        let end = match u32::try_from(self.nodes.len() + n + 1) {
            Ok(end) => end,
            Err(_) => full(),
        };
        let first = end - n as u32;
        if self.lead as usize == self.nodes.len() {
            self.lead = end - 1;
        }
        let input = Node {
            args: [SLOT; 2],
            partials: [T::zero(); 2],
        };
        self.nodes.reserve(n);
        for _ in 0..n {
            self.nodes.push(input);
        }
        self.inputs.extend(first..end);
        first
    }

    /// The result `value` of an operation on `a` and `b` with partials `da` and `db`.
    ///
    /// Only an operation on two recorded values appends a node (its partials times the
    /// operands' scales); with one, the result is that operand's node with its scale times
    /// the partial; with none, it is a constant.
    #[inline(always)]
    fn combine(&mut self, value: T, a: Recorded<T>, da: T, b: Recorded<T>, db: T) -> Recorded<T> {
        match (a.is_constant(), b.is_constant()) {
            (false, false) => {
                let node = self.next_node();
                self.nodes.push(Node {
                    args: [a.node, b.node],
                    partials: [da * a.scale, db * b.scale],
                });
                Recorded::of_node(node, value)
            }
            (false, true) => Recorded {
                node: a.node,
                value,
                scale: da * a.scale,
            },
            (true, false) => Recorded {
                node: b.node,
                value,
                scale: db * b.scale,
            },
            (true, true) => Recorded::constant(value),
        }
    }

    /// Records `rule(a)`: no node, a new scale.
    #[inline(always)]
    pub(crate) fn unary<R: UnaryRule>(&mut self, rule: R, a: Recorded<T>) -> Recorded<T> {
        let (value, d) = rule.eval(a.value);
        if a.is_constant() {
            Recorded::constant(value)
        } else {
            Recorded {
                node: a.node,
                value,
                scale: d * a.scale,
            }
        }
    }

    /// Records `rule(a, b)`: a node if both are recorded values.
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

    /// Records `rule(a, b, c)`: as `(a, b)`, then that with `c` (up to two nodes).
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
