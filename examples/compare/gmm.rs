//! `gmm`: the objective of a Gaussian mixture model with its Wishart prior, as ADBench and GradBench define it, for `K` = 5 components in `D` = 2
//! dimensions and `P` = 1000 points:
//!
//! ```text
//! f = Σᵢ logsumexpₖ(αₖ + Σⱼ qₖⱼ − ½‖Qₖ(xᵢ − μₖ)‖²) − P·logsumexp(α)
//!     + ½ Σₖ (‖exp(qₖ)‖² + ‖lₖ‖²) + constants
//! ```
//!
//! `Qₖ` is lower triangular, with diagonal `exp(qₖ)` and the entries below it taken from
//! `lₖ` column by column (ADBench's order); the prior is the Wishart one with `γ = 1`,
//! `m = 0`, whose terms in `Σ q` vanish. The constants: `−P·D·½·ln 2π` and the prior's
//! `−K·C`, `C = n·D·(ln γ − ½ ln 2) − ln Γ_D(n/2)`, `n = D + m + 1`.
//!
//! Inputs, in blocks: `α` (K), `μ` (K×D, row by row), `q` (K×D), `l` (K·D(D−1)/2): 30.
//! The points are fixed pseudo-random data. The maximum of each log-sum-exp is a
//! constant to every engine (see `real::logsumexp`).

use std::sync::OnceLock;

use crate::data::Rng;
use crate::real::{Real, logsumexp};
use crate::runtime::{self, Engine, Model};
use crate::statics;
use tapeless::{checked, gradient_into};

/// Components.
pub const K: usize = 5;
/// Dimensions.
pub const D: usize = 2;
/// Points.
pub const P: usize = 1000;
/// Entries below the diagonal of each `Qₖ`.
const L: usize = D * (D - 1) / 2;
/// Inputs.
pub const INPUTS: usize = K + 2 * K * D + K * L;

fn alpha(k: usize) -> usize {
    k
}
fn mu(k: usize, j: usize) -> usize {
    K + k * D + j
}
fn q(k: usize, j: usize) -> usize {
    K + K * D + k * D + j
}
/// Entry (row `r`, column `c < r`) of `Qₖ`: the columns are filled one after the other.
fn l(k: usize, r: usize, c: usize) -> usize {
    let before: usize = (0..c).map(|c| D - 1 - c).sum();
    K + 2 * K * D + k * L + before + (r - c - 1)
}

/// The points, uniform in [−2, 2)ᴰ.
fn points() -> &'static [[f64; D]] {
    static POINTS: OnceLock<Vec<[f64; D]>> = OnceLock::new();
    POINTS.get_or_init(|| {
        let mut rng = Rng::new(0x6A11);
        (0..P)
            .map(|_| core::array::from_fn(|_| rng.uniform(-2.0, 2.0)))
            .collect()
    })
}

/// `ln Γ_D(a) = ¼ D(D−1) ln π + Σⱼ₌₁..D ln Γ(a + ½(1 − j))`.
fn log_gamma_distrib(a: f64, d: usize) -> f64 {
    let df = d as f64;
    0.25 * df * (df - 1.0) * core::f64::consts::PI.ln()
        + (1..=d)
            .map(|j| libm::lgamma(a + 0.5 * (1.0 - j as f64)))
            .sum::<f64>()
}

/// Everything that does not depend on the inputs: `−P·D·½·ln 2π − K·C` (γ = 1, m = 0),
/// computed once.
fn constant() -> f64 {
    static C: OnceLock<f64> = OnceLock::new();
    *C.get_or_init(|| {
        let (gamma, m) = (1.0f64, 0.0);
        let n = D as f64 + m + 1.0;
        let c = n * D as f64 * (gamma.ln() - 0.5 * 2f64.ln()) - log_gamma_distrib(0.5 * n, D);
        -(P as f64) * D as f64 * 0.5 * (2.0 * core::f64::consts::PI).ln() - K as f64 * c
    })
}

/// The workload.
pub struct Gmm;

impl Model for Gmm {
    fn name() -> String {
        "gmm".into()
    }

    /// `α` in [−1, 1), `μ` in [−2, 2), `q` and `l` in [−0.5, 0.5).
    fn point() -> Vec<f64> {
        let mut rng = Rng::new(0x6A12);
        let mut x = rng.vec(K, -1.0, 1.0);
        x.extend(rng.vec(K * D, -2.0, 2.0));
        x.extend(rng.vec(K * D + K * L, -0.5, 0.5));
        x
    }

