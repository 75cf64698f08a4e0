//! argmin's L-BFGS on the extended Rosenbrock function of 20 inputs, with the gradient
//! from the static engine and no glue code.
//!
//! ```text
//! cargo run --release --example lbfgs --features argmin
//! ```
//!
//! `f(x) = Σᵢ 100·(x₂ᵢ₊₁ − x₂ᵢ²)² + (x₂ᵢ − 1)²` over 10 pairs, from the standard start
//! `(−1.2, 1, −1.2, 1, …)`; the minimum is `f = 0` at `(1, …, 1)`. The same problem is
//! then solved by Newton's method with a trust region, using the AD Hessian.
//!
//! Last, the same function with a size known only at run time (n = 1000 inputs), on the
//! tape, solved by L-BFGS twice: recorded once and replayed at every evaluation (the
//! default of `TapeProblem`), and recorded again at every evaluation. Both runs take the
//! same steps; the times compare the two (on this function of cheap arithmetic the
//! ordinary tape records fast, and recording at every evaluation wins; see the README).

use std::time::Instant;

use argmin::core::{Executor, State, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use argmin::solver::trustregion::{Steihaug, TrustRegion};
use tapeless::prelude::*;
use tapeless::solve::argmin::{StaticProblem, TapeProblem};
use tapeless::tape::{Inputs, Var};

/// Pairs of inputs.
const PAIRS: usize = 10;
/// Inputs.
const N: usize = 2 * PAIRS;

/// The extended Rosenbrock function, one flat sum of `PAIRS` terms of one type (indices
/// chosen at run time with `at`).
fn extended_rosenbrock() -> impl SecondOrder<f64> {
    sum(core::array::from_fn::<_, PAIRS, _>(|i| {
        let (x, y) = (at(2 * i), at(2 * i + 1));
        100.0 * (y - x * x).square() + (x - 1.0).square()
    }))
}

/// The extended Rosenbrock function of however many inputs the point has, on the tape.
fn extended_rosenbrock_n<'t>(x: Inputs<'t, f64>) -> Var<'t, f64> {
    let mut total = x.get(0) * 0.0;
    for i in 0..x.len() / 2 {
        let (a, b) = (x.get(2 * i), x.get(2 * i + 1));
        total += 100.0 * (b - a * a).square() + (a - 1.0).square();
    }
    total
}

/// Inputs of the run-time-sized problem.
const BIG: usize = 1000;

/// L-BFGS on the tape problem of `BIG` inputs; `replay` chooses the adapter's mode.
fn solve_big(replay: bool) -> Result<(), argmin::core::Error> {
    let start: Vec<f64> = (0..BIG)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();
    let problem = TapeProblem::new(extended_rosenbrock_n);
    let problem = if replay {
        problem
    } else {
        problem.recording_each_time()
    };
    let clock = Instant::now();
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-10)?
        .with_tolerance_cost(0.0)?;
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(start).max_iters(2000))
        .run()?;
    let seconds = clock.elapsed().as_secs_f64();
    let state = result.state();
    let name = if replay {
        "L-BFGS on the tape, recorded once and replayed"
    } else {
        "L-BFGS on the tape, recorded at every evaluation"
    };
    print_result(
        name,
        state.get_best_param().map_or(&[][..], |p| &p[..]),
        state.get_best_cost(),
        state.get_iter(),
        state.get_termination_status(),
        seconds,
    );
    if let Some(p) = &result.problem.problem {
        let (recordings, replays) = p.counts();
        if replay {
            println!("  evaluations: {recordings} recorded, {replays} replayed");
        }
    }
    Ok(())
}

/// Largest distance of a coordinate from 1.
fn error(x: &[f64]) -> f64 {
    x.iter().map(|v| (v - 1.0).abs()).fold(0.0, f64::max)
}

fn print_result(
    name: &str,
    best: &[f64],
    cost: f64,
    iterations: u64,
    status: &TerminationStatus,
    seconds: f64,
) {
    println!("{name}");
    println!("  stopped:    {status}");
    println!("  iterations: {iterations}");
    println!("  f(x*):      {cost:.3e}");
    println!("  max |x*ᵢ − 1| = {:.3e}", error(best));
    println!("  time:       {:.2} ms", seconds * 1e3);
}

fn main() -> Result<(), argmin::core::Error> {
    let start: Vec<f64> = (0..N)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect();

    let (v0, _) = gradient(&extended_rosenbrock(), <[f64; N]>::try_from(&start[..])?);
    println!("extended Rosenbrock, {N} inputs, f(start) = {v0}\n");

    let clock = Instant::now();
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-12)?
        .with_tolerance_cost(0.0)?;
    let result = Executor::new(StaticProblem::<N>::new(extended_rosenbrock()), solver)
        .configure(|state| state.param(start.clone()).max_iters(1000))
        .run()?;
    let state = result.state();
    print_result(
        "L-BFGS (memory 7, More-Thuente line search)",
        state.get_best_param().map_or(&[][..], |p| &p[..]),
        state.get_best_cost(),
        state.get_iter(),
        state.get_termination_status(),
        clock.elapsed().as_secs_f64(),
    );
    println!();

    // argmin's trust-region method has no convergence test of its own: it stops at the
    // iteration limit or at a target cost (the minimum is 0 here).
    let clock = Instant::now();
    let solver = TrustRegion::new(Steihaug::new().with_max_iters(2 * N as u64));
    let result = Executor::new(StaticProblem::<N>::new(extended_rosenbrock()), solver)
        .configure(|state| state.param(start.clone()).max_iters(200).target_cost(1e-24))
        .run()?;
    let state = result.state();
    print_result(
        "Newton with a trust region (Steihaug CG on the AD Hessian)",
        state.get_best_param().map_or(&[][..], |p| &p[..]),
        state.get_best_cost(),
        state.get_iter(),
        state.get_termination_status(),
        clock.elapsed().as_secs_f64(),
    );
    println!();

    println!("extended Rosenbrock, {BIG} inputs (a run-time size), on the tape\n");
    solve_big(true)?;
    println!();
    solve_big(false)?;
    Ok(())
}
