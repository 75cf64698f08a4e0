//! Every rule of the crate as a value of one type per arity, for engines that store
//! operations as data (a [replay](crate::tape::Replay)) instead of as types.
//!
//! Each enum's `eval` dispatches to the rule it names: no formula is written here.

use super::{BinaryRule, TernaryRule, UnaryRule};
use crate::Scalar;

/// Declares [`UnaryOp`] from the list of unary rules that carry no constant.
macro_rules! unary_op {
    ($( $(#[$doc:meta])* $name:ident => $rule:ident; )*) => {
        /// A unary rule of the crate, as data: one variant per rule, with the rule's
        /// constant where it has one.
        ///
        /// ```
        /// use tapeless::rules::{Sin, UnaryOp, UnaryRule};
        /// let op = Sin.op().unwrap();
        /// assert_eq!(op, UnaryOp::Sin);
        /// assert_eq!(op.eval(0.5_f64), Sin.eval(0.5_f64));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[allow(missing_docs)]
        pub enum UnaryOp {
            Neg,
            Powi(i32),
            Powf(f64),
            $( $rule, )*
        }

        impl UnaryRule for UnaryOp {
            const NAME: &'static str = "unary";
            #[inline(always)]
            fn value<T: Scalar>(self, x: T) -> T {
                self.eval(x).0
            }
            #[inline(always)]
            fn eval<T: Scalar>(self, x: T) -> (T, T) {
                match self {
                    UnaryOp::Neg => super::Neg.eval(x),
                    UnaryOp::Powi(n) => super::Powi(n).eval(x),
                    UnaryOp::Powf(p) => super::Powf(p).eval(x),
                    $( UnaryOp::$rule => super::$rule.eval(x), )*
                }
            }
            #[inline(always)]
            fn op(self) -> Option<UnaryOp> {
                Some(self)
            }
        }

        impl UnaryOp {
            /// The name of the rule.
            ///
            /// ```
            /// assert_eq!(tapeless::rules::UnaryOp::Sqrt.name(), "sqrt");
            /// ```
            pub fn name(self) -> &'static str {
                match self {
                    UnaryOp::Neg => <super::Neg as UnaryRule>::NAME,
                    UnaryOp::Powi(_) => <super::Powi as UnaryRule>::NAME,
                    UnaryOp::Powf(_) => <super::Powf as UnaryRule>::NAME,
                    $( UnaryOp::$rule => <super::$rule as UnaryRule>::NAME, )*
                }
            }
        }
    };
}

super::with_unary_rules!(unary_op);

/// Declares [`BinaryOp`] from the binary rules.
macro_rules! binary_op {
    ($( $rule:ident ),*) => {
        /// A binary rule of the crate, as data.
        ///
        /// ```
        /// use tapeless::rules::{BinaryOp, BinaryRule, Hypot};
        /// assert_eq!(Hypot.op(), Some(BinaryOp::Hypot));
        /// assert_eq!(BinaryOp::Hypot.eval(3.0_f64, 4.0), (5.0, 0.6, 0.8));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum BinaryOp {
            $( $rule, )*
        }

        impl BinaryRule for BinaryOp {
            const NAME: &'static str = "binary";
            #[inline(always)]
            fn value<T: Scalar>(self, a: T, b: T) -> T {
                self.eval(a, b).0
            }
            #[inline(always)]
            fn eval<T: Scalar>(self, a: T, b: T) -> (T, T, T) {
                match self {
                    $( BinaryOp::$rule => super::$rule.eval(a, b), )*
                }
            }
            #[inline(always)]
            fn op(self) -> Option<BinaryOp> {
                Some(self)
            }
        }

        impl BinaryOp {
            /// The name of the rule.
            pub fn name(self) -> &'static str {
                match self {
                    $( BinaryOp::$rule => <super::$rule as BinaryRule>::NAME, )*
                }
            }
        }
    };
}

binary_op!(Add, Sub, Mul, Div, Pow, Atan2, Hypot, Max, Min);

/// A ternary rule of the crate, as data.
///
/// ```
/// use tapeless::rules::{MulAdd, TernaryOp, TernaryRule};
/// assert_eq!(MulAdd.op(), Some(TernaryOp::MulAdd));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TernaryOp {
    /// [`MulAdd`](super::MulAdd).
    MulAdd,
}

impl TernaryRule for TernaryOp {
    const NAME: &'static str = "ternary";
    #[inline(always)]
    fn value<T: Scalar>(self, a: T, b: T, c: T) -> T {
        self.eval(a, b, c).0
    }
    #[inline(always)]
    fn eval<T: Scalar>(self, a: T, b: T, c: T) -> (T, [T; 3]) {
        match self {
            TernaryOp::MulAdd => super::MulAdd.eval(a, b, c),
        }
    }
    #[inline(always)]
    fn op(self) -> Option<TernaryOp> {
        Some(self)
    }
}

impl TernaryOp {
    /// The name of the rule.
    pub fn name(self) -> &'static str {
        match self {
            TernaryOp::MulAdd => <super::MulAdd as TernaryRule>::NAME,
        }
    }
}
