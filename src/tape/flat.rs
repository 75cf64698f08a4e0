//! The operations of a [`Replay`](super::Replay) in the form its loops run: one byte per
//! rule (one jump table, no nested dispatch), operand slots, and the two loops.

use super::trace::Code;
use crate::Scalar;
use crate::rules::{self, BinaryOp, BinaryRule, TernaryOp, TernaryRule, UnaryOp, UnaryRule};

/// Declares [`Flat`] and its evaluation from the list of constant-free unary rules; the
/// binary rules are listed here once more by name (their formulas stay in `rules`).
macro_rules! flat {
    ($( $(#[$doc:meta])* $name:ident => $rule:ident; )*) => {
        /// Every rule of the crate, as one byte.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub(crate) enum Flat {
            Neg,
            Powi,
            Powf,
            $( $rule, )*
            Add, Sub, Mul, Div, Pow, Atan2, Hypot, Max, Min,
            MulAdd,
            CmpLt, CmpLe, CmpGt, CmpGe,
            Select,
        }

        impl Flat {
            /// The flat code of a unary rule, and its constant (the `powi` exponent's bits,
            /// or the `powf` exponent's index among `exps`, pushed there).
            pub(crate) fn unary(op: UnaryOp, exps: &mut alloc::vec::Vec<f64>) -> (Flat, u32) {
                match op {
                    UnaryOp::Neg => (Flat::Neg, 0),
                    UnaryOp::Powi(n) => (Flat::Powi, n as u32),
                    UnaryOp::Powf(p) => {
                        exps.push(p);
                        (Flat::Powf, exps.len() as u32 - 1)
                    }
                    $( UnaryOp::$rule => (Flat::$rule, 0), )*
                }
            }

            /// The flat code of a binary rule.
            pub(crate) fn binary(op: BinaryOp) -> Flat {
                match op {
                    BinaryOp::Add => Flat::Add,
                    BinaryOp::Sub => Flat::Sub,
                    BinaryOp::Mul => Flat::Mul,
                    BinaryOp::Div => Flat::Div,
                    BinaryOp::Pow => Flat::Pow,
                    BinaryOp::Atan2 => Flat::Atan2,
                    BinaryOp::Hypot => Flat::Hypot,
                    BinaryOp::Max => Flat::Max,
                    BinaryOp::Min => Flat::Min,
                }
            }

            /// The flat code of a ternary rule.
            pub(crate) fn ternary(op: TernaryOp) -> Flat {
                match op {
                    TernaryOp::MulAdd => Flat::MulAdd,
                }
            }
        }

        /// The value and partials of operation `op` from the values of its operands, by
        /// its rule.
        #[inline(always)]
        fn eval<S: Scalar>(
            op: &Step,
            values: &[S],
            (last, prev): (usize, S),
            exps: &[f64],
            p: &mut [S; 3],
        ) -> S {
            let [a, b, c] = op.args.map(|i| i as usize);
            // The operation just before's value from a register, the others from memory.
            let values = |i: usize| if i == last { prev } else { values[i] };
            let un = |(v, d): (S, S), p: &mut [S; 3]| {
                p[0] = d;
                v
            };
            // A comparison's value is its outcome, 1 or 0; it has no derivative.
            let cmp = |outcome: bool, p: &mut [S; 3]| {
                p[0] = S::zero();
                p[1] = S::zero();
                if outcome { S::one() } else { S::zero() }
            };
            let bin = |(v, da, db): (S, S, S), p: &mut [S; 3]| {
                p[0] = da;
                p[1] = db;
                v
            };
            match op.code {
                Flat::Neg => un(rules::Neg.eval(values(a)), p),
                Flat::Powi => un(rules::Powi(op.args[2] as i32).eval(values(a)), p),
                Flat::Powf => un(rules::Powf(exps[c]).eval(values(a)), p),
                $( Flat::$rule => un(rules::$rule.eval(values(a)), p), )*
                Flat::Add => bin(rules::Add.eval(values(a), values(b)), p),
                Flat::Sub => bin(rules::Sub.eval(values(a), values(b)), p),
                Flat::Mul => bin(rules::Mul.eval(values(a), values(b)), p),
                Flat::Div => bin(rules::Div.eval(values(a), values(b)), p),
                Flat::Pow => bin(rules::Pow.eval(values(a), values(b)), p),
                Flat::Atan2 => bin(rules::Atan2.eval(values(a), values(b)), p),
                Flat::Hypot => bin(rules::Hypot.eval(values(a), values(b)), p),
                Flat::Max => bin(rules::Max.eval(values(a), values(b)), p),
                Flat::Min => bin(rules::Min.eval(values(a), values(b)), p),
                Flat::CmpLt => cmp(values(a) < values(b), p),
                Flat::CmpLe => cmp(values(a) <= values(b), p),
                Flat::CmpGt => cmp(values(a) > values(b), p),
                Flat::CmpGe => cmp(values(a) >= values(b), p),
                Flat::Select => {
                    let (z, one) = (S::zero(), S::one());
                    if values(a) != z {
                        *p = [z, one, z];
                        values(b)
                    } else {
                        *p = [z, z, one];
                        values(c)
                    }
                }
                Flat::MulAdd => {
                    let (v, d) = rules::MulAdd.eval(values(a), values(b), values(c));
                    *p = d;
                    v
                }
            }
        }
    };
}

rules::with_unary_rules!(flat);

/// One operation of a replay, at slot `base + its position`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    pub(crate) code: Flat,
    /// How many operands the reverse loop sends the adjoint to: 1, 2 or 3 by the rule's
    /// arity, 0 for an operation only a comparison needs (the reverse loop passes it over). Decided once, when the replay is made, so the reverse loop
    /// tests one small number per operation, never the rule.
    pub(crate) edges: u8,
    /// The operand slots. A unary operation's third is its constant; a binary operation's
    /// third is unused.
    pub(crate) args: [u32; 3],
}

