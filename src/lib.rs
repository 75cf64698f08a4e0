//! # tapeless
//!
//! Reverse-mode automatic differentiation checked and compiled at compile time.
//!
//! An expression is a value whose *type* is its tree: `x * y.sin()` has type
//! `Binary<Mul, Var<U0>, Unary<Sin, Var<U1>>>`. For each expression type the compiler
//! stamps out one fused forward-and-adjoint sweep: the forward pass keeps what the reverse
//! pass needs in a stack value whose type the expression decides, the reverse pass consumes
//! it. No tape, no heap, no dispatch; the gradient comes back in a `GenericArray` sized by
//! the number of inputs.
//!
//! ```
//! use tapeless::prelude::*;
//!
//! let (x, y) = vars();
//! let f = (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x).powi(2);
//! let (v, g) = gradient(&f, [-1.2, 1.0]);
//! let g: [f64; 2] = g.into();
//! assert!((v - 24.2).abs() < 1e-12);
//! assert!((g[0] - -215.6).abs() < 1e-9 && (g[1] - -88.0).abs() < 1e-12);
//! ```
//!
//! ## The parts
//! - [`rules`]: every elementary function once, with its derivative. All engines use them.
//! - [`Scalar`]: the number types (`f32`, `f64`, and the dual numbers of [`dual`]).
//! - the static engine: leaves ([`Var`], [`Cst`]), nodes ([`Unary`], [`Binary`],
//!   [`Ternary`]), sharing ([`let_in`]), conditionals ([`select`]), balanced reductions
//!   ([`sum`], [`product`]), reductions over an index ([`sum_over`] with [`at`]), and the
//!   entry points [`value`], [`gradient`], [`backprop`].
//! - the static engine at run-time sizes: points of run-time length ([`gradient_into`],
//!   [`hvp_into`], [`jacobian_into`]), reductions of run-time length over indices and
//!   over data ([`sum_n`], [`sum_rows`], [`max_n`], …), blocks of inputs
//!   ([`expr::block`]), vector helpers ([`expr::linalg`]: `dot`, `matvec`, `logsumexp`,
//!   …), shared vectors ([`expr::share`]) and recurrences over steps ([`expr::fold`](mod@expr::fold)).
//! - [`tape`]: the dynamic engine, [`Tape`], for what types cannot express; any static
//!   expression can be [recorded](Tape::record) onto it.
//! - [`dual`]: forward mode, [`Dual<T, N>`](Dual), a [`Scalar`] built on the same rules.
//! - [`derivatives`]: beyond the gradient: [`jvp`], [`hvp`] and [`hessian`]
//!   (forward-over-reverse), [`jacobian`] and [`vjp`] for tuples and arrays of expressions,
//!   batches of gradients, and the same on the tape for run-time sizes.
//! - [`nest`] (feature `std`): nested derivatives: [`nest::Rev`], a reverse-mode
//!   [`Scalar`] every engine runs on (reverse over reverse, reverse over forward).
//! - [`solve`]: Newton's method for `F(x) = 0` of static size, derivatives through a
//!   solution of `F(z, p) = 0` by the implicit function theorem (also as a node of an
//!   expression, [`solve::solve_in`]), and (feature `argmin`) expressions as argmin
//!   problems.
//!
//! | cargo feature | adds |
//! | --- | --- |
//! | `std` (default) | the platform's math functions (otherwise `libm`); [`nest`]; implies `alloc` |
//! | `alloc` | the [`Tape`] and the `tape_*` entry points (without it: `core` only) |
//! | `rayon` | `par_gradients`: many gradients in parallel |
//! | `argmin` | `solve::argmin`: cost, gradient and Hessian for argmin's solvers |
//!
//! ## Writing expressions
//! Operators work between expressions and with `f64`/`f32` literals on either side
//! (`2.0 * x`, `x / 3.0_f32`); integer literals do not (`x + 1` is a type error: write
//! `x + 1.0`). Every function is a method (`x.sin()`) and a free function (`sin(x)`).
//! A subexpression used more than once should be shared with [`let_in`], or it is copied
//! and evaluated once per use.
//!
//! ## Static or tape?
//! Use the static engine when the function is a formula known when the crate is built: it
//! compiles to straight-line code, allocates nothing, and a gradient costs about what a
//! hand-written one does; its sizes (the number of inputs, of data rows, of steps) may come
//! at run time. Use the [`Tape`] when types cannot express the function: a structure that
//! is itself data (a recursion or a loop that ends on a value), or an expression too large
//! or too deep to compile as a type (a left-folded chain of a few
//! hundred operations already needs a raised `recursion_limit`; balanced [`sum`]s and
//! [`sum_over`] stay shallow). The tape uses the same rules, keeps its memory across
//! [`clear`](Tape::clear), and gives the same gradient, up to rounding, on a
//! [recorded](Tape::record) static expression.
//!
//! ```
//! use tapeless::prelude::*;
//! use tapeless::Tape;
//!
//! // Σ (xᵢ₊₁ − xᵢ²)² over as many inputs as the data has.
//! let xs = vec![0.5, -1.0, 2.0, 0.25];
//! let mut tape = Tape::<f64>::new();
//! let mut grad = vec![0.0; xs.len()];
//! tape.clear(); // in a loop: no allocation after the first evaluation
//! let x = tape.inputs(&xs);
//! let mut s = tape.constant(0.0);
//! for i in 0..x.len() - 1 {
//!     s += (x.get(i + 1) - x.get(i).square()).square();
//! }
//! let v = tape.gradient(s, &mut grad);
//! assert_eq!(v, 1.5625 + 1.0 + 14.0625); // (−1 − .25)², (2 − 1)², (.25 − 4)²
//! assert_eq!(grad[3], 2.0 * (0.25 - 4.0)); // only the last term has x₃
//! ```
//!
//! ## Mistakes caught when the crate is built
//! A variable whose index is not below the length of the input array is rejected with
//! the message *"the expression uses a variable whose index is not below the number of
//! inputs given"* (a post-monomorphization error: `cargo build` reports it, `cargo check`
//! does not). A let placeholder cannot be made outside its let.
//!
//! ## Domain edges
//! Every function returns the IEEE value at the edge of its domain (`ln 0 = −∞`,
//! `√0 = 0`, `x/0 = ±∞`, `powf(0, 0) = 1`, `asin(±1) = ±π/2`) and the derivative documented
//! on its rule in [`rules`] (`±∞` or NaN): never a panic.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod derivatives;
pub mod dual;
mod entry;
pub mod expr;
#[cfg(feature = "std")]
pub mod nest;
pub mod rules;
mod scalar;
pub mod solve;
#[cfg(feature = "alloc")]
pub mod tape;

