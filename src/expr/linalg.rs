//! Vectors and matrices over blocks of inputs and over data: dot products, norms,
//! matrix-vector products, log-sum-exp, softmax cross-entropy, quadratic forms.
//!
//! Each is written with the run-time reductions ([`sum_n`](crate::sum_n),
//! [`max_n`](crate::max_n)) and a [`let_in`](crate::let_in): no derivative formula of its
//! own. Each returns a concrete expression type, so it composes with operators and stays
//! an expression over every scalar type (`f32`, `f64`, duals).

use super::block::{Matrix, Vector};
#[cfg(doc)]
use super::detach;
use super::fold::State;
use super::runtime::{BestN, Count, Each, SumN, Term, largest};
use super::share::Shared;
use super::{At, Binary, Cst, Detach, Let, Node, Ph, Unary};
#[cfg(feature = "alloc")]
use super::{Ctx, Expr, Sink, fold::Workspace};
#[cfg(feature = "alloc")]
use crate::Scalar;
use crate::rules;
#[cfg(feature = "alloc")]
use crate::rules::{BinaryRule, UnaryRule};

/// A vector of expressions of run-time length: a [`Vector`] block (its entries are
/// inputs), data `&[f64]` (constants), or a product such as [`matvec`]'s.
pub trait Entries: Copy {
    /// The type of an entry.
    type Entry: Node;
    /// The number of entries.
    fn len(&self) -> usize;
    /// `true` for no entries.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entry `i` (`i < len()`).
    fn entry(&self, i: usize) -> Self::Entry;
    /// `Some(start)` when the entries are the inputs `start..start + len()`, in order (a
    /// [`Vector`]): a dot product then reads them through one slice of the point.
    #[doc(hidden)]
    #[inline(always)]
    fn block(&self) -> Option<usize> {
        None
    }
    /// `false` when no entry reads an input (data, the values of a let): a dot product
    /// with a block of inputs on the other side then reads the block through a slice.
    #[doc(hidden)]
    const READS_INPUTS: bool = true;
    /// `false` when sweeping an entry adds no adjoint anywhere (data): a dot product then
    /// does not loop over them in its reverse sweep.
    #[doc(hidden)]
    const SWEPT: bool = true;
}

impl Entries for Vector {
    type Entry = At;
    #[inline(always)]
    fn len(&self) -> usize {
        Vector::len(*self)
    }
    #[inline(always)]
    fn entry(&self, i: usize) -> At {
        // `i < len()` by the contract of `entry`: the helpers loop over `0..len()`, so the
        // check of `at` would only keep those loops from being simplified.
        debug_assert!(i < Vector::len(*self));
        At(self.offset() + i)
    }
    #[inline(always)]
    fn block(&self) -> Option<usize> {
        Some(self.offset())
    }
}

impl Entries for &[f64] {
    type Entry = Cst;
    const READS_INPUTS: bool = false;
    const SWEPT: bool = false;
    #[inline(always)]
    fn len(&self) -> usize {
        <[f64]>::len(self)
    }
    #[inline(always)]
    fn entry(&self, i: usize) -> Cst {
        Cst(self[i])
    }
}

/// Data of a length fixed when the crate is built (a row of `[f64; N]`): as `&[f64]`, with
/// the length a constant, so that the loops of the helpers over it need not check their
/// indices and can be unrolled.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Vector;
/// use tapeless::expr::linalg::dot;
/// let rows = [[1.0, 2.0], [3.0, 4.0]];
/// // Σ over the rows of (w · row)², each row read as an array.
/// let f = sum_rows(&rows, |row: &[f64; 2]| dot(Vector::new(0, 2), row).square());
/// let mut g = [0.0; 2];
/// // w = (1, 1): the dot products are 3 and 7.
/// assert_eq!(gradient_into(&f, &[1.0, 1.0], &mut g), 9.0 + 49.0);
/// assert_eq!(g, [2.0 * 3.0 * 1.0 + 2.0 * 7.0 * 3.0, 2.0 * 3.0 * 2.0 + 2.0 * 7.0 * 4.0]);
/// ```
impl<const N: usize> Entries for &[f64; N] {
    type Entry = Cst;
    const READS_INPUTS: bool = false;
    const SWEPT: bool = false;
    #[inline(always)]
    fn len(&self) -> usize {
        N
    }
    #[inline(always)]
    fn entry(&self, i: usize) -> Cst {
        Cst(self[i])
    }
}

