//! Reductions of run-time length: over `0..n` or over the rows of a data slice.
//!
//! The node holds the closure that makes one term, and where the terms come from; its type
//! is the term's type whatever the count, so the sweep is still one monomorphized loop.
//! Nothing is stored per term and nothing is allocated:
//! - with the adjoint known before the sweep ([`Expr::fused`]: a sum at the top, under `+`,
//!   in a let's body), a sum sweeps each term whole, once: the cost of a hand-written loop;
//! - under a node that needs the value first (`ln`, `exp`, a quotient, `max`, …), the
//!   forward sweep evaluates the terms for the value only, and the reverse sweep sweeps them
//!   again with the adjoint: every term is evaluated twice (recompute, no storage).
//!
//! | reduction | value | gradient, adjoint known | gradient, under a nonlinear node |
//! | --- | --- | --- | --- |
//! | [`sum_n`], [`sum_rows`] | n terms | n term sweeps | n values + n term sweeps |
//! | [`max_n`], [`min_n`], `…_rows` | n terms | n values + 1 term sweep | the same |
//! | [`product_n`], [`product_rows`] | n terms | about n·(log₂(n/16) + 2) values + n sweeps | the same |

use super::{Ctx, Expr, Node, Sink};
use crate::Scalar;
use crate::rules::{self, BinaryRule};

/// Where the terms of a run-time reduction come from: the indices `0..n` ([`Count`]) or
/// the rows of a slice of data (`&[R]`, read in place, never copied).
pub trait Domain: Copy {
    /// What the term closure receives: an index, or a reference to a row.
    type Item;
    /// The number of terms.
    fn count(&self) -> usize;
    /// The `i`-th item (`i < count()`).
    fn item(&self, i: usize) -> Self::Item;
}

/// The indices `0..n`: the domain of [`sum_n`] and its siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Count(pub usize);

impl Domain for Count {
    type Item = usize;
    #[inline(always)]
    fn count(&self) -> usize {
        self.0
    }
    #[inline(always)]
    fn item(&self, i: usize) -> usize {
        i
    }
}

impl<'a, R> Domain for &'a [R] {
    type Item = &'a R;
    #[inline(always)]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline(always)]
    fn item(&self, i: usize) -> &'a R {
        &self[i]
    }
}

/// What makes one term of a run-time reduction (or a let's body) from an item: any
/// closure `Fn(Item) -> E` returning an expression, or a maker the crate's helpers name
/// (such as [`dot`](crate::expr::linalg::dot)'s), so that they can return a concrete type.
pub trait Term<I>: Copy {
    /// The term.
    type Out: Node;
    /// The term made from `item`.
    fn make(&self, item: I) -> Self::Out;
}

impl<I, E: Node, F: Fn(I) -> E + Copy> Term<I> for F {
    type Out = E;
    #[inline(always)]
    fn make(&self, item: I) -> E {
        self(item)
    }
}

/// The terms of a run-time reduction: a domain and what makes a term from an item of it.
#[derive(Clone, Copy, Debug)]
pub struct Each<D, F> {
    pub(crate) domain: D,
    pub(crate) term: F,
}

impl<D: Domain, F: Term<D::Item, Out = E>, E> Each<D, F> {
    #[inline(always)]
    fn len(&self) -> usize {
        self.domain.count()
    }
    #[inline(always)]
    fn get(&self, i: usize) -> E {
        self.term.make(self.domain.item(i))
    }
    /// The largest extent of any term.
    #[inline(always)]
    fn extent<T: Scalar>(&self) -> usize
    where
        E: Expr<T>,
    {
        (0..self.len()).fold(0, |m, i| m.max(self.get(i).extent()))
    }
    #[cfg(feature = "alloc")]
    /// Records `terms[0] ∘ terms[1] ∘ …` from `start` (or from the first term when there is
    /// none), as the tape would record the loop.
    fn record<T: Scalar, R: crate::tape::Recorder<T>, B: BinaryRule>(
        &self,
        rec: &mut R,
        rule: B,
        start: Option<T>,
    ) -> crate::tape::Recorded<T>
    where
        E: Expr<T>,
    {
        let (mut acc, from) = match start {
            Some(v) => (rec.constant(v), 0),
            None => (self.get(0).record(rec), 1),
        };
        for i in from..self.len() {
            let e = self.get(i).record(rec);
            acc = rec.binary(rule, acc, e);
        }
        acc
    }
}

