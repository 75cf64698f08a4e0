//! The peer `echidna` (0.15), with both of its tapes, each given its best use:
//!
//! - `echidna`: its eager Adept-style tape (`Reverse<f64>`), the one its `grad` uses. A tape
//!   of our own is cleared between calls (it keeps its capacity, where `grad` takes a pooled
//!   tape and collects the inputs into a new vector each call), the inputs are registered
//!   into a vector kept between calls, and the function records through the tape's
//!   thread-local guard. The reverse sweep returns a vector of every node's adjoint (its
//!   API; no way around it); the inputs' entries are copied out of it.
//! - `echidna_bc`: its bytecode tape (feature `bytecode`), recorded once, when the engine is
//!   made, with `echidna::record`, then optimised (`optimize`: common subexpressions and dead
//!   code removed), and replayed at each call's inputs with `gradient_with_buf` (forward
//!   sweep in place, adjoints in a buffer kept between calls; the gradient comes back as a
//!   new vector, its API). The fixed-size workloads make their engines in the timed frame
//!   (see `Harness::engine`), so there the recording is paid once per batch of calls,
//!   a small fraction of a sample; the run-time-size workloads record outside the timing.
//!
//! A bytecode tape replays the operations recorded, so a branch taken at recording is taken
//! again; the maxima that the log-sum-exp workloads shift by are constants to it (see
//! `real::logsumexp`): exact at any point, but fixed at the recording point's values.
//! Every engine is checked and timed at one point, the recording point.

use std::sync::Arc;

use echidna::bytecode_tape::{BytecodeTape, with_active_btape};
use echidna::tape::{Tape, TapeGuard, with_active_tape};
use echidna::{BReverse, CustomOp, Reverse};

use crate::runtime::Model;

/// What the fixed-size workloads need of an echidna number: echidna's own scalar trait
/// (`num_traits::Float` and constants), arithmetic with `f64`, and `erf`, which echidna
/// lacks and each tape gets as its own kind of new operation.
pub trait Scalar:
    echidna::Scalar<Float = f64>
    + core::ops::Add<f64, Output = Self>
    + core::ops::Sub<f64, Output = Self>
    + core::ops::Mul<f64, Output = Self>
    + core::ops::Div<f64, Output = Self>
{
    /// `erf(x)`.
    fn erf(self) -> Self;
}

/// The eager tape records a value with its local derivative: one statement, as echidna's
/// own functions do.
impl Scalar for Reverse<f64> {
    #[inline]
    fn erf(self) -> Self {
        let (v, d) = crate::engines::erf::value_and_slope(echidna::Scalar::value(&self));
        let index = with_active_tape(|t: &mut Tape<f64>| t.push_unary(self.index(), d));
        Reverse::from_tape(v, index)
    }
}

/// `erf` as a custom operation of the bytecode tape, so that a replay at new inputs
/// evaluates it there (a linearisation would be frozen at the recording point).
struct Erf;

impl CustomOp<f64> for Erf {
    fn eval(&self, a: f64, _: f64) -> f64 {
        <f64 as tapeless::Scalar>::erf(a)
    }
    fn partials(&self, a: f64, _: f64, _: f64) -> (f64, f64) {
        (crate::engines::erf::value_and_slope(a).1, 0.0)
    }
}

/// The bytecode tape: registered on the tape being recorded (at recording time only).
impl Scalar for BReverse<f64> {
    #[inline]
    fn erf(self) -> Self {
        let x = echidna::Scalar::value(&self);
        let op = with_active_btape(|t: &mut BytecodeTape<f64>| t.register_custom(Arc::new(Erf)));
        self.custom_unary(op, <f64 as tapeless::Scalar>::erf(x))
    }
}

/// The eager tape on a fixed-size workload: `tape` cleared, the inputs registered, `f`
/// recorded, one reverse sweep.
#[inline]
pub fn tape_array<const N: usize>(
    tape: &mut Tape<f64>,
    f: impl Fn(&[Reverse<f64>; N]) -> Reverse<f64>,
    x: [f64; N],
) -> (f64, [f64; N]) {
    tape.clear();
    let vars: [Reverse<f64>; N] = core::array::from_fn(|i| {
        let (index, v) = tape.new_variable(x[i]);
        Reverse::from_tape(v, index)
    });
    let y = {
        let _guard = TapeGuard::new(tape);
        f(&vars)
    };
    let adj = tape.reverse(y.index());
    (echidna::Scalar::value(&y), core::array::from_fn(|i| adj[i]))
}

/// A bytecode tape of `f` recorded at `x` and optimised.
pub fn record(x: &[f64], f: impl FnOnce(&[BReverse<f64>]) -> BReverse<f64>) -> BytecodeTape<f64> {
    let (mut tape, _) = echidna::record(f, x);
    tape.optimize();
    tape
}

/// The bytecode tape replayed at `x`: forward sweep, reverse sweep into the kept adjoint
/// buffer.
#[inline]
pub fn replay_array<const N: usize>(
    tape: &mut BytecodeTape<f64>,
    adjoints: &mut Vec<f64>,
    x: [f64; N],
) -> (f64, [f64; N]) {
    let g = tape.gradient_with_buf(&x, adjoints);
    (tape.output_value(), core::array::from_fn(|i| g[i]))
}

/// The eager tape on a run-time-size workload, made once, with the vectors of inputs and
/// of scratch it keeps between calls.
pub fn tape_slice<M: Model>() -> impl FnMut(&[f64], &mut [f64]) -> f64 + 'static {
    let mut tape = Tape::<f64>::new();
    let mut vars: Vec<Reverse<f64>> = Vec::new();
    let mut scratch = Vec::new();
    move |x, g| {
        tape.clear();
        vars.clear();
        vars.extend(x.iter().map(|&xi| {
            let (index, v) = tape.new_variable(xi);
            Reverse::from_tape(v, index)
        }));
        let y = {
            let _guard = TapeGuard::new(&mut tape);
            M::eval(&|i| vars[i], &mut scratch)
        };
        let adj = tape.reverse(y.index());
        g.copy_from_slice(&adj[..x.len()]);
        echidna::Scalar::value(&y)
    }
}

/// The bytecode tape on a run-time-size workload: recorded at `x0` once, replayed per call.
pub fn bytecode_slice<M: Model>(x0: &[f64]) -> impl FnMut(&[f64], &mut [f64]) -> f64 + 'static {
    let mut scratch = Vec::new();
    let mut tape = record(x0, |v| M::eval(&|i| v[i], &mut scratch));
    let mut adjoints = Vec::new();
    move |x, g| {
        let grad = tape.gradient_with_buf(x, &mut adjoints);
        g.copy_from_slice(&grad);
        tape.output_value()
    }
}