impl Step {
    /// The step of a traced operation with `code`, operands `args` (renumbered), at
    /// `slot`; `None` for a rule defined outside the crate.
    pub(crate) fn new(
        code: Code,
        args: [u32; 3],
        slot: u32,
        back: bool,
        exps: &mut alloc::vec::Vec<f64>,
    ) -> Option<Step> {
        let (code, args, edges) = match code {
            Code::Unary(u) => {
                let (f, k) = Flat::unary(u, exps);
                (f, [args[0], slot, k], 1)
            }
            Code::Binary(b) => (Flat::binary(b), [args[0], args[1], slot], 2),
            Code::Ternary(t) => (Flat::ternary(t), args, 3),
            Code::Cmp(k) => {
                let f = [Flat::CmpLt, Flat::CmpLe, Flat::CmpGt, Flat::CmpGe][k as usize & 3];
                // Zero partials, sent on all the same: a zero of the right sign, as the
                // tape's own sweep adds it.
                (f, [args[0], args[1], slot], 2)
            }
            Code::Select => (Flat::Select, args, 3),
            Code::Input | Code::Const | Code::Part | Code::Foreign => return None,
        };
        let edges = if back { edges } else { 0 };
        Some(Step { code, edges, args })
    }
}

/// The forward loop: each operation's value and partials from its operands' values, by
/// its rule.
#[inline(always)]
pub(crate) fn forward<S: Scalar>(
    ops: &[Step],
    exps: &[f64],
    base: usize,
    values: &mut [S],
    partials: &mut [[S; 3]],
) {
    let values = &mut values[..base + ops.len()];
    // The value of the operation just before, kept in a register: it is an operand of most
    // operations, and reading it back from memory puts a store and a load on the chain.
    let mut prev = values[base - 1];
    for (j, (op, p)) in ops.iter().zip(partials.iter_mut()).enumerate() {
        let k = base + j;
        prev = eval(op, values, (k - 1, prev), exps, p);
        values[k] = prev;
    }
}

/// The forward loop for the values alone: the same rules, called the same way (so the
/// values are those of [`forward`], to the bit), their partials left in a scratch array
/// that is never read, so the compiler drops every store of them and whatever only they
/// needed (a division of `÷`, say).
#[inline(always)]
pub(crate) fn forward_values<S: Scalar>(ops: &[Step], exps: &[f64], base: usize, values: &mut [S]) {
    let values = &mut values[..base + ops.len()];
    let mut prev = values[base - 1];
    let mut p = [S::zero(); 3];
    for (j, op) in ops.iter().enumerate() {
        let k = base + j;
        prev = eval(op, values, (k - 1, prev), exps, &mut p);
        values[k] = prev;
    }
}

/// The reverse loop: adjoints `-0`, the output's `seed`, then each operation the output
/// depends on, from the last, adds its adjoint times each partial to its operands'.
#[inline(always)]
pub(crate) fn reverse<S: Scalar>(
    ops: &[Step],
    base: usize,
    output: u32,
    partials: &[[S; 3]],
    adjoints: &mut [S],
    seed: S,
) {
    let out = output as usize;
    let adjoints = &mut adjoints[..=out];
    adjoints.fill(-S::zero());
    adjoints[out] = seed;
    let top = (out + 1).saturating_sub(base).min(ops.len());
    // What the slot just below the operation being swept still receives from it, kept in
    // a register (the operand of most operations is the one just before): the chain then
    // waits on a multiply-add per operation, not also on a store and its reload. It is
    // that slot's last contribution, so the sums are the same as through memory.
    let mut carry = -S::zero();
    for (j, (op, p)) in ops[..top].iter().zip(&partials[..top]).enumerate().rev() {
        let k = base + j;
        let w = adjoints[k] + carry;
        carry = -S::zero();
        let below = k - 1;
        let [a, b, c] = op.args.map(|i| i as usize);
        let mut add = |i: usize, d: S| {
            if i == below {
                carry += d;
            } else {
                adjoints[i] += d;
            }
        };
        match op.edges {
            0 => {}
            1 => add(a, w * p[0]),
            2 => {
                add(a, w * p[0]);
                add(b, w * p[1]);
            }
            _ => {
                add(a, w * p[0]);
                add(b, w * p[1]);
                add(c, w * p[2]);
            }
        }
    }
    if top > 0 {
        adjoints[base - 1] += carry;
    }
}
