// Integer literals are not operands: `x + 1` must be written `x + 1.0`.
use tapeless::prelude::*;

fn main() {
    let (x,) = vars();
    let _ = x + 1;
}
