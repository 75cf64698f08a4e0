//! A rule of one's own, used in every engine: the Lambert W function.
//!
//! `cargo run --example lambert_w`

mod rule;

use rule::LambertW;
use tapeless::prelude::*;
use tapeless::{Dual, hvp};

fn main() {
    // Static engine: f(x, y) = W(x·y) + y·W(x).
    let (x, y) = vars();
    let f = apply(LambertW, x * y) + y * x.apply(LambertW);
    let p = [1.5, 2.0];
    let (v, g) = gradient(&f, p);
    println!("static: f = {v:.15}, ∇f = {g:?}");

    // The tape: the same function on handles.
    let tape = Tape::new();
    let [a, b] = tape.input_array(p);
    let h = (a * b).apply(LambertW) + b * a.apply(LambertW);
    println!(
        "tape:   f = {:.15}, ∇f = {:?}",
        h.value(),
        tape.gradient_vec(h)
    );

    // Dual numbers: the derivative of W at 1 (W(1) = Ω, the omega constant).
    let w = Dual::new(1.0, 1.0).apply(LambertW);
    println!("dual:   W(1) = {:.15}, W'(1) = {:.15}", w.re, w.tangent());

    // Second order: the rule's derivative is generic, so hvp works through it.
    let (_, _, hv) = hvp(&f, p, [1.0, 0.0]);
    println!("hvp along x: {hv:?}");
}
