//! Helpers shared by the integration tests: the tolerances, `assert_close!`, central
//! finite differences, and the functions several test files use (Rosenbrock,
//! Black-Scholes with its closed-form greeks, repeated squaring through lets).
//!
//! # Tolerances
//! `close(a, b, rel, abs)` holds when `|a − b| ≤ abs + rel·max(|a|, |b|)`; two NaNs are
//! close, and an infinity is close only to the same infinity.
//!
//! - [`REL64`] / [`ABS64`] (`1e-12` / `1e-15`): an `f64` result against a closed form. The
//!   relative part allows a few thousand ulps for formulas that are mathematically equal
//!   but evaluated along different paths; the absolute part matters only for results much
//!   smaller than one, where a derivative formed from the value (`1 − tanh²x`, `σ(1 − σ)`)
//!   keeps an absolute error of a few ε.
//! - [`VAL64`] (`1e-14`): an `f64` value against the same function of `std` (a few ulps:
//!   some rules reach the value along another path, e.g. `xⁿ` as `xⁿ⁻¹·x`).
//! - [`REL32`] / [`ABS32`] (`1e-5` / `1e-6`): an `f32` result against the `f64` closed form
//!   at the same (`f32`-rounded) point: about 80 ulps of `f32`, for `f32` libm functions
//!   and `f32` arithmetic in the derivative formulas.
//! - [`FD_REL`] / [`FD_ABS`] (`1e-6` / `1e-8`), plus the rounding bound [`Fd::noise`]
//!   (`8ε·|f|/h`): a derivative against a central finite difference with step
//!   `h = 1e-6·s` (`s` the scale on which the function varies, at most `1e-4` of the
//!   distance to a singularity). The truncation error `h²|f‴|/6` is then below `1e-8`
//!   relative for the points the tests use; the rounding error `ε|f|/h` is bounded by the
//!   noise term, which is negligible unless `|f| ≫ h·|f′|`.
#![allow(dead_code, unused_macros)]

use core::f64::consts::{FRAC_1_SQRT_2, LN_2};
use tapeless::prelude::*;
use tapeless::{Binary, Let, Ph, rules};

/// `f64` result vs closed form: relative tolerance.
pub const REL64: f64 = 1e-12;
/// `f64` result vs closed form: absolute tolerance.
pub const ABS64: f64 = 1e-15;
/// `f64` value vs the same `std` function: relative tolerance.
pub const VAL64: f64 = 1e-14;
/// `f32` result vs the `f64` closed form: relative tolerance.
pub const REL32: f64 = 1e-5;
/// `f32` result vs the `f64` closed form: absolute tolerance.
pub const ABS32: f64 = 1e-6;
/// Derivative vs central finite difference: relative tolerance.
pub const FD_REL: f64 = 1e-6;
/// Derivative vs central finite difference: absolute tolerance.
pub const FD_ABS: f64 = 1e-8;

/// `f32` or `f64`, widened to `f64` for comparisons.
pub trait Real: Copy {
    /// The value as `f64` (exact).
    fn wide(self) -> f64;
}

impl Real for f64 {
    fn wide(self) -> f64 {
        self
    }
}

impl Real for f32 {
    fn wide(self) -> f64 {
        f64::from(self)
    }
}

/// `|a − b| ≤ abs + rel·max(|a|, |b|)`; NaN is close to NaN only, `±∞` to itself only.
pub fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= abs + rel * a.abs().max(b.abs())
}

/// `assert_close!(a, b)` with [`REL64`]/[`ABS64`], or `assert_close!(a, b, rel, abs)`,
/// optionally followed by a format string and arguments naming the case.
macro_rules! assert_close {
    ($a:expr, $b:expr $(,)?) => {
        assert_close!($a, $b, crate::common::REL64, crate::common::ABS64)
    };
    ($a:expr, $b:expr, $rel:expr, $abs:expr $(,)?) => {
        assert_close!($a, $b, $rel, $abs, "{} vs {}", stringify!($a), stringify!($b))
    };
    ($a:expr, $b:expr, $rel:expr, $abs:expr, $($msg:tt)+) => {{
        let a = crate::common::Real::wide($a);
        let b = crate::common::Real::wide($b);
        let (rel, abs): (f64, f64) = ($rel, $abs);
        assert!(
            crate::common::close(a, b, rel, abs),
            "{}: {a:e} vs {b:e} (difference {:e}, relative {:e}; tolerance rel {rel:e}, abs {abs:e})",
            format_args!($($msg)+),
            a - b,
            (a - b).abs() / a.abs().max(b.abs()),
        );
    }};
}

/// The default finite-difference step at `x`: `1e-6·max(1, |x|)`.
pub fn step(x: f64) -> f64 {
    1e-6 * x.abs().max(1.0)
}