/// `Σ term(item)` over a run-time domain: the node made by [`sum_n`] and [`sum_rows`].
#[derive(Clone, Copy, Debug)]
pub struct SumN<D, F>(pub(crate) Each<D, F>);

/// `Π term(item)` over a run-time domain: the node made by [`product_n`] and
/// [`product_rows`].
///
/// Exact with zero factors (no division): the reverse sweep splits the terms in halves,
/// each half's adjoint the adjoint times the other half's product, down to blocks of 16
/// whose values it keeps on the stack.
#[derive(Clone, Copy, Debug)]
pub struct ProductN<D, F>(pub(crate) Each<D, F>);

/// The largest or smallest term over a run-time domain: the node made by [`max_n`],
/// [`min_n`], [`max_rows`] and [`min_rows`].
///
/// The choice is the rule's ([`Max`](rules::Max), [`Min`](rules::Min)): a NaN term is
/// passed over unless every term is NaN, a tie goes to the first of the tied terms, and the
/// whole adjoint goes to the term chosen.
#[derive(Clone, Copy, Debug)]
pub struct BestN<O, D, F>(pub(crate) O, pub(crate) Each<D, F>);

impl<T, D, F, E> Expr<T> for SumN<D, F>
where
    T: Scalar,
    D: Domain,
    F: Term<D::Item, Out = E>,
    E: Expr<T>,
{
    type Cache = ();
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        // A plain loop, not `fold`: the loop body is then inlined into the caller with the
        // rest of the sweep, where the terms' captured sizes and handles are known.
        let t = &self.0;
        let mut s = T::zero();
        for i in 0..t.len() {
            s += t.get(i).value(ctx);
        }
        s
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, _: &(), adj: T, sink: &mut S) {
        // The terms were evaluated for the value only: each is swept again, whole.
        self.fused(ctx, adj, sink);
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        // Every term's adjoint is `adj`: each is swept whole, first to last, as `SumOver`.
        let t = &self.0;
        let mut s = T::zero();
        for i in 0..t.len() {
            s += t.get(i).fused(ctx, adj, sink);
        }
        s
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.0.extent::<T>()
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        self.0.record(rec, rules::Add, Some(T::zero()))
    }
}

/// Terms of a product swept from the values kept on the stack, at most this many at once.
const BLOCK: usize = 16;

impl<D: Domain, F: Term<D::Item, Out = E>, E> ProductN<D, F> {
    /// `Π terms[lo..hi]`, from the left.
    #[inline(always)]
    fn range<T: Scalar, C: Ctx<T>>(&self, ctx: &C, lo: usize, hi: usize) -> T
    where
        E: Expr<T>,
    {
        (lo..hi).fold(T::one(), |p, i| p * self.0.get(i).value(ctx))
    }