    fn primal() -> impl FnMut(&[f64]) -> f64 + 'static {
        let (pts, c) = (points(), constant());
        move |x: &[f64]| {
            let qd: [[f64; D]; K] =
                core::array::from_fn(|k| core::array::from_fn(|j| x[q(k, j)].exp()));
            let base: [f64; K] = core::array::from_fn(|k| {
                let mut s = x[q(k, 0)];
                for j in 1..D {
                    s += x[q(k, j)];
                }
                x[alpha(k)] + s
            });
            let mut total = 0.0;
            for (i, xi) in pts.iter().enumerate() {
                let main: [f64; K] = core::array::from_fn(|k| {
                    let d: [f64; D] = core::array::from_fn(|j| xi[j] - x[mu(k, j)]);
                    let mut sq = 0.0;
                    for r in 0..D {
                        let mut z = qd[k][r] * d[r];
                        for c in 0..r {
                            z += x[l(k, r, c)] * d[c];
                        }
                        sq += z * z;
                    }
                    base[k] - sq * 0.5
                });
                let lse = logsumexp(&main);
                total = if i == 0 { lse } else { total + lse };
            }
            let alphas: [f64; K] = core::array::from_fn(|k| x[alpha(k)]);
            let mut prior = 0.0;
            for (k, qdk) in qd.iter().enumerate() {
                for v in qdk {
                    prior += v * v;
                }
                for j in 0..L {
                    let v = x[K + 2 * K * D + k * L + j];
                    prior += v * v;
                }
            }
            total - logsumexp(&alphas) * P as f64 + prior * 0.5 + c
        }
    }

    /// ADBench's objective with its adjoint by hand: per point, the five terms and their
    /// `z = Qₖ(xᵢ − μₖ)` on the stack, one pass of `exp` for the log-sum-exp, its softmax
    /// weights pushed back through `z` to `μ`, `q` and `l`; gradients accumulated in
    /// stack arrays and written out once.
    fn hand() -> impl Engine {
        let (pts, c) = (points(), constant());
        move |x: &[f64], g: &mut [f64]| {
            let qd: [[f64; D]; K] =
                core::array::from_fn(|k| core::array::from_fn(|j| x[q(k, j)].exp()));
            let base: [f64; K] = core::array::from_fn(|k| {
                let mut s = x[q(k, 0)];
                for j in 1..D {
                    s += x[q(k, j)];
                }
                x[alpha(k)] + s
            });
            let lk: [[f64; L]; K] =
                core::array::from_fn(|k| core::array::from_fn(|j| x[K + 2 * K * D + k * L + j]));
            let mut g_base = [0.0; K]; // ∂/∂αₖ and ∂/∂qₖⱼ through αₖ + Σⱼ qₖⱼ
            let mut g_mu = [[0.0; D]; K];
            let mut g_qd = [[0.0; D]; K]; // ∂/∂ exp(qₖⱼ)
            let mut g_l = [[0.0; L]; K];
            let mut total = 0.0;
            for (i, xi) in pts.iter().enumerate() {
                let mut d = [[0.0; D]; K];
                let mut z = [[0.0; D]; K];
                let mut main = [0.0; K];
                for k in 0..K {
                    d[k] = core::array::from_fn(|j| xi[j] - x[mu(k, j)]);
                    let mut sq = 0.0;
                    for r in 0..D {
                        let mut zr = qd[k][r] * d[k][r];
                        for c in 0..r {
                            zr += x[l(k, r, c)] * d[k][c];
                        }
                        z[k][r] = zr;
                        sq += zr * zr;
                    }
                    main[k] = base[k] - sq * 0.5;
                }
                let m = main.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
                let e: [f64; K] = core::array::from_fn(|k| (main[k] - m).exp());
                let mut s = e[0];
                for &ek in &e[1..] {
                    s += ek;
                }
                let lse = s.ln() + m;
                total = if i == 0 { lse } else { total + lse };
                let rs = 1.0 / s;
                for k in 0..K {
                    let w = e[k] * rs;
                    g_base[k] += w;
                    // ∂main/∂z = −z; d = xᵢ − μₖ, so ∂/∂μ = −∂/∂d.
                    let mut dd = [0.0; D];
                    for r in 0..D {
                        let zb = -w * z[k][r];
                        g_qd[k][r] += zb * d[k][r];
                        dd[r] += zb * qd[k][r];
                        for c in 0..r {
                            g_l[k][r * (r - 1) / 2 + c] += zb * d[k][c];
                            dd[c] += zb * x[l(k, r, c)];
                        }
                    }
                    for j in 0..D {
                        g_mu[k][j] -= dd[j];
                    }
                }
            }
            // − P·logsumexp(α): its softmax, scaled.
            let alphas: [f64; K] = core::array::from_fn(|k| x[alpha(k)]);
            let ma = alphas.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            let ea: [f64; K] = core::array::from_fn(|k| (alphas[k] - ma).exp());
            let mut sa = ea[0];
            for &v in &ea[1..] {
                sa += v;
            }
            let lse_alpha = sa.ln() + ma;
            let mut prior = 0.0;
            for k in 0..K {
                g[alpha(k)] = g_base[k] - P as f64 * ea[k] / sa;
                for j in 0..D {
                    prior += qd[k][j] * qd[k][j];
                    g[mu(k, j)] = g_mu[k][j];
                    // exp(q) enters Q (its derivative is itself) and the prior ½ exp(2q).
                    g[q(k, j)] = g_base[k] + (g_qd[k][j] + qd[k][j]) * qd[k][j];
                }
                for v in &lk[k] {
                    prior += v * v;
                }
                for r in 0..D {
                    for c in 0..r {
                        let idx = l(k, r, c);
                        g[idx] = g_l[k][r * (r - 1) / 2 + c] + x[idx];
                    }
                }
            }
            total - lse_alpha * P as f64 + prior * 0.5 + c
        }
    }

    fn static_engine() -> impl Engine {
        // Built and checked once, as a solver's loss over its data set would be.
        let f = checked(
            INPUTS,
            statics::gmm::<D, K, { K * D }>(points(), constant()),
        );
        move |x: &[f64], g: &mut [f64]| gradient_into(&f, x, g)
    }

    fn eval<R: Real, X: Fn(usize) -> R>(x: &X, _: &mut Vec<R>) -> R {
        let pts = points();
        let qd: [[R; D]; K] = core::array::from_fn(|k| core::array::from_fn(|j| x(q(k, j)).exp()));
        let base: [R; K] = core::array::from_fn(|k| {
            let mut s = x(q(k, 0));
            for j in 1..D {
                s = s + x(q(k, j));
            }
            x(alpha(k)) + s
        });
        let mut total: Option<R> = None;
        for xi in pts {
            let main: [R; K] = core::array::from_fn(|k| {
                // μ − x instead of x − μ: the same squares, with the operators every
                // engine has (R − f64, not f64 − R).
                let d: [R; D] = core::array::from_fn(|j| x(mu(k, j)) - xi[j]);
                let mut sq: Option<R> = None;
                for r in 0..D {
                    let mut z = qd[k][r] * d[r];
                    for (c, &dc) in d[..r].iter().enumerate() {
                        z = z + x(l(k, r, c)) * dc;
                    }
                    sq = Some(sq.map_or(z * z, |s| s + z * z));
                }
                base[k] - sq.expect("D > 0") * 0.5
            });
            let lse = logsumexp(&main);
            total = Some(total.map_or(lse, |t| t + lse));
        }
        let alphas: [R; K] = core::array::from_fn(|k| x(alpha(k)));
        let mut prior: Option<R> = None;
        for (k, qdk) in qd.iter().enumerate() {
            for &q in qdk {
                let v = q * q;
                prior = Some(prior.map_or(v, |p| p + v));
            }
            for j in 0..L {
                let lj = x(K + 2 * K * D + k * L + j);
                prior = Some(prior.map_or(lj * lj, |p| p + lj * lj));
            }
        }
        total.expect("P > 0") - logsumexp(&alphas) * P as f64
            + prior.expect("K > 0") * 0.5
            + constant()
    }

    /// 30 tangents: affordable.
    fn num_dual() -> Option<impl Engine> {
        Some(runtime::num_dual::<Self, INPUTS>())
    }

    const CENTRAL_FD: bool = true;
}
