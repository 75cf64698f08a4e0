//! Dual numbers as a [`Scalar`]: every elementary function through its rule.

use num_traits::Zero;

use super::Dual;
use super::ops::{binary, binary_const_b, ternary, unary};
use crate::Scalar;
use crate::rules;

/// Scalar methods that are one unary rule each.
macro_rules! by_rule {
    ($($name:ident => $Rule:ident),* $(,)?) => {
        $(
            #[inline(always)]
            fn $name(self) -> Self {
                unary(rules::$Rule, self)
            }
        )*
    };
}

impl<T: Scalar, const N: usize> Scalar for Dual<T, N> {
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        Self::constant(T::from_f64(v))
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self.re.to_f64()
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        self.re.is_nan()
    }

    by_rule! {
        sqrt => Sqrt, cbrt => Cbrt, exp => Exp, exp2 => Exp2, exp_m1 => ExpM1, ln => Ln,
        log2 => Log2, log10 => Log10, ln_1p => Ln1p, sin => Sin, cos => Cos, tan => Tan,
        asin => Asin, acos => Acos, atan => Atan, sinh => Sinh, cosh => Cosh, tanh => Tanh,
        asinh => Asinh, acosh => Acosh, atanh => Atanh, abs => Abs, erf => Erf,
    }

    /// Both rules; for `f32`/`f64` the optimiser merges their shared `sin`/`cos` calls.
    #[inline(always)]
    fn sin_cos(self) -> (Self, Self) {
        (unary(rules::Sin, self), unary(rules::Cos, self))
    }
    #[inline(always)]
    fn atan2(self, x: Self) -> Self {
        binary(rules::Atan2, self, x)
    }
    #[inline(always)]
    fn hypot(self, y: Self) -> Self {
        binary(rules::Hypot, self, y)
    }
    #[inline(always)]
    fn powi(self, n: i32) -> Self {
        unary(rules::Powi(n), self)
    }
    /// Through [`Pow`](rules::Pow); a constant exponent (zero tangents, the common case:
    /// `x.powf(2.5)`) skips the exponent's partial `xʸ ln x`, which is NaN for `x < 0`.
    #[inline(always)]
    fn powf(self, y: Self) -> Self {
        if y.eps.iter().all(Zero::is_zero) {
            binary_const_b(rules::Pow, self, y.re)
        } else {
            binary(rules::Pow, self, y)
        }
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        ternary(rules::MulAdd, self, a, b)
    }
}
