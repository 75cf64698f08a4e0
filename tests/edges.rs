//! The edges of the domains, as documented on the rules: IEEE values, the stated
//! derivatives (±∞, 0 or NaN), and never a panic — in f64 and f32.
//!
//! Expected values here are exact IEEE results (∞, NaN, 0, 1) or libm constants (π/2),
//! compared with `close` at 1e-14 (f64) / 1e-5 (f32); NaN matches NaN only.

#[macro_use]
mod common;

use common::*;
use core::f64::consts::{FRAC_PI_2, LN_2, PI};
use tapeless::prelude::*;

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

/// `value()`, and the value and gradient of `gradient()`, against the expected ones.
fn expect<const N: usize>(
    what: &str,
    at: [f64; N],
    got: (f64, f64, [f64; N]),
    want: (f64, [f64; N]),
    rel: f64,
) {
    let (v0, v, g) = got;
    assert_close!(v0, want.0, rel, 0.0, "{what} value() at {at:?}");
    assert_close!(v, want.0, rel, 0.0, "{what} value at {at:?}");
    for (i, (&g, &w)) in g.iter().zip(&want.1).enumerate() {
        assert_close!(g, w, rel, 0.0, "{what} ∂{i} at {at:?}");
    }
}

/// The inputs of one point (names the array type for inference).
fn point<const N: usize>(x: [f64; N]) -> [f64; N] {
    x
}

/// `edges!(|x, …| expression; [inputs] => (value, [partials]), …)`: each point in f64 and
/// (rounded) in f32, against the same expected results.
macro_rules! edges {
    (|$($x:ident),+| $e:expr; $($at:expr => ($v:expr, $d:expr)),+ $(,)?) => {{
        let ($($x,)+) = vars();
        let f = $e;
        $(
            let at = point($at);
            let (v, g) = gradient(&f, at);
            expect(stringify!($e), at, (value(&f, at), v, g.into()), ($v, $d), VAL64);
            let atf = at.map(|t| t as f32);
            let (v, g) = gradient(&f, atf);
            let got = (f64::from(value(&f, atf)), f64::from(v), core::array::from_fn(|i| f64::from(g[i])));
            expect(concat!(stringify!($e), " (f32)"), at, got, ($v, $d), REL32);
        )+
    }};
}

#[test]
fn logarithms_at_zero() {
    edges!(|x| x.ln(); [0.0] => (-INF, [INF]), [1.0] => (0.0, [1.0]));
    edges!(|x| x.log2(); [0.0] => (-INF, [INF]));
    edges!(|x| x.log10(); [0.0] => (-INF, [INF]));
    edges!(|x| x.ln_1p(); [-1.0] => (-INF, [INF]));
}

#[test]
fn roots_at_zero() {
    edges!(|x| x.sqrt(); [0.0] => (0.0, [INF]), [-1.0] => (NAN, [NAN]));
    edges!(|x| x.cbrt(); [0.0] => (0.0, [INF]), [-0.0] => (-0.0, [INF]));
    edges!(|x| x.powf(0.5); [0.0] => (0.0, [INF]));
    edges!(|x| x.powf(1.0 / 3.0); [0.0] => (0.0, [INF]), [-8.0] => (NAN, [NAN]));
}

#[test]
fn division_by_zero() {
    // The quotient is the IEEE one; the partials are 1/b and −a/b², as IEEE evaluates them.
    edges!(|a, b| a / b;
        [1.0, 0.0] => (INF, [INF, -INF]),
        [-1.0, 0.0] => (-INF, [INF, INF]),
        [1.0, -0.0] => (-INF, [-INF, -INF]),
        [0.0, 0.0] => (NAN, [INF, NAN]),
    );
    edges!(|x| 1.0 / x; [0.0] => (INF, [-INF]), [-0.0] => (-INF, [-INF]));
    edges!(|x| x.recip(); [0.0] => (INF, [-INF]), [-0.0] => (-INF, [-INF]));
    edges!(|x| x.powi(-1); [0.0] => (INF, [-INF]));
    edges!(|x| x.powi(-2); [0.0] => (INF, [-INF]));
}

