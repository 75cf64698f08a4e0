//! `sum_over`: the index-made reduction against its closed form, the array reduction it
//! replaces, and the tape.

use tapeless::Tape;
use tapeless::prelude::*;

const N: usize = 7;

/// Σ xᵢ·sin xᵢ₊₁ + e^(xᵢ)·xᵢ₊₁ over a cyclic index, and its gradient, by hand.
fn closed_form(x: [f64; N]) -> (f64, [f64; N]) {
    let mut v = 0.0;
    let mut g = [0.0; N];
    for i in 0..N {
        let j = (i + 1) % N;
        v += x[i] * x[j].sin() + x[i].exp() * x[j];
        g[i] += x[j].sin() + x[i].exp() * x[j];
        g[j] += x[i] * x[j].cos() + x[i].exp();
    }
    (v, g)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-13 * b.abs().max(1.0)
}

#[test]
fn matches_closed_form_array_reduction_and_tape() {
    let term = |i: usize| {
        let (a, b) = (at(i), at((i + 1) % N));
        a * b.sin() + a.exp() * b
    };
    let over = sum_over::<N, _, _>(term);
    let array = sum(core::array::from_fn::<_, N, _>(term));
    let mut tape = Tape::<f64>::new();
    for k in 0..5 {
        let x: [f64; N] = core::array::from_fn(|i| ((i * 7 + k * 3) as f64 * 0.37).sin() * 2.0);
        let (v0, g0) = closed_form(x);
        let (v1, g1) = gradient(&over, x);
        let (v2, g2) = gradient(&array, x);
        assert!(
            close(v1, v0) && close(value(&over, x), v0),
            "value at {x:?}"
        );
        assert_eq!(v1, v2, "sum_over and sum of an array differ in value");
        tape.clear();
        let (_, y) = tape.record(&over, x);
        let g3 = tape.gradient_vec(y);
        for i in 0..N {
            assert!(close(g1[i], g0[i]), "∂{i}: {} vs {}", g1[i], g0[i]);
            assert_eq!(g1[i], g2[i], "∂{i}: sum_over and array reduction differ");
            assert!(close(g3[i], g0[i]), "tape ∂{i}: {} vs {}", g3[i], g0[i]);
        }
    }
}
