//! `rosenbrock`: (1 − x)² + 100 (y − x²)², 2 inputs.

use num_dual::DualSVec64;
use tapeless::prelude::*;

use crate::engines;
use crate::harness::{Harness, Workload};

pub const X: [f64; 2] = [-1.2, 1.0];

/// The workload.
pub struct Rosenbrock;

impl engines::Model<2> for Rosenbrock {
    fn point() -> [f64; 2] {
        X
    }

    fn primal(p: [f64; 2]) -> f64 {
        let [x, y] = p;
        let a = 1.0 - x;
        let b = y - x * x;
        a * a + 100.0 * b * b
    }
    fn hand(p: [f64; 2]) -> (f64, [f64; 2]) {
        let [x, y] = p;
        let a = 1.0 - x;
        let b = y - x * x;
        (a * a + 100.0 * b * b, [-2.0 * a - 400.0 * x * b, 200.0 * b])
    }
    /// The same function for every engine of the crate (generic in the scalar type).
    fn expr<T: Scalar>() -> impl Expr<T> {
        let (x, y) = vars();
        (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x).powi(2)
    }
    /// `num_dual` (it has no `f64 − dual`, so `(1 − x)²` is written `(x − 1)²`).
    fn in_num_dual(v: &[DualSVec64<2>; 2]) -> DualSVec64<2> {
        let [x, y] = *v;
        let a = x - 1.0;
        let b = y - x * x;
        a * a + b * b * 100.0
    }
    /// `reverse`.
    fn in_reverse<'t>(v: &[reverse::Var<'t>; 2]) -> reverse::Var<'t> {
        let [x, y] = *v;
        let a = 1.0 - x;
        let b = y - x * x;
        a * a + 100.0 * b * b
    }
    /// echidna (`(1 − x)²` written `(x − 1)²`, as for `num_dual`).
    fn in_echidna<S: crate::echidna::Scalar>(v: &[S; 2]) -> S {
        let [x, y] = *v;
        let a = x - 1.0;
        let b = y - x * x;
        a * a + b * b * 100.0
    }
}

impl Workload for Rosenbrock {
    fn name() -> String {
        "rosenbrock".into()
    }

    fn run<H: Harness>(h: &mut H) {
        engines::run_all::<Self, H, 2>(h);
    }
}
