// A number is not an expression: a constant function is `Cst`, or an expression with a
// literal in it.
use tapeless::prelude::*;

fn main() {
    let f = 2.0_f64;
    let _ = gradient(&f, [1.0]);
}
