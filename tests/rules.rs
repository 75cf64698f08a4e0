//! Every elementary function through the static engine: the value against `std` (or a
//! closed form), the derivative against its closed form and against a central finite
//! difference, at points that include the edges of the domain; then the same in `f32`.
//!
//! Tolerances are those of `common` (f64: value 1e-14, derivative 1e-12 relative +
//! 1e-15 absolute, finite differences 1e-6 + 1e-8; f32: 1e-5 + 1e-6).

#[macro_use]
mod common;

use common::*;
use core::f64::consts::{FRAC_2_SQRT_PI, FRAC_PI_2, LN_2, LN_10, PI};
use tapeless::prelude::*;

/// How the finite-difference step scales with the point.
#[derive(Clone, Copy)]
enum Scale {
    /// `h = 1e-6`: the function varies on a unit scale everywhere (exp, sin, tanh, …).
    Unit,
    /// `h = 1e-6·max(1, |x|)`: the function varies on the scale of `|x|` (ln, √, xⁿ, …).
    Point,
}

/// Points within 1e-4 and 1e-3 of the pole of `tan` at π/2.
const NEAR_POLE_1E4: f64 = FRAC_PI_2 - 1e-4;
const NEAR_POLE_1E3: f64 = FRAC_PI_2 - 1e-3;

/// One function of one argument and its references.
struct Case {
    name: &'static str,
    /// `(value(), value and derivative from gradient())` in f64.
    ad64: fn(f64) -> (f64, f64, f64),
    /// The same in f32.
    ad32: fn(f32) -> (f32, f32, f32),
    reference: fn(f64) -> f64,
    derivative: fn(f64) -> f64,
    scale: Scale,
    /// Where the function or its derivative is singular: finite-difference steps stay clear.
    edges: &'static [f64],
    points: &'static [f64],
}

/// One `#[test]` per function: `name: |x| expression, reference, derivative, scale, edges, points`.
macro_rules! unary_cases {
    ($( $name:ident: |$x:ident| $e:expr, $r:expr, $d:expr, $scale:ident, $edges:expr, $points:expr; )*) => {
        $(
            #[test]
            fn $name() {
                check(&Case {
                    name: stringify!($name),
                    ad64: |v| {
                        let ($x,) = vars();
                        let f = $e;
                        let (y, g) = gradient(&f, [v]);
                        (value(&f, [v]), y, g[0])
                    },
                    ad32: |v| {
                        let ($x,) = vars();
                        let f = $e;
                        let (y, g) = gradient(&f, [v]);
                        (value(&f, [v]), y, g[0])
                    },
                    reference: $r,
                    derivative: $d,
                    scale: Scale::$scale,
                    edges: $edges,
                    points: $points,
                });
            }
        )*
    };
}

fn check(c: &Case) {
    assert!(c.points.len() >= 6, "{}: too few points", c.name);
    for &x in c.points {
        let (v0, v, d) = (c.ad64)(x);
        let (rv, rd) = ((c.reference)(x), (c.derivative)(x));
        // std's acosh and atanh lose up to ~4e-12 near the ends of their domains (see
        // `inverse_hyperbolic_values_near_the_edges` in edges.rs); admit that, not more.
        let vtol = if matches!(c.name, "acosh" | "atanh") {
            1e-11
        } else {
            VAL64
        };
        assert_close!(v0, rv, vtol, 0.0, "{} value() at {x:e}", c.name);
        assert_close!(v, rv, vtol, 0.0, "{} gradient() value at {x:e}", c.name);
        assert_close!(d, rd, REL64, ABS64, "{} derivative at {x:e}", c.name);
        let s = match c.scale {
            Scale::Unit => 1.0,
            Scale::Point => x.abs().max(1.0),
        };
        let h = step_near(x, s, c.edges);
        if rv.is_finite() {
            let fd = central(c.reference, x, h);
            assert_fd!(d, fd, "{} derivative vs finite difference at {x:e}", c.name);
        }
    }
    // f32: every point in the normal range of f32 whose value and derivative are too.
    let mut checked = 0;
    for &x in c.points {
        let xf = x as f32;
        let xr = f64::from(xf);
        let (rv, rd) = ((c.reference)(xr), (c.derivative)(xr));
        if !in_f32(x) || !in_f32_range(rv) || !in_f32_range(rd) {
            continue;
        }
        let (v0, v, d) = (c.ad32)(xf);
        assert_close!(v0, rv, REL32, ABS32, "{} f32 value() at {xf:e}", c.name);
        assert_close!(v, rv, REL32, ABS32, "{} f32 value at {xf:e}", c.name);
        assert_close!(d, rd, REL32, ABS32, "{} f32 derivative at {xf:e}", c.name);
        checked += 1;
    }
    assert!(
        checked >= 4,
        "{}: only {checked} points in f32 range",
        c.name
    );
}

