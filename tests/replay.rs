//! Replays against independent references: a new recording at the same point (to the
//! last bit), the ordinary tape (within a stated bound), central finite differences,
//! closed forms, and the static engine's Hessian-vector product.

#[macro_use]
mod common;

use common::*;
use proptest::prelude::*;
use tapeless::prelude::*;
use tapeless::rules::UnaryRule;
use tapeless::tape::{Inputs, Replay, ReplayError, Var};
use tapeless::{tape_gradient, tape_gradients};

/// The extended Rosenbrock function of any even number of inputs.
fn rosenbrock_n<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
    let mut y = x.get(0) * 0.0;
    for i in 0..x.len() / 2 {
        let (a, b) = (x.get(2 * i), x.get(2 * i + 1));
        y += 100.0 * (b - a * a).square() + (a - 1.0).square();
    }
    y
}

/// Most rules of the crate, on inputs in (0.1, 0.9): their domains hold there.
fn many_rules<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
    let (a, b, c) = (x.get(0), x.get(1), x.get(2));
    let s = a.sin() * b.cos() + c.tan() - a.exp() / b.ln_1p() + c.sqrt().ln();
    let t = a.atan2(b) + b.hypot(c) * a.powi(3) - c.powf(1.5) + a.pow(b);
    let u = a.mul_add(b, c) + a.tanh() * b.sigmoid() - c.softplus() + a.erf();
    let v = a.asin() + b.acos() * c.atan() + (a + 1.0).acosh() - b.asinh() + c.atanh();
    let w = a.cbrt() + b.exp2() - c.exp_m1() + a.log2() * b.log10() + c.recip() - a.sinh()
        + b.cosh()
        - (-c).abs();
    s * t + u / v - w.max(a).min(b + 2.0) + w.square()
}

/// A data-dependent branch written with recorded comparisons.
fn branchy<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
    let (x0, x1) = (x.get(0), x.get(1));
    if x0.gt(x1) { x0 * x0 } else { x1.sin() }
}

/// The gradient of an ordinary recording of `f` at `x`.
fn taped(x: &[f64], f: impl for<'t> FnOnce(Inputs<'t, f64>) -> Var<'t, f64>) -> (f64, Vec<f64>) {
    tape_gradient(x, f)
}

/// Value and gradient of a fresh recording for replay at `x`, through its tape's own sweep.
fn traced(x: &[f64], f: impl for<'t> FnOnce(Inputs<'t, f64>) -> Var<'t, f64>) -> (f64, Vec<f64>) {
    let tape = Tape::for_replay();
    let y = f(tape.inputs(x));
    (y.value(), tape.gradient_vec(y))
}

/// The bound of a replay against the ordinary tape: the same partials, multiplied in
/// another order (the tape folds chains first), so a few ulps of each product; 1e-13
/// relative plus 1e-13 of the largest component covers the sums of terms of both signs.
fn assert_near_tape(r: (f64, &[f64]), t: (f64, &[f64])) {
    let scale = t.1.iter().fold(t.0.abs(), |m, g| m.max(g.abs()));
    assert_close!(r.0, t.0, 1e-13, 1e-13 * scale, "value");
    for (k, (a, b)) in r.1.iter().zip(t.1).enumerate() {
        assert_close!(*a, *b, 1e-13, 1e-13 * scale, "component {k}");
    }
}

fn replay_matches_references(
    f: impl for<'t> Fn(Inputs<'t, f64>) -> Var<'t, f64> + Copy,
    at: &[f64],
    points: &[Vec<f64>],
) {
    let mut r = Replay::record(at, f);
    let mut g = vec![0.0; at.len()];
    for p in points {
        let v = r.gradient(p, &mut g).expect("no branch");
        // A new recording at p, to the last bit.
        let (tv, tg) = traced(p, f);
        assert_eq!(v.to_bits(), tv.to_bits(), "value at {p:?}");
        // The value alone (no partials kept) is the same number.
        assert_eq!(
            r.value(p).map(f64::to_bits),
            Ok(tv.to_bits()),
            "value at {p:?}"
        );
        for (a, b) in g.iter().zip(&tg) {
            assert_eq!(
                a.to_bits(),
                b.to_bits(),
                "gradient at {p:?}: {g:?} vs {tg:?}"
            );
        }
        let mut fresh = Replay::record(p, f);
        let mut g2 = vec![0.0; p.len()];
        assert_eq!(fresh.gradient(p, &mut g2), Ok(v));
        assert_eq!(g, g2);
        // The ordinary tape, within the stated bound.
        let (ov, og) = taped(p, f);
        assert_near_tape((v, &g), (ov, &og));
    }
}

