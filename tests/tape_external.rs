//! External functions on the tape: a black box `ℝⁿ → ℝ` given with its gradient, recorded
//! as one operation, against the same function written with handles and against finite
//! differences.

#[macro_use]
mod common;

use common::fd_partial;
use tapeless::tape::{Inputs, Var};
use tapeless::{Scalar, Tape, tape_gradient, tape_hvp};

/// The chained Rosenbrock function Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² and its gradient by hand,
/// in any scalar type: the black box.
fn rosen<S: Scalar>(x: &[S]) -> (S, Vec<S>) {
    let (c100, c200, c400, two) = (
        S::from_f64(100.0),
        S::from_f64(200.0),
        S::from_f64(400.0),
        S::from_f64(2.0),
    );
    let mut v = S::zero();
    let mut g = vec![S::zero(); x.len()];
    for i in 0..x.len().saturating_sub(1) {
        let (a, b) = (x[i], x[i + 1]);
        let r = b - a * a;
        v += c100 * r * r + (S::one() - a) * (S::one() - a);
        g[i] += -c400 * a * r - two * (S::one() - a);
        g[i + 1] += c200 * r;
    }
    (v, g)
}

/// The same function with handles.
fn rosen_handles<'t, S: Scalar>(x: &[Var<'t, S>]) -> Var<'t, S> {
    let mut total = x[0] * S::zero();
    for i in 0..x.len() - 1 {
        let (a, b) = (x[i], x[i + 1]);
        total += (b - a * a).square() * S::from_f64(100.0) + (a - S::one()).square();
    }
    total
}

fn points(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| 0.3 * (i as f64).sin() - 0.7 + 0.05 * i as f64)
        .collect()
}

#[test]
fn one_operation_against_the_same_function_with_handles() {
    for n in [1, 2, 3, 7, 50] {
        let x = points(n);
        let tape = Tape::new();
        let h: Vec<_> = tape.inputs(&x).into_iter().collect();
        let y = tape.external(&h, rosen);
        let g = tape.gradient_vec(y);

        let tape2 = Tape::new();
        let h2: Vec<_> = tape2.inputs(&x).into_iter().collect();
        let y2 = rosen_handles(&h2);
        let g2 = tape2.gradient_vec(y2);

        assert_close!(y.value(), y2.value(), 1e-14, 1e-15, "value, n = {n}");
        for i in 0..n {
            assert_close!(g[i], g2[i], 1e-13, 1e-13, "∂{i}, n = {n}");
        }
        // Inputs only, so the chain of steps has one node per argument past the first two.
        assert!(
            tape.len() <= n + n.saturating_sub(2),
            "{} nodes for n = {n}",
            tape.len()
        );
    }
}

/// `h(a, b) = E(a·b, sin b, a, 2) · b + E(b, b, a, a)`, with `E` the black box: repeated
/// arguments and a constant among them, composed with other operations.
fn composed(p: [f64; 2]) -> (f64, Vec<f64>) {
    let tape = Tape::new();
    let [a, b] = tape.input_array(p);
    let two = tape.constant(2.0);
    let y =
        tape.external(&[a * b, b.sin(), a, two], rosen) * b + tape.external(&[b, b, a, a], rosen);
    (y.value(), tape.gradient_vec(y))
}

#[test]
fn composed_with_repeated_arguments_against_finite_differences() {
    let plain = |q: [f64; 2]| {
        let [a, b] = q;
        rosen(&[a * b, b.sin(), a, 2.0]).0 * b + rosen(&[b, b, a, a]).0
    };
    for p in [[0.4, -0.9], [1.1, 0.3], [-0.5, 0.75]] {
        let (v, g) = composed(p);
        assert_close!(v, plain(p), 1e-15, 0.0);
        for (i, &gi) in g.iter().enumerate() {
            assert_fd!(gi, fd_partial(plain, p, i), "∂{i} at {p:?}");
        }
    }
}

#[test]
fn no_arguments_is_a_constant() {
    let tape = Tape::new();
    let x = tape.input(3.0);
    let c = tape.external(&[], |_: &[f64]| (5.0, []));
    let y = c * x;
    assert_eq!((y.value(), tape.gradient_vec(y)), (15.0, vec![5.0]));
}

#[test]
#[should_panic(expected = "an external function of 2 arguments returned a gradient of length 1")]
fn a_gradient_of_the_wrong_length_panics() {
    let tape = Tape::new();
    let [a, b] = tape.input_array([1.0, 2.0]);
    let _ = tape.external(&[a, b], |v: &[f64]| (v[0] + v[1], [1.0]));
}

#[test]
#[should_panic(expected = "two different tapes")]
fn arguments_of_another_tape_panic() {
    let (t1, t2) = (Tape::new(), Tape::new());
    let a = t2.input(1.0);
    let _ = t1.external(&[a], |v: &[f64]| (v[0], [1.0]));
}

/// A black box written generically gets its gradient's tangents right on dual numbers, so
/// the tape's forward-over-reverse works through it.
fn chain_external<'t, S: Scalar>(x: Inputs<'t, S>) -> Var<'t, S> {
    let h: Vec<_> = x.into_iter().collect();
    x.get(0).tape().external(&h, rosen) * x.get(1)
}

fn chain_handles<'t, S: Scalar>(x: Inputs<'t, S>) -> Var<'t, S> {
    let h: Vec<_> = x.into_iter().collect();
    rosen_handles(&h) * x.get(1)
}

#[test]
fn gradient_and_hvp_through_a_generic_black_box() {
    let x = points(5);
    let (v, g) = tape_gradient(&x, chain_external);
    let (v2, g2) = tape_gradient(&x, chain_handles);
    assert_close!(v, v2, 1e-14, 1e-15);
    for i in 0..5 {
        assert_close!(g[i], g2[i], 1e-13, 1e-13, "∂{i}");
    }
    let dir = [0.3, -1.0, 0.5, 0.0, 2.0];
    let (_, _, hv) = tape_hvp(&x, &dir, chain_external);
    let (_, _, hv2) = tape_hvp(&x, &dir, chain_handles);
    for i in 0..5 {
        assert_close!(hv[i], hv2[i], 1e-12, 1e-12, "(H·v){i}");
    }
}

/// A replay cannot call the black box again: the recording says so instead of replaying a
/// gradient frozen at the recording point.
#[test]
fn a_replay_through_an_external_function_is_refused() {
    use tapeless::tape::{Replay, ReplayError};
    let mut r = Replay::record(&[1.0, 2.0], |x| {
        let t = x.get(0).tape();
        t.external(&[x.get(0), x.get(1)], |v: &[f64]| {
            (v[0] * v[1], [v[1], v[0]])
        })
    });
    let mut g = [0.0; 2];
    assert!(matches!(
        r.gradient(&[3.0, 4.0], &mut g),
        Err(ReplayError::ForeignRule { .. })
    ));
}
