//! `fold_wide`, a recurrence whose state has a run-time number of components: the same
//! value and gradient as `fold_staged` with the size as a type, a plain-f64 integrator and
//! central differences, the tape recording it, and its workspace reused across sizes.

use tapeless::Tape;
use tapeless::expr::fold::{Layers, Workspace, fold_staged, fold_wide, stage};
use tapeless::prelude::*;

/// GradBench's ODE `y₀' = x₀`, `yₖ' = xₖ·yₖ₋₁` by RK4: the same step for both folds.
macro_rules! rk4 {
    ($h:expr) => {{
        let h: f64 = $h;
        let first = |k: usize| gt(k as f64, 0.5);
        let below = |k: usize| k.saturating_sub(1);
        stage(move |s, k| select(first(k), at(k) * s.state(below(k)), at(0)))
            .then(move |s, k| {
                let p = s.state(below(k)) + 0.5 * h * s.stage(0, below(k));
                select(first(k), at(k) * p, at(0))
            })
            .then(move |s, k| {
                let p = s.state(below(k)) + 0.5 * h * s.stage(1, below(k));
                select(first(k), at(k) * p, at(0))
            })
            .then(move |s, k| {
                let p = s.state(below(k)) + h * s.stage(2, below(k));
                select(first(k), at(k) * p, at(0))
            })
            .then(move |s, k| {
                let sum = s.stage(0, k) + 2.0 * s.stage(1, k) + 2.0 * s.stage(2, k) + s.stage(3, k);
                s.state(k) + h / 6.0 * sum
            })
    }};
}

/// The same integration in plain f64: the state at 2.
fn by_hand(x: &[f64], steps: usize) -> Vec<f64> {
    let n = x.len();
    let h = 2.0 / steps as f64;
    let slope = |y: &[f64]| -> Vec<f64> {
        (0..n)
            .map(|i| if i == 0 { x[0] } else { x[i] * y[i - 1] })
            .collect()
    };
    let mut y = vec![0.0; n];
    for _ in 0..steps {
        let k1 = slope(&y);
        let k2 = slope(&(0..n).map(|i| y[i] + h / 2.0 * k1[i]).collect::<Vec<_>>());
        let k3 = slope(&(0..n).map(|i| y[i] + h / 2.0 * k2[i]).collect::<Vec<_>>());
        let k4 = slope(&(0..n).map(|i| y[i] + h * k3[i]).collect::<Vec<_>>());
        for i in 0..n {
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        }
    }
    y
}

const K: usize = 6;

#[test]
fn a_wide_fold_agrees_with_the_staged_fold_by_hand_and_by_differences() {
    let x: Vec<f64> = (0..K).map(|i| 0.6 + 0.13 * i as f64).collect();
    let (wide_ws, staged_ws) = (Workspace::new(), Workspace::new());
    for steps in [1, 2, 5, 40] {
        let h = 2.0 / steps as f64;
        let wide = fold_wide(&wide_ws, steps, K, |_| 0.0, rk4!(h), |s| s.state(K - 1));
        let staged = fold_staged(&staged_ws, steps, [0.0; K], rk4!(h), |s| s.state(K - 1));
        let (mut gw, mut gs) = ([0.0; K], [0.0; K]);
        let vw = gradient_into(&wide, &x, &mut gw);
        let vs = gradient_into(&staged, &x, &mut gs);
        assert_eq!(
            (vw, gw),
            (vs, gs),
            "{steps} steps: the same operations in the same order"
        );
        assert_eq!(value(&wide, &x[..]), vw);
        let hand = by_hand(&x, steps);
        assert!(
            (vw - hand[K - 1]).abs() < 1e-13,
            "{vw} against {}",
            hand[K - 1]
        );
        let mut last = [0.0; K];
        wide.last_state(&x[..], &mut last);
        for (a, b) in last.iter().zip(&hand) {
            assert!((a - b).abs() < 1e-13, "last state {a} against {b}");
        }
        for i in 0..K {
            let (mut up, mut down) = (x.clone(), x.clone());
            up[i] += 1e-6;
            down[i] -= 1e-6;
            let fd = (by_hand(&up, steps)[K - 1] - by_hand(&down, steps)[K - 1]) / 2e-6;
            assert!(
                (gw[i] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                "∂/∂x{i}: {} against {fd}",
                gw[i]
            );
        }
        // The tape records the same recurrence.
        let xa: [f64; K] = core::array::from_fn(|i| x[i]);
        let tape = Tape::new();
        let (_, out) = tape.record(&wide, xa);
        assert!((out.value() - vw).abs() < 1e-14);
        for (t, s) in tape.gradient_vec(out).into_iter().zip(&gw) {
            assert!(
                (t - s).abs() < 1e-12 * (1.0 + s.abs()),
                "tape {t} against {s}"
            );
        }
    }
}

#[test]
fn one_workspace_serves_folds_of_any_size_and_inputs_are_checked() {
    let ws = Workspace::new();
    for n in [40, 3, 200, 1] {
        let x: Vec<f64> = (0..n).map(|i| 0.5 + (i % 7) as f64 / 7.0).collect();
        let f = fold_wide(&ws, 4, n, |_| 0.0, rk4!(0.5), move |s| s.state(n - 1));
        let mut g = vec![0.0; n];
        let v = gradient_into(&f, &x, &mut g);
        assert!((v - by_hand(&x, 4)[n - 1]).abs() < 1e-12, "n = {n}");
        // 4 steps of 4 stages reach 16 components: the rest see nothing of the inputs.
        if n > 17 {
            assert!(v == 0.0 && g.iter().all(|&g| g == 0.0), "n = {n}");
        }
        // The initial state is an expression too: y(0) = x, one step of y' = 0.
        let g_init = fold_wide(&ws, 1, n, at, stage(|s, k| s.state(k)), move |s| {
            s.state(n - 1).square()
        });
        let mut gi = vec![0.0; n];
        let vi = gradient_into(&g_init, &x, &mut gi);
        assert_eq!(vi, x[n - 1] * x[n - 1]);
        assert_eq!(gi[n - 1], 2.0 * x[n - 1]);
    }
    let f = fold_wide(&ws, 2, 5, |_| 0.0, rk4!(1.0), |s| s.state(4));
    let short =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| value(&f, &[1.0, 2.0][..])));
    assert!(
        short.is_err(),
        "a point of 2 inputs for a fold that reads 5"
    );
}
