//! Forward mode: dual numbers against central finite differences and closed forms; `jvp`
//! and `forward_gradient` against the reverse engine.
//!
//! Tolerances: dual values vs `std`, relative 1e-15; dual tangents vs central differences
//! (step 1e-6 relative), relative 1e-7; vs closed forms and vs the reverse engine,
//! relative 1e-12.

mod common;
use common::{assert_within, mixed};

use tapeless::prelude::*;
use tapeless::tape::{Inputs, Var as TapeVar};
use tapeless::{GenericArray, tape_gradient, tape_jvp};

/// Central difference of a scalar function, step relative to `x`.
fn central(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-6 * x.abs().max(1.0);
    (f(x + h) - f(x - h)) / (2.0 * h)
}

/// Each unary method of `Scalar` on `Dual<f64>`: the value is the plain `f64` value, the
/// tangent is `f'(x)·ẋ` by central differences.
#[test]
fn every_unary_function_matches_finite_differences() {
    type D = Dual<f64>;
    #[allow(clippy::type_complexity)]
    let cases: &[(&str, fn(D) -> D, fn(f64) -> f64, &[f64])] = &[
        ("sqrt", D::sqrt, f64::sqrt, &[0.3, 2.0, 17.0]),
        ("cbrt", D::cbrt, f64::cbrt, &[-5.0, 0.3, 8.0]),
        ("exp", D::exp, f64::exp, &[-2.0, 0.1, 3.0]),
        ("exp2", D::exp2, f64::exp2, &[-2.0, 0.1, 3.0]),
        ("exp_m1", D::exp_m1, f64::exp_m1, &[-2.0, 1e-3, 3.0]),
        ("ln", D::ln, f64::ln, &[0.2, 1.0, 40.0]),
        ("log2", D::log2, f64::log2, &[0.2, 1.0, 40.0]),
        ("log10", D::log10, f64::log10, &[0.2, 1.0, 40.0]),
        ("ln_1p", D::ln_1p, f64::ln_1p, &[-0.5, 1e-3, 4.0]),
        ("sin", D::sin, f64::sin, &[-2.0, 0.3, 5.0]),
        ("cos", D::cos, f64::cos, &[-2.0, 0.3, 5.0]),
        ("tan", D::tan, f64::tan, &[-1.0, 0.3, 1.2]),
        ("asin", D::asin, f64::asin, &[-0.9, 0.1, 0.7]),
        ("acos", D::acos, f64::acos, &[-0.9, 0.1, 0.7]),
        ("atan", D::atan, f64::atan, &[-3.0, 0.1, 7.0]),
        ("sinh", D::sinh, f64::sinh, &[-2.0, 0.1, 3.0]),
        ("cosh", D::cosh, f64::cosh, &[-2.0, 0.1, 3.0]),
        ("tanh", D::tanh, f64::tanh, &[-2.0, 0.1, 1.5]),
        ("asinh", D::asinh, f64::asinh, &[-2.0, 0.1, 30.0]),
        ("acosh", D::acosh, f64::acosh, &[1.2, 2.0, 30.0]),
        ("atanh", D::atanh, f64::atanh, &[-0.8, 0.1, 0.6]),
        ("abs", D::abs, f64::abs, &[-2.0, 0.5]),
        ("erf", D::erf, libm::erf, &[-1.5, 0.1, 2.0]),
        ("powi(3)", |d| d.powi(3), |x| x.powi(3), &[-1.5, 0.5, 2.0]),
        (
            "powi(-2)",
            |d| d.powi(-2),
            |x| x.powi(-2),
            &[-1.5, 0.5, 2.0],
        ),
        (
            "powf(2.5)",
            |d| d.powf(D::from_f64(2.5)),
            |x| x.powf(2.5),
            &[0.5, 2.0],
        ),
        (
            "powf(3) of a negative base",
            |d| d.powf(D::from_f64(3.0)),
            |x| x.powf(3.0),
            &[-1.5],
        ),
        (
            "recip",
            |d| D::from_f64(1.0) / d,
            |x| 1.0 / x,
            &[-1.5, 0.5, 2.0],
        ),
        ("neg", |d| -d, |x| -x, &[-1.5, 2.0]),
    ];
    for &(name, dual, plain, points) in cases {
        for &x in points {
            let y = dual(Dual::new(x, 0.75));
            // The value is the rule's (platform or libm function): within an ulp or two of std.
            assert_within(y.re, plain(x), 1e-15, &format!("{name} value at {x}"));
            assert_within(
                y.tangent(),
                0.75 * central(plain, x),
                1e-7,
                &format!("{name}'({x})"),
            );
        }
    }
}

