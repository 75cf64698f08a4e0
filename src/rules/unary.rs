//! Rules of one argument.

use super::{UnaryOp, UnaryRule, c};
use crate::Scalar;

/// Declares a zero-sized unary rule from its value and its `(value, derivative)` pair.
macro_rules! unary_rule {
    ($(#[$doc:meta])* $name:ident, $fname:literal, |$x:ident| $value:expr, |$y:ident| $eval:expr) => {
        unary_rule!($(#[$doc])* $name, $fname, |$x| $value, |$y| $eval, false);
    };
    ($(#[$doc:meta])* $name:ident, $fname:literal, |$x:ident| $value:expr, |$y:ident| $eval:expr, $affine:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl UnaryRule for $name {
            const NAME: &'static str = $fname;
            #[inline(always)]
            fn value<T: Scalar>(self, $x: T) -> T {
                $value
            }
            #[inline(always)]
            fn eval<T: Scalar>(self, $y: T) -> (T, T) {
                $eval
            }
            #[inline(always)]
            fn op(self) -> Option<UnaryOp> {
                Some(UnaryOp::$name)
            }
            const AFFINE: bool = $affine;
        }
    };
}

unary_rule!(
    /// `−x`; derivative `−1`.
    Neg, "neg", |x| -x, |x| (-x, -T::one()), true
);
unary_rule!(
    /// `1/x`; derivative `−1/x²` (`−∞` at `±0`).
    Recip, "recip", |x| T::one() / x, |x| {
        let r = T::one() / x;
        (r, -(r * r))
    }
);
unary_rule!(
    /// `x²`; derivative `2x`.
    Square, "square", |x| x * x, |x| (x * x, x + x)
);
unary_rule!(
    /// `√x`; derivative `1/(2√x)`: `+∞` at ±0, NaN below 0.
    Sqrt, "sqrt", |x| x.sqrt(), |x| {
        let s = x.sqrt();
        (s, c::<T>(0.5) / plus_zero(s))
    }
);
unary_rule!(
    /// `∛x`; derivative `1/(3∛x²)`: `+∞` at 0.
    Cbrt, "cbrt", |x| x.cbrt(), |x| {
        let r = x.cbrt();
        (r, T::one() / (c::<T>(3.0) * r * r))
    }
);
unary_rule!(
    /// `eˣ`; derivative `eˣ` (the value, reused).
    Exp, "exp", |x| x.exp(), |x| {
        let e = x.exp();
        (e, e)
    }
);
unary_rule!(
    /// `2ˣ`; derivative `2ˣ ln 2`.
    Exp2, "exp2", |x| x.exp2(), |x| {
        let e = x.exp2();
        (e, e * c::<T>(core::f64::consts::LN_2))
    }
);
unary_rule!(
    /// `eˣ − 1`; derivative `eˣ`, taken as value + 1.
    ExpM1, "exp_m1", |x| x.exp_m1(), |x| {
        let e = x.exp_m1();
        (e, e + T::one())
    }
);
unary_rule!(
    /// `ln x`; derivative `1/x`: `ln(±0) = −∞` with derivative `+∞`; below 0 the value is
    /// NaN.
    Ln, "ln", |x| x.ln(), |x| (x.ln(), T::one() / plus_zero(x))
);
unary_rule!(
    /// `log₂ x`; derivative `1/(x ln 2)`.
    Log2, "log2", |x| x.log2(), |x| (x.log2(), T::one() / (plus_zero(x) * c::<T>(core::f64::consts::LN_2)))
);
unary_rule!(
    /// `log₁₀ x`; derivative `1/(x ln 10)`.
    Log10, "log10", |x| x.log10(), |x| (x.log10(), T::one() / (plus_zero(x) * c::<T>(core::f64::consts::LN_10)))
);
unary_rule!(
    /// `ln(1 + x)`; derivative `1/(1 + x)`: `+∞` at −1.
    Ln1p, "ln_1p", |x| x.ln_1p(), |x| (x.ln_1p(), T::one() / (T::one() + x))
);
unary_rule!(
    /// `sin x`; derivative `cos x` (computed with the value by `sin_cos`).
    Sin, "sin", |x| x.sin(), |x| x.sin_cos()
);
unary_rule!(
    /// `cos x`; derivative `−sin x` (computed with the value by `sin_cos`).
    Cos, "cos", |x| x.cos(), |x| {
        let (s, co) = x.sin_cos();
        (co, -s)
    }
);
unary_rule!(
    /// `tan x`; derivative `1 + tan² x` (the value, reused).
    Tan, "tan", |x| x.tan(), |x| {
        let t = x.tan();
        (t, T::one() + t * t)
    }
);
unary_rule!(
    /// `asin x` on `[−1, 1]`; derivative `1/√(1 − x²)`: `+∞` at ±1, NaN outside.
    Asin, "asin", |x| x.asin(), |x| (x.asin(), T::one() / ((T::one() - x) * (T::one() + x)).sqrt())
);
unary_rule!(
    /// `acos x` on `[−1, 1]`; derivative `−1/√(1 − x²)`: `−∞` at ±1, NaN outside.
    Acos, "acos", |x| x.acos(), |x| (x.acos(), -(T::one() / ((T::one() - x) * (T::one() + x)).sqrt()))
);
unary_rule!(
    /// `atan x`; derivative `1/(1 + x²)`.
    Atan, "atan", |x| x.atan(), |x| (x.atan(), T::one() / (T::one() + x * x))
);
unary_rule!(
    /// `sinh x`; derivative `cosh x`.
    Sinh, "sinh", |x| x.sinh(), |x| (x.sinh(), x.cosh())
);
unary_rule!(
    /// `cosh x`; derivative `sinh x`.
    Cosh, "cosh", |x| x.cosh(), |x| (x.cosh(), x.sinh())
);
unary_rule!(
    /// `tanh x`; derivative `1 − tanh² x`. For `|x| < 1/2` the value is `tanh` and the
    /// derivative `1 − tanh²` (no cancellation there); beyond, both come from one
    /// exponential `e = e^(−2|x|)`: `tanh = ±(1 − e)/(1 + e)`, `1 − tanh² = 4e/(1 + e)²`, which
    /// keeps full relative accuracy in the tails where `1 − tanh²` would cancel.
    Tanh, "tanh", |x| tanh(x).0, |x| tanh(x)
);
unary_rule!(
    /// `asinh x`; derivative `1/√(x² + 1)`, computed as `1/hypot(x, 1)` so it does not
    /// overflow for large `|x|`.
    Asinh, "asinh", |x| x.asinh(), |x| (x.asinh(), T::one() / x.hypot(T::one()))
);
unary_rule!(
    /// `acosh x` on `[1, ∞)`; derivative `1/(√(x − 1)·√(x + 1))`: `+∞` at 1, NaN below.
    Acosh, "acosh", |x| x.acosh(), |x| (x.acosh(), T::one() / ((x - T::one()).sqrt() * (x + T::one()).sqrt()))
);
unary_rule!(
    /// `atanh x` on `(−1, 1)`; derivative `1/(1 − x²)`: `+∞` at ±1.
    Atanh, "atanh", |x| x.atanh(), |x| (x.atanh(), T::one() / ((T::one() - x) * (T::one() + x)))
);
unary_rule!(
    /// `|x|`; derivative `sign x`, taken as 0 at 0 (the subgradient of least norm), NaN at NaN.
    Abs, "abs", |x| x.abs(), |x| (x.abs(), sign(x))
);
unary_rule!(
    /// The error function `erf x`; derivative `2/√π · e^(−x²)`.
    Erf, "erf", |x| x.erf(), |x| {
        // The derivative's `exp` first: the value's users then follow `erf` directly, and
        // the two calls' latencies overlap better (Black-Scholes: 35.8 -> 34.9 ns static).
        let d = c::<T>(core::f64::consts::FRAC_2_SQRT_PI) * (-(x * x)).exp();
        (x.erf(), d)
    }
);
unary_rule!(
    /// The logistic function `σ(x) = 1/(1 + e^(−x))`, evaluated without overflow for
    /// either sign; derivative `σ(x)σ(−x) = e/(1 + e)²` with `e = e^(−|x|)`, from the same
    /// exponential as the value (no cancellation in the tails, unlike `σ(1 − σ)`).
    Sigmoid, "sigmoid", |x| sigmoid(x).0, |x| sigmoid(x)
);
unary_rule!(
    /// `softplus(x) = ln(1 + eˣ)`, evaluated without overflow for either sign; derivative
    /// `σ(x)`, from the same exponential.
    Softplus, "softplus", |x| softplus(x).0, |x| softplus(x)
);

/// `x` raised to a constant integer power `n`.
///
/// Derivative `n xⁿ⁻¹`. `powi(0, 0) = 1` with derivative 0; negative powers at 0 give
/// `±∞` and a derivative of `±∞`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Powi(pub i32);

impl UnaryRule for Powi {
    const NAME: &'static str = "powi";
    #[inline(always)]
    fn value<T: Scalar>(self, x: T) -> T {
        if self.0 == 2 { x * x } else { x.powi(self.0) }
    }
    #[inline(always)]
    fn eval<T: Scalar>(self, x: T) -> (T, T) {
        let n = self.0;
        if n == 2 {
            // The common case as plain arithmetic, also when the exponent is data (an
            // expression kept in a struct) rather than a constant the optimizer can see.
            (x * x, x + x)
        } else if n == 0 {
            (T::one(), T::zero())
        } else if n > 0 {
            // x^(n-1) once; the value is one more multiplication.
            let p = x.powi(n - 1);
            (p * x, c::<T>(f64::from(n)) * p)
        } else {
            let v = x.powi(n);
            (v, c::<T>(f64::from(n)) * v / x)
        }
    }
    #[inline(always)]
    fn op(self) -> Option<UnaryOp> {
        Some(UnaryOp::Powi(self.0))
    }
}

/// `x` raised to a constant real power `p`.
///
/// Derivative `p xᵖ⁻¹`. `powf(0, 0) = 1` with derivative 0 (the exponent 0 makes the
/// function constant); for `0 < p < 1` the derivative at 0 is `+∞`; negative bases with a
/// non-integer exponent give NaN.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Powf(pub f64);

impl UnaryRule for Powf {
    const NAME: &'static str = "powf";
    #[inline(always)]
    fn value<T: Scalar>(self, x: T) -> T {
        x.powf(c(self.0))
    }
    #[inline(always)]
    fn eval<T: Scalar>(self, x: T) -> (T, T) {
        let p = self.0;
        if p == 0.0 {
            return (x.powf(T::zero()), T::zero());
        }
        let v = x.powf(c(p));
        (v, c::<T>(p) * pow_m1(x, v, c(p)))
    }
    #[inline(always)]
    fn op(self) -> Option<UnaryOp> {
        Some(UnaryOp::Powf(self.0))
    }
}

/// `xᵖ⁻¹` from `v = xᵖ`: `v/x`, one division, where that is exact to rounding; `xᵖ⁻¹` on its
/// own where `v` is 0, subnormal or infinite (at `x = 0`, or when `xᵖ` under- or overflows
/// while `xᵖ⁻¹` does not).
#[inline(always)]
pub(crate) fn pow_m1<T: Scalar>(x: T, v: T, p: T) -> T {
    if v.abs() >= T::min_positive() && v.is_finite() {
        v / x
    } else {
        x.powf(p - T::one())
    }
}

/// `x + 0`: turns `−0` into `+0` (and nothing else), so `1/x` at a zero gives `+∞`.
#[inline(always)]
fn plus_zero<T: Scalar>(x: T) -> T {
    x + T::zero()
}

/// `sign(x)`: ±1, 0 at ±0, NaN at NaN.
#[inline(always)]
pub(crate) fn sign<T: Scalar>(x: T) -> T {
    if x > T::zero() {
        T::one()
    } else if x < T::zero() {
        -T::one()
    } else if x.is_nan() {
        x
    } else {
        T::zero()
    }
}

/// `(tanh x, 1 − tanh² x)`, accurate in the tails: see [`Tanh`].
#[inline(always)]
fn tanh<T: Scalar>(x: T) -> (T, T) {
    let a = x.abs();
    if a < c::<T>(0.5) {
        let t = x.tanh();
        (t, T::one() - t * t)
    } else {
        let e = (c::<T>(-2.0) * a).exp();
        let r = T::one() / (T::one() + e);
        let t = (T::one() - e) * r;
        (if x < T::zero() { -t } else { t }, c::<T>(4.0) * e * r * r)
    }
}

/// `(σ(x), σ'(x))`, stable for large `|x|`, one exponential.
#[inline(always)]
fn sigmoid<T: Scalar>(x: T) -> (T, T) {
    let e = (-x.abs()).exp();
    let d = T::one() + e;
    let s = if x >= T::zero() { T::one() / d } else { e / d };
    (s, e / (d * d))
}

/// `(ln(1 + eˣ), σ(x))`, stable for large `|x|`, one exponential.
#[inline(always)]
fn softplus<T: Scalar>(x: T) -> (T, T) {
    if x > T::zero() {
        let e = (-x).exp();
        (x + e.ln_1p(), T::one() / (T::one() + e))
    } else {
        let e = x.exp();
        (e.ln_1p(), e / (T::one() + e))
    }
}
