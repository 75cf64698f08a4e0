//! `kmeans`: `cost` = Σᵢ minⱼ ‖cⱼ − pᵢ‖² over `n` points and `k` centroids in `d`
//! dimensions; `dir` = the gradient with respect to the centroids divided, entry by entry,
//! by the Hessian's diagonal, both from one Hessian-vector product with a vector of ones
//! (the Hessian is diagonal here: 2·|cluster j| on centroid j's entries).
//!
//! Static engine: the structure (a sum over points of a minimum over centroids of a squared
//! distance) is fixed and only the sizes vary: `sum_n` of `min_n` of `sum_n`. `hvp_into`
//! runs it once on dual numbers, giving the gradient and `H·1` in one sweep. `cost` is
//! this crate's `value` of the same expression.

use serde_json::{Value, json};
use tapeless::prelude::*;

use crate::input::{field, rows};
use crate::{Case, Runs};

pub fn evaluate(function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    let d = field(input, "points")?
        .get(0)
        .and_then(Value::as_array)
        .map(Vec::len)
        .ok_or("`points` must be a non-empty array of rows")?;
    let points = rows(input, "points", d)?;
    let centroids = rows(input, "centroids", d)?;
    let (n, k) = (points.len() / d.max(1), centroids.len() / d.max(1));
    if d == 0 || k == 0 {
        return Err("`centroids` and the rows of `points` must not be empty".into());
    }
    let pts = &points[..];
    let f = sum_n(n, move |i| {
        min_n(k, move |j| {
            sum_n(d, move |l| (at(j * d + l) - pts[i * d + l]).square())
        })
    });
    match function {
        "cost" => Ok(json!(runs.time(|| value(&f, &centroids[..])))),
        "dir" => {
            let ones = vec![1.0; k * d];
            let (mut g, mut hv) = (vec![0.0; k * d], vec![0.0; k * d]);
            let mut dir = vec![0.0; k * d];
            runs.time(|| {
                hvp_into(&f, &centroids, &ones, &mut g, &mut hv);
                for ((o, g), h) in dir.iter_mut().zip(&g).zip(&hv) {
                    *o = g / h;
                }
            });
            Ok(json!(dir.chunks(d).collect::<Vec<_>>()))
        }
        _ => Err(format!(
            "no function `{function}` (kmeans has `cost` and `dir`)"
        )),
    }
}

pub fn table() -> Vec<Case> {
    let (k, n, d) = (10, 1000, 8);
    let mut rng = crate::Lcg::new(0x4EA5);
    let points: Vec<Vec<f64>> = (0..n).map(|_| rng.vec(d, 0.0, 1.0)).collect();
    // The last k points, as GradBench picks them: every cluster holds at least one.
    let centroids = points[n - k..].to_vec();
    vec![Case {
        description: format!("k={k},n={n},d={d}"),
        functions: &["cost", "dir"],
        input: json!({ "points": points, "centroids": centroids }),
    }]
}
