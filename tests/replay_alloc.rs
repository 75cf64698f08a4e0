//! A replay allocates nothing, measured by a global allocator that counts per thread (see
//! `common/counting.rs`): the gradient, the value and (after the first) the
//! Hessian-vector product, at new points, into the caller's buffers.

#[macro_use]
mod common;
#[path = "common/counting.rs"]
mod counting;

use std::hint::black_box;

use counting::allocations;
use tapeless::tape::{Inputs, Replay, ReplayError, Var};

/// Σ 100 (x₂ᵢ₊₁ − x₂ᵢ²)² + (x₂ᵢ − 1)², with a recorded comparison per pair.
fn rosenbrock_n<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
    let mut y = x.get(0) * 0.0;
    for i in 0..x.len() / 2 {
        let (a, b) = (x.get(2 * i), x.get(2 * i + 1));
        let t = 100.0 * (b - a * a).square() + (a - 1.0).square();
        y += if a.lt(10.0) { t } else { t.sqrt() };
    }
    y
}

#[test]
fn a_replay_allocates_nothing() {
    let n = 200;
    let at: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
    let mut r = Replay::record(&at, rosenbrock_n);
    let mut g = vec![0.0; n];
    let (mut hv, v) = (vec![0.0; n], vec![1.0; n]);
    r.hvp(&at, &v, &mut g, &mut hv).unwrap(); // the dual arrays, once
    for round in 0..5 {
        let x: Vec<f64> = at.iter().map(|a| a + 0.01 * round as f64).collect();
        let (count, value) = allocations(|| r.gradient(black_box(&x), &mut g));
        assert_eq!(count, 0, "gradient, round {round}");
        // Real work: the first component by hand.
        let (a, b) = (x[0], x[1]);
        assert_close!(g[0], -400.0 * a * (b - a * a) + 2.0 * (a - 1.0));
        assert!(value.unwrap() > 0.0);
        let (count, _) = allocations(|| r.value(black_box(&x)));
        assert_eq!(count, 0, "value, round {round}");
        let (count, _) = allocations(|| r.hvp(black_box(&x), &v, &mut g, &mut hv));
        assert_eq!(count, 0, "hvp, round {round}");
    }
    // A refused replay allocates nothing either.
    let mut far = at.clone();
    far[0] = 20.0;
    let (count, e) = allocations(|| r.gradient(black_box(&far), &mut g));
    assert_eq!(count, 0);
    assert!(matches!(
        e,
        Err(ReplayError::BranchChanged { comparison: 0, .. })
    ));
}
