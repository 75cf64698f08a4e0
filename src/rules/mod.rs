//! Every elementary function, once: its value and its local derivative(s).
//!
//! A rule is a small `Copy` value (zero-sized unless it carries a constant such as the
//! exponent of [`Powi`]). The static engine, the tape and the dual numbers all call the
//! same rule, so they cannot disagree about a derivative.
//!
//! `eval` computes the value and the partial derivatives together, sharing work where the
//! derivative reuses the value (`exp`, `sqrt`, `tanh`, `sigmoid`, …) or a sibling
//! (`sin`/`cos`); the engines keep the partials, so a reverse sweep never evaluates a
//! transcendental function again.
//!
//! Domain edges give the IEEE value and the derivative stated on each rule (±∞ or NaN),
//! never a panic.
//!
//! ## Rules of your own
//! A function the crate lacks is a zero-sized type implementing [`UnaryRule`],
//! [`BinaryRule`] or [`TernaryRule`]: its value and partial derivatives, written once and
//! generic over [`Scalar`]. It then works as a built-in rule does in every engine: in static
//! expressions ([`apply`](crate::apply), [`apply2`](crate::apply2), [`apply3`](crate::apply3),
//! or the methods of the same names on every expression), on tape handles
//! ([`Var::apply`](crate::tape::Var::apply), with the `alloc` feature), on dual numbers
//! ([`Dual::apply`](crate::Dual::apply)), and when a static expression is recorded onto a
//! tape. Because the derivative is generic too, the reverse sweep runs it on dual numbers and
//! [`hvp`](crate::hvp) and [`hessian`](crate::hessian) are exact. The `lambert_w` example
//! adds the Lambert W function this way.
//!
//! A function you can only evaluate in `f64` (a foreign black box) is an [`F64Rule`]
//! instead: first derivatives in `f64` and `f32` in the static engine
//! ([`apply_f64`](crate::apply_f64)), on tape handles and when recorded; used where dual
//! numbers are needed (`hvp`, `hessian`, `jvp`) it is a compile error naming the rule.
//!
//! ```
//! use tapeless::prelude::*;
//! use tapeless::{Dual, hvp, rules::UnaryRule};
//!
//! /// `ln(cosh x)`, derivative `tanh x`.
//! #[derive(Clone, Copy)]
//! struct LogCosh;
//! impl UnaryRule for LogCosh {
//!     const NAME: &'static str = "log_cosh";
//!     fn value<T: Scalar>(self, x: T) -> T {
//!         x.cosh().ln()
//!     }
//!     fn eval<T: Scalar>(self, x: T) -> (T, T) {
//!         (x.cosh().ln(), x.tanh())
//!     }
//! }
//!
//! let (x,) = vars();
//! let f = x.apply(LogCosh) * 2.0;
//! let (_, g) = gradient(&f, [0.5]);
//! assert_eq!(g[0], 2.0 * 0.5_f64.tanh());
//! // Second order through the generic derivative: (ln cosh)'' = 1 − tanh².
//! let (_, _, hv) = hvp(&f, [0.5], [1.0]);
//! assert!((hv[0] - 2.0 * (1.0 - 0.5_f64.tanh().powi(2))).abs() < 1e-15);
//! assert_eq!(Dual::new(0.5, 1.0).apply(LogCosh).tangent(), 0.5_f64.tanh());
//! ```

mod binary;
mod ops;
mod unary;

pub use binary::*;
pub use ops::{BinaryOp, TernaryOp, UnaryOp};
pub use unary::*;

use crate::Scalar;

/// A function of one argument: `y = f(x)`.
pub trait UnaryRule: Copy + Send + Sync + 'static {
    /// Name of the function, for messages and tables.
    const NAME: &'static str;
    /// `f(x)`.
    fn value<T: Scalar>(self, x: T) -> T;
    /// `(f(x), f'(x))`.
    fn eval<T: Scalar>(self, x: T) -> (T, T);
    /// `true` when the function is affine (`−x`): its derivative is the same whatever the
    /// argument, so the static engine takes it from `eval` at zero, before the argument is
    /// evaluated, and hands the argument its adjoint at once (see
    /// [`Expr::fused`](crate::Expr::fused)).
    const AFFINE: bool = false;
    /// The rule as data, for a [replay](crate::tape::Replay): `Some` for every rule of the
    /// crate, `None` (the default) for a rule defined elsewhere, which a tape records but a
    /// replay cannot recompute (it then asks to record again).
    #[inline(always)]
    fn op(self) -> Option<UnaryOp> {
        None
    }
}

