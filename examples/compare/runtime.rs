//! The workloads of run-time size: a point is a `&[f64]`, an engine writes the gradient into
//! the caller's `&mut [f64]` and returns the value. Each workload writes its function once,
//! generic in [`Real`], and every engine but `primal` and `hand` runs that one function:
//! this crate's tape, central differences (on `primal`), `num_dual`, `reverse`, and
//! echidna's two tapes.
//!
//! Engines are made once, with their tapes and workspaces, and checked by their first call
//! (see [`Harness::engine_slice`]); this crate's engines then allocate nothing in the timed
//! calls. The peers allocate where their API does (a vector of adjoints per sweep).
//!
//! ## The `static` row
//! [`Model::static_engine`] is this crate's static engine on the workload: its expression
//! comes from `statics.rs` (which `compile_cost` builds too), made inside the closure at
//! each call so that its constants are constants to the optimiser, over the workload's data
//! and constants from the same functions the other engines use; a workspace it keeps is
//! made once, with the engine.

use num_dual::{Derivative, DualSVec64};
use tapeless::Tape;
use tapeless::tape::Var;

use crate::engines::CBRT_EPSILON;
use crate::harness::{FD_TOLERANCE, Harness, TOLERANCE, call_slice};
use crate::real::{Real, recycle};

/// An engine of run-time size: writes the gradient at `x` into `grad`, returns the value.
pub trait Engine: FnMut(&[f64], &mut [f64]) -> f64 + 'static {}
impl<F: FnMut(&[f64], &mut [f64]) -> f64 + 'static> Engine for F {}

/// A workload of run-time size: its point, its primal and hand-written gradient (each with
/// its own workspace), its function for the generic engines, and which engines it affords.
pub trait Model: 'static {
    /// Its name in tables.
    fn name() -> String;
    /// The point at which every engine is checked and timed.
    fn point() -> Vec<f64>;
    /// The value alone, by hand, with its workspace.
    fn primal() -> impl FnMut(&[f64]) -> f64 + 'static;
    /// The value and gradient, by hand, with its workspace: the reference.
    fn hand() -> impl Engine;
    /// This crate's static engine: the expression built and [`checked`](tapeless::checked)
    /// once, evaluated at every call.
    fn static_engine() -> impl Engine;
    /// The function, once for every engine type: the inputs through `x(i)`, and a vector the
    /// engine keeps between calls for whatever state the function needs (it holds what the
    /// last call left: the function clears it).
    fn eval<R: Real, X: Fn(usize) -> R>(x: &X, scratch: &mut Vec<R>) -> R;
    /// Forward mode with `num_dual`, where its O(n) cost is affordable.
    fn num_dual() -> Option<impl Engine>;
    /// Whether central differences (2n + 1 primals) are affordable.
    const CENTRAL_FD: bool;
}

/// Sets the hand-written reference, then checks and times every engine on `M`.
pub fn run_all<M: Model, H: Harness>(h: &mut H) {
    let x = M::point();
    let (v, g) = call_slice(&mut M::hand(), &x);
    h.reference(v, &g);
    h.primal_slice(&x, M::primal());
    h.engine_slice("hand", &x, TOLERANCE, M::hand());
    h.engine_slice("static", &x, TOLERANCE, M::static_engine());
    h.engine_slice("tape", &x, TOLERANCE, tape::<M>());
    if M::CENTRAL_FD {
        h.engine_slice("central_fd", &x, FD_TOLERANCE, central_fd(M::primal()));
    }
    if let Some(f) = M::num_dual() {
        h.engine_slice("num_dual", &x, TOLERANCE, f);
    }
    h.engine_slice("reverse", &x, TOLERANCE, reverse::<M>());
    h.engine_slice("echidna", &x, TOLERANCE, crate::echidna::tape_slice::<M>());
    h.engine_slice(
        "echidna_bc",
        &x,
        TOLERANCE,
        crate::echidna::bytecode_slice::<M>(&x),
    );
}

