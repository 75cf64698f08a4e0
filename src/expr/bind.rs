//! Let-binding: a shared subexpression evaluated once, its adjoint propagated once.

use super::{Bound, BoundAdj, Ctx, Expr, Sink};
use crate::Scalar;

/// `let p = bound in body(p)`: the node made by [`let_in`].
///
/// The bound expression is evaluated once; the body uses its value through the
/// placeholder [`Ph`] as often as it likes; the reverse sweep sums the placeholder's
/// adjoint over all its uses and pushes it through the bound expression once. Type size and
/// cost stay linear in the DAG, however deeply lets nest (in the bound expression or in
/// the body).
#[derive(Clone, Copy, Debug)]
pub struct Let<B, F> {
    pub(crate) bound: B,
    pub(crate) body: F,
}

/// The value of the enclosing [`let_in`] inside its body.
///
/// There is no public way to make one: the body closure receives it, so it cannot be used
/// outside its let. This does not compile:
///
/// ```compile_fail
/// use tapeless::Ph;
/// let p = Ph { slot: 0 };
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ph {
    slot: usize,
}

impl<T: Scalar> Expr<T> for Ph {
    type Cache = ();
    const CHEAP: bool = true;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        ctx.bound(self.slot)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (ctx.bound(self.slot), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, _: &C, _: &(), adj: T, sink: &mut S) {
        sink.add_bound(self.slot, adj);
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        0
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        rec.bound_node(self.slot)
    }
}

impl<T, B, F, Body> Expr<T> for Let<B, F>
where
    T: Scalar,
    B: Expr<T>,
    F: super::runtime::Term<Ph, Out = Body>,
    Body: Expr<T>,
{
    type Cache = (T, B::Cache, Body, Body::Cache);
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        let value = self.bound.value(ctx);
        let body = self.body.make(Ph { slot: C::DEPTH });
        body.value(&Bound { outer: ctx, value })
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        let (value, cb) = self.bound.forward(ctx);
        let body = self.body.make(Ph { slot: C::DEPTH });
        let (y, cy) = body.forward(&Bound { outer: ctx, value });
        (y, (value, cb, body, cy))
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        let (value, cb, body, cy) = cache;
        let mut inner = BoundAdj {
            outer: &mut *sink,
            adj: T::zero(),
        };
        let bound = Bound {
            outer: ctx,
            value: *value,
        };
        body.backward(&bound, cy, adj, &mut inner);
        let bound_adj = inner.adj;
        self.bound.backward(ctx, cb, bound_adj, sink);
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        // The body's adjoint is known: it is swept at once, and the bound expression after
        // it, with the adjoint its uses summed.
        let (value, cb) = self.bound.forward(ctx);
        let body = self.body.make(Ph { slot: C::DEPTH });
        let mut inner = BoundAdj {
            outer: &mut *sink,
            adj: T::zero(),
        };
        let y = body.fused(&Bound { outer: ctx, value }, adj, &mut inner);
        let bound_adj = inner.adj;
        self.bound.backward(ctx, &cb, bound_adj, sink);
        y
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        let body = self.body.make(Ph { slot: 0 });
        self.bound.extent().max(body.extent())
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        let value = self.bound.record(rec);
        let body = self.body.make(Ph { slot: R::DEPTH });
        body.record(&mut crate::tape::BoundRecorder::new(rec, value))
    }
}

/// `let p = bound in body(p)`: evaluates `bound` once and shares it.
///
/// Without it, an expression that uses a subexpression twice holds two copies of it (and
/// evaluates both); repeated reuse grows the type exponentially. Lets nest both ways.
///
/// ```
/// use tapeless::prelude::*;
/// // Squaring that shares its argument instead of copying it.
/// fn square<E: Expr<f64>>(e: E) -> impl Expr<f64> {
///     let_in(e, |p| p * p)
/// }
/// let (x,) = vars();
/// let y = square(square(square(x))); // x⁸, linear in size
/// let (v, g) = gradient(&y, [1.5_f64]);
/// assert!((v - 1.5_f64.powi(8)).abs() < 1e-12);
/// assert!((g[0] - 8.0 * 1.5_f64.powi(7)).abs() < 1e-10);
/// ```
#[inline(always)]
pub fn let_in<B, F, Body>(bound: B, body: F) -> Let<B, F>
where
    B: super::Node,
    F: Fn(Ph) -> Body + Copy,
    Body: super::Node,
{
    Let { bound, body }
}
