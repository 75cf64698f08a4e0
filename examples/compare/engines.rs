//! The engines that need glue to take `[f64; N]` and give `(value, [f64; N])`: central finite
//! differences and the peer crates (echidna's glue is in `echidna.rs`). Each peer is given its best use: tapes are made once and
//! cleared between calls (their capacity is kept), inputs are seeded in place, and results
//! are read without intermediate vectors where the API allows.

use nalgebra::SVector;
use num_dual::DualSVec64;
use tapeless::tape::Replay;
use tapeless::{Expr, Tape};

/// This crate's tape on a static expression: cleared (it keeps its memory), `f` recorded
/// at `x` through [`Tape::record`], one reverse sweep into a gradient on the stack.
#[inline]
pub fn tape<E: Expr<f64>, const N: usize>(
    tape: &mut Tape<f64>,
    f: &E,
    x: [f64; N],
) -> (f64, [f64; N]) {
    tape.clear();
    let (_, y) = tape.record(f, x);
    let mut g = [0.0; N];
    let v = tape.gradient(y, &mut g);
    (v, g)
}

/// This crate's tape replayed: `f` recorded once for replay (outside the timing), then each
/// call runs the stored operations forward and backward at `x`, with no recording; a
/// changed branch (none in these workloads) records again.
#[inline]
pub fn tape_replay<E: Expr<f64>, const N: usize>(
    replay: &mut Replay<f64>,
    f: &E,
    x: [f64; N],
) -> (f64, [f64; N]) {
    let mut g = [0.0; N];
    match replay.gradient(&x, &mut g) {
        Ok(v) => (v, g),
        Err(_) => {
            *replay = Replay::record_expr(f, x);
            let v = replay.gradient(&x, &mut g).unwrap_or(f64::NAN);
            (v, g)
        }
    }
}

/// `∛ε = 2^(−52/3)`, the step of central differences relative to `max(1, |x|)`: it balances
/// the truncation error (∝ h²) against cancellation (∝ ε/h). A constant, since `cbrt` is
/// not folded at compile time.
pub const CBRT_EPSILON: f64 = 6.055_454_452_393_339e-6;

/// Central finite differences on the primal: `2N + 1` evaluations, step `∛ε · max(1, |xᵢ|)`.
#[inline]
pub fn central_fd<const N: usize>(f: impl Fn([f64; N]) -> f64, x: [f64; N]) -> (f64, [f64; N]) {
    let g = core::array::from_fn(|i| {
        let h = CBRT_EPSILON * x[i].abs().max(1.0);
        let (mut lo, mut hi) = (x, x);
        lo[i] -= h;
        hi[i] += h;
        // The step actually taken, after rounding of x ± h.
        (f(hi) - f(lo)) / (hi[i] - lo[i])
    });
    (f(x), g)
}

/// The forward-mode peer `num_dual`: one evaluation on `DualSVec64<N>` (N tangents on the
/// stack), through its own `gradient` entry point.
#[inline]
pub fn num_dual<const N: usize>(
    f: impl Fn(&[DualSVec64<N>; N]) -> DualSVec64<N>,
    x: [f64; N],
) -> (f64, [f64; N]) {
    // The closure reads the inputs in place (`ArrayStorage` is `[[T; N]; 1]`): no copy.
    let (v, g) = num_dual::gradient(
        |v: SVector<DualSVec64<N>, N>| f(&v.data.0[0]),
        &SVector::from(x),
    );
    (v, g.into())
}