/// `x` is 0 or in the normal range of `f32` (so rounding it to `f32` keeps its meaning).
fn in_f32(x: f64) -> bool {
    x == 0.0 || (1e-37..1e37).contains(&x.abs())
}

/// `x` does not overflow `f32`.
fn in_f32_range(x: f64) -> bool {
    x.abs() < 1e37
}

/// `erf` by composite Simpson quadrature of its derivative, independent of libm:
/// 40,000 panels on `[0, min(|x|, 8)]` (beyond 8 the integrand is below 1e-27), summed with
/// compensation; truncation and rounding errors are below 1e-15.
fn erf_quadrature(x: f64) -> f64 {
    let b = x.abs().min(8.0);
    let n = 40_000;
    let h = b / f64::from(n);
    let g = |t: f64| FRAC_2_SQRT_PI * (-t * t).exp();
    let (mut s, mut carry) = (0.0_f64, 0.0_f64);
    for i in 0..=n {
        let w = if i == 0 || i == n {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        // Kahan summation.
        let y = w * g(f64::from(i) * h) - carry;
        let t = s + y;
        carry = (t - s) - y;
        s = t;
    }
    (s * h / 3.0).copysign(x)
}

/// The logistic function by its textbook formula: exact in the limits (`e⁻ˣ` → ∞ gives 0).
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

unary_cases! {
    neg: |x| -x, |x| -x, |_| -1.0, Point, &[], &[-1e300, -3.5, -0.0, 1e-300, 2.5, 1e30];
    recip: |x| x.recip(), |x| 1.0 / x, |x| -1.0 / (x * x), Point, &[0.0],
        &[-1e150, -2.0, -1e-10, 1e-10, 0.5, 3.0, 1e150];
    square: |x| x.square(), |x| x * x, |x| 2.0 * x, Point, &[],
        &[-1e150, -3.0, -1e-160, 0.0, 1e-10, 0.7, 12.0, 1e150];
    sqrt: |x| x.sqrt(), f64::sqrt, |x| 0.5 / x.sqrt(), Point, &[0.0],
        &[1e-300, 1e-10, 0.25, 1.0, 2.0, 1e10, 1e300];
    cbrt: |x| x.cbrt(), f64::cbrt, |x| x.cbrt() / (3.0 * x), Point, &[0.0],
        &[-27.0, -1e-9, 1e-10, 0.5, 8.0, 1e300];
    exp: |x| x.exp(), f64::exp, f64::exp, Unit, &[], &[-745.0, -700.0, -20.0, -1.0, 0.0, 1.0, 20.0, 709.0];
    exp2: |x| x.exp2(), f64::exp2, |x| x.exp2() * LN_2, Unit, &[],
        &[-1000.0, -1.0, 0.0, 0.5, 10.0, 1000.0];
    exp_m1: |x| x.exp_m1(), f64::exp_m1, f64::exp, Unit, &[],
        &[-40.0, -1.0, -1e-10, 0.0, 1e-10, 1.0, 700.0];
    ln: |x| x.ln(), f64::ln, |x| 1.0 / x, Point, &[0.0],
        &[1e-300, 1e-8, 0.5, 1.0, 1.0 + 1e-12, 2.0, 1e300];
    log2: |x| x.log2(), f64::log2, |x| 1.0 / (x * LN_2), Point, &[0.0],
        &[1e-300, 1e-8, 0.5, 1.0, 2.0, 1e300];
    log10: |x| x.log10(), f64::log10, |x| 1.0 / (x * LN_10), Point, &[0.0],
        &[1e-300, 1e-8, 0.5, 1.0, 10.0, 1e300];
    ln_1p: |x| x.ln_1p(), f64::ln_1p, |x| 1.0 / (1.0 + x), Point, &[-1.0],
        &[-1.0 + 1e-8, -0.5, -1e-10, 0.0, 1e-10, 1.0, 1e300];
    sin: |x| x.sin(), f64::sin, f64::cos, Unit, &[], &[-100.0, -3.0, -1e-8, 0.0, 0.5, FRAC_PI_2, 1e5];
    cos: |x| x.cos(), f64::cos, |x| -x.sin(), Unit, &[], &[-100.0, -3.0, -1e-8, 0.0, 0.5, PI, 1e5];
    tan: |x| x.tan(), f64::tan, |x| 1.0 / (x.cos() * x.cos()), Unit, &[-FRAC_PI_2, FRAC_PI_2],
        &[-NEAR_POLE_1E4, -0.5, 0.0, 1e-8, 1.0, NEAR_POLE_1E3, 3.0];
    // Closed forms through the inverse function: 1/cos(asin x) = 1/√(1 − x²), accurate near ±1.
    asin: |x| x.asin(), f64::asin, |x| 1.0 / x.asin().cos(), Point, &[-1.0, 1.0],
        &[-0.99999, -0.999, -0.5, 0.0, 1e-8, 0.5, 0.999, 0.99999];
    acos: |x| x.acos(), f64::acos, |x| -1.0 / x.acos().sin(), Point, &[-1.0, 1.0],
        &[-0.99999, -0.999, -0.5, 0.0, 1e-8, 0.5, 0.999, 0.99999];
    atan: |x| x.atan(), f64::atan, |x| 1.0 / (1.0 + x * x), Point, &[],
        &[-1e300, -1e10, -1.0, 0.0, 1e-8, 2.0, 1e150];
    sinh: |x| x.sinh(), f64::sinh, f64::cosh, Unit, &[], &[-710.0, -20.0, -1.0, 0.0, 1e-8, 3.0, 710.0];
    cosh: |x| x.cosh(), f64::cosh, f64::sinh, Unit, &[], &[-710.0, -20.0, -1.0, 0.0, 1e-8, 3.0, 710.0];
    tanh: |x| x.tanh(), f64::tanh, |x| 1.0 / (x.cosh() * x.cosh()), Unit, &[],
        &[-30.0, -5.0, -1.0, 0.0, 1e-8, 2.0, 19.0, 400.0];
    asinh: |x| x.asinh(), f64::asinh, |x| 1.0 / x.asinh().cosh(), Point, &[],
        &[-1e300, -1e5, -1.0, 0.0, 1e-8, 3.0, 1e300];
    // 1/√(x² − 1) with x² − 1 factored: exact near 1.
    acosh: |x| x.acosh(), acosh_ref, |x| 1.0 / ((x - 1.0) * (x + 1.0)).sqrt(), Point, &[1.0],
        &[1.0 + 1e-10, 1.001, 1.5, 2.0, 1e5, 1e300];
    atanh: |x| x.atanh(), atanh_ref, |x| 1.0 / ((1.0 - x) * (1.0 + x)), Point, &[-1.0, 1.0],
        &[-0.99999, -0.999, -0.5, 0.0, 1e-8, 0.5, 0.999, 0.99999];
    abs: |x| x.abs(), f64::abs, f64::signum, Point, &[0.0],
        &[-1e300, -2.0, -0.5, -1e-300, 1e-300, 1e-10, 3.0, 1e300];
    erf: |x| x.erf(), erf_quadrature, |x| FRAC_2_SQRT_PI * (-x * x).exp(), Unit, &[],
        &[-6.0, -2.0, -0.5, 0.0, 1e-8, 1.0, 3.0, 27.0];
    // 1/(4 cosh²(x/2)) = σ(1 − σ), accurate for either sign.
    sigmoid: |x| x.sigmoid(), logistic, |x| 0.25 / (0.5 * x).cosh().powi(2), Unit, &[],
        &[-800.0, -40.0, -5.0, -1.0, 0.0, 1.0, 5.0, 40.0, 800.0];
    // ln(1 + eˣ) directly while eˣ is finite; beyond, ln(1 + eˣ) = x to the last bit.
    softplus: |x| x.softplus(), |x| if x < 700.0 { x.exp().ln_1p() } else { x }, logistic, Unit, &[],
        &[-800.0, -40.0, -1.0, 0.0, 1e-8, 1.0, 40.0, 800.0];
    powi_0: |x| x.powi(0), |x| x.powi(0), |_| 0.0, Point, &[], &[-3.0, -1e-10, 0.0, 1e-10, 0.5, 2.0, 1e10];
    powi_1: |x| x.powi(1), |x| x, |_| 1.0, Point, &[], &[-3.0, -1e-10, 0.0, 1e-10, 0.5, 2.0, 1e10];
    powi_2: |x| x.powi(2), |x| x.powi(2), |x| 2.0 * x, Point, &[],
        &[-3.0, -1e-10, 0.0, 1e-10, 0.5, 2.0, 1e10];
    powi_3: |x| powi(x, 3), |x| x.powi(3), |x| 3.0 * x * x, Point, &[],
        &[-3.0, -1e-10, 0.0, 1e-10, 0.5, 2.0, 1e10];
    powi_7: |x| x.powi(7), |x| x.powi(7), |x| 7.0 * x.powi(6), Point, &[],
        &[-3.0, -1e-10, 0.0, 1e-10, 0.5, 2.0, 1e10];
    powi_m1: |x| x.powi(-1), |x| 1.0 / x, |x| -1.0 / (x * x), Point, &[0.0],
        &[-3.0, -1e-10, 1e-10, 0.5, 2.0, 1e10];
    powi_m3: |x| x.powi(-3), |x| 1.0 / (x * x * x), |x| -3.0 / (x * x * x * x), Point, &[0.0],
        &[-3.0, -1e-10, 1e-10, 0.5, 2.0, 1e10];
    powf_0: |x| x.powf(0.0), |_| 1.0, |_| 0.0, Point, &[], &[1e-300, 1e-10, 0.3, 1.0, 2.5, 1e10, 1e300];
    powf_half: |x| x.powf(0.5), f64::sqrt, |x| 0.5 / x.sqrt(), Point, &[0.0],
        &[1e-300, 1e-10, 0.3, 1.0, 2.5, 1e10, 1e300];
    powf_1_5: |x| powf(x, 1.5), |x| x * x.sqrt(), |x| 1.5 * x.sqrt(), Point, &[0.0],
        &[1e-200, 1e-10, 0.3, 1.0, 2.5, 1e10, 1e200];
    powf_m2_5: |x| x.powf(-2.5), |x| 1.0 / (x * x * x.sqrt()), |x| -2.5 / (x * x * x * x.sqrt()), Point, &[0.0],
        &[1e-60, 1e-10, 0.3, 1.0, 2.5, 1e10, 1e60];
    // An integral exponent: defined for negative bases too.
    powf_3: |x| x.powf(3.0), |x| x * x * x, |x| 3.0 * x * x, Point, &[],
        &[-1e10, -2.5, -0.3, 0.0, 1e-10, 1.0, 1e10];
}

/// One function of two arguments and its references.
struct Case2 {
    name: &'static str,
    /// `(value(), value and gradient from gradient())` in f64.
    ad64: fn(f64, f64) -> (f64, f64, [f64; 2]),
    /// The same in f32.
    ad32: fn(f32, f32) -> (f32, f32, [f32; 2]),
    reference: fn(f64, f64) -> f64,
    partials: fn(f64, f64) -> [f64; 2],
    /// `true`: the finite-difference step is `1e-6·max(|a|, |b|)` (homogeneous functions,
    /// whose scale is the size of the point); `false`: `1e-6·max(1, |arg|)` per argument.
    homogeneous: bool,
    /// Arguments at which 0 is singular: their step stays below `1e-4` of their size.
    singular_at_zero: [bool; 2],
    points: &'static [(f64, f64)],
}

/// One `#[test]` per function of two arguments.
macro_rules! binary_cases {
    ($( $name:ident: |$a:ident, $b:ident| $e:expr, $r:expr, $d:expr, $hom:expr, $sing:expr, $points:expr; )*) => {
        $(
            #[test]
            fn $name() {
                check2(&Case2 {
                    name: stringify!($name),
                    ad64: |u, v| {
                        let ($a, $b) = vars();
                        let f = $e;
                        let (y, g) = gradient(&f, [u, v]);
                        (value(&f, [u, v]), y, g.into())
                    },
                    ad32: |u, v| {
                        let ($a, $b) = vars();
                        let f = $e;
                        let (y, g) = gradient(&f, [u, v]);
                        (value(&f, [u, v]), y, g.into())
                    },
                    reference: $r,
                    partials: $d,
                    homogeneous: $hom,
                    singular_at_zero: $sing,
                    points: $points,
                });
            }
        )*
    };
}

fn check2(c: &Case2) {
    assert!(c.points.len() >= 6, "{}: too few points", c.name);
    for &(a, b) in c.points {
        let (v0, v, d) = (c.ad64)(a, b);
        let (rv, rd) = ((c.reference)(a, b), (c.partials)(a, b));
        assert_close!(v0, rv, VAL64, 0.0, "{} value() at ({a:e}, {b:e})", c.name);
        assert_close!(
            v,
            rv,
            VAL64,
            0.0,
            "{} gradient() value at ({a:e}, {b:e})",
            c.name
        );
        let x = [a, b];
        for i in 0..2 {
            assert_close!(
                d[i],
                rd[i],
                REL64,
                ABS64,
                "{} ∂{i} at ({a:e}, {b:e})",
                c.name
            );
            let scale = if c.homogeneous {
                a.abs().max(b.abs())
            } else {
                x[i].abs().max(1.0)
            };
            let edges: &[f64] = if c.singular_at_zero[i] { &[0.0] } else { &[] };
            let h = step_near(x[i], scale, edges);
            let fd = central(
                |t| {
                    let mut y = x;
                    y[i] = t;
                    (c.reference)(y[0], y[1])
                },
                x[i],
                h,
            );
            if rv.is_finite() {
                assert_fd!(
                    d[i],
                    fd,
                    "{} ∂{i} vs finite difference at ({a:e}, {b:e})",
                    c.name
                );
            }
        }
    }
    let mut checked = 0;
    for &(a, b) in c.points {
        let (af, bf) = (a as f32, b as f32);
        let (ar, br) = (f64::from(af), f64::from(bf));
        let (rv, rd) = ((c.reference)(ar, br), (c.partials)(ar, br));
        if !(in_f32(a) && in_f32(b) && in_f32_range(rv) && rd.iter().all(|d| in_f32_range(*d))) {
            continue;
        }
        let (v0, v, d) = (c.ad32)(af, bf);
        assert_close!(
            v0,
            rv,
            REL32,
            ABS32,
            "{} f32 value() at ({af:e}, {bf:e})",
            c.name
        );
        assert_close!(
            v,
            rv,
            REL32,
            ABS32,
            "{} f32 value at ({af:e}, {bf:e})",
            c.name
        );
        for i in 0..2 {
            assert_close!(
                d[i],
                rd[i],
                REL32,
                ABS32,
                "{} f32 ∂{i} at ({af:e}, {bf:e})",
                c.name
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 4,
        "{}: only {checked} points in f32 range",
        c.name
    );
}

/// Points for the arithmetic operators: signs, tiny and huge magnitudes, zero.
const ARITH: &[(f64, f64)] = &[
    (1.0, 2.0),
    (-3.5, 0.25),
    (1e300, 1e300),
    (1e-300, 1e-300),
    (0.0, 5.0),
    (-7.0, -1e10),
    (1e10, 1e-10),
];

/// Points for max and min: apart, and within 1e-3 of a tie (much more than the step).
const ORDER: &[(f64, f64)] = &[
    (1.0, 2.0),
    (2.0, 1.0),
    (-3.0, -4.0),
    (-0.5, 0.25),
    (1e300, -1e300),
    (5.0, 5.001),
    (5.001, 5.0),
];

binary_cases! {
    add: |a, b| a + b, |a, b| a + b, |_, _| [1.0, 1.0], false, [false, false], ARITH;
    sub: |a, b| a - b, |a, b| a - b, |_, _| [1.0, -1.0], false, [false, false], ARITH;
    mul: |a, b| a * b, |a, b| a * b, |a, b| [b, a], false, [false, false], ARITH;
    div: |a, b| a / b, |a, b| a / b, |a, b| [1.0 / b, -a / (b * b)], false, [false, true],
        &[(1.0, 3.0), (-2.5, 0.5), (1.0, 1e-10), (1e-300, 1e10), (7.0, -1e5), (0.0, 2.0)];
    pow: |a, b| a.pow(b), f64::powf, |a, b| [b * a.powf(b - 1.0), a.powf(b) * a.ln()], false, [true, false],
        &[(2.0, 3.0), (0.5, -1.5), (1e-8, 0.5), (10.0, 0.3), (3.0, 1e-10), (1e5, 2.5), (1.0, 7.0), (0.7, 2.0)];
    // The partials (x, −y)/(x² + y²) of the angle of (x, y).
    atan2: |y, x| y.atan2(x), f64::atan2, |y, x| [x / (x * x + y * y), -y / (x * x + y * y)], true, [false, false],
        &[(1.0, 1.0), (1.0, -1.0), (-1.0, -1.0), (0.5, 1e-10), (-2.0, 0.0), (1e-100, 1e-100), (1e150, -1e150), (3.0, 4.0)];
    // The partials of the length of (a, b) are the cosine and sine of its angle.
    hypot: |a, b| a.hypot(b), f64::hypot, |a, b| [b.atan2(a).cos(), b.atan2(a).sin()], true, [false, false],
        &[(3.0, 4.0), (-3.0, 4.0), (0.0, 2.0), (-5.0, 0.0), (1e200, 1e200), (1e-200, 1e-200), (1e-10, 1.0)];
    max: |a, b| a.max(b), f64::max, |a, b| if a >= b { [1.0, 0.0] } else { [0.0, 1.0] }, false, [false, false], ORDER;
    min: |a, b| tapeless::min(a, b), f64::min, |a, b| if a <= b { [1.0, 0.0] } else { [0.0, 1.0] }, false, [false, false], ORDER;
}

/// `mul_add(a, b, c) = a·b + c` with one rounding; partials `(b, a, 1)`.
#[test]
fn mul_add() {
    let (a, b, c) = vars();
    let f = a.mul_add(b, c);
    let g = tapeless::mul_add(a, b, c);
    let points = [
        [1.0, 2.0, 3.0],
        [-1.5, 4.0, 0.25],
        [1e10, 1e-10, -1.0],
        [0.0, 5.0, -2.0],
        [1e200, 1e100, 1e300],
        [3.0, -3.0, 9.0],
        // One rounding: 0.1·0.1 − 0.01 is not 0 in floating point.
        [0.1, 0.1, -0.01],
    ];
    let reference = |x: [f64; 3]| x[0].mul_add(x[1], x[2]);
    for x in points {
        let partials = [x[1], x[0], 1.0];
        for (v, d) in [gradient(&f, x), gradient(&g, x)] {
            assert_close!(v, reference(x), VAL64, 0.0, "mul_add value at {x:?}");
            assert_close!(
                value(&f, x),
                reference(x),
                VAL64,
                0.0,
                "mul_add value() at {x:?}"
            );
            for i in 0..3 {
                assert_close!(d[i], partials[i], REL64, ABS64, "mul_add ∂{i} at {x:?}");
                let fd = fd_partial(reference, x, i);
                assert_fd!(d[i], fd, "mul_add ∂{i} vs finite difference at {x:?}");
            }
        }
        if x.iter().all(|&t| in_f32(t)) && in_f32_range(reference(x)) {
            let xf = x.map(|t| t as f32);
            let xr = xf.map(f64::from);
            let (v, d) = gradient(&f, xf);
            assert_close!(
                v,
                reference(xr),
                REL32,
                ABS32,
                "mul_add f32 value at {xf:?}"
            );
            for (i, p) in [xr[1], xr[0], 1.0].into_iter().enumerate() {
                assert_close!(d[i], p, REL32, ABS32, "mul_add f32 ∂{i} at {xf:?}");
            }
        }
    }
}
