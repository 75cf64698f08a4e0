//! Calibrating a pipe's roughness from measured friction factors, through the roots of the
//! Colebrook equation, by L-BFGS with the gradient by the implicit function theorem.
//!
//! ```text
//! cargo run --release --example implicit --features argmin
//! ```
//!
//! The Darcy friction factor `f` of turbulent flow solves the Colebrook equation
//!
//! `1/√f = −2·log₁₀(r/3.7 + a/(Re·√f))`
//!
//! for a Reynolds number `Re`, the relative roughness `r = ε/D` of the pipe, and the
//! constant `a` (2.51 in the textbooks). It has no closed form: each `f` is a root, found
//! by Newton's method in `y = 1/√f`. From friction factors measured at eight Reynolds
//! numbers, we fit both parameters, `θ = (ln r, a)`, by minimising
//! `L(θ) = Σᵢ (fᵢ(θ)/fᵢᵐᵉᵃˢ − 1)²`.
//!
//! `L` is one static expression: a sum of eight [`solve_in`] nodes, each solving its
//! Colebrook equation in the forward sweep and pushing the adjoint of its root back to `θ`
//! through one transposed solve in the reverse sweep (`θ̄ = −F_θᵀ·F_y⁻ᵀ·ȳ`): Newton's
//! iterations are never differentiated. The gradient is checked against central finite
//! differences of `L` (each evaluation re-solving the eight equations), then argmin's
//! L-BFGS calibrates from a start far from the truth, and the fit is compared with the
//! parameters the measurements were made with.

use std::f64::consts::LN_10;
use std::hint::black_box;
use std::time::Instant;

use argmin::core::{Executor, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use tapeless::prelude::*;
use tapeless::solve::argmin::StaticProblem;
use tapeless::solve::{Implicit, NewtonOptions, Residual, solve_in};

/// The relative roughness and the constant the "measurements" are made with.
const TRUE_R: f64 = 2.0e-4;
const TRUE_A: f64 = 2.51;

/// The Reynolds numbers of the measurements: from the smooth-pipe to the fully rough
/// regime, so that both parameters matter.
const REYNOLDS: [f64; 8] = [4.0e3, 1.0e4, 3.0e4, 1.0e5, 3.0e5, 1.0e6, 3.0e6, 1.0e7];

/// Colebrook's residual in `y = 1/√f` at one Reynolds number, over the point
/// `(y, ln r, a)`: `y + 2·log₁₀(r/3.7 + a·y/Re)`.
fn colebrook(re: f64) -> impl Residual<f64, 1> + Residual<Dual<f64>, 1> + Copy {
    let (y, ln_r, a) = vars();
    (y + (2.0 / LN_10) * (ln_r.exp() / 3.7 + a * y / re).ln(),)
}

/// Newton's start: `1/√f` from the explicit Swamee–Jain approximation.
fn swamee_jain(re: f64, ln_r: f64) -> f64 {
    -2.0 * (ln_r.exp() / 3.7 + 5.74 / re.powf(0.9)).log10()
}

/// The misfit `(f(θ)/f_measured − 1)²` at `re` for the parameters `θ = (ln r, a)`, as a
/// node: the root `y` of Colebrook's equation, read by the body as `f = 1/y²`.
fn misfit(re: f64, measured: f64) -> impl Expr<f64> + Copy {
    let guess = move |p: &[f64; 2]| [swamee_jain(re, p[0])];
    solve_in(colebrook(re), [at(0), at(1)], guess, move |y| {
        (1.0 / (measured * y.at(0).square()) - 1.0).square()
    })
}

fn main() -> Result<(), argmin::core::Error> {
    // The measurements: the friction factors at the true parameters.
    let truth = [TRUE_R.ln(), TRUE_A];
    let measured = REYNOLDS.map(|re| {
        let y = Implicit::newton(&colebrook(re), [1.0], truth, &NewtonOptions::default())
            .expect("Colebrook's equation has a root")
            .z()[0];
        1.0 / (y * y)
    });
    println!("Colebrook friction factors at r = {TRUE_R:e}, a = {TRUE_A}:");
    for (re, f) in REYNOLDS.iter().zip(&measured) {
        println!("  Re = {re:>8.0e}   f = {f:.6}");
    }

    // The loss: one flat sum of eight nodes of one type.
    let terms: [_; 8] = core::array::from_fn(|i| misfit(REYNOLDS[i], measured[i]));
    let loss = sum(terms);

    // The gradient through the roots, against central differences of the re-solved loss.
    let start = [1.0e-3_f64.ln(), 2.0];
    let (l0, g) = gradient(&loss, start);
    println!("\nAt the start θ = (ln 1e-3, 2.0): L = {l0:.6e}");
    let mut worst = 0.0_f64;
    for i in 0..2 {
        let h = 1e-6 * start[i].abs().max(1.0);
        let (mut up, mut down) = (start, start);
        up[i] += h;
        down[i] -= h;
        let fd = (value(&loss, up) - value(&loss, down)) / (2.0 * h);
        let rel = (g[i] - fd).abs() / fd.abs();
        worst = worst.max(rel);
        println!(
            "  ∂L/∂θ{i}: implicit {:+.12e}   central difference {fd:+.12e}   relative {rel:.1e}",
            g[i]
        );
    }
    assert!(
        worst < 1e-6,
        "the implicit gradient disagrees with the differences"
    );

    // What the reverse sweep through the roots costs next to solving them.
    let reps = 20_000;
    let clock = Instant::now();
    for _ in 0..reps {
        black_box(value(black_box(&loss), black_box(start)));
    }
    let t_value = clock.elapsed().as_secs_f64() / reps as f64;
    let clock = Instant::now();
    for _ in 0..reps {
        black_box(gradient(black_box(&loss), black_box(start)));
    }
    let t_gradient = clock.elapsed().as_secs_f64() / reps as f64;
    println!(
        "  one value of L (8 Newton solves): {:.2} µs; value and gradient: {:.2} µs ({:.2}×)",
        t_value * 1e6,
        t_gradient * 1e6,
        t_gradient / t_value
    );

    // L-BFGS from the start.
    let clock = Instant::now();
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-14)?
        .with_tolerance_cost(0.0)?;
    let result = Executor::new(StaticProblem::<2>::new(loss), solver)
        .configure(|state| state.param(start.to_vec()).max_iters(200))
        .run()?;
    let elapsed = clock.elapsed();
    let state = result.state();
    let best = state.get_best_param().expect("L-BFGS returns a parameter");
    let (r, a) = (best[0].exp(), best[1]);
    println!(
        "\nL-BFGS: {} iterations, {:.2} ms ({:?})",
        state.get_iter(),
        elapsed.as_secs_f64() * 1e3,
        state.get_termination_status()
    );
    println!("  final loss {:.3e}", state.get_best_cost());
    println!(
        "  r = {r:.10e}  (truth {TRUE_R:e}, relative error {:.1e})",
        (r / TRUE_R - 1.0).abs()
    );
    println!(
        "  a = {a:.10}  (truth {TRUE_A}, relative error {:.1e})",
        (a / TRUE_A - 1.0).abs()
    );
    assert!((r / TRUE_R - 1.0).abs() < 1e-6 && (a / TRUE_A - 1.0).abs() < 1e-6);
    Ok(())
}