/// The step at `x` for a function singular at the points `edges`: the default step, but
/// at most `1e-4` of the distance to the nearest edge (so `x ± h` stays on its side and
/// the truncation error stays below `1e-8` relative).
pub fn step_near(x: f64, scale: f64, edges: &[f64]) -> f64 {
    let d = edges
        .iter()
        .map(|e| (x - e).abs())
        .fold(f64::INFINITY, f64::min);
    (1e-6 * scale).min(1e-4 * d)
}

/// A central difference and a bound on its rounding error.
#[derive(Clone, Copy, Debug)]
pub struct Fd {
    /// `(f(x + h) − f(x − h)) / 2h`.
    pub slope: f64,
    /// `8ε·(|f(x + h)| + |f(x − h)|) / 2h`: what rounding (up to 8 ulps in each evaluation
    /// of `f`) can do to the slope. It matters only where `|f|` is large next to `h·|f'|`
    /// (`a + b` with `|b| ≫ |a|`), where a finite difference cannot say much.
    pub noise: f64,
}

/// Central difference `(f(x + h) − f(x − h)) / 2h`, with `h` first rounded to a multiple
/// of the spacing of floats at `x`, so that `x ± h` are exact and symmetric about `x`.
pub fn central(f: impl Fn(f64) -> f64, x: f64, h: f64) -> Fd {
    let h = (x + h) - x;
    let (fp, fm) = (f(x + h), f(x - h));
    Fd {
        slope: (fp - fm) / (2.0 * h),
        noise: 8.0 * f64::EPSILON * (fp.abs() + fm.abs()) / (2.0 * h),
    }
}

/// Central difference with the default step [`step`].
pub fn fd(f: impl Fn(f64) -> f64, x: f64) -> Fd {
    central(f, x, step(x))
}

/// `n` inputs spread over [−1, 1) without pattern (a golden-ratio walk), for points of
/// run-time length.
pub fn point(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 2.0 * ((i as f64 * 0.618_034 + 0.1).fract()) - 1.0)
        .collect()
}

/// Partial derivative in coordinate `i` by a central difference with the default step.
pub fn fd_partial<const N: usize>(f: impl Fn([f64; N]) -> f64, x: [f64; N], i: usize) -> Fd {
    central(
        |t| {
            let mut y = x;
            y[i] = t;
            f(y)
        },
        x[i],
        step(x[i]),
    )
}

/// `assert_fd!(derivative, fd, message…)`: the derivative agrees with the finite
/// difference `fd` ([`Fd`]) within [`FD_REL`], [`FD_ABS`] plus the rounding bound of `fd`.
macro_rules! assert_fd {
    ($d:expr, $fd:expr, $($msg:tt)+) => {{
        let fd: crate::common::Fd = $fd;
        assert_close!(
            $d,
            fd.slope,
            crate::common::FD_REL,
            crate::common::FD_ABS + fd.noise,
            $($msg)+
        );
    }};
}

/// The standard normal density `φ(x)`.
pub fn normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * core::f64::consts::PI).sqrt()
}

// Functions shared by several test files.

/// The Rosenbrock function `(1 − x)² + 100(y − x²)²` as an expression.
pub fn rosenbrock_expr() -> impl Expr<f64> + Expr<f32> + Copy {
    let (x, y) = vars();
    (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x).powi(2)
}

/// The Rosenbrock function and its analytic gradient.
pub fn rosenbrock(x: f64, y: f64) -> (f64, [f64; 2]) {
    let v = (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x);
    let g = [
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    ];
    (v, g)
}

/// `N(x) = (1 + erf(x/√2))/2`, the standard normal distribution function.
macro_rules! ncdf {
    ($x:expr) => {
        0.5 * (1.0 + ($x * FRAC_1_SQRT_2).erf())
    };
}

/// The Black-Scholes price of a European call, `C(S, K, r, σ, T)`, with `σ√T`, `d1` and
/// `d2` each computed once.
pub fn black_scholes() -> impl Expr<f64> + Expr<f32> + Copy {
    let (s, k, r, sigma, t) = vars();
    let_in(sigma * t.sqrt(), move |sd| {
        let_in(
            ((s / k).ln() + (r + 0.5 * sigma * sigma) * t) / sd,
            move |d1| {
                let_in(d1 - sd, move |d2| {
                    s * ncdf!(d1) - k * (-(r * t)).exp() * ncdf!(d2)
                })
            },
        )
    })
}

