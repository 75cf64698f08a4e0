//! A let of `K` values at once: a vector computed once, read by its body as often as it
//! likes, each value's adjoint summed over its uses and pushed back once.

use super::fold::{State, StepCtx, StepSink};
use super::{Ctx, Expr, IntoNode, Node, Sink};
use crate::Scalar;

/// The `K` values of a [`let_vec`] inside its body: [`at(k)`](Shared::at) is value `k`.
///
/// The number of values is part of the type, so that `at(k)` in a loop over `0..K` (an
/// array made by `core::array::from_fn`, a [`sum_over`](crate::sum_over)) is not checked
/// at run time, nor is the read of the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shared<const K: usize> {
    level: usize,
}

impl<const K: usize> Shared<K> {
    /// The values of the enclosing node at fold depth `level`.
    #[inline(always)]
    pub(crate) const fn new(level: usize) -> Self {
        Shared { level }
    }

    /// Value `k`, an expression like any other.
    ///
    /// # Panics
    /// If `k` is not below the number of values (at the caller's line).
    #[inline(always)]
    #[track_caller]
    pub fn at(self, k: usize) -> State {
        if k >= K {
            outside(k, K);
        }
        State {
            level: self.level,
            slot: k,
        }
    }

    /// The number of values.
    #[inline(always)]
    pub const fn len(self) -> usize {
        K
    }