#[test]
fn powers_at_zero() {
    // x⁰ is the constant 1: derivative 0, also at 0.
    edges!(|x| x.powf(0.0); [0.0] => (1.0, [0.0]), [-2.0] => (1.0, [0.0]));
    edges!(|x| x.powi(0); [0.0] => (1.0, [0.0]));
    edges!(|x| x.powf(1.0); [0.0] => (0.0, [1.0]));
    edges!(|x| x.powi(1); [0.0] => (0.0, [1.0]));
    edges!(|x| x.powf(2.0); [0.0] => (0.0, [0.0]), [-3.0] => (9.0, [-6.0]));
    edges!(|x| x.powi(3); [0.0] => (0.0, [0.0]));
    edges!(|x| x.powf(-1.0); [0.0] => (INF, [-INF]));
    edges!(|x| x.square(); [0.0] => (0.0, [0.0]));
}

#[test]
fn pow_with_zero_base() {
    // ∂/∂b at a = 0 is taken as 0; ∂/∂a is b·0^(b−1).
    edges!(|a, b| a.pow(b);
        [0.0, 2.0] => (0.0, [0.0, 0.0]),
        [0.0, 1.0] => (0.0, [1.0, 0.0]),
        [0.0, 0.5] => (0.0, [INF, 0.0]),
        [0.0, -1.0] => (INF, [-INF, 0.0]),
    );
    // A negative base: the integral power is defined, the partial in b is NaN (ln a).
    edges!(|a, b| pow(a, b); [-2.0, 2.0] => (4.0, [-4.0, NAN]), [-8.0, 0.5] => (NAN, [NAN, NAN]));
    // A zero exponent: aᵇ = 1 whatever a > 0, ∂/∂b = ln a.
    edges!(|a, b| a.pow(b); [2.0, 0.0] => (1.0, [0.0, core::f64::consts::LN_2]));
}

#[test]
fn pow_zero_to_the_zero() {
    // a⁰ is the constant 1, so ∂/∂a = 0 at a = 0 too, as for powf(x, 0) (not 0·0⁻¹ = NaN).
    edges!(|a, b| a.pow(b); [0.0, 0.0] => (1.0, [0.0, 0.0]));
    edges!(|x| x.powf(0.0); [0.0] => (1.0, [0.0]));
}

#[test]
fn inverse_trigonometric_at_the_ends() {
    edges!(|x| x.asin(); [1.0] => (FRAC_PI_2, [INF]), [-1.0] => (-FRAC_PI_2, [INF]));
    edges!(|x| x.acos(); [1.0] => (0.0, [-INF]), [-1.0] => (PI, [-INF]));
    edges!(|x| x.asin(); [1.5] => (NAN, [NAN]), [-1.5] => (NAN, [NAN]));
    edges!(|x| x.acos(); [1.5] => (NAN, [NAN]));
    edges!(|x| x.atan(); [INF] => (FRAC_PI_2, [0.0]), [-INF] => (-FRAC_PI_2, [0.0]));
}

#[test]
fn inverse_hyperbolic_at_the_ends() {
    edges!(|x| x.atanh(); [1.0] => (INF, [INF]), [-1.0] => (-INF, [INF]));
    edges!(|x| x.acosh(); [1.0] => (0.0, [INF]), [0.5] => (NAN, [NAN]));
    edges!(|x| x.asinh(); [INF] => (INF, [0.0]), [-INF] => (-INF, [0.0]));
}

#[test]
fn hypot_and_atan2_at_the_origin() {
    edges!(|a, b| a.hypot(b); [0.0, 0.0] => (0.0, [0.0, 0.0]), [-0.0, 0.0] => (0.0, [0.0, 0.0]));
    edges!(|y, x| y.atan2(x); [0.0, 0.0] => (0.0, [NAN, NAN]));
}

