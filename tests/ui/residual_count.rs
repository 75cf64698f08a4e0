use tapeless::prelude::*;
use tapeless::solve::Implicit;

fn main() {
    let (z0, z1, p) = vars();
    // Two unknowns, one equation.
    let residual = (z0 * z1 - p,);
    let _ = Implicit::at(&residual, [1.0, 1.0], [2.0]);
}
