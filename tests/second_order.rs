//! Second order by forward-over-reverse: `hvp` and `hessian` against closed forms
//! (Rosenbrock's Hessian; Black-Scholes gamma and vanna) and against central differences
//! of the reverse-mode gradient.
//!
//! Tolerances: closed forms, relative 1e-12; finite differences of the gradient (step
//! 1e-5·max(1, |xₖ|)), `|H − H_fd| ≤ 1e-6·(1 + max|H_fd|)`.

mod common;
use common::mixed;

use core::f64::consts::{FRAC_1_SQRT_2, PI};

use tapeless::prelude::*;
use tapeless::tape::{Inputs, Var as TapeVar};
use tapeless::{tape_gradient, tape_hessian, tape_hvp};

/// `|a − b| ≤ tol·max(|b|, floor)`.
#[track_caller]
fn assert_rel(a: f64, b: f64, tol: f64, floor: f64, what: &str) {
    let scale = b.abs().max(floor);
    assert!(
        (a - b).abs() <= tol * scale,
        "{what}: got {a}, expected {b} (relative diff {:e}, tol {tol:e})",
        (a - b).abs() / scale
    );
}

/// The Hessian by central differences of the reverse-mode gradient.
fn fd_hessian<const N: usize>(grad: impl Fn([f64; N]) -> [f64; N], x: [f64; N]) -> [[f64; N]; N] {
    let mut h = [[0.0; N]; N];
    for k in 0..N {
        let step = 1e-5 * x[k].abs().max(1.0);
        let (mut up, mut down) = (x, x);
        up[k] += step;
        down[k] -= step;
        let (gu, gd) = (grad(up), grad(down));
        for i in 0..N {
            // Column k of H; H is symmetric, so this is also row k.
            h[i][k] = (gu[i] - gd[i]) / (2.0 * step);
        }
    }
    h
}

#[track_caller]
fn assert_matches_fd<const N: usize>(h: [[f64; N]; N], fd: [[f64; N]; N], what: &str) {
    let scale = 1.0 + fd.iter().flatten().fold(0.0_f64, |m, v| m.max(v.abs()));
    for i in 0..N {
        for k in 0..N {
            assert!(
                (h[i][k] - fd[i][k]).abs() <= 1e-6 * scale,
                "{what}: H[{i}][{k}] = {}, finite differences {}",
                h[i][k],
                fd[i][k]
            );
        }
    }
}

fn rosenbrock<T: Scalar>() -> impl Expr<T> {
    let (x, y) = vars();
    (x - 1.0).powi(2) + 100.0 * (y - x * x).powi(2)
}

fn rosenbrock_hessian([x, y]: [f64; 2]) -> [[f64; 2]; 2] {
    [
        [1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x],
        [-400.0 * x, 200.0],
    ]
}

#[test]
fn rosenbrock_hessian_matches_closed_form() {
    for x in [[-1.2, 1.0], [1.0, 1.0], [0.3, -2.5], [2.0, 4.1]] {
        let (v, g, h) = hessian(&rosenbrock(), x);
        let (v_r, g_r) = gradient(&rosenbrock(), x);
        assert_eq!(v, v_r);
        assert_eq!(g, g_r);
        let h = into_arrays(h);
        let exact = rosenbrock_hessian(x);
        for i in 0..2 {
            for k in 0..2 {
                assert_rel(h[i][k], exact[i][k], 1e-12, 1e-300, "rosenbrock H");
            }
        }
        let fd = fd_hessian(|p| gradient(&rosenbrock(), p).1.into(), x);
        assert_matches_fd(h, fd, "rosenbrock");
    }
}

