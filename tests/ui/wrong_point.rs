// A `Vec` is not a point of the static engine: its length is not known when the crate is
// built.
use tapeless::prelude::*;

fn main() {
    let (x,) = vars();
    let _ = gradient(&x.sin(), vec![1.0]);
}
