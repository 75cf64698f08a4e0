//! Derivatives through a solver by the implicit function theorem: closed forms, finite
//! differences of the re-solved system, second order, the solution as a node of the static
//! engine and on the tape, the errors, and no heap on the static path.
//!
//! References: the real root of `z³ + p·z − 1 = 0` by Cardano's formula and
//! `dz/dp = −z/(3z² + p)`; the intersection of the circle `z₀² + z₁² = p₀` with the line
//! `z₁ = p₁·z₀` in closed form with its hand-derived sensitivity matrix; the minimizer of
//! `e^{z₀} − p₀z₀ + ½(z₁ − p₁z₀)²`, `(ln p₀, p₁ ln p₀)`.

#![allow(clippy::needless_range_loop)] // indices name coordinates: dzᵢ/dpⱼ

#[macro_use]
mod common;
#[path = "common/counting.rs"]
mod counting;

use std::hint::black_box;

use common::*;
use counting::allocations;
use tapeless::prelude::*;
use tapeless::solve::{
    Implicit, ImplicitError, NewtonError, NewtonOptions, Residual, Stationary, TapeImplicit,
    sensitivity_along, solve_in,
};

const OPTS: NewtonOptions = NewtonOptions {
    max_iterations: 50,
    residual_tol: 1e-14,
    step_tol: 1e-15,
};

/// `z³ + p·z − 1` over `(z, p)`.
fn cubic() -> impl Residual<f64, 1> + Residual<Dual<f64>, 1> + Copy {
    let (z, p) = vars();
    (z * z * z + p * z - 1.0,)
}

/// The real root of `z³ + p·z − 1 = 0` for `p ≥ 0` (Cardano: one real root).
fn cardano(p: f64) -> f64 {
    let d = (0.25 + p * p * p / 27.0).sqrt();
    (0.5 + d).cbrt() + (0.5 - d).cbrt()
}

/// `dz/dp` and `d²z/dp²` of the cubic's root, by differentiating `F(z(p), p) = 0` by hand.
fn cubic_derivatives(p: f64) -> (f64, f64) {
    let z = cardano(p);
    let q = 3.0 * z * z + p;
    let d1 = -z / q;
    // z' = −z/q, q' = 6z·z' + 1: z'' = −(z'·q − z·q')/q².
    let d2 = -(d1 * q - z * (6.0 * z * d1 + 1.0)) / (q * q);
    (d1, d2)
}

const PS: [f64; 5] = [0.0, 0.5, 1.0, 3.0, 10.0];

#[test]
fn cubic_root_and_its_slope_match_the_closed_forms() {
    for p in PS {
        let want = cardano(p);
        let (d1, _) = cubic_derivatives(p);
        let sol = Implicit::newton(&cubic(), [1.0], [p], &OPTS).unwrap();
        assert_close!(sol.z()[0], want, REL64, ABS64, "root at p = {p}");
        assert_close!(
            sol.sensitivity()[0][0],
            d1,
            REL64,
            ABS64,
            "dz/dp at p = {p}"
        );
        assert_close!(sol.jvp([2.0])[0], 2.0 * d1, REL64, ABS64, "jvp at p = {p}");
        assert_close!(
            sol.vjp([-3.0])[0],
            -3.0 * d1,
            REL64,
            ABS64,
            "vjp at p = {p}"
        );
        // The same from a root found elsewhere (the closed form), given to `at`.
        let at = Implicit::at(&cubic(), [want], [p]).unwrap();
        assert_eq!(at.iterations(), 0);
        assert!(at.residual() < 1e-14, "Cardano's root to rounding");
        assert_close!(
            at.sensitivity()[0][0],
            d1,
            REL64,
            ABS64,
            "at: dz/dp at p = {p}"
        );
        // Against a central difference of the system solved again at p ± h.
        let solved = |p: f64| Implicit::newton(&cubic(), [1.0], [p], &OPTS).unwrap().z()[0];
        assert_fd!(
            sol.sensitivity()[0][0],
            fd(solved, p),
            "fd of the root at p = {p}"
        );
    }
}

