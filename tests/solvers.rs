//! Solvers: the Newton solver for nonlinear systems (always built), and the argmin
//! adapters (feature `argmin`: run with `cargo test --all-features`).
//!
//! Tolerances: roots and minima within 1e-8 of the exact points (1e-12 for Newton's
//! method on systems, which converges quadratically); residuals as stated per test.

use tapeless::prelude::*;
use tapeless::solve::{NewtonError, NewtonOptions, newton};

#[test]
fn newton_finds_a_known_root() {
    // x·y = 6, x + y = 5: roots (2, 3) and (3, 2).
    let (x, y) = vars();
    let system = (x * y - 6.0, x + y - 5.0);
    let root = newton(&system, [1.0, 4.0], &NewtonOptions::default()).expect("a root");
    assert!((root.x[0] - 2.0).abs() < 1e-12, "x = {}", root.x[0]);
    assert!((root.x[1] - 3.0).abs() < 1e-12, "y = {}", root.x[1]);
    assert!(root.residual <= 1e-12);
    assert!(root.iterations <= 10, "{} iterations", root.iterations);
}

#[test]
fn newton_solves_a_three_by_three_system() {
    // x + y + z = 6, xyz = 6, x² + y² + z² = 14: the permutations of (1, 2, 3).
    let (x, y, z) = vars();
    let system = (
        x + y + z - 6.0,
        x * y * z - 6.0,
        x * x + y * y + z * z - 14.0,
    );
    let root = newton(&system, [0.8, 2.3, 3.4], &NewtonOptions::default()).expect("a root");
    let mut r: [f64; 3] = root.x.into();
    r.sort_by(f64::total_cmp);
    for (got, want) in r.iter().zip([1.0, 2.0, 3.0]) {
        assert!((got - want).abs() < 1e-12, "root {r:?}");
    }
}

#[test]
fn newton_finds_the_stationary_point_of_rosenbrock() {
    // ∇f = 0 for Rosenbrock's function, written out: the unique root is (1, 1).
    let (x, y) = vars();
    let grad = (
        2.0 * (x - 1.0) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    );
    let root = newton(&grad, [-1.2, 1.0], &NewtonOptions::default()).expect("a root");
    assert!((root.x[0] - 1.0).abs() < 1e-12 && (root.x[1] - 1.0).abs() < 1e-12);
}

#[test]
fn newton_settles_by_step_size_when_the_residual_cannot_reach_its_tolerance() {
    // 1e8·(x² − 2): at the nearest double to √2 the residual is ~1e-8, far above 1e-12;
    // the step test ends the iteration there.
    let (x,) = vars();
    let system = (1e8 * (x * x - 2.0),);
    let root = newton(&system, [1.0], &NewtonOptions::default()).expect("settled");
    assert!((root.x[0] - 2.0_f64.sqrt()).abs() <= 4.0 * f64::EPSILON);
    assert!(
        root.residual > 1e-12 && root.residual < 1e-6,
        "{}",
        root.residual
    );
}

#[test]
fn newton_reports_a_system_without_a_root() {
    // x² + 1 = 0 has no real root: the residual never drops below 1.
    let (x, y) = vars();
    let system = (x * x + 1.0, y - 2.0);
    let options = NewtonOptions {
        max_iterations: 40,
        ..NewtonOptions::default()
    };
    match newton(&system, [0.3, 0.0], &options) {
        Err(NewtonError::NoConvergence {
            iterations,
            residual,
        }) => {
            assert_eq!(iterations, 40);
            assert!(residual >= 1.0);
        }
        other => panic!("expected no root, got {other:?}"),
    }
}

#[test]
fn newton_reports_a_singular_jacobian() {
    // Two parallel lines: no root, and J = [[1, 1], [2, 2]] everywhere.
    let (x, y) = vars();
    let system = (x + y - 1.0, 2.0 * x + 2.0 * y - 3.0);
    let err = newton(&system, [0.0, 0.0], &NewtonOptions::default()).unwrap_err();
    assert_eq!(err, NewtonError::Singular { iteration: 0 });
    assert!(err.to_string().contains("singular"), "{err}");
}

#[test]
fn newton_reports_leaving_the_domain() {
    // √x − 1 = 0 from x = 9: the step is x ↦ 2√x − x, so the first step lands at −3,
    // where √x is NaN.
    let (x,) = vars();
    let system = (x.sqrt() - 1.0,);
    let err = newton(&system, [9.0], &NewtonOptions::default()).unwrap_err();
    assert_eq!(err, NewtonError::NonFinite { iteration: 1 });
    // And from a start outside the domain.
    let err = newton(&system, [-1.0], &NewtonOptions::default()).unwrap_err();
    assert_eq!(err, NewtonError::NonFinite { iteration: 0 });
    let message: &dyn std::error::Error = &err;
    assert!(message.to_string().contains("not finite"));
}

#[test]
fn newton_error_messages_carry_the_numbers() {
    let e = NewtonError::NoConvergence {
        iterations: 7,
        residual: 0.25,
    };
    let text = e.to_string();
    assert!(text.contains('7') && text.contains("2.5e-1"), "{text}");
}
