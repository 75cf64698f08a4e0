//! The dot product node: `Σᵢ aᵢ·bᵢ`, the sum of the products of two vectors' entries.

use super::linalg::{DotTerm, Entries};
use super::runtime::{Count, SumN, Term};
use super::{Ctx, Expr, Sink};
use crate::Scalar;
use crate::rules::{self, BinaryRule};

/// `Σᵢ aᵢ·bᵢ`: the node made by [`dot`](super::linalg::dot).
///
/// The products `aᵢ·bᵢ` are summed in four running sums, product `i` into sum `i mod 4`,
/// and the total is `(s₀ + s₁) + (s₂ + s₃)`: four chains of additions, not one, so that a
/// dot product is not bound by the latency of one addition per entry (a dot product of
/// length 128, summed over 1024 rows of data, takes 0.62 of the time of one chain). Below
/// four entries this is the order of a plain loop. Every engine sums in this order (the
/// gradient, the value alone, a [`Dual`](crate::Dual), the tape's recording), so all give
/// the same bits. The sweep is that of a run-time sum ([`sum_n`](crate::sum_n)) of the
/// products: under a node that needs the value first, the products are evaluated again for
/// the reverse sweep. Where one side is a block of inputs (a
/// [`Vector`](super::block::Vector)) and the other reads no inputs and costs a load (data,
/// the values of a [`let_vec`](super::share::let_vec)), the block is read, and its adjoints
/// added, through one slice of the point: one range check for the block, not one for each
/// entry, so that the compiler can unroll and vectorize the loop as it would a hand-written
/// one.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Layout;
/// use tapeless::expr::linalg::{Dot, dot};
/// use tapeless::expr::share::let_vec;
/// // A unit reading a layer kept by a let: y = tanh(w · h), h = (x₂², x₂x₃).
/// let mut layout = Layout::new();
/// let w = layout.vector(2);
/// let x = layout.vector(2);
/// let f = let_vec([x.at(0) * x.at(0), x.at(0) * x.at(1)], move |h| dot(w, h).tanh());
/// let p = [0.5, -1.0, 2.0, 3.0];
/// let mut g = [0.0; 4];
/// let y = gradient_into(&f, &p[..], &mut g);
/// let s: f64 = 0.5 * 4.0 - 6.0;
/// assert!((y - s.tanh()).abs() < 1e-15);
/// let d = 1.0 - s.tanh().powi(2);
/// assert!((g[0] - d * 4.0).abs() < 1e-15 && (g[1] - d * 6.0).abs() < 1e-15);
/// // The node is named by its sides.
/// let _: Dot<_, &[f64; 2]> = dot(w, &[1.0, 2.0]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Dot<A, B>(pub(crate) SumN<Count, DotTerm<A, B>>);

impl<A: Entries, B: Entries> Dot<A, B> {
    #[inline(always)]
    fn sides(&self) -> (A, B) {
        let DotTerm(a, b) = self.0.0.term;
        (a, b)
    }

    /// Every product swept whole with the adjoint `adj` (`adj·bᵢ` to `aᵢ`, `adj·aᵢ` to
    /// `bᵢ`), first to last; returns the value.
    #[inline(always)]
    fn swept<T: Scalar, C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T
    where
        A::Entry: Expr<T>,
        B::Entry: Expr<T>,
    {
        lanes(self.sides().0.len(), |i| {
            self.0.0.term.make(i).fused(ctx, adj, sink)
        })
    }

    /// The side read as a block of inputs, if either may be: its first input, and whether
    /// it is side `a`.
    #[inline(always)]
    fn side<T: Scalar>(&self) -> Option<(usize, bool)>
    where
        A::Entry: Expr<T>,
        B::Entry: Expr<T>,
    {
        let (a, b) = self.sides();
        match (a.block(), b.block()) {
            (Some(start), _) if !B::READS_INPUTS && <B::Entry as Expr<T>>::CHEAP => {
                Some((start, true))
            }
            (_, Some(start)) if !A::READS_INPUTS && <A::Entry as Expr<T>>::CHEAP => {
                Some((start, false))
            }
            _ => None,
        }
    }

