//! The tape's memory, measured by a global allocator that wraps the system one: after a
//! first evaluation, recording and differentiating the same function again allocates
//! nothing; and a recorded binary operation costs at most 32 bytes in `f64`, the adjoint
//! of the reverse sweep included.
//!
//! The counters are per thread, so the harness allocating on other threads cannot disturb
//! them (see `common/counting.rs`).

#[macro_use]
mod common;
#[path = "common/counting.rs"]
mod counting;

use std::hint::black_box;

use common::*;
use counting::{allocations, peak_bytes};
use tapeless::prelude::*;

/// Σ (1 − xᵢ)² + 100 (xᵢ₊₁ − xᵢ²)² on `tape`, from scratch: a run-time number of inputs.
fn rosenbrock_n(tape: &mut Tape<f64>, xs: &[f64], grad: &mut [f64]) -> f64 {
    tape.clear();
    let x = tape.inputs(xs);
    let mut y = tape.constant(0.0);
    for i in 0..x.len() - 1 {
        let (a, b) = (x.get(i), x.get(i + 1));
        y += (1.0 - a).square() + 100.0 * (b - a * a).square();
    }
    tape.gradient(y, grad)
}

#[test]
fn a_second_recording_allocates_nothing() {
    let xs: Vec<f64> = (0..200).map(|i| (i as f64 * 0.37).sin()).collect();
    let mut tape = Tape::new();
    let mut g = vec![0.0; xs.len()];
    let (n, _) = allocations(|| rosenbrock_n(&mut tape, &xs, &mut g));
    assert!(n > 0, "the first recording grows the tape");
    let first = g.clone();
    for round in 0..3 {
        let (n, _) = allocations(|| rosenbrock_n(&mut tape, black_box(&xs), &mut g));
        assert_eq!(n, 0, "round {round}");
        assert_eq!(g, first);
    }
    // Real work was done: the gradient at the first two inputs, by hand.
    let (x0, x1, x2) = (xs[0], xs[1], xs[2]);
    assert_close!(g[0], -2.0 * (1.0 - x0) - 400.0 * x0 * (x1 - x0 * x0));
    assert_close!(
        g[1],
        200.0 * (x1 - x0 * x0) - 2.0 * (1.0 - x1) - 400.0 * x1 * (x2 - x1 * x1)
    );
}

#[test]
fn a_smaller_recording_after_a_larger_one_allocates_nothing() {
    let xs: Vec<f64> = (0..100).map(|i| 1.0 + i as f64 / 100.0).collect();
    let mut tape = Tape::new();
    let mut g = vec![0.0; xs.len()];
    rosenbrock_n(&mut tape, &xs, &mut g);
    let mut g = [0.0; 2];
    let (n, v) = allocations(|| rosenbrock_n(&mut tape, &[-1.2, 1.0], &mut g));
    assert_eq!(n, 0);
    let (rv, rg) = rosenbrock(-1.2, 1.0);
    assert_close!(v, rv);
    assert_close!(g[0], rg[0]);
    assert_close!(g[1], rg[1]);
}

#[test]
fn recording_a_static_expression_again_allocates_nothing() {
    let f = black_scholes();
    let mut tape = Tape::new();
    let mut g = [0.0; 5];
    let run = |tape: &mut Tape<f64>, m: [f64; 5], g: &mut [f64; 5]| {
        tape.clear();
        let (_, y) = tape.record(&f, m);
        tape.gradient(y, g)
    };
    run(&mut tape, MARKETS[0], &mut g);
    for m in MARKETS {
        let (n, v) = allocations(|| run(&mut tape, black_box(m), &mut g));
        assert_eq!(n, 0, "at {m:?}");
        let (price, greeks) = black_scholes_closed(m);
        assert_close!(v, price, 1e-12, 1e-12);
        assert_close!(g[0], greeks[0], 1e-10, 1e-12);
    }
}

#[test]
fn data_dependent_loop_and_vjp_allocate_nothing_again() {
    // Newton's method for √a, then a vector-Jacobian product of (y, y·a).
    let newton = |tape: &mut Tape<f64>, a0: f64, g: &mut [f64; 1]| {
        tape.clear();
        let a = tape.input(a0);
        let mut y = tape.constant(1.0);
        while (y.value() * y.value() - a0).abs() > 4.0 * f64::EPSILON * a0 {
            y = 0.5 * (y + a / y);
        }
        *g = [0.0];
        tape.vjp(&[y, y * a], &[1.0, 1.0], g);
    };
    let mut tape = Tape::new();
    let mut g = [0.0];
    newton(&mut tape, 10.0, &mut g);
    let (n, _) = allocations(|| newton(&mut tape, black_box(10.0), &mut g));
    assert_eq!(n, 0);
    // d/da (√a + a^{3/2}) = 1/(2√a) + (3/2)√a.
    assert_close!(g[0], 0.5 / 10.0_f64.sqrt() + 1.5 * 10.0_f64.sqrt());
}

#[test]
fn a_binary_operation_costs_at_most_32_bytes() {
    const NODES: usize = 1 << 16;
    let (peak, (value, slope)) = peak_bytes(|| {
        let tape = Tape::<f64>::with_capacity(NODES);
        // Three inputs, then products that each depend on three nodes and so record one:
        // w·t with t = x·z (two terms, no node), then NODES − 4 times y·t. With w = z = 1,
        // y = x^(NODES − 3).
        let [x, z, w] = tape.input_array([1.0 + 1e-6, 1.0, 1.0]);
        let t = x * z;
        let mut y = w * t;
        for _ in 4..NODES {
            y *= t;
        }
        assert_eq!(tape.len(), NODES);
        (y.value(), tape.gradient_vec(y)[0])
    });
    let per_node = peak as f64 / NODES as f64;
    // Everything the tape reserved, the gradient vector and the list of inputs included.
    assert!(
        per_node <= 32.0 + 1e-3,
        "{per_node} bytes per node (peak {peak} bytes for {NODES} nodes)"
    );
    assert!(per_node >= 32.0, "the count missed the tape: {per_node}");
    assert_eq!(Tape::<f64>::BYTES_PER_NODE, 32);
    // The work was real: xⁿ and n xⁿ⁻¹ with n = NODES − 3.
    let x0: f64 = 1.0 + 1e-6;
    let n = NODES as i32 - 3;
    assert_close!(value, x0.powi(n), 1e-10, 0.0);
    assert_close!(slope, f64::from(n) * x0.powi(n - 1), 1e-10, 0.0);
}
