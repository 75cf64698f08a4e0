//! `mlp_wide`: an 8-16-16-1 `tanh` network, `y = w₃·tanh(W₂·tanh(W₁·d + b₁) + b₂) + b₃`,
//! its squared error `(y − t)²` summed over a batch of `B` = 32 fixed samples `(d, t)`;
//! the 433 weights are the inputs, in blocks: `W₁` (16×8, row by row), `b₁` (16), `W₂`
//! (16×16), `b₂` (16), `w₃` (16), `b₃` (1).

use std::sync::OnceLock;

use crate::data::Rng;
use crate::real::Real;
use crate::runtime::{self, Engine, Model};
use crate::statics;
use tapeless::{checked, gradient_into};

/// Inputs of a sample.
const I: usize = 8;
/// Units of each hidden layer.
const U: usize = 16;
/// Samples in the batch.
const B: usize = 32;
/// Offsets of the blocks.
const W1: usize = 0;
const B1: usize = W1 + U * I;
const W2: usize = B1 + U;
const B2: usize = W2 + U * U;
const W3: usize = B2 + U;
const B3: usize = W3 + U;
/// Inputs (weights).
pub const WEIGHTS: usize = B3 + 1;

/// The samples: features uniform in [−1, 1)⁸, targets in [−1, 1).
fn samples() -> &'static [([f64; I], f64)] {
    static SAMPLES: OnceLock<Vec<([f64; I], f64)>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let mut rng = Rng::new(0x3117);
        (0..B)
            .map(|_| {
                let d = core::array::from_fn(|_| rng.uniform(-1.0, 1.0));
                (d, rng.uniform(-1.0, 1.0))
            })
            .collect()
    })
}

/// The workload.
pub struct MlpWide;

/// The forward pass of one sample in `f64`: both hidden layers and the output.
#[inline(always)]
fn forward(p: &[f64; WEIGHTS], d: &[f64; I]) -> ([f64; U], [f64; U], f64) {
    let h1: [f64; U] = core::array::from_fn(|j| {
        let mut a = p[B1 + j];
        for k in 0..I {
            a += p[W1 + j * I + k] * d[k];
        }
        a.tanh()
    });
    let h2: [f64; U] = core::array::from_fn(|j| {
        let mut a = p[B2 + j];
        for k in 0..U {
            a += p[W2 + j * U + k] * h1[k];
        }
        a.tanh()
    });
    let mut y = p[B3];
    for j in 0..U {
        y += p[W3 + j] * h2[j];
    }
    (h1, h2, y)
}

impl Model for MlpWide {
    fn name() -> String {
        "mlp_wide".into()
    }

    /// Weights uniform in ±1/√fan-in, so that the units are not saturated.
    fn point() -> Vec<f64> {
        let mut rng = Rng::new(0x3118);
        let mut x = rng.vec(
            U * I + U,
            -(I as f64).sqrt().recip(),
            (I as f64).sqrt().recip(),
        );
        x.extend(rng.vec(U * U + U + U + 1, -0.25, 0.25));
        x
    }

    fn primal() -> impl FnMut(&[f64]) -> f64 + 'static {
        let samples = samples();
        move |x: &[f64]| {
            let p: &[f64; WEIGHTS] = x.try_into().expect("mlp_wide has 433 inputs");
            let mut loss = 0.0;
            for (d, t) in samples {
                let e = forward(p, d).2 - t;
                loss += e * e;
            }
            loss
        }
    }

    /// Back-propagation by hand, sample by sample: the hidden layers kept on the stack, the
    /// output's error pushed back through `tanh' = 1 − h²` layer by layer.
    fn hand() -> impl Engine {
        let samples = samples();
        move |x: &[f64], g: &mut [f64]| {
            let p: &[f64; WEIGHTS] = x.try_into().expect("mlp_wide has 433 inputs");
            let g: &mut [f64; WEIGHTS] = g.try_into().expect("mlp_wide has 433 inputs");
            *g = [0.0; WEIGHTS];
            let mut loss = 0.0;
            for (d, t) in samples {
                let (h1, h2, y) = forward(p, d);
                let e = y - t;
                loss += e * e;
                let dy = 2.0 * e;
                g[B3] += dy;
                let mut h1b = [0.0; U];
                for j in 0..U {
                    g[W3 + j] += dy * h2[j];
                    let a2b = dy * p[W3 + j] * (1.0 - h2[j] * h2[j]);
                    g[B2 + j] += a2b;
                    for k in 0..U {
                        g[W2 + j * U + k] += a2b * h1[k];
                        h1b[k] += a2b * p[W2 + j * U + k];
                    }
                }
                for j in 0..U {
                    let a1b = h1b[j] * (1.0 - h1[j] * h1[j]);
                    g[B1 + j] += a1b;
                    for k in 0..I {
                        g[W1 + j * I + k] += a1b * d[k];
                    }
                }
            }
            loss
        }
    }

    fn static_engine() -> impl Engine {
        // Built and checked once, as a training loop's loss over its batch would be.
        let f = checked(WEIGHTS, statics::mlp::<I, U>(samples()));
        move |x: &[f64], g: &mut [f64]| gradient_into(&f, x, g)
    }

    fn eval<R: Real, X: Fn(usize) -> R>(x: &X, _: &mut Vec<R>) -> R {
        let mut loss: Option<R> = None;
        for (d, t) in samples() {
            let h1: [R; U] = core::array::from_fn(|j| {
                let mut a = x(B1 + j);
                for (k, &dk) in d.iter().enumerate() {
                    a = a + x(W1 + j * I + k) * dk;
                }
                a.tanh()
            });
            let h2: [R; U] = core::array::from_fn(|j| {
                let mut a = x(B2 + j);
                for (k, &h) in h1.iter().enumerate() {
                    a = a + x(W2 + j * U + k) * h;
                }
                a.tanh()
            });
            let mut y = x(B3);
            for (j, &h) in h2.iter().enumerate() {
                y = y + x(W3 + j) * h;
            }
            let e = y - *t;
            loss = Some(loss.map_or(e * e, |l| l + e * e));
        }
        loss.expect("B > 0")
    }

    /// 433 tangents (3.5 KB a number) through about 26,000 operations a call: slow, but
    /// it runs.
    fn num_dual() -> Option<impl Engine> {
        Some(runtime::num_dual::<Self, WEIGHTS>())
    }

    const CENTRAL_FD: bool = true;
}
