//! The index of a variable, as a type.

use typenum::Unsigned;

/// Input number `N` as a type: the index [`vars`](super::vars) gives its variables
/// (`Var<Idx<0>>`, `Var<Idx<1>>`, …).
///
/// An expression's type shows in compiler messages; `Idx<2>` reads as the number it is,
/// where the `typenum` spelling of 2 is `UInt<UInt<UTerm, B1>, B0>`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Idx<const N: usize>;

/// A variable index known when the crate is built: [`Idx<N>`](Idx), or a `typenum`
/// unsigned (`Var::<typenum::U20>::new()` works as well as `Var::<Idx<20>>::new()`).
pub trait Index {
    /// The index.
    const USIZE: usize;
}

impl<const N: usize> Index for Idx<N> {
    const USIZE: usize = N;
}

impl<U: Unsigned> Index for U {
    const USIZE: usize = U::USIZE;
}