#[cfg(feature = "rayon")]
pub use derivatives::par_gradients;
pub use derivatives::{
    Matrix, Outputs, SecondOrder, ValueGradientHessian, ValueGradientHvp, ValuesJacobian,
    forward_gradient, gradients, hessian, hvp, hvp_into, into_arrays, jacobian, jacobian_into, jvp,
    vjp,
};
#[cfg(feature = "alloc")]
pub use derivatives::{
    tape_gradient, tape_gradients, tape_hessian, tape_hvp, tape_jacobian, tape_jvp,
};
pub use dual::Dual;
pub use entry::{backprop, gradient, gradient_into, value};
pub use expr::*;
pub use scalar::Scalar;
#[cfg(feature = "alloc")]
pub use tape::Tape;

/// Re-exports of the `typenum` and `generic-array` items users may need to name.
pub use generic_array::GenericArray;
pub use typenum;

/// Everything needed to write and differentiate expressions: `use tapeless::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "alloc")]
    pub use crate::Tape;
    pub use crate::expr::free::*;
    pub use crate::expr::{
        Expr, IntoNode, Node, Var, at, checked, detach, ge, gt, le, let_in, lt, max_n, max_rows,
        min_n, min_rows, product, product_n, product_rows, select, sum, sum_n, sum_over, sum_rows,
        vars,
    };
    #[cfg(feature = "rayon")]
    pub use crate::par_gradients;
    pub use crate::{
        Dual, Outputs, SecondOrder, forward_gradient, gradients, hessian, hvp, hvp_into,
        into_arrays, jacobian, jacobian_into, jvp, vjp,
    };
    pub use crate::{Scalar, backprop, gradient, gradient_into, value};
}

mod checks {
    //! Compile-time facts about the expression types.
    use crate::expr::{Binary, Cst, Unary, Var};
    use crate::rules::{Add, Mul, Sin};
    use static_assertions::{assert_eq_size, assert_impl_all};
    use typenum::{U0, U1};

    type Pure = Binary<Mul, Var<U0>, Unary<Sin, Binary<Add, Var<U0>, Var<U1>>>>;
    assert_eq_size!(Var<U0>, ());
    assert_eq_size!(Pure, ());
    assert_impl_all!(Pure: Copy, Send, Sync, crate::Expr<f64>, crate::Expr<f32>);
    assert_impl_all!(Binary<Mul, Cst, Var<U1>>: Copy, Send, Sync, crate::Expr<f64>);
    // A pure-variable expression's cache is its partials only: 2 per binary, 1 per unary.
    assert_eq_size!(<Pure as crate::Expr<f64>>::Cache, [f64; 5]);
}

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
