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