#[test]
fn abs_at_zero_and_nan() {
    edges!(|x| x.abs(); [0.0] => (0.0, [0.0]), [-0.0] => (0.0, [0.0]), [NAN] => (NAN, [NAN]));
    // The subgradient 0 at the kink, inside a larger expression.
    edges!(|x, y| x.abs() * y + y; [0.0, 3.0] => (3.0, [0.0, 1.0]));
}

#[test]
fn max_and_min_ties_and_nan() {
    // A tie: the whole derivative goes to the first argument.
    edges!(|a, b| a.max(b); [2.0, 2.0] => (2.0, [1.0, 0.0]), [0.0, -0.0] => (0.0, [1.0, 0.0]));
    edges!(|a, b| a.min(b); [2.0, 2.0] => (2.0, [1.0, 0.0]));
    edges!(|x| x.max(x); [3.0] => (3.0, [1.0]));
    edges!(|x| min(x, x); [3.0] => (3.0, [1.0]));
    // A NaN argument is ignored, like f64::max and f64::min.
    edges!(|a, b| a.max(b);
        [NAN, 2.0] => (2.0, [0.0, 1.0]),
        [2.0, NAN] => (2.0, [1.0, 0.0]),
        [NAN, NAN] => (NAN, [1.0, 0.0]),
    );
    edges!(|a, b| a.min(b);
        [NAN, 2.0] => (2.0, [0.0, 1.0]),
        [2.0, NAN] => (2.0, [1.0, 0.0]),
    );
    assert_eq!(f64::max(NAN, 2.0), 2.0);
    assert_eq!(f64::min(2.0, NAN), 2.0);
}

#[test]
fn overflow_and_saturation() {
    edges!(|x| x.exp(); [1000.0] => (INF, [INF]), [-1000.0] => (0.0, [0.0]));
    edges!(|x| x.exp2(); [2000.0] => (INF, [INF]), [-2000.0] => (0.0, [0.0]));
    edges!(|x| x.exp_m1(); [1000.0] => (INF, [INF]), [-1000.0] => (-1.0, [0.0]));
    edges!(|x| x.tanh(); [INF] => (1.0, [0.0]), [-INF] => (-1.0, [0.0]));
    edges!(|x| x.erf(); [INF] => (1.0, [0.0]), [-INF] => (-1.0, [0.0]));
    edges!(|x| x.sigmoid(); [INF] => (1.0, [0.0]), [-INF] => (0.0, [0.0]), [1e6] => (1.0, [0.0]));
    edges!(|x| x.softplus(); [INF] => (INF, [1.0]), [-INF] => (0.0, [0.0]), [-1e6] => (0.0, [0.0]));
    // Where the textbook ln(1 + eˣ) overflows: softplus(x) = x, derivative 1.
    edges!(|x| x.softplus(); [1e6] => (1e6, [1.0]));
}

#[test]
fn select_with_nan_condition() {
    // A comparison with NaN is false: the second branch is taken (and only it is evaluated).
    edges!(|x| select(gt(x, 0.0), x.sqrt(), 2.0 * x); [NAN] => (NAN, [2.0]), [-1.0] => (-2.0, [2.0]));
    edges!(|x| select(lt(x, 0.0), x.ln(), x * x); [NAN] => (NAN, [NAN]));
}