    /// Adds `adj · ∂(Π terms[lo..hi])/∂x` into `sink`.
    fn sweep<T: Scalar, C: Ctx<T>, S: Sink<T>>(
        &self,
        ctx: &C,
        lo: usize,
        hi: usize,
        adj: T,
        sink: &mut S,
    ) where
        E: Expr<T>,
    {
        if hi - lo <= BLOCK {
            // ∂/∂xᵢ = (Π_{j<i} xⱼ)·(Π_{j>i} xⱼ): prefix products kept, suffix running.
            let mut prefix = [T::one(); BLOCK];
            let mut values = [T::one(); BLOCK];
            for i in lo..hi {
                values[i - lo] = self.0.get(i).value(ctx);
                if i > lo {
                    prefix[i - lo] = prefix[i - lo - 1] * values[i - lo - 1];
                }
            }
            let mut suffix = adj;
            for i in (lo..hi).rev() {
                self.0.get(i).fused(ctx, prefix[i - lo] * suffix, sink);
                suffix *= values[i - lo];
            }
        } else {
            let mid = lo + (hi - lo) / 2;
            let (left, right) = (self.range(ctx, lo, mid), self.range(ctx, mid, hi));
            self.sweep(ctx, mid, hi, adj * left, sink);
            self.sweep(ctx, lo, mid, adj * right, sink);
        }
    }
}

impl<T, D, F, E> Expr<T> for ProductN<D, F>
where
    T: Scalar,
    D: Domain,
    F: Term<D::Item, Out = E>,
    E: Expr<T>,
{
    type Cache = ();
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.range(ctx, 0, self.0.len())
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, _: &(), adj: T, sink: &mut S) {
        self.sweep(ctx, 0, self.0.len(), adj, sink);
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.0.extent::<T>()
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        self.0.record(rec, rules::Mul, Some(T::one()))
    }
}

/// [`Max`](rules::Max) or [`Min`](rules::Min): what [`BestN`] reduces with.
pub trait Extremum: BinaryRule {
    /// The value of an empty reduction: `−∞` for the largest, `+∞` for the smallest.
    const EMPTY: f64;
}

impl Extremum for rules::Max {
    const EMPTY: f64 = f64::NEG_INFINITY;
}

impl Extremum for rules::Min {
    const EMPTY: f64 = f64::INFINITY;
}

/// No term chosen: the reduction is empty.
const NONE: usize = usize::MAX;

impl<O: Extremum, D: Domain, F: Term<D::Item, Out = E>, E> BestN<O, D, F> {
    /// The value chosen and its index (`NONE` for no terms), folding the rule from the
    /// first term as `rule(rule(t₀, t₁), t₂)…` would.
    #[inline(always)]
    fn choose<T: Scalar, C: Ctx<T>>(&self, ctx: &C) -> (T, usize)
    where
        E: Expr<T>,
    {
        let t = &self.1;
        if t.len() == 0 {
            return (T::from_f64(O::EMPTY), NONE);
        }
        let mut best = (t.get(0).value(ctx), 0);
        for i in 1..t.len() {
            let v = t.get(i).value(ctx);
            // The rule's own choice: the partial to the running best is zero when `v` wins.
            let (_, keep, _) = self.0.eval(best.0, v);
            if keep == T::zero() {
                best = (v, i);
            }
        }
        best
    }
}

impl<T, O, D, F, E> Expr<T> for BestN<O, D, F>
where
    T: Scalar,
    O: Extremum,
    D: Domain,
    F: Term<D::Item, Out = E>,
    E: Expr<T>,
{
    /// The index of the term chosen.
    type Cache = usize;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        self.choose(ctx).0
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, usize) {
        self.choose(ctx)
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, chosen: &usize, adj: T, sink: &mut S) {
        if *chosen != NONE {
            self.1.get(*chosen).fused(ctx, adj, sink);
        }
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        self.1.extent::<T>()
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        if self.1.len() == 0 {
            rec.constant(T::from_f64(O::EMPTY))
        } else {
            self.1.record(rec, self.0, None)
        }
    }
}

/// The largest term, with the choice of [`Max`](rules::Max).
#[inline(always)]
pub(crate) fn largest<D, F>(terms: Each<D, F>) -> BestN<rules::Max, D, F> {
    BestN(rules::Max, terms)
}

/// The smallest term, with the choice of [`Min`](rules::Min).
#[inline(always)]
pub(crate) fn smallest<D, F>(terms: Each<D, F>) -> BestN<rules::Min, D, F> {
    BestN(rules::Min, terms)
}

