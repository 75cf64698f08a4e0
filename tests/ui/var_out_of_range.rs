// Three variables, two inputs: rejected when the crate is built (`cargo build`), at the
// call of the entry point.
use tapeless::prelude::*;

fn main() {
    let (x, y, z) = vars();
    let _ = gradient(&(x * y * z), [1.0, 2.0]);
}