/// Every function at every special input: no panic, `value()` equals the value of
/// `gradient()`, and both equal the `std` function wherever there is one.
#[test]
fn special_inputs_never_panic() {
    let specials = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        f64::MIN_POSITIVE,
        5e-324,
        // ±1e300 rather than ±f64::MAX: the reference here is std, whose asinh overflows
        // above MAX/2 (ours does not: `inverse_hyperbolic_values_near_the_edges`).
        1e300,
        -1e300,
        INF,
        -INF,
        NAN,
    ];
    macro_rules! sweep {
        ($($name:literal: |$x:ident| $e:expr, $r:expr;)*) => {$(
            let ($x,) = vars();
            let f = $e;
            for t in specials {
                let (v, g) = gradient(&f, [t]);
                assert_close!(value(&f, [t]), v, 0.0, 0.0, "{} value() vs gradient() at {t:e}", $name);
                let r: fn(f64) -> f64 = $r;
                assert_close!(v, r(t), VAL64, 0.0, "{} at {t:e}", $name);
                let _ = g[0];
                let tf = t as f32;
                let (v, _) = gradient(&f, [tf]);
                assert_close!(value(&f, [tf]), v, 0.0, 0.0, "{} f32 value() vs gradient() at {tf:e}", $name);
            }
        )*};
    }
    sweep! {
        "neg": |x| -x, |t| -t;
        "recip": |x| x.recip(), |t| 1.0 / t;
        "square": |x| x.square(), |t| t * t;
        "sqrt": |x| x.sqrt(), f64::sqrt;
        "cbrt": |x| x.cbrt(), f64::cbrt;
        "exp": |x| x.exp(), f64::exp;
        "exp2": |x| x.exp2(), f64::exp2;
        "exp_m1": |x| x.exp_m1(), f64::exp_m1;
        "ln": |x| x.ln(), f64::ln;
        "log2": |x| x.log2(), f64::log2;
        "log10": |x| x.log10(), f64::log10;
        "ln_1p": |x| x.ln_1p(), f64::ln_1p;
        "sin": |x| x.sin(), f64::sin;
        "cos": |x| x.cos(), f64::cos;
        "tan": |x| x.tan(), f64::tan;
        "asin": |x| x.asin(), f64::asin;
        "acos": |x| x.acos(), f64::acos;
        "atan": |x| x.atan(), f64::atan;
        "sinh": |x| x.sinh(), f64::sinh;
        "cosh": |x| x.cosh(), f64::cosh;
        "tanh": |x| x.tanh(), f64::tanh;
        "asinh": |x| x.asinh(), f64::asinh;
        "acosh": |x| x.acosh(), f64::acosh;
        "atanh": |x| x.atanh(), f64::atanh;
        "abs": |x| x.abs(), f64::abs;
        "powi(3)": |x| x.powi(3), |t| t.powi(3);
        "powi(-2)": |x| x.powi(-2), |t| t.powi(-2);
        "powf(0.5)": |x| x.powf(0.5), |t| t.powf(0.5);
        "powf(0)": |x| x.powf(0.0), |t| t.powf(0.0);
        "hypot(x, 1)": |x| x.hypot(1.0), |t| t.hypot(1.0);
        "atan2(x, 1)": |x| x.atan2(1.0), |t| t.atan2(1.0);
        "max(x, 0)": |x| x.max(0.0), |t| t.max(0.0);
        "min(x, 0)": |x| x.min(0.0), |t| t.min(0.0);
        "pow(2, x)": |x| pow(2.0, x), |t| 2.0_f64.powf(t);
        "x / x": |x| x / x, |t| t / t;
    }
    // No std counterpart: erf, sigmoid and softplus only have to agree with themselves,
    // stay in their ranges and not panic.
    let (x,) = vars();
    for t in specials {
        for (v, lo, hi) in [
            (gradient(&x.erf(), [t]).0, -1.0, 1.0),
            (gradient(&x.sigmoid(), [t]).0, 0.0, 1.0),
            (gradient(&x.softplus(), [t]).0, 0.0, INF),
        ] {
            assert!(
                (t.is_nan() && v.is_nan()) || (lo..=hi).contains(&v),
                "{v} out of [{lo}, {hi}] at {t}"
            );
        }
    }
}

