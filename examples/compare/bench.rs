//! The `compare` harness: verify each engine against the hand-written gradient, keep it, and
//! time the engines of a workload together when the workload is done.

use crate::harness::{Harness, Outcome, TOLERANCE, call_slice, verify};
use crate::timing::{Batch, Budget, batch, batch_primal_slice, batch_slice, ns_per_call};

/// One measurement.
#[derive(Clone, Debug)]
pub struct Row {
    pub workload: String,
    pub engine: &'static str,
    pub ns: f64,
}

/// Runs the engines of each workload in turn, recording rows and mismatches.
pub struct Bench {
    pub budget: Budget,
    pub workload: String,
    reference: Option<(f64, Vec<f64>)>,
    /// The checked engines of the current workload, waiting to be timed.
    pending: Vec<(&'static str, Batch)>,
    pub rows: Vec<Row>,
    pub failures: Vec<String>,
}

impl Bench {
    pub fn new(budget: Budget) -> Self {
        Bench {
            budget,
            workload: String::new(),
            reference: None,
            pending: Vec::new(),
            rows: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// Starts the next workload: its rows carry `name`; its reference is still to be set.
    pub fn start(&mut self, name: String) {
        self.workload = name;
        self.reference = None;
    }

    /// Times the engines of the current workload, in interleaved rounds.
    pub fn finish(&mut self) {
        let (names, mut runs): (Vec<_>, Vec<_>) = self.pending.drain(..).unzip();
        let ns = ns_per_call(self.budget, &mut runs);
        for (engine, ns) in names.into_iter().zip(ns) {
            self.rows.push(Row {
                workload: self.workload.clone(),
                engine,
                ns,
            });
        }
    }

    /// Records a failure unless `value`/`grad` match the reference.
    fn check(&mut self, engine: &str, value: f64, grad: Option<&[f64]>, tol: f64) -> bool {
        match verify(self.reference.as_ref(), value, grad, tol) {
            Ok(()) => true,
            Err(what) => {
                self.failures
                    .push(format!("{}/{engine}: {what}", self.workload));
                false
            }
        }
    }
}

impl Harness for Bench {
    fn reference(&mut self, value: f64, grad: &[f64]) {
        self.reference = Some((value, grad.to_vec()));
    }

    fn primal<X: Copy + 'static>(&mut self, x: X, f: impl Fn(X) -> f64 + Copy + 'static) {
        let v = f(x);
        if self.check("primal", v, None, TOLERANCE) {
            self.pending.push(("primal", batch(x, move || f)));
        }
    }

    fn engine<X: Copy + 'static, O: Outcome, F: FnMut(X) -> O>(
        &mut self,
        engine: &'static str,
        x: X,
        tol: f64,
        setup: impl Fn() -> F + 'static,
    ) {
        let out = setup()(x);
        if self.check(engine, out.value(), Some(out.grad()), tol) {
            self.pending.push((engine, batch(x, setup)));
        }
    }

    fn primal_slice(&mut self, x: &[f64], mut f: impl FnMut(&[f64]) -> f64 + 'static) {
        let v = f(x);
        if self.check("primal", v, None, TOLERANCE) {
            self.pending
                .push(("primal", batch_primal_slice(x.to_vec(), f)));
        }
    }

    fn engine_slice(
        &mut self,
        engine: &'static str,
        x: &[f64],
        tol: f64,
        mut f: impl FnMut(&[f64], &mut [f64]) -> f64 + 'static,
    ) {
        let (v, g) = call_slice(&mut f, x);
        if self.check(engine, v, Some(&g), tol) {
            self.pending.push((engine, batch_slice(x.to_vec(), f)));
        }
    }
}
