//! The static engine at sizes known only at run time: points of run-time length, blocks,
//! run-time reductions (over indices and over data), the vector helpers and folds, checked
//! against central finite differences, closed forms and the tape, at sizes 0, 1, 2 and
//! ≥ 1000.

#![allow(clippy::needless_range_loop)] // indices name coordinates: ∂/∂xᵢ

#[macro_use]
mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::*;
use tapeless::expr::block::{Layout, Vector};
use tapeless::expr::fold::{Checkpoints, Layers, Workspace, fold, fold_staged, stage};
use tapeless::expr::linalg::{
    DataMatrix, Entries, dot, logsumexp, logsumexp_in, matvec, quad_form, softmax_xent, sq_norm,
};
use tapeless::prelude::*;

/// [`check_gradient_fd`] with this file's tolerance for the value against `primal`.
fn check_fd<E: Expr<f64>>(f: &E, x: &[f64], primal: impl Fn(&[f64]) -> f64, what: &str) {
    check_gradient_fd(f, x, primal, 1e-12, what);
}

#[test]
fn sums_of_run_time_length_match_finite_differences_at_sizes_0_1_2_and_1000() {
    for n in [0, 1, 2, 3, 1000] {
        let x = point(n);
        // Σ xᵢ·sin(xᵢ₊₁) + exp(xᵢ)·xᵢ₊₁ over a cyclic index: the adjoint is known.
        let f = sum_n(n, |i| {
            let (a, b) = (at(i), at((i + 1) % n));
            a * b.sin() + a.exp() * b
        });
        let primal = |x: &[f64]| {
            (0..n)
                .map(|i| {
                    let (a, b) = (x[i], x[(i + 1) % n]);
                    a * b.sin() + a.exp() * b
                })
                .sum()
        };
        check_fd(&f, &x, primal, "sum_n");
        // The same sum under ln: evaluated for the value, swept again with the adjoint.
        let g = (sum_n(n, |i| at(i).square()) + 1.0).ln();
        let primal = |x: &[f64]| (x.iter().map(|v| v * v).sum::<f64>() + 1.0).ln();
        check_fd(&g, &x, primal, "ln of sum_n");
    }
}

#[test]
fn an_empty_reduction_is_its_identity_and_touches_no_gradient() {
    let x: [f64; 0] = [];
    let mut g: [f64; 0] = [];
    assert_eq!(gradient_into(&sum_n(0, at), &x, &mut g), 0.0);
    assert_eq!(gradient_into(&product_n(0, at), &x, &mut g), 1.0);
    assert_eq!(gradient_into(&max_n(0, at), &x, &mut g), f64::NEG_INFINITY);
    assert_eq!(gradient_into(&min_n(0, at), &x, &mut g), f64::INFINITY);
    let rows: [[f64; 2]; 0] = [];
    let (w,) = vars();
    let loss = sum_rows(&rows, |&[a, b]| (w * a - b).square());
    let (v, g) = gradient(&loss, [3.0]);
    assert_eq!((v, g[0]), (0.0, 0.0));
    // An empty reduction beside other terms leaves their gradient alone.
    let f = w * w + sum_n(0, |_| w.exp()) + product_n(0, |_| w) * w;
    let (v, g) = gradient(&f, [3.0]);
    assert_eq!((v, g[0]), (9.0 + 0.0 + 3.0, 6.0 + 1.0));
}