    /// The value and, with `adj`, the sweep, the block side through slices: the products
    /// `aᵢ·bᵢ` summed in four sums ([`lanes`]); each block entry's adjoint is `adj` times
    /// the other entry (the product rule's partial), added into the slice; the other side,
    /// unless it is data, is swept entry by entry with `adj` times the block entry. (The
    /// two sets of adjoints are of different things, inputs and values that read none:
    /// which goes first changes no bits. In a backward sweep into a buffer that gives every
    /// block, the other side goes first: the compiler then keeps fewer numbers live.)
    /// `None` when there is no block side, or when the point or the buffer does not hold
    /// the block as a slice and may not ([`Ctx::BLOCKS`]); one that gives every block it
    /// holds and not this one panics (it is past the point's end), so that the loop that
    /// calls this has no second path through it to keep registers for; but for the value
    /// of a product with data, which takes `None` (see the comment inside).
    #[inline(always)]
    fn blocked<T: Scalar, C: Ctx<T>, S: Sink<T> + ?Sized>(
        &self,
        ctx: &C,
        sweep: Option<(T, &mut S)>,
        value: bool,
    ) -> Option<T>
    where
        A::Entry: Expr<T>,
        B::Entry: Expr<T>,
    {
        let (a, b) = self.sides();
        let n = a.len();
        if b.len() != n {
            // Never so (`dot` checks the lengths when it is made); said here so that the
            // compiler knows both sides' reads below are in range (no check in the loops).
            return None;
        }
        let (start, on_a) = self.side::<T>()?;
        // A point that gives every block panics for one it does not (see `past`), but for
        // the value of a product with data, which falls back to the entry-by-entry sum as
        // other points do: measured, not reasoned. With the panic, the compiler kept four
        // checks in each turn of that loop instead of two, and the value of GradBench's
        // llsq (1024 products of length 128 with data) took 1.15× as long; the panic
        // helps where the other side is a let's values (mlp_wide: 1.20 -> 1.13× hand).
        // Whether the other side has adjoints (data has none).
        let other_swept = if on_a { B::SWEPT } else { A::SWEPT };
        let Some(xs) = ctx.input_block(start, n) else {
            return if C::BLOCKS && n > 0 && (sweep.is_some() || other_swept) {
                past(start, n, ctx.inputs())
            } else {
                None
            };
        };
        // The other side's entry `i`.
        let other = |i: usize| {
            if on_a {
                b.entry(i).value(ctx)
            } else {
                a.entry(i).value(ctx)
            }
        };
        let product = |x: T, o: T| {
            if on_a {
                rules::Mul.value(x, o)
            } else {
                rules::Mul.value(o, x)
            }
        };
        let s = match sweep {
            None => lanes(n, |i| product(xs[i], other(i))),
            Some((adj, mut sink)) => {
                // The other side's adjoints, `adj` times the block's entries. Data has none:
                // no loop over it (its reads are checked, so the compiler would keep the
                // loop, empty).
                let sweep_other = |sink: &mut &mut S| {
                    if other_swept {
                        for (i, &x) in xs.iter().enumerate() {
                            if on_a {
                                b.entry(i).fused(ctx, adj * x, sink);
                            } else {
                                a.entry(i).fused(ctx, adj * x, sink);
                            }
                        }
                    }
                };
                let first = S::BLOCKS && !value;
                if first {
                    sweep_other(&mut sink);
                }
                let Some(gs) = sink.input_block_mut(start, n) else {
                    return if S::BLOCKS && n > 0 {
                        past(start, n, sink.inputs())
                    } else {
                        None
                    };
                };
                let s = if value {
                    lanes(n, |i| {
                        let o = other(i);
                        gs[i] += adj * o;
                        product(xs[i], o)
                    })
                } else {
                    // The value is known (a backward sweep): the adjoints alone, a loop
                    // with no chain of additions through it.
                    add_scaled(gs, adj, other);
                    T::zero()
                };
                if !first {
                    sweep_other(&mut sink);
                }
                s
            }
        };
        Some(s)
    }
}

/// A block of `n > 0` inputs from `start` that a point of `inputs` does not hold, given by
/// a point or a buffer that gives every block it holds ([`Ctx::BLOCKS`]): the entry points
/// check the inputs an expression reads before a sweep, so only a sweep called by hand on
/// a point too short gets here. Its entries would each have been read and found missing.
#[cold]
#[inline(never)]
fn past(start: usize, n: usize, inputs: usize) -> ! {
    crate::entry::out_of_range(start.saturating_add(n - 1), inputs)
}

