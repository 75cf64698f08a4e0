//! Criterion benches: one group per workload, one function per engine.
//!
//! The workloads (the function, its hand-written gradient and the engines) are the files of
//! the `compare` example, included here, so both measure exactly the same code. Every
//! engine's gradient is checked against the hand-written one before it is timed; a mismatch
//! panics, naming it. See `benches/README.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};

#[path = "../examples/compare/black_scholes.rs"]
mod black_scholes;
#[path = "../examples/compare/dag_k.rs"]
mod dag_k;
#[path = "../examples/compare/echidna_peer.rs"]
mod echidna_peer;
#[path = "../examples/compare/engines.rs"]
mod engines;
#[path = "../examples/compare/harness.rs"]
mod harness;
#[path = "../examples/compare/logistic.rs"]
mod logistic;
#[path = "../examples/compare/mlp.rs"]
mod mlp;
#[path = "../examples/compare/rosenbrock.rs"]
mod rosenbrock;
#[path = "../examples/compare/sum_n.rs"]
mod sum_n;
#[path = "../examples/compare/workloads.rs"]
mod workloads;

use harness::{Harness, Outcome, Suite, TOLERANCE, Workload, verify};

/// One workload's group: checks each engine, then hands it to criterion.
struct Group<'c> {
    group: BenchmarkGroup<'c, WallTime>,
    name: String,
    reference: Option<(f64, Vec<f64>)>,
}

impl Group<'_> {
    fn check(&self, engine: &str, value: f64, grad: Option<&[f64]>, tol: f64) {
        if let Err(what) = verify(self.reference.as_ref(), value, grad, tol) {
            panic!("gradient mismatch: {}/{engine}: {what}", self.name);
        }
    }
}

impl Harness for Group<'_> {
    fn reference(&mut self, value: f64, grad: &[f64]) {
        self.reference = Some((value, grad.to_vec()));
    }

    fn primal<X: Copy + 'static>(&mut self, x: X, f: impl Fn(X) -> f64 + Copy + 'static) {
        self.check("primal", f(x), None, TOLERANCE);
        // The input is reloaded from memory that was not just written (see timing.rs of
        // the compare example: passing it by value can cause store-forwarding stalls).
        self.group
            .bench_function("primal", |b| b.iter(|| f(*black_box(&x))));
    }

    fn engine<X: Copy + 'static, O: Outcome, F: FnMut(X) -> O>(
        &mut self,
        engine: &'static str,
        x: X,
        tol: f64,
        setup: impl Fn() -> F + 'static,
    ) {
        let out = setup()(x);
        self.check(engine, out.value(), Some(out.grad()), tol);
        self.group.bench_function(engine, |b| {
            // Set up where it is timed, as compare does (see `Harness::engine`).
            let mut f = setup();
            b.iter(|| f(*black_box(&x)))
        });
    }
}

/// Runs each workload as a group.
struct Groups<'c>(&'c mut Criterion);

impl Suite for Groups<'_> {
    fn workload<W: Workload>(&mut self) {
        let name = W::name();
        let mut group = self.0.benchmark_group(name.clone());
        group
            .sample_size(50)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
        let mut g = Group {
            group,
            name,
            reference: None,
        };
        W::run(&mut g);
        g.group.finish();
    }
}

fn engines(c: &mut Criterion) {
    workloads::all(&mut Groups(c));
}

criterion_group!(benches, engines);
criterion_main!(benches);
