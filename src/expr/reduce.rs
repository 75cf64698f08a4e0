//! Balanced n-ary sums and products, so long reductions do not become deep types.

use super::{Binary, Ctx, Expr, Node, Sink};
use crate::Scalar;
use crate::rules;

/// The sum of an array of expressions of one type: one flat node, whatever `N`.
#[derive(Clone, Copy, Debug)]
pub struct SumOf<E, const N: usize>([E; N]);

/// The product of an array of expressions of one type: one flat node, whatever `N`.
///
/// The reverse sweep forms each `∏_{j≠i} xⱼ` from prefix and suffix products, without
/// division, so zero factors are handled exactly.
#[derive(Clone, Copy, Debug)]
pub struct ProductOf<E, const N: usize>([E; N]);

impl<T: Scalar, E: Expr<T>, const N: usize> Expr<T> for SumOf<E, N> {
    type Cache = [E::Cache; N];
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.0.iter().fold(T::zero(), |s, e| s + e.value(ctx))
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        let mut total = T::zero();
        let caches = core::array::from_fn(|i| {
            let (v, c) = self.0[i].forward(ctx);
            total += v;
            c
        });
        (total, caches)
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        // First to last: forward in memory, the fastest order here. (The tape's sweep
        // visits the terms last to first, so the two engines may round an input's sum of
        // contributions differently.)
        for (e, c) in self.0.iter().zip(cache) {
            e.backward(ctx, c, adj, sink);
        }
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.0.iter().fold(0, |m, e| m.max(e.extent()))
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        // As `SumOver`: one term at a time, first to last.
        self.0
            .iter()
            .fold(T::zero(), |s, e| s + e.fused(ctx, adj, sink))
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        // Each term, then its addition: the sweep then meets the chain of additions
        // interleaved with independent work on the terms (a contiguous chain of additions
        // is one long latency chain through the adjoints). The sum is formed from +0, first
        // to last, as `forward` forms it.
        let zero = rec.constant(T::zero());
        self.0.iter().fold(zero, |s, e| {
            let e = e.record(rec);
            rec.binary(crate::rules::Add, s, e)
        })
    }
}

impl<T: Scalar, E: Expr<T>, const N: usize> Expr<T> for ProductOf<E, N> {
    type Cache = ([T; N], [E::Cache; N]);
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.0.iter().fold(T::one(), |p, e| p * e.value(ctx))
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache) {
        let mut values = [T::zero(); N];
        let caches = core::array::from_fn(|i| {
            let (v, c) = self.0[i].forward(ctx);
            values[i] = v;
            c
        });
        (
            values.iter().fold(T::one(), |p, &v| p * v),
            (values, caches),
        )
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S) {
        let (values, caches) = cache;
        let mut prefix = [T::one(); N];
        for i in 1..N {
            prefix[i] = prefix[i - 1] * values[i - 1];
        }
        let mut suffix = adj;
        for i in (0..N).rev() {
            self.0[i].backward(ctx, &caches[i], prefix[i] * suffix, sink);
            suffix *= values[i];
        }
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.0.iter().fold(0, |m, e| m.max(e.extent()))
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        // A chain from 1: its reverse sweep forms the same prefix and suffix products as
        // `backward`, and visits the terms last to first as it does.
        let one = rec.constant(T::one());
        self.0.iter().fold(one, |p, e| {
            let e = e.record(rec);
            rec.binary(crate::rules::Mul, p, e)
        })
    }
}

/// Terms that [`sum`] and [`product`] can reduce: an array `[E; N]` of expressions of one
/// type (one flat node) or a tuple of up to 12 expressions of any types (a balanced tree of
/// depth ⌈log₂ n⌉).
pub trait Terms {
    /// The type of the sum.
    type Sum: Node;
    /// The type of the product.
    type Product: Node;
    /// The sum of the terms.
    fn sum(self) -> Self::Sum;
    /// The product of the terms.
    fn product(self) -> Self::Product;
}

impl<E: Node, const N: usize> Terms for [E; N] {
    type Sum = SumOf<E, N>;
    type Product = ProductOf<E, N>;
    #[inline(always)]
    fn sum(self) -> Self::Sum {
        SumOf(self)
    }
    #[inline(always)]
    fn product(self) -> Self::Product {
        ProductOf(self)
    }
}

impl<A: Node> Terms for (A,) {
    type Sum = A;
    type Product = A;
    #[inline(always)]
    fn sum(self) -> A {
        self.0
    }
    #[inline(always)]
    fn product(self) -> A {
        self.0
    }
}

/// A tuple split into two halves, each reduced on its own.
macro_rules! balanced {
    ($( ($($a:ident $i:tt),+) ($($b:ident $j:tt),+) )*) => {
        $(
            impl<$($a: Node,)+ $($b: Node,)+> Terms for ($($a,)+ $($b,)+) {
                type Sum = Binary<rules::Add, <($($a,)+) as Terms>::Sum, <($($b,)+) as Terms>::Sum>;
                type Product =
                    Binary<rules::Mul, <($($a,)+) as Terms>::Product, <($($b,)+) as Terms>::Product>;
                #[inline(always)]
                fn sum(self) -> Self::Sum {
                    Binary::new(rules::Add, ($(self.$i,)+).sum(), ($(self.$j,)+).sum())
                }
                #[inline(always)]
                fn product(self) -> Self::Product {
                    Binary::new(rules::Mul, ($(self.$i,)+).product(), ($(self.$j,)+).product())
                }
            }
        )*
    };
}

balanced! {
    (A 0) (B 1)
    (A 0) (B 1, C 2)
    (A 0, B 1) (C 2, D 3)
    (A 0, B 1) (C 2, D 3, E 4)
    (A 0, B 1, C 2) (D 3, E 4, F 5)
    (A 0, B 1, C 2) (D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3) (E 4, F 5, G 6, H 7)
    (A 0, B 1, C 2, D 3) (E 4, F 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4) (F 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4) (F 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F 5) (G 6, H 7, I 8, J 9, K 10, L 11)
}

/// The sum of the terms, as a balanced tree (tuples) or one flat node (arrays).
///
/// ```
/// use tapeless::prelude::*;
/// let (a, b, c, d) = vars();
/// let s = sum((a * b, b.sin(), c, d * d));
/// let (v, g) = gradient(&s, [1.0, 2.0, 3.0, 4.0]);
/// assert_eq!(v, 2.0 + 2.0_f64.sin() + 3.0 + 16.0);
/// assert_eq!(<[f64; 4]>::from(g), [2.0, 1.0 + 2.0_f64.cos(), 1.0, 8.0]);
/// ```
#[inline(always)]
pub fn sum<X: Terms>(terms: X) -> X::Sum {
    terms.sum()
}

/// The product of the terms, as a balanced tree (tuples) or one flat node (arrays).
#[inline(always)]
pub fn product<X: Terms>(terms: X) -> X::Product {
    terms.product()
}
