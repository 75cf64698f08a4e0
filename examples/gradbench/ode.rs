//! `ode`: `y(0) = 0`, `y₀' = x₀`, `yᵢ' = xᵢ·yᵢ₋₁`, integrated on [0, 2] by classic RK4 in
//! `s` equal steps; `primal` is `y(2)` (all `n` components), `gradient` is ∇ₓ `y_{n−1}(2)`.
//!
//! Static engine: the structure (an RK4 step of four stages, each component reading the
//! one below) is fixed and only `n` and `s` vary, so it is a `fold_wide`: a recurrence over
//! a run-time number of steps with a state of run-time length, every state and stage kept
//! in a workspace reused across runs. `primal` is the same fold's forward loop
//! (`last_state`, the whole state rather than its last component).

use serde_json::{Value, json};
use tapeless::expr::fold::{Layers, Workspace, fold_wide, stage};
use tapeless::prelude::*;

use crate::input::{count, numbers};
use crate::{Case, Runs};

pub fn evaluate(function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    let x = numbers(input, "x")?;
    let steps = count(input, "s")?;
    let n = x.len();
    if n == 0 {
        return Err("`x` must hold at least one number".into());
    }
    if steps == 0 {
        return Err("`s` must be at least 1".into());
    }
    let h = 2.0 / steps as f64;
    // The slope of component k at a point p: x₀ for k = 0, xₖ·pₖ₋₁ after (one type for both).
    let first = |k: usize| gt(k as f64, 0.5);
    let below = |k: usize| k.saturating_sub(1);
    let rk4 = stage(move |s, k| select(first(k), at(k) * s.state(below(k)), at(0)))
        .then(move |s, k| {
            let p = s.state(below(k)) + h / 2.0 * s.stage(0, below(k));
            select(first(k), at(k) * p, at(0))
        })
        .then(move |s, k| {
            let p = s.state(below(k)) + h / 2.0 * s.stage(1, below(k));
            select(first(k), at(k) * p, at(0))
        })
        .then(move |s, k| {
            let p = s.state(below(k)) + h * s.stage(2, below(k));
            select(first(k), at(k) * p, at(0))
        })
        .then(move |s, k| {
            let (k1, k2, k3, k4) = (s.stage(0, k), s.stage(1, k), s.stage(2, k), s.stage(3, k));
            s.state(k) + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        });
    let ws = Workspace::new();
    let f = fold_wide(&ws, steps, n, |_| 0.0, rk4, move |s| s.state(n - 1));
    match function {
        "primal" => {
            let mut y = vec![0.0; n];
            runs.time(|| f.last_state(&x[..], &mut y));
            Ok(json!(y))
        }
        "gradient" => {
            let mut g = vec![0.0; n];
            runs.time(|| gradient_into(&f, &x, &mut g));
            Ok(json!(g))
        }
        _ => Err(format!(
            "no function `{function}` (ode has `primal` and `gradient`)"
        )),
    }
}

pub fn table() -> Vec<Case> {
    let mut rng = crate::Lcg::new(0x0DE0);
    vec![Case {
        description: "n=1000,s=100".into(),
        functions: &["primal", "gradient"],
        input: json!({ "x": rng.vec(1000, 0.0, 1.0), "s": 100 }),
    }]
}