/// `sin_cos` on duals gives both functions with their tangents (closed forms).
#[test]
fn sin_cos_matches_closed_form() {
    let (s, c) = Dual::new(0.7_f64, 2.0).sin_cos();
    assert_within(s.re, 0.7_f64.sin(), 1e-15, "sin");
    assert_within(c.re, 0.7_f64.cos(), 1e-15, "cos");
    assert_within(s.tangent(), 2.0 * 0.7_f64.cos(), 1e-15, "sin'");
    assert_within(c.tangent(), -2.0 * 0.7_f64.sin(), 1e-15, "cos'");
}

/// Functions of two and three arguments along a direction `(ȧ, ḃ)`, against central
/// differences along that direction.
#[test]
fn binary_functions_match_directional_differences() {
    type D = Dual<f64>;
    #[allow(clippy::type_complexity)]
    let cases: &[(&str, fn(D, D) -> D, fn(f64, f64) -> f64)] = &[
        ("add", |a, b| a + b, |a, b| a + b),
        ("sub", |a, b| a - b, |a, b| a - b),
        ("mul", |a, b| a * b, |a, b| a * b),
        ("div", |a, b| a / b, |a, b| a / b),
        ("atan2", D::atan2, f64::atan2),
        ("hypot", D::hypot, f64::hypot),
        ("powf", D::powf, f64::powf),
        (
            "mul_add with c = a",
            |a, b| a.mul_add(b, a),
            |a, b| a.mul_add(b, a),
        ),
    ];
    let (da, db) = (0.6, -1.3);
    for &(name, dual, plain) in cases {
        for &(a, b) in &[(1.5, 0.5), (0.7, 2.2), (3.0, -1.25)] {
            if name == "powf" && b < 0.0 {
                continue;
            }
            let y = dual(Dual::new(a, da), Dual::new(b, db));
            assert_within(
                y.re,
                plain(a, b),
                1e-15,
                &format!("{name} value at ({a}, {b})"),
            );
            let along = central(|t| plain(a + t * da, b + t * db), 0.0);
            assert_within(y.tangent(), along, 1e-7, &format!("{name} at ({a}, {b})"));
        }
    }
}

/// Assignment operators agree with the plain operators.
#[test]
fn assigning_operators_agree() {
    let a = Dual::new(1.5_f64, 0.25);
    let b = Dual::new(-0.5_f64, 2.0);
    let mut c = a;
    c += b;
    assert_eq!((c.re, c.tangent()), (1.0, 2.25));
    c -= b;
    assert_eq!((c.re, c.tangent()), (1.5, 0.25));
    c *= b;
    // (a·b)' = ȧb + aḃ
    assert_eq!((c.re, c.tangent()), (-0.75, 0.25 * -0.5 + 1.5 * 2.0));
    let mut q = a;
    q /= b;
    assert_within(
        q.tangent(),
        (0.25 * -0.5 - 1.5 * 2.0) / 0.25,
        1e-15,
        "(a/b)'",
    );
}

/// Comparison and equality look at the real part only.
#[test]
fn comparisons_use_the_real_part() {
    let a = Dual::new(1.0_f64, 5.0);
    let b = Dual::new(1.0_f64, -5.0);
    let c = Dual::new(2.0_f64, 0.0);
    assert!(a == b);
    assert!(a < c && c > b);
    assert!(Dual::new(f64::NAN, 0.0).is_nan());
    assert!(!Dual::new(0.0, f64::NAN).is_nan());
}

/// Nested duals carry a second derivative: `d²/dx² (sin x · eˣ) = 2 cos x · eˣ`.
#[test]
fn nested_duals_give_second_derivatives() {
    let x0 = 0.4_f64;
    let x = Dual::new(Dual::new(x0, 1.0), Dual::new(1.0, 0.0));
    let y = x.sin() * x.exp();
    let second = y.tangent().tangent();
    assert_within(
        second,
        2.0 * x0.cos() * x0.exp(),
        1e-14,
        "second derivative",
    );
    let first = y.re.tangent();
    assert_within(
        first,
        (x0.sin() + x0.cos()) * x0.exp(),
        1e-14,
        "first derivative",
    );
}

/// Several tangents at once: the gradient in one evaluation, against the closed form.
#[test]
fn vector_tangents_give_the_gradient() {
    let x = Dual::<f64, 3>::variable(1.5, 0);
    let y = Dual::<f64, 3>::variable(-0.5, 1);
    let z = Dual::<f64, 3>::variable(2.0, 2);
    let f = x * y.exp() + z.sin() * x;
    let expected = [
        (-0.5_f64).exp() + 2.0_f64.sin(),
        1.5 * (-0.5_f64).exp(),
        1.5 * 2.0_f64.cos(),
    ];
    for (got, want) in f.eps.into_iter().zip(expected) {
        assert_within(got, want, 1e-15, "∂f");
    }
}

fn rosenbrock<T: Scalar>() -> impl Expr<T> {
    let (x, y) = vars();
    (x - 1.0).powi(2) + 100.0 * (y - x * x).powi(2)
}

