//! The static engine at run-time sizes allocates nothing: `gradient_into` on slices, with
//! reductions over indices and over data, the vector helpers, and folds (a reused
//! workspace allocates on its first call only; checkpoints never), counted by a global
//! allocator that wraps the system one.

#[path = "common/counting.rs"]
mod counting;

use std::hint::black_box;

use counting::allocations;
use tapeless::expr::block::Layout;
use tapeless::expr::fold::{Checkpoints, Workspace, fold};
use tapeless::expr::linalg::{dot, logsumexp, logsumexp_in};
use tapeless::prelude::*;

/// `gradient_into` of `f` at `x` allocates nothing; returns the gradient.
fn gradient_without_allocation<E: Expr<f64>>(name: &str, f: &E, x: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; x.len()];
    let (n, v) = allocations(|| gradient_into(black_box(f), black_box(x), &mut g));
    assert_eq!(n, 0, "{name}: gradient_into allocated");
    let (n, w) = allocations(|| value(black_box(f), black_box(x)));
    assert_eq!(n, 0, "{name}: value allocated");
    assert_eq!(v, w, "{name}: value and gradient_into differ");
    g
}

#[test]
fn reductions_over_slices_and_data_allocate_nothing() {
    let n = 2000;
    let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.1).sin()).collect();
    let data: Vec<[f64; 2]> = (0..500).map(|i| [i as f64 / 500.0, 1.0]).collect();
    let mut l = Layout::new();
    let w = l.vector(2);
    let rest = l.vector(n - 2);
    let loss = sum_rows(&data, |r| (dot(w, &r[..]) - 0.5).square())
        + logsumexp(rest)
        + max_n(n, |i| at(i).sin()).exp()
        + product_n(40, |i| 1.0 + 0.01 * at(i));
    let g = gradient_without_allocation("mixed", &loss, &x);
    assert!(g.iter().all(|v| v.is_finite()) && g[0] != 0.0 && g[n - 1] != 0.0);
    let (mut gg, mut hv) = (vec![0.0; n], vec![0.0; n]);
    let v = vec![1.0; n];
    let (count, _) = allocations(|| hvp_into(black_box(&loss), &x, &v, &mut gg, &mut hv));
    assert_eq!(count, 0, "hvp_into allocated");
    assert_eq!(gg, g);
}

#[test]
fn a_reused_workspace_allocates_on_the_first_call_only() {
    let (c,) = vars();
    let ws = Workspace::new();
    let f = fold(
        &ws,
        500,
        [1.0, 0.0],
        |s, k| s.state(k) + 0.01 * c * s.state(1 - k),
        |s| s.state(0),
    );
    let x = [0.3];
    let mut g = [0.0];
    let (first, _) = allocations(|| gradient_into(black_box(&f), &x, &mut g));
    assert!(first >= 1, "the first call sizes the workspace");
    let g1 = g;
    // s ← [[1, e], [e, 1]]·s with e = c/100: s₀ = ((1 + e)ⁿ + (1 − e)ⁿ)/2.
    let e = 0.003_f64;
    let slope = 0.01 * 500.0 * (1.0 + e).powi(499) / 2.0 - 0.01 * 500.0 * (1.0 - e).powi(499) / 2.0;
    assert!(
        (g1[0] - slope).abs() <= 1e-12 * slope.abs(),
        "{} vs {slope}",
        g1[0]
    );
    for _ in 0..3 {
        let (n, _) = allocations(|| gradient_into(black_box(&f), &x, &mut g));
        assert_eq!(n, 0, "a later call allocated");
        assert_eq!(g, g1);
    }
    // A log-sum-exp keeping its exponentials: the first call sizes the workspace.
    let kept = Workspace::new();
    let lse = logsumexp_in(&kept, tapeless::expr::block::Vector::new(0, 3));
    let y = [0.5, 1.5, -1.0];
    let mut gy = [0.0; 3];
    let (first, _) = allocations(|| gradient_into(black_box(&lse), &y, &mut gy));
    assert!(first >= 1);
    let (n, v) = allocations(|| gradient_into(black_box(&lse), &y, &mut gy));
    assert_eq!(n, 0, "a later log-sum-exp allocated");
    let s: f64 = y.iter().map(|a| a.exp()).sum();
    assert!((v - s.ln()).abs() < 1e-15 && (gy[1] - 1.5f64.exp() / s).abs() < 1e-15);
    // Checkpoints never allocate, and give the same gradient.
    let f = fold(
        Checkpoints,
        500,
        [1.0, 0.0],
        |s, k| s.state(k) + 0.01 * c * s.state(1 - k),
        |s| s.state(0),
    );
    let (n, _) = allocations(|| gradient_into(black_box(&f), &x, &mut g));
    assert_eq!(n, 0, "checkpoints allocated");
    assert_eq!(g, g1);
}
