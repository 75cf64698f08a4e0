//! Rules of one's own: the Lambert W function of the `lambert_w` example, written once as a
//! `UnaryRule`, against its closed-form derivative, finite differences, and in every engine
//! (static, tape, dual, recorded), first and second order.

#[macro_use]
mod common;
#[path = "../examples/lambert_w/rule.rs"]
mod rule;

use common::{FD_ABS, FD_REL, central, fd_partial, step_near};
use rule::LambertW;
use tapeless::prelude::*;
use tapeless::rules::UnaryRule;
use tapeless::tape::{Inputs, Var};
use tapeless::{Dual, hessian, hvp, tape_hvp};

/// Values `w` of W; the points are `x = w·eʷ`, so `W(x) = w` up to the rounding of `x`.
/// From near the branch point `−1/e` (w = −0.95) to large `x` (w = 600: x ≈ 2e263).
const WS: [f64; 9] = [-0.95, -0.7, -0.3, 1e-8, 0.25, 1.0, 3.0, 20.0, 600.0];

/// `W'(x)` from the closed form `W/(x(1 + W))` at `x = w·eʷ`.
fn closed_form(w: f64, x: f64) -> f64 {
    w / (x * (1.0 + w))
}

#[test]
fn value_and_derivative_against_the_closed_form() {
    for w in WS {
        let x = w * w.exp();
        let (v, d) = LambertW.eval(x);
        // x's rounding moves W by at most |x|ε·W'(x): with ε = 1.1e-16 that is below 1e-14
        // relative for these points (W' grows like 1/(1 + W) near the branch point).
        assert_close!(v, w, 1e-13, 1e-300, "W({x:e})");
        assert_eq!(LambertW.value(x), v, "value and eval agree at {x:e}");
        assert_close!(d, closed_form(w, x), 1e-12, 0.0, "W'({x:e})");
    }
    // x = 0: W = 0 and W' = 1 (the limit of W/(x(1 + W))).
    assert_eq!(LambertW.eval(0.0), (0.0, 1.0));
    // At 1/e·(−1) the value is −1 (to the precision √ε the branch point allows), the
    // derivative infinite or very large; below it, NaN.
    let b = -(-1.0_f64).exp();
    let (v, d) = LambertW.eval(b);
    assert_close!(v, -1.0, 0.0, 1e-7, "W(-1/e)");
    assert!(d > 1e6, "W'(-1/e) = {d}");
    assert!(LambertW.eval(-0.4).0.is_nan());
    // Large x with an independent check: the residual of w + ln w = ln x.
    for x in [1e10, 1e100, 1e300, f64::MAX] {
        let (w, d) = LambertW.eval(x);
        assert_close!(w + w.ln(), x.ln(), 1e-15, 0.0, "W({x:e})");
        // The other closed form, 1/(eᵂ(1 + W)), where eᵂ does not overflow.
        if w < 700.0 {
            assert_close!(d, 1.0 / (w.exp() * (1.0 + w)), 1e-12, 0.0, "W'({x:e})");
        }
    }
    // Known constant: W(1) = Ω, the omega constant.
    assert_close!(LambertW.value(1.0), 0.567_143_290_409_783_8, 1e-15, 0.0);
}

#[test]
fn derivative_against_finite_differences() {
    for w in WS {
        let x = w * w.exp();
        // The step keeps clear of the branch point, where W' is infinite.
        let h = step_near(x, x.abs().max(1.0), &[-(-1.0_f64).exp()]);
        let fd = central(|t| LambertW.value(t), x, h);
        assert_fd!(LambertW.eval(x).1, fd, "W'({x:e})");
    }
    let fd = central(|t| LambertW.value(t), 0.0, 1e-6);
    assert_fd!(LambertW.eval(0.0).1, fd, "W'(0)");
}

/// `f(x, y) = W(x·y) + y·W(x)` and its gradient by hand from the closed form.
fn by_hand(x: f64, y: f64) -> (f64, [f64; 2]) {
    let (wxy, dxy) = (
        LambertW.value(x * y),
        closed_form(LambertW.value(x * y), x * y),
    );
    let (wx, dx) = (LambertW.value(x), closed_form(LambertW.value(x), x));
    (wxy + y * wx, [y * dxy + y * dx, x * dxy + wx])
}

