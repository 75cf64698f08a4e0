//! `nest::Rev`: first derivatives against closed forms, second derivatives (reverse over
//! reverse, reverse over forward) against closed forms and central differences of the
//! first, and misuse.

use num_traits::One;
use tapeless::nest::{self, Rev};
use tapeless::prelude::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs() + b.abs())
}

#[test]
fn first_derivatives_match_closed_forms() {
    let (v, g) = nest::gradient([0.7, -1.3], |[x, y]| (x * y).sin() + x.exp() / y);
    let (x, y) = (0.7_f64, -1.3_f64);
    assert!(close(v, (x * y).sin() + x.exp() / y, 1e-15));
    assert!(close(g[0], y * (x * y).cos() + x.exp() / y, 1e-14));
    assert!(close(g[1], x * (x * y).cos() - x.exp() / (y * y), 1e-14));
    // A node met twice, constants on either side, mul_add and powf.
    let (_, g) = nest::gradient([1.5], |[x]| {
        x * x + Rev::constant(2.0) * x - x.mul_add(x, x)
    });
    assert!(close(g[0], 2.0 * 1.5 + 2.0 - (2.0 * 1.5 + 1.0), 1e-15));
    let (_, g) = nest::gradient([2.0_f32], |[x]| x.powf(Rev::constant(3.0)));
    assert!((g[0] - 12.0).abs() < 1e-5);
}

/// f(x, y) = x³y + sin(x)·y², its gradient by the static engine (generic over the number).
fn f_expr() -> impl Expr<f64> + Expr<Rev> + Copy {
    let (x, y) = (at(0), at(1));
    x.powi(3) * y + x.sin() * y * y
}

fn hessian_closed(x: f64, y: f64) -> [[f64; 2]; 2] {
    [
        [
            6.0 * x * y - x.sin() * y * y,
            3.0 * x * x + 2.0 * y * x.cos(),
        ],
        [3.0 * x * x + 2.0 * y * x.cos(), 2.0 * x.sin()],
    ]
}

#[test]
fn reverse_over_reverse_gives_the_hessian() {
    let f = f_expr();
    let p = [0.8, -0.6];
    let h = hessian_closed(p[0], p[1]);
    for (i, h_row) in h.iter().enumerate() {
        // The static engine's reverse sweep run on `Rev`, differentiated in reverse.
        let (gi, row) = nest::gradient(p, |x| gradient(&f, x).1[i]);
        assert!(close(gi, gradient(&f, p).1[i], 1e-15));
        // Central differences of the first derivative.
        let e = 1e-6;
        for (j, (&r, &hij)) in row.iter().zip(h_row).enumerate() {
            assert!(close(r, hij, 1e-13), "H[{i}][{j}]: {r} vs {hij}");
            let (mut a, mut b) = (p, p);
            a[j] += e;
            b[j] -= e;
            let fd = (gradient(&f, a).1[i] - gradient(&f, b).1[i]) / (2.0 * e);
            assert!(close(r, fd, 1e-7));
        }
    }
}

#[test]
fn reverse_over_a_tape_of_rev_gives_the_hessian() {
    // The dynamic engine on `Rev`: a loop of run-time length, differentiated twice.
    let p = [0.8, -0.6];
    let h = hessian_closed(p[0], p[1]);
    let (_, row) = nest::gradient(p, |[x, y]| {
        let tape = Tape::new();
        let [a, b] = tape.input_array([x, y]);
        let mut s = tape.constant(Rev::constant(0.0));
        s += a * a * a * b;
        s += a.sin() * b * b;
        tape.gradient_vec(s)[1]
    });
    assert!(close(row[0], h[1][0], 1e-13) && close(row[1], h[1][1], 1e-13));
}

#[test]
fn reverse_over_forward_gives_the_hessian() {
    let p = [0.8, -0.6];
    let h = hessian_closed(p[0], p[1]);
    // Forward inner derivative along x: a dual number over `Rev`.
    let (_, row) = nest::gradient(p, |[x, y]| {
        let dx = Dual::new(x, Rev::constant(1.0));
        let dy = Dual::new(y, Rev::constant(0.0));
        let fx = dx.powi(3) * dy + dx.sin() * dy * dy;
        fx.tangent()
    });
    assert!(close(row[0], h[0][0], 1e-13) && close(row[1], h[0][1], 1e-13));
}

#[test]
fn a_scope_gives_gradients_of_several_outputs_and_forgets_its_nodes() {
    let (g1, g2, len) = nest::scope(|s| {
        let [x, y] = s.inputs([3.0, 4.0]);
        let r = x.hypot(y);
        let g1 = s.gradient(r, &[x, y]);
        let g2 = s.gradient(x * y, &[x, y, r]);
        (g1, g2, s.len())
    });
    assert!(close(g1[0], 0.6, 1e-15) && close(g1[1], 0.8, 1e-15));
    assert_eq!(g2, [4.0, 3.0, 0.0]);
    assert!(len >= 2);
    nest::scope(|s: &nest::Scope<f64>| assert!(s.is_empty()));
}

#[test]
#[should_panic(expected = "outside the `nest::scope`")]
fn a_rev_used_after_its_scope_panics() {
    let [x, y] = nest::scope(|s| s.inputs([1.0, 2.0]));
    let _ = x * y;
}

#[test]
#[should_panic(expected = "inside another")]
fn scopes_of_one_type_do_not_nest() {
    nest::scope(|_: &nest::Scope<f64>| nest::gradient([1.0], |[x]| x));
}

#[test]
fn constants_work_anywhere() {
    let c = Rev::constant(2.0) * Rev::from_f64(3.0) + Rev::one();
    assert!(c.is_constant() && c.value() == 7.0);
}
