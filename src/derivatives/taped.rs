//! Beyond the gradient on the tape: sizes known at run time.
//!
//! A function for the tape is a closure that records it from the input handles. The
//! first-order entry point ([`tape_jacobian`]) records on a `Tape<T>`; the forward and
//! second-order ones ([`tape_jvp`], [`tape_hvp`], [`tape_hessian`]) record on a
//! `Tape<Dual<T>>`, with inputs `xᵢ + vᵢ·ε`: the local partials recorded are then duals,
//! and the reverse sweep yields the gradient in the real parts and `H·v` in the tangents.
//!
//! Pass the closure directly in the call (`tape_hvp(&x, &v, |x| …)`): a closure stored in
//! a variable first does not get the signature that ties its result to its argument's
//! tape, and is rejected. To use one function both ways, write it once as a function
//! generic in the scalar type and pass it to each entry point (see [`tape_hvp`]). On a dual
//! tape, handles also combine with `f64` literals (`x * 2.0`, `1.0 - x`), so closure
//! bodies read the same on both tapes.
//!
//! These allocate (the tape and the result vectors), as any use of the tape does once.

use alloc::vec;
use alloc::vec::Vec;

use crate::Scalar;
use crate::dual::Dual;
use crate::tape::{Inputs, Replayer, Tape, Var};

/// `(f(x), ∇f(x)·v)` for a function recorded on a tape of dual numbers.
///
/// One recording with inputs `xᵢ + vᵢ·ε`; the tangent of the output is the directional
/// derivative (no reverse sweep).
///
/// ```
/// use tapeless::tape_jvp;
/// // Σ xᵢ², for any number of inputs.
/// let (value, slope) = tape_jvp(&[1.0, 2.0, 3.0], &[1.0, 0.0, -1.0], |x| {
///     x.iter().fold(x.get(0) * 0.0, |s, xi| s + xi * xi)
/// });
/// assert_eq!((value, slope), (14.0, 2.0 - 6.0));
/// ```
///
/// # Panics
/// If `x` and `v` differ in length.
#[track_caller]
pub fn tape_jvp<T, F>(x: &[T], v: &[T], f: F) -> (T, T)
where
    T: Scalar,
    F: for<'t> FnOnce(Inputs<'t, Dual<T>>) -> Var<'t, Dual<T>>,
{
    let xd = along(x, v);
    let tape = Tape::new();
    let y = f(tape.inputs(&xd)).value();
    (y.re, y.tangent())
}

/// `(f(x), ∇f(x), H(x)·v)` for a function recorded on a tape of dual numbers: one
/// recording with inputs `xᵢ + vᵢ·ε`, one reverse sweep.
///
/// ```
/// use tapeless::{Dual, Scalar, tape_gradient, tape_hvp};
/// use tapeless::tape::{Inputs, Var};
///
/// /// Σ 100·(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², for any number of inputs, any scalar type.
/// fn chain<'t, S: Scalar>(x: Inputs<'t, S>) -> Var<'t, S> {
///     let mut total = x.get(0) * S::zero();
///     for i in 0..x.len() - 1 {
///         let (a, b) = (x.get(i), x.get(i + 1));
///         total += (b - a * a).square() * S::from_f64(100.0) + (a - S::one()).square();
///     }
///     total
/// }
/// let x = [-1.2, 1.0, 0.5];
/// let (value, grad, hv) = tape_hvp(&x, &[1.0, 0.0, 0.0], chain);
/// assert_eq!(grad, tape_gradient(&x, chain).1); // the same function in f64
/// // H·e₀ = first column: ∂²/∂x₀² = 1200x₀² − 400x₁ + 2, ∂²/∂x₁∂x₀ = −400x₀.
/// assert!((hv[0] - (1200.0 * 1.44 - 400.0 + 2.0)).abs() < 1e-9);
/// assert!((hv[1] - 480.0).abs() < 1e-12 && hv[2] == 0.0);
/// ```
///
/// # Panics
/// If `x` and `v` differ in length.
#[track_caller]
pub fn tape_hvp<T, F>(x: &[T], v: &[T], f: F) -> (T, Vec<T>, Vec<T>)
where
    T: Scalar,
    F: for<'t> FnOnce(Inputs<'t, Dual<T>>) -> Var<'t, Dual<T>>,
{
    let xd = along(x, v);
    let tape = Tape::new();
    let y = f(tape.inputs(&xd));
    let mut adj = vec![Dual::<T>::default(); x.len()];
    tape.gradient(y, &mut adj);
    (
        y.value().re,
        adj.iter().map(|d| d.re).collect(),
        adj.iter().map(|d| d.tangent()).collect(),
    )
}

