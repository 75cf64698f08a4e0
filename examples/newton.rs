//! Newton's method for nonlinear systems with the AD Jacobian: two systems with roots,
//! and two without, which end in a clear error instead of a wrong answer.
//!
//! ```text
//! cargo run --release --example newton
//! ```

use tapeless::prelude::*;
use tapeless::solve::{NewtonOptions, newton};

fn main() {
    let options = NewtonOptions::default();
    println!(
        "options: at most {} steps, ‖F‖∞ ≤ {:e} or relative step ≤ {:e}\n",
        options.max_iterations, options.residual_tol, options.step_tol
    );

    // Where the ellipse x²/4 + y² = 1 meets the curve y = eˣ − 1 (two points).
    let (x, y) = vars();
    let curves = (x * x / 4.0 + y * y - 1.0, y - x.exp_m1());
    for start in [[1.0, 1.0], [-2.0, -1.0]] {
        match newton(&curves, start, &options) {
            Ok(root) => {
                let (f, _) = jacobian(&curves, root.x);
                println!(
                    "ellipse ∩ (y = eˣ − 1) from {start:?}: x = {:.15}, y = {:.15}",
                    root.x[0], root.x[1]
                );
                println!(
                    "  {} steps, ‖F‖∞ = {:.1e}; check: x²/4 + y² − 1 = {:.1e}, y − (eˣ − 1) = {:.1e}",
                    root.iterations, root.residual, f[0], f[1]
                );
            }
            Err(e) => println!("ellipse from {start:?}: {e}"),
        }
    }

    // Three unknowns, with the permutations of (1, 2, 3) as roots.
    let (a, b, c) = vars();
    let system = (
        a + b + c - 6.0,
        a * b * c - 6.0,
        a * a + b * b + c * c - 14.0,
    );
    match newton(&system, [0.8, 2.3, 3.4], &options) {
        Ok(root) => println!(
            "\nx + y + z = 6, xyz = 6, x² + y² + z² = 14 from (0.8, 2.3, 3.4): {:?} in {} steps",
            <[f64; 3]>::from(root.x),
            root.iterations
        ),
        Err(e) => println!("\n3×3 system: {e}"),
    }

    // No real root: x² + 1 = 0.
    let no_root = (x * x + 1.0, y - 2.0);
    println!("\nx² + 1 = 0, y = 2 from (0.3, 0):");
    match newton(&no_root, [0.3, 0.0], &options) {
        Ok(root) => println!("  unexpected root {:?}", root.x),
        Err(e) => println!("  error: {e}"),
    }

    // Two parallel lines: the Jacobian is singular everywhere.
    let parallel = (x + y - 1.0, 2.0 * x + 2.0 * y - 3.0);
    println!("x + y = 1, 2x + 2y = 3 from (0, 0):");
    match newton(&parallel, [0.0, 0.0], &options) {
        Ok(root) => println!("  unexpected root {:?}", root.x),
        Err(e) => println!("  error: {e}"),
    }
}
