// Builds and runs; it also makes trybuild use `cargo build`, so that the post-
// monomorphization error of `var_out_of_range.rs` is reported.
use tapeless::prelude::*;

fn main() {
    let (x, y) = vars();
    let f = let_in(x * y, |p| p + 1.0);
    let (v, g) = gradient(&f, [2.0, 3.0]);
    assert_eq!(v, 7.0);
    assert_eq!(<[f64; 2]>::from(g), [3.0, 2.0]);
}