/// The price and its closed-form partials `[∂S, ∂K, ∂r, ∂σ, ∂T]`: delta `N(d1)`,
/// `−e^{−rT}N(d2)`, rho `K T e^{−rT} N(d2)`, vega `S φ(d1) √T`, and `∂C/∂T = S φ(d1)
/// σ/(2√T) + r K e^{−rT} N(d2)` (the option's theta is `−∂C/∂T`).
pub fn black_scholes_closed(p: [f64; 5]) -> (f64, [f64; 5]) {
    let [s, k, r, sigma, t] = p;
    let n = |x: f64| 0.5 * (1.0 + libm::erf(x * FRAC_1_SQRT_2));
    let sd = sigma * t.sqrt();
    let d1 = ((s / k).ln() + (r + 0.5 * sigma * sigma) * t) / sd;
    let d2 = d1 - sd;
    let disc = (-r * t).exp();
    let price = s * n(d1) - k * disc * n(d2);
    let greeks = [
        n(d1),
        -disc * n(d2),
        k * t * disc * n(d2),
        s * normal_pdf(d1) * t.sqrt(),
        s * normal_pdf(d1) * sigma / (2.0 * t.sqrt()) + r * k * disc * n(d2),
    ];
    (price, greeks)
}

pub const MARKETS: [[f64; 5]; 5] = [
    [100.0, 100.0, 0.05, 0.2, 1.0],
    [90.0, 100.0, 0.03, 0.25, 0.5],
    [110.0, 95.0, 0.01, 0.4, 2.0],
    [50.0, 60.0, 0.0, 0.3, 0.25],
    [100.0, 80.0, 0.08, 0.15, 3.0],
];

/// `let p = e in p·p`: squaring that shares its argument.
pub fn sq<E: Node>(e: E) -> Let<E, impl Fn(Ph) -> Binary<rules::Mul, Ph, Ph> + Copy> {
    let_in(e, |p| p * p)
}

/// `sq` applied once per token: `squarings!(x; 1 2 3)` is `sq(sq(sq(x)))`.
macro_rules! squarings {
    ($e:expr;) => { $e };
    ($e:expr; $_level:tt $($rest:tt)*) => { squarings!(sq($e); $($rest)*) };
}

/// The size in bytes of the cache of `f` in f64.
pub fn size_of_cache<E: Expr<f64>>(_: &E) -> usize {
    core::mem::size_of::<E::Cache>()
}

/// `acosh x` accurate to a few ε: `ln(1 + t + √(2t + t²))` with `t = x − 1` exact near 1.
pub fn acosh_ref(x: f64) -> f64 {
    let t = x - 1.0;
    if x < 2.0 {
        (t + (2.0 * t + t * t).sqrt()).ln_1p()
    } else if x < 1e150 {
        (x + (x * x - 1.0).sqrt()).ln()
    } else {
        x.ln() + LN_2
    }
}

/// `atanh x = (ln(1 + x) − ln(1 − x))/2`, accurate to a few ε (1 ± x is exact near ∓1).
pub fn atanh_ref(x: f64) -> f64 {
    0.5 * (x.ln_1p() - (-x).ln_1p())
}

/// `|a − b| ≤ tol·max(1, |b|)`, with a message naming the quantity.
#[track_caller]
pub fn assert_within(a: f64, b: f64, tol: f64, what: &str) {
    let scale = b.abs().max(1.0);
    assert!(
        (a - b).abs() <= tol * scale,
        "{what}: got {a}, expected {b} (diff {:e}, tol {tol:e})",
        (a - b).abs()
    );
}

/// A function using lets, selects, reductions and many rules.
pub fn mixed<T: Scalar>() -> impl Expr<T> {
    let (a, b, c, d) = vars();
    let_in(a * b + c.sin(), move |p| {
        sum((
            p * p.exp() / (1.0 + d * d),
            select(lt(a, b), (a - b).powi(2), a.hypot(c)),
            product((a.tanh(), b.atan(), c.cosh(), (d * 0.5).erf())),
            atan2(b, c) + (a * a + 1.0).ln() * d.sqrt(),
        ))
    })
}

/// The gradient of `f` at the point `x` (a slice) by `gradient_into`, checked three ways:
/// its value against `primal` (relative and absolute tolerance `tol`) and against
/// `value` (the same bits), and its components against central differences of `value`,
/// in every coordinate up to 256 inputs and in about 23 spread ones beyond.
pub fn check_gradient_fd<E: Expr<f64>>(
    f: &E,
    x: &[f64],
    primal: impl Fn(&[f64]) -> f64,
    tol: f64,
    what: &str,
) {
    let mut g = vec![f64::NAN; x.len()];
    let v = gradient_into(f, x, &mut g);
    assert_close!(v, primal(x), tol, tol, "{what}: value");
    assert_close!(
        value(f, x),
        v,
        0.0,
        0.0,
        "{what}: value() against gradient_into"
    );
    let coords: Vec<usize> = if x.len() <= 256 {
        (0..x.len()).collect()
    } else {
        (0..x.len()).step_by(x.len() / 23).collect()
    };
    for i in coords {
        let fd = central(
            |t| {
                let mut y = x.to_vec();
                y[i] = t;
                value(f, &y)
            },
            x[i],
            step(x[i]),
        );
        assert_fd!(g[i], fd, "{what}: ∂/∂x{i} of {}", x.len());
    }
}