#[test]
fn products_match_the_closed_form_with_zeros_at_every_size() {
    for n in [1, 2, 15, 16, 17, 37, 1000] {
        let mut x = point(n);
        let f = product_n(n, |i| 1.0 + at(i) * 0.01);
        let factors: Vec<f64> = x.iter().map(|v| 1.0 + v * 0.01).collect();
        let mut g = vec![0.0; n];
        let v = gradient_into(&f, &x, &mut g);
        assert_close!(v, factors.iter().product::<f64>(), 1e-13, 0.0);
        for i in 0..n {
            let others: f64 = (0..n).filter(|&j| j != i).map(|j| factors[j]).product();
            assert_close!(
                g[i],
                0.01 * others,
                1e-12,
                0.0,
                "∂/∂x{i} of a product of {n}"
            );
        }
        // A zero factor: only its own partial survives, exactly.
        if n >= 2 {
            x[n / 2] = -100.0;
            let v = gradient_into(&f, &x, &mut g);
            assert_eq!(v, 0.0);
            for (i, gi) in g.iter().enumerate() {
                if i != n / 2 {
                    assert_eq!(*gi, 0.0, "∂/∂x{i} with factor {} zero", n / 2);
                }
            }
            let others: f64 = (0..n)
                .filter(|&j| j != n / 2)
                .map(|j| 1.0 + x[j] * 0.01)
                .product();
            assert_close!(g[n / 2], 0.01 * others, 1e-12, 0.0);
        }
    }
}

