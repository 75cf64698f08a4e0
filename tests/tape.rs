//! The tape engine: every operator and elementary function against `std` and central
//! finite differences; run-time sized inputs, data-dependent loops and branches against
//! closed forms; recording of static expressions against closed forms; reuse, handles of
//! two tapes, values that do not reach the output, and a tape of 10⁷ nodes.
//!
//! Tolerances are those of `common`: values `VAL64` against `std`, derivatives `FD_REL` +
//! `FD_ABS` (+ the rounding bound of the difference) against central differences, closed
//! forms `REL64`/`ABS64`.

#[macro_use]
mod common;

use common::*;
use tapeless::prelude::*;
use tapeless::tape::Var as Handle;

/// `f` on a one-input tape at `x`: (value, derivative).
fn tape1(f: impl for<'t> Fn(Handle<'t, f64>) -> Handle<'t, f64>, x: f64) -> (f64, f64) {
    let tape = Tape::new();
    let y = f(tape.input(x));
    let mut g = [0.0];
    let v = tape.gradient(y, &mut g);
    assert_eq!(v, y.value());
    (v, g[0])
}

/// `f` on a two-input tape at `x`: (value, gradient).
fn tape2(
    f: impl for<'t> Fn(Handle<'t, f64>, Handle<'t, f64>) -> Handle<'t, f64>,
    x: [f64; 2],
) -> (f64, [f64; 2]) {
    let tape = Tape::new();
    let [a, b] = tape.input_array(x);
    let y = f(a, b);
    let mut g = [0.0; 2];
    (tape.gradient(y, &mut g), g)
}

/// `name: |x| tape expression, std reference, points;` — value against `std`, derivative
/// against a central difference of the reference.
macro_rules! unary {
    ($( $name:ident: |$x:ident| $e:expr, $r:expr, $points:expr; )*) => {
        #[test]
        fn every_unary_function_against_std_and_finite_differences() {
            $(
                let reference: fn(f64) -> f64 = $r;
                for &p in $points.iter() {
                    let (v, d) = tape1(|$x| $e, p);
                    assert_close!(v, reference(p), VAL64, 0.0, "{} value at {p}", stringify!($name));
                    assert_fd!(d, fd(reference, p), "{} derivative at {p}", stringify!($name));
                }
            )*
        }
    };
}

const WIDE: [f64; 6] = [-2.5, -1.0, -0.3, 0.2, 0.9, 3.0];
const POSITIVE: [f64; 6] = [0.05, 0.3, 1.0, 1.7, 4.0, 25.0];
const UNIT: [f64; 6] = [-0.9, -0.5, -0.1, 0.2, 0.6, 0.95];

unary! {
    neg: |x| -x, |x| -x, WIDE;
    recip: |x| x.recip(), |x| 1.0 / x, WIDE;
    square: |x| x.square(), |x| x * x, WIDE;
    sqrt: |x| x.sqrt(), f64::sqrt, POSITIVE;
    cbrt: |x| x.cbrt(), f64::cbrt, WIDE;
    exp: |x| x.exp(), f64::exp, WIDE;
    exp2: |x| x.exp2(), f64::exp2, WIDE;
    exp_m1: |x| x.exp_m1(), f64::exp_m1, WIDE;
    ln: |x| x.ln(), f64::ln, POSITIVE;
    log2: |x| x.log2(), f64::log2, POSITIVE;
    log10: |x| x.log10(), f64::log10, POSITIVE;
    ln_1p: |x| x.ln_1p(), f64::ln_1p, [-0.9, -0.5, 0.0, 0.5, 2.0, 10.0];
    sin: |x| x.sin(), f64::sin, WIDE;
    cos: |x| x.cos(), f64::cos, WIDE;
    tan: |x| x.tan(), f64::tan, UNIT;
    asin: |x| x.asin(), f64::asin, UNIT;
    acos: |x| x.acos(), f64::acos, UNIT;
    atan: |x| x.atan(), f64::atan, WIDE;
    sinh: |x| x.sinh(), f64::sinh, WIDE;
    cosh: |x| x.cosh(), f64::cosh, WIDE;
    tanh: |x| x.tanh(), f64::tanh, WIDE;
    asinh: |x| x.asinh(), f64::asinh, WIDE;
    acosh: |x| x.acosh(), f64::acosh, [1.1, 1.5, 2.0, 3.0, 10.0, 100.0];
    atanh: |x| x.atanh(), f64::atanh, UNIT;
    abs: |x| x.abs(), f64::abs, WIDE;
    erf: |x| x.erf(), libm::erf, WIDE;
    sigmoid: |x| x.sigmoid(), |x| 1.0 / (1.0 + (-x).exp()), WIDE;
    softplus: |x| x.softplus(), |x| x.exp().ln_1p(), WIDE;
    powi_3: |x| x.powi(3), |x| x * x * x, WIDE;
    powi_neg2: |x| x.powi(-2), |x| 1.0 / (x * x), WIDE;
    powf: |x| x.powf(2.5), |x| x.powf(2.5), POSITIVE;
    add_const: |x| x + 2.0, |x| x + 2.0, WIDE;
    const_sub: |x| 2.0 - x, |x| 2.0 - x, WIDE;
    const_div: |x| 3.0 / x, |x| 3.0 / x, WIDE;
    div_const: |x| x / 4.0, |x| x / 4.0, WIDE;
    const_mul: |x| 1.5 * x, |x| 1.5 * x, WIDE;
    pow_const: |x| x.pow(1.5), |x| x.powf(1.5), POSITIVE;
    const_pow: |x| tape_const(x, 2.0).pow(x), |x| 2.0_f64.powf(x), WIDE;
    max_const: |x| x.max(0.5), |x| x.max(0.5), WIDE;
    min_const: |x| x.min(0.5), |x| x.min(0.5), WIDE;
    mul_add_const: |x| x.mul_add(3.0, 1.0), |x| x.mul_add(3.0, 1.0), WIDE;
}

