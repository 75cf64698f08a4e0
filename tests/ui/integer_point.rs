// An integer array is not a point: its elements are not a scalar type.
use tapeless::prelude::*;

fn main() {
    let (x, y) = vars();
    let _ = gradient(&(x * y), [1, 2]);
}