#[test]
fn max_and_min_send_the_adjoint_to_the_first_chosen_term() {
    let x = [1.0, 5.0, -3.0, 5.0, f64::NAN, -3.0];
    let mut g = [0.0; 6];
    assert_eq!(gradient_into(&max_n(6, at), &x, &mut g), 5.0);
    assert_eq!(g, [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(gradient_into(&min_n(6, |i| 2.0 * at(i)), &x, &mut g), -6.0);
    assert_eq!(g, [0.0, 0.0, 2.0, 0.0, 0.0, 0.0]);
    // Under a nonlinear node, at 1000 inputs, against finite differences.
    let x = point(1000);
    let f = max_n(1000, |i| at(i).sin()).exp();
    let primal = |x: &[f64]| {
        x.iter()
            .map(|v| v.sin())
            .fold(f64::NEG_INFINITY, f64::max)
            .exp()
    };
    check_fd(&f, &x, primal, "exp of max_n");
    // The same choice as the tape's recording of `max`.
    let y: [f64; 6] = [1.0, 5.0, -3.0, 5.0, 2.0, -3.0];
    let f = max_n(6, |i| at(i) * at(i));
    let tape = Tape::new();
    let (_, out) = tape.record(&f, y);
    let mut g = [0.0; 6];
    gradient_into(&f, &y, &mut g);
    assert_eq!(tape.gradient_vec(out), g.to_vec());
}

#[test]
fn nan_and_infinity_in_data_give_the_ieee_result() {
    let (w, c) = vars();
    for (bad, expect_nan) in [
        (f64::NAN, true),
        (f64::INFINITY, false),
        (f64::NEG_INFINITY, false),
    ] {
        let rows = [[1.0, 2.0], [bad, 1.0], [3.0, 0.5]];
        let loss = sum_rows(&rows, |&[a, b]| (w * a + c - b).square());
        let (v, g) = gradient(&loss, [0.5, 0.25]);
        let r = 0.5 * bad + 0.25 - 1.0;
        let expected = (0.5_f64 + 0.25 - 2.0).powi(2) + r * r + (1.5_f64 + 0.25 - 0.5).powi(2);
        assert_eq!(v.is_nan(), expected.is_nan());
        if !expect_nan {
            assert_eq!(v, f64::INFINITY);
            // ∂/∂w of (w·∞ + …)² is 2·r·∞ = ∞, ∂/∂c is 2·r = ∞.
            assert_eq!((g[0], g[1]), (f64::INFINITY, 2.0 * r));
        } else {
            assert!(g[0].is_nan() && g[1].is_nan());
        }
    }
}

/// A row of data of the user's own type.
struct Sample {
    x: [f64; 3],
    y: f64,
}

#[test]
fn data_of_any_row_type_is_read_in_place() {
    let samples: Vec<Sample> = (0..1000)
        .map(|i| {
            let t = i as f64 / 999.0;
            Sample {
                x: [1.0, t, t * t],
                y: (3.0 * t).sin(),
            }
        })
        .collect();
    let mut l = Layout::new();
    let w = l.vector(3);
    // Least squares Σ (w·x − y)²: its gradient is 2·Σ (w·x − y)·x.
    let loss = sum_rows(&samples, |s| (dot(w, &s.x[..]) - s.y).square());
    let x = [0.1, -0.4, 0.7];
    let mut g = [0.0; 3];
    let v = gradient_into(&loss, &x, &mut g);
    let mut expect = (0.0, [0.0; 3]);
    for s in &samples {
        let r: f64 = s.x.iter().zip(x).map(|(a, b)| a * b).sum::<f64>() - s.y;
        expect.0 += r * r;
        for j in 0..3 {
            expect.1[j] += 2.0 * r * s.x[j];
        }
    }
    assert_close!(v, expect.0, 1e-12, 0.0);
    for j in 0..3 {
        assert_close!(g[j], expect.1[j], 1e-11, 1e-12, "∂/∂w{j}");
    }
    // Plain numbers and fixed-size rows.
    let ys = [1.0, 2.0, 4.0];
    let (a,) = vars();
    let f = sum_rows(&ys, |&y| (a - y).square());
    assert_eq!(gradient(&f, [2.0]).1[0], 2.0 * (1.0 + 0.0 - 2.0));
}

#[test]
fn blocks_lay_out_vectors_and_matrices_one_after_another() {
    let mut l = Layout::new();
    let (m, v, b) = (l.matrix(2, 3), l.vector(3), l.vector(2));
    assert_eq!(l.len(), 11);
    assert_eq!((m.at(1, 2), v.at(0), b.at(1)), (at(5), at(6), at(10)));
    assert_eq!(m.row(1).range(), 3..6);
    // Σ_r (M·v + b)_r² against the closed form.
    let f = sum_n(2, |r| (dot(m.row(r), v) + b.at(r)).square());
    let x = point(11);
    let mut g = vec![0.0; 11];
    let val = gradient_into(&f, &x, &mut g);
    let mut expect = [0.0; 11];
    let mut total = 0.0;
    for r in 0..2 {
        let y: f64 = (0..3).map(|c| x[r * 3 + c] * x[6 + c]).sum::<f64>() + x[9 + r];
        total += y * y;
        for c in 0..3 {
            expect[r * 3 + c] += 2.0 * y * x[6 + c];
            expect[6 + c] += 2.0 * y * x[r * 3 + c];
        }
        expect[9 + r] += 2.0 * y;
    }
    assert_close!(val, total, 1e-14, 0.0);
    for i in 0..11 {
        assert_close!(g[i], expect[i], 1e-14, 1e-15, "∂/∂x{i}");
    }
}

#[test]
fn the_vector_helpers_match_their_closed_forms_at_1000() {
    let n = 1000;
    let x = point(n);
    let mut l = Layout::new();
    let v = l.vector(n);
    let data: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).cos()).collect();
    let mut g = vec![0.0; n];
    // dot and sq_norm.
    assert_close!(
        gradient_into(&dot(v, &data[..]), &x, &mut g),
        (0..n).map(|i| x[i] * data[i]).sum::<f64>(),
        1e-13,
        1e-13
    );
    assert_eq!(g, data);
    assert_close!(
        gradient_into(&sq_norm(v), &x, &mut g),
        x.iter().map(|a| a * a).sum::<f64>(),
        1e-14,
        0.0
    );
    for i in 0..n {
        assert_eq!(g[i], 2.0 * x[i]);
    }
    // log-sum-exp: the gradient is the softmax.
    let shift: Vec<f64> = x.iter().map(|a| 700.0 * a).collect(); // exp would overflow
    let m = shift.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let s: f64 = shift.iter().map(|a| (a - m).exp()).sum();
    let f = logsumexp(v);
    assert_close!(gradient_into(&f, &shift, &mut g), m + s.ln(), 1e-14, 0.0);
    for i in 0..n {
        assert_close!(g[i], (shift[i] - m).exp() / s, 1e-12, 1e-300, "softmax {i}");
    }
    // The same with the exponentials kept in a workspace: one exp per entry.
    let kept = Workspace::new();
    let f = logsumexp_in(&kept, v);
    let mut gk = vec![0.0; n];
    assert_close!(gradient_into(&f, &shift, &mut gk), m + s.ln(), 1e-14, 0.0);
    for i in 0..n {
        assert_close!(
            gk[i],
            (shift[i] - m).exp() / s,
            1e-12,
            1e-300,
            "kept softmax {i}"
        );
    }
    let empty = logsumexp_in(&kept, tapeless::expr::block::Vector::new(0, 0));
    assert_eq!(gradient_into(&empty, &[], &mut []), f64::NEG_INFINITY);
    // Cross-entropy: softmax minus the one-hot label.
    let f = softmax_xent(v, 17);
    let val = gradient_into(&f, &shift, &mut g);
    assert_close!(val, m + s.ln() - shift[17], 1e-12, 1e-12);
    assert_close!(g[17], (shift[17] - m).exp() / s - 1.0, 1e-12, 1e-15);
    // A small one against finite differences, to check the closed forms themselves.
    let x3 = [0.3, -1.2, 2.0];
    let f = logsumexp(tapeless::expr::block::Vector::new(0, 3));
    check_fd(
        &f,
        &x3,
        |x| x.iter().map(|a| a.exp()).sum::<f64>().ln(),
        "logsumexp",
    );
}

