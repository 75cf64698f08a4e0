//! `ode_N`: GradBench's ODE, `y(0) = 0`, `y₀' = x₀`, `yᵢ' = xᵢ·yᵢ₋₁`, solved by classic
//! Runge-Kutta (RK4) with 10 equal steps on [0, 2]; the function is the last component
//! `y_{N−1}(2)`, its gradient taken with respect to the `N` inputs `x`.
//!
//! Each stage of a step reaches one component further (`k` at `i` reads the stage's point
//! at `i − 1`), so 10 steps carry `x₀`'s forcing to the first 40 components only: for
//! `N > 40` the last component is exactly zero, and so is its gradient, at any `x`. The
//! work is the same, but a check of such a gradient proves nothing, so `ode_40` (the largest
//! size whose output depends on every input) checks the very code that `ode_100` and
//! `ode_1000` time. Engines that skip zero adjoints (echidna's sweeps do) skip most of
//! the larger sweeps.
//!
//! `T` is the number of tangents `num_dual` carries: `N` where forward mode is affordable,
//! 1 where it is not (no `num_dual` row).

use crate::data::Rng;
use crate::real::Real;
use crate::runtime::{self, Engine, Model};
use crate::statics;
use tapeless::{Workspace, gradient_into};

/// Steps of RK4.
pub const STEPS: usize = 10;
/// The step: 2 / STEPS.
const H: f64 = 2.0 / STEPS as f64;
/// Weights of the four stages' slopes in the step: h/6, h/3, h/3, h/6.
const W: [f64; 4] = [H / 6.0, H / 3.0, H / 3.0, H / 6.0];
/// Where the next stage's point lies along this stage's slope: h/2, h/2, h (none after
/// the fourth).
const C: [f64; 4] = [H / 2.0, H / 2.0, H, 0.0];

/// The workload with `N` inputs and states.
pub struct Ode<const N: usize, const T: usize>;

/// One step in place: `u` becomes each stage's point in turn, `acc` gathers the weighted
/// slopes. `f(u)ᵢ = xᵢ·uᵢ₋₁` (`x₀` at 0) is formed component by component, the point at
/// `i − 1` read before it is overwritten by the next stage's.
#[inline(always)]
fn step<R: Real>(x: impl Fn(usize) -> R, y: &mut [R], u: &mut [R], acc: &mut [R]) {
    u.copy_from_slice(y);
    for st in 0..4 {
        let mut below = u[0];
        for i in 0..y.len() {
            let k = if i == 0 { x(0) } else { x(i) * below };
            below = u[i];
            if st < 3 {
                u[i] = y[i] + k * C[st];
            }
            acc[i] = if st == 0 {
                k * W[st]
            } else {
                acc[i] + k * W[st]
            };
        }
    }
    for (yi, &a) in y.iter_mut().zip(acc.iter()) {
        *yi = *yi + a;
    }
}

impl<const N: usize, const T: usize> Model for Ode<N, T> {
    fn name() -> String {
        format!("ode_{N}")
    }

    /// Inputs uniform in [0.5, 1.5).
    fn point() -> Vec<f64> {
        Rng::new(0x0DE0).vec(N, 0.5, 1.5)
    }

    fn primal() -> impl FnMut(&[f64]) -> f64 + 'static {
        let mut ws = vec![0.0; 3 * N];
        move |x: &[f64]| {
            let (y, rest) = ws.split_at_mut(N);
            let (u, acc) = rest.split_at_mut(N);
            y.fill(0.0);
            for _ in 0..STEPS {
                step(|i| x[i], y, u, acc);
            }
            y[N - 1]
        }
    }

    /// The forward sweep keeps the point of every stage of every step (`40·N` numbers,
    /// allocated once); the reverse sweep runs the stages backwards, one loop per stage:
    /// the slope's adjoint (from the step's output and the next stage's point), then the
    /// adjoints of `x` and of the stage's point, which is `y` plus a multiple of the slope
    /// before it.
    fn hand() -> impl Engine {
        let mut points = vec![0.0; STEPS * 4 * N];
        let mut ws = vec![0.0; 4 * N];
        move |x: &[f64], g: &mut [f64]| {
            let (y, rest) = ws.split_at_mut(N);
            let (acc, rest) = rest.split_at_mut(N);
            let (ub, yb) = rest.split_at_mut(N);
            y.fill(0.0);
            for s in 0..STEPS {
                let pts = &mut points[s * 4 * N..(s + 1) * 4 * N];
                pts[..N].copy_from_slice(y);
                for st in 0..4 {
                    let (done, next) = pts.split_at_mut((st + 1) * N);
                    let p = &done[st * N..];
                    for i in 0..N {
                        let k = if i == 0 { x[0] } else { x[i] * p[i - 1] };
                        if st < 3 {
                            next[i] = y[i] + k * C[st];
                        }
                        acc[i] = if st == 0 {
                            k * W[st]
                        } else {
                            acc[i] + k * W[st]
                        };
                    }
                }
                for (yi, &a) in y.iter_mut().zip(acc.iter()) {
                    *yi += a;
                }
            }
            let value = y[N - 1];
            // Reverse: yb = ∂out/∂y after the step; `acc` collects ∂out/∂y before it.
            g.fill(0.0);
            yb.fill(0.0);
            yb[N - 1] = 1.0;
            for s in (0..STEPS).rev() {
                let pts = &points[s * 4 * N..(s + 1) * 4 * N];
                acc.copy_from_slice(yb);
                ub.fill(0.0);
                for st in (0..4).rev() {
                    let p = &pts[st * N..(st + 1) * N];
                    // kb = ∂/∂(slope of stage st): through the step's output and through
                    // the next stage's point (ub holds its adjoint until overwritten).
                    let kb = W[st] * yb[0] + C[st] * ub[0];
                    g[0] += kb;
                    for i in 1..N {
                        let kb = W[st] * yb[i] + C[st] * ub[i];
                        g[i] += kb * p[i - 1];
                        let u = kb * x[i];
                        ub[i - 1] = u;
                        acc[i - 1] += u;
                    }
                    ub[N - 1] = 0.0;
                }
                yb.copy_from_slice(acc);
            }
            value
        }
    }

    /// The states and stages of the steps are kept in a workspace made with the engine.
    fn static_engine() -> impl Engine {
        // The workspace lives as long as the run. The function is built at each call, as
        // `llsq`'s: the step count and the step are then constants the compiler sees
        // through. Built once and checked with `checked`, they were loads, and static/hand
        // measured 1.18–1.27 on `ode_40` against 1.00–1.09 (but 1.06 against 1.15 on
        // `ode_1000`, where the index walk at each call costs more than the constants gain).
        let ws: &'static Workspace<f64> = Box::leak(Box::new(Workspace::new()));
        move |x: &[f64], g: &mut [f64]| gradient_into(&statics::ode::<N>(ws, STEPS), x, g)
    }

    /// The state, the stage's point and the slopes' sum in the scratch vector.
    fn eval<R: Real, X: Fn(usize) -> R>(x: &X, scratch: &mut Vec<R>) -> R {
        scratch.clear();
        scratch.resize(3 * N, R::constant(x(0), 0.0));
        let (y, rest) = scratch.split_at_mut(N);
        let (u, acc) = rest.split_at_mut(N);
        for _ in 0..STEPS {
            step(x, y, u, acc);
        }
        y[N - 1]
    }

    fn num_dual() -> Option<impl Engine> {
        (T == N).then(runtime::num_dual::<Self, T>)
    }

    const CENTRAL_FD: bool = true;
}