    /// `true` for no values.
    #[inline(always)]
    pub const fn is_empty(self) -> bool {
        K == 0
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn outside(k: usize, len: usize) -> ! {
    panic!("tapeless: value {k} is out of range for a let of {len} values")
}

/// The `K` values of a [`let_vec`]: an array of expressions, or a function of the index
/// made by [`values_fn`].
///
/// Sealed: implemented for `[E; K]` (any expressions, or numbers, of one type) and for
/// [`ValuesFn`].
pub trait Values<const K: usize>: Copy + Sealed {
    /// The expression of one value.
    type Value: Node;
    /// Value `k` (`k < K`).
    fn value(&self, k: usize) -> Self::Value;
}

mod sealed {
    pub trait Sealed {}
}
use sealed::Sealed;

impl<E: Node, const K: usize> Sealed for [E; K] {}

impl<E: Node, const K: usize> Values<K> for [E; K] {
    type Value = E;
    #[inline(always)]
    fn value(&self, k: usize) -> E {
        self[k]
    }
}

/// `K` values made from their index by a function: see [`values_fn`].
#[derive(Clone, Copy, Debug)]
pub struct ValuesFn<G, const K: usize>(G);

impl<G, const K: usize> Sealed for ValuesFn<G, K> {}

impl<G: Fn(usize) -> E + Copy, E: Node, const K: usize> Values<K> for ValuesFn<G, K> {
    type Value = E;
    #[inline(always)]
    fn value(&self, k: usize) -> E {
        (self.0)(k)
    }
}

/// The `K` values of a [`let_vec`] made from their index: value `k` is `value(k)`.
///
/// The same values as the array `core::array::from_fn(value)`, made where the sweep reads
/// them instead of stored: what the function captures (the handles of an outer
/// [`let_vec`], blocks, data) is then held once, not once per value, and the compiler sees
/// it as the constant it is. Prefer it to an array for values that read an outer
/// `let_vec`'s values.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::share::{let_vec, values_fn};
/// // h = (x₀², x₁²), then (h₀ + 2h₁, h₁ + 2h₀) read h: y = Σ of their squares.
/// let f = let_vec([at(0).square(), at(1).square()], |h| {
///     let mixed = values_fn::<2, _, _>(move |k| h.at(k) + 2.0 * h.at(1 - k));
///     let_vec(mixed, |m| m.at(0).square() + m.at(1).square())
/// });
/// let (v, g) = gradient(&f, [1.0, 2.0]);
/// assert_eq!(v, 81.0 + 36.0);
/// // ∂y/∂h₀ = 2·9 + 4·6 = 42, ∂y/∂h₁ = 4·9 + 2·6 = 48; ∂h₀/∂x₀ = 2, ∂h₁/∂x₁ = 4.
/// assert_eq!(<[f64; 2]>::from(g), [84.0, 192.0]);
/// ```
#[inline(always)]
pub fn values_fn<const K: usize, G, E>(value: G) -> ValuesFn<G, K>
where
    G: Fn(usize) -> E + Copy,
    E: Node,
{
    ValuesFn(value)
}

/// `let v = [e₀, …, e_{K−1}] in body(v)`: the node made by [`let_vec`].
///
/// Cache: the `K` values, their caches, and the body's: the values are swept back from
/// their caches, not evaluated again (a layer of a network, kept for the next).
#[derive(Clone, Copy, Debug)]
pub struct LetVec<V, F, const K: usize> {
    values: V,
    body: F,
}

impl<T, V, F, Body, const K: usize> Expr<T> for LetVec<V, F, K>
where
    T: Scalar,
    V: Values<K>,
    V::Value: Expr<T>,
    F: Fn(Shared<K>) -> Body + Copy,
    Body: Expr<T>,
{
    type Cache = ([T; K], [<V::Value as Expr<T>>::Cache; K], Body, Body::Cache);
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        let values: [T; K] = core::array::from_fn(|k| self.values.value(k).value(ctx));
        let body = (self.body)(Shared { level: C::FOLDS });
        body.value(&StepCtx {
            outer: ctx,
            slots: &values,
        })
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        let mut values = [T::zero(); K];
        let caches = core::array::from_fn(|k| {
            let (v, c) = self.values.value(k).forward(ctx);
            values[k] = v;
            c
        });
        let body = (self.body)(Shared { level: C::FOLDS });
        let (y, cy) = body.forward(&StepCtx {
            outer: ctx,
            slots: &values,
        });
        (y, (values, caches, body, cy))
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        let (values, caches, body, cy) = cache;
        let mut back = [T::zero(); K];
        let inner = StepCtx {
            outer: ctx,
            slots: values,
        };
        let mut to = StepSink {
            outer: &mut *sink,
            slots: &mut back,
        };
        body.backward(&inner, cy, adj, &mut to);
        for k in 0..K {
            self.values
                .value(k)
                .backward(ctx, &caches[k], back[k], sink);
        }
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        // The body's adjoint is known: it is swept at once; the values after it, from
        // their caches, with the adjoints their uses summed.
        // Each value with its cache, made in place: an array of caches made beside the
        // values is moved out of `from_fn`, a copy of all of them. The values are then
        // copied out for the body, unless the caches have no size (values kept by
        // `recompute`): those need no array.
        let kept: [(T, <V::Value as Expr<T>>::Cache); K];
        let values: [T; K];
        if core::mem::size_of::<<V::Value as Expr<T>>::Cache>() == 0 {
            let mut only = [T::zero(); K];
            kept = core::array::from_fn(|k| {
                let (v, c) = self.values.value(k).forward(ctx);
                only[k] = v;
                (T::zero(), c)
            });
            values = only;
        } else {
            kept = core::array::from_fn(|k| self.values.value(k).forward(ctx));
            values = core::array::from_fn(|k| kept[k].0);
        }
        let body = (self.body)(Shared { level: C::FOLDS });
        let mut back = [T::zero(); K];
        let y = body.fused(
            &StepCtx {
                outer: ctx,
                slots: &values,
            },
            adj,
            &mut StepSink {
                outer: &mut *sink,
                slots: &mut back,
            },
        );
        for k in 0..K {
            self.values
                .value(k)
                .backward(ctx, &kept[k].1, back[k], sink);
        }
        y
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        let body = (self.body)(Shared { level: 0 });
        (0..K).fold(body.extent(), |m, k| m.max(self.values.value(k).extent()))
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        let values: [_; K] = core::array::from_fn(|k| self.values.value(k).record(rec));
        let body = (self.body)(Shared { level: R::FOLDS });
        body.record(&mut crate::tape::StateRecorder::new(rec, &values))
    }
}

/// `let v = values in body(v)` for `K` values at once: each evaluated once, read by the
/// body as `v.at(k)` as often as it likes, and swept back once from its cache with the
/// adjoint its uses summed. The vector form of [`let_in`](crate::let_in), for a layer
/// whose outputs every unit of the next layer reads.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::share::let_vec;
/// // Two hidden units read by two output units: h = tanh(W·x), y = Σ_j (Σ_k hₖ)².
/// // The values of one array share a type: `at(k)` makes input `k` a value, not a type.
/// let hidden = [(at(0) * 0.5).tanh(), (at(1) * 2.0).tanh()];
/// let f = let_vec(hidden, |h| sum_over::<2, _, _>(move |_| (h.at(0) + h.at(1)).square()));
/// let (v, g) = gradient(&f, [0.3, -0.1]);
/// let (h0, h1) = ((0.15_f64).tanh(), (-0.2_f64).tanh());
/// assert!((v - 2.0 * (h0 + h1).powi(2)).abs() < 1e-15);
/// let dh = 4.0 * (h0 + h1);
/// assert!((g[0] - dh * 0.5 * (1.0 - h0 * h0)).abs() < 1e-15);
/// assert!((g[1] - dh * 2.0 * (1.0 - h1 * h1)).abs() < 1e-15);
/// ```
#[inline(always)]
pub fn let_vec<V, F, Body, const K: usize>(values: V, body: F) -> LetVec<V::Values, F, K>
where
    V: IntoValues<K>,
    F: Fn(Shared<K>) -> Body + Copy,
    Body: Node,
{
    LetVec {
        values: values.into_values(),
        body,
    }
}

/// What [`let_vec`] takes as its values: an array of expressions or numbers (`[V; K]`), or
/// a [`ValuesFn`] made by [`values_fn`].
pub trait IntoValues<const K: usize> {
    /// The values as the node holds them.
    type Values: Values<K>;
    /// The conversion.
    fn into_values(self) -> Self::Values;
}

impl<V: IntoNode, const K: usize> IntoValues<K> for [V; K] {
    type Values = [V::Node; K];
    #[inline(always)]
    fn into_values(self) -> [V::Node; K] {
        self.map(IntoNode::into_node)
    }
}

impl<G: Fn(usize) -> E + Copy, E: Node, const K: usize> IntoValues<K> for ValuesFn<G, K> {
    type Values = Self;
    #[inline(always)]
    fn into_values(self) -> Self {
        self
    }
}
