//! Reductions whose terms are made from their index: nothing is stored per term.

use super::{Ctx, Expr, Node, Sink};
use crate::Scalar;

/// `Σ_{i<N} term(i)`: the node made by [`sum_over`].
///
/// The expression holds only the closure that makes term `i` (usually zero-sized); each
/// sweep makes the term where it needs it, so building the expression costs nothing, and
/// only the terms' caches are kept between the sweeps.
#[derive(Clone, Copy, Debug)]
pub struct SumOver<F, const N: usize>(F);

/// `Σ_{i<N} term(i)`, with the terms made from their index (use [`at`](crate::at) for
/// inputs chosen by the index).
///
/// ```
/// use tapeless::prelude::*;
/// const N: usize = 4;
/// // Σ xᵢ·xᵢ₊₁ over a cyclic index.
/// let f = sum_over::<N, _, _>(|i| at(i) * at((i + 1) % N));
/// let (v, g) = gradient(&f, [1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(v, 2.0 + 6.0 + 12.0 + 4.0);
/// assert_eq!(<[f64; N]>::from(g), [4.0 + 2.0, 1.0 + 3.0, 2.0 + 4.0, 3.0 + 1.0]);
/// ```
#[inline(always)]
pub fn sum_over<const N: usize, F, E>(term: F) -> SumOver<F, N>
where
    F: Fn(usize) -> E + Copy,
    E: Node,
{
    SumOver(term)
}

impl<T, F, E, const N: usize> Expr<T> for SumOver<F, N>
where
    T: Scalar,
    F: Fn(usize) -> E + Copy,
    E: Expr<T>,
{
    type Cache = [E::Cache; N];
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        (0..N).fold(T::zero(), |s, i| s + (self.0)(i).value(ctx))
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        let mut total = T::zero();
        let caches = core::array::from_fn(|i| {
            let (v, c) = (self.0)(i).forward(ctx);
            total += v;
            c
        });
        (total, caches)
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        // First to last, as `SumOf` (see there).
        for (i, c) in cache.iter().enumerate() {
            (self.0)(i).backward(ctx, c, adj, sink);
        }
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        (0..N).fold(0, |m, i| m.max((self.0)(i).extent()))
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        // Every term's adjoint is `adj`: each term is swept whole, its cache dead before
        // the next term is made. The same additions in the same order as the two sweeps.
        (0..N).fold(T::zero(), |s, i| s + (self.0)(i).fused(ctx, adj, sink))
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        // As `SumOf`: each term, then its addition.
        let zero = rec.constant(T::zero());
        (0..N).fold(zero, |s, i| {
            let e = (self.0)(i).record(rec);
            rec.binary(crate::rules::Add, s, e)
        })
    }
}
