//! An expression whose run-time input indices were checked once, when it was made, so that
//! an entry point called on it in a loop checks only the length of the point.

use super::{Ctx, Expr, Extent, Sink};
use crate::Scalar;

/// `f` with the largest input index it reads found once, at [`checked`]: evaluating it at
/// a point of run-time length then compares that number with the length, instead of
/// walking the expression again. Everything else is `f`'s own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Checked<E> {
    expr: E,
    extent: usize,
}

impl<E> Checked<E> {
    /// The expression inside.
    pub fn expr(&self) -> &E {
        &self.expr
    }
}

/// `f`, checked once against points of `inputs` inputs.
///
/// Every entry point given a point of run-time length (a slice or a `Vec`) first walks the
/// expression to find the largest input index it reads, so that an index past the end is
/// one clear panic before any work. For a reduction over a data set that walk visits every
/// term, as the evaluation does: a gradient evaluated many times (in a solver, a training
/// loop) pays it every time. `checked` makes the walk once: the entry points then compare
/// the number found with the point's length, in constant time.
///
/// ```
/// use tapeless::prelude::*;
/// let data = [0.5, -1.0, 2.0];
/// let loss = checked(2, sum_rows(&data[..], |t: &f64| (at(0) + at(1) * *t).square()));
/// let mut g = [0.0; 2];
/// for _ in 0..3 {
///     gradient_into(&loss, &[1.0, 2.0], &mut g); // no walk over the data to check
/// }
/// let v = value(&loss, &[1.0, 2.0]);
/// assert_eq!(v, 4.0 + 1.0 + 25.0);
/// ```
///
/// Building the expression inside the loop instead has one advantage: sizes that are
/// constants where it is built (a row length of 128, say) stay constants the compiler can
/// unroll by, where a built-once expression reads them from memory. For small terms with
/// such sizes (`compare`'s `llsq`) that is worth more than the walk; measure both.
///
/// # Panics
/// At this call (once), naming the index and the count, if `f` reads an input at or past
/// `inputs`. Evaluating the result at a point of more inputs is fine (the extra ones have
/// zero derivative); at a point of fewer inputs than `f` reads it panics as an unchecked
/// expression would, before any work.
///
/// The walk is made as an expression in `f64` (which indices are read does not depend on
/// the scalar type), so `f` must be one: every expression of `vars`, `at`, blocks and
/// literals is.
#[track_caller]
pub fn checked<E: Expr<f64>>(inputs: usize, f: E) -> Checked<E> {
    let extent = f.extent();
    if extent > inputs {
        crate::entry::out_of_range(extent - 1, inputs);
    }
    Checked { expr: f, extent }
}

impl<E: Extent> Extent for Checked<E> {
    const EXTENT: usize = E::EXTENT;
}

impl<T: Scalar, E: Expr<T>> Expr<T> for Checked<E> {
    type Cache = E::Cache;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.expr.value(ctx)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, E::Cache) {
        self.expr.forward(ctx)
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &E::Cache, adj: T, sink: &mut S) {
        self.expr.backward(ctx, cache, adj, sink);
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        self.expr.fused(ctx, adj, sink)
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.extent
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        self.expr.record(rec)
    }
}