/// The partials of `atan2(y, x)` where `x² + y²` leaves the range of `f64` although the
/// partials `(x, −y)/(x² + y²)` do not.
#[test]
fn atan2_partials_at_extreme_scales() {
    let (y, x) = vars();
    let f = y.atan2(x);
    for p in [
        [1e-200_f64, 1e-200],
        [3e-170, -4e-170],
        [1e200, 1e200],
        [-3e170, 4e170],
    ] {
        let (_, g) = gradient(&f, p);
        let reference = |q: [f64; 2]| q[0].atan2(q[1]);
        for i in 0..2 {
            let h = 1e-6 * p[0].abs().max(p[1].abs());
            let fd = central(
                |t| {
                    let mut q = p;
                    q[i] = t;
                    reference(q)
                },
                p[i],
                h,
            );
            assert_fd!(g[i], fd, "atan2 ∂{i} vs finite difference at {p:?}");
        }
        // The closed form, scaled so nothing leaves the range: (x/r)/r with r = |(x, y)|.
        let r = p[0].hypot(p[1]);
        let closed = [(p[1] / r) / r, -(p[0] / r) / r];
        assert_close!(g[0], closed[0], REL64, 0.0, "atan2 ∂y at {p:?}");
        assert_close!(g[1], closed[1], REL64, 0.0, "atan2 ∂x at {p:?}");
    }
}

/// `√x` and `ln x` at `−0`, which IEEE treats as 0 (`√−0 = −0`, `ln −0 = −∞`): the
/// derivative documented at 0 is `+∞`.
#[test]
fn roots_and_logarithms_at_negative_zero() {
    edges!(|x| x.sqrt(); [-0.0] => (-0.0, [INF]));
    edges!(|x| x.ln(); [-0.0] => (-INF, [INF]));
}

/// Derivatives in the tails, where the exact result is tiny but far from underflow: each
/// to 1e-12 relative, with no absolute allowance.
#[test]
fn derivatives_keep_relative_accuracy_in_the_tails() {
    let (x,) = vars();
    let cases: [(&str, f64, f64, f64); 5] = [
        (
            "sigmoid",
            30.0,
            gradient(&x.sigmoid(), [30.0]).1[0],
            0.25 / 15f64.cosh().powi(2),
        ),
        (
            "sigmoid",
            -30.0,
            gradient(&x.sigmoid(), [-30.0]).1[0],
            0.25 / 15f64.cosh().powi(2),
        ),
        (
            "tanh",
            10.0,
            gradient(&x.tanh(), [10.0]).1[0],
            1.0 / 10f64.cosh().powi(2),
        ),
        (
            "powf(2)",
            1e-170,
            gradient(&x.powf(2.0), [1e-170]).1[0],
            2e-170,
        ),
        (
            "powi(2)",
            1e-170,
            gradient(&x.powi(2), [1e-170]).1[0],
            2e-170,
        ),
    ];
    for (name, at, got, want) in cases {
        assert_close!(got, want, REL64, 0.0, "{name}' at {at:e}");
    }
    let (a, b) = vars();
    let (_, g) = gradient(&a.pow(b), [1e-170, 2.0]);
    assert_close!(g[0], 2e-170, REL64, 0.0, "∂a pow(a, b) at (1e-170, 2)");
}

/// The values of the inverse hyperbolic functions near the edges of their domains and at
/// the largest inputs, against accurate formulas.
#[test]
fn inverse_hyperbolic_values_near_the_edges() {
    let (x,) = vars();
    for t in [1.0 + 1e-10, 1.001, 1e300] {
        assert_close!(
            value(&x.acosh(), [t]),
            acosh_ref(t),
            VAL64,
            0.0,
            "acosh({t:e})"
        );
    }
    for t in [-0.99999, 0.999, 1e-8] {
        assert_close!(
            value(&x.atanh(), [t]),
            atanh_ref(t),
            VAL64,
            0.0,
            "atanh({t:e})"
        );
    }
    for t in [f64::MAX, -f64::MAX, 1e300] {
        let want = (t.abs().ln() + LN_2).copysign(t);
        assert_close!(value(&x.asinh(), [t]), want, VAL64, 0.0, "asinh({t:e})");
    }
}