#[test]
fn matrix_vector_products_and_quadratic_forms_both_ways() {
    // Data A (3×2) times a block x, and a block W (2×3) times data d.
    let a = [1.0, 2.0, -1.0, 0.5, 3.0, -2.0];
    let d = [0.5, -1.0, 2.0];
    let mut l = Layout::new();
    let (x, w) = (l.vector(2), l.matrix(2, 3));
    let ax = matvec(DataMatrix::new(&a, 2), x);
    let wd = matvec(w, &d[..]);
    assert_eq!((ax.len(), wd.len()), (3, 2));
    let f =
        sq_norm(ax) + sum_n(2, |r| wd.entry(r).sin()) + quad_form(DataMatrix::new(&a[..4], 2), x);
    let p = point(l.len());
    let primal = |p: &[f64]| {
        let ax: Vec<f64> = (0..3)
            .map(|r| a[2 * r] * p[0] + a[2 * r + 1] * p[1])
            .collect();
        let wd: Vec<f64> = (0..2)
            .map(|r| (0..3).map(|c| p[2 + 3 * r + c] * d[c]).sum())
            .collect();
        let q = p[0] * (a[0] * p[0] + a[1] * p[1]) + p[1] * (a[2] * p[0] + a[3] * p[1]);
        ax.iter().map(|v| v * v).sum::<f64>() + wd.iter().map(|v| v.sin()).sum::<f64>() + q
    };
    check_fd(&f, &p, primal, "matvec and quad_form");
}

#[test]
#[should_panic(expected = "tapeless: the expression reads input 5, but the point has 5 inputs")]
fn an_index_past_the_point_panics_naming_index_and_length() {
    let f = sum_n(6, at);
    let mut g = [0.0; 5];
    gradient_into(&f, &[1.0; 5], &mut g);
}

#[test]
fn a_bad_index_panics_before_any_work() {
    // The gradient buffer keeps what it held: nothing was swept.
    let f = sum_n(3, at) + at(7) * 2.0;
    let mut g = vec![42.0; 5];
    let x = [1.0; 5];
    let caught = catch_unwind(AssertUnwindSafe(|| backprop(&f, &x[..], 1.0, &mut g[..])));
    let message = *caught.unwrap_err().downcast::<String>().unwrap();
    assert_eq!(
        message,
        "tapeless: the expression reads input 7, but the point has 5 inputs"
    );
    assert_eq!(g, [42.0; 5]);
    // A Var past the end of a slice is caught the same way.
    let (_, _, z) = vars();
    let caught = catch_unwind(AssertUnwindSafe(|| value(&z, &x[..2])));
    let message = *caught.unwrap_err().downcast::<String>().unwrap();
    assert_eq!(
        message,
        "tapeless: the expression reads input 2, but the point has 2 inputs"
    );
}

