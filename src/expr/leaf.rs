//! Leaves: variables and constants.

use core::marker::PhantomData;

use super::index::{Idx, Index};
use super::{Ctx, Expr, Sink};
use crate::Scalar;

/// Input number `I` (a `typenum` unsigned) of the function: `x_I`.
///
/// Zero-sized. Make them with [`vars`] (`let (x, y) = vars();`) rather than by naming
/// `typenum` types. An index not below the number of inputs passed to an entry point is a
/// compile error:
///
/// ```compile_fail
/// use tapeless::prelude::*;
/// let (x, y, z) = vars();
/// // Three variables, two inputs: rejected when the crate is built.
/// let _ = gradient(&(x * y * z), [1.0, 2.0]);
/// ```
pub struct Var<I>(PhantomData<I>);

impl<I> Var<I> {
    /// The variable.
    pub const fn new() -> Self {
        Var(PhantomData)
    }
}

impl<I> Default for Var<I> {
    fn default() -> Self {
        Self::new()
    }
}

impl<I> Clone for Var<I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I> Copy for Var<I> {}

impl<I: Index> core::fmt::Debug for Var<I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "x{}", I::USIZE)
    }
}

/// The index `I` checked against `N` inputs when the expression is compiled.
#[cfg(feature = "alloc")]
macro_rules! checked_index {
    ($i:ty, $n:expr) => {
        const {
            assert!(
                <$i as Index>::USIZE < $n,
                "tapeless: the expression uses a variable whose index is not below the number of inputs given (the length of the input array)"
            );
            <$i as Index>::USIZE
        }
    };
}

impl<T: Scalar, I: Index> Expr<T> for Var<I> {
    type Cache = ();
    const CHEAP: bool = true;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, ctx: &C) -> T {
        ctx.input(I::USIZE)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, ctx: &C) -> (T, ()) {
        (self.value(ctx), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, _: &C, _: &(), adj: T, sink: &mut S) {
        sink.add_input(I::USIZE, adj);
    }
    #[inline(always)]
    fn extent(&self) -> usize {
        I::USIZE + 1
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        rec.input_node(checked_index!(I, R::INPUTS))
    }
}

/// A constant, stored as `f64` and converted to the scalar type when evaluated (exact for
/// `f32` literals).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cst(pub f64);

impl<T: Scalar> Expr<T> for Cst {
    type Cache = ();
    const CHEAP: bool = true;
    #[inline(always)]
    fn value<C: Ctx<T>>(&self, _: &C) -> T {
        T::from_f64(self.0)
    }
    #[inline(always)]
    fn forward<C: Ctx<T>>(&self, _: &C) -> (T, ()) {
        (T::from_f64(self.0), ())
    }
    #[inline(always)]
    fn backward<C: Ctx<T>, S: Sink<T>>(&self, _: &C, _: &(), _: T, _: &mut S) {}
    #[inline(always)]
    fn extent(&self) -> usize {
        0
    }
    #[cfg(feature = "alloc")]
    #[inline(always)]
    fn record<R: crate::tape::Recorder<T>>(&self, rec: &mut R) -> crate::tape::Recorded<T> {
        rec.constant(T::from_f64(self.0))
    }
}

/// A tuple of the variables `x0, x1, …` of a function, for [`vars`].
pub trait VarTuple {
    /// The variables.
    fn make() -> Self;
}

macro_rules! var_tuples {
    ($( ($($u:ty),+) )+) => {
        $(
            impl VarTuple for ($(Var<$u>,)+) {
                #[inline(always)]
                fn make() -> Self {
                    ($(Var::<$u>::new(),)+)
                }
            }
        )+
    };
}

var_tuples! {
    (Idx<0>)
    (Idx<0>, Idx<1>)
    (Idx<0>, Idx<1>, Idx<2>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>, Idx<7>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>, Idx<7>, Idx<8>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>, Idx<7>, Idx<8>, Idx<9>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>, Idx<7>, Idx<8>, Idx<9>, Idx<10>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>, Idx<7>, Idx<8>, Idx<9>, Idx<10>, Idx<11>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>, Idx<7>, Idx<8>, Idx<9>, Idx<10>, Idx<11>, Idx<12>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>, Idx<7>, Idx<8>, Idx<9>, Idx<10>, Idx<11>, Idx<12>, Idx<13>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>, Idx<7>, Idx<8>, Idx<9>, Idx<10>, Idx<11>, Idx<12>, Idx<13>, Idx<14>)
    (Idx<0>, Idx<1>, Idx<2>, Idx<3>, Idx<4>, Idx<5>, Idx<6>, Idx<7>, Idx<8>, Idx<9>, Idx<10>, Idx<11>, Idx<12>, Idx<13>, Idx<14>, Idx<15>)
}

/// The variables of a function of up to 16 inputs, as a tuple: `let (x, y) = vars();`
/// gives `x = x0` and `y = x1`.
///
/// For more inputs, name them with `Var::<typenum::U20>::new()`.
///
/// ```
/// use tapeless::prelude::*;
/// let (x, y) = vars();
/// let (v, g) = gradient(&(x * y.sin()), [2.0, 0.0]);
/// assert_eq!(v, 0.0);
/// assert_eq!(<[f64; 2]>::from(g), [0.0, 2.0]);
/// ```
#[inline(always)]
pub fn vars<V: VarTuple>() -> V {
    V::make()
}