const POINTS: [[f64; 2]; 4] = [[1.5, 2.0], [-0.2, 1.3], [40.0, 0.5], [0.3, -1.1]];

fn static_f() -> impl Expr<f64> + Expr<Dual<f64>> + Copy {
    let (x, y) = vars();
    apply(LambertW, x * y) + y * x.apply(LambertW)
}

fn tape_f<'t, S: Scalar>(v: Inputs<'t, S>) -> Var<'t, S> {
    let (x, y) = (v.get(0), v.get(1));
    (x * y).apply(LambertW) + y * x.apply(LambertW)
}

fn dual_f(p: [f64; 2]) -> (f64, [f64; 2]) {
    let x = Dual::<f64, 2>::variable(p[0], 0);
    let y = Dual::<f64, 2>::variable(p[1], 1);
    let f = (x * y).apply(LambertW) + y * x.apply(LambertW);
    (f.re, f.eps)
}

#[test]
fn static_engine() {
    for p in POINTS {
        let (v, g) = gradient(&static_f(), p);
        let (hv, hg) = by_hand(p[0], p[1]);
        assert_close!(v, hv);
        assert_close!(g[0], hg[0]);
        assert_close!(g[1], hg[1]);
        // The other engines, to the last bit: the same rule, the same operations.
        assert_eq!((v, g.into_array()), dual_f(p), "static vs dual at {p:?}");
    }
}

#[test]
fn tape_engine() {
    for p in POINTS {
        let tape = Tape::new();
        let y = tape_f(tape.inputs(&p));
        let g = tape.gradient_vec(y);
        let (hv, hg) = by_hand(p[0], p[1]);
        assert_close!(y.value(), hv);
        assert_close!(g[0], hg[0]);
        assert_close!(g[1], hg[1]);
        let (sv, sg) = gradient(&static_f(), p);
        assert_eq!(
            (y.value(), g.as_slice()),
            (sv, &sg[..]),
            "tape vs static at {p:?}"
        );
        // The static expression recorded onto a tape, too.
        let tape = Tape::new();
        let (_, r) = tape.record(&static_f(), p);
        assert_eq!(tape.gradient_vec(r), g, "recorded vs tape at {p:?}");
    }
}

#[test]
fn dual_engine() {
    for p in POINTS {
        let (v, g) = dual_f(p);
        let (hv, hg) = by_hand(p[0], p[1]);
        assert_close!(v, hv);
        assert_close!(g[0], hg[0]);
        assert_close!(g[1], hg[1]);
        let tape = Tape::new();
        let y = tape_f(tape.inputs(&p));
        assert_eq!(tape.gradient_vec(y), g, "dual vs tape at {p:?}");
    }
    // W itself on a dual number, at x = 0 and near the branch point.
    for w in [0.0, -0.9, 2.0] {
        let x = w * f64::exp(w);
        let d = Dual::new(x, 1.0).apply(LambertW);
        assert_eq!((d.re, d.tangent()), LambertW.eval(x));
    }
}

/// `H·v` against central differences of the gradient along `v`.
#[test]
fn hvp_against_finite_differences_of_the_gradient() {
    let f = static_f();
    for p in POINTS {
        for v in [[1.0, 0.0], [0.0, 1.0], [0.6, -0.8]] {
            let (_, g, hv) = hvp(&f, p, v);
            assert_eq!(g, gradient(&f, p).1);
            for i in 0..2 {
                let fd = central(
                    |t| gradient(&f, [p[0] + t * v[0], p[1] + t * v[1]]).1[i],
                    0.0,
                    1e-6 * p[0].abs().min(p[1].abs()).max(0.1),
                );
                assert_fd!(hv[i], fd, "(H·v)[{i}] at {p:?} along {v:?}");
            }
            // The tape's forward-over-reverse agrees.
            let (_, _, thv) = tape_hvp(&p, &v, tape_f);
            assert_close!(thv[0], hv[0], 1e-13, 1e-15);
            assert_close!(thv[1], hv[1], 1e-13, 1e-15);
        }
        // The Hessian is symmetric and its diagonal matches second differences.
        let (_, _, h) = hessian(&f, p);
        assert_close!(h[0][1], h[1][0], 1e-13, 1e-15);
        let fd = fd_partial(|q| gradient(&f, q).1[0], p, 0);
        assert_close!(h[0][0], fd.slope, FD_REL, FD_ABS + fd.noise);
    }
    // W''(x) = −W²(W + 2)/(x²(1 + W)³), at x = 0 the limit −2.
    let (x,) = vars();
    for w in [0.0, -0.8, 0.5, 4.0] {
        let p = w * f64::exp(w);
        let (_, _, hv) = hvp(&x.apply(LambertW), [p], [1.0]);
        let exact = if p == 0.0 {
            -2.0
        } else {
            -w * w * (w + 2.0) / (p * p * (1.0 + w).powi(3))
        };
        assert_close!(hv[0], exact, 1e-11, 1e-15, "W''({p:e})");
    }
}

