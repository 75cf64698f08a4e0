//! `llsq`: `½ Σᵢ (sᵢ − Σⱼ xⱼ tᵢʲ)²` over `n` residuals, `tᵢ = −1 + 2i/(n − 1)`,
//! `sᵢ = sign(tᵢ)` (0 at 0), for the `m` coefficients `x`.
//!
//! Static engine: the structure (a sum of squared dot products) is fixed and only `n` and
//! `m` vary, so one `sum_n` of `dot`s sweeps it fused, with no tape. The powers `tᵢʲ` hold
//! no input: they are data of the expression, made once per input before the timing, and
//! both `primal` (this crate's `value` of the expression) and `gradient` read the same
//! table, so their ratio compares like with like.

use serde_json::{Value, json};
use tapeless::expr::block::Vector;
use tapeless::expr::linalg::dot;
use tapeless::prelude::*;

use crate::input::{count, numbers};
use crate::{Case, Runs};

fn sign(t: f64) -> f64 {
    if t > 0.0 {
        1.0
    } else if t < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// `tᵢ` as GradBench defines it (`n = 1` has the single point −1).
fn t(i: usize, n: usize) -> f64 {
    if n < 2 {
        -1.0
    } else {
        -1.0 + 2.0 * i as f64 / (n - 1) as f64
    }
}

pub fn evaluate(function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    let x = numbers(input, "x")?;
    let n = count(input, "n")?;
    let m = x.len();
    if m == 0 {
        return Err("`x` must hold at least one number".into());
    }
    let s: Vec<f64> = (0..n).map(|i| sign(t(i, n))).collect();
    // Row i: tᵢ⁰ … tᵢ^(m−1), by a running product.
    let mut powers = Vec::with_capacity(n * m);
    for i in 0..n {
        let ti = t(i, n);
        let mut p = 1.0;
        for _ in 0..m {
            powers.push(p);
            p *= ti;
        }
    }
    let c = Vector::new(0, m);
    let f = sum_n(n, |i| {
        0.5 * (dot(c, &powers[i * m..(i + 1) * m]) - s[i]).square()
    });
    match function {
        "primal" => Ok(json!(runs.time(|| value(&f, &x[..])))),
        "gradient" => {
            let mut g = vec![0.0; m];
            runs.time(|| gradient_into(&f, &x, &mut g));
            Ok(json!(g))
        }
        _ => Err(format!(
            "no function `{function}` (llsq has `primal` and `gradient`)"
        )),
    }
}

pub fn table() -> Vec<Case> {
    let mut rng = crate::Lcg::new(0x115C);
    vec![Case {
        description: "n=1024,m=128".into(),
        functions: &["primal", "gradient"],
        input: json!({ "x": rng.vec(128, -1.0, 1.0), "n": 1024 }),
    }]
}
