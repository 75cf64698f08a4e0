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
    assert!(text.contains('7') && text.contains("2.500e-1"), "{text}");
}

/// The argmin adapter: L-BFGS and Newton-CG (both with More-Thuente line search) on
/// static expressions.
#[cfg(feature = "argmin")]
mod with_argmin {
    use argmin::core::{CostFunction, Executor, Gradient, Hessian, State};
    use argmin::solver::linesearch::MoreThuenteLineSearch;
    use argmin::solver::quasinewton::LBFGS;
    use argmin::solver::trustregion::{Steihaug, TrustRegion};
    use tapeless::prelude::*;
    use tapeless::solve::argmin::{StaticProblem, TapeProblem};
    use tapeless::tape::{Inputs, Var as TapeVar};

    /// One value used in `f64` (cost, gradient) and in duals (Hessian).
    fn rosenbrock() -> impl SecondOrder<f64> {
        let (x, y) = vars();
        (x - 1.0).powi(2) + 100.0 * (y - x * x).powi(2)
    }

    fn himmelblau<T: Scalar>() -> impl Expr<T> {
        let (x, y) = vars();
        (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2)
    }

    /// L-BFGS (memory 7) with More-Thuente line search, run to a tight gradient norm.
    fn lbfgs<E: Expr<f64>>(f: E, start: [f64; 2]) -> (Vec<f64>, u64) {
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
            .with_tolerance_grad(1e-13)
            .unwrap()
            .with_tolerance_cost(0.0)
            .unwrap();
        let result = Executor::new(StaticProblem::<2>::new(f), solver)
            .configure(|s| s.param(start.to_vec()).max_iters(500))
            .run()
            .expect("L-BFGS runs");
        let state = result.state();
        (state.get_best_param().unwrap().clone(), state.get_iter())
    }

    #[test]
    fn lbfgs_minimises_rosenbrock_from_the_standard_start() {
        let (best, iterations) = lbfgs(rosenbrock(), [-1.2, 1.0]);
        assert!(
            (best[0] - 1.0).abs() < 1e-8 && (best[1] - 1.0).abs() < 1e-8,
            "{best:?} after {iterations} iterations"
        );
        assert!(iterations < 500, "hit the iteration limit");
    }

    #[test]
    fn lbfgs_minimises_himmelblau() {
        // From the origin the descent goes to the minimum at (3, 2), where f = 0.
        let (best, iterations) = lbfgs(himmelblau(), [0.0, 0.0]);
        assert!(
            (best[0] - 3.0).abs() < 1e-8 && (best[1] - 2.0).abs() < 1e-8,
            "{best:?} after {iterations} iterations"
        );
    }

    /// Newton's method with the AD Hessian, in argmin's trust-region form (Steihaug's
    /// truncated CG on the exact Newton model). argmin's line-search `NewtonCG` is not
    /// used: its inner CG reports the *squared* residual norm as its cost, which its
    /// stopping test compares with a norm, so near the minimum it stops after one CG step
    /// and the method falls back to steepest descent (observed: 1000 iterations without
    /// reaching 1e-2 of the minimum).
    #[test]
    fn trust_region_newton_with_the_ad_hessian_minimises_rosenbrock() {
        let solver = TrustRegion::new(Steihaug::new().with_max_iters(20));
        let result = Executor::new(StaticProblem::<2>::new(rosenbrock()), solver)
            .configure(|s| s.param(vec![-1.2, 1.0]).max_iters(100).target_cost(1e-24))
            .run()
            .expect("trust-region Newton runs");
        let best = result.state().get_best_param().unwrap();
        let iterations = result.state().get_iter();
        assert!(
            (best[0] - 1.0).abs() < 1e-8 && (best[1] - 1.0).abs() < 1e-8,
            "{best:?} after {iterations} iterations"
        );
        assert!(iterations < 100, "hit the iteration limit");
    }

    #[test]
    fn adapter_matches_closed_forms_and_rejects_wrong_sizes() {
        let p = StaticProblem::<2>::new(rosenbrock());
        let x = vec![-1.2, 1.0];
        assert!((p.cost(&x).unwrap() - 24.2).abs() < 1e-12);
        let g = p.gradient(&x).unwrap();
        assert!((g[0] + 215.6).abs() < 1e-9 && (g[1] + 88.0).abs() < 1e-12);
        let h = p.hessian(&x).unwrap();
        // [[1200x² − 400y + 2, −400x], [−400x, 200]]
        let exact = [[1200.0 * 1.44 - 400.0 + 2.0, 480.0], [480.0, 200.0]];
        for i in 0..2 {
            for k in 0..2 {
                assert!((h[i][k] - exact[i][k]).abs() <= 1e-12 * exact[i][k].abs());
            }
        }
        let err = p.cost(&vec![1.0, 2.0, 3.0]).unwrap_err();
        assert!(err.to_string().contains("3 entries"), "{err}");
    }