#[test]
fn a_checked_expression_gives_the_same_sweep_and_checks_only_once() {
    // A loss over data rows, checked once for 3 inputs, against the unchecked one and
    // against the closed form: ∂/∂a Σ (a + b·t + c·t²)² = Σ 2·r·(1, t, t²).
    let data = [0.5, -1.0, 2.0, 0.0];
    let loss = |t: &f64| (at(0) + at(1) * *t + at(2) * (*t * *t)).square();
    let plain = sum_rows(&data[..], loss);
    let once = checked(3, plain);
    let x = [0.3, -0.7, 1.1];
    let (mut g1, mut g2) = ([0.0; 3], [0.0; 3]);
    let v1: f64 = gradient_into(&plain, &x, &mut g1);
    let v2 = gradient_into(&once, &x, &mut g2);
    assert_eq!(
        (v1.to_bits(), g1.map(f64::to_bits)),
        (v2.to_bits(), g2.map(f64::to_bits))
    );
    let mut closed = [0.0; 3];
    for t in data {
        let r = x[0] + x[1] * t + x[2] * t * t;
        for (k, p) in [1.0, t, t * t].into_iter().enumerate() {
            closed[k] += 2.0 * r * p;
        }
    }
    for k in 0..3 {
        assert!((g2[k] - closed[k]).abs() <= 1e-14 * closed[k].abs().max(1.0));
    }
    // A longer point is fine; a shorter one still panics before any work.
    let mut g = [0.0; 4];
    assert_eq!(gradient_into(&once, &[0.3, -0.7, 1.1, 9.0], &mut g), v1);
    assert_eq!(g[3], 0.0);
    let mut g = [42.0; 2];
    let caught = catch_unwind(AssertUnwindSafe(|| gradient_into(&once, &x[..2], &mut g)));
    let message = *caught.unwrap_err().downcast::<String>().unwrap();
    assert_eq!(
        message,
        "tapeless: the expression reads input 2, but the point has 2 inputs"
    );
    assert_eq!(g, [42.0; 2]);
}

#[test]
#[should_panic(expected = "tapeless: the expression reads input 3, but the point has 3 inputs")]
fn checking_against_too_few_inputs_panics_at_once() {
    let _ = checked(3, sum_n(4, at));
}

#[test]
#[should_panic(expected = "tapeless: a buffer of 3 entries for the derivatives of 4 inputs")]
fn a_gradient_buffer_of_another_length_panics() {
    let mut g = [0.0; 3];
    gradient_into(&sum_n(4, at), &[1.0; 4], &mut g);
}

#[test]
#[should_panic(expected = "tapeless: index 3 is out of range for a vector of 3")]
fn a_block_index_out_of_its_block_panics() {
    let mut l = Layout::new();
    let v = l.vector(3);
    let _ = value(&sum_n(4, |i| v.at(i)), &[0.0; 3][..]);
}

/// A sweep called by hand (no entry point to check the point first) on a point that ends
/// inside a dot product's block panics, naming the block's last input, before it adds
/// anything; an empty block past the end reads nothing and is no error.
#[test]
fn a_dot_block_past_a_point_swept_by_hand_panics_before_any_adjoint() {
    let w = Vector::new(2, 3);
    let f = dot(w, &[1.0, 2.0, 3.0]);
    let x = [1.0; 4];
    let mut g = vec![0.0; 4];
    for backward in [false, true] {
        let r = catch_unwind(AssertUnwindSafe(|| {
            if backward {
                let (_, cache) = f.forward(&[1.0; 5]);
                f.backward(&&x[..], &cache, 1.0, &mut &mut g[..]);
            } else {
                f.fused(&&x[..], 1.0, &mut &mut g[..]);
            }
        }));
        let message = *r
            .expect_err("a block past the point")
            .downcast::<String>()
            .unwrap();
        assert_eq!(
            message,
            "tapeless: the expression reads input 4, but the point has 4 inputs"
        );
        assert_eq!(g, [0.0; 4]);
    }
    let r = catch_unwind(|| f.value(&&x[..]));
    assert!(r.is_err(), "the value alone reads the block too");
    let empty = dot(Vector::new(10, 0), &[0.0; 0]);
    assert_eq!(empty.fused(&&x[..], 1.0, &mut &mut g[..]), 0.0);
    assert_eq!(empty.value(&&x[..]), 0.0);
    assert_eq!(g, [0.0; 4]);
}