/// A function of two arguments: `y = f(a, b)`.
pub trait BinaryRule: Copy + Send + Sync + 'static {
    /// Name of the function, for messages and tables.
    const NAME: &'static str;
    /// `f(a, b)`.
    fn value<T: Scalar>(self, a: T, b: T) -> T;
    /// `(f(a, b), ∂f/∂a, ∂f/∂b)`.
    fn eval<T: Scalar>(self, a: T, b: T) -> (T, T, T);
    /// The rule as data, for a [replay](crate::tape::Replay); `None` (the default) for a
    /// rule defined outside the crate.
    #[inline(always)]
    fn op(self) -> Option<BinaryOp> {
        None
    }
    /// `true` when both partials are 1 whatever the arguments (`+`): the adjoint reaches
    /// both operands unchanged, so the static engine hands it to each operand before
    /// evaluating it (see [`Expr::fused`](crate::Expr::fused)).
    const PASSES_ADJOINT: bool = false;
    /// `true` when the partials are `(b, a)` (`·`): each operand's adjoint is the other's
    /// value, so the static engine can sweep a large operand with a cheap one's value
    /// without keeping the large one's cache.
    const IS_PRODUCT: bool = false;
    /// `true` when the function is affine (`+`, `−`): its partials are the same whatever
    /// the arguments, so the static engine takes them from `eval` at zero, before the
    /// operands are evaluated, and hands each operand its adjoint at once (see
    /// [`Expr::fused`](crate::Expr::fused)), as it does for `+`. A `−` of a large sum so
    /// sweeps the sum once, not once for its value and again for its adjoint.
    const AFFINE: bool = false;
}

/// A function of three arguments: `y = f(a, b, c)`.
pub trait TernaryRule: Copy + Send + Sync + 'static {
    /// Name of the function, for messages and tables.
    const NAME: &'static str;
    /// `f(a, b, c)`.
    fn value<T: Scalar>(self, a: T, b: T, c: T) -> T;
    /// `(f(a, b, c), [∂f/∂a, ∂f/∂b, ∂f/∂c])`.
    fn eval<T: Scalar>(self, a: T, b: T, c: T) -> (T, [T; 3]);
    /// The rule as data, for a [replay](crate::tape::Replay); `None` (the default) for a
    /// rule defined outside the crate.
    #[inline(always)]
    fn op(self) -> Option<TernaryOp> {
        None
    }
}

/// `T` from an `f64` literal: shorthand for the rules.
#[inline(always)]
pub(crate) fn c<T: Scalar>(v: f64) -> T {
    T::from_f64(v)
}

/// Calls the macro `$m` with the list of unary rules that are methods on expressions and
/// tape handles alike (`/// doc` `name => Rule;` each), so the list is written once.
macro_rules! with_unary_rules {
    ($m:ident) => {
        $m! {
        /// `1/x`.
        recip => Recip;
        /// `x²`.
        square => Square;
        /// `√x`.
        sqrt => Sqrt;
        /// `∛x`.
        cbrt => Cbrt;
        /// `eˣ`.
        exp => Exp;
        /// `2ˣ`.
        exp2 => Exp2;
        /// `eˣ − 1`, accurate near 0.
        exp_m1 => ExpM1;
        /// `ln x`.
        ln => Ln;
        /// `log₂ x`.
        log2 => Log2;
        /// `log₁₀ x`.
        log10 => Log10;
        /// `ln(1 + x)`, accurate near 0.
        ln_1p => Ln1p;
        /// `sin x`.
        sin => Sin;
        /// `cos x`.
        cos => Cos;
        /// `tan x`.
        tan => Tan;
        /// `asin x`.
        asin => Asin;
        /// `acos x`.
        acos => Acos;
        /// `atan x`.
        atan => Atan;
        /// `sinh x`.
        sinh => Sinh;
        /// `cosh x`.
        cosh => Cosh;
        /// `tanh x`.
        tanh => Tanh;
        /// `asinh x`.
        asinh => Asinh;
        /// `acosh x`.
        acosh => Acosh;
        /// `atanh x`.
        atanh => Atanh;
        /// `|x|`.
        abs => Abs;
        /// The error function.
        erf => Erf;
        /// The logistic function `1/(1 + e⁻ˣ)`.
        sigmoid => Sigmoid;
        /// `ln(1 + eˣ)`.
        softplus => Softplus;
        }
    };
}
pub(crate) use with_unary_rules;

