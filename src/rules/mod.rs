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
mod unary;

pub use binary::*;
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
}

/// A function of two arguments: `y = f(a, b)`.
pub trait BinaryRule: Copy + Send + Sync + 'static {
    /// Name of the function, for messages and tables.
    const NAME: &'static str;
    /// `f(a, b)`.
    fn value<T: Scalar>(self, a: T, b: T) -> T;
    /// `(f(a, b), ∂f/∂a, ∂f/∂b)`.
    fn eval<T: Scalar>(self, a: T, b: T) -> (T, T, T);
    /// `true` when both partials are 1 whatever the arguments (`+`): the adjoint reaches
    /// both operands unchanged, so the static engine hands it to each operand before
    /// evaluating it (see [`Expr::fused`](crate::Expr::fused)).
    const PASSES_ADJOINT: bool = false;
}

/// A function of three arguments: `y = f(a, b, c)`.
pub trait TernaryRule: Copy + Send + Sync + 'static {
    /// Name of the function, for messages and tables.
    const NAME: &'static str;
    /// `f(a, b, c)`.
    fn value<T: Scalar>(self, a: T, b: T, c: T) -> T;
    /// `(f(a, b, c), [∂f/∂a, ∂f/∂b, ∂f/∂c])`.
    fn eval<T: Scalar>(self, a: T, b: T, c: T) -> (T, [T; 3]);
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
