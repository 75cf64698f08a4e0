//! `rosenbrock`: (1 − x)² + 100 (y − x²)², 2 inputs.

use num_dual::DualSVec64;
use tapeless::prelude::*;

use crate::engines;
use crate::harness::{FD_TOLERANCE, Harness, TOLERANCE, Workload};

pub const X: [f64; 2] = [-1.2, 1.0];

pub fn primal(p: [f64; 2]) -> f64 {
    let [x, y] = p;
    let a = 1.0 - x;
    let b = y - x * x;
    a * a + 100.0 * b * b
}

pub fn hand(p: [f64; 2]) -> (f64, [f64; 2]) {
    let [x, y] = p;
    let a = 1.0 - x;
    let b = y - x * x;
    (a * a + 100.0 * b * b, [-2.0 * a - 400.0 * x * b, 200.0 * b])
}

/// The same function for every engine of the crate (generic in the scalar type).
pub fn expr<T: Scalar>() -> impl Expr<T> {
    let (x, y) = vars();
    (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x).powi(2)
}

/// `num_dual` (it has no `f64 − dual`, so `(1 − x)²` is written `(x − 1)²`).
pub fn in_num_dual(v: &[DualSVec64<2>; 2]) -> DualSVec64<2> {
    let [x, y] = *v;
    let a = x - 1.0;
    let b = y - x * x;
    a * a + b * b * 100.0
}

/// `reverse`.
pub fn in_reverse<'t>(v: &[reverse::Var<'t>; 2]) -> reverse::Var<'t> {
    let [x, y] = *v;
    let a = 1.0 - x;
    let b = y - x * x;
    a * a + 100.0 * b * b
}

/// The workload.
pub struct Rosenbrock;

impl Workload for Rosenbrock {
    fn name() -> String {
        "rosenbrock".into()
    }

    fn run<H: Harness>(h: &mut H) {
        let (v, g) = hand(X);
        h.reference(v, &g);
        h.primal(X, primal);
        h.engine("hand", X, TOLERANCE, || hand);
        h.engine("static", X, TOLERANCE, || |x| gradient(&expr::<f64>(), x));
        h.engine("tape", X, TOLERANCE, || {
            let mut tape = Tape::new();
            move |x| engines::tape(&mut tape, &expr::<f64>(), x)
        });
        h.engine("forward", X, TOLERANCE, || {
            |x| forward_gradient(&expr::<Dual<f64, 2>>(), x)
        });
        h.engine("central_fd", X, FD_TOLERANCE, || {
            |x| engines::central_fd(primal, x)
        });
        h.engine("num_dual", X, TOLERANCE, || {
            |x| engines::num_dual(in_num_dual, x)
        });
        h.engine("reverse", X, TOLERANCE, || {
            let tape = reverse::Tape::new();
            move |x| engines::reverse(&tape, in_reverse, x)
        });
    }
}