#[test]
fn replay_is_a_new_recording_on_rosenbrock() {
    let at: Vec<f64> = (0..20)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    let points: Vec<Vec<f64>> = (0..5)
        .map(|k| {
            (0..20)
                .map(|i| ((i * 7 + k * 3) as f64 * 0.37).sin())
                .collect()
        })
        .collect();
    replay_matches_references(rosenbrock_n, &at, &points);
    // And against the hand-written gradient.
    let mut r = Replay::record(&at, rosenbrock_n);
    let p = &points[2];
    let mut g = vec![0.0; 20];
    r.gradient(p, &mut g).unwrap();
    for i in 0..10 {
        let (a, b) = (p[2 * i], p[2 * i + 1]);
        assert_close!(g[2 * i], -400.0 * a * (b - a * a) + 2.0 * (a - 1.0));
        assert_close!(g[2 * i + 1], 200.0 * (b - a * a));
    }
}

#[test]
fn replay_of_many_rules_agrees_with_finite_differences() {
    let at = [0.3, 0.6, 0.45];
    let p = [0.7, 0.2, 0.55];
    replay_matches_references(many_rules, &at, &[p.to_vec()]);
    let mut r = Replay::record(&at, many_rules);
    let mut g = [0.0; 3];
    r.gradient(&p, &mut g).unwrap();
    let primal = |x: [f64; 3]| taped(&x, many_rules).0;
    for (i, gi) in g.iter().enumerate() {
        assert_fd!(*gi, fd_partial(primal, p, i), "input {i}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn replay_at_random_points_is_a_new_recording(
        p in proptest::collection::vec(-2.0..2.0_f64, 6),
        q in proptest::collection::vec(0.1..0.9_f64, 3),
    ) {
        let at = [0.5, -0.5, 1.0, 2.0, -1.0, 0.25];
        replay_matches_references(rosenbrock_n, &at, &[p]);
        replay_matches_references(many_rules, &[0.3, 0.6, 0.45], &[q]);
    }
}

#[test]
fn a_branch_on_the_same_side_replays_exactly() {
    let mut r = Replay::record(&[2.0, 1.0], branchy);
    assert_eq!(r.num_comparisons(), 1);
    let mut g = [0.0; 2];
    for (x0, x1) in [(3.0, 0.5), (1.5, 1.25), (-1.0, -2.0)] {
        assert_eq!(r.gradient(&[x0, x1], &mut g), Ok(x0 * x0));
        assert_eq!(g, [2.0 * x0, -0.0]);
    }
    // The other side, recorded there, is exact too.
    let mut r = Replay::record(&[0.0, 1.0], branchy);
    assert_eq!(r.gradient(&[-3.0, 2.0], &mut g), Ok(2.0_f64.sin()));
    assert_eq!(g, [-0.0, 2.0_f64.cos()]);
}

#[test]
fn a_branch_across_reports_the_changed_comparison() {
    let mut r = Replay::record(&[2.0, 1.0], branchy);
    let mut g = [7.0; 2];
    let e = r.gradient(&[0.0, 1.0], &mut g).unwrap_err();
    assert_eq!(
        e,
        ReplayError::BranchChanged {
            comparison: 0,
            symbol: ">",
            recorded: true
        }
    );
    assert_eq!(g, [7.0; 2], "the gradient buffer is left alone");
    assert!(e.to_string().contains("record it again"));
    assert_eq!(r.value(&[0.0, 1.0]), Err(e));
    // The first of several comparisons that changed is the one named.
    let mut r = Replay::record(&[1.0, 2.0, 3.0], |x| {
        let (a, b, c) = (x.get(0), x.get(1), x.get(2));
        let mut y = a;
        if a.lt(b) {
            y += b;
        }
        if b.le(c) {
            y *= c;
        }
        if c.ge(10.0) {
            y = y.sin();
        }
        y
    });
    assert_eq!(r.num_comparisons(), 3);
    assert_eq!(r.value(&[1.0, 2.0, 3.5]), Ok(3.0 * 3.5));
    let changed = |x: [f64; 3]| match Replay::value(&mut r.clone(), &x) {
        Err(ReplayError::BranchChanged { comparison, .. }) => Some(comparison),
        _ => None,
    };
    assert_eq!(changed([1.0, 4.0, 3.0]), Some(1));
    assert_eq!(changed([5.0, 4.0, 3.0]), Some(0));
    assert_eq!(changed([1.0, 2.0, 30.0]), Some(2));
}

#[test]
fn a_static_select_is_checked_too() {
    let (x, y) = vars();
    let f = select(gt(x, y), x * x, y.sin());
    let mut r = Replay::record_expr(&f, [2.0, 1.0]);
    let mut g = [0.0; 2];
    assert_eq!(r.gradient(&[3.0, 0.5], &mut g), Ok(9.0));
    let (v, sg) = gradient(&f, [3.0, 0.5]);
    assert_eq!((9.0, &g[..]), (v, &sg[..]));
    assert!(matches!(
        r.gradient(&[0.0, 0.5], &mut g),
        Err(ReplayError::BranchChanged { comparison: 0, .. })
    ));
}

#[test]
fn max_min_and_abs_choose_again_on_replay() {
    fn f<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
        x.get(0).max(x.get(1)) * x.get(2).abs() - x.get(0).min(x.get(2))
    }
    let mut r = Replay::record(&[1.0, 2.0, 3.0], f);
    let mut g = [0.0; 3];
    // Every choice flips: max → x₀, abs → −x₂, min → x₂.
    let v = r.gradient(&[3.0, 2.0, -1.0], &mut g).unwrap();
    assert_eq!(v, 3.0 * 1.0 - (-1.0));
    assert_eq!(g, [1.0, 0.0, -3.0 - 1.0]);
}

