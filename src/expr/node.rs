//! Interior nodes: one generic node per arity, parameterised by a rule.

use super::{Ctx, Expr, Sink};
use crate::Scalar;
use crate::rules::{BinaryRule, EvalIn, TernaryRule, UnaryRule};

/// `R(e)`: a rule of one argument applied to an expression.
///
/// Cache: the local derivative and the child's cache. Reverse: `ē += ȳ · R'(e)`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Unary<R, E> {
    pub(crate) rule: R,
    pub(crate) arg: E,
}

impl<R, E> Unary<R, E> {
    /// `rule(arg)`.
    pub const fn new(rule: R, arg: E) -> Self {
        Unary { rule, arg }
    }
}

impl<T: Scalar, R: UnaryRule, E: Expr<T>> Expr<T> for Unary<R, E> {
    type Cache = (T, E::Cache);
    const CHEAP: bool = R::AFFINE && E::CHEAP;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.rule.value(self.arg.value(ctx))
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        let (x, cx) = self.arg.forward(ctx);
        let (y, d) = self.rule.eval(x);
        (y, (d, cx))
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        // An affine rule's derivative is a constant: taken again rather than read back, so
        // that the cache's copy is never read (and a kept cache need not hold it).
        let d = if R::AFFINE {
            self.rule.eval(T::zero()).1
        } else {
            cache.0
        };
        self.arg.backward(ctx, &cache.1, adj * d, sink);
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        if R::AFFINE {
            // The derivative does not depend on the argument (`−x`): the argument is swept
            // whole with its adjoint, never cached. The same product as `backward`'s.
            let d = self.rule.eval(T::zero()).1;
            self.rule.value(self.arg.fused(ctx, adj * d, sink))
        } else {
            let (y, cache) = self.forward(ctx);
            self.backward(ctx, &cache, adj, sink);
            y
        }
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.arg.extent()
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<Q: crate::tape::Recorder<T>>(&self, rec: &mut Q) -> crate::tape::Recorded<T> {
        let a = self.arg.record(rec);
        rec.unary(self.rule, a)
    }
}

/// `R(e)` for a rule written for `f64` only ([`F64Rule`](crate::rules::F64Rule)): an
/// expression in `f64` and `f32`, not in dual numbers. Made by [`apply_f64`](crate::apply_f64).
///
/// Cache and reverse sweep as [`Unary`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UnaryF64<R, E> {
    pub(crate) rule: R,
    pub(crate) arg: E,
}

impl<R, E> UnaryF64<R, E> {
    /// `rule(arg)`.
    pub const fn new(rule: R, arg: E) -> Self {
        UnaryF64 { rule, arg }
    }
}

impl<T: Scalar, R: EvalIn<T>, E: Expr<T>> Expr<T> for UnaryF64<R, E> {
    type Cache = (T, E::Cache);
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.rule.eval_in(self.arg.value(ctx)).0
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        let (x, cx) = self.arg.forward(ctx);
        let (y, d) = self.rule.eval_in(x);
        (y, (d, cx))
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        self.arg.backward(ctx, &cache.1, adj * cache.0, sink);
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.arg.extent()
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<Q: crate::tape::Recorder<T>>(&self, rec: &mut Q) -> crate::tape::Recorded<T> {
        let a = self.arg.record(rec);
        let (y, d) = self.rule.eval_in(a.value);
        if Q::TRACING {
            // Not an operation a replay can run again: the replay will say so.
            rec.store().mark_foreign(core::any::type_name::<R>());
        }
        a.through(y, d)
    }
}

/// `R(a, b)`: a rule of two arguments applied to two expressions.
///
/// Cache: both partials and both children's caches. Reverse: `ā += ȳ·∂R/∂a`,
/// `b̄ += ȳ·∂R/∂b`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Binary<R, A, B> {
    pub(crate) rule: R,
    pub(crate) a: A,
    pub(crate) b: B,
}

impl<R, A, B> Binary<R, A, B> {
    /// `rule(a, b)`.
    pub const fn new(rule: R, a: A, b: B) -> Self {
        Binary { rule, a, b }
    }
}

