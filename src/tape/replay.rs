//! A recording run again at new inputs: [`Replay`].

use alloc::vec::Vec;

use super::flat::{Flat, Step, forward, forward_values, reverse};
use super::replay_error::ReplayError;
use super::store::{Recorded, SLOT};
use super::trace::{Check, Code, Trace};
use crate::{Dual, Scalar};

/// A function recorded once by a tape made with [`Tape::for_replay`](super::Tape::for_replay),
/// run again at new inputs of the same length: its value, its gradient and Hessian-vector
/// products, with no new recording.
///
/// It holds the operations (the rule of each, its operand slots, the constants) and every
/// comparison made while recording with its outcome. A replay is one forward loop over the
/// operations, calling the same [`rules`](crate::rules) as every engine, then, for the
/// gradient, one reverse loop; it allocates nothing and writes the gradient into the
/// caller's buffer.
///
/// The control flow of the recording is frozen into it. So a replay first checks every
/// recorded comparison at the new point: if one comes out otherwise than it did when
/// recording, the function would have taken another branch, and the replay returns
/// [`ReplayError::BranchChanged`] (naming the first such comparison) instead of a value:
/// record the function again there. It never returns a gradient of the wrong branch.
/// [`max`](super::Var::max), [`min`](super::Var::min) and [`abs`](super::Var::abs) need no
/// check: they are operations like any other, and the replay calls their rules at the new
/// point, which choose again; so does [`Var::cond`](super::Var::cond), which records both
/// branches.
///
/// Only comparisons made through the handles ([`Var::gt`](super::Var::gt) and its
/// siblings, the conditions of a static [`select`](crate::select)) are seen. A comparison
/// of plain numbers taken from [`Var::value`](super::Var::value) is invisible to the
/// tape: a replay across it would silently follow the recorded branch.
///
/// ```
/// use tapeless::tape::{Replay, ReplayError};
///
/// // f(x) = x₀² if x₀ > x₁, else sin x₁: a branch on the data, compared through handles.
/// let mut f = Replay::record(&[2.0, 1.0], |x| {
///     let (x0, x1) = (x.get(0), x.get(1));
///     if x0.gt(x1) { x0 * x0 } else { x1.sin() }
/// });
/// let mut g = [0.0; 2];
/// assert_eq!(f.gradient(&[3.0, 0.5], &mut g), Ok(9.0)); // same side: replayed
/// assert_eq!(g, [6.0, -0.0]);
/// assert_eq!(
///     f.gradient(&[0.0, 0.5], &mut g), // the other side: record again
///     Err(ReplayError::BranchChanged { comparison: 0, symbol: ">", recorded: true })
/// );
/// ```
#[derive(Clone, Debug)]
pub struct Replay<T> {
    /// The number of inputs: slots `1..=inputs`.
    inputs: usize,
    /// `1..=inputs`, as a list (see [`gradient`](Replay::gradient)).
    input_slots: Vec<u32>,
    /// The first slot computed by an operation; slots below hold inputs and constants.
    base: usize,
    ops: Vec<Step>,
    /// The exponents of `powf` operations.
    exps: Vec<f64>,
    checks: Vec<Check<T>>,
    /// The slot of the output.
    output: u32,
    foreign: Option<&'static str>,
    /// The constants, by slot (`base` of them, inputs' entries unused).
    consts: Vec<T>,
    main: Buffers<T>,
    dual: Option<Buffers<Dual<T>>>,
}

/// The arrays of one replay in the scalar `S`: values and adjoints by slot, partials by
/// operation.
#[derive(Clone, Debug)]
struct Buffers<S> {
    values: Vec<S>,
    partials: Vec<[S; 3]>,
    adjoints: Vec<S>,
}

/// A slot needed by the forward loop; and by the reverse loop too.
const FORWARD: u8 = 1;
const BACKWARD: u8 = 3;