#[test]
#[should_panic(expected = "tapeless: the blocks do not fit in the number of inputs of the layout")]
fn blocks_past_a_layout_of_fixed_length_panic() {
    let mut l = Layout::within(4);
    l.vector(3);
    l.matrix(1, 2);
}

/// GradBench's ODE with RK4 on a state of `K`: y(0) = 0, y₀' = x₀, yᵢ' = xᵢ·yᵢ₋₁.
fn ode_primal<const K: usize>(x: &[f64], steps: usize) -> f64 {
    let h = 2.0 / steps as f64;
    let deriv = |y: &[f64; K]| -> [f64; K] {
        core::array::from_fn(|i| if i == 0 { x[0] } else { x[i] * y[i - 1] })
    };
    let mut y = [0.0; K];
    for _ in 0..steps {
        let k1 = deriv(&y);
        let k2 = deriv(&core::array::from_fn(|i| y[i] + h / 2.0 * k1[i]));
        let k3 = deriv(&core::array::from_fn(|i| y[i] + h / 2.0 * k2[i]));
        let k4 = deriv(&core::array::from_fn(|i| y[i] + h * k3[i]));
        y = core::array::from_fn(|i| y[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]));
    }
    y[K - 1]
}

/// GradBench's ODE as a fold of RK4 steps over a state of `K`: stage `j` of component `k`
/// is `xₖ·(yₖ₋₁ + cⱼ·stageⱼ₋₁(k − 1))`, or `x₀` for component 0.
macro_rules! ode_fold {
    ($memory:expr, $steps:expr) => {{
        let h = 2.0 / $steps as f64;
        let below = |k: usize| k.saturating_sub(1);
        let first = |k: usize| gt(k as f64, 0.5);
        let rk4 = stage(move |s, k| select(first(k), at(k) * s.state(below(k)), at(0)))
            .then(move |s, k| {
                let j = below(k);
                select(
                    first(k),
                    at(k) * (s.state(j) + 0.5 * h * s.stage(0, j)),
                    at(0),
                )
            })
            .then(move |s, k| {
                let j = below(k);
                select(
                    first(k),
                    at(k) * (s.state(j) + 0.5 * h * s.stage(1, j)),
                    at(0),
                )
            })
            .then(move |s, k| {
                let j = below(k);
                select(first(k), at(k) * (s.state(j) + h * s.stage(2, j)), at(0))
            })
            .then(move |s, k| {
                let stages =
                    s.stage(0, k) + 2.0 * s.stage(1, k) + 2.0 * s.stage(2, k) + s.stage(3, k);
                s.state(k) + h / 6.0 * stages
            });
        fold_staged($memory, $steps, [0.0; K], rk4, |s| s.state(K - 1))
    }};
}

const K: usize = 6;

#[test]
fn an_rk4_fold_matches_finite_differences_and_both_memories_agree_bitwise() {
    let x: Vec<f64> = point(K).iter().map(|v| 1.0 + 0.5 * v).collect();
    let ws = Workspace::new();
    for steps in [1, 2, 3, 10, 1000] {
        let kept = ode_fold!(&ws, steps);
        let remade = ode_fold!(Checkpoints, steps);
        check_fd(&kept, &x, |x| ode_primal::<K>(x, steps), "RK4 fold");
        let (mut g1, mut g2) = (vec![0.0; K], vec![0.0; K]);
        let v1 = gradient_into(&kept, &x, &mut g1);
        let v2 = gradient_into(&remade, &x, &mut g2);
        assert_eq!((v1, &g1), (v2, &g2), "{steps} steps");
        // The tape, recording the same fold, is the independent engine.
        let xa: [f64; K] = core::array::from_fn(|i| x[i]);
        let tape = Tape::new();
        let (_, out) = tape.record(&remade, xa);
        assert_close!(out.value(), v1, 1e-14, 0.0);
        for (t, s) in tape.gradient_vec(out).into_iter().zip(&g1) {
            assert_close!(t, *s, 1e-13, 1e-15, "tape against static, {steps} steps");
        }
    }
}