/// `gs[i] += adj · other(i)` for every `i`. A short block (up to 16 entries, a layer's
/// row) four entries at a time, each four read before any is written: the compiler
/// unrolls the loop whole, and the reads may be of memory it cannot tell apart from `gs`
/// (data), which would otherwise each wait for the write before them. A longer one as a
/// plain loop, which the compiler vectorizes behind one run-time check that the two do
/// not overlap (by chunks it ran 1.25× slower: `compare`'s `llsq`, rows of 128).
#[inline(always)]
fn add_scaled<T: Scalar>(gs: &mut [T], adj: T, other: impl Fn(usize) -> T) {
    if gs.len() > 16 {
        for (i, g) in gs.iter_mut().enumerate() {
            *g += adj * other(i);
        }
        return;
    }
    let mut chunks = gs.chunks_exact_mut(4);
    let mut i = 0;
    for c in &mut chunks {
        let o = [other(i), other(i + 1), other(i + 2), other(i + 3)];
        for (g, o) in c.iter_mut().zip(o) {
            *g += adj * o;
        }
        i += 4;
    }
    for (k, g) in chunks.into_remainder().iter_mut().enumerate() {
        *g += adj * other(i + k);
    }
}

/// `Σ term(i)` over `0..n` in four running sums, term `i` into sum `i mod 4`, totalled as
/// `(s₀ + s₁) + (s₂ + s₃)`: the order of every dot product. The terms are made in order,
/// `0` to `n − 1`, whatever else `term` does.
#[inline(always)]
fn lanes<T: Scalar>(n: usize, mut term: impl FnMut(usize) -> T) -> T {
    let mut s = [T::zero(); 4];
    let whole = n - n % 4;
    for i in (0..whole).step_by(4) {
        s[0] += term(i);
        s[1] += term(i + 1);
        s[2] += term(i + 2);
        s[3] += term(i + 3);
    }
    for (k, i) in (whole..n).enumerate() {
        s[k] += term(i);
    }
    let [s0, s1, s2, s3] = s;
    (s0 + s1) + (s2 + s3)
}

impl<T, A, B> Expr<T> for Dot<A, B>
where
    T: Scalar,
    A: Entries,
    B: Entries,
    A::Entry: Expr<T>,
    B::Entry: Expr<T>,
{
    type Cache = ();
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        match self.blocked::<T, C, [T]>(ctx, None, true) {
            Some(v) => v,
            None => lanes(self.sides().0.len(), |i| self.0.0.term.make(i).value(ctx)),
        }
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, _: &(), adj: T, sink: &mut S) {
        // The terms were evaluated for the value only: each is swept again, whole (through
        // the block, without forming the value again).
        if self.blocked(ctx, Some((adj, &mut *sink)), false).is_none() {
            self.swept(ctx, adj, sink);
        }
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        // `blocked` takes both slices before it adds anything: with no slice, nothing was.
        match self.blocked(ctx, Some((adj, &mut *sink)), true) {
            Some(v) => v,
            None => self.swept(ctx, adj, sink),
        }
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        // A block's extent is where it ends, and data reads no input: no walk over the
        // entries (at each call of an entry point on a point of run-time length, a walk
        // over a sum of dot products cost as much as evaluating it).
        let (a, b) = self.sides();
        match (known_extent(&a), known_extent(&b)) {
            (Some(x), Some(y)) => x.max(y),
            _ => Expr::<T>::extent(&self.0),
        }
    }
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        // The products, in the four sums' order, as the tape would record the loop.
        let n = self.sides().0.len();
        let zero = rec.constant(T::zero());
        let mut s = [zero; 4];
        for i in 0..n {
            let p = self.0.0.term.make(i).record(rec);
            s[i % 4] = rec.binary(rules::Add, s[i % 4], p);
        }
        let left = rec.binary(rules::Add, s[0], s[1]);
        let right = rec.binary(rules::Add, s[2], s[3]);
        rec.binary(rules::Add, left, right)
    }
}

/// The extent of `e` without walking its entries, where its kind tells it: one past the end
/// of a block of inputs, 0 for entries that read no input.
#[inline(always)]
fn known_extent<E: Entries>(e: &E) -> Option<usize> {
    match e.block() {
        Some(_) if e.is_empty() => Some(0),
        Some(start) => Some(start + e.len()),
        None if !E::READS_INPUTS => Some(0),
        None => None,
    }
}