/// The values of a [`let_vec`](crate::expr::share::let_vec) are a vector of `K` entries,
/// `K` a constant: a layer of a network, fed to the next layer's [`dot`] products.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Vector;
/// use tapeless::expr::linalg::dot;
/// use tapeless::expr::share::let_vec;
/// // h = (x₀², x₁²), then (x₂, x₃) · h.
/// let f = let_vec([at(0).square(), at(1).square()], |h| dot(Vector::new(2, 2), h));
/// let mut g = [0.0; 4];
/// assert_eq!(gradient_into(&f, &[1.0, 2.0, 3.0, 5.0], &mut g), 3.0 + 5.0 * 4.0);
/// assert_eq!(g, [3.0 * 2.0, 5.0 * 4.0, 1.0, 4.0]);
/// ```
impl<const K: usize> Entries for Shared<K> {
    type Entry = State;
    const READS_INPUTS: bool = false;
    #[inline(always)]
    fn len(&self) -> usize {
        K
    }
    #[inline(always)]
    fn entry(&self, i: usize) -> State {
        self.at(i)
    }
}

/// `n` entries made by a closure: entry `i` is `entry(i)`, an expression. Made by
/// [`entries`].
#[derive(Clone, Copy, Debug)]
pub struct FromFn<F> {
    len: usize,
    entry: F,
}

impl<F: Fn(usize) -> E + Copy, E: Node> Entries for FromFn<F> {
    type Entry = E;
    #[inline(always)]
    fn len(&self) -> usize {
        self.len
    }
    #[inline(always)]
    fn entry(&self, i: usize) -> E {
        (self.entry)(i)
    }
}

/// A vector of `n` expressions made by `entry(i)`: for the helpers of this module over
/// anything an expression can say (the logits of a layer, the log-densities of the
/// components of a mixture).
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::linalg::{entries, logsumexp};
/// // ln(eˣ⁰ + e²ˣ¹): a log-sum-exp of expressions, not of inputs.
/// let f = logsumexp(entries(2, |i| (i as f64 + 1.0) * at(i)));
/// let mut g = [0.0; 2];
/// let v = gradient_into(&f, &[0.0, 0.0], &mut g);
/// assert!((v - 2f64.ln()).abs() < 1e-15);
/// assert_eq!(g, [0.5, 1.0]); // softmax times the inner derivative
/// ```
#[inline(always)]
pub fn entries<F: Fn(usize) -> E + Copy, E: Node>(n: usize, entry: F) -> FromFn<F> {
    FromFn { len: n, entry }
}

/// A matrix of expressions: a [`Matrix`] block, or data ([`DataMatrix`]).
pub trait Rows: Copy {
    /// The type of a row.
    type Row: Entries;
    /// The number of rows.
    fn rows(&self) -> usize;
    /// The number of columns.
    fn cols(&self) -> usize;
    /// Row `r` (`r < rows()`).
    fn row(&self, r: usize) -> Self::Row;
}

impl Rows for Matrix {
    type Row = Vector;
    #[inline(always)]
    fn rows(&self) -> usize {
        Matrix::rows(*self)
    }
    #[inline(always)]
    fn cols(&self) -> usize {
        Matrix::cols(*self)
    }
    #[inline(always)]
    fn row(&self, r: usize) -> Vector {
        Matrix::row(*self, r)
    }
}

/// A row-major matrix of data, read in place: `rows × cols` numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DataMatrix<'a> {
    data: &'a [f64],
    cols: usize,
}

impl<'a> DataMatrix<'a> {
    /// The matrix of `data.len() / cols` rows of `cols` numbers.
    ///
    /// # Panics
    /// If `cols` is 0 while there is data, or does not divide the length of the data.
    #[track_caller]
    pub fn new(data: &'a [f64], cols: usize) -> Self {
        let fits = if cols == 0 {
            data.is_empty()
        } else {
            data.len() % cols == 0
        };
        assert!(
            fits,
            "tapeless: {} numbers do not make rows of {cols}",
            data.len()
        );
        DataMatrix { data, cols }
    }
}

impl<'a> Rows for DataMatrix<'a> {
    type Row = &'a [f64];
    #[inline(always)]
    fn rows(&self) -> usize {
        self.data.len().checked_div(self.cols).unwrap_or(0)
    }
    #[inline(always)]
    fn cols(&self) -> usize {
        self.cols
    }
    #[inline(always)]
    fn row(&self, r: usize) -> &'a [f64] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }
}

/// The terms `aᵢ·bᵢ` of a dot product.
#[derive(Clone, Copy, Debug)]
pub struct DotTerm<A, B>(pub(crate) A, pub(crate) B);