#[test]
fn rosenbrock_hvp_matches_closed_form() {
    let x = [-1.2, 1.0];
    let exact = rosenbrock_hessian(x);
    for v in [[1.0, 0.0], [0.0, 1.0], [0.3, -0.7], [-2.0, 5.0]] {
        let (value, g, hv) = hvp(&rosenbrock(), x, v);
        assert_rel(value, 24.2, 1e-12, 1.0, "value");
        assert_rel(g[0], -215.6, 1e-12, 1.0, "∂x");
        assert_rel(g[1], -88.0, 1e-12, 1.0, "∂y");
        for i in 0..2 {
            let want = exact[i][0] * v[0] + exact[i][1] * v[1];
            assert_rel(hv[i], want, 1e-12, 1.0, "rosenbrock Hv");
        }
    }
}

/// The standard normal distribution function, on expressions.
macro_rules! ncdf {
    ($e:expr) => {
        0.5 * (1.0 + ($e * FRAC_1_SQRT_2).erf())
    };
}

/// A European call: inputs `[S, K, σ, τ, r]`.
fn black_scholes<T: Scalar>() -> impl Expr<T> {
    let (s, k, sigma, tau, r) = vars();
    let_in(sigma * tau.sqrt(), move |sd| {
        let_in(
            ((s / k).ln() + (r + 0.5 * sigma * sigma) * tau) / sd,
            move |d1| s * ncdf!(d1) - k * (-(r * tau)).exp() * ncdf!(d1 - sd),
        )
    })
}

/// `(d1, d2)` of Black-Scholes, in plain numbers.
fn d1_d2([s, k, sigma, tau, r]: [f64; 5]) -> (f64, f64) {
    let sd = sigma * tau.sqrt();
    let d1 = ((s / k).ln() + (r + 0.5 * sigma * sigma) * tau) / sd;
    (d1, d1 - sd)
}

fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

#[test]
fn black_scholes_gamma_and_vanna_match_closed_forms() {
    let points = [
        [100.0, 95.0, 0.2, 0.75, 0.03],
        [42.0, 40.0, 0.35, 0.5, 0.01],
        [10.0, 13.0, 0.5, 2.0, 0.05],
    ];
    for x in points {
        let [s, _, sigma, tau, _] = x;
        let (d1, d2) = d1_d2(x);
        let gamma = phi(d1) / (s * sigma * tau.sqrt());
        let vanna = -phi(d1) * d2 / sigma;
        let (_, g, h) = hessian(&black_scholes(), x);
        assert_rel(
            g[0],
            0.5 * (1.0 + libm::erf(d1 * FRAC_1_SQRT_2)),
            1e-12,
            1e-300,
            "delta",
        );
        assert_rel(h[0][0], gamma, 1e-12, 1e-300, "gamma");
        assert_rel(h[0][2], vanna, 1e-12, 1e-300, "vanna (∂²/∂S∂σ)");
        assert_rel(h[2][0], vanna, 1e-12, 1e-300, "vanna (∂²/∂σ∂S)");
        // The same through single Hessian-vector products.
        let (_, _, hv) = hvp(&black_scholes(), x, [1.0, 0.0, 0.0, 0.0, 0.0]);
        assert_rel(hv[0], gamma, 1e-12, 1e-300, "gamma by hvp");
        assert_rel(hv[2], vanna, 1e-12, 1e-300, "vanna by hvp");
        let fd = fd_hessian(|p| gradient(&black_scholes(), p).1.into(), x);
        assert_matches_fd(into_arrays(h), fd, "black-scholes");
    }
}

