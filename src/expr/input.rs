//! A leaf whose input index is chosen at run time, for reductions over an index.

use super::{Ctx, Expr, Sink};
use crate::Scalar;

/// Input number `i`, with `i` a run-time value: the leaf for expressions built by a loop
/// over an index (`sum(core::array::from_fn(|i| at(i) * at((i + 1) % N)))`), where the
/// terms must share one type to form an array.
///
/// Everything else is as static as with [`Var`](super::Var): the sweep is still one
/// monomorphized function; only the index is data. An index not below the number of inputs
/// panics with a message naming both, when the expression is evaluated (prefer `Var` where
/// the index is a constant: that mistake is then a build error).
///
/// ```
/// use tapeless::prelude::*;
/// const N: usize = 4;
/// // Σ xᵢ·xᵢ₊₁ over a cyclic index.
/// let f = sum(core::array::from_fn::<_, N, _>(|i| at(i) * at((i + 1) % N)));
/// let (v, g) = gradient(&f, [1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(v, 2.0 + 6.0 + 12.0 + 4.0);
/// assert_eq!(<[f64; N]>::from(g), [4.0 + 2.0, 1.0 + 3.0, 2.0 + 4.0, 3.0 + 1.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct At(pub usize);

/// Input number `i` (a run-time index): see [`At`].
#[inline(always)]
pub fn at(i: usize) -> At {
    At(i)
}

/// Panics unless `i < inputs`. Points of run-time length are not checked here: their
/// entry points compared the expression's extent with the length before any work, and the
/// slice's own indexing stands behind that.
#[inline(always)]
#[track_caller]
fn check(i: usize, inputs: usize) {
    if inputs == super::RUN_TIME {
        return;
    }
    assert!(
        i < inputs,
        "tapeless: input index {i} is out of range for a function of {inputs} inputs"
    );
}

impl<T: Scalar> Expr<T> for At {
    type Cache = ();
    const CHEAP: bool = true;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        check(self.0, C::INPUTS);
        ctx.input(self.0)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, _: &C, _: &(), adj: T, sink: &mut S) {
        check(self.0, S::INPUTS);
        sink.add_input(self.0, adj);
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.0 + 1
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        check(self.0, R::INPUTS);
        rec.input_node(self.0)
    }
}
