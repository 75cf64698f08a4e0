//! `f64` literals with handles of a tape of dual numbers: `x * 2.0`, `1.0 - x`, `x += 1.0`.
//!
//! The tape's own operators take numbers of the tape's scalar type (`Dual<T>` here); these
//! let a closure written for a `Tape<f64>` read the same on a `Tape<Dual<f64>>`.

use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Sub, SubAssign};

use crate::Scalar;
use crate::dual::Dual;
use crate::tape::Var;

/// `var ∘ f64`, `var ∘= f64` for any dual tape, and `f64 ∘ var` for `Dual<f64>`.
macro_rules! literal_ops {
    ($($Op:ident $op:ident $OpAssign:ident $op_assign:ident;)*) => {$(
        impl<'t, T: Scalar> $Op<f64> for Var<'t, Dual<T>> {
            type Output = Var<'t, Dual<T>>;
            #[inline(always)]
            fn $op(self, rhs: f64) -> Self::Output {
                $Op::$op(self, Dual::<T>::from_f64(rhs))
            }
        }
        impl<T: Scalar> $OpAssign<f64> for Var<'_, Dual<T>> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: f64) {
                *self = $Op::$op(*self, Dual::<T>::from_f64(rhs));
            }
        }
        impl<'t> $Op<Var<'t, Dual<f64>>> for f64 {
            type Output = Var<'t, Dual<f64>>;
            #[inline(always)]
            fn $op(self, rhs: Var<'t, Dual<f64>>) -> Self::Output {
                $Op::$op(rhs.tape().constant(Dual::from_f64(self)), rhs)
            }
        }
    )*};
}

literal_ops! {
    Add add AddAssign add_assign;
    Sub sub SubAssign sub_assign;
    Mul mul MulAssign mul_assign;
    Div div DivAssign div_assign;
}