#[test]
fn cubic_second_derivative_matches_the_closed_form_and_differences_of_the_first() {
    for p in PS {
        let (d1, d2) = cubic_derivatives(p);
        let (s, ds) = sensitivity_along(&cubic(), [cardano(p)], [p], [1.0]).unwrap();
        assert_close!(s[0][0], d1, REL64, ABS64, "dz/dp at p = {p}");
        assert_close!(ds[0][0], d2, REL64, ABS64, "d²z/dp² at p = {p}");
        let slope = |p: f64| {
            let z = Implicit::newton(&cubic(), [1.0], [p], &OPTS).unwrap();
            z.sensitivity()[0][0]
        };
        assert_fd!(ds[0][0], fd(slope, p), "fd of dz/dp at p = {p}");
        // Scaled direction: linear in v.
        let (_, ds3) = sensitivity_along(&cubic(), [cardano(p)], [p], [3.0]).unwrap();
        assert_close!(ds3[0][0], 3.0 * d2, REL64, ABS64, "linear in v at p = {p}");
    }
}

/// `(z₀² + z₁² − p₀, z₁ − p₁·z₀)` over `(z₀, z₁, p₀, p₁)`. Newton starts at `(1, p₁)`,
/// on the side of the solution with `z₀ > 0`.
fn circle_line() -> impl Residual<f64, 2> + Residual<Dual<f64>, 2> + Copy {
    let (z0, z1, p0, p1) = vars();
    (z0 * z0 + z1 * z1 - p0, z1 - p1 * z0)
}