/// This crate's tape: cleared (it keeps its memory), the inputs taken as a view
/// ([`Tape::inputs`]: no vector of handles), the function recorded through handles, one
/// reverse sweep into the caller's buffer. The scratch vector of handles keeps its buffer
/// between calls ([`recycle`]).
pub fn tape<M: Model>() -> impl Engine {
    let mut tape = Tape::<f64>::new();
    let mut kept: Vec<Var<'static, f64>> = Vec::new();
    move |x, g| {
        tape.clear();
        let inputs = tape.inputs(x);
        let mut scratch = recycle(core::mem::take(&mut kept));
        let y = M::eval(&|i| inputs.get(i), &mut scratch);
        let v = tape.gradient(y, g);
        kept = recycle(scratch);
        v
    }
}

/// The tape peer `reverse`: cleared between calls, the inputs pushed as its first nodes
/// (into a vector whose buffer is kept), one sweep, whose vector of every node's adjoint
/// (its API) the inputs' entries are read from.
pub fn reverse<M: Model>() -> impl Engine {
    let tape = reverse::Tape::new();
    let mut kept_vars: Vec<reverse::Var<'static>> = Vec::new();
    let mut kept: Vec<reverse::Var<'static>> = Vec::new();
    move |x, g| {
        use reverse::Gradient;
        tape.clear();
        let mut vars: Vec<reverse::Var<'_>> = recycle(core::mem::take(&mut kept_vars));
        vars.extend(x.iter().map(|&xi| tape.add_var(xi)));
        let mut scratch = recycle(core::mem::take(&mut kept));
        let y = M::eval(&|i| vars[i], &mut scratch);
        let adj = y.grad();
        for (gi, v) in g.iter_mut().zip(&vars) {
            *gi = adj.wrt(v);
        }
        let value = y.val();
        kept = recycle(scratch);
        kept_vars = recycle(vars);
        value
    }
}

/// Central finite differences on `primal`: `2n + 1` evaluations, step `∛ε · max(1, |xᵢ|)`,
/// the point perturbed in place in a copy kept between calls.
pub fn central_fd(mut primal: impl FnMut(&[f64]) -> f64 + 'static) -> impl Engine {
    let mut w: Vec<f64> = Vec::new();
    move |x, g| {
        w.clear();
        w.extend_from_slice(x);
        for i in 0..x.len() {
            let h = CBRT_EPSILON * x[i].abs().max(1.0);
            w[i] = x[i] + h;
            let (hi_x, hi) = (w[i], primal(&w));
            w[i] = x[i] - h;
            let (lo_x, lo) = (w[i], primal(&w));
            w[i] = x[i];
            // The step actually taken, after rounding of x ± h.
            g[i] = (hi - lo) / (hi_x - lo_x);
        }
        primal(x)
    }
}

/// Forward mode with `num_dual`: one evaluation on `DualSVec64<N>` (`N` tangents, `N` the
/// number of inputs), the seeded inputs made once (on the heap: at `N` = 1000 they take
/// 8 MB) and only their values set per call.
pub fn num_dual<M: Model, const N: usize>() -> impl Engine {
    use nalgebra::{Const, U1};
    let mut seeded: Vec<DualSVec64<N>> = (0..N)
        .map(|i| {
            let mut d = DualSVec64::<N>::from_re(0.0);
            d.eps = Derivative::derivative_generic(Const::<N>, U1, i);
            d
        })
        .collect();
    let mut scratch = Vec::new();
    move |x, g| {
        assert_eq!(
            x.len(),
            N,
            "num_dual: the point has {} inputs, not {N}",
            x.len()
        );
        for (d, &xi) in seeded.iter_mut().zip(x) {
            d.re = xi;
        }
        let y = M::eval(&|i| seeded[i], &mut scratch);
        g.copy_from_slice(y.eps.unwrap_generic(Const::<N>, U1).as_slice());
        y.re
    }
}
