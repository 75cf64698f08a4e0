//! One workload's engines: verify against the hand-written gradient, then time.

use crate::timing::{Budget, ns_per_call};

/// One measurement.
#[derive(Clone, Debug)]
pub struct Row {
    pub workload: String,
    pub engine: &'static str,
    pub ns: f64,
}

/// Relative error allowed between an engine's gradient and the hand-written one.
pub const TOLERANCE: f64 = 1e-12;

/// Runs the engines of one workload, recording rows and mismatches.
pub struct Bench<'a> {
    pub budget: Budget,
    pub workload: String,
    reference: Option<(f64, Vec<f64>)>,
    pub rows: &'a mut Vec<Row>,
    pub failures: &'a mut Vec<String>,
}

impl<'a> Bench<'a> {
    pub fn new(
        budget: Budget,
        workload: impl Into<String>,
        rows: &'a mut Vec<Row>,
        failures: &'a mut Vec<String>,
    ) -> Self {
        Bench {
            budget,
            workload: workload.into(),
            reference: None,
            rows,
            failures,
        }
    }

    /// Sets the hand-written value and gradient every engine is checked against.
    pub fn reference(&mut self, value: f64, grad: &[f64]) {
        self.reference = Some((value, grad.to_vec()));
    }

    /// Checks `engine`'s value and gradient against the reference with relative error
    /// `tol` (max-norm, relative to the reference's max-norm); records a failure if not.
    pub fn check(&mut self, engine: &str, value: f64, grad: &[f64], tol: f64) -> bool {
        let (v0, g0) = self
            .reference
            .as_ref()
            .expect("reference set before checks");
        let scale = g0
            .iter()
            .fold(0.0f64, |m, g| m.max(g.abs()))
            .max(f64::MIN_POSITIVE);
        let gerr = g0
            .iter()
            .zip(grad)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()))
            / scale;
        let verr = (value - v0).abs() / v0.abs().max(f64::MIN_POSITIVE);
        let ok = grad.len() == g0.len() && gerr <= tol && verr <= tol;
        if !ok {
            self.failures.push(format!(
                "{}/{engine}: value {value} vs {v0} (rel {verr:.2e}), gradient {grad:?} vs {g0:?} (rel {gerr:.2e}, allowed {tol:.0e})",
                self.workload
            ));
        }
        ok
    }

    /// Times `f` and records the median ns per call.
    pub fn time<X: Copy, R>(&mut self, engine: &'static str, x: X, f: impl FnMut(X) -> R) {
        let ns = ns_per_call(self.budget, x, f);
        self.rows.push(Row {
            workload: self.workload.clone(),
            engine,
            ns,
        });
    }

    /// Checks, then times if the check passed.
    pub fn engine<X: Copy, R>(
        &mut self,
        engine: &'static str,
        x: X,
        grad: impl Fn(X) -> (f64, Vec<f64>),
        f: impl FnMut(X) -> R,
    ) {
        self.engine_tol(engine, x, TOLERANCE, grad, f);
    }

    /// [`engine`](Self::engine) with a tolerance of its own (finite differences).
    pub fn engine_tol<X: Copy, R>(
        &mut self,
        engine: &'static str,
        x: X,
        tol: f64,
        grad: impl Fn(X) -> (f64, Vec<f64>),
        f: impl FnMut(X) -> R,
    ) {
        let (v, g) = grad(x);
        if self.check(engine, v, &g, tol) {
            self.time(engine, x, f);
        }
    }
}