/// Every rule's second derivative, through one expression per rule, against finite
/// differences of the reverse gradient; and a mixed function of four inputs.
#[test]
fn second_derivatives_of_every_rule_match_finite_differences() {
    macro_rules! one_input {
        ($($name:literal: |$x:ident| $body:expr, at $p:expr;)*) => {$(
            fn f<T: Scalar>() -> impl Expr<T> {
                let ($x,) = vars();
                $body
            }
            for p in $p {
                let (_, _, h) = hessian(&f(), [p]);
                let fd = fd_hessian(|q| gradient(&f(), q).1.into(), [p]);
                assert_matches_fd(into_arrays(h), fd, $name);
            }
        )*};
    }
    // Each case is in its own block so the helper names do not clash.
    macro_rules! cases {
        ($($name:literal: |$x:ident| $body:expr, at $p:expr;)*) => {$({
            one_input!($name: |$x| $body, at $p;);
        })*};
    }
    cases! {
        "recip": |x| x.recip(), at [0.7, -2.0];
        "square": |x| x.square(), at [0.7, -2.0];
        "sqrt": |x| x.sqrt(), at [0.7, 3.0];
        "cbrt": |x| x.cbrt(), at [0.7, -3.0];
        "exp": |x| x.exp(), at [0.7, -2.0];
        "exp2": |x| x.exp2(), at [0.7, -2.0];
        "exp_m1": |x| x.exp_m1(), at [0.7, -2.0];
        "ln": |x| x.ln(), at [0.7, 3.0];
        "log2": |x| x.log2(), at [0.7, 3.0];
        "log10": |x| x.log10(), at [0.7, 3.0];
        "ln_1p": |x| x.ln_1p(), at [0.7, -0.5];
        "sin": |x| x.sin(), at [0.7, -2.0];
        "cos": |x| x.cos(), at [0.7, -2.0];
        "tan": |x| x.tan(), at [0.7, -1.0];
        "asin": |x| x.asin(), at [0.7, -0.3];
        "acos": |x| x.acos(), at [0.7, -0.3];
        "atan": |x| x.atan(), at [0.7, -2.0];
        "sinh": |x| x.sinh(), at [0.7, -2.0];
        "cosh": |x| x.cosh(), at [0.7, -2.0];
        "tanh": |x| x.tanh(), at [0.7, -2.0];
        "asinh": |x| x.asinh(), at [0.7, -2.0];
        "acosh": |x| x.acosh(), at [1.7, 3.0];
        "atanh": |x| x.atanh(), at [0.7, -0.3];
        "abs": |x| x.abs() * x, at [0.7, -2.0];
        "erf": |x| x.erf(), at [0.7, -1.2];
        "sigmoid": |x| x.sigmoid(), at [0.7, -2.0];
        "softplus": |x| x.softplus(), at [0.7, -2.0];
        "powi": |x| x.powi(5), at [0.7, -2.0];
        "powi negative": |x| x.powi(-3), at [0.7, -2.0];
        "powf": |x| x.powf(2.7), at [0.7, 3.0];
        "pow": |x| x.pow(x.sin() + 2.0), at [0.7, 3.0];
        "atan2": |x| atan2(x.sin(), x.cos() + 2.0), at [0.7, -2.0];
        "hypot": |x| hypot(x, x * x + 1.0), at [0.7, -2.0];
        "max": |x| max(x * x, x.sin()) * x, at [0.7, -2.0];
        "min": |x| min(x * x, x.sin()) * x, at [0.7, -2.0];
        "mul_add": |x| x.mul_add(x.exp(), x.sin()), at [0.7, -2.0];
        "div": |x| x.sin() / (x * x + 1.0), at [0.7, -2.0];
    }

    for x in [[0.3, 0.7, -1.2, 2.0], [1.1, -0.4, 0.5, 0.3]] {
        let (_, _, h) = hessian(&mixed(), x);
        let h = into_arrays(h);
        let fd = fd_hessian(|p| gradient(&mixed(), p).1.into(), x);
        assert_matches_fd(h, fd, "mixed");
        for (i, row) in h.iter().enumerate() {
            for (k, col) in h.iter().enumerate().take(i) {
                assert_rel(row[k], col[i], 1e-12, 1.0, "symmetry");
            }
        }
    }
}

/// `hvp` along `v` is the Hessian times `v` (the Hessian being `N` separate sweeps).
#[test]
fn hvp_equals_hessian_times_vector() {
    let x = [100.0, 95.0, 0.2, 0.75, 0.03];
    let v = [0.5, -1.0, 2.0, 0.25, -3.0];
    let (_, _, h) = hessian(&black_scholes(), x);
    let (_, _, hv) = hvp(&black_scholes(), x, v);
    for i in 0..5 {
        let want: f64 = (0..5).map(|k| h[i][k] * v[k]).sum();
        assert_rel(hv[i], want, 1e-12, 1.0, "Hv");
    }
}

