//! The static engine: an expression is a value whose type is its tree.
//!
//! Every node implements [`Expr<T>`] with three sweeps that the compiler monomorphizes for
//! the expression type at hand:
//! - [`Expr::value`]: the primal only;
//! - [`Expr::forward`]: the value and a cache of what the adjoint needs (a stack value
//!   whose type the expression decides: local partials and child caches);
//! - [`Expr::backward`]: consumes the cache and adds `adjoint · ∂f/∂xᵢ` into a gradient
//!   buffer. No transcendental function is evaluated again.
//!
//! The entry points ([`value`](crate::value), [`gradient`](crate::gradient),
//! [`backprop`](crate::backprop)) are in the crate root.

mod bind;
pub mod block;
mod checked;
mod ctx;
mod detach;
mod dot;
mod extent;
pub mod fold;
mod index;
mod input;
mod leaf;
pub mod linalg;
mod node;
mod ops;
mod over;
mod recompute;
mod reduce;
pub mod runtime;
mod select;
pub mod share;

pub use bind::{Let, Ph, let_in};
pub use checked::{Checked, checked};
pub use ctx::{Bound, BoundAdj, Ctx, Point, RUN_TIME, Sink};
pub use detach::{Detach, detach};
pub use extent::Extent;
pub(crate) use extent::fits;
#[cfg(feature = "alloc")]
pub use fold::Workspace;
pub use fold::{Checkpoints, Fold, Layers, Step, fold, fold_staged, stage};
pub use index::{Idx, Index};
pub use input::{At, at};
pub use leaf::{Cst, Var, VarTuple, vars};
pub use node::{Binary, Ternary, Unary, UnaryF64};
pub use ops::{IntoNode, Node};
pub use over::{SumOver, sum_over};
pub use recompute::{Recompute, recompute};
pub use reduce::{ProductOf, SumOf, Terms, product, sum};
pub use runtime::{
    BestN, Count, Domain, Extremum, ProductN, SumN, Term, max_n, max_rows, min_n, min_rows,
    product_n, product_rows, sum_n, sum_rows,
};
pub use select::{Cmp, CmpOp, Ge, Gt, Le, Lt, Select, Taken, ge, gt, le, lt, select};

pub use ops::free;
pub use ops::free::*;

use crate::Scalar;

/// An expression of the static engine, differentiable with scalar type `T`.
///
/// Implemented by every node type of this module for every [`Scalar`] `T` (an expression
/// built from variables and `f64` literals can be differentiated in `f32`, `f64` or dual
/// numbers alike). A helper that builds an expression returns `impl Expr<T>`; keep it
/// generic in `T` if its result should also feed the second-order entry points,
/// which evaluate with dual numbers. The methods are the building blocks of the entry points; call them
/// directly only to write a new entry point.
#[diagnostic::on_unimplemented(
    message = "tapeless: `{Self}` is not an expression of the static engine",
    label = "not an expression of the static engine",
    note = "an expression is built from `vars()`, float literals, operators and methods (`x * y.sin() + 1.0`); a helper returning one should return `impl Expr<T>` generic in `T: Scalar`"
)]
pub trait Expr<T: Scalar>: Node + Extent {
    /// What the forward sweep keeps for the reverse sweep (a stack value).
    type Cache: Copy;

    /// `true` when the value costs a few loads and additions or products (a leaf, a
    /// constant, a product of those): evaluating it again is then cheaper than keeping a
    /// cache. A product with such a factor is swept by [`fused`](Self::fused) with the
    /// factor's value as the other operand's adjoint, so the other operand (a large
    /// subexpression, say) is swept whole and never cached.
    const CHEAP: bool = false;

    /// The value at the inputs of `ctx`.
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T;

    /// The value and the cache the reverse sweep consumes.
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, Self::Cache);

    /// Adds `adj · ∂self/∂xᵢ` into `sink` for every input `xᵢ`, from the cache of
    /// [`forward`](Expr::forward) at the same inputs `ctx`. (Most nodes need only the
    /// cache; a reduction of run-time length keeps no per-term cache and sweeps its terms
    /// again from `ctx`.)
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, cache: &Self::Cache, adj: T, sink: &mut S);

    /// Both sweeps at once, for an adjoint known before the forward sweep: returns the
    /// value at the inputs of `ctx` and adds `adj · ∂self/∂xᵢ` into `sink`, as
    /// [`forward`](Expr::forward) then [`backward`](Expr::backward) do (which is the
    /// default), with the same operations in the same order.
    ///
    /// A node whose operands' adjoints do not depend on the values (a sum, a let's body, a
    /// branch) overrides it to pass the adjoint down at once: each operand is then swept
    /// whole before the next is evaluated, and its cache is dead before the next is made. A
    /// sum of many terms so keeps one term's cache, not all of them, as a gradient written
    /// by hand does. The entry points ([`gradient`](crate::gradient),
    /// [`backprop`](crate::backprop), the Jacobians) call it.
    #[inline(always)]
    fn fused<C: Ctx<T>, S: Sink<T>>(&self, ctx: &C, adj: T, sink: &mut S) -> T {
        let (y, cache) = self.forward(ctx);
        self.backward(ctx, &cache, adj, sink);
        y
    }

    /// One past the largest input index the expression reads (0 if it reads none): a
    /// point of run-time length must have at least this many inputs. The entry points ask
    /// for it once, before a sweep, and only for points of run-time length.
    fn extent(&self) -> usize;

    /// Records the expression onto a tape through `rec`, operation by operation, with the
    /// same rules (see [`Recorder`](crate::tape::Recorder)): a let-bound value is recorded
    /// once and shared, a `select` records only the branch taken. The building block of
    /// [`Tape::record`](crate::Tape::record).
    #[cfg(feature = "alloc")]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T>;
}
