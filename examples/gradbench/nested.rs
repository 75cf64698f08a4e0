//! The four ways `saddle` and `particle` nest one derivative in another: the outer and the
//! inner derivative each forward or reverse. What each mode runs on:
//!
//! | mode | outer derivative | inner derivative |
//! | --- | --- | --- |
//! | `ff` | `Dual<f64, N>` | `Dual<Dual<f64, N>, M>` |
//! | `fr` | `Dual<f64, N>` | the static engine's gradient, run on `Dual<f64, N>` |
//! | `rf` | `nest::Rev` (reverse, recorded) | `Dual<Rev, M>` |
//! | `rr` | `nest::Rev` | the static engine's gradient, run on `Rev` |
//!
//! The inner function of both evals is a fixed formula (the saddle's quadratic, the
//! particle's potential), so its reverse derivative is the static engine's; what is
//! differentiated by the outer derivative is a descent or a loop whose length depends on
//! the values, which a type cannot hold: forward, duals just run through it; reverse,
//! `nest::Rev` records it as it runs, like a tape.

use generic_array::IntoArrayLength;
use generic_array::typenum::Const;
use tapeless::nest::{self, Rev};
use tapeless::prelude::*;

/// Forward or reverse, for one level.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    Forward,
    Reverse,
}

/// The two modes a function name (`ff`, `fr`, `rf`, `rr`) asks for: outer, then inner.
pub fn modes(function: &str, eval: &str) -> Result<(Mode, Mode), String> {
    use Mode::*;
    match function {
        "ff" => Ok((Forward, Forward)),
        "fr" => Ok((Forward, Reverse)),
        "rf" => Ok((Reverse, Forward)),
        "rr" => Ok((Reverse, Reverse)),
        _ => Err(format!(
            "no function `{function}` ({eval} has `ff`, `fr`, `rf` and `rr`)"
        )),
    }
}

/// The gradient of `f: ℝᴺ → ℝ` at `x` (plain numbers) by the outer mode: `f` is written once,
/// generically, and run on `Dual<f64, N>` (forward) or `nest::Rev` (reverse).
pub fn outer_gradient<const N: usize>(
    mode: Mode,
    x: [f64; N],
    f_dual: impl FnOnce([Dual<f64, N>; N]) -> Dual<f64, N>,
    f_rev: impl FnOnce([Rev; N]) -> Rev,
) -> [f64; N] {
    match mode {
        Mode::Forward => {
            let seeded = core::array::from_fn(|i| Dual::variable(x[i], i));
            f_dual(seeded).eps
        }
        Mode::Reverse => nest::gradient(x, f_rev).1,
    }
}

/// The gradient of the static expression `f` with respect to its first `M` inputs (the
/// others held constant), at `x`, in any number type `T`: forward by `Dual<T, M>`,
/// reverse by the static engine's sweep.
pub fn inner_gradient<T: Scalar, E, const K: usize, const M: usize>(
    mode: Mode,
    f: &E,
    x: [T; K],
) -> [T; M]
where
    E: Expr<T> + Expr<Dual<T, M>>,
    Const<K>: IntoArrayLength,
{
    match mode {
        Mode::Forward => {
            let seeded: [Dual<T, M>; K] = core::array::from_fn(|i| Dual::variable(x[i], i));
            value(f, seeded).eps
        }
        Mode::Reverse => {
            let (_, g) = gradient(f, x);
            core::array::from_fn(|i| g[i])
        }
    }
}