/// Σ 100·(xᵢ₊₁ − xᵢ²)² + (xᵢ − 1)² over a run-time number of inputs, in any scalar type.
fn chain<'t, S: Scalar>(x: Inputs<'t, S>) -> TapeVar<'t, S> {
    let mut total = x.get(0) * S::zero();
    for i in 0..x.len() - 1 {
        let (a, b) = (x.get(i), x.get(i + 1));
        total += (b - a * a).square() * S::from_f64(100.0) + (a - S::one()).square();
    }
    total
}

/// The Hessian of `chain`, tridiagonal, in closed form.
fn chain_hessian(x: &[f64]) -> Vec<Vec<f64>> {
    let n = x.len();
    let mut h = vec![vec![0.0; n]; n];
    for i in 0..n - 1 {
        h[i][i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
        h[i + 1][i + 1] += 200.0;
        h[i][i + 1] = -400.0 * x[i];
        h[i + 1][i] = -400.0 * x[i];
    }
    h
}

/// The tape, recording with dual numbers, for a run-time number of inputs: the Hessian
/// and Hessian-vector products of the chained Rosenbrock function against its closed form.
#[test]
fn tape_hessian_matches_closed_form() {
    for n in [2, 5, 9] {
        let x: Vec<f64> = (0..n).map(|i| 0.37 * i as f64 - 1.2).collect();
        let (v, g, h) = tape_hessian(&x, chain);
        let (v_f, g_f) = tape_gradient(&x, chain);
        assert_eq!(v, v_f);
        assert_eq!(g, g_f);
        let exact = chain_hessian(&x);
        for i in 0..n {
            for k in 0..n {
                assert_rel(h[i][k], exact[i][k], 1e-12, 1e-300, "chain H");
            }
        }
        let dir: Vec<f64> = (0..n).map(|i| 1.0 - 0.25 * i as f64).collect();
        let (_, _, hv) = tape_hvp(&x, &dir, chain);
        for i in 0..n {
            let want: f64 = (0..n).map(|k| exact[i][k] * dir[k]).sum();
            assert_rel(hv[i], want, 1e-12, 1.0, "chain Hv");
        }
    }
}

/// A static expression recorded on a dual tape gives the closed-form gamma and vanna of
/// Black-Scholes, and the static engine's Hessian.
#[test]
fn tape_hessian_of_a_recorded_static_expression() {
    let x = [42.0, 40.0, 0.35, 0.5, 0.01];
    /// The static expression, recorded on whatever tape the inputs are on.
    fn recorded<'t, S: Scalar>(xs: Inputs<'t, S>) -> TapeVar<'t, S> {
        let args: [_; 5] = core::array::from_fn(|i| xs.get(i));
        xs.get(0).tape().apply(&black_scholes(), &args)
    }
    let (_, _, h) = tape_hessian(&x, recorded);
    let (d1, d2) = d1_d2(x);
    let [s, _, sigma, tau, _] = x;
    assert_rel(
        h[0][0],
        phi(d1) / (s * sigma * tau.sqrt()),
        1e-12,
        1e-300,
        "tape gamma",
    );
    assert_rel(h[0][2], -phi(d1) * d2 / sigma, 1e-12, 1e-300, "tape vanna");
    let (_, _, h_static) = hessian(&black_scholes(), x);
    for i in 0..5 {
        for k in 0..5 {
            assert_rel(h[i][k], h_static[i][k], 1e-12, 1.0, "tape vs static H");
        }
    }
    let (_, _, hv) = tape_hvp(&x, &[1.0, 0.0, 0.0, 0.0, 0.0], recorded);
    assert_rel(hv[0], h[0][0], 1e-12, 1e-300, "tape hvp vs tape hessian");
}
