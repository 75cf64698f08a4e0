//! An expression whose value is used but whose derivative is not: a constant computed from
//! the inputs.

use super::{Ctx, Expr, IntoNode, Sink};
use crate::Scalar;

/// `e` as a constant: its value, no derivative. Made by [`detach`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detach<E>(pub(crate) E);

impl<T: Scalar, E: Expr<T>> Expr<T> for Detach<E> {
    type Cache = ();
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.0.value(ctx)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.0.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, _: &C, _: &(), _: T, _: &mut S) {}
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, _: T, _: &mut S) -> T {
        self.0.value(ctx)
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.0.extent()
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        rec.constant(self.0.value(rec))
    }
}

/// `e` with its derivative taken as zero: for a quantity whose derivative cancels exactly
/// in the mathematics (the shift of a log-sum-exp by its maximum), where sweeping it would
/// only add rounding noise and work.
///
/// ```
/// use tapeless::prelude::*;
/// let (x,) = vars();
/// let f = x * detach(x); // d/dx treats the second factor as the constant 3
/// assert_eq!(gradient(&f, [3.0]), (9.0, [3.0].into()));
/// ```
#[inline(always)]
pub fn detach<E: IntoNode>(e: E) -> Detach<E::Node> {
    Detach(e.into_node())
}
