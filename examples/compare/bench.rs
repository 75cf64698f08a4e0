//! One workload's engines for `compare`: verify against the hand-written gradient, then time.

use crate::harness::{Harness, Outcome, mismatch};
use crate::timing::{Budget, ns_per_call};

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
    pub rows: Vec<Row>,
    pub failures: Vec<String>,
}

impl Bench {
    pub fn new(budget: Budget) -> Self {
        Bench {
            budget,
            workload: String::new(),
            reference: None,
            rows: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// Starts the next workload: its rows carry `name`; its reference is still to be set.
    pub fn start(&mut self, name: String) {
        self.workload = name;
        self.reference = None;
    }

    /// Records a failure unless `value`/`grad` match the reference.
    fn check(&mut self, engine: &str, value: f64, grad: Option<&[f64]>, tol: f64) -> bool {
        let Some((v0, g0)) = &self.reference else {
            self.failures
                .push(format!("{}/{engine}: no reference set", self.workload));
            return false;
        };
        // The primal has no gradient: compare its value only.
        let found = mismatch((*v0, g0), value, grad.unwrap_or(g0), tol);
        match found {
            None => true,
            Some(what) => {
                self.failures
                    .push(format!("{}/{engine}: {what}", self.workload));
                false
            }
        }
    }

    /// Times `f` and records the median ns per call.
    fn time<X: Copy, R>(&mut self, engine: &'static str, x: X, f: impl FnMut(X) -> R) {
        let ns = ns_per_call(self.budget, x, f);
        self.rows.push(Row {
            workload: self.workload.clone(),
            engine,
            ns,
        });
    }
}

impl Harness for Bench {
    fn reference(&mut self, value: f64, grad: &[f64]) {
        self.reference = Some((value, grad.to_vec()));
    }

    fn primal<X: Copy>(&mut self, x: X, mut f: impl FnMut(X) -> f64) {
        let v = f(x);
        if self.check("primal", v, None, crate::harness::TOLERANCE) {
            self.time("primal", x, f);
        }
    }

    fn engine<X: Copy, O: Outcome>(
        &mut self,
        engine: &'static str,
        x: X,
        tol: f64,
        mut f: impl FnMut(X) -> O,
    ) {
        let out = f(x);
        if self.check(engine, out.value(), Some(out.grad()), tol) {
            self.time(engine, x, f);
        }
    }
}