#[test]
fn a_fold_of_no_steps_is_its_result_at_the_initial_state() {
    let ws = Workspace::new();
    let init = [at(0) * at(1), at(1) * at(2)];
    let f = fold(
        &ws,
        0,
        init,
        |s, _| s.state(0) * 1e9,
        |s| s.state(0) + s.state(1).sin(),
    );
    let (v, g) = gradient(&f, [2.0, 3.0, 0.5]);
    let c = (3.0_f64 * 0.5).cos();
    assert_eq!(v, 6.0 + 1.5_f64.sin());
    assert_eq!(<[f64; 3]>::from(g), [3.0, 2.0 + 0.5 * c, 3.0 * c]);
    let f = fold(
        Checkpoints,
        0,
        init,
        |s, _| s.state(0) * 1e9,
        |s| s.state(0) + s.state(1).sin(),
    );
    assert_eq!(gradient(&f, [2.0, 3.0, 0.5]), (v, g));
}

#[test]
fn a_fold_under_a_nonlinear_node_and_inside_a_sum() {
    // ln(x_steps) for x ← x·(1 + c), x₀ = 1, inside a sum with another term: value and
    // gradient in closed form (steps·ln(1 + c) + c²).
    let (c,) = vars();
    let ws = Workspace::new();
    for steps in [1, 7, 64] {
        let growth = fold(
            &ws,
            steps,
            [1.0],
            |s, _| s.state(0) * (1.0 + c),
            |s| s.state(0),
        );
        let f = growth.ln() + c * c;
        let (v, g) = gradient(&f, [0.25]);
        assert_close!(v, steps as f64 * 1.25_f64.ln() + 0.0625, 1e-14, 0.0);
        assert_close!(g[0], steps as f64 / 1.25 + 0.5, 1e-14, 0.0);
    }
}

#[test]
fn second_order_at_run_time_sizes_matches_finite_differences_of_the_gradient() {
    let n = 40;
    let x = point(n);
    let f = sum_n(n - 1, |i| {
        (at(i + 1) - at(i).square()).square() + (at(i) - 1.0).square()
    });
    let grad = |x: &[f64]| {
        let mut g = vec![0.0; n];
        gradient_into(&f, x, &mut g);
        g
    };
    let v: Vec<f64> = (0..n).map(|i| ((i * 7) as f64 * 0.3).sin()).collect();
    let (mut g, mut hv) = (vec![0.0; n], vec![0.0; n]);
    let y = hvp_into(&f, &x, &v, &mut g, &mut hv);
    assert_eq!(y, value(&f, &x));
    assert_eq!(g, grad(&x));
    // H·v by a central difference of the gradient along v.
    let h = 1e-6;
    let plus: Vec<f64> = x.iter().zip(&v).map(|(a, b)| a + h * b).collect();
    let minus: Vec<f64> = x.iter().zip(&v).map(|(a, b)| a - h * b).collect();
    let (gp, gm) = (grad(&plus), grad(&minus));
    for i in 0..n {
        assert_close!(hv[i], (gp[i] - gm[i]) / (2.0 * h), 1e-7, 1e-7, "(H·v){i}");
    }
    // jvp on slices: ∇f·v.
    let (yv, slope) = jvp(&f, &x[..], &v[..]);
    assert_eq!(yv, y);
    assert_close!(
        slope,
        g.iter().zip(&v).map(|(a, b)| a * b).sum::<f64>(),
        1e-13,
        1e-13
    );
}
