//! GradBench's descent, shared by `saddle` and `particle`: generic over the number type, so
//! an inner descent runs in the outer derivative's numbers (a dual or a `nest::Rev`) and is
//! differentiated with everything else.
//!
//! From `x`, with `f(x)` and `g = ∇f(x)` known and a step η = 1e-5, repeat:
//! - stop if ‖g‖ ≤ 1e-5;
//! - after 10 accepted steps in a row, double η (and count again from 0);
//! - otherwise try `x' = x − η·g`: stop if ‖x' − x‖ ≤ 1e-5; accept it if `f(x') < f(x)`
//!   (then `g = ∇f(x')`), else halve η and count again from 0.

use tapeless::Scalar;

/// The point the descent ends at, from `x`; `f` is the objective, `grad` its gradient.
pub fn argmin<T: Scalar, const N: usize>(
    mut f: impl FnMut([T; N]) -> T,
    mut grad: impl FnMut([T; N]) -> [T; N],
    mut x: [T; N],
) -> [T; N] {
    let mut fx = f(x);
    let mut gx = grad(x);
    let mut eta = T::from_f64(1e-5);
    let mut accepted = 0;
    loop {
        if norm(gx.map(T::to_f64)) <= TOL {
            return x;
        }
        if accepted == 10 {
            eta *= T::from_f64(2.0);
            accepted = 0;
            continue;
        }
        let next: [T; N] = core::array::from_fn(|i| x[i] - eta * gx[i]);
        if norm::<N>(core::array::from_fn(|i| x[i].to_f64() - next[i].to_f64())) <= TOL {
            return x;
        }
        let f_next = f(next);
        if f_next < fx {
            x = next;
            fx = f_next;
            gx = grad(x);
            accepted += 1;
        } else {
            eta /= T::from_f64(2.0);
            accepted = 0;
        }
    }
}

/// The point the descent on `−f` ends at: GradBench's argmax.
pub fn argmax<T: Scalar, const N: usize>(
    mut f: impl FnMut([T; N]) -> T,
    mut grad: impl FnMut([T; N]) -> [T; N],
    x: [T; N],
) -> [T; N] {
    argmin(|p| -f(p), |p| grad(p).map(|g| -g), x)
}

/// The tolerance on the gradient's norm and on a step's length.
const TOL: f64 = 1e-5;

/// The Euclidean norm, of values only: the tests decide where the descent goes, and are not
/// themselves differentiated (nothing is recorded for them).
fn norm<const N: usize>(v: [f64; N]) -> f64 {
    v.into_iter().map(|e| e * e).sum::<f64>().sqrt()
}
