//! `gmm`: the log-posterior of a Gaussian mixture of `k` components in `d` dimensions over
//! `n` points, with a Wishart prior, as GradBench defines it (after ADBench):
//!
//! ```text
//! f = Σᵢ logsumexpⱼ(αⱼ + Σᵣ qⱼᵣ − ½‖Qⱼ(xᵢ − μⱼ)‖²) − n·logsumexp(α) − n·d·½·ln 2π
//!     + Σⱼ (m·Σᵣ qⱼᵣ − ½γ²(‖exp(qⱼ)‖² + ‖lⱼ‖²)) + k·C
//! ```
//!
//! `Qⱼ` is lower triangular with diagonal `exp(qⱼ)` and the entries below it taken from
//! `lⱼ` column by column; `C = n'·d·(ln γ − ½ ln 2) − ln Γ_d(n'/2)`, `n' = d + m + 1`.
//! `jacobian` is the gradient with respect to `α`, `μ`, `q` and `l`.
//!
//! Static engine: the structure is fixed (a sum over points of a log-sum-exp over
//! components of a quadratic form) and only `d`, `k` and `n` vary, so it is `sum_n`,
//! `logsumexp` and `sum_n` over blocks of a `Layout`. `objective` is this crate's `value`
//! of the same expression.

use serde_json::{Value, json};
use tapeless::expr::block::Layout;
use tapeless::expr::linalg::{entries, logsumexp};
use tapeless::prelude::*;

use crate::input::{count, number, numbers_of, rows};
use crate::{Case, Runs};

/// `ln Γ_d(a) = ¼ d(d−1) ln π + Σⱼ₌₁..d ln Γ(a + ½(1 − j))`.
fn log_gamma_distrib(a: f64, d: usize) -> f64 {
    let df = d as f64;
    0.25 * df * (df - 1.0) * core::f64::consts::PI.ln()
        + (1..=d)
            .map(|j| libm::lgamma(a + 0.5 * (1.0 - j as f64)))
            .sum::<f64>()
}

pub fn evaluate(function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    let (d, k, n) = (count(input, "d")?, count(input, "k")?, count(input, "n")?);
    if d == 0 || k == 0 {
        return Err("`d` and `k` must be at least 1".into());
    }
    let (m, gamma) = (number(input, "m")?, number(input, "gamma")?);
    let lsz = d * (d - 1) / 2;
    let alpha_in = numbers_of(input, "alpha", k)?;
    let x = rows(input, "x", d)?;
    if x.len() != n * d {
        return Err(format!("`x` must hold {n} rows, found {}", x.len() / d));
    }
    let mut point = alpha_in;
    for (name, width) in [("mu", d), ("q", d), ("l", lsz)] {
        let block = rows(input, name, width)?;
        if block.len() != k * width {
            return Err(format!(
                "`{name}` must hold {k} rows, found {}",
                block.len() / width.max(1)
            ));
        }
        point.extend(block);
    }
    let nw = d as f64 + m + 1.0;
    let c = nw * d as f64 * (gamma.ln() - 0.5 * 2f64.ln()) - log_gamma_distrib(0.5 * nw, d);
    let constant = -(n as f64) * d as f64 * 0.5 * (2.0 * core::f64::consts::PI).ln() + k as f64 * c;

    let mut layout = Layout::new();
    let alpha = layout.vector(k);
    let mu = layout.matrix(k, d);
    let q = layout.matrix(k, d);
    let l = layout.matrix(k, lsz);
    // Entry (r, c < r) of Qⱼ: the columns one after the other.
    let lij = move |j: usize, r: usize, c: usize| {
        l.at(j, c * (d - 1) - c * c.saturating_sub(1) / 2 + (r - c - 1))
    };
    let xs = &x[..];
    let component = move |i: usize, j: usize| {
        let z = move |r: usize| mu.at(j, r) - xs[i * d + r];
        let quad = sum_n(d, move |r| {
            (q.at(j, r).exp() * z(r) + sum_n(r, move |c| lij(j, r, c) * z(c))).square()
        });
        alpha.at(j) + sum_n(d, move |r| q.at(j, r)) - 0.5 * quad
    };
    let data = sum_n(n, move |i| logsumexp(entries(k, move |j| component(i, j))));
    let prior = sum_n(k * d, move |r| {
        m * q.flat().at(r) - 0.5 * gamma * gamma * q.flat().at(r).exp().square()
    }) - 0.5 * gamma * gamma * sum_n(k * lsz, move |r| l.flat().at(r).square());
    let f = data - n as f64 * logsumexp(alpha) + prior + constant;
    match function {
        "objective" => Ok(json!(runs.time(|| value(&f, &point[..])))),
        "jacobian" => {
            let mut g = vec![0.0; point.len()];
            runs.time(|| gradient_into(&f, &point, &mut g));
            let (a, rest) = g.split_at(k);
            let (gm, rest) = rest.split_at(k * d);
            let (gq, gl) = rest.split_at(k * d);
            let nested = |v: &[f64], w: usize| -> Vec<Vec<f64>> {
                (0..k).map(|j| v[j * w..(j + 1) * w].to_vec()).collect()
            };
            Ok(json!({ "alpha": a, "mu": nested(gm, d), "q": nested(gq, d), "l": nested(gl, lsz) }))
        }
        _ => Err(format!(
            "no function `{function}` (gmm has `objective` and `jacobian`)"
        )),
    }
}

pub fn table() -> Vec<Case> {
    let (d, k, n) = (64, 10, 1000);
    let lsz = d * (d - 1) / 2;
    let mut rng = crate::Lcg::new(0x6A11);
    let mut rows = |count: usize, width: usize, lo: f64, hi: f64| -> Vec<Vec<f64>> {
        (0..count).map(|_| rng.vec(width, lo, hi)).collect()
    };
    let x = rows(n, d, -2.0, 2.0);
    let mu = rows(k, d, 0.0, 1.0);
    let q = rows(k, d, -1.0, 1.0);
    let l = rows(k, lsz, -1.0, 1.0);
    let alpha = rows(1, k, -1.0, 1.0).remove(0);
    vec![Case {
        description: format!("d={d},k={k},n={n}"),
        functions: &["objective", "jacobian"],
        input: json!({
            "d": d, "k": k, "n": n, "m": 0, "gamma": 1.0,
            "x": x, "mu": mu, "q": q, "l": l, "alpha": alpha,
        }),
    }]
}