/// Declares, for one reduction, its constructor over `0..n` and over the rows of a slice.
macro_rules! reductions {
    ($(
        $(#[$doc:meta])*
        $n:ident, $rows:ident: $Ty:ident<$($O:ty,)?> = $make:path;
    )*) => {
        $(
            $(#[$doc])*
            ///
            /// Over the indices `0..n`: use [`at`](crate::at) or a block's `at` for the
            /// inputs the index chooses. See [the module](crate::expr::runtime) for what
            /// each sweep costs.
            #[inline(always)]
            pub fn $n<F, E>(n: usize, term: F) -> $Ty<$($O,)? Count, F>
            where
                F: Fn(usize) -> E + Copy,
                E: Node,
            {
                $make(Each { domain: Count(n), term })
            }

            $(#[$doc])*
            ///
            /// Over the rows of a slice of data (`&[f64]`, `&[[f64; D]]`, `&[MyRow]`), each
            /// passed to `term` by reference: the data is read in place, never copied.
            #[inline(always)]
            pub fn $rows<'a, R, F, E>(rows: &'a [R], term: F) -> $Ty<$($O,)? &'a [R], F>
            where
                F: Fn(&'a R) -> E + Copy,
                E: Node,
            {
                $make(Each { domain: rows, term })
            }
        )*
    };
}

reductions! {
    /// `Σ term`, with a run-time number of terms: 0 for none.
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// // ½ Σᵢ (xᵢ − dᵢ)² for data d of any length, and its gradient x − d.
    /// let d = [1.0, 2.0, 4.0];
    /// let f = sum_n(d.len(), |i| 0.5 * (at(i) - d[i]).square());
    /// let x = [1.5, 2.0, 3.0];
    /// let mut g = [0.0; 3];
    /// assert_eq!(gradient_into(&f, &x, &mut g), 0.125 + 0.5);
    /// assert_eq!(g, [0.5, 0.0, -1.0]);
    ///
    /// // A loss over rows of data: Σ (a·x₀ + x₁ − b)² over rows (a, b).
    /// let rows: [[f64; 2]; 2] = [[1.0, 2.0], [2.0, 3.0]];
    /// let (w, c) = vars();
    /// let loss = sum_rows(&rows, |&[a, b]| (a * w + c - b).square());
    /// assert_eq!(value(&loss, [1.0, 1.0]), 0.0);
    /// ```
    sum_n, sum_rows: SumN<> = SumN;
    /// `Π term`, with a run-time number of terms: 1 for none.
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// let f = product_n(3, |i| at(i));
    /// let mut g = [0.0; 3];
    /// assert_eq!(gradient_into(&f, &[2.0, 0.0, 5.0], &mut g), 0.0);
    /// assert_eq!(g, [0.0, 10.0, 0.0]); // exact with a zero factor
    /// ```
    product_n, product_rows: ProductN<> = ProductN;
    /// The largest term, with a run-time number of terms: `−∞` for none. The whole
    /// adjoint goes to the term chosen (the first on a tie; NaN terms are passed over).
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// let f = max_n(3, |i| at(i));
    /// let mut g = [0.0; 3];
    /// assert_eq!(gradient_into(&f, &[2.0, 7.0, 7.0], &mut g), 7.0);
    /// assert_eq!(g, [0.0, 1.0, 0.0]);
    /// ```
    max_n, max_rows: BestN<rules::Max,> = largest;
    /// The smallest term, with a run-time number of terms: `+∞` for none. The whole
    /// adjoint goes to the term chosen (the first on a tie; NaN terms are passed over).
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// let f = min_n(3, |i| at(i).square());
    /// let mut g = [0.0; 3];
    /// assert_eq!(gradient_into(&f, &[2.0, -1.0, 3.0], &mut g), 1.0);
    /// assert_eq!(g, [0.0, -2.0, 0.0]);
    /// ```
    min_n, min_rows: BestN<rules::Min,> = smallest;
}
