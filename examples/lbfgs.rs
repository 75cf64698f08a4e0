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

use std::time::Instant;

use argmin::core::{Executor, State, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use argmin::solver::trustregion::{Steihaug, TrustRegion};
use tapeless::prelude::*;
use tapeless::solve::argmin::StaticProblem;

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
    Ok(())
}