impl<A: Entries, B: Entries> Term<usize> for DotTerm<A, B> {
    type Out = Binary<rules::Mul, A::Entry, B::Entry>;
    #[inline(always)]
    fn make(&self, i: usize) -> Self::Out {
        Binary::new(rules::Mul, self.0.entry(i), self.1.entry(i))
    }
}

pub use super::dot::Dot;

/// `a · b = Σ aᵢ·bᵢ` (0 for empty vectors).
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Vector;
/// use tapeless::expr::linalg::dot;
/// let w = Vector::new(0, 3);
/// let data = [1.0, 2.0, 3.0];
/// let f = dot(w, &data[..]);
/// let mut g = [0.0; 3];
/// assert_eq!(gradient_into(&f, &[1.0, 1.0, 1.0], &mut g), 6.0);
/// assert_eq!(g, data);
/// ```
///
/// # Panics
/// If the lengths differ (at the caller's line).
#[inline(always)]
#[track_caller]
pub fn dot<A: Entries, B: Entries>(a: A, b: B) -> Dot<A, B> {
    if a.len() != b.len() {
        mismatch("a dot product", a.len(), b.len());
    }
    Dot(SumN(Each {
        domain: Count(a.len()),
        term: DotTerm(a, b),
    }))
}

/// The terms `aᵢ²` of a squared norm.
#[derive(Clone, Copy, Debug)]
pub struct SquareTerm<A>(A);

impl<A: Entries> Term<usize> for SquareTerm<A> {
    type Out = Unary<rules::Square, A::Entry>;
    #[inline(always)]
    fn make(&self, i: usize) -> Self::Out {
        Unary::new(rules::Square, self.0.entry(i))
    }
}

/// `‖a‖² = Σ aᵢ²` (0 for an empty vector).
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Vector;
/// use tapeless::expr::linalg::sq_norm;
/// let f = sq_norm(Vector::new(0, 2));
/// let mut g = [0.0; 2];
/// assert_eq!(gradient_into(&f, &[3.0, 4.0], &mut g), 25.0);
/// assert_eq!(g, [6.0, 8.0]);
/// ```
#[inline(always)]
pub fn sq_norm<A: Entries>(a: A) -> SumN<Count, SquareTerm<A>> {
    SumN(Each {
        domain: Count(a.len()),
        term: SquareTerm(a),
    })
}

/// `M·v`: a vector whose entry `r` is the dot product of row `r` of `M` with `v`. Made by
/// [`matvec`].
#[derive(Clone, Copy, Debug)]
pub struct MatVec<M, V>(M, V);

impl<M: Rows, V: Entries> Entries for MatVec<M, V> {
    type Entry = Dot<M::Row, V>;
    #[inline(always)]
    fn len(&self) -> usize {
        self.0.rows()
    }
    #[inline(always)]
    fn entry(&self, r: usize) -> Self::Entry {
        dot(self.0.row(r), self.1)
    }
}

/// `M·v` for a block `M` and data `v`, or data `M` and a block `v` (or two blocks): a
/// vector of expressions, to sum, to take entries of, or to feed [`dot`] or
/// [`logsumexp`].
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Layout;
/// use tapeless::expr::linalg::{DataMatrix, Entries, matvec, sq_norm};
/// // ‖A·x‖² for data A (2×2) and inputs x.
/// let mut l = Layout::new();
/// let x = l.vector(2);
/// let a = [1.0, 2.0, 0.0, 1.0];
/// let f = sq_norm(matvec(DataMatrix::new(&a, 2), x));
/// let mut g = [0.0; 2];
/// // A·x = (1 + 2, 1) at x = (1, 1).
/// assert_eq!(gradient_into(&f, &[1.0, 1.0], &mut g), 10.0);
/// assert_eq!(g, [2.0 * 3.0, 2.0 * 3.0 * 2.0 + 2.0 * 1.0]); // 2Aᵀ(Ax)
/// ```
///
/// # Panics
/// If `v` is not as long as a row of `M` (at the caller's line).
#[inline(always)]
#[track_caller]
pub fn matvec<M: Rows, V: Entries>(m: M, v: V) -> MatVec<M, V> {
    if m.cols() != v.len() {
        mismatch("a matrix-vector product", m.cols(), v.len());
    }
    MatVec(m, v)
}

