//! One gradient at many points: a serial loop, and (feature `rayon`) a parallel one.

use crate::{Expr, Point, Scalar, backprop};

/// The gradients of `f` at every point of `points`, written into `grads` (same order, same
/// point type); returns nothing but fills the whole output.
///
/// The loop a hot path would write by hand, given as the serial twin of `par_gradients`
/// (feature `rayon`) so switching between them is one word.
///
/// # Panics
/// If `points` and `grads` differ in length.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let f = x * y;
/// let points = [[1.0, 2.0], [3.0, 4.0]];
/// let mut grads = [[0.0; 2]; 2];
/// gradients(&f, &points, &mut grads);
/// assert_eq!(grads, [[2.0, 1.0], [4.0, 3.0]]);
/// ```
#[inline]
#[track_caller]
pub fn gradients<T: Scalar, E: Expr<T>, X: Point<T>>(f: &E, points: &[X], grads: &mut [X]) {
    const { crate::expr::fits(E::EXTENT, <X as crate::Ctx<T>>::INPUTS) };
    assert_eq!(
        points.len(),
        grads.len(),
        "tapeless::gradients: one gradient slot per point"
    );
    for (x, g) in points.iter().zip(grads.iter_mut()) {
        *g = X::zeros();
        backprop(f, x, T::one(), g);
    }
}

/// [`gradients`] in parallel on the `rayon` thread pool (feature `rayon`).
///
/// The points are split into chunks of at least 1024 (so the per-task overhead stays
/// small next to gradients that take nanoseconds); each chunk runs the same
/// allocation-free loop as [`gradients`].
///
/// # Panics
/// If `points` and `grads` differ in length.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let f = (x * y).sin();
/// let points: Vec<[f64; 2]> = (0..10_000).map(|i| [i as f64 * 1e-4, 2.0]).collect();
/// let mut grads = vec![[0.0; 2]; points.len()];
/// par_gradients(&f, &points, &mut grads);
/// let (_, g) = gradient(&f, points[1234]);
/// assert_eq!(grads[1234], <[f64; 2]>::from(g));
/// ```
#[cfg(feature = "rayon")]
#[track_caller]
pub fn par_gradients<T, E, X>(f: &E, points: &[X], grads: &mut [X])
where
    T: Scalar,
    E: Expr<T> + Sync,
    X: Point<T> + Send + Sync,
{
    use rayon::prelude::*;

    /// Points per task, at least.
    const CHUNK: usize = 1024;

    assert_eq!(
        points.len(),
        grads.len(),
        "tapeless::par_gradients: one gradient slot per point"
    );
    points
        .par_chunks(CHUNK)
        .zip(grads.par_chunks_mut(CHUNK))
        .for_each(|(xs, gs)| gradients(f, xs, gs));
}
