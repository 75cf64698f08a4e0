//! `lse_N`: the log-sum-exp `max x + ln Σᵢ exp(xᵢ − max x)` of `N` inputs; its gradient is
//! the softmax. The maximum is a constant to every engine (see `real::logsumexp`).
//!
//! `T` is the number of tangents `num_dual` carries: `N` where forward mode (O(N) work per
//! input, O(N²) in all) is affordable, 1 where it is not and there is no `num_dual` row.

use crate::data::Rng;
use crate::real::Real;
use crate::runtime::{self, Engine, Model};
use crate::statics;
use tapeless::{Workspace, checked, gradient_into};

/// The workload with `N` inputs.
pub struct Lse<const N: usize, const T: usize>;

fn max(x: &[f64]) -> f64 {
    x.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v))
}

impl<const N: usize, const T: usize> Model for Lse<N, T> {
    fn name() -> String {
        format!("lse_{N}")
    }

    /// Inputs uniform in [−2, 2).
    fn point() -> Vec<f64> {
        Rng::new(0x15E0 + N as u64).vec(N, -2.0, 2.0)
    }

    fn primal() -> impl FnMut(&[f64]) -> f64 + 'static {
        |x: &[f64]| {
            let m = max(x);
            let mut s = (x[0] - m).exp();
            for &v in &x[1..] {
                s += (v - m).exp();
            }
            s.ln() + m
        }
    }

    /// Two passes: the exponentials are written into the gradient as they are summed, then
    /// scaled by `1/Σ`. No workspace.
    fn hand() -> impl Engine {
        |x: &[f64], g: &mut [f64]| {
            let m = max(x);
            let mut s = 0.0;
            for (gi, &v) in g.iter_mut().zip(x) {
                *gi = (v - m).exp();
                s += *gi;
            }
            let r = 1.0 / s;
            for gi in g.iter_mut() {
                *gi *= r;
            }
            s.ln() + m
        }
    }

    /// The exponentials are kept in a workspace made with the engine.
    fn static_engine() -> impl Engine {
        // The workspace lives as long as the run; the function is built and checked once.
        let kept: &'static Workspace<f64> = Box::leak(Box::new(Workspace::new()));
        let f = checked(N, statics::lse(kept, N));
        move |x: &[f64], g: &mut [f64]| gradient_into(&f, x, g)
    }

    fn eval<R: Real, X: Fn(usize) -> R>(x: &X, _: &mut Vec<R>) -> R {
        let m = (0..N).fold(f64::NEG_INFINITY, |m, i| m.max(x(i).value()));
        let mut s = (x(0) - m).exp();
        for i in 1..N {
            s = s + (x(i) - m).exp();
        }
        s.ln() + m
    }

    fn num_dual() -> Option<impl Engine> {
        (T == N).then(runtime::num_dual::<Self, T>)
    }

    const CENTRAL_FD: bool = T == N;
}