/// `xᵀ·A·x`, as `x · (A·x)`.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Vector;
/// use tapeless::expr::linalg::{DataMatrix, quad_form};
/// let a = [2.0, 1.0, 1.0, 3.0];
/// let f = quad_form(DataMatrix::new(&a, 2), Vector::new(0, 2));
/// let mut g = [0.0; 2];
/// assert_eq!(gradient_into(&f, &[1.0, 2.0], &mut g), 2.0 + 2.0 + 2.0 + 12.0);
/// assert_eq!(g, [4.0 + 4.0, 2.0 + 12.0]); // (A + Aᵀ)·x
/// ```
///
/// # Panics
/// If `A` is not square with a side of `x`'s length.
#[inline(always)]
#[track_caller]
pub fn quad_form<M: Rows, X: Entries>(a: M, x: X) -> Dot<X, MatVec<M, X>> {
    if a.rows() != x.len() {
        mismatch("a quadratic form", a.rows(), x.len());
    }
    dot(x, matvec(a, x))
}

/// Entry `i` of a vector, as a term.
#[derive(Clone, Copy, Debug)]
pub struct EntryTerm<A>(A);

impl<A: Entries> Term<usize> for EntryTerm<A> {
    type Out = A::Entry;
    #[inline(always)]
    fn make(&self, i: usize) -> A::Entry {
        self.0.entry(i)
    }
}

/// The terms `exp(aᵢ − m)` of a log-sum-exp shifted by its maximum `m`.
#[derive(Clone, Copy, Debug)]
pub struct ShiftedExp<A>(A, Ph);

impl<A: Entries> Term<usize> for ShiftedExp<A> {
    type Out = Unary<rules::Exp, Binary<rules::Sub, A::Entry, Ph>>;
    #[inline(always)]
    fn make(&self, i: usize) -> Self::Out {
        Unary::new(rules::Exp, Binary::new(rules::Sub, self.0.entry(i), self.1))
    }
}

/// The body `m + ln Σ exp(aᵢ − m)` of a log-sum-exp, given its maximum `m`.
#[derive(Clone, Copy, Debug)]
pub struct LseBody<A>(A);

impl<A: Entries> Term<Ph> for LseBody<A> {
    type Out = Binary<rules::Add, Ph, Unary<rules::Ln, SumN<Count, ShiftedExp<A>>>>;
    #[inline(always)]
    fn make(&self, m: Ph) -> Self::Out {
        let sum = SumN(Each {
            domain: Count(self.0.len()),
            term: ShiftedExp(self.0, m),
        });
        Binary::new(rules::Add, m, Unary::new(rules::Ln, sum))
    }
}

/// `ln Σ exp(aᵢ)`, the node [`logsumexp`] makes.
pub type LogSumExp<A> = Let<Detach<BestN<rules::Max, Count, EntryTerm<A>>>, LseBody<A>>;

/// `ln Σ exp(aᵢ)`, computed stably as `m + ln Σ exp(aᵢ − m)` with `m = max aᵢ` (no
/// overflow for large entries); `−∞` for an empty vector.
///
/// Its gradient is the softmax of `a`. The maximum is let-bound and [detached](detach): its
/// derivative cancels exactly (the shift does not change the value), so it is not swept,
/// and the softmax comes out as `exp(aᵢ − m)/Σ` with no rounding noise from the shift. The
/// sum under `ln` is evaluated for its value, then swept again with its adjoint: `exp` is
/// evaluated twice per entry, where a hand-written gradient that keeps the exponentials
/// (in the gradient buffer) evaluates it once.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Vector;
/// use tapeless::expr::linalg::logsumexp;
/// let f = logsumexp(Vector::new(0, 2));
/// let mut g = [0.0; 2];
/// let v = gradient_into(&f, &[1000.0, 1000.0], &mut g); // no overflow
/// assert!((v - (1000.0 + 2f64.ln())).abs() < 1e-12);
/// assert!((g[0] - 0.5).abs() < 1e-15 && (g[1] - 0.5).abs() < 1e-15);
/// ```
#[inline(always)]
pub fn logsumexp<A: Entries>(a: A) -> LogSumExp<A> {
    let max = Detach(largest(Each {
        domain: Count(a.len()),
        term: EntryTerm(a),
    }));
    Let {
        bound: max,
        body: LseBody(a),
    }
}

/// `ln Σ exp(aᵢ)` with the exponentials kept in a workspace: the node [`logsumexp_in`]
/// makes.
#[cfg(feature = "alloc")]
#[derive(Clone, Copy, Debug)]
pub struct LseIn<'w, T, A> {
    kept: &'w Workspace<T>,
    a: A,
}

