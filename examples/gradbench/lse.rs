//! `lse`: `max x + ln Σᵢ exp(xᵢ − max x)` of `n` inputs; its gradient is the softmax.
//!
//! Static engine: one reduction of run-time length, nothing else. `logsumexp_in` is the
//! crate's log-sum-exp made of a maximum (whose derivative is not taken: it cancels) and a
//! sum of shifted exponentials, with each exponential's derivative kept in a workspace for
//! the reverse sweep (one `exp` per entry, not two). `primal` is this crate's `value` of
//! the same expression; the workspace is reused across runs.

use serde_json::{Value, json};
use tapeless::expr::block::Vector;
use tapeless::expr::fold::Workspace;
use tapeless::expr::linalg::logsumexp_in;
use tapeless::prelude::*;

use crate::input::numbers;
use crate::{Case, Runs};

pub fn evaluate(function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    let x = numbers(input, "x")?;
    if x.is_empty() {
        return Err("`x` must hold at least one number".into());
    }
    let kept = Workspace::with_capacity(x.len());
    let f = logsumexp_in(&kept, Vector::new(0, x.len()));
    match function {
        "primal" => Ok(json!(runs.time(|| value(&f, &x[..])))),
        "gradient" => {
            let mut g = vec![0.0; x.len()];
            runs.time(|| gradient_into(&f, &x, &mut g));
            Ok(json!(g))
        }
        _ => Err(format!(
            "no function `{function}` (lse has `primal` and `gradient`)"
        )),
    }
}

pub fn table() -> Vec<Case> {
    let mut rng = crate::Lcg::new(0x15E0);
    vec![Case {
        description: "n=2500".into(),
        functions: &["primal", "gradient"],
        input: json!({ "x": rng.vec(2500, -2.0, 2.0) }),
    }]
}
