//! An expression that keeps no cache: swept again for its adjoint instead (rematerialized).

use super::{Ctx, Expr, IntoNode, Sink};
use crate::Scalar;

/// `e`, evaluated for its value only and swept again, whole, once its adjoint is known:
/// made by [`recompute`].
///
/// Cache: none. Reverse: `e`'s own fused sweep ([`Expr::fused`]) with the adjoint, so
/// `e`'s arithmetic is done twice, its rules' partials taken as ever.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recompute<E>(pub(crate) E);

impl<T: Scalar, E: Expr<T>> Expr<T> for Recompute<E> {
    type Cache = ();
    const CHEAP: bool = E::CHEAP;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.0.value(ctx)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.0.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, _: &(), adj: T, sink: &mut S) {
        self.0.fused(ctx, adj, sink);
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        self.0.fused(ctx, adj, sink)
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.0.extent()
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        self.0.record(rec)
    }
}

/// `e`, keeping no cache for the reverse sweep: where its value is needed before its
/// adjoint is known (under a nonlinear node, as a value of a [`let_vec`](crate::expr::share::let_vec)),
/// the forward sweep evaluates it for its value only, and the reverse sweep sweeps it
/// again, whole, with its adjoint. Rematerialization, as a checkpoint keeps the inputs of
/// a step instead of its intermediates.
///
/// Worth it where `e` is a few additions and products whose cache (two partials a node)
/// costs more to write and read back than the arithmetic costs to redo; not where `e`
/// holds a transcendental function, which would be evaluated twice. The value and the
/// gradient are those of `e` (the same operations, in the same order, as `e`'s fused
/// sweep).
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::recompute;
/// // ln(Σᵢ (xᵢ − 1)² + 1): the squares' sum is needed before ln's adjoint is known.
/// let (x, y) = vars();
/// let f = (recompute((x - 1.0).square() + (y - 1.0).square()) + 1.0).ln();
/// let (v, g) = gradient(&f, [2.0, 3.0]);
/// assert!((v - 6.0_f64.ln()).abs() < 1e-15);
/// assert!((g[0] - 2.0 / 6.0).abs() < 1e-15);
/// assert!((g[1] - 4.0 / 6.0).abs() < 1e-15);
/// ```
#[inline(always)]
pub fn recompute<E: IntoNode>(e: E) -> Recompute<E::Node> {
    Recompute(e.into_node())
}