impl<T: Scalar> Replay<T> {
    /// Records `f` at `x` on a tape made for replay and makes the replay of it.
    ///
    /// Pass the closure in the call (a closure stored in a variable first does not get the
    /// signature that ties its result to its argument's tape), or a function generic in
    /// the lifetime (see [`tape_hvp`](crate::tape_hvp)).
    ///
    /// ```
    /// let mut f = tapeless::tape::Replay::record(&[1.0, 2.0, 3.0], |x| {
    ///     x.iter().fold(x.get(0) * 0.0, |s, xi| s + xi * xi)
    /// });
    /// let mut g = [0.0; 3];
    /// assert_eq!(f.gradient(&[4.0, 5.0, 6.0], &mut g), Ok(16.0 + 25.0 + 36.0));
    /// assert_eq!(g, [8.0, 10.0, 12.0]);
    /// ```
    pub fn record<F>(x: &[T], f: F) -> Self
    where
        F: for<'t> FnOnce(super::Inputs<'t, T>) -> super::Var<'t, T>,
    {
        let tape = super::Tape::for_replay();
        let y = f(tape.inputs(x));
        tape.replay(y)
    }

    /// Records the static expression `f` at `x` (as [`Tape::record`](super::Tape::record)
    /// does, the conditions of its [`select`](crate::select)s kept as comparisons) and
    /// makes the replay of it.
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// use tapeless::tape::Replay;
    /// let (x, y) = vars();
    /// let f = x * y.sin();
    /// let mut r = Replay::record_expr(&f, [1.0, 2.0]);
    /// let mut g = [0.0; 2];
    /// let v = r.gradient(&[3.0, 0.5], &mut g).unwrap();
    /// let (sv, sg) = gradient(&f, [3.0, 0.5]); // the static engine
    /// assert_eq!((v, &g[..]), (sv, &sg[..]));
    /// ```
    pub fn record_expr<E: crate::Expr<T>, const N: usize>(f: &E, x: [T; N]) -> Self {
        let tape = super::Tape::for_replay();
        // Not through `Tape::record`, whose only caller in a program that records
        // ordinarily should stay the ordinary recording (it is then inlined there).
        let (_, y) = tape.traced_record_at(f, &x);
        tape.replay(super::Var::from_recorded(&tape, y))
    }

    /// An empty replay, to be filled by [`Tape::replay_into`](super::Tape::replay_into).
    pub(crate) fn empty() -> Self {
        Replay {
            inputs: 0,
            input_slots: Vec::new(),
            base: 1,
            ops: Vec::new(),
            exps: Vec::new(),
            checks: Vec::new(),
            output: SLOT,
            foreign: None,
            consts: Vec::new(),
            main: Buffers {
                values: Vec::new(),
                partials: Vec::new(),
                adjoints: Vec::new(),
            },
            dual: None,
        }
    }

    /// Fills `self` from a trace, the slots of its inputs and its output, keeping the
    /// memory. Only the operations the output or a comparison needs are kept; slots are
    /// renumbered: inputs first (in the order they were made), then constants, then
    /// operations in recording order.
    pub(crate) fn build(&mut self, trace: &Trace<T>, inputs: &[u32], y: Recorded<T>) {
        let n = trace.ops.len();
        let mut need = alloc::vec![0_u8; n];
        let out = if y.is_constant() {
            None
        } else {
            Some(y.nodes[0])
        };
        if let Some(o) = out {
            need[o as usize] = BACKWARD;
        }
        for c in &trace.checks {
            for a in c.args {
                need[a as usize] |= FORWARD;
            }
        }
        for k in (1..n).rev() {
            let m = need[k];
            if m != 0 {
                let op = trace.ops[k];
                for &a in &op.args[..op.arity as usize] {
                    need[a as usize] |= m;
                }
            }
        }
        // New slot of each old slot.
        let mut slot = alloc::vec![SLOT; n];
        self.consts.clear();
        self.consts.push(T::zero());
        for (i, &s) in inputs.iter().enumerate() {
            slot[s as usize] = i as u32 + 1;
            self.consts.push(T::zero());
        }
        self.inputs = inputs.len();
        self.input_slots.clear();
        self.input_slots.extend(1..=inputs.len() as u32);
        for k in 1..n {
            if need[k] != 0 && trace.ops[k].code == Code::Const {
                slot[k] = self.consts.len() as u32;
                self.consts.push(trace.consts[k]);
            }
        }
        if out.is_none() {
            self.output = self.consts.len() as u32;
            self.consts.push(y.value);
        }
        self.base = self.consts.len();
        self.ops.clear();
        self.exps.clear();
        // A rule defined outside the crate, or one written for `f64` only, anywhere in the
        // recording: this replay will not run (a placeholder stands for its operation).
        self.foreign = trace.foreign;
        for k in 1..n {
            let op = trace.ops[k];
            if need[k] == 0 || matches!(op.code, Code::Const | Code::Input | Code::Part) {
                continue;
            }
            let at = (self.base + self.ops.len()) as u32;
            slot[k] = at;
            let mut args = [SLOT; 3];
            for (new, &old) in args.iter_mut().zip(&op.args[..op.arity as usize]) {
                *new = slot[old as usize];
            }
            match Step::new(op.code, args, at, need[k] == BACKWARD, &mut self.exps) {
                Some(step) => self.ops.push(step),
                None => {
                    self.ops.push(Step {
                        code: Flat::Neg,
                        edges: 0,
                        args: [args[0], at, 0],
                    });
                }
            }
        }
        if let Some(o) = out {
            self.output = slot[o as usize];
        }
        self.checks.clear();
        self.checks.extend(trace.checks.iter().map(|c| Check {
            args: c.args.map(|a| slot[a as usize]),
            ..*c
        }));
        let len = self.base + self.ops.len();
        let Buffers {
            values,
            partials,
            adjoints,
        } = &mut self.main;
        values.clear();
        values.extend_from_slice(&self.consts);
        values.resize(len, T::zero());
        partials.clear();
        partials.resize(self.ops.len(), [T::zero(); 3]);
        adjoints.clear();
        adjoints.resize(len, T::zero());
        self.dual = None;
    }

    /// The number of inputs: the length of a point and of a gradient.
    pub fn num_inputs(&self) -> usize {
        self.inputs
    }

    /// The number of operations a replay runs (those the output or a comparison needs).
    ///
    /// ```
    /// let r = tapeless::tape::Replay::record(&[1.0, 2.0], |x| {
    ///     let _unused = x.get(0).exp();
    ///     x.get(0) * x.get(1).sin()
    /// });
    /// assert_eq!(r.len(), 2); // sin, then ·
    /// ```
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// `true` if the output is an input or a constant: nothing to run.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The number of comparisons a replay checks.
    pub fn num_comparisons(&self) -> usize {
        self.checks.len()
    }

    /// The value of the function at `x`, or why the function must be recorded again.
    /// The forward loop alone, with no partial derivative kept; the value is that of
    /// [`gradient`](Replay::gradient), to the bit.
    ///
    /// ```
    /// let mut r = tapeless::tape::Replay::record(&[1.0], |x| x.get(0).exp());
    /// assert_eq!(r.value(&[0.0]), Ok(1.0));
    /// ```
    ///
    /// # Panics
    /// If `x.len()` is not [`num_inputs`](Replay::num_inputs).
    #[track_caller]
    pub fn value(&mut self, x: &[T]) -> Result<T, ReplayError> {
        self.check_len("point", x.len());
        self.replayable()?;
        let b = &mut self.main;
        put_inputs(&self.input_slots, x, &mut b.values);
        forward_values(&self.ops, &self.exps, self.base, &mut b.values);
        check(&self.checks, &b.values, |v| v)?;
        Ok(b.values[self.output as usize])
    }

    /// Writes the gradient at `x` into `grad` and returns the value; or, if a comparison
    /// recorded comes out otherwise at `x`, returns why the function must be recorded
    /// again (and leaves `grad` as it was). An input the output does not depend on gets
    /// `-0.0`, as with the tape.
    ///
    /// Allocates nothing. The result is, to the last bit, the gradient of a new recording
    /// for replay at `x`; against [`Tape::gradient`](super::Tape::gradient) of an ordinary
    /// recording it can differ by rounding (that tape folds chains of partials in another
    /// order; see [the storage](crate::tape#how-it-is-stored)).
    ///
    /// ```
    /// use tapeless::tape::Replay;
    /// let mut r = Replay::record(&[1.0, 2.0], |x| (x.get(0) * x.get(1)).sin());
    /// let mut g = [0.0; 2];
    /// let v = r.gradient(&[0.5, 3.0], &mut g).unwrap();
    /// assert_eq!(v, 1.5_f64.sin());
    /// assert_eq!(g, [3.0 * 1.5_f64.cos(), 0.5 * 1.5_f64.cos()]);
    /// ```
    ///
    /// # Panics
    /// If `x.len()` or `grad.len()` is not [`num_inputs`](Replay::num_inputs).
    #[track_caller]
    pub fn gradient(&mut self, x: &[T], grad: &mut [T]) -> Result<T, ReplayError> {
        self.check_len("point", x.len());
        self.check_len("gradient buffer", grad.len());
        self.replayable()?;
        let b = &mut self.main;
        put_inputs(&self.input_slots, x, &mut b.values);
        forward(
            &self.ops,
            &self.exps,
            self.base,
            &mut b.values,
            &mut b.partials,
        );
        check(&self.checks, &b.values, |v| v)?;
        reverse(
            &self.ops,
            self.base,
            self.output,
            &b.partials,
            &mut b.adjoints,
            T::one(),
        );
        // Each adjoint read alone, through the list of input slots: a copy of the slice was
        // compiled into 16-byte loads, each spanning two adjoints the reverse loop had just
        // stored separately, which the processor cannot forward (a stall that took 12% of
        // a 2-input replay). Written in pairs, each as one store, as the tape writes its
        // gradient: a caller that copies the gradient right away reads it with 16-byte
        // loads, which wait long on two 8-byte stores but not on one 16-byte store.
        let mut pairs = grad.chunks_exact_mut(2);
        let mut from = self.input_slots.chunks_exact(2);
        for (g, i) in (&mut pairs).zip(&mut from) {
            g.copy_from_slice(&[b.adjoints[i[0] as usize], b.adjoints[i[1] as usize]]);
        }
        for (g, &i) in pairs.into_remainder().iter_mut().zip(from.remainder()) {
            *g = b.adjoints[i as usize];
        }
        Ok(b.values[self.output as usize])
    }

    /// The Hessian-vector product `H(x)·v` into `hv`, the gradient into `grad`, and the
    /// value: the forward and reverse loops run on [`Dual`] numbers with inputs
    /// `xᵢ + vᵢ·ε` (forward over reverse), through the same rules. The first call
    /// allocates the dual arrays; later ones allocate nothing.
    ///
    /// ```
    /// use tapeless::tape::Replay;
    /// // f = x₀² x₁: H = [[2x₁, 2x₀], [2x₀, 0]].
    /// let mut r = Replay::record(&[1.0, 1.0], |x| x.get(0).square() * x.get(1));
    /// let (mut g, mut hv) = ([0.0; 2], [0.0; 2]);
    /// let v = r.hvp(&[3.0, 2.0], &[1.0, 0.0], &mut g, &mut hv).unwrap();
    /// assert_eq!((v, g, hv), (18.0, [12.0, 9.0], [4.0, 6.0]));
    /// ```
    ///
    /// # Panics
    /// If a slice's length is not [`num_inputs`](Replay::num_inputs).
    #[track_caller]
    pub fn hvp(
        &mut self,
        x: &[T],
        v: &[T],
        grad: &mut [T],
        hv: &mut [T],
    ) -> Result<T, ReplayError> {
        self.check_len("point", x.len());
        self.check_len("direction", v.len());
        self.check_len("gradient buffer", grad.len());
        self.check_len("product buffer", hv.len());
        self.replayable()?;
        let len = self.base + self.ops.len();
        let b = self.dual.get_or_insert_with(|| Buffers {
            values: self.consts.iter().map(|&c| Dual::constant(c)).collect(),
            partials: alloc::vec![[Dual::default(); 3]; self.ops.len()],
            adjoints: alloc::vec![Dual::default(); len],
        });
        b.values.resize(len, Dual::default());
        for ((d, &a), &t) in b.values[1..=self.inputs].iter_mut().zip(x).zip(v) {
            *d = Dual::new(a, t);
        }
        forward(
            &self.ops,
            &self.exps,
            self.base,
            &mut b.values,
            &mut b.partials,
        );
        check(&self.checks, &b.values, |d| d.re)?;
        reverse(
            &self.ops,
            self.base,
            self.output,
            &b.partials,
            &mut b.adjoints,
            Dual::constant(T::one()),
        );
        for ((g, h), a) in grad.iter_mut().zip(hv).zip(&b.adjoints[1..=self.inputs]) {
            *g = a.re;
            *h = a.tangent();
        }
        Ok(b.values[self.output as usize].re)
    }

    #[inline]
    fn replayable(&self) -> Result<(), ReplayError> {
        match self.foreign {
            Some(name) => Err(ReplayError::ForeignRule { name }),
            None => Ok(()),
        }
    }

    #[inline]
    #[track_caller]
    fn check_len(&self, what: &str, len: usize) {
        assert!(
            len == self.inputs,
            "tapeless: the {what} has {len} components but the recording has {} inputs",
            self.inputs
        );
    }
}

/// Writes the point `x` into the slots of the inputs, one element at a time: a copy of the
/// slice was a call to `memcpy`, which read a point the caller had just written (2 inputs)
/// with wider loads than its stores, a stall that took half of a 1-operation replay.
#[inline(always)]
fn put_inputs<T: Copy>(slots: &[u32], x: &[T], values: &mut [T]) {
    for (&i, &v) in slots.iter().zip(x) {
        values[i as usize] = v;
    }
}

/// The first recorded comparison whose outcome differs at the values computed.
#[inline(always)]
fn check<T: Scalar, S: Copy>(
    checks: &[Check<T>],
    values: &[S],
    re: impl Fn(S) -> T,
) -> Result<(), ReplayError> {
    for (k, c) in checks.iter().enumerate() {
        let [a, b] = c.args;
        if (c.test)(re(values[a as usize]), re(values[b as usize])) != c.outcome {
            return Err(ReplayError::BranchChanged {
                comparison: k,
                symbol: c.symbol,
                recorded: c.outcome,
            });
        }
    }
    Ok(())
}
