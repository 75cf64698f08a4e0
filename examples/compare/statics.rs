//! The static engine's expressions of the run-time-size workloads, written against
//! `tapeless` alone and taking their data as arguments: `compare` times them, and
//! `compile_cost` builds each in a crate of its own (it includes this file) to measure what
//! it costs to compile. Each is the workload's function as a person would write it with the
//! crate's run-time-size building blocks; the workload files say what the function is.

use tapeless::expr::block::{Layout, Vector};
use tapeless::expr::fold::{Layers, Workspace, fold_staged, stage};
use tapeless::expr::linalg::{dot, logsumexp, logsumexp_in};
use tapeless::expr::recompute;
use tapeless::expr::share::{let_vec, values_fn};
use tapeless::prelude::*;

/// `llsq`: `½ Σᵢ (sᵢ − Σⱼ xⱼ tᵢʲ)²`, the powers `tᵢʲ` given as data (`powers`, row `i` of
/// `m` numbers, one row per residual `sᵢ`).
pub fn llsq<'a>(m: usize, s: &'a [f64], powers: &'a [f64]) -> impl Expr<f64> + 'a {
    let x = Vector::new(0, m);
    sum_n(s.len(), move |i| {
        0.5 * (dot(x, &powers[i * m..(i + 1) * m]) - s[i]).square()
    })
}

/// The powers `tᵢʲ`, `j < m`, of each `t`, row by row, by the running product every
/// engine of the workload uses.
pub fn powers(t: impl Iterator<Item = f64>, m: usize) -> Vec<f64> {
    t.flat_map(|t| {
        (0..m).scan(1.0, move |p, j| {
            let v = *p;
            if j + 1 < m {
                *p *= t;
            }
            Some(v)
        })
    })
    .collect()
}

/// `lse`: `max x + ln Σ exp(xᵢ − max x)` over `n` inputs, the exponentials kept in `kept`
/// for the reverse sweep (`logsumexp` without a workspace evaluates them twice).
pub fn lse(kept: &Workspace<f64>, n: usize) -> impl Expr<f64> + '_ {
    logsumexp_in(kept, Vector::new(0, n))
}

/// `ode`: GradBench's `y₀' = x₀, yᵢ' = xᵢ·yᵢ₋₁` from `y(0) = 0`, classic RK4 with `steps`
/// steps on `[0, 2]`; the last component of `y(2)`. The states are kept in `ws`.
pub fn ode<const N: usize>(ws: &Workspace<f64>, steps: usize) -> impl Expr<f64> + '_ {
    let h = 2.0 / steps as f64;
    // Stage `j` of component `k` reads component `k − 1` of the stage before; component 0
    // is `x₀` at every stage.
    let first = |k: usize| gt(k as f64, 0.5);
    let below = |k: usize| k.saturating_sub(1);
    let rk4 = stage(move |s, k| select(first(k), at(k) * s.state(below(k)), at(0)))
        .then(move |s, k| {
            let j = below(k);
            select(
                first(k),
                at(k) * (s.state(j) + h / 2.0 * s.stage(0, j)),
                at(0),
            )
        })
        .then(move |s, k| {
            let j = below(k);
            select(
                first(k),
                at(k) * (s.state(j) + h / 2.0 * s.stage(1, j)),
                at(0),
            )
        })
        .then(move |s, k| {
            let j = below(k);
            select(first(k), at(k) * (s.state(j) + h * s.stage(2, j)), at(0))
        })
        .then(move |s, k| {
            let (k1, k2, k3, k4) = (s.stage(0, k), s.stage(1, k), s.stage(2, k), s.stage(3, k));
            s.state(k) + (h / 6.0 * k1 + h / 3.0 * k2 + h / 3.0 * k3 + h / 6.0 * k4)
        });
    fold_staged(ws, steps, [0.0; N], rk4, |s| s.state(N - 1))
}

/// `gmm`: the ADBench Gaussian-mixture objective with its Wishart prior (γ = 1, m = 0) for
/// `K` components in `D` dimensions over `points`, inputs `α` (K), `μ` (K×D), `q` (K×D), `l`
/// (K·D(D−1)/2, each `Qₖ`'s entries below the diagonal column by column); `constant` is
/// everything that does not depend on the inputs.
pub fn gmm<const D: usize, const K: usize, const KD: usize>(
    points: &[[f64; D]],
    constant: f64,
) -> impl Expr<f64> + '_ {
    let mut layout = Layout::new();
    let alpha = layout.vector(K);
    let mu = layout.matrix(K, D);
    let q = layout.matrix(K, D);
    let l = layout.matrix(K, D * (D - 1) / 2);
    // Qₖ's entry (r, c) below the diagonal: lₖ holds them column by column.
    let lower = move |k: usize, r: usize, c: usize| {
        let before: usize = (0..c).map(|c| D - 1 - c).sum();
        l.at(k, before + (r - c - 1))
    };
    // exp(qₖⱼ) and αₖ + Σⱼ qₖⱼ, shared by every point.
    let diagonal: [_; KD] = core::array::from_fn(|i| q.at(i / D, i % D).exp());
    let base: [_; K] =
        core::array::from_fn(|k| alpha.at(k) + sum_over::<D, _, _>(move |j| q.at(k, j)));
    let_vec(diagonal, move |qd| {
        let data = let_vec(base, move |base| {
            sum_rows(points, move |x| {
                // The log-density of each component at x, shared by the log-sum-exp's passes.
                let components = values_fn::<K, _, _>(move |k| {
                    let quad = sum_over::<D, _, _>(move |r| {
                        let z = move |c: usize| mu.at(k, c) - x[c];
                        (qd.at(k * D + r) * z(r) + sum_n(r, move |c| lower(k, r, c) * z(c)))
                            .square()
                    });
                    recompute(base.at(k) - 0.5 * quad)
                });
                // The log-sum-exp of the K values (the exponentials its reverse sweep asks
                // for again are the forward sweep's: the compiler evaluates them once).
                let_vec(components, logsumexp)
            })
        });
        let prior = sum_over::<KD, _, _>(move |i| qd.at(i).square())
            + sum_n(K * D * (D - 1) / 2, move |i| l.flat().at(i).square());
        data - points.len() as f64 * logsumexp(alpha) + 0.5 * prior + constant
    })
}

/// `mlp_wide`: an `I`-`U`-`U`-1 tanh network summed over a batch, `(out − y)²` per sample.
/// Weights, in blocks: `W1` (U×I), `b1` (U), `W2` (U×U), `b2` (U), `w3` (U), `b3` (1).
pub fn mlp<const I: usize, const U: usize>(batch: &[([f64; I], f64)]) -> impl Expr<f64> + '_ {
    let mut layout = Layout::new();
    let (w1, b1) = (layout.matrix(U, I), layout.vector(U));
    let (w2, b2) = (layout.matrix(U, U), layout.vector(U));
    let (w3, b3) = (layout.vector(U), layout.vector(1));
    sum_rows(batch, move |(x, y)| {
        let layer1 = values_fn::<U, _, _>(move |j| (dot(w1.row(j), x) + b1.at(j)).tanh());
        let_vec(layer1, move |h1| {
            let layer2 = values_fn::<U, _, _>(move |j| (dot(w2.row(j), h1) + b2.at(j)).tanh());
            let_vec(layer2, move |h2| (dot(w3, h2) + b3.at(0) - *y).square())
        })
    })
}