impl<T: Scalar, R: BinaryRule, A: Expr<T>, B: Expr<T>> Expr<T> for Binary<R, A, B> {
    type Cache = (T, T, A::Cache, B::Cache);
    const CHEAP: bool = (R::PASSES_ADJOINT || R::AFFINE || R::IS_PRODUCT) && A::CHEAP && B::CHEAP;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.rule.value(self.a.value(ctx), self.b.value(ctx))
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        let (a, ca) = self.a.forward(ctx);
        let (b, cb) = self.b.forward(ctx);
        let (y, da, db) = self.rule.eval(a, b);
        (y, (da, db, ca, cb))
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        // An affine rule's partials are constants: taken again rather than read back, so
        // that the cache's copies are never read (and a kept cache need not hold them).
        let (da, db) = if R::AFFINE {
            let (_, da, db) = self.rule.eval(T::zero(), T::zero());
            (da, db)
        } else {
            (cache.0, cache.1)
        };
        self.a.backward(ctx, &cache.2, adj * da, sink);
        self.b.backward(ctx, &cache.3, adj * db, sink);
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.a.extent().max(self.b.extent())
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        if R::PASSES_ADJOINT {
            // `adj · 1` is `adj`: each operand is swept whole, one after the other.
            let a = self.a.fused(ctx, adj, sink);
            let b = self.b.fused(ctx, adj, sink);
            self.rule.value(a, b)
        } else if R::AFFINE {
            // Partials that do not depend on the operands (`a − b`): taken before either is
            // evaluated, each operand swept whole with its adjoint, as for `+`. The same
            // products as `backward`'s.
            let (_, da, db) = self.rule.eval(T::zero(), T::zero());
            let a = self.a.fused(ctx, adj * da, sink);
            let b = self.b.fused(ctx, adj * db, sink);
            self.rule.value(a, b)
        } else if R::IS_PRODUCT && B::CHEAP && !A::CHEAP {
            // `a · b` with `b` a leaf or so: `a` swept whole with `adj · b`, never cached;
            // then `b` with `adj · a`. The same products, in the same order, as `backward`.
            let b = self.b.value(ctx);
            let a = self.a.fused(ctx, adj * b, sink);
            self.b.fused(ctx, adj * a, sink);
            self.rule.value(a, b)
        } else if R::IS_PRODUCT && A::CHEAP && !B::CHEAP {
            // The mirror image: `b` swept whole with `adj · a`, then `a` with `adj · b`.
            let a = self.a.value(ctx);
            let b = self.b.fused(ctx, adj * a, sink);
            self.a.fused(ctx, adj * b, sink);
            self.rule.value(a, b)
        } else {
            let (y, cache) = self.forward(ctx);
            self.backward(ctx, &cache, adj, sink);
            y
        }
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<Q: crate::tape::Recorder<T>>(&self, rec: &mut Q) -> crate::tape::Recorded<T> {
        // `b` first: the reverse sweep then visits `a`'s nodes before `b`'s, in the order
        // of `backward`, so both engines add the contributions to an input alike.
        let b = self.b.record(rec);
        let a = self.a.record(rec);
        rec.binary(self.rule, a, b)
    }
}

/// `R(a, b, c)`: a rule of three arguments (`mul_add`) applied to three expressions.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ternary<R, A, B, C> {
    pub(crate) rule: R,
    pub(crate) a: A,
    pub(crate) b: B,
    pub(crate) c: C,
}

impl<R, A, B, C> Ternary<R, A, B, C> {
    /// `rule(a, b, c)`.
    pub const fn new(rule: R, a: A, b: B, c: C) -> Self {
        Ternary { rule, a, b, c }
    }
}

impl<T: Scalar, R: TernaryRule, A: Expr<T>, B: Expr<T>, E: Expr<T>> Expr<T>
    for Ternary<R, A, B, E>
{
    type Cache = ([T; 3], A::Cache, B::Cache, E::Cache);
    #[inline(always)]
    fn value<X: Ctx<T>>(&self, ctx: &X) -> T {
        self.rule
            .value(self.a.value(ctx), self.b.value(ctx), self.c.value(ctx))
    }
    #[inline(always)]
    fn forward<X: Ctx<T>>(&self, ctx: &X) -> (T, Self::Cache) {
        let (a, ca) = self.a.forward(ctx);
        let (b, cb) = self.b.forward(ctx);
        let (c, cc) = self.c.forward(ctx);
        let (y, d) = self.rule.eval(a, b, c);
        (y, (d, ca, cb, cc))
    }
    #[inline(always)]
    fn backward<X: Ctx<T>, S: Sink<T>>(&self, ctx: &X, cache: &Self::Cache, adj: T, sink: &mut S) {
        self.a.backward(ctx, &cache.1, adj * cache.0[0], sink);
        self.b.backward(ctx, &cache.2, adj * cache.0[1], sink);
        self.c.backward(ctx, &cache.3, adj * cache.0[2], sink);
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.a.extent().max(self.b.extent()).max(self.c.extent())
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<Q: crate::tape::Recorder<T>>(&self, rec: &mut Q) -> crate::tape::Recorded<T> {
        // Last operand first, as for `Binary`.
        let c = self.c.record(rec);
        let b = self.b.record(rec);
        let a = self.a.record(rec);
        rec.ternary(self.rule, a, b, c)
    }
}
