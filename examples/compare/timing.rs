//! Medians of many samples, each of many calls, with `black_box` on inputs and outputs; the
//! engines of one workload are sampled in turn, round after round.
//!
//! Interleaving: a sample of every engine is taken in each round, so a burst of load from
//! another process (this may run next to a compiler) slows all engines of the workload
//! alike instead of one, and the ratios stay put.
//!
//! The input is read through `*black_box(&x)`: from memory the compiler must reload on every
//! call, but that was not written just before it. Passing `black_box(x)` by value stores
//! the input to the stack right before each call; when the engine then loads two inputs
//! with one 16-byte load that straddles two of those stores (LLVM pairs inputs freely),
//! the store cannot be forwarded and the call stalls. On `logistic` that harness artifact
//! alone made the static engine 2.5× slower than the hand-written gradient (40 vs 16 ns),
//! which had happened to load its inputs in the same pairs as they were stored.
//!
//! The output is handed to `black_box` by reference, where the engine wrote it: passed by
//! value, it was copied with 16-byte loads right after an engine that is not inlined into
//! the loop had written it with 8-byte stores, the same stall the other way round. It was
//! most of Rosenbrock's time on the tape (13.5 ns per call instead of 10.9).

use std::hint::black_box;
use std::time::{Duration, Instant};

/// How long to measure.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Rounds: samples per engine (the median is reported).
    pub samples: usize,
    /// Target wall time of one sample.
    pub sample_time: Duration,
    /// About the longest an engine is sampled: an engine whose one call takes longer than a
    /// sample (finite differences on the run-time-size workloads: up to 0.1 s a call) gets
    /// fewer samples, [`MIN_SAMPLES`] at least. Every engine of the fixed-size workloads
    /// stays far below it (its samples take `samples · sample_time`).
    pub engine_time: Duration,
}

/// The fewest samples an engine gets.
pub const MIN_SAMPLES: usize = 7;

impl Budget {
    /// About 30 s for the whole matrix (under 10 s for the fixed-size workloads).
    pub const QUICK: Budget = Budget {
        samples: 31,
        sample_time: Duration::from_micros(3_000),
        engine_time: Duration::from_millis(1_000),
    };
    /// Steadier numbers.
    pub const FULL: Budget = Budget {
        samples: 101,
        sample_time: Duration::from_micros(6_000),
        engine_time: Duration::from_millis(5_000),
    };
}

/// `n` calls of an engine on its fixed input.
pub type Batch = Box<dyn FnMut(u64)>;

/// Wraps an engine at `x` as a batch runner: `setup` makes the engine, then the input is
/// reloaded through `black_box` on every call and the output consumed by `black_box`. The
/// loop is compiled for the engine itself; the only dynamic call is one per batch.
pub fn batch<X: Copy + 'static, R, F: FnMut(X) -> R>(
    x: X,
    setup: impl Fn() -> F + 'static,
) -> Batch {
    Box::new(move |n| {
        // The engine and the input on this frame's stack, where a caller's would be,
        // rather than in the heap-allocated closure.
        let mut f = setup();
        let x = x;
        for _ in 0..n {
            black_box(&f(*black_box(&x)));
        }
    })
}

/// Wraps an engine of run-time size at `x` as a batch runner. The engine was made (and
/// checked) by the caller; the batch owns it and the gradient buffer it writes into, so the
/// timed calls make nothing. The input and the buffer go through `black_box` on every call.
pub fn batch_slice(x: Vec<f64>, mut f: impl FnMut(&[f64], &mut [f64]) -> f64 + 'static) -> Batch {
    let mut g = vec![0.0; x.len()];
    Box::new(move |n| {
        for _ in 0..n {
            black_box(f(black_box(&x[..]), black_box(&mut g[..])));
        }
        black_box(&g);
    })
}

/// The primal of run-time size as a batch runner (see [`batch_slice`]).
pub fn batch_primal_slice(x: Vec<f64>, mut f: impl FnMut(&[f64]) -> f64 + 'static) -> Batch {
    Box::new(move |n| {
        for _ in 0..n {
            black_box(f(black_box(&x[..])));
        }
    })
}

fn seconds(run: &mut Batch, n: u64) -> f64 {
    let start = Instant::now();
    run(n);
    start.elapsed().as_secs_f64()
}

/// Median nanoseconds per call of each engine, sampled in rounds.
pub fn ns_per_call(budget: Budget, engines: &mut [Batch]) -> Vec<f64> {
    let target = budget.sample_time.as_secs_f64();
    // Calibrate: grow each batch until it takes at least a tenth of a sample, then size it
    // to one sample; an engine whose samples would take longer than `engine_time` in all
    // gets fewer of them.
    let (sizes, counts): (Vec<u64>, Vec<usize>) = engines
        .iter_mut()
        .map(|run| {
            let mut n: u64 = 1;
            loop {
                let took = seconds(run, n);
                if took >= target / 10.0 || n >= 1 << 30 {
                    let per_call = (took / n as f64).max(1e-12);
                    let size = ((target / per_call) as u64).max(1);
                    let affordable =
                        (budget.engine_time.as_secs_f64() / (size as f64 * per_call)) as usize;
                    return (size, affordable.clamp(MIN_SAMPLES, budget.samples));
                }
                n *= 4;
            }
        })
        .unzip();
    let mut samples = vec![Vec::with_capacity(budget.samples); engines.len()];
    for round in 0..budget.samples {
        for (((run, &n), &count), s) in engines
            .iter_mut()
            .zip(&sizes)
            .zip(&counts)
            .zip(&mut samples)
        {
            if round < count {
                s.push(seconds(run, n) * 1e9 / n as f64);
            }
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect()
}