#[test]
fn hvp_on_a_replay_is_the_static_engines() {
    let (x, y, z) = vars();
    let f = (x * y.sin() + z.exp() * x).powi(2) / (1.0 + y * y) + (x * z).tanh();
    let mut r = Replay::record_expr(&f, [0.1, 0.2, 0.3]);
    let (mut g, mut hv) = ([0.0; 3], [0.0; 3]);
    for (p, v) in [
        ([0.5, -1.0, 0.25], [1.0, 0.0, 0.0]),
        ([1.5, 0.3, -0.7], [0.3, -2.0, 1.0]),
    ] {
        let value = r.hvp(&p, &v, &mut g, &mut hv).unwrap();
        let (sv, sg, shv) = hvp(&f, p, v);
        assert_close!(value, sv);
        for k in 0..3 {
            assert_close!(g[k], sg[k]);
            assert_close!(hv[k], shv[k]);
        }
        // The gradient of the dual replay is the plain replay's.
        let mut g1 = [0.0; 3];
        r.gradient(&p, &mut g1).unwrap();
        assert_eq!(g, g1);
    }
    // Across a branch, the product is refused as the gradient is.
    let mut r = Replay::record(&[2.0, 1.0], branchy);
    let (mut g, mut hv) = ([0.0; 2], [0.0; 2]);
    assert_eq!(r.hvp(&[3.0, 1.0], &[1.0, 1.0], &mut g, &mut hv), Ok(9.0));
    assert_eq!(hv, [2.0, 0.0]);
    assert!(r.hvp(&[0.0, 1.0], &[1.0, 1.0], &mut g, &mut hv).is_err());
}

/// A rule defined outside the crate: `x³`, derivative `3x²`.
#[derive(Clone, Copy)]
struct Cube;
impl UnaryRule for Cube {
    const NAME: &'static str = "cube";
    fn value<T: Scalar>(self, x: T) -> T {
        x * x * x
    }
    fn eval<T: Scalar>(self, x: T) -> (T, T) {
        (x * x * x, T::from_f64(3.0) * x * x)
    }
}

#[test]
fn a_foreign_rule_is_recorded_but_not_replayed() {
    let tape = Tape::for_replay();
    let x = tape.input(2.0);
    let y = x.unary(Cube) + x;
    assert_eq!(tape.gradient_vec(y), [13.0]);
    let mut r = tape.replay(y);
    assert_eq!(
        r.value(&[1.0]),
        Err(ReplayError::ForeignRule { name: "cube" })
    );
}

