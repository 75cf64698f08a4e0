//! `rosenbrock`: (1 − x)² + 100 (y − x²)², 2 inputs.

use tapeless::prelude::*;

use crate::bench::Bench;

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

pub fn run(b: &mut Bench) {
    let (v, g) = hand(X);
    b.reference(v, &g);
    b.time("primal", X, primal);
    b.engine("hand", X, |x| (hand(x).0, hand(x).1.to_vec()), hand);
    let f = expr::<f64>();
    b.engine(
        "static",
        X,
        |x| {
            let (v, g) = gradient(&f, x);
            (v, g.to_vec())
        },
        |x| gradient(&f, x),
    );
}