/// The solution with `z₀ > 0` and its sensitivity matrix, by hand:
/// `z₀ = √(p₀/(1 + p₁²))`, `z₁ = p₁·z₀`.
fn circle_line_closed(p: [f64; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
    let [p0, p1] = p;
    let w = 1.0 + p1 * p1;
    let z0 = (p0 / w).sqrt();
    let dz0_dp0 = 1.0 / (2.0 * (p0 * w).sqrt());
    let dz0_dp1 = -p1 * p0.sqrt() * w.powf(-1.5);
    (
        [z0, p1 * z0],
        [[dz0_dp0, dz0_dp1], [p1 * dz0_dp0, z0 + p1 * dz0_dp1]],
    )
}

const CIRCLE_PS: [[f64; 2]; 4] = [[2.0, 0.5], [5.0, -1.5], [0.3, 0.0], [9.0, 4.0]];

#[test]
fn two_by_two_sensitivity_matches_the_hand_derived_matrix() {
    for p in CIRCLE_PS {
        let (z, s) = circle_line_closed(p);
        let sol = Implicit::newton(&circle_line(), [1.0, p[1]], p, &OPTS).unwrap();
        for i in 0..2 {
            assert_close!(sol.z()[i], z[i], REL64, ABS64, "z{i} at {p:?}");
        }
        let got = sol.sensitivity();
        for i in 0..2 {
            for j in 0..2 {
                assert_close!(got[i][j], s[i][j], REL64, ABS64, "dz{i}/dp{j} at {p:?}");
                let solved = |t: f64| {
                    let mut q = p;
                    q[j] = t;
                    Implicit::newton(&circle_line(), [1.0, q[1]], q, &OPTS)
                        .unwrap()
                        .z()[i]
                };
                assert_fd!(got[i][j], fd(solved, p[j]), "fd dz{i}/dp{j} at {p:?}");
            }
        }
        // JVP = S·ṗ, VJP = Sᵀ·z̄, with the hand-derived S.
        let (dp, dz) = ([0.7, -1.3], [2.0, -0.5]);
        let jvp = sol.jvp(dp);
        let vjp = sol.vjp(dz);
        for i in 0..2 {
            let want = s[i][0] * dp[0] + s[i][1] * dp[1];
            assert_close!(jvp[i], want, REL64, ABS64, "jvp {i} at {p:?}");
            let want = s[0][i] * dz[0] + s[1][i] * dz[1];
            assert_close!(vjp[i], want, REL64, ABS64, "vjp {i} at {p:?}");
        }
    }
}

#[test]
fn two_by_two_second_order_matches_differences_of_the_sensitivity() {
    for p in CIRCLE_PS {
        let (z, s) = circle_line_closed(p);
        for k in 0..2 {
            let mut v = [0.0; 2];
            v[k] = 1.0;
            let (s_got, ds) = sensitivity_along(&circle_line(), z, p, v).unwrap();
            for i in 0..2 {
                for j in 0..2 {
                    assert_close!(s_got[i][j], s[i][j], REL64, ABS64, "S{i}{j}");
                    let entry = |t: f64| {
                        let mut q = p;
                        q[k] = t;
                        let sol = Implicit::newton(&circle_line(), [1.0, q[1]], q, &OPTS).unwrap();
                        sol.sensitivity()[i][j]
                    };
                    assert_fd!(ds[i][j], fd(entry, p[k]), "d²z{i}/dp{j}dp{k} at {p:?}");
                }
            }
        }
        // One entry by hand: d²z₀/dp₀² = −¼·p₀^{−3/2}·(1 + p₁²)^{−1/2}.
        let (_, ds) = sensitivity_along(&circle_line(), z, p, [1.0, 0.0]).unwrap();
        let want = -0.25 * p[0].powf(-1.5) / (1.0 + p[1] * p[1]).sqrt();
        assert_close!(ds[0][0], want, REL64, ABS64, "d²z0/dp0² at {p:?}");
    }
}

/// `e^{z₀} − p₀z₀ + ½(z₁ − p₁z₀)²` over `(z₀, z₁, p₀, p₁)`: minimizer `(ln p₀, p₁ ln p₀)`.
fn bowl() -> impl SecondOrder<f64> + SecondOrder<Dual<f64>> + Copy {
    let (z0, z1, p0, p1) = vars();
    z0.exp() - p0 * z0 + 0.5 * (z1 - p1 * z0).square()
}

fn bowl_closed(p: [f64; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
    let l = p[0].ln();
    ([l, p[1] * l], [[1.0 / p[0], 0.0], [p[1] / p[0], l]])
}

#[test]
fn minimizer_sensitivity_through_stationarity() {
    for p in [[2.0, 0.5], [0.5, -3.0], [7.0, 1.0]] {
        let (z, s) = bowl_closed(p);
        let sol = Implicit::newton(&Stationary(bowl()), [0.0, 0.0], p, &OPTS).unwrap();
        let got = sol.sensitivity();
        for i in 0..2 {
            assert_close!(sol.z()[i], z[i], REL64, ABS64, "minimizer {i} at {p:?}");
            for j in 0..2 {
                // dz₀/dp₁ = 0 comes out as a few ulps of the other entries (~1/p₀).
                assert_close!(got[i][j], s[i][j], REL64, 1e-14, "dz{i}/dp{j} at {p:?}");
            }
        }
        // Second order of the minimizer: ∂(dz₁/dp₁)/∂p₀ = 1/p₀, ∂(dz₀/dp₀)/∂p₀ = −1/p₀².
        let (_, ds) = sensitivity_along(&Stationary(bowl()), z, p, [1.0, 0.0]).unwrap();
        assert_close!(ds[0][0], -1.0 / (p[0] * p[0]), REL64, ABS64, "d²z0/dp0²");
        assert_close!(ds[1][1], 1.0 / p[0], REL64, ABS64, "d²z1/dp1dp0");
    }
}

#[test]
fn a_root_inside_an_expression_is_differentiated_through_the_implicit_vjp() {
    // p = x₀·x₁, z = root of the cubic at p, loss = z² + x₀·z.
    let (x0, x1) = vars();
    let loss = solve_in(
        cubic(),
        [x0 * x1],
        |_| [1.0],
        move |z| z.at(0).square() + x0 * z.at(0),
    );
    for x in [[0.5, 2.0], [1.5, 0.1], [2.0, 3.0]] {
        let p = x[0] * x[1];
        let z = cardano(p);
        let (d1, _) = cubic_derivatives(p);
        let (v, g) = gradient(&loss, x);
        assert_close!(v, z * z + x[0] * z, REL64, ABS64, "loss at {x:?}");
        let outer = 2.0 * z + x[0];
        assert_close!(g[0], outer * d1 * x[1] + z, REL64, ABS64, "∂/∂x0 at {x:?}");
        assert_close!(g[1], outer * d1 * x[0], REL64, ABS64, "∂/∂x1 at {x:?}");
        for i in 0..2 {
            let f = |x: [f64; 2]| value(&loss, x);
            assert_fd!(g[i], fd_partial(f, x, i), "fd ∂/∂x{i} at {x:?}");
        }
        // Forward-over-reverse through the node (Newton in dual numbers, then the implicit
        // VJP in dual numbers) against differences of the gradient.
        let (_, _, h) = hessian(&loss, x);
        for i in 0..2 {
            for j in 0..2 {
                let gi = |x: [f64; 2]| gradient(&loss, x).1[i];
                assert_fd!(h[i][j], fd_partial(gi, x, j), "H{i}{j} at {x:?}");
            }
        }
        // The same node recorded on a tape.
        let tape = Tape::<f64>::new();
        let (_, y) = tape.record(&loss, x);
        let gt = tape.gradient_vec(y);
        assert_close!(y.value(), v);
        assert_close!(gt[0], g[0]);
        assert_close!(gt[1], g[1]);
    }
}

#[test]
fn a_system_and_a_minimizer_inside_expressions() {
    // Both unknowns read by the body: loss = z₀·z₁ with (p₀, p₁) = (x₀, x₁).
    let loss = solve_in(
        circle_line(),
        [at(0), at(1)],
        |_| [1.0, 1.0],
        |z| z.at(0) * z.at(1),
    );
    let p = [2.0, 0.5];
    let (z, s) = circle_line_closed(p);
    let (v, g) = gradient(&loss, p);
    assert_close!(v, z[0] * z[1]);
    for j in 0..2 {
        assert_close!(
            g[j],
            z[1] * s[0][j] + z[0] * s[1][j],
            REL64,
            ABS64,
            "∂/∂p{j}"
        );
    }
    // At a point of run-time length, the same sweep.
    let mut g_rt = vec![0.0; 2];
    let v_rt = gradient_into(&loss, &p[..], &mut g_rt);
    assert_eq!((v_rt, g_rt), (v, g.to_vec()));
    // The minimizer of the bowl, from a start computed from the parameters.
    let loss = solve_in(
        Stationary(bowl()),
        [at(0), at(1)],
        |p: &[f64; 2]| [p[0].ln() + 0.1, 0.0],
        |z| z.at(1).square(),
    );
    let (z, s) = bowl_closed(p);
    let (v, g) = gradient(&loss, p);
    assert_close!(v, z[1] * z[1]);
    for j in 0..2 {
        assert_close!(
            g[j],
            2.0 * z[1] * s[1][j],
            REL64,
            ABS64,
            "minimizer ∂/∂p{j}"
        );
    }
}

#[test]
fn the_static_implicit_vjp_and_the_node_never_allocate() {
    // The counter works: the tape's version is seen allocating.
    let (n, _) =
        allocations(|| TapeImplicit::at(&[1.0], &[0.0], |x| vec![x.get(0) - x.get(1) - 1.0]));
    assert!(n >= 1, "the counting allocator missed an allocation");
    let (n, sol) =
        allocations(|| Implicit::newton(&black_box(circle_line()), [1.0, 1.0], [2.0, 0.5], &OPTS));
    assert_eq!(n, 0, "Implicit::newton allocated");
    let sol = sol.unwrap();
    let (n, vjp) = allocations(|| black_box(&sol).vjp(black_box([2.0, -0.5])));
    assert_eq!(n, 0, "vjp allocated");
    let (_, s) = circle_line_closed([2.0, 0.5]);
    assert_close!(vjp[0], s[0][0] * 2.0 - s[1][0] * 0.5);
    let (n, _) = allocations(|| black_box(&sol).jvp(black_box([1.0, 0.0])));
    assert_eq!(n, 0, "jvp allocated");
    let loss = solve_in(
        circle_line(),
        [at(0), at(1)],
        |_| [1.0, 1.0],
        |z| z.at(0) * z.at(1),
    );
    let (n, (_, g)) = allocations(|| gradient(black_box(&loss), black_box([2.0, 0.5])));
    assert_eq!(n, 0, "gradient through the node allocated");
    assert!(g[0].is_finite() && g[0] != 0.0);
}

#[test]
fn singular_non_converged_and_non_finite_are_errors() {
    // z² − p = 0 at its double root z = 0, p = 0: F_z = 2z = 0.
    let (z, p) = vars();
    let double = (z * z - p,);
    assert_eq!(
        Implicit::at(&double, [0.0], [0.0]).unwrap_err(),
        ImplicitError::Singular
    );
    // A 2 × 2 system whose F_z = [[1, 1], [2, 2]] is singular everywhere.
    let (z0, z1, p0, p1) = vars();
    let flat = (z0 + z1 - p0, 2.0 * z0 + 2.0 * z1 - p1);
    assert_eq!(
        Implicit::at(&flat, [1.0, 1.0], [2.0, 4.0]).unwrap_err(),
        ImplicitError::Singular
    );
    assert_eq!(
        Implicit::newton(&flat, [1.0, 1.0], [2.0, 4.0], &OPTS).unwrap_err(),
        ImplicitError::Newton(NewtonError::Singular { iteration: 0 })
    );
    // z² + p = 0 has no real root for p = 1.
    let none = (z * z + p,);
    let err = Implicit::newton(&none, [0.5], [1.0], &OPTS).unwrap_err();
    assert!(
        matches!(
            err,
            ImplicitError::Newton(NewtonError::NoConvergence { iterations: 50, .. })
        ),
        "{err:?}"
    );
    // ln z − p: a guess outside the domain.
    let log = (z.ln() - p,);
    assert_eq!(
        Implicit::newton(&log, [-1.0], [0.0], &OPTS).unwrap_err(),
        ImplicitError::Newton(NewtonError::NonFinite { iteration: 0 })
    );
    assert_eq!(
        Implicit::at(&log, [-1.0], [0.0]).unwrap_err(),
        ImplicitError::NonFinite
    );
    // In a node: the value and the gradient are NaN, and `solve_at` says why.
    let (x,) = vars();
    let node = solve_in((z * z - p,), [x], |_| [0.0], |z| z.at(0));
    let (v, g) = gradient(&node, [1.0]);
    assert!(v.is_nan() && g[0].is_nan());
    assert_eq!(
        node.solve_at(&[1.0]).unwrap_err(),
        ImplicitError::Newton(NewtonError::Singular { iteration: 0 })
    );
    // A node whose Newton is allowed too few steps: NaN, and `solve_at` counts them.
    let (x,) = vars();
    let short = solve_in(cubic(), [x], |_| [10.0], |z| z.at(0)).with_options(NewtonOptions {
        max_iterations: 2,
        ..OPTS
    });
    assert!(value(&short, [1.0]).is_nan());
    assert!(matches!(
        short.solve_at(&[1.0]).unwrap_err(),
        ImplicitError::Newton(NewtonError::NoConvergence { iterations: 2, .. })
    ));
    // On the tape.
    let err = TapeImplicit::at(&[1.0, 1.0], &[2.0, 4.0], |x| {
        let (z0, z1) = (x.get(0), x.get(1));
        vec![z0 + z1 - x.get(2), 2.0 * z0 + 2.0 * z1 - x.get(3)]
    })
    .unwrap_err();
    assert_eq!(err, ImplicitError::Singular);
    assert!(err.to_string().contains("singular"));
}

#[test]
fn the_tape_gives_the_static_sensitivities() {
    for p in CIRCLE_PS {
        let (z, s) = circle_line_closed(p);
        let sol = TapeImplicit::newton(&[1.0, p[1]], &p, &OPTS, |x| {
            let (z0, z1, p0, p1) = (x.get(0), x.get(1), x.get(2), x.get(3));
            vec![z0 * z0 + z1 * z1 - p0, z1 - p1 * z0]
        })
        .unwrap();
        let got = sol.sensitivity();
        for i in 0..2 {
            assert_close!(sol.z()[i], z[i], REL64, ABS64, "tape z{i} at {p:?}");
            for j in 0..2 {
                assert_close!(
                    got[i][j],
                    s[i][j],
                    REL64,
                    ABS64,
                    "tape dz{i}/dp{j} at {p:?}"
                );
            }
        }
        // The solution recorded on a tape as one operation of the parameters' handles,
        // its partials the sensitivities, inside a larger recording: loss = z₀·z₁ + p₀.
        let tape = Tape::new();
        let [p0, p1] = tape.input_array(p);
        let zs: Vec<_> = (0..2)
            .map(|i| tape.external(&[p0, p1], |_| (sol.z()[i], got[i].clone())))
            .collect();
        let loss = zs[0] * zs[1] + p0;
        let g = tape.gradient_vec(loss);
        for j in 0..2 {
            let want = z[1] * s[0][j] + z[0] * s[1][j] + if j == 0 { 1.0 } else { 0.0 };
            assert_close!(g[j], want, REL64, ABS64, "tape loss ∂/∂p{j} at {p:?}");
        }
        let vjp = sol.vjp(&[2.0, -0.5]);
        let jvp = sol.jvp(&[0.7, -1.3]);
        for i in 0..2 {
            assert_close!(vjp[i], s[0][i] * 2.0 - s[1][i] * 0.5);
            assert_close!(jvp[i], s[i][0] * 0.7 - s[i][1] * 1.3);
        }
    }
}

/// A minimizer found by argmin's L-BFGS, differentiated through its stationarity.
#[cfg(feature = "argmin")]
#[test]
fn a_minimizer_found_by_argmin() {
    use argmin::core::{Executor, State};
    use argmin::solver::linesearch::MoreThuenteLineSearch;
    use argmin::solver::quasinewton::LBFGS;
    use tapeless::solve::argmin::StaticProblem;

    let p = [3.0, -0.7];
    // The objective in z alone, the parameters as constants, for the minimizer.
    let (z0, z1) = vars();
    let f = z0.exp() - p[0] * z0 + 0.5 * (z1 - p[1] * z0).square();
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-12)
        .unwrap();
    let result = Executor::new(StaticProblem::<2>::new(f), solver)
        .configure(|state| state.param(vec![0.0, 0.0]).max_iters(200))
        .run()
        .unwrap();
    let best = result.state().get_best_param().unwrap();
    let sol = Implicit::at(&Stationary(bowl()), [best[0], best[1]], p).unwrap();
    let (z, s) = bowl_closed(p);
    let got = sol.sensitivity();
    for i in 0..2 {
        assert_close!(best[i], z[i], 1e-9, 1e-9, "argmin's minimizer {i}");
        for j in 0..2 {
            // As accurate as the minimizer: the sensitivity moves with z by O(‖z − z*‖).
            assert_close!(got[i][j], s[i][j], 1e-8, 1e-8, "dz{i}/dp{j}");
        }
    }
}

/// A minimizer found by argmin inside a node: argmin's answer is the start that Newton on
/// the stationarity condition polishes, and the gradient goes through the implicit VJP.
#[cfg(feature = "argmin")]
#[test]
fn argmin_inside_a_node() {
    use argmin::core::{Executor, State};
    use argmin::solver::linesearch::MoreThuenteLineSearch;
    use argmin::solver::quasinewton::LBFGS;
    use tapeless::solve::argmin::StaticProblem;

    fn lbfgs(p: &[f64; 2]) -> [f64; 2] {
        let (z0, z1) = vars();
        let f = z0.exp() - p[0] * z0 + 0.5 * (z1 - p[1] * z0).square();
        let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7);
        Executor::new(StaticProblem::<2>::new(f), solver)
            .configure(|state| state.param(vec![0.0, 0.0]).max_iters(100))
            .run()
            .ok()
            .and_then(|r| r.state().get_best_param().map(|b| [b[0], b[1]]))
            .unwrap_or([f64::NAN; 2])
    }
    let node = solve_in(Stationary(bowl()), [at(0), at(1)], lbfgs, |z| {
        z.at(1).square()
    });
    let p = [3.0, -0.7];
    let (z, s) = bowl_closed(p);
    let (v, g) = gradient(&node, p);
    assert_close!(v, z[1] * z[1]);
    for j in 0..2 {
        assert_close!(g[j], 2.0 * z[1] * s[1][j], REL64, ABS64, "∂/∂p{j}");
    }
    // Newton only polished argmin's answer.
    let polished = node.solve_at(&p).unwrap();
    assert!(
        polished.iterations() <= 3,
        "{} Newton steps",
        polished.iterations()
    );
}

