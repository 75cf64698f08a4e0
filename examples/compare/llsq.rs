//! `llsq_N`: GradBench's linear least squares, `½ Σᵢ (sᵢ − Σⱼ xⱼ tᵢʲ)²` over `N` residuals,
//! with `tᵢ = −1 + 2i/(N − 1)`, `sᵢ = sign(tᵢ)` (0 at 0) and `M` = 128 inputs `x`: a
//! polynomial of degree 127 fitted to a step. The powers `tᵢʲ` are data (no input in them);
//! every engine forms them by the same running product.

use crate::data::Rng;
use crate::real::Real;
use crate::runtime::{self, Engine, Model};
use crate::statics;
use tapeless::gradient_into;

/// The number of inputs (coefficients).
pub const M: usize = 128;

/// The workload with `N` residuals.
pub struct Llsq<const N: usize>;

fn t<const N: usize>(i: usize) -> f64 {
    -1.0 + 2.0 * i as f64 / (N - 1) as f64
}

fn sign(t: f64) -> f64 {
    if t > 0.0 {
        1.0
    } else if t < 0.0 {
        -1.0
    } else {
        0.0
    }
}

impl<const N: usize> Model for Llsq<N> {
    fn name() -> String {
        format!("llsq_{N}")
    }

    /// Coefficients uniform in [−1, 1).
    fn point() -> Vec<f64> {
        Rng::new(0x115C).vec(M, -1.0, 1.0)
    }

    fn primal() -> impl FnMut(&[f64]) -> f64 + 'static {
        |x: &[f64]| {
            let x: &[f64; M] = x.try_into().expect("llsq has 128 inputs");
            let mut y = 0.0;
            for i in 0..N {
                let t = t::<N>(i);
                let (mut p, mut pw) = (x[0], t);
                for &xj in &x[1..] {
                    p += xj * pw;
                    pw *= t;
                }
                let r = p - sign(t);
                y += r * r;
            }
            0.5 * y
        }
    }

    /// One pass over the residuals: the powers of `tᵢ` are kept (128 numbers on the stack)
    /// while the residual is formed, then `∂/∂xⱼ += rᵢ tᵢʲ`.
    fn hand() -> impl Engine {
        |x: &[f64], g: &mut [f64]| {
            let x: &[f64; M] = x.try_into().expect("llsq has 128 inputs");
            let g: &mut [f64; M] = g.try_into().expect("llsq has 128 inputs");
            *g = [0.0; M];
            let mut pws = [0.0; M];
            let mut y = 0.0;
            for i in 0..N {
                let t = t::<N>(i);
                let (mut p, mut pw) = (x[0], 1.0);
                pws[0] = 1.0;
                for j in 1..M {
                    pw *= t;
                    pws[j] = pw;
                    p += x[j] * pw;
                }
                let r = p - sign(t);
                y += r * r;
                for (gj, pw) in g.iter_mut().zip(&pws) {
                    *gj += r * pw;
                }
            }
            0.5 * y
        }
    }

    /// The powers `tᵢʲ` are data of the expression: made once, with the engine.
    fn static_engine() -> impl Engine {
        // Built at each call: the sizes are then constants the compiler sees through
        // (building once and checking with `checked` measured 1.5× slower here: the
        // row length became a load), and the build and its index walk are in the time.
        let s: Vec<f64> = (0..N).map(|i| sign(t::<N>(i))).collect();
        let powers = statics::powers((0..N).map(t::<N>), M);
        move |x: &[f64], g: &mut [f64]| gradient_into(&statics::llsq(M, &s, &powers), x, g)
    }

    fn eval<R: Real, X: Fn(usize) -> R>(x: &X, _: &mut Vec<R>) -> R {
        let mut y: Option<R> = None;
        for i in 0..N {
            let t = t::<N>(i);
            let (mut p, mut pw) = (x(0), t);
            for j in 1..M {
                p = p + x(j) * pw;
                pw *= t;
            }
            let r = p - sign(t);
            y = Some(match y {
                None => r * r,
                Some(y) => y + r * r,
            });
        }
        y.expect("N > 0") * 0.5
    }

    /// 128 tangents through `N · 128` multiply-adds: 4096 residuals would take about
    /// 70 million operations on tangents per call; up to 256, forward mode runs.
    fn num_dual() -> Option<impl Engine> {
        (N <= 256).then(runtime::num_dual::<Self, M>)
    }

    const CENTRAL_FD: bool = true;
}
