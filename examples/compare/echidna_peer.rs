//! The `echidna` 0.15 peer with its bytecode tape (feature `bytecode`): a function recorded
//! once into a `BytecodeTape` (structure of arrays, constant folding, CSE and dead-code
//! elimination by `optimize`), then re-evaluated at each call by its forward sweep and
//! reverse sweep, with no new recording: the same record-once, run-many use as
//! `tape_replay`. echidna documents that a replay at inputs that would take another branch
//! gives a silently wrong gradient; the workloads here have no branch.
//!
//! The function is the workload's own static expression, evaluated on echidna's recording
//! type `BReverse<f64>` through a thin wrapper that implements this crate's `Scalar` (each
//! method forwards to echidna's operation of the same name), so the operations recorded are
//! those of the expression. `erf`, which echidna lacks, is a custom operation of the tape
//! (value and derivative, re-evaluated at each sweep): what a user of echidna would write.
//!
//! Best use: recorded and optimized once outside the timing, the adjoint buffer reused
//! (`gradient_with_buf`); the gradient comes back in a new `Vec` (echidna's API; no way
//! around it) and is copied to an array.

use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};
use std::cell::Cell;
use std::sync::Arc;

use echidna::bytecode_tape::BtapeGuard;
use echidna::{BReverse, BytecodeTape, CustomOp, CustomOpHandle};
use num_traits::{Float, One, Zero};

use crate::engines::Model;

/// echidna's recording scalar, as this crate's `Scalar`.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Rec(BReverse<f64>);

impl Default for Rec {
    fn default() -> Self {
        Rec(BReverse::constant(0.0))
    }
}

thread_local! {
    /// The handle of the `erf` operation on the tape being recorded.
    static ERF: Cell<Option<CustomOpHandle>> = const { Cell::new(None) };
}

/// `erf` as an echidna custom operation (unary: the second argument is unused).
struct ErfOp;

impl CustomOp<f64> for ErfOp {
    fn eval(&self, a: f64, _: f64) -> f64 {
        <f64 as tapeless::Scalar>::erf(a)
    }
    fn partials(&self, a: f64, _: f64, _: f64) -> (f64, f64) {
        (core::f64::consts::FRAC_2_SQRT_PI * (-a * a).exp(), 0.0)
    }
}

macro_rules! ops {
    ($($Op:ident $op:ident $OpAssign:ident $op_assign:ident;)*) => {$(
        impl $Op for Rec {
            type Output = Rec;
            #[inline]
            fn $op(self, r: Rec) -> Rec {
                Rec(self.0.$op(r.0))
            }
        }
        impl $OpAssign for Rec {
            #[inline]
            fn $op_assign(&mut self, r: Rec) {
                *self = Rec(self.0.$op(r.0));
            }
        }
    )*};
}

ops! {
    Add add AddAssign add_assign;
    Sub sub SubAssign sub_assign;
    Mul mul MulAssign mul_assign;
    Div div DivAssign div_assign;
}

impl Neg for Rec {
    type Output = Rec;
    #[inline]
    fn neg(self) -> Rec {
        Rec(-self.0)
    }
}

impl Zero for Rec {
    fn zero() -> Self {
        Rec(BReverse::constant(0.0))
    }
    fn is_zero(&self) -> bool {
        echidna::Scalar::value(&self.0) == 0.0
    }
}

impl One for Rec {
    fn one() -> Self {
        Rec(BReverse::constant(1.0))
    }
}

macro_rules! forward {
    ($($f:ident),*) => {$(
        #[inline]
        fn $f(self) -> Self {
            Rec(Float::$f(self.0))
        }
    )*};
}

impl tapeless::Scalar for Rec {
    fn from_f64(v: f64) -> Self {
        Rec(BReverse::constant(v))
    }
    fn to_f64(self) -> f64 {
        echidna::Scalar::value(&self.0)
    }
    fn is_nan(self) -> bool {
        echidna::Scalar::value(&self.0).is_nan()
    }
    forward!(
        sqrt, cbrt, exp, exp2, exp_m1, ln, log2, log10, ln_1p, sin, cos, tan, asin, acos, atan,
        sinh, cosh, tanh, asinh, acosh, atanh, abs
    );
    fn sin_cos(self) -> (Self, Self) {
        (Rec(Float::sin(self.0)), Rec(Float::cos(self.0)))
    }
    fn atan2(self, x: Self) -> Self {
        Rec(Float::atan2(self.0, x.0))
    }
    fn hypot(self, y: Self) -> Self {
        Rec(Float::hypot(self.0, y.0))
    }
    fn powi(self, n: i32) -> Self {
        Rec(Float::powi(self.0, n))
    }
    fn powf(self, y: Self) -> Self {
        Rec(Float::powf(self.0, y.0))
    }
    fn mul_add(self, a: Self, b: Self) -> Self {
        Rec(Float::mul_add(self.0, a.0, b.0))
    }
    fn erf(self) -> Self {
        let handle = ERF.get().expect("erf is registered while recording");
        let v = <f64 as tapeless::Scalar>::erf(echidna::Scalar::value(&self.0));
        Rec(self.0.custom_unary(handle, v))
    }
}

/// `M`'s expression recorded at its point into a bytecode tape, then optimized.
pub fn record<M: Model<N>, const N: usize>() -> BytecodeTape<f64>
where
    tapeless::typenum::Const<N>: generic_array::IntoArrayLength,
{
    let x = M::point();
    let mut tape = BytecodeTape::with_capacity(16 * N);
    ERF.set(Some(tape.register_custom(Arc::new(ErfOp))));
    let inputs: [Rec; N] =
        core::array::from_fn(|i| Rec(BReverse::from_tape(x[i], tape.new_input(x[i]))));
    let y = {
        let _guard = BtapeGuard::new(&mut tape);
        tapeless::value(&M::expr::<Rec>(), inputs)
    };
    ERF.set(None);
    tape.set_output(y.0.index());
    tape.optimize();
    tape
}

/// One gradient at `x` on a recorded tape: its forward sweep, then its reverse sweep.
#[inline]
pub fn gradient<const N: usize>(
    tape: &mut BytecodeTape<f64>,
    adjoints: &mut Vec<f64>,
    x: [f64; N],
) -> (f64, [f64; N]) {
    let g = tape.gradient_with_buf(&x, adjoints);
    let mut out = [0.0; N];
    out.copy_from_slice(&g);
    (tape.output_value(), out)
}