/// A function of one argument computed in `f64` only: a foreign black box (a C library, a
/// table, a solver) whose value and derivative you can get as `f64` numbers but cannot
/// write generically over [`Scalar`].
///
/// Such a rule works for first derivatives in `f64` (and `f32`, through `f64`): static
/// expressions ([`apply_f64`](crate::apply_f64)), tape handles
/// ([`Var::apply_f64`](crate::tape::Var::apply_f64)) and recording. It cannot be run on
/// dual numbers (its derivative has no derivative), so [`hvp`](crate::hvp),
/// [`hessian`](crate::hessian), [`jvp`](crate::jvp) and the tape's second-order entry
/// points reject an expression using it at compile time, with a message naming the rule
/// (see [`EvalIn`]). Where second derivatives are needed, write a [`UnaryRule`] instead.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::rules::F64Rule;
///
/// /// Stands for a function from elsewhere: f(x) = x·eˣ, f'(x) = (1 + x)eˣ.
/// #[derive(Clone, Copy)]
/// struct Foreign;
/// impl F64Rule for Foreign {
///     const NAME: &'static str = "foreign";
///     fn eval(self, x: f64) -> (f64, f64) {
///         let e = x.exp();
///         (x * e, (1.0 + x) * e)
///     }
/// }
///
/// let (x, y) = vars();
/// let f = apply_f64(Foreign, x * y);
/// let (v, g) = gradient(&f, [0.5, 2.0]);
/// let e = 1.0_f64.exp();
/// assert_eq!((v, g.into_array()), (e, [2.0 * 2.0 * e, 0.5 * 2.0 * e]));
/// ```
///
/// Asking for second derivatives does not compile:
///
/// ```compile_fail
/// use tapeless::prelude::*;
/// use tapeless::{hvp, rules::F64Rule};
/// #[derive(Clone, Copy)]
/// struct Foreign;
/// impl F64Rule for Foreign {
///     const NAME: &'static str = "foreign";
///     fn eval(self, x: f64) -> (f64, f64) {
///         (x.exp(), x.exp())
///     }
/// }
/// let (x,) = vars();
/// let _ = hvp(&apply_f64(Foreign, x), [0.5], [1.0]); // `Foreign` is written for f64 only
/// ```
pub trait F64Rule: Copy + Send + Sync + 'static {
    /// Name of the function, for messages and tables.
    const NAME: &'static str;
    /// `(f(x), f'(x))`.
    fn eval(self, x: f64) -> (f64, f64);
}

/// The number types an [`F64Rule`] is evaluated in: `f64`, and `f32` through `f64`. Not
/// dual numbers: a rule written for `f64` has no second derivative, and using one where
/// duals are needed (`hvp`, `hessian`, `jvp`, `tape_hvp`) is the compile error this trait
/// words.
#[diagnostic::on_unimplemented(
    message = "tapeless: the rule `{Self}` is written for `f64` only and cannot be evaluated in `{T}`",
    label = "an `F64Rule` used where `{T}` is needed",
    note = "second derivatives (`hvp`, `hessian`) and forward mode (`jvp`) evaluate rules on dual numbers; an `F64Rule` gives first derivatives in `f64` and `f32` only",
    note = "for second derivatives, implement `UnaryRule` instead, with the value and derivative written generically over `T: Scalar`"
)]
pub trait EvalIn<T>: Copy + Send + Sync + 'static {
    /// `(f(x), f'(x))` in `T`.
    fn eval_in(self, x: T) -> (T, T);
}

impl<R: F64Rule> EvalIn<f64> for R {
    #[inline(always)]
    fn eval_in(self, x: f64) -> (f64, f64) {
        self.eval(x)
    }
}

impl<R: F64Rule> EvalIn<f32> for R {
    #[inline(always)]
    fn eval_in(self, x: f32) -> (f32, f32) {
        let (v, d) = self.eval(f64::from(x));
        (v as f32, d as f32)
    }
}
