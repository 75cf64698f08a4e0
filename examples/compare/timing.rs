//! Medians of many samples, each of many calls, with `black_box` on inputs and outputs.
//!
//! The input is read through `*black_box(&x)`: from memory the compiler must reload on every
//! call, but that was not written just before it. Passing `black_box(x)` by value stores
//! the input to the stack right before each call; when the engine then loads two inputs
//! with one 16-byte load that straddles two of those stores (LLVM pairs inputs freely),
//! the store cannot be forwarded and the call stalls. On `logistic` that harness artifact
//! alone made the static engine 2.5× slower than the hand-written gradient (40 vs 16 ns),
//! which had happened to load its inputs in the same pairs as they were stored.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// How long to measure.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Samples per measurement (the median is reported).
    pub samples: usize,
    /// Target wall time of one sample.
    pub sample_time: Duration,
}

impl Budget {
    /// Under 20 s for the whole matrix.
    pub const QUICK: Budget = Budget {
        samples: 15,
        sample_time: Duration::from_micros(2_000),
    };
    /// Steadier numbers.
    pub const FULL: Budget = Budget {
        samples: 51,
        sample_time: Duration::from_micros(10_000),
    };
}

/// Median nanoseconds per call of `f`, with its input reloaded through `black_box` on every
/// call and its output consumed by `black_box`.
pub fn ns_per_call<X: Copy, R>(budget: Budget, x: X, mut f: impl FnMut(X) -> R) -> f64 {
    // Calibrate: grow the batch until one batch takes at least a tenth of a sample.
    let mut batch: u64 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(f(*black_box(&x)));
        }
        let took = start.elapsed();
        if took >= budget.sample_time / 10 || batch >= 1 << 30 {
            let per_call = took.as_secs_f64() / batch as f64;
            batch = ((budget.sample_time.as_secs_f64() / per_call.max(1e-12)) as u64).max(1);
            break;
        }
        batch *= 4;
    }
    let mut samples: Vec<f64> = (0..budget.samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(f(*black_box(&x)));
            }
            start.elapsed().as_secs_f64() * 1e9 / batch as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
