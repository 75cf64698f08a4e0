//! Nested derivatives with `nest::Rev`: the derivative of a quantity that is itself found
//! by a derivative-driven loop.
//!
//! ```text
//! cargo run --release --example nested
//! ```
//!
//! g(a) = min over x of (x − a)² + x⁴, found by Newton's method on f′ = 0, where f′ and f″
//! come from the static engine. Then dg/da, by running the whole loop on `Rev` and
//! differentiating it in reverse (reverse over reverse and forward), against the envelope
//! theorem's closed form dg/da = ∂f/∂a at the minimum = −2(x* − a).

use tapeless::nest;
use tapeless::prelude::*;

/// min over x of f(x; a), Newton's method from 0, in any number type.
fn minimum<T: Scalar>(a: T) -> (T, T) {
    let (x, p) = (at(0), at(1));
    let f = (x - p) * (x - p) + x.powi(4);
    let mut xv = T::zero();
    for _ in 0..30 {
        // f′ by the static engine's gradient; f″ by a dual number through that gradient.
        let d = gradient(&f, [Dual::new(xv, T::one()), Dual::constant(a)]).1[0];
        xv -= d.re / d.tangent();
    }
    (xv, value(&f, [xv, a]))
}

fn main() {
    let a = 1.5;
    let (x, g) = minimum(a);
    let (_, dg) = nest::gradient([a], |[a]| minimum(a).1);
    println!("a = {a}: x* = {x:.12}, g(a) = {g:.12}");
    println!("dg/da by nested reverse mode: {:.12}", dg[0]);
    println!("envelope theorem, −2(x* − a):  {:.12}", -2.0 * (x - a));
    assert!((dg[0] + 2.0 * (x - a)).abs() < 1e-10);
}
