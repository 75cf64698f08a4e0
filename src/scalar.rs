//! The number types the engines compute with.
//!
//! [`Scalar`] is deliberately small: the arithmetic of a field (from `core::ops` and
//! `num-traits`' [`Zero`]/[`One`]), an ordering, and the elementary functions that the
//! [`rules`](crate::rules) are written in. It is implemented for `f32`, `f64` and the
//! crate's dual numbers, so running the static reverse sweep on duals gives second
//! derivatives with no extra code.
//!
//! Why not `num_traits::Float`? It asks for 54 methods and supertraits (`Rem`,
//! `integer_decode`, `from_str_radix`, …) that mean nothing for a dual number.

use core::fmt::Debug;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use num_traits::{One, Zero};

/// A real number type the engines can differentiate with.
///
/// Every method is the plain mathematical function; for `f32`/`f64` it is the platform
/// implementation (or the `libm` crate without the `std` feature; `asinh`, `acosh`, `atanh`
/// and `erf` always come from `libm`). Comparisons
/// (`PartialOrd`) order by value; for dual numbers, by the real part.
#[diagnostic::on_unimplemented(
    message = "tapeless: `{Self}` is not a number type expressions are evaluated in",
    label = "not `f64`, `f32` or `Dual`",
    note = "the scalar types are `f64`, `f32` and `tapeless::Dual<T, N>`: write the point as `[1.0, 2.0]` (`f64`), not `[1, 2]`"
)]
pub trait Scalar:
    Copy
    + Debug
    + Default
    + PartialOrd
    + Zero
    + One
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Send
    + Sync
    + 'static
{
    /// The nearest value of this type to `v` (a constant has no derivative).
    fn from_f64(v: f64) -> Self;
    /// The real part as `f64` (for duals: the value, without its tangent).
    fn to_f64(self) -> f64;
    /// `true` if the value (real part) is NaN.
    #[allow(clippy::wrong_self_convention)]
    fn is_nan(self) -> bool;
    /// `true` if the value (real part) is neither infinite nor NaN.
    #[allow(clippy::wrong_self_convention)]
    #[inline(always)]
    fn is_finite(self) -> bool {
        self.to_f64().is_finite()
    }
    /// `true` only if `self · x` is `x` for every `x`: exactly one. The tape's reverse sweep
    /// then skips a multiplication on its critical path (a running sum's partial is one).
    /// `false` is always correct, only slower: it is what dual numbers answer.
    ///
    /// ```
    /// use tapeless::{Dual, Scalar};
    /// assert!(1.0_f64.is_unit() && 1.0_f32.is_unit());
    /// assert!(!(1.0 + f64::EPSILON).is_unit() && !(-1.0_f64).is_unit());
    /// assert!(!Dual::<f64, 1>::new(1.0, 0.0).is_unit());
    /// ```
    #[allow(clippy::wrong_self_convention)]
    #[inline(always)]
    fn is_unit(self) -> bool {
        false
    }
    /// The smallest positive normal number of the type (its real part's type, for duals):
    /// below it, values are subnormal and lose relative precision.
    #[inline(always)]
    fn min_positive() -> Self {
        Self::from_f64(f64::MIN_POSITIVE)
    }

    /// Square root.
    fn sqrt(self) -> Self;
    /// Cube root.
    fn cbrt(self) -> Self;
    /// `eˣ`.
    fn exp(self) -> Self;
    /// `2ˣ`.
    fn exp2(self) -> Self;
    /// `eˣ − 1`, accurate near 0.
    fn exp_m1(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// Base-2 logarithm.
    fn log2(self) -> Self;
    /// Base-10 logarithm.
    fn log10(self) -> Self;
    /// `ln(1 + x)`, accurate near 0.
    fn ln_1p(self) -> Self;
    /// Sine.
    fn sin(self) -> Self;
    /// Cosine.
    fn cos(self) -> Self;
    /// Sine and cosine together.
    fn sin_cos(self) -> (Self, Self);
    /// Tangent.
    fn tan(self) -> Self;
    /// Arcsine.
    fn asin(self) -> Self;
    /// Arccosine.
    fn acos(self) -> Self;
    /// Arctangent.
    fn atan(self) -> Self;
    /// Four-quadrant arctangent of `self / x`.
    fn atan2(self, x: Self) -> Self;
    /// Hyperbolic sine.
    fn sinh(self) -> Self;
    /// Hyperbolic cosine.
    fn cosh(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// Inverse hyperbolic sine.
    fn asinh(self) -> Self;
    /// Inverse hyperbolic cosine.
    fn acosh(self) -> Self;
    /// Inverse hyperbolic tangent.
    fn atanh(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// `sqrt(self² + y²)` without undue overflow.
    fn hypot(self, y: Self) -> Self;
    /// `selfⁿ` for an integer `n`.
    fn powi(self, n: i32) -> Self;
    /// `selfʸ`.
    fn powf(self, y: Self) -> Self;
    /// `self · a + b` with one rounding where the type supports it.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// The error function.
    fn erf(self) -> Self;
}

/// Platform (`std`) or `libm` implementation of each `f32`/`f64` function; the inverse
/// hyperbolic functions always come from `libm`, whose versions keep full accuracy near
/// the domain edges (`std`'s `acosh(1 + 1e-10)` is off by 4e-12 relative) and do not
/// overflow for large arguments.
macro_rules! float_scalar {
    ($t:ident, $libm:ident { $($name:ident => $lm:ident),* $(,)? }
     libm { $($lname:ident => $llm:ident),* $(,)? }) => {
        impl Scalar for $t {
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline(always)]
            fn is_unit(self) -> bool {
                self == 1.0
            }
            #[inline(always)]
            fn min_positive() -> Self {
                <$t>::MIN_POSITIVE
            }
            $(
                #[inline(always)]
                fn $name(self) -> Self {
                    #[cfg(feature = "std")]
                    { <$t>::$name(self) }
                    #[cfg(not(feature = "std"))]
                    { libm::$lm(self) }
                }
            )*
            $(
                #[inline(always)]
                fn $lname(self) -> Self {
                    libm::$llm(self)
                }
            )*
            #[inline(always)]
            fn sin_cos(self) -> (Self, Self) {
                #[cfg(feature = "std")]
                { <$t>::sin_cos(self) }
                #[cfg(not(feature = "std"))]
                { $libm::sincos(self) }
            }
            #[inline(always)]
            fn atan2(self, x: Self) -> Self {
                #[cfg(feature = "std")]
                { <$t>::atan2(self, x) }
                #[cfg(not(feature = "std"))]
                { $libm::atan2(self, x) }
            }
            #[inline(always)]
            fn hypot(self, y: Self) -> Self {
                #[cfg(feature = "std")]
                { <$t>::hypot(self, y) }
                #[cfg(not(feature = "std"))]
                { $libm::hypot(self, y) }
            }
            #[inline(always)]
            fn powi(self, n: i32) -> Self {
                #[cfg(feature = "std")]
                { <$t>::powi(self, n) }
                #[cfg(not(feature = "std"))]
                { $libm::pow(self, n as $t) }
            }
            #[inline(always)]
            fn powf(self, y: Self) -> Self {
                #[cfg(feature = "std")]
                { <$t>::powf(self, y) }
                #[cfg(not(feature = "std"))]
                { $libm::pow(self, y) }
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                #[cfg(feature = "std")]
                { <$t>::mul_add(self, a, b) }
                #[cfg(not(feature = "std"))]
                { $libm::fma(self, a, b) }
            }
            #[inline(always)]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline(always)]
            fn erf(self) -> Self {
                $libm::erf(self)
            }
        }
    };
}

/// `libm`'s `f64` functions under the names [`Scalar`] uses.
#[allow(dead_code, unused_imports)]
mod libm64 {
    pub use libm::{atan2, erf, fma, hypot, pow, sincos};
}

/// `libm`'s `f32` functions under the names [`Scalar`] uses.
#[allow(dead_code, unused_imports)]
mod libm32 {
    pub use libm::{
        atan2f as atan2, erff as erf, fmaf as fma, hypotf as hypot, powf as pow, sincosf as sincos,
    };
}

float_scalar!(f64, libm64 {
    sqrt => sqrt, cbrt => cbrt, exp => exp, exp2 => exp2, exp_m1 => expm1, ln => log,
    log2 => log2, log10 => log10, ln_1p => log1p, sin => sin, cos => cos, tan => tan,
    asin => asin, acos => acos, atan => atan, sinh => sinh, cosh => cosh, tanh => tanh,
} libm {
    asinh => asinh, acosh => acosh, atanh => atanh,
});

float_scalar!(f32, libm32 {
    sqrt => sqrtf, cbrt => cbrtf, exp => expf, exp2 => exp2f, exp_m1 => expm1f, ln => logf,
    log2 => log2f, log10 => log10f, ln_1p => log1pf, sin => sinf, cos => cosf, tan => tanf,
    asin => asinf, acos => acosf, atan => atanf, sinh => sinhf, cosh => coshf, tanh => tanhf,
} libm {
    asinh => asinhf, acosh => acoshf, atanh => atanhf,
});
