//! Rules of two and three arguments.

use super::{BinaryOp, BinaryRule, TernaryOp, TernaryRule};
use crate::Scalar;

/// Declares a zero-sized binary rule from its value and its `(value, ∂a, ∂b)` triple.
macro_rules! binary_rule {
    ($(#[$doc:meta])* $name:ident, $fname:literal, |$a:ident, $b:ident| $value:expr, |$p:ident, $q:ident| $eval:expr) => {
        binary_rule!($(#[$doc])* $name, $fname, |$a, $b| $value, |$p, $q| $eval, false, false);
    };
    ($(#[$doc:meta])* $name:ident, $fname:literal, |$a:ident, $b:ident| $value:expr, |$p:ident, $q:ident| $eval:expr, $passes:expr) => {
        binary_rule!($(#[$doc])* $name, $fname, |$a, $b| $value, |$p, $q| $eval, $passes, false);
    };
    ($(#[$doc:meta])* $name:ident, $fname:literal, |$a:ident, $b:ident| $value:expr, |$p:ident, $q:ident| $eval:expr, $passes:expr, $product:expr) => {
        binary_rule!($(#[$doc])* $name, $fname, |$a, $b| $value, |$p, $q| $eval, $passes, $product, $passes);
    };
    ($(#[$doc:meta])* $name:ident, $fname:literal, |$a:ident, $b:ident| $value:expr, |$p:ident, $q:ident| $eval:expr, $passes:expr, $product:expr, $affine:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl BinaryRule for $name {
            const NAME: &'static str = $fname;
            #[inline(always)]
            fn value<T: Scalar>(self, $a: T, $b: T) -> T {
                $value
            }
            #[inline(always)]
            fn eval<T: Scalar>(self, $p: T, $q: T) -> (T, T, T) {
                $eval
            }
            const PASSES_ADJOINT: bool = $passes;
            const IS_PRODUCT: bool = $product;
            const AFFINE: bool = $affine;
            #[inline(always)]
            fn op(self) -> Option<BinaryOp> {
                Some(BinaryOp::$name)
            }
        }
    };
}

binary_rule!(
    /// `a + b`; partials `(1, 1)`.
    Add, "add", |a, b| a + b, |a, b| (a + b, T::one(), T::one()), true
);
binary_rule!(
    /// `a − b`; partials `(1, −1)`.
    Sub, "sub", |a, b| a - b, |a, b| (a - b, T::one(), -T::one()), false, false, true
);
binary_rule!(
    /// `a · b`; partials `(b, a)`.
    Mul, "mul", |a, b| a * b, |a, b| (a * b, b, a), false, true
);
binary_rule!(
    /// `a / b`; partials `(1/b, −(a/b)·(1/b))` (one reciprocal serves both). Division by
    /// zero gives the IEEE quotient (`±∞` or NaN) and partials `±∞` or NaN.
    Div, "div", |a, b| a / b, |a, b| {
        let q = a / b;
        let r = T::one() / b;
        (q, r, -q * r)
    }
);
binary_rule!(
    /// `aᵇ` with both arguments variable; partials `(b·aᵇ⁻¹, aᵇ·ln a)`.
    ///
    /// At `a = 0` the partial in `b` is taken as 0 (the limit for `b > 0`), and the partial
    /// in `a` is `b·0ᵇ⁻¹` (0 when `b = 0`: `a⁰` is constant). For `a < 0` the partial in `b`
    /// is NaN (`ln a` is undefined).
    Pow, "pow", |a, b| a.powf(b), |a, b| {
        let v = a.powf(b);
        if a == T::zero() {
            (v, if b == T::zero() { b } else { b * a.powf(b - T::one()) }, T::zero())
        } else {
            (v, b * super::unary::pow_m1(a, v, b), v * a.ln())
        }
    }
);
binary_rule!(
    /// `atan2(y, x)`, the angle of the point `(x, y)`; partials `(x, −y)/(x² + y²)`, formed
    /// as `(x/h)/h` with `h = hypot(x, y)` so they neither under- nor overflow; NaN at the
    /// origin.
    Atan2, "atan2", |y, x| y.atan2(x), |y, x| {
        let h = x.hypot(y);
        (y.atan2(x), (x / h) / h, -((y / h) / h))
    }
);
binary_rule!(
    /// `√(a² + b²)` without undue overflow; partials `(a, b)/hypot(a, b)`, taken as
    /// `(0, 0)` at the origin.
    Hypot, "hypot", |a, b| a.hypot(b), |a, b| {
        let h = a.hypot(b);
        if h == T::zero() {
            (h, T::zero(), T::zero())
        } else {
            (h, a / h, b / h)
        }
    }
);
binary_rule!(
    /// The larger of `a` and `b`, ignoring a NaN argument like `f64::max`; the whole
    /// derivative goes to the argument chosen (to `a` on a tie).
    Max, "max", |a, b| if b.is_nan() || a >= b { a } else { b }, |a, b| {
        if b.is_nan() || a >= b {
            (a, T::one(), T::zero())
        } else {
            (b, T::zero(), T::one())
        }
    }
);
binary_rule!(
    /// The smaller of `a` and `b`, ignoring a NaN argument like `f64::min`; the whole
    /// derivative goes to the argument chosen (to `a` on a tie).
    Min, "min", |a, b| if b.is_nan() || a <= b { a } else { b }, |a, b| {
        if b.is_nan() || a <= b {
            (a, T::one(), T::zero())
        } else {
            (b, T::zero(), T::one())
        }
    }
);

/// `a · b + c` with a single rounding (fused multiply-add); partials `(b, a, 1)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MulAdd;

impl TernaryRule for MulAdd {
    const NAME: &'static str = "mul_add";
    #[inline(always)]
    fn value<T: Scalar>(self, a: T, b: T, c: T) -> T {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn eval<T: Scalar>(self, a: T, b: T, c: T) -> (T, [T; 3]) {
        (a.mul_add(b, c), [b, a, T::one()])
    }
    #[inline(always)]
    fn op(self) -> Option<TernaryOp> {
        Some(TernaryOp::MulAdd)
    }
}