#[test]
fn comparisons_on_an_ordinary_tape_are_plain() {
    let tape = Tape::new();
    let [x, y] = tape.input_array([1.0, f64::NAN]);
    assert!(x.lt(2.0) && x.le(1.0) && !x.gt(1.0) && x.ge(1.0));
    assert!(!x.lt(y) && !x.ge(y), "NaN compares false");
}

#[test]
fn a_replay_of_a_constant_or_an_input() {
    let mut r = Replay::record(&[1.0, 2.0], |x| x.get(1));
    let mut g = [0.0; 2];
    assert_eq!(r.gradient(&[5.0, 7.0], &mut g), Ok(7.0));
    assert_eq!(g, [-0.0, 1.0]);
    let mut r = Replay::record(&[1.0], |x| x.get(0).tape().constant(4.0));
    let mut g = [0.0; 1];
    assert_eq!(r.gradient(&[5.0], &mut g), Ok(4.0));
    assert_eq!(g, [-0.0]);
}

#[test]
fn an_unused_infinite_partial_does_not_poison_the_gradient() {
    // √x at 0 has an infinite partial; the output does not use it.
    let mut r = Replay::record(&[1.0, 1.0], |x| {
        let _ = x.get(0).sqrt();
        x.get(0) * x.get(1)
    });
    let mut g = [0.0; 2];
    assert_eq!(r.gradient(&[0.0, 3.0], &mut g), Ok(0.0));
    assert_eq!(g, [3.0, 0.0]);
}

/// Replays of static expressions (Rosenbrock, Black-Scholes with its lets and `erf`)
/// against a new recording for replay (to the bit) and the static engine (1e-12).
#[test]
fn replays_of_static_expressions_match_the_static_engine() {
    fn check<E: Expr<f64>, const N: usize>(f: &E, at: [f64; N], points: &[[f64; N]])
    where
        [f64; N]: tapeless::Point<f64>,
        tapeless::typenum::Const<N>: generic_array::IntoArrayLength,
    {
        let mut r = Replay::record_expr(f, at);
        let mut g = [0.0; N];
        for &p in points {
            let v = r.gradient(&p, &mut g).unwrap();
            let mut fresh = Replay::record_expr(f, p);
            let mut g2 = [0.0; N];
            assert_eq!(
                fresh.gradient(&p, &mut g2).map(f64::to_bits),
                Ok(v.to_bits())
            );
            assert_eq!(g.map(f64::to_bits), g2.map(f64::to_bits));
            let (sv, sg) = gradient(f, p);
            assert_close!(v, sv);
            for k in 0..N {
                assert_close!(g[k], sg[k], REL64, 1e-12 * sv.abs().max(1.0));
            }
        }
    }
    check(
        &rosenbrock_expr(),
        [-1.2, 1.0],
        &[[0.5, 0.25], [2.0, -1.0], [1.0, 1.0]],
    );
    let bs = [100.0, 95.0, 0.03, 0.2, 0.75];
    check(
        &black_scholes(),
        bs,
        &[
            [105.0, 100.0, 0.01, 0.3, 1.5],
            [80.0, 120.0, 0.05, 0.1, 0.25],
        ],
    );
    // And the closed-form greeks of Black-Scholes.
    let mut r = Replay::record_expr(&black_scholes(), bs);
    let p = [105.0, 100.0, 0.01, 0.3, 1.5];
    let mut g = [0.0; 5];
    let v = r.gradient(&p, &mut g).unwrap();
    let (cv, cg) = black_scholes_closed(p);
    assert_close!(v, cv, 1e-10, 1e-12);
    for k in 0..5 {
        assert_close!(g[k], cg[k], 1e-10, 1e-12, "greek {k}");
    }
}

#[test]
fn tape_gradients_records_once_and_again_where_a_branch_changes() {
    // Four points of two inputs; the third crosses the branch of `branchy`.
    let points = [2.0, 1.0, 3.0, 0.5, 0.0, 1.0, 4.0, -1.0];
    let (mut values, mut grads) = ([0.0; 4], [0.0; 8]);
    let recordings = tape_gradients(&points, &mut values, &mut grads, branchy);
    assert_eq!(recordings, 3, "the first point, the crossing, and back");
    assert_eq!(values, [4.0, 9.0, 1.0_f64.sin(), 16.0]);
    assert_eq!(
        grads,
        [4.0, -0.0, 6.0, -0.0, -0.0, 1.0_f64.cos(), 8.0, -0.0]
    );
}

