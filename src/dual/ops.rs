//! The chain rule around the rules, and the arithmetic operators of dual numbers.

use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use num_traits::{One, Zero};

use super::Dual;
use crate::Scalar;
use crate::rules::{self, BinaryRule, TernaryRule, UnaryRule};

/// `f(x)` for a rule of one argument: tangent `f'(x)·ẋ`.
#[inline(always)]
pub(super) fn unary<T: Scalar, const N: usize, R: UnaryRule>(rule: R, x: Dual<T, N>) -> Dual<T, N> {
    let (re, d) = rule.eval(x.re);
    Dual {
        re,
        eps: x.eps.map(|e| e * d),
    }
}

/// `f(a, b)` for a rule of two arguments: tangent `∂ₐf·ȧ + ∂_b f·ḃ`.
#[inline(always)]
pub(super) fn binary<T: Scalar, const N: usize, R: BinaryRule>(
    rule: R,
    a: Dual<T, N>,
    b: Dual<T, N>,
) -> Dual<T, N> {
    let (re, da, db) = rule.eval(a.re, b.re);
    Dual {
        re,
        eps: core::array::from_fn(|k| a.eps[k] * da + b.eps[k] * db),
    }
}

/// `f(a, b)` where `b` is known to have zero tangents: tangent `∂ₐf·ȧ` (the `∂_b f` term is
/// dropped rather than multiplied by zero, so an infinite or NaN `∂_b f` does not leak).
#[inline(always)]
pub(super) fn binary_const_b<T: Scalar, const N: usize, R: BinaryRule>(
    rule: R,
    a: Dual<T, N>,
    b: T,
) -> Dual<T, N> {
    let (re, da, _) = rule.eval(a.re, b);
    Dual {
        re,
        eps: a.eps.map(|e| e * da),
    }
}

/// `f(a, b, c)` for a rule of three arguments.
#[inline(always)]
pub(super) fn ternary<T: Scalar, const N: usize, R: TernaryRule>(
    rule: R,
    a: Dual<T, N>,
    b: Dual<T, N>,
    c: Dual<T, N>,
) -> Dual<T, N> {
    let (re, [da, db, dc]) = rule.eval(a.re, b.re, c.re);
    Dual {
        re,
        eps: core::array::from_fn(|k| a.eps[k] * da + b.eps[k] * db + c.eps[k] * dc),
    }
}

/// The four arithmetic operators and their assigning forms, each through its rule.
macro_rules! arith {
    ($($Op:ident $op:ident $OpAssign:ident $op_assign:ident => $Rule:ident;)*) => {
        $(
            impl<T: Scalar, const N: usize> $Op for Dual<T, N> {
                type Output = Self;
                #[inline(always)]
                fn $op(self, rhs: Self) -> Self {
                    binary(rules::$Rule, self, rhs)
                }
            }
            impl<T: Scalar, const N: usize> $OpAssign for Dual<T, N> {
                #[inline(always)]
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

impl<T: Scalar, const N: usize> Neg for Dual<T, N> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        unary(rules::Neg, self)
    }
}

impl<T: Scalar, const N: usize> Zero for Dual<T, N> {
    #[inline(always)]
    fn zero() -> Self {
        Self::constant(T::zero())
    }
    /// `true` if the value *and* every tangent are zero (unlike `==`, which compares values).
    #[inline(always)]
    fn is_zero(&self) -> bool {
        self.re.is_zero() && self.eps.iter().all(Zero::is_zero)
    }
}

impl<T: Scalar, const N: usize> One for Dual<T, N> {
    #[inline(always)]
    fn one() -> Self {
        Self::constant(T::one())
    }
}