    /// Σ 100·(xᵢ₊₁ − xᵢ²)² + (xᵢ − 1)² over pairs, for a run-time number of inputs, in any
    /// scalar type (recorded on the tape).
    fn extended_rosenbrock<'t, S: Scalar>(x: Inputs<'t, S>) -> TapeVar<'t, S> {
        let mut total = x.get(0) * S::zero();
        for i in (0..x.len()).step_by(2) {
            let (a, b) = (x.get(i), x.get(i + 1));
            total += (b - a * a).square() * S::from_f64(100.0) + (a - S::one()).square();
        }
        total
    }

    fn standard_start(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
            .collect()
    }

    #[test]
    fn lbfgs_minimises_a_tape_function_of_runtime_size() {
        for n in [2, 6, 12] {
            let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
                .with_tolerance_grad(1e-13)
                .unwrap()
                .with_tolerance_cost(0.0)
                .unwrap();
            let result = Executor::new(TapeProblem::new(extended_rosenbrock), solver)
                .configure(|s| s.param(standard_start(n)).max_iters(500))
                .run()
                .expect("L-BFGS runs");
            let best = result.state().get_best_param().unwrap();
            assert!(
                best.iter().all(|v| (v - 1.0).abs() < 1e-8),
                "n = {n}: {best:?} after {} iterations",
                result.state().get_iter()
            );
        }
    }

    #[test]
    fn trust_region_newton_minimises_a_tape_function_with_its_ad_hessian() {
        let problem = TapeProblem::new(extended_rosenbrock).with_hessian(extended_rosenbrock);
        let solver = TrustRegion::new(Steihaug::new().with_max_iters(20));
        let result = Executor::new(problem, solver)
            .configure(|s| s.param(standard_start(8)).max_iters(200).target_cost(1e-24))
            .run()
            .expect("trust-region Newton runs");
        let best = result.state().get_best_param().unwrap();
        let iterations = result.state().get_iter();
        assert!(
            best.iter().all(|v| (v - 1.0).abs() < 1e-8),
            "{best:?} after {iterations} iterations"
        );
        assert!(iterations < 200, "hit the iteration limit");
    }

    /// The tape problem and the static problem give the same cost, gradient and Hessian
    /// for the same function.
    #[test]
    fn tape_problem_agrees_with_static_problem() {
        let tape = TapeProblem::new(extended_rosenbrock).with_hessian(extended_rosenbrock);
        let stat = StaticProblem::<2>::new(rosenbrock());
        for x in [vec![-1.2, 1.0], vec![0.3, -0.4], vec![2.0, 3.5]] {
            assert!((tape.cost(&x).unwrap() - stat.cost(&x).unwrap()).abs() < 1e-12);
            for (a, b) in tape
                .gradient(&x)
                .unwrap()
                .iter()
                .zip(stat.gradient(&x).unwrap())
            {
                assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0));
            }
            let (ht, hs) = (tape.hessian(&x).unwrap(), stat.hessian(&x).unwrap());
            for i in 0..2 {
                for k in 0..2 {
                    assert!((ht[i][k] - hs[i][k]).abs() <= 1e-12 * hs[i][k].abs().max(1.0));
                }
            }
        }
    }

    /// A pseudo-Huber-like loss with a branch on the data, through recorded comparisons:
    /// `Σ xᵢ²/2` where `|xᵢ| < 1`, `|xᵢ| − 1/2` elsewhere.
    fn huber<'t>(x: Inputs<'t, f64>) -> TapeVar<'t, f64> {
        let mut total = x.get(0) * 0.0;
        for xi in x.iter() {
            let a = xi.abs();
            total += if a.lt(1.0) { 0.5 * xi * xi } else { a - 0.5 };
        }
        total
    }

    /// The closed-form gradient of [`huber`].
    fn huber_gradient(x: &[f64]) -> Vec<f64> {
        x.iter()
            .map(|&v| if v.abs() < 1.0 { v } else { v.signum() })
            .collect()
    }

    #[test]
    fn the_replaying_adapter_records_again_where_a_branch_changes() {
        let replaying = TapeProblem::new(huber);
        let recording = TapeProblem::new(huber).recording_each_time();
        let points = [
            vec![0.5, -0.25, 2.0],
            vec![0.75, -0.5, 3.0],  // same branches: replayed
            vec![1.5, -0.5, 3.0],   // x₀ crosses: recorded again
            vec![1.25, -0.75, 2.5], // replayed
        ];
        for x in &points {
            let g = replaying.gradient(x).unwrap();
            assert_eq!(g, huber_gradient(x), "at {x:?}");
            assert_eq!(g, recording.gradient(x).unwrap());
            assert_eq!(replaying.cost(x).unwrap(), recording.cost(x).unwrap());
        }
        // Recorded at the first point and where x₀ crossed; replayed otherwise.
        assert_eq!(replaying.counts(), (2, 6));
        assert_eq!(recording.counts(), (0, 0));
    }

    #[test]
    fn lbfgs_takes_the_same_path_replaying_as_recording() {
        let run = |p: TapeProblem<_>| {
            let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
                .with_tolerance_grad(1e-13)
                .unwrap()
                .with_tolerance_cost(0.0)
                .unwrap();
            let result = Executor::new(p, solver)
                .configure(|s| s.param(standard_start(40)).max_iters(500))
                .run()
                .expect("L-BFGS runs");
            let state = result.state();
            (state.get_best_param().unwrap().clone(), state.get_iter())
        };
        let (a, ia) = run(TapeProblem::new(extended_rosenbrock::<f64>));
        let (b, ib) = run(TapeProblem::new(extended_rosenbrock::<f64>).recording_each_time());
        assert!(a.iter().all(|v| (v - 1.0).abs() < 1e-8), "{a:?}");
        assert!(b.iter().all(|v| (v - 1.0).abs() < 1e-8), "{b:?}");
        // The gradients differ by rounding only, so the paths may part at the end.
        assert!(ia.abs_diff(ib) <= 3, "{ia} vs {ib} iterations");
    }
}
