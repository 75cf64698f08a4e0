//! One gradient at 10⁶ points in a tight loop: the static engine against the hand-written
//! gradient, and (feature `rayon`) the parallel batch against the serial one.
//!
//! ```text
//! cargo run --release --example hot_loop
//! cargo run --release --example hot_loop --features rayon
//! ```
//!
//! Each loop reads the points from one slice and writes the gradients into another, as a
//! particle filter or a sampler would. Every timing is the best of several runs; the
//! gradients of the two engines are compared so the speed is not bought with a wrong
//! answer.

use std::hint::black_box;
use std::time::{Duration, Instant};

use core::f64::consts::{FRAC_1_SQRT_2, PI};

use tapeless::Point;
use tapeless::prelude::*;

/// Points per loop.
const POINTS: usize = 1_000_000;
/// Runs of each loop; the fastest is reported.
const RUNS: usize = 7;

/// A deterministic stream of numbers in `[0, 1)` (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The fastest of `RUNS` runs of `f`.
fn best(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The largest relative difference between two sets of gradients.
fn max_rel_diff<const N: usize>(a: &[[f64; N]], b: &[[f64; N]]) -> f64 {
    a.iter()
        .zip(b)
        .flat_map(|(x, y)| x.iter().zip(y))
        .map(|(x, y)| (x - y).abs() / y.abs().max(1.0))
        .fold(0.0, f64::max)
}

fn report(name: &str, hand: Duration, stat: Duration, diff: f64) {
    let ns = |d: Duration| d.as_secs_f64() * 1e9 / POINTS as f64;
    let rate = |d: Duration| POINTS as f64 / d.as_secs_f64() / 1e6;
    println!("{name}");
    println!(
        "  hand-written  {:7.2} ns/gradient  {:8.1} M gradients/s",
        ns(hand),
        rate(hand)
    );
    println!(
        "  static        {:7.2} ns/gradient  {:8.1} M gradients/s",
        ns(stat),
        rate(stat)
    );
    println!(
        "  static / hand = {:.2}   (largest relative difference of the gradients: {diff:.1e})",
        stat.as_secs_f64() / hand.as_secs_f64()
    );
}

fn rosenbrock_hand([x, y]: [f64; 2]) -> [f64; 2] {
    let t = y - x * x;
    [2.0 * (x - 1.0) - 400.0 * x * t, 200.0 * t]
}

/// The standard normal distribution function.
fn ncdf(x: f64) -> f64 {
    0.5 * (1.0 + libm::erf(x * FRAC_1_SQRT_2))
}

/// The Black-Scholes call's gradient in `[S, K, σ, τ, r]`: the closed-form greeks.
fn black_scholes_hand([s, k, sigma, tau, r]: [f64; 5]) -> [f64; 5] {
    let st = tau.sqrt();
    let sd = sigma * st;
    let d1 = ((s / k).ln() + (r + 0.5 * sigma * sigma) * tau) / sd;
    let d2 = d1 - sd;
    let disc = (-r * tau).exp();
    let pdf = (-0.5 * d1 * d1).exp() / (2.0 * PI).sqrt();
    let nd2 = ncdf(d2);
    [
        ncdf(d1),
        -disc * nd2,
        s * pdf * st,
        s * pdf * sigma / (2.0 * st) + r * k * disc * nd2,
        k * tau * disc * nd2,
    ]
}

fn black_scholes<T: Scalar>() -> impl Expr<T> {
    let (s, k, sigma, tau, r) = vars();
    let_in(sigma * tau.sqrt(), move |sd| {
        let_in(
            ((s / k).ln() + (r + 0.5 * sigma * sigma) * tau) / sd,
            move |d1| {
                s * (0.5 * (erf(d1 * FRAC_1_SQRT_2) + 1.0))
                    - k * (-(r * tau)).exp() * (0.5 * (erf((d1 - sd) * FRAC_1_SQRT_2) + 1.0))
            },
        )
    })
}

/// Times the hand-written and the static loop over the same points.
fn compare<const N: usize, E: Expr<f64>>(
    name: &str,
    points: &[[f64; N]],
    hand: fn([f64; N]) -> [f64; N],
    f: &E,
) -> Duration
where
    [f64; N]: Point<f64>,
{
    let mut by_hand = vec![[0.0; N]; points.len()];
    let mut by_static = vec![[0.0; N]; points.len()];
    let t_hand = best(|| {
        for (x, g) in black_box(points).iter().zip(by_hand.iter_mut()) {
            *g = hand(*x);
        }
        black_box(&mut by_hand);
    });
    let t_static = best(|| {
        gradients(f, black_box(points), &mut by_static);
        black_box(&mut by_static);
    });
    report(name, t_hand, t_static, max_rel_diff(&by_static, &by_hand));
    t_static
}

fn main() {
    let mut rng = Lcg(42);
    let rosen: Vec<[f64; 2]> = (0..POINTS)
        .map(|_| [4.0 * rng.next() - 2.0, 4.0 * rng.next() - 1.0])
        .collect();
    let options: Vec<[f64; 5]> = (0..POINTS)
        .map(|_| {
            [
                50.0 + 100.0 * rng.next(),
                100.0,
                0.1 + 0.4 * rng.next(),
                0.1 + 1.9 * rng.next(),
                0.05 * rng.next(),
            ]
        })
        .collect();

    println!("{POINTS} gradients per loop, best of {RUNS} runs\n");
    let (x, y) = vars();
    // `powi`'s exponent is a field of the expression value: where the loop cannot see the
    // expression being built (here it is captured by a timing closure, as it would be by
    // any long-lived model), `powi(2)` is a call to the runtime's integer power.
    // `square()` is one multiplication wherever the expression is.
    let with_powi = (x - 1.0).powi(2) + 100.0 * (y - x * x).powi(2);
    compare(
        "Rosenbrock (2 inputs), written with powi(2)",
        &rosen,
        rosenbrock_hand,
        &with_powi,
    );
    let rosenbrock = (x - 1.0).square() + 100.0 * (y - x * x).square();
    let serial_rosen = compare(
        "Rosenbrock (2 inputs), written with square()",
        &rosen,
        rosenbrock_hand,
        &rosenbrock,
    );
    let serial_bs = compare(
        "Black-Scholes call (5 inputs, let-bound d1 and σ√τ)",
        &options,
        black_scholes_hand,
        &black_scholes(),
    );

    parallel(&rosenbrock, &rosen, serial_rosen, &options, serial_bs);
}

#[cfg(feature = "rayon")]
fn parallel<E: Expr<f64> + Sync>(
    rosenbrock: &E,
    rosen: &[[f64; 2]],
    serial_rosen: Duration,
    options: &[[f64; 5]],
    serial_bs: Duration,
) {
    let threads = rayon::current_num_threads();
    println!("\npar_gradients on {threads} threads (rayon), against the serial loop");
    let mut out = vec![[0.0; 2]; rosen.len()];
    let t = best(|| {
        par_gradients(rosenbrock, black_box(rosen), &mut out);
        black_box(&mut out);
    });
    println!(
        "  Rosenbrock     {:6.2} ns/gradient   speed-up {:.2}x",
        t.as_secs_f64() * 1e9 / POINTS as f64,
        serial_rosen.as_secs_f64() / t.as_secs_f64()
    );
    let mut out = vec![[0.0; 5]; options.len()];
    let f = black_scholes();
    let t = best(|| {
        par_gradients(&f, black_box(options), &mut out);
        black_box(&mut out);
    });
    println!(
        "  Black-Scholes  {:6.2} ns/gradient   speed-up {:.2}x",
        t.as_secs_f64() * 1e9 / POINTS as f64,
        serial_bs.as_secs_f64() / t.as_secs_f64()
    );
}

#[cfg(not(feature = "rayon"))]
fn parallel<E>(_: &E, _: &[[f64; 2]], _: Duration, _: &[[f64; 5]], _: Duration) {
    println!("\n(run with `--features rayon` for the parallel batch and its speed-up)");
}
