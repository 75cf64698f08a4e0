// A rule written for `f64` only has no second derivative: `hvp` must say so, naming it.
use tapeless::prelude::*;
use tapeless::{hvp, rules::F64Rule};

#[derive(Clone, Copy)]
struct Foreign;

impl F64Rule for Foreign {
    const NAME: &'static str = "foreign";
    fn eval(self, x: f64) -> (f64, f64) {
        (x.exp(), x.exp())
    }
}

fn main() {
    let (x, y) = vars();
    let f = apply_f64(Foreign, x * y) + y;
    let _ = gradient(&f, [0.5, 1.0]); // fine: first order in f64
    let _ = hvp(&f, [0.5, 1.0], [1.0, 0.0]);
}
