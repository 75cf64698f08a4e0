//! What a workload asks of whoever runs it, shared by the `compare` example and the criterion
//! benches: check each engine's result against the hand-written gradient, then time it.

/// Relative error allowed between an engine's gradient and the hand-written one.
pub const TOLERANCE: f64 = 1e-12;

/// Relative error allowed for central finite differences (truncation and cancellation).
pub const FD_TOLERANCE: f64 = 1e-6;

/// What an engine returns: the value and the gradient.
pub trait Outcome {
    /// The value `f(x)`.
    fn value(&self) -> f64;
    /// The gradient `∇f(x)`.
    fn grad(&self) -> &[f64];
}

impl<G: AsRef<[f64]>> Outcome for (f64, G) {
    fn value(&self) -> f64 {
        self.0
    }
    fn grad(&self) -> &[f64] {
        self.1.as_ref()
    }
}

/// Runs the engines of one workload.
pub trait Harness {
    /// Sets the hand-written value and gradient every engine is checked against.
    fn reference(&mut self, value: f64, grad: &[f64]);
    /// Checks the value of `f` at `x` against the reference, then times `f` as `primal`.
    fn primal<X: Copy + 'static>(&mut self, x: X, f: impl Fn(X) -> f64 + Copy + 'static);
    /// Sets an engine up with `setup` (its tape made, say), checks what
    /// it returns at `x` against the reference with relative error `tol`, then times it as
    /// `engine`. A mismatch is reported (by name) and the engine is not timed.
    ///
    /// The harness calls `setup` where it times, before each batch of calls, as a user sets
    /// an engine up before a loop: what it makes (a tape) is then a local of the timing
    /// loop, not state behind a pointer. Static expressions are built inside the function
    /// `setup` returns, at each call, as `gradient(&model(), x)` does: their literals,
    /// `powi` exponents and small index arrays are then constants to the optimiser, as in
    /// the hand-written gradient. Captured instead, they are loads, and `powi(2)` is a call
    /// to `__powidf2` (rosenbrock: 3.3 instead of 1.5 ns).
    fn engine<X: Copy + 'static, O: Outcome, F: FnMut(X) -> O>(
        &mut self,
        engine: &'static str,
        x: X,
        tol: f64,
        setup: impl Fn() -> F + 'static,
    );

    /// Checks the value of `f` at the run-time-length point `x` against the reference, then
    /// times it as `primal`. `f` is made once, with its workspace, by the caller: it is
    /// checked and timed as it is (see [`Harness::engine_slice`]).
    fn primal_slice(&mut self, x: &[f64], f: impl FnMut(&[f64]) -> f64 + 'static);
    /// An engine on a point of run-time length: `f(x, grad)` writes the whole gradient into
    /// the caller's `grad` (as long as `x`) and returns the value. It is checked at `x`
    /// against the reference with relative error `tol`, then timed as `engine`; a mismatch
    /// is reported (by name) and the engine is not timed.
    ///
    /// Unlike [`Harness::engine`], the engine is made once, outside the timed region, by
    /// the caller, with its tape and workspace, and the harness owns the gradient buffer:
    /// a call costs microseconds to milliseconds here, so where its state lives does not
    /// matter, while making a tape or growing it to size is not what a loop of gradients
    /// pays. Its first call is the check, so a tape that keeps its memory has grown by
    /// then, and the timed calls of this crate's engines allocate nothing.
    fn engine_slice(
        &mut self,
        engine: &'static str,
        x: &[f64],
        tol: f64,
        f: impl FnMut(&[f64], &mut [f64]) -> f64 + 'static,
    );
}

/// Calls an engine of run-time size once, for its check: the gradient buffer starts as NaN,
/// so an engine that leaves a component unwritten fails.
pub fn call_slice(f: &mut impl FnMut(&[f64], &mut [f64]) -> f64, x: &[f64]) -> (f64, Vec<f64>) {
    let mut g = vec![f64::NAN; x.len()];
    let v = f(x, &mut g);
    (v, g)
}

/// Both gradients when they are short; for a long one, its length and the component that
/// differs most.
fn differ(grad: &[f64], g0: &[f64]) -> String {
    if grad.len() != g0.len() {
        return format!("of length {} vs {}", grad.len(), g0.len());
    }
    if g0.len() <= 16 {
        return format!("{grad:?} vs {g0:?}");
    }
    let (i, _) = grad
        .iter()
        .zip(g0)
        .map(|(a, b)| (a - b).abs())
        .enumerate()
        .fold((0, -1.0f64), |m, (i, e)| {
            if e > m.1 || e.is_nan() {
                (i, f64::INFINITY)
            } else {
                m
            }
        });
    format!(
        "of length {}, worst at {i}: {} vs {}",
        g0.len(),
        grad[i],
        g0[i]
    )
}

/// `None` if `value` and `grad` match the reference within relative error `tol`
/// (max-norm, relative to the reference's max-norm); otherwise what differs.
pub fn mismatch(reference: (f64, &[f64]), value: f64, grad: &[f64], tol: f64) -> Option<String> {
    let (v0, g0) = reference;
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
    // Written so that a NaN error fails the check.
    let within = |err: f64| err <= tol;
    if grad.len() == g0.len() && within(gerr) && within(verr) {
        None
    } else {
        Some(format!(
            "value {value} vs {v0} (rel {verr:.2e}), gradient {} (rel {gerr:.2e}, allowed {tol:.0e})",
            differ(grad, g0)
        ))
    }
}

/// Checks `value` and `grad` against `reference` (the primal has no gradient: `None`
/// compares the value only); `Err` says what differs, or that no reference was set.
pub fn verify(
    reference: Option<&(f64, Vec<f64>)>,
    value: f64,
    grad: Option<&[f64]>,
    tol: f64,
) -> Result<(), String> {
    let (v0, g0) = reference.ok_or("no reference set")?;
    match mismatch((*v0, g0), value, grad.unwrap_or(g0), tol) {
        None => Ok(()),
        Some(what) => Err(what),
    }
}

/// A workload: a function, its hand-written gradient, and the engines to run on it.
pub trait Workload {
    /// Its name in tables and bench groups.
    fn name() -> String;
    /// Sets the reference, then checks and times each engine.
    fn run<H: Harness>(h: &mut H);
}

/// Whoever runs a list of workloads (the `compare` table, the criterion groups).
pub trait Suite {
    /// Runs one workload.
    fn workload<W: Workload>(&mut self);
}