/// The tape peer `reverse`: the caller's tape is cleared (it keeps its capacity), the inputs
/// are pushed as its first nodes, `f` records, and one reverse sweep gives the adjoints.
/// The sweep returns a `Vec` of every node's adjoint (the crate's API; no way around it);
/// the inputs' entries are read from it directly.
#[inline]
pub fn reverse<const N: usize>(
    tape: &reverse::Tape,
    f: impl for<'t> Fn(&[reverse::Var<'t>; N]) -> reverse::Var<'t>,
    x: [f64; N],
) -> (f64, [f64; N]) {
    use reverse::Gradient;
    tape.clear();
    let vars: [reverse::Var<'_>; N] = core::array::from_fn(|i| tape.add_var(x[i]));
    let y = f(&vars);
    let adj = y.grad();
    (y.val(), core::array::from_fn(|i| adj.wrt(&vars[i])))
}

/// `erf` for the peers that lack it, as its value and derivative at the point: what a user
/// of those crates would write.
pub mod erf {
    use core::f64::consts::PI;

    /// `erf(x)` and `erf'(x) = 2/√π · e^(−x²)`.
    #[inline]
    pub fn value_and_slope(x: f64) -> (f64, f64) {
        (
            <f64 as tapeless::Scalar>::erf(x),
            2.0 / PI.sqrt() * (-x * x).exp(),
        )
    }

    /// `num_dual`: a new dual number from the value and the tangents scaled by the slope.
    #[inline]
    pub fn num_dual<const N: usize>(x: num_dual::DualSVec64<N>) -> num_dual::DualSVec64<N> {
        let (v, d) = value_and_slope(x.re);
        num_dual::DualSVec64::new(v, x.eps * d)
    }

    /// `reverse` records binary nodes only through its operators, so a new elementary
    /// function is its linearisation at the point: `x · d + (erf(x₀) − x₀ d)`, two nodes.
    #[inline]
    pub fn reverse(x: reverse::Var<'_>) -> reverse::Var<'_> {
        let (v, d) = value_and_slope(x.val());
        x * d + (v - x.val() * d)
    }
}

/// A workload's function in every form the engines need: plain `f64` code, its
/// hand-written gradient, the static expression (generic in the scalar, so the tape records
/// it and forward mode evaluates it on duals), and the same function in each peer's API.
pub trait Model<const N: usize>: 'static {
    /// The point at which every engine is checked and timed.
    fn point() -> [f64; N];
    /// The value alone, by hand.
    fn primal(x: [f64; N]) -> f64;
    /// The value and the gradient, by hand.
    fn hand(x: [f64; N]) -> (f64, [f64; N]);
    /// The static expression.
    fn expr<T: tapeless::Scalar>() -> impl Expr<T>;
    /// The function on `num_dual`'s dual vectors.
    fn in_num_dual(x: &[DualSVec64<N>; N]) -> DualSVec64<N>;
    /// The function on `reverse`'s tape handles.
    fn in_reverse<'t>(x: &[reverse::Var<'t>; N]) -> reverse::Var<'t>;
    /// The function on echidna's numbers (either of its tapes).
    fn in_echidna<S: crate::echidna::Scalar>(x: &[S; N]) -> S;
}

/// Sets the hand-written reference, then checks and times every engine on `M`.
pub fn run_all<M, H, const N: usize>(h: &mut H)
where
    M: Model<N>,
    H: crate::harness::Harness,
    [f64; N]: tapeless::Point<f64>,
    tapeless::typenum::Const<N>: generic_array::IntoArrayLength,
{
    use crate::harness::{FD_TOLERANCE, TOLERANCE};
    use tapeless::{Dual, forward_gradient, gradient};

    let x = M::point();
    let (v, g) = M::hand(x);
    h.reference(v, &g);
    h.primal(x, M::primal);
    h.engine("hand", x, TOLERANCE, || M::hand);
    h.engine("static", x, TOLERANCE, || {
        |x| gradient(&M::expr::<f64>(), x)
    });
    h.engine("tape", x, TOLERANCE, || {
        let mut tape = Tape::new();
        move |x| self::tape(&mut tape, &M::expr::<f64>(), x)
    });
    h.engine("tape_replay", x, TOLERANCE, || {
        let mut replay = Replay::record_expr(&M::expr::<f64>(), M::point());
        move |x| tape_replay(&mut replay, &M::expr::<f64>(), x)
    });
    h.engine("forward", x, TOLERANCE, || {
        |x| forward_gradient(&M::expr::<Dual<f64, N>>(), x)
    });
    h.engine("central_fd", x, FD_TOLERANCE, || {
        |x| central_fd(M::primal, x)
    });
    h.engine("num_dual", x, TOLERANCE, || |x| num_dual(M::in_num_dual, x));
    h.engine("reverse", x, TOLERANCE, || {
        let tape = reverse::Tape::new();
        move |x| reverse(&tape, M::in_reverse, x)
    });
    h.engine("echidna", x, TOLERANCE, || {
        let mut tape = echidna::tape::Tape::new();
        move |x| crate::echidna::tape_array(&mut tape, M::in_echidna, x)
    });
    h.engine("echidna_bc", x, TOLERANCE, move || {
        let mut tape =
            crate::echidna::record(&x, |v| M::in_echidna(v.try_into().expect("N inputs")));
        let mut adjoints = Vec::new();
        move |x| crate::echidna::replay_array(&mut tape, &mut adjoints, x)
    });
}
