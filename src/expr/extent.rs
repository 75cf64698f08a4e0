//! How many inputs an expression reads, known when it is compiled, and the check of it
//! against the inputs given to an entry point.

use super::fold::{Fold, Layer, State, Step, Then};
use super::runtime::{BestN, Domain, ProductN, SumN, Term};
use super::share::{LetVec, Shared, Values};
use super::{
    At, Binary, Cmp, Cst, IntoNode, Let, Ph, ProductOf, Select, SumOf, SumOver, Ternary, Unary,
    UnaryF64, Var,
};

/// One past the largest input index an expression reads through a [`Var`]: the length its
/// input array must have at least. A supertrait of [`Expr`](super::Expr), implemented by
/// every node type of the crate.
///
/// The entry points compare it with the length of the point when the expression is
/// compiled; an [`At`] leaf's index is a run-time value and is checked when it is read.
pub trait Extent {
    /// One past the largest [`Var`] index read (0 for an expression of no variable).
    const EXTENT: usize;
}

/// The larger of two extents.
const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

impl<I: super::Index> Extent for Var<I> {
    const EXTENT: usize = I::USIZE + 1;
}

impl Extent for Cst {
    const EXTENT: usize = 0;
}

impl Extent for Ph {
    const EXTENT: usize = 0;
}

impl Extent for At {
    const EXTENT: usize = 0;
}

impl<R, E: Extent> Extent for Unary<R, E> {
    const EXTENT: usize = E::EXTENT;
}

impl<R, E: Extent> Extent for UnaryF64<R, E> {
    const EXTENT: usize = E::EXTENT;
}

impl<R, A: Extent, B: Extent> Extent for Binary<R, A, B> {
    const EXTENT: usize = max(A::EXTENT, B::EXTENT);
}

impl<R, A: Extent, B: Extent, C: Extent> Extent for Ternary<R, A, B, C> {
    const EXTENT: usize = max(A::EXTENT, max(B::EXTENT, C::EXTENT));
}

impl<B: Extent, F: Term<Ph>> Extent for Let<B, F>
where
    F::Out: Extent,
{
    const EXTENT: usize = max(B::EXTENT, F::Out::EXTENT);
}

impl<O, L: Extent, R: Extent> Extent for Cmp<O, L, R> {
    const EXTENT: usize = max(L::EXTENT, R::EXTENT);
}

impl<K: Extent, A: Extent, B: Extent> Extent for Select<K, A, B> {
    const EXTENT: usize = max(K::EXTENT, max(A::EXTENT, B::EXTENT));
}

impl<E: Extent, const N: usize> Extent for SumOf<E, N> {
    const EXTENT: usize = E::EXTENT;
}

impl<E: Extent, const N: usize> Extent for ProductOf<E, N> {
    const EXTENT: usize = E::EXTENT;
}

impl<F: Fn(usize) -> E, E: Extent, const N: usize> Extent for SumOver<F, N> {
    const EXTENT: usize = E::EXTENT;
}

impl<D: Domain, F: Term<D::Item>> Extent for SumN<D, F>
where
    F::Out: Extent,
{
    const EXTENT: usize = F::Out::EXTENT;
}

impl<D: Domain, F: Term<D::Item>> Extent for ProductN<D, F>
where
    F::Out: Extent,
{
    const EXTENT: usize = F::Out::EXTENT;
}

impl<O, D: Domain, F: Term<D::Item>> Extent for BestN<O, D, F>
where
    F::Out: Extent,
{
    const EXTENT: usize = F::Out::EXTENT;
}

impl<E: Extent> Extent for super::Detach<E> {
    const EXTENT: usize = E::EXTENT;
}

impl<A: super::linalg::Entries, B: super::linalg::Entries> Extent for super::linalg::Dot<A, B>
where
    A::Entry: Extent,
    B::Entry: Extent,
{
    const EXTENT: usize = max(A::Entry::EXTENT, B::Entry::EXTENT);
}

impl<E: Extent> Extent for super::Recompute<E> {
    const EXTENT: usize = E::EXTENT;
}

#[cfg(feature = "alloc")]
impl<T, A: super::linalg::Entries> Extent for super::linalg::LseIn<'_, T, A>
where
    A::Entry: Extent,
{
    const EXTENT: usize = <A::Entry as Extent>::EXTENT;
}

impl Extent for State {
    const EXTENT: usize = 0;
}

impl<F: Fn(Step, usize) -> E, E: IntoNode> Extent for Layer<F>
where
    E::Node: Extent,
{
    const EXTENT: usize = <E::Node as Extent>::EXTENT;
}

impl<P: Extent, G: Fn(Step, usize) -> E, E: IntoNode> Extent for Then<P, G>
where
    E::Node: Extent,
{
    const EXTENT: usize = max(P::EXTENT, <E::Node as Extent>::EXTENT);
}

impl<M, I: Term<usize>, L: Extent, O: Term<Step>, const K: usize> Extent for Fold<M, I, L, O, K>
where
    I::Out: Extent,
    O::Out: Extent,
{
    const EXTENT: usize = max(I::Out::EXTENT, max(L::EXTENT, O::Out::EXTENT));
}

impl<V: Values<K>, F: Fn(Shared<K>) -> Body, Body: Extent, const K: usize> Extent
    for LetVec<V, F, K>
where
    V::Value: Extent,
{
    const EXTENT: usize = max(V::Value::EXTENT, Body::EXTENT);
}

/// The message of an expression that reads more inputs than it is given, written when the
/// expression is compiled: `const` evaluation can panic with a `&str` made at run time of
/// the evaluator, not with formatted numbers.
struct Message {
    bytes: [u8; 160],
    len: usize,
}

impl Message {
    const fn new() -> Self {
        Message {
            bytes: [0; 160],
            len: 0,
        }
    }

    const fn text(mut self, s: &str) -> Self {
        let s = s.as_bytes();
        let mut i = 0;
        while i < s.len() {
            self.bytes[self.len] = s[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    const fn number(mut self, n: usize) -> Self {
        let mut d = 1;
        while n / d >= 10 {
            d *= 10;
        }
        while d > 0 {
            self.bytes[self.len] = b'0' + (n / d % 10) as u8;
            self.len += 1;
            d /= 10;
        }
        self
    }

    const fn as_str(&self) -> &str {
        match core::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(s) => s,
            Err(_) => "tapeless: the expression reads more inputs than it is given",
        }
    }
}

/// Panics, when called in a `const` block of an entry point, unless an expression of
/// extent `extent` can be evaluated on `inputs` inputs. `usize::MAX` inputs means a length
/// known only at run time, checked then.
#[track_caller]
pub(crate) const fn fits(extent: usize, inputs: usize) {
    if extent > inputs {
        let m = Message::new()
            .text("tapeless: the expression reads x")
            .number(extent - 1)
            .text(", but the point has only ")
            .number(inputs)
            .text(" inputs (it needs ")
            .number(extent)
            .text(")");
        panic!("{}", m.as_str());
    }
}
