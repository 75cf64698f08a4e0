// Integer literals are not operands: `x + 1` must be written `x + 1.0`.
use tapeless::prelude::*;

// A second type named `Var` makes rustc name ours `tapeless::Var` in full, whichever other
// crates (cargo features) are in the build, so the expected output does not depend on them.
#[allow(dead_code)]
struct Var;

fn main() {
    let (x,) = vars();
    let _ = x + 1;
}