#[test]
fn a_replay_tape_takes_late_inputs_static_kernels_and_seeded_sweeps() {
    let (a, b) = vars();
    let kernel = (a - b).powi(2) + a.sin();
    let tape = Tape::for_replay();
    let x = tape.input(0.5);
    let s = x.exp();
    let y = tape.input(2.0); // an input made after an operation
    let out = tape.apply(&kernel, &[s, y]) * y;
    // The tape's own sweeps, against the closed form.
    let f = |x: f64, y: f64| ((x.exp() - y).powi(2) + x.exp().sin()) * y;
    let dfx = |x: f64, y: f64| (2.0 * (x.exp() - y) + x.exp().cos()) * x.exp() * y;
    let dfy = |x: f64, y: f64| -2.0 * (x.exp() - y) * y + (x.exp() - y).powi(2) + x.exp().sin();
    let g = tape.gradient_vec(out);
    assert_close!(out.value(), f(0.5, 2.0));
    assert_close!(g[0], dfx(0.5, 2.0));
    assert_close!(g[1], dfy(0.5, 2.0));
    let mut v = [1.0, 1.0];
    tape.vjp(&[out, y], &[2.0, 3.0], &mut v);
    assert_close!(v[0], 1.0 + 2.0 * dfx(0.5, 2.0));
    assert_close!(v[1], 1.0 + 2.0 * dfy(0.5, 2.0) + 3.0);
    // The replay at another point.
    let mut r = tape.replay(out);
    assert_eq!(r.num_inputs(), 2);
    let mut g = [0.0; 2];
    let value = r.gradient(&[-0.25, 1.5], &mut g).unwrap();
    assert_close!(value, f(-0.25, 1.5));
    assert_close!(g[0], dfx(-0.25, 1.5));
    assert_close!(g[1], dfy(-0.25, 1.5));
}

/// [`branchy`] with both branches recorded (`cond`): a replay chooses again.
fn branchy_cond<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
    let (x0, x1) = (x.get(0), x.get(1));
    x0.cond(tapeless::Gt, x1, x0 * x0, x1.sin())
}

#[test]
fn a_cond_replays_across_its_branch_exactly() {
    let mut r = Replay::record(&[2.0, 1.0], branchy_cond);
    assert_eq!(
        r.num_comparisons(),
        0,
        "nothing to check: both branches are recorded"
    );
    let (mut g, mut hv) = ([0.0; 2], [0.0; 2]);
    for p in [[3.0, 0.5], [0.0, 0.5], [-1.0, 2.0], [5.0, 4.0]] {
        let v = r.gradient(&p, &mut g).unwrap();
        // Closed forms of the branch taken at p.
        let (cv, cg) = if p[0] > p[1] {
            (p[0] * p[0], [2.0 * p[0], 0.0])
        } else {
            (p[1].sin(), [0.0, p[1].cos()])
        };
        assert_eq!(v, cv, "at {p:?}");
        assert_eq!(g, cg, "at {p:?}");
        // A new recording at p, to the bit; and the ordinary tape.
        let mut fresh = Replay::record(&p, branchy_cond);
        let mut g2 = [0.0; 2];
        assert_eq!(fresh.gradient(&p, &mut g2), Ok(v));
        assert_eq!(g, g2);
        let (tv, tg) = taped(&p, branchy);
        assert_eq!((v, g[0] + 0.0, g[1] + 0.0), (tv, tg[0] + 0.0, tg[1] + 0.0));
        // Second order too: H = diag(2, 0) or diag(0, −sin x₁).
        r.hvp(&p, &[1.0, 1.0], &mut g, &mut hv).unwrap();
        let h = if p[0] > p[1] {
            [2.0, 0.0]
        } else {
            [0.0, -p[1].sin()]
        };
        assert_eq!(hv, h, "at {p:?}");
    }
    // On an ordinary tape, the chosen handle.
    let tape = Tape::new();
    let [a, b] = tape.input_array([1.0, 2.0]);
    assert_eq!(
        tape.gradient_vec(a.cond(tapeless::Lt, b, a * b, b)),
        [2.0, 1.0]
    );
}