#[cfg(feature = "alloc")]
impl<T: Scalar, A: Entries> LseIn<'_, T, A>
where
    A::Entry: Expr<T>,
{
    /// The maximum entry, by the rule [`Max`](rules::Max) (a NaN entry is passed over).
    /// Its derivative is not taken, so which of equal entries it is does not matter: four
    /// running maxima, not one, so that the comparisons do not wait on each other.
    #[inline(always)]
    fn max<C: Ctx<T>>(&self, ctx: &C) -> T {
        let n = self.a.len();
        let at = |i: usize| self.a.entry(i).value(ctx);
        let mut lanes = [T::from_f64(f64::NEG_INFINITY); 4];
        for i in (0..n - n % 4).step_by(4) {
            for (j, lane) in lanes.iter_mut().enumerate() {
                *lane = rules::Max.value(*lane, at(i + j));
            }
        }
        let head = lanes
            .into_iter()
            .fold(lanes[0], |m, v| rules::Max.value(m, v));
        (n - n % 4..n).fold(head, |m, i| rules::Max.value(m, at(i)))
    }
}

#[cfg(feature = "alloc")]
impl<T: Scalar, A: Entries> Expr<T> for LseIn<'_, T, A>
where
    A::Entry: Expr<T>,
{
    type Cache = ();
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        let m = self.max(ctx);
        let sum = (0..self.a.len()).fold(T::zero(), |s, i| {
            s + rules::Exp.value(self.a.entry(i).value(ctx) - m)
        });
        m + rules::Ln.value(sum)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, _: &(), adj: T, sink: &mut S) {
        self.fused(ctx, adj, sink);
    }
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        // The maximum's derivative cancels (see `logsumexp`); each exponential's
        // derivative, from its rule, is kept for the sweep of its entry.
        let mut kept = self.kept.take();
        let m = self.max(ctx);
        let n = self.a.len();
        kept.reserve(n);
        let mut sum = T::zero();
        for i in 0..n {
            let (e, de) = rules::Exp.eval(self.a.entry(i).value(ctx) - m);
            kept.push(de);
            sum += e;
        }
        let (ln, dln) = rules::Ln.eval(sum);
        let scale = adj * dln;
        for (i, &de) in kept.iter().enumerate() {
            self.a.entry(i).fused(ctx, scale * de, sink);
        }
        m + ln
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        (0..self.a.len()).fold(0, |m, i| m.max(self.a.entry(i).extent()))
    }
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        // The same function, recorded as `logsumexp` records it.
        logsumexp(self.a).record(rec)
    }
}

/// [`logsumexp`] with each exponential kept in `kept` for the reverse sweep instead of
/// evaluated again: one `exp` per entry, as a hand-written gradient that keeps the
/// exponentials does, for `n` numbers of workspace (allocated on the first call, kept
/// after). The same value, and the same gradient up to rounding.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Vector;
/// use tapeless::expr::fold::Workspace;
/// use tapeless::expr::linalg::{logsumexp, logsumexp_in};
/// let kept = Workspace::new();
/// let (a, b) = (logsumexp_in(&kept, Vector::new(0, 3)), logsumexp(Vector::new(0, 3)));
/// let x = [0.5, -1.0, 2.0];
/// let (mut ga, mut gb) = ([0.0; 3], [0.0; 3]);
/// assert_eq!(gradient_into(&a, &x, &mut ga), gradient_into(&b, &x, &mut gb));
/// for i in 0..3 {
///     assert!((ga[i] - gb[i]).abs() < 1e-16);
/// }
/// ```
#[cfg(feature = "alloc")]
#[inline(always)]
pub fn logsumexp_in<T, A: Entries>(kept: &Workspace<T>, a: A) -> LseIn<'_, T, A> {
    LseIn { kept, a }
}

/// `−ln softmax(logits)[label] = logsumexp(logits) − logits[label]`: the cross-entropy of a
/// softmax classifier for one sample of class `label`.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::Vector;
/// use tapeless::expr::linalg::softmax_xent;
/// let f = softmax_xent(Vector::new(0, 2), 1);
/// let mut g = [0.0; 2];
/// let v = gradient_into(&f, &[0.0, 0.0], &mut g);
/// assert!((v - 2f64.ln()).abs() < 1e-15);
/// assert_eq!(g, [0.5, 0.5 - 1.0]); // softmax − one-hot
/// ```
///
/// # Panics
/// If `label` is not below the number of logits (at the caller's line).
#[inline(always)]
#[track_caller]
pub fn softmax_xent<A: Entries>(
    logits: A,
    label: usize,
) -> Binary<rules::Sub, LogSumExp<A>, A::Entry> {
    if label >= logits.len() {
        mismatch("a softmax label (label, classes)", label, logits.len());
    }
    Binary::new(rules::Sub, logsumexp(logits), logits.entry(label))
}

#[cold]
#[inline(never)]
#[track_caller]
fn mismatch(what: &str, a: usize, b: usize) -> ! {
    panic!("tapeless: the sizes do not fit for {what}: {a} and {b}")
}