/// A replay cannot run the solver again: a recording of the node for replay says so
/// instead of replaying sensitivities frozen at the recording point.
#[test]
fn a_replay_through_a_solution_is_refused() {
    use tapeless::tape::{Replay, ReplayError};
    let loss = solve_in(cubic(), [at(0)], |_| [1.0], |z| z.at(0).square());
    let mut r = Replay::record_expr(&loss, [1.0]);
    let mut g = [0.0];
    assert!(matches!(
        r.gradient(&[2.0], &mut g),
        Err(ReplayError::ForeignRule { .. })
    ));
}

/// Second order on the tape: `TapeImplicit` on a tape of dual numbers at
/// `(z + ε·ż, p + ε·v)` gives the derivative of the sensitivity along `v`, as
/// `sensitivity_along` does for static residuals.
#[test]
fn second_order_on_a_tape_of_duals() {
    use tapeless::tape::{Inputs, Var};
    fn circle<'t, S: Scalar>(x: Inputs<'t, S>) -> Vec<Var<'t, S>> {
        let (z0, z1, p0, p1) = (x.get(0), x.get(1), x.get(2), x.get(3));
        vec![z0 * z0 + z1 * z1 - p0, z1 - p1 * z0]
    }
    let p = [5.0, -1.5];
    let v = [0.3, 1.0];
    let (z, _) = circle_line_closed(p);
    let first = TapeImplicit::at(&z, &p, circle).unwrap();
    let dz = first.jvp(&v);
    let zd: Vec<_> = (0..2).map(|i| Dual::new(z[i], dz[i])).collect();
    let pd: Vec<_> = (0..2).map(|j| Dual::new(p[j], v[j])).collect();
    let s = TapeImplicit::at(&zd, &pd, circle).unwrap().sensitivity();
    let (s_static, ds_static) = sensitivity_along(&circle_line(), z, p, v).unwrap();
    for i in 0..2 {
        for j in 0..2 {
            assert_close!(s[i][j].re, s_static[i][j]);
            assert_close!(s[i][j].tangent(), ds_static[i][j]);
        }
    }
}