/// `jvp` is the reverse-mode gradient dotted with the direction, and the directional
/// derivative by central differences.
#[test]
fn jvp_is_the_gradient_dotted_with_the_direction() {
    let points = [
        [0.3, 0.7, -1.2, 2.0],
        [1.1, -0.4, 0.5, 0.3],
        [-0.8, 0.9, 2.5, 1.7],
    ];
    let dirs = [
        [1.0, 0.0, 0.0, 0.0],
        [0.3, -1.2, 0.8, 2.0],
        [-0.5, 0.25, 1.5, -0.75],
    ];
    for x in points {
        let (v0, g) = gradient(&mixed(), x);
        for dir in dirs {
            let (v, slope) = jvp(&mixed(), x, dir);
            assert_eq!(v, v0, "jvp value");
            let dot: f64 = (0..4).map(|i| g[i] * dir[i]).sum();
            assert_within(slope, dot, 1e-12, "jvp vs ∇f·v");
            let along = central(
                |t| {
                    value(
                        &mixed(),
                        core::array::from_fn::<f64, 4, _>(|i| x[i] + t * dir[i]),
                    )
                },
                0.0,
            );
            assert_within(slope, along, 1e-7, "jvp vs finite differences");
        }
    }
    let (_, slope) = jvp(&rosenbrock(), [-1.2, 1.0], [2.0, -1.0]);
    // ∇f(−1.2, 1) = (−215.6, −88)
    assert_within(slope, 2.0 * -215.6 + 88.0, 1e-12, "rosenbrock jvp");
}

/// The forward-mode gradient equals the reverse-mode gradient.
#[test]
fn forward_gradient_matches_reverse() {
    for x in [[0.3, 0.7, -1.2, 2.0], [1.1, -0.4, 0.5, 0.3]] {
        let (v_r, g_r) = gradient(&mixed(), x);
        let (v_f, g_f) = forward_gradient(&mixed(), x);
        assert_eq!(v_f, v_r);
        for i in 0..4 {
            assert_within(g_f[i], g_r[i], 1e-12, "forward vs reverse");
        }
    }
    let (_, g) = forward_gradient(&rosenbrock(), [-1.2, 1.0]);
    assert_within(g[0], -215.6, 1e-12, "∂x");
    assert_within(g[1], -88.0, 1e-12, "∂y");
}

/// `jvp` works on `GenericArray` points and on `f32`.
#[test]
fn jvp_on_generic_arrays_and_f32() {
    let x = GenericArray::from_array([-1.2_f64, 1.0]);
    let v = GenericArray::from_array([0.0_f64, 1.0]);
    assert_within(jvp(&rosenbrock(), x, v).1, -88.0, 1e-12, "∂y");
    let (_, s) = jvp(&rosenbrock(), [-1.2_f32, 1.0], [1.0, 0.0]);
    assert!((s - -215.6).abs() < 1e-3, "f32 ∂x = {s}");
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

/// On the tape: `tape_jvp` of a static expression recorded on a dual tape equals the
/// static engine's gradient dotted with the direction.
#[test]
fn tape_jvp_matches_the_static_gradient() {
    let x = [0.3, 0.7, -1.2, 2.0];
    let (_, g) = gradient(&mixed(), x);
    for dir in [[0.3, -1.2, 0.8, 2.0], [-0.5, 0.25, 1.5, -0.75]] {
        let (v, slope) = tape_jvp(&x, &dir, |xs| {
            let args: [_; 4] = core::array::from_fn(|i| xs.get(i));
            xs.get(0).tape().apply(&mixed(), &args)
        });
        assert_eq!(v, value(&mixed(), x));
        let dot: f64 = (0..4).map(|i| g[i] * dir[i]).sum();
        assert_within(slope, dot, 1e-12, "tape jvp vs static ∇f·v");
    }
}

/// On the tape, for a run-time number of inputs: `tape_jvp` against central differences
/// of the value and against the tape gradient dotted with the direction.
#[test]
fn tape_jvp_of_a_runtime_sized_function() {
    let x: Vec<f64> = (0..7).map(|i| 0.3 * i as f64 - 1.0).collect();
    let dir: Vec<f64> = (0..7).map(|i| ((i * 5 % 7) as f64 - 3.0) / 3.0).collect();
    let (v, slope) = tape_jvp(&x, &dir, chain);
    let (v_g, g) = tape_gradient(&x, chain);
    assert_eq!(v, v_g);
    let dot: f64 = g.iter().zip(&dir).map(|(a, b)| a * b).sum();
    assert_within(slope, dot, 1e-12, "tape jvp vs ∇f·v");
    let along = central(
        |t| {
            let p: Vec<f64> = x.iter().zip(&dir).map(|(a, d)| a + t * d).collect();
            tape_gradient(&p, chain).0
        },
        0.0,
    );
    assert_within(slope, along, 1e-7, "tape jvp vs finite differences");
}