/// `(f(x), ∇f(x), H(x))` for a function recorded on a tape of dual numbers: `N` recordings
/// (row `k` is `H·eₖ`), reusing one tape. The Hessian is `N` rows of `N`, symmetric up to
/// rounding.
///
/// ```
/// use tapeless::tape_hessian;
/// let (v, g, h) = tape_hessian(&[3.0, 2.0], |x| x.get(0) * x.get(0) * x.get(1));
/// assert_eq!((v, g), (18.0, vec![12.0, 9.0]));
/// assert_eq!(h, vec![vec![4.0, 6.0], vec![6.0, 0.0]]);
/// ```
pub fn tape_hessian<T, F>(x: &[T], f: F) -> (T, Vec<T>, Vec<Vec<T>>)
where
    T: Scalar,
    F: for<'t> Fn(Inputs<'t, Dual<T>>) -> Var<'t, Dual<T>>,
{
    let n = x.len();
    let mut tape = Tape::new();
    let mut xd: Vec<Dual<T>> = x.iter().map(|&a| Dual::constant(a)).collect();
    let mut adj = vec![Dual::<T>::default(); n];
    let mut value = T::zero();
    let mut grad = vec![T::zero(); n];
    let mut rows = Vec::with_capacity(n);
    for k in 0..n {
        xd[k] = Dual::new(x[k], T::one());
        tape.clear();
        let y = f(tape.inputs(&xd));
        tape.gradient(y, &mut adj);
        if k == 0 {
            value = y.value().re;
            for (g, a) in grad.iter_mut().zip(&adj) {
                *g = a.re;
            }
        }
        rows.push(adj.iter().map(|d| d.tangent()).collect());
        xd[k] = Dual::constant(x[k]);
    }
    if n == 0 {
        value = f(tape.inputs(&xd)).value().re;
    }
    (value, grad, rows)
}

/// `(f(x), ∇f(x))` for a function recorded on a tape: the first-order twin of the entry
/// points above, for the same closures written generic in the scalar type.
///
/// ```
/// use tapeless::tape_gradient;
/// let (v, g) = tape_gradient(&[2.0, 0.0], |x| x.get(0) * x.get(1).sin());
/// assert_eq!((v, g), (0.0, vec![0.0, 2.0]));
/// ```
pub fn tape_gradient<T, F>(x: &[T], f: F) -> (T, Vec<T>)
where
    T: Scalar,
    F: for<'t> FnOnce(Inputs<'t, T>) -> Var<'t, T>,
{
    let tape = Tape::new();
    let y = f(tape.inputs(x));
    let mut grad = vec![T::zero(); x.len()];
    let v = tape.gradient(y, &mut grad);
    (v, grad)
}

/// The values and gradients of a function recorded on a tape, at many points of the same
/// length: recorded once, at the first point, and replayed at the others (a
/// [`Replayer`]); a point where a comparison recorded through the handles comes out
/// otherwise is recorded again. Point `k` is `points[k·n..(k + 1)·n]` with `n = grads.len()
/// / values.len()`, and its gradient goes to the same range of `grads`.
///
/// ```
/// use tapeless::tape_gradients;
/// // f = x₀·x₁ at three points of two inputs.
/// let points = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let (mut values, mut grads) = ([0.0; 3], [0.0; 6]);
/// let recordings = tape_gradients(&points, &mut values, &mut grads, |x| x.get(0) * x.get(1));
/// assert_eq!(values, [2.0, 12.0, 30.0]);
/// assert_eq!(grads, [2.0, 1.0, 4.0, 3.0, 6.0, 5.0]);
/// assert_eq!(recordings, 1);
/// ```
///
/// Returns how many times the function was recorded.
///
/// # Panics
/// If `points` and `grads` differ in length, or it is not a multiple of `values.len()`.
#[track_caller]
pub fn tape_gradients<T, F>(points: &[T], values: &mut [T], grads: &mut [T], f: F) -> usize
where
    T: Scalar,
    F: for<'t> Fn(Inputs<'t, T>) -> Var<'t, T>,
{
    assert_eq!(
        points.len(),
        grads.len(),
        "tapeless: the points and the gradients differ in length"
    );
    if values.is_empty() {
        return 0;
    }
    assert!(
        points.len() % values.len() == 0,
        "tapeless: {} coordinates do not make {} points of one length",
        points.len(),
        values.len()
    );
    let n = points.len() / values.len();
    let mut r = Replayer::new(f);
    for ((x, g), v) in points
        .chunks_exact(n.max(1))
        .zip(grads.chunks_exact_mut(n.max(1)))
        .zip(values.iter_mut())
    {
        *v = r.gradient(x, g);
    }
    r.recordings()
}

/// The values and the Jacobian of a vector function recorded on a tape, for sizes known at
/// run time: one recording shared by all outputs, one reverse sweep per output. Row `m`
/// of the Jacobian is `∇fₘ(x)`.
///
/// ```
/// use tapeless::tape_jacobian;
/// // Differences of neighbours: M = N − 1 outputs.
/// let (values, j) = tape_jacobian(&[1.0, 4.0, 9.0], |x| {
///     (1..x.len()).map(|i| x.get(i) - x.get(i - 1)).collect()
/// });
/// assert_eq!(values, [3.0, 5.0]);
/// assert_eq!(j, vec![vec![-1.0, 1.0, 0.0], vec![0.0, -1.0, 1.0]]);
/// ```
pub fn tape_jacobian<T, F>(x: &[T], f: F) -> (Vec<T>, Vec<Vec<T>>)
where
    T: Scalar,
    F: for<'t> FnOnce(Inputs<'t, T>) -> Vec<Var<'t, T>>,
{
    let tape = Tape::new();
    let ys = f(tape.inputs(x));
    let values = ys.iter().map(|y| y.value()).collect();
    let rows = ys
        .iter()
        .map(|&y| {
            let mut row = vec![T::zero(); x.len()];
            tape.gradient(y, &mut row);
            row
        })
        .collect();
    (values, rows)
}

/// The dual inputs `xᵢ + vᵢ·ε`.
#[track_caller]
fn along<T: Scalar>(x: &[T], v: &[T]) -> Vec<Dual<T>> {
    assert_eq!(
        x.len(),
        v.len(),
        "tapeless: the point and the direction differ in length"
    );
    x.iter().zip(v).map(|(&a, &b)| Dual::new(a, b)).collect()
}
