//! Conditionals: `select(condition, a, b)`.

use super::{Ctx, Expr, IntoNode, Node, Sink};
use crate::Scalar;

/// A comparison operator for [`Cmp`].
pub trait CmpOp: Copy + Send + Sync + 'static {
    /// The symbol, for messages.
    const SYMBOL: &'static str;
    /// `a ∘ b` (false if either is NaN).
    fn test<T: PartialOrd>(a: T, b: T) -> bool;
}

macro_rules! cmp_ops {
    ($( $(#[$doc:meta])* $name:ident $sym:literal $method:ident $fname:ident; )*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            pub struct $name;
            impl CmpOp for $name {
                const SYMBOL: &'static str = $sym;
                #[inline(always)]
                fn test<T: PartialOrd>(a: T, b: T) -> bool {
                    a.$method(&b)
                }
            }
            #[doc = concat!("The condition `a ", $sym, " b`, for [`select`].")]
            #[inline(always)]
            pub fn $fname<A: IntoNode, B: IntoNode>(a: A, b: B) -> Cmp<$name, A::Node, B::Node> {
                Cmp { op: $name, a: a.into_node(), b: b.into_node() }
            }
        )*
    };
}

cmp_ops! {
    /// `<`.
    Lt "<" lt lt;
    /// `<=`.
    Le "<=" le le;
    /// `>`.
    Gt ">" gt gt;
    /// `>=`.
    Ge ">=" ge ge;
}

/// A comparison of two expressions: the condition of a [`Select`]. Made by [`lt`],
/// [`le`], [`gt`], [`ge`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Cmp<O, A, B> {
    op: O,
    a: A,
    b: B,
}

impl<O: CmpOp, A, B> Cmp<O, A, B> {
    #[inline(always)]
    fn test<T: Scalar, C: Ctx<T>>(&self, ctx: &C) -> bool
    where
        A: Expr<T>,
        B: Expr<T>,
    {
        O::test(self.a.value(ctx), self.b.value(ctx))
    }

    /// The outcome while recording: on a tape made for replay, both sides are recorded
    /// and the comparison is kept with its outcome; otherwise it is evaluated.
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<T: Scalar, Q: crate::tape::Recorder<T>>(&self, rec: &mut Q) -> bool
    where
        A: Expr<T>,
        B: Expr<T>,
    {
        if Q::TRACING {
            let (a, b) = (self.a.record(rec), self.b.record(rec));
            rec.store().compare::<O>(a, b)
        } else {
            self.test(rec)
        }
    }
}

/// Which branch a [`Select`] took: its cache.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Taken<A, B> {
    /// The condition held: the first branch, with its cache.
    Then(A),
    /// The condition failed: the second branch, with its cache.
    Else(B),
}

/// `if condition { a } else { b }`: the node made by [`select`].
///
/// Only the branch taken is evaluated, and the derivative is that branch's. The condition
/// has no derivative (it is piecewise constant).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Select<K, A, B> {
    cond: K,
    then: A,
    other: B,
}

impl<T, O, L, R, A, B> Expr<T> for Select<Cmp<O, L, R>, A, B>
where
    T: Scalar,
    O: CmpOp,
    L: Expr<T>,
    R: Expr<T>,
    A: Expr<T>,
    B: Expr<T>,
{
    type Cache = Taken<A::Cache, B::Cache>;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        if self.cond.test(ctx) {
            self.then.value(ctx)
        } else {
            self.other.value(ctx)
        }
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        if self.cond.test(ctx) {
            let (y, c) = self.then.forward(ctx);
            (y, Taken::Then(c))
        } else {
            let (y, c) = self.other.forward(ctx);
            (y, Taken::Else(c))
        }
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        match cache {
            Taken::Then(c) => self.then.backward(ctx, c, adj, sink),
            Taken::Else(c) => self.other.backward(ctx, c, adj, sink),
        }
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        let cond = self.cond.a.extent().max(self.cond.b.extent());
        cond.max(self.then.extent()).max(self.other.extent())
    }
    #[inline(always)]
    fn fused<X: Ctx<T>, S: Sink<T>>(&self, ctx: &X, adj: T, sink: &mut S) -> T {
        if self.cond.test(ctx) {
            self.then.fused(ctx, adj, sink)
        } else {
            self.other.fused(ctx, adj, sink)
        }
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<Q: crate::tape::Recorder<T>>(&self, rec: &mut Q) -> crate::tape::Recorded<T> {
        if self.cond.record(rec) {
            self.then.record(rec)
        } else {
            self.other.record(rec)
        }
    }
}

/// `if condition { a } else { b }` on expressions.
///
/// ```
/// use tapeless::prelude::*;
/// let (x,) = vars();
/// // A smooth-at-0 Huber loss: x²/2 near 0, |x| − 1/2 outside.
/// let huber = select(lt(x.abs(), 1.0), 0.5 * x * x, x.abs() - 0.5);
/// assert_eq!(gradient(&huber, [0.5]).1[0], 0.5);
/// assert_eq!(gradient(&huber, [-3.0]).1[0], -1.0);
/// ```
#[inline(always)]
pub fn select<O, L, R, A, B>(
    condition: Cmp<O, L, R>,
    then: A,
    other: B,
) -> Select<Cmp<O, L, R>, A::Node, B::Node>
where
    O: CmpOp,
    L: Node,
    R: Node,
    A: IntoNode,
    B: IntoNode,
{
    Select {
        cond: condition,
        then: then.into_node(),
        other: other.into_node(),
    }
}
