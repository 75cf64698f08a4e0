//! [`Rev`] as a [`Scalar`]: every function through its rule, recorded as one node (two for
//! `mul_add`), and the arithmetic operators.

use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use num_traits::{One, Zero};

use super::{Base, Rev, record};
use crate::Scalar;
use crate::rules::{self, BinaryRule, TernaryRule, UnaryRule};

#[inline(always)]
#[track_caller]
fn unary<T: Base, R: UnaryRule>(rule: R, x: Rev<T>) -> Rev<T> {
    if x.is_const() {
        return Rev::constant(rule.value(x.value));
    }
    let (v, d) = rule.eval(x.value);
    record(v, x, d, Rev::constant(T::zero()), T::zero())
}

#[inline(always)]
#[track_caller]
fn binary<T: Base, R: BinaryRule>(rule: R, a: Rev<T>, b: Rev<T>) -> Rev<T> {
    if a.is_const() && b.is_const() {
        return Rev::constant(rule.value(a.value, b.value));
    }
    let (v, da, db) = rule.eval(a.value, b.value);
    record(v, a, da, b, db)
}

#[inline(always)]
#[track_caller]
fn ternary<T: Base, R: TernaryRule>(rule: R, a: Rev<T>, b: Rev<T>, c: Rev<T>) -> Rev<T> {
    if a.is_const() && b.is_const() && c.is_const() {
        return Rev::constant(rule.value(a.value, b.value, c.value));
    }
    let (v, [da, db, dc]) = rule.eval(a.value, b.value, c.value);
    // Two nodes: the terms of `a` and `b`, then that with `c` (the intermediate's value is
    // never read: only its partials are).
    let ab = record(v, a, da, b, db);
    record(v, ab, T::one(), c, dc)
}

macro_rules! arith {
    ($($Op:ident $op:ident $OpAssign:ident $op_assign:ident => $Rule:ident;)*) => {
        $(
            impl<T: Base> $Op for Rev<T> {
                type Output = Self;
                #[inline(always)]
                #[track_caller]
                fn $op(self, rhs: Self) -> Self {
                    binary(rules::$Rule, self, rhs)
                }
            }
            impl<T: Base> $OpAssign for Rev<T> {
                #[inline(always)]
                #[track_caller]
                fn $op_assign(&mut self, rhs: Self) {
                    *self = binary(rules::$Rule, *self, rhs);
                }
            }
        )*
    };
}

arith! {
    Add add AddAssign add_assign => Add;
    Sub sub SubAssign sub_assign => Sub;
    Mul mul MulAssign mul_assign => Mul;
    Div div DivAssign div_assign => Div;
}

impl<T: Base> Neg for Rev<T> {
    type Output = Self;
    #[inline(always)]
    #[track_caller]
    fn neg(self) -> Self {
        unary(rules::Neg, self)
    }
}

impl<T: Base> Zero for Rev<T> {
    #[inline(always)]
    fn zero() -> Self {
        Self::constant(T::zero())
    }
    /// `true` for a constant zero only: a zero that depends on an input has a derivative.
    #[inline(always)]
    fn is_zero(&self) -> bool {
        self.is_const() && self.value.is_zero()
    }
}

impl<T: Base> One for Rev<T> {
    #[inline(always)]
    fn one() -> Self {
        Self::constant(T::one())
    }
}

impl<T: Base> Default for Rev<T> {
    /// The constant zero.
    #[inline(always)]
    fn default() -> Self {
        Self::constant(T::zero())
    }
}

impl<T: PartialEq> PartialEq for Rev<T> {
    /// Compares the values.
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: PartialOrd> PartialOrd for Rev<T> {
    /// Orders by the values.
    #[inline(always)]
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

macro_rules! by_rule {
    ($($name:ident => $Rule:ident),* $(,)?) => {
        $(
            #[inline(always)]
            #[track_caller]
            fn $name(self) -> Self {
                unary(rules::$Rule, self)
            }
        )*
    };
}

impl<T: Base> Scalar for Rev<T> {
    #[inline(always)]
    fn from_f64(v: f64) -> Self {
        Self::constant(T::from_f64(v))
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self.value.to_f64()
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        self.value.is_nan()
    }
    #[inline(always)]
    fn is_unit(self) -> bool {
        self.is_const() && self.value.is_unit()
    }

    by_rule! {
        sqrt => Sqrt, cbrt => Cbrt, exp => Exp, exp2 => Exp2, exp_m1 => ExpM1, ln => Ln,
        log2 => Log2, log10 => Log10, ln_1p => Ln1p, sin => Sin, cos => Cos, tan => Tan,
        asin => Asin, acos => Acos, atan => Atan, sinh => Sinh, cosh => Cosh, tanh => Tanh,
        asinh => Asinh, acosh => Acosh, atanh => Atanh, abs => Abs, erf => Erf,
    }

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
    /// Through [`Pow`](rules::Pow); a constant exponent leaves out the exponent's partial
    /// `xʸ ln x` (NaN for `x < 0`), as for dual numbers.
    #[inline(always)]
    fn powf(self, y: Self) -> Self {
        if y.is_const() {
            if self.is_const() {
                return Self::constant(self.value.powf(y.value));
            }
            let (v, da, _) = rules::Pow.eval(self.value, y.value);
            return record(v, self, da, y, T::zero());
        }
        binary(rules::Pow, self, y)
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        ternary(rules::MulAdd, self, a, b)
    }
}