/// W through the `f64`-only path, as a foreign library would give it: `(W, W')` in `f64`.
#[derive(Clone, Copy)]
struct ForeignW;

impl tapeless::rules::F64Rule for ForeignW {
    const NAME: &'static str = "foreign_w";
    fn eval(self, x: f64) -> (f64, f64) {
        let w = rule::lambert_w(x);
        (w, if x == 0.0 { 1.0 } else { closed_form(w, x) })
    }
}

#[test]
fn f64_only_rule_in_the_first_order_engines() {
    let (x, y) = vars();
    let f = apply_f64(ForeignW, x * y) + y * apply_f64(ForeignW, x);
    for p in POINTS {
        let (v, g) = gradient(&f, p);
        let (hv, hg) = by_hand(p[0], p[1]);
        assert_close!(v, hv);
        assert_close!(g[0], hg[0]);
        assert_close!(g[1], hg[1]);
        // The same numbers as the generic rule: W and W/(x(1 + W)) computed alike.
        assert_eq!(
            gradient(&static_f(), p),
            (v, g),
            "f64 rule vs generic at {p:?}"
        );
        // Tape handles and recording.
        let tape = Tape::new();
        let [a, b] = tape.input_array(p);
        let h = (a * b).apply_f64(ForeignW) + b * a.apply_f64(ForeignW);
        assert_eq!((h.value(), tape.gradient_vec(h)), (v, g.to_vec()));
        let tape = Tape::new();
        let (_, r) = tape.record(&f, p);
        assert_eq!(tape.gradient_vec(r), g.to_vec(), "recorded at {p:?}");
        // f32, evaluated through f64, against the f64 closed form.
        let q = [p[0] as f32, p[1] as f32];
        let (_, g32) = gradient(&f, q);
        let (_, hq) = by_hand(f64::from(q[0]), f64::from(q[1]));
        assert_close!(g32[0], hq[0], common::REL32, common::ABS32);
        assert_close!(g32[1], hq[1], common::REL32, common::ABS32);
    }
}

/// A rule written for `f64` only cannot be run again by a replay: recorded through handles
/// or from a static expression, the replay says so instead of giving a gradient of the
/// recording point.
#[test]
fn a_replay_of_an_f64_only_rule_is_refused() {
    use tapeless::tape::{Replay, ReplayError};
    let refused = |r: Result<f64, ReplayError>| matches!(r, Err(ReplayError::ForeignRule { .. }));
    let mut g = [0.0];
    let mut through_handles = Replay::record(&[0.5], |x| x.get(0).apply_f64(ForeignW));
    assert!(refused(through_handles.gradient(&[0.7], &mut g)));
    let (x,) = vars();
    let mut from_expr = Replay::record_expr(&apply_f64(ForeignW, x), [0.5]);
    assert!(refused(from_expr.gradient(&[0.7], &mut g)));
    // An ordinary tape records it as any operation: W'(0.5) by the closed form.
    let tape = Tape::new();
    let [x] = tape.input_array([0.5]);
    let w = rule::lambert_w(0.5);
    assert!((tape.gradient_vec(x.apply_f64(ForeignW))[0] - closed_form(w, 0.5)).abs() < 1e-15);
}