/// A constant on the tape of `x`.
fn tape_const(x: Handle<'_, f64>, c: f64) -> Handle<'_, f64> {
    x.tape().constant(c)
}

/// `name: |a, b| tape expression, std reference;` at a grid of points in `a > 0`.
macro_rules! binary {
    ($( $name:ident: |$a:ident, $b:ident| $e:expr, $r:expr; )*) => {
        #[test]
        fn every_binary_function_against_std_and_finite_differences() {
            $(
                let reference: fn([f64; 2]) -> f64 = $r;
                for p in [[0.7, 1.3], [2.0, -0.4], [1.5, 2.5], [0.3, -1.1], [3.0, 0.5]] {
                    let (v, g) = tape2(|$a, $b| $e, p);
                    assert_close!(v, reference(p), VAL64, 0.0, "{} value at {p:?}", stringify!($name));
                    for i in 0..2 {
                        assert_fd!(g[i], fd_partial(reference, p, i), "{} ∂{i} at {p:?}", stringify!($name));
                    }
                }
            )*
        }
    };
}

binary! {
    add: |a, b| a + b, |[a, b]| a + b;
    sub: |a, b| a - b, |[a, b]| a - b;
    mul: |a, b| a * b, |[a, b]| a * b;
    div: |a, b| a / b, |[a, b]| a / b;
    add_assign: |a, b| { let mut y = a; y += b; y += 1.0; y }, |[a, b]| a + b + 1.0;
    sub_assign: |a, b| { let mut y = a; y -= b; y -= 1.0; y }, |[a, b]| a - b - 1.0;
    mul_assign: |a, b| { let mut y = a; y *= b; y *= 3.0; y }, |[a, b]| a * b * 3.0;
    div_assign: |a, b| { let mut y = a; y /= b; y /= 2.0; y }, |[a, b]| a / b / 2.0;
    pow: |a, b| a.pow(b), |[a, b]| a.powf(b);
    atan2: |a, b| a.atan2(b), |[a, b]| a.atan2(b);
    hypot: |a, b| a.hypot(b), |[a, b]| a.hypot(b);
    max: |a, b| a.max(b), |[a, b]| a.max(b);
    min: |a, b| a.min(b), |[a, b]| a.min(b);
    mul_add: |a, b| a.mul_add(b, a), |[a, b]| a.mul_add(b, a);
    mul_add_shared: |a, b| b.mul_add(b, a * b), |[a, b]| b * b + a * b;
}

/// Σ (1 − xᵢ)² + 100 (xᵢ₊₁ − xᵢ²)² and its gradient, by hand.
fn rosenbrock_n(x: &[f64]) -> (f64, Vec<f64>) {
    let mut v = 0.0;
    let mut g = vec![0.0; x.len()];
    for i in 0..x.len() - 1 {
        let d = x[i + 1] - x[i] * x[i];
        v += (1.0 - x[i]).powi(2) + 100.0 * d * d;
        g[i] += -2.0 * (1.0 - x[i]) - 400.0 * x[i] * d;
        g[i + 1] += 200.0 * d;
    }
    (v, g)
}

#[test]
fn run_time_number_of_inputs() {
    let mut tape = Tape::new();
    for n in [2, 3, 10, 100, 1000] {
        let xs: Vec<f64> = (0..n).map(|i| ((i * 7 % 11) as f64) / 5.0 - 1.0).collect();
        tape.clear();
        let x = tape.inputs(&xs);
        assert_eq!(x.len(), n);
        let mut y = tape.constant(0.0);
        for i in 0..n - 1 {
            let (a, b) = (x.get(i), x.get(i + 1));
            y += (1.0 - a).square() + 100.0 * (b - a * a).square();
        }
        let mut g = vec![0.0; n];
        let v = tape.gradient(y, &mut g);
        let (rv, rg) = rosenbrock_n(&xs);
        assert_close!(v, rv, REL64, ABS64, "value, n = {n}");
        for i in 0..n {
            assert_close!(g[i], rg[i], REL64, ABS64, "∂{i}, n = {n}");
        }
    }
}

#[test]
fn loop_whose_trip_count_depends_on_the_input() {
    // y = xⁿ with n the first power at or above 1000: n = 18 at 1.5, 7 at 3, 10 at 2.
    for (x0, n) in [(1.5_f64, 18), (3.0, 7), (2.0, 10)] {
        let tape = Tape::new();
        let x = tape.input(x0);
        let (mut y, mut trips) = (x, 1);
        while y.value() < 1000.0 {
            y *= x;
            trips += 1;
        }
        assert_eq!(trips, n, "trip count at {x0}");
        let (v, g) = (y.value(), tape.gradient_vec(y));
        assert_close!(v, x0.powi(n), REL64, 0.0);
        assert_close!(
            g[0],
            f64::from(n) * x0.powi(n - 1),
            REL64,
            0.0,
            "d/dx at {x0}"
        );
    }
}

#[test]
fn newton_iteration_to_convergence() {
    // √a by Newton's method until the residual vanishes: the trip count depends on a, and
    // the derivative of the converged iterate is that of √a, 1/(2√a).
    let mut trips_seen = Vec::new();
    for a0 in [0.01, 2.0, 10.0, 1e6] {
        let tape = Tape::new();
        let a = tape.input(a0);
        let mut y = tape.constant(1.0);
        let mut trips = 0;
        while (y.value() * y.value() - a0).abs() > 4.0 * f64::EPSILON * a0 {
            y = 0.5 * (y + a / y);
            trips += 1;
        }
        trips_seen.push(trips);
        assert_close!(y.value(), a0.sqrt(), REL64, 0.0);
        assert_close!(
            tape.gradient_vec(y)[0],
            0.5 / a0.sqrt(),
            REL64,
            0.0,
            "at {a0}"
        );
    }
    assert!(
        trips_seen.windows(2).any(|w| w[0] != w[1]),
        "{trips_seen:?}"
    );
}

#[test]
fn branch_on_a_value() {
    // f = x ln x above 1, sin x − x² at or below 1.
    let f = |x0: f64| {
        let tape = Tape::new();
        let x = tape.input(x0);
        let y = if x.value() > 1.0 {
            x * x.ln()
        } else {
            x.sin() - x * x
        };
        tape.gradient_vec(y)[0]
    };
    for x in [1.5, 4.0] {
        assert_close!(f(x), x.ln() + 1.0);
    }
    for x in [-2.0, 0.5, 1.0] {
        assert_close!(f(x), x.cos() - 2.0 * x);
    }
}

#[test]
fn a_value_that_does_not_reach_the_output_contributes_nothing() {
    // √x at 0 has derivative +∞; it is computed, then a branch does not use it.
    let tape = Tape::new();
    let x = tape.input(0.0);
    let root = x.sqrt();
    let y = if root.value() > 1.0 {
        root
    } else {
        3.0 * x + 1.0
    };
    assert_eq!(tape.gradient_vec(y), [3.0]);
    // The same for vjp, with a dead node (NaN partial) below a live one.
    let _dead = (x - 1.0).sqrt();
    let z = (x + 1.0).ln();
    let mut g = [0.0];
    tape.vjp(&[y, z], &[1.0, 2.0], &mut g);
    assert_eq!(g, [3.0 + 2.0]);
}

#[test]
fn a_zero_adjoint_times_an_infinite_partial_is_nan_as_in_the_static_engine() {
    // 0·√x at 0: the product's adjoint to √x is 0, its partial +∞; both engines give NaN.
    let (x,) = vars();
    let f = 0.0 * x.sqrt();
    let (_, g) = gradient(&f, [0.0]);
    assert!(g[0].is_nan());
    let tape = Tape::new();
    let (_, y) = tape.record(&f, [0.0]);
    assert!(tape.gradient_vec(y)[0].is_nan());
}

#[test]
fn record_black_scholes_against_its_greeks() {
    let f = black_scholes();
    let mut tape = Tape::new();
    for m in MARKETS {
        tape.clear();
        let (inputs, y) = tape.record(&f, m);
        assert_eq!(inputs.map(|h| h.value()), m);
        let mut g = [0.0; 5];
        let v = tape.gradient(y, &mut g);
        let (price, greeks) = black_scholes_closed(m);
        assert_close!(v, price, 1e-12, 1e-12);
        for i in 0..5 {
            assert_close!(g[i], greeks[i], 1e-10, 1e-12, "greek {i} at {m:?}");
        }
    }
}

#[test]
fn recorded_gradients_are_the_static_ones_to_rounding() {
    // The tape multiplies the same partials, but folds a chain of one-operand operations
    // into one factor before the adjoint meets it, where the static sweep multiplies the
    // adjoint by each in turn: each product differs by a rounding or two, and a sum of
    // such products that cancels (the Black-Scholes delta) by a few units of the last
    // place of its terms.
    fn agree<E: Expr<f64>, const N: usize>(f: &E, p: [f64; N])
    where
        [f64; N]: tapeless::Point<f64>,
    {
        let (v, g) = gradient(f, p);
        let tape = Tape::new();
        let (_, y) = tape.record(f, p);
        assert_eq!(y.value(), v);
        for (i, t) in tape.gradient_vec(y).into_iter().enumerate() {
            let s = g[i];
            let tolerance = 64.0 * f64::EPSILON * t.abs().max(s.abs());
            assert!((t - s).abs() <= tolerance, "∂{i} at {p:?}: {t} vs {s}");
        }
    }
    for p in [[-1.2, 1.0], [0.3, -2.0], [1.0, 1.0]] {
        agree(&rosenbrock_expr(), p);
    }
    for m in MARKETS {
        agree(&black_scholes(), m);
    }
}

#[test]
fn record_shares_a_let_bound_value() {
    // x⁸ by three nested squarings: every value depends on x alone, so no node beside the
    // input, and 8x⁷.
    let (x,) = vars();
    let f = squarings!(x; 1 2 3);
    let tape = Tape::new();
    let (_, y) = tape.record(&f, [1.3]);
    assert_eq!(tape.len(), 1);
    assert_close!(y.value(), 1.3_f64.powi(8));
    assert_close!(tape.gradient_vec(y)[0], 8.0 * 1.3_f64.powi(7));

    // x·y + z depends on three nodes: one node. Bound once, it is recorded once however
    // often the body uses it; copied, it is recorded at each use.
    let (x, y, z) = vars();
    let shared = let_in(x * y + z, |p| p * p + p.sin());
    let copied = (x * y + z) * (x * y + z) + (x * y + z).sin();
    let at = [0.5, -1.5, 2.0];
    let (p, dp) = (
        0.5 * -1.5 + 2.0,
        2.0 * (0.5 * -1.5 + 2.0) + (0.5_f64 * -1.5 + 2.0).cos(),
    );
    let tape = Tape::new();
    let (_, out) = tape.record(&shared, at);
    assert_eq!(tape.len(), 3 + 1);
    assert_close!(out.value(), p * p + p.sin());
    let g = tape.gradient_vec(out);
    assert_close!(g[0], dp * -1.5);
    assert_close!(g[1], dp * 0.5);
    assert_close!(g[2], dp);
    let tape = Tape::new();
    let (_, out) = tape.record(&copied, at);
    // A node per copy, and more to combine them.
    assert!(tape.len() >= 3 + 3, "{} nodes", tape.len());
    assert_close!(tape.gradient_vec(out)[2], dp);
}

#[test]
fn record_takes_only_the_selected_branch() {
    let (x, y, z) = vars();
    let f = select(lt(x, 0.0), x.sin().exp(), x * y + y * z);
    for (p, nodes, d) in [
        // exp(sin x) depends on x alone: no node beside the inputs.
        (-0.5_f64, 3, (-0.5_f64).cos() * (-0.5_f64).sin().exp()),
        // x·y + y·z depends on three nodes: one node.
        (2.0, 3 + 1, 3.0),
    ] {
        let tape = Tape::new();
        let (_, out) = tape.record(&f, [p, 3.0, 4.0]);
        assert_eq!(tape.len(), nodes, "at {p}");
        assert_close!(tape.gradient_vec(out)[0], d);
    }
}

#[test]
fn apply_calls_a_static_kernel_from_a_dynamic_loop() {
    let (a, b) = vars();
    let spring = 0.5 * (a - b - 1.0).powi(2); // a static kernel
    let xs = [0.0, 1.5, 2.0, 4.0];
    let tape = Tape::new();
    let x = tape.inputs(&xs);
    let mut energy = tape.constant(0.0);
    for i in 1..x.len() {
        energy += tape.apply(&spring, &[x.get(i), x.get(i - 1)]);
    }
    // Stretches e = 0.5, −0.5, 1: energy Σ e²/2; ∂/∂xᵢ = eᵢ − eᵢ₊₁.
    assert_eq!(energy.value(), 0.125 + 0.125 + 0.5);
    assert_eq!(
        tape.gradient_vec(energy),
        [-0.5, 0.5 + 0.5, -0.5 - 1.0, 1.0]
    );
}

#[test]
fn clear_keeps_the_memory_and_the_results() {
    let mut tape = Tape::with_capacity(64);
    let cap = tape.capacity();
    assert!(cap >= 64);
    let mut first = [0.0; 2];
    for round in 0..3 {
        tape.clear();
        assert!(tape.is_empty() && tape.num_inputs() == 0);
        let [x, y] = tape.input_array([-1.2, 1.0]);
        let f = (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x).powi(2);
        let mut g = [0.0; 2];
        tape.gradient(f, &mut g);
        assert_eq!(tape.capacity(), cap, "round {round}");
        if round == 0 {
            first = g;
            let (_, r) = rosenbrock(-1.2, 1.0);
            assert_close!(g[0], r[0]);
            assert_close!(g[1], r[1]);
        }
        assert_eq!(g, first, "round {round}");
    }
}

#[test]
fn backprop_and_vjp_add_seeded_gradients() {
    // f₁ = x·y, f₂ = sin x + y².
    let tape = Tape::new();
    let [x, y] = tape.input_array([0.5, 2.0]);
    let (f1, f2) = (x * y, x.sin() + y * y);
    let mut g = [1.0, -1.0];
    assert_eq!(tape.backprop(f1, 3.0, &mut g), 1.0);
    assert_eq!(g, [1.0 + 3.0 * 2.0, -1.0 + 3.0 * 0.5]);
    let mut g = [0.0; 2];
    tape.vjp(&[f1, f2, f1], &[1.0, 10.0, 2.0], &mut g);
    assert_close!(g[0], 3.0 * 2.0 + 10.0 * 0.5_f64.cos());
    assert_close!(g[1], 3.0 * 0.5 + 10.0 * 4.0);
}

#[test]
fn one_operand_operations_fold_into_the_handle() {
    // exp(2·sin x + 1) is a chain on one recorded value: no node beside the input, and
    // the derivative is the product of the chain's factors.
    let x0 = 0.4_f64;
    let tape = Tape::new();
    let x = tape.input(x0);
    let y = (x.sin() * 2.0 + 1.0).exp();
    assert_eq!(tape.len(), 1);
    let e = (2.0 * x0.sin() + 1.0).exp();
    assert_close!(y.value(), e);
    assert_close!(tape.gradient_vec(y)[0], e * 2.0 * x0.cos());

    // A scaled handle meets another recorded value: two terms, both scales multiplied in,
    // still no node.
    let tape = Tape::new();
    let [x, z] = tape.input_array([x0, 1.5]);
    let y = (-x).exp() * (3.0 * z);
    assert_eq!(tape.len(), 2);
    let g = tape.gradient_vec(y);
    assert_close!(g[0], -(-x0).exp() * 4.5);
    assert_close!(g[1], (-x0).exp() * 3.0);

    // The same handle used twice with its scale: d/dx (2x)·(2x) = 8x.
    let tape = Tape::new();
    let x = tape.input(x0);
    let two_x = 2.0 * x;
    assert_close!(tape.gradient_vec(two_x * two_x)[0], 8.0 * x0);

    // Scaled outputs seed the sweep with their scale, in vjp as in gradient.
    let tape = Tape::new();
    let [x, z] = tape.input_array([x0, 1.5]);
    let (f1, f2) = (x.sin(), 5.0 - z * x);
    let mut g = [0.0; 2];
    tape.vjp(&[f1, f2], &[2.0, 3.0], &mut g);
    assert_close!(g[0], 2.0 * x0.cos() - 3.0 * 1.5);
    assert_close!(g[1], -3.0 * x0);

    // Constants never reach the tape.
    let tape = Tape::<f64>::new();
    let c = (tape.constant(2.0) * 3.0).sqrt() + 1.0;
    assert_eq!(tape.len(), 0);
    assert_close!(c.value(), 6.0_f64.sqrt() + 1.0);

    // A static kernel applied to scaled handles sees their scales.
    let (a, b) = vars();
    let kernel = a * b;
    let tape = Tape::new();
    let [x, z] = tape.input_array([x0, 1.5]);
    let y = tape.apply(&kernel, &[x.exp(), -z]);
    let g = tape.gradient_vec(y);
    assert_close!(g[0], -x0.exp() * 1.5);
    assert_close!(g[1], -x0.exp());
}

#[test]
fn inputs_made_one_by_one_and_unused_inputs() {
    let tape = Tape::<f64>::new();
    let x = tape.input(2.0);
    let y = x * x;
    let z = tape.input(5.0); // made after an operation; never used
    let w = tape.input(7.0);
    let out = y * w;
    assert_eq!(tape.num_inputs(), 3);
    let g = tape.gradient_vec(out);
    assert_eq!(g, [4.0 * 7.0, 0.0, 4.0]);
    assert!(
        g[1].is_sign_negative(),
        "an input not depended on gets -0, as statically"
    );
    assert_eq!(z.value(), 5.0);
    // A constant output has a zero gradient.
    assert_eq!(tape.gradient_vec(tape.constant(1.0)), [0.0; 3]);
}

#[test]
fn f32_tape() {
    let tape = Tape::<f32>::new();
    let [x, y] = tape.input_array([-1.2_f32, 1.0]);
    let f = (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x).powi(2);
    let g = tape.gradient_vec(f);
    let (v, r) = rosenbrock(f64::from(-1.2_f32), 1.0);
    assert_close!(f.value(), v, REL32, ABS32);
    assert_close!(g[0], r[0], REL32, ABS32);
    assert_close!(g[1], r[1], REL32, ABS32);
}

#[test]
fn bytes_per_node() {
    assert_eq!(Tape::<f64>::BYTES_PER_NODE, 32);
    assert_eq!(Tape::<f32>::BYTES_PER_NODE, 20);
}

#[test]
fn ten_million_nodes_without_recursion() {
    // yₖ₊₁ = yₖ·a + b from y₀ = x: y_N = x aᴺ + b (aᴺ − 1)/(a − 1). Each operation meets a
    // third node, so two nodes per step (one in the first, where y·a has two terms).
    const STEPS: i32 = 5_000_000;
    let (x0, a0, b0) = (0.75, 1.0 - 1e-7, 1e-3);
    let tape = Tape::with_capacity(2 * STEPS as usize + 2);
    let [x, a, b] = tape.input_array([x0, a0, b0]);
    let mut y = x;
    for _ in 0..STEPS {
        y = y * a + b;
    }
    assert_eq!(tape.len(), 2 * STEPS as usize + 2);
    let mut g = [0.0; 3];
    tape.gradient(y, &mut g);
    let n = f64::from(STEPS);
    let an = a0.powi(STEPS);
    let geometric = (an - 1.0) / (a0 - 1.0);
    // d/da of (aᴺ − 1)/(a − 1) = (N aᴺ⁻¹ (a − 1) − (aᴺ − 1)) / (a − 1)².
    let d_geometric = (n * a0.powi(STEPS - 1) * (a0 - 1.0) - (an - 1.0)) / (a0 - 1.0).powi(2);
    // Rounding over 5·10⁶ steps: allow 1e-7 relative.
    assert_close!(y.value(), x0 * an + b0 * geometric, 1e-7, 0.0);
    assert_close!(g[0], an, 1e-7, 0.0);
    assert_close!(
        g[1],
        x0 * n * a0.powi(STEPS - 1) + b0 * d_geometric,
        1e-7,
        0.0
    );
    assert_close!(g[2], geometric, 1e-7, 0.0);
}

#[test]
#[should_panic(expected = "handles of two different tapes met in one operation")]
fn two_tapes_in_an_operator() {
    let (s, t) = (Tape::new(), Tape::new());
    let _ = s.input(1.0) * t.input(2.0);
}

#[test]
#[should_panic(expected = "handles of two different tapes met in one operation")]
fn two_tapes_in_a_method() {
    let (s, t) = (Tape::new(), Tape::new());
    let _ = s.input(1.0).mul_add(2.0, t.input(2.0));
}

#[test]
#[should_panic(expected = "handles of two different tapes met in one operation")]
fn gradient_of_another_tapes_output() {
    let (s, t) = (Tape::new(), Tape::new());
    let _ = s.input(1.0);
    let y = t.input(2.0).sin();
    let _ = s.gradient_vec(y);
}

#[test]
#[should_panic(expected = "handles of two different tapes met in one operation")]
fn apply_with_another_tapes_handle() {
    let (x,) = vars();
    let (s, t) = (Tape::new(), Tape::new());
    let _ = s.apply(&x.sin(), &[t.input(1.0)]);
}

#[test]
#[should_panic(expected = "the gradient buffer has 1 components but the tape has 2 inputs")]
fn gradient_buffer_of_the_wrong_length() {
    let tape = Tape::new();
    let [x, y] = tape.input_array([1.0, 2.0]);
    tape.gradient(x * y, &mut [0.0]);
}

#[test]
fn an_input_made_after_operations_gets_its_whole_adjoint() {
    // An input made once other nodes are recorded is swept among them. Here the very node
    // above it uses it (u = z·x·y folds (z, x) into that node), so its contribution comes
    // to z in a register, and must still end in z's component. ∇(zxy) = (zy, zx, 0, xy).
    let expected = [7.0 * 3.0, 7.0 * 2.0, 0.0, 2.0 * 3.0];
    let tape = Tape::new();
    let [x, y, w] = tape.input_array([2.0_f64, 3.0, 5.0]);
    let _ = x * y * w; // a node before the next input
    let z = tape.input(7.0);
    let u = z * x * y;
    assert_eq!(tape.gradient_vec(u), expected);

    // The same through the exact sweep: a node below, not reaching the output, has an
    // infinite partial (√0), so the first sweep leaves NaN in x and the second one runs.
    let tape = Tape::new();
    let [x, y, w] = tape.input_array([2.0_f64, 3.0, 5.0]);
    let p = x * y * w;
    let _ = (p - p).sqrt() * x;
    let z = tape.input(7.0);
    let u = z * x * y;
    assert_eq!(tape.gradient_vec(u), expected);
}

#[test]
fn the_last_leading_input_gets_what_the_first_node_carries() {
    // The inputs made before any operation take no node, so the sweep stops above them;
    // what the lowest node contributes to the node just below it, the last of those
    // inputs, is still owed when the loop ends. Here node 5 folds (z, x), z being input 4,
    // in both sweeps. ∇(zxyw) = (zyw, zxw, zxy, xyw).
    let at = [2.0_f64, 3.0, 5.0, 7.0];
    let [x, y, w, z] = at;
    let expected = [z * y * w, z * x * w, z * x * y, x * y * w];
    let tape = Tape::new();
    let [x, y, w, z] = tape.input_array(at);
    let u = z * x * y * w;
    assert_eq!(tape.gradient_vec(u), expected);

    // Through the exact sweep: nodes above node 5 but not reaching the output have an
    // infinite partial (√0), so the first sweep leaves NaN and the second one runs.
    let tape = Tape::new();
    let [x, y, w, z] = tape.input_array(at);
    let q = z * x * y;
    let _ = (x * y - x * y).sqrt() * z * w;
    let u = q * w;
    assert_eq!(tape.gradient_vec(u), expected);
}
