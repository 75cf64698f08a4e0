// Three variables, two inputs: rejected when the crate is built (`cargo build`).
use tapeless::prelude::*;

// A second type named `Var` makes rustc name ours `tapeless::Var` in full, whichever other
// crates (cargo features) are in the build, so the expected output does not depend on them.
#[allow(dead_code)]
struct Var;

fn main() {
    let (x, y, z) = vars();
    let _ = gradient(&(x * y * z), [1.0, 2.0]);
}
