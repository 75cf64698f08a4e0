//! Arithmetic operators on handles, through the same rules as the static engine.

use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use super::Var;
use crate::Scalar;
use crate::rules;

/// `var ∘ var`, `var ∘ number`, `number ∘ var` (for `f32` and `f64`) and `var ∘= …`.
macro_rules! binop {
    ($Op:ident $op:ident $OpAssign:ident $op_assign:ident => $Rule:ident) => {
        impl<'t, T: Scalar> $Op for Var<'t, T> {
            type Output = Var<'t, T>;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: Var<'t, T>) -> Var<'t, T> {
                self.binary(rules::$Rule, rhs)
            }
        }
        impl<'t, T: Scalar> $Op<T> for Var<'t, T> {
            type Output = Var<'t, T>;
            #[inline(always)]
            fn $op(self, rhs: T) -> Var<'t, T> {
                self.binary(rules::$Rule, rhs)
            }
        }
        impl<'t, T: Scalar> $OpAssign for Var<'t, T> {
            #[inline(always)]
            #[track_caller]
            fn $op_assign(&mut self, rhs: Var<'t, T>) {
                *self = self.binary(rules::$Rule, rhs);
            }
        }
        impl<T: Scalar> $OpAssign<T> for Var<'_, T> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: T) {
                *self = self.binary(rules::$Rule, rhs);
            }
        }
        binop!(@lhs $Op $op $Rule f64);
        binop!(@lhs $Op $op $Rule f32);
    };
    (@lhs $Op:ident $op:ident $Rule:ident $t:ty) => {
        impl<'t> $Op<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[inline(always)]
            fn $op(self, rhs: Var<'t, $t>) -> Var<'t, $t> {
                rhs.tape.constant(self).binary(rules::$Rule, rhs)
            }
        }
    };
}

binop!(Add add AddAssign add_assign => Add);
binop!(Sub sub SubAssign sub_assign => Sub);
binop!(Mul mul MulAssign mul_assign => Mul);
binop!(Div div DivAssign div_assign => Div);

impl<'t, T: Scalar> Neg for Var<'t, T> {
    type Output = Var<'t, T>;
    #[inline(always)]
    fn neg(self) -> Var<'t, T> {
        self.unary(rules::Neg)
    }
}
