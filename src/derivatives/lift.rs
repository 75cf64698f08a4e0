//! Points of dual numbers made on the fly from points of plain numbers.
//!
//! The static engine reads its inputs through [`Ctx`] and writes adjoints through [`Sink`],
//! so a point of duals never has to be stored: these views build each dual input when
//! the sweep reads it, and split each dual adjoint into two plain buffers when the sweep
//! writes it. Nothing is copied or allocated, and no array of duals needs a `Copy` bound.

use crate::Scalar;
use crate::dual::Dual;
use crate::expr::{Ctx, Sink};

/// The inputs `xᵢ + vᵢ·ε`.
pub(crate) struct Along<'a, X: ?Sized> {
    pub(crate) x: &'a X,
    pub(crate) v: &'a X,
}

impl<T: Scalar, X: Ctx<T> + ?Sized> Ctx<Dual<T>> for Along<'_, X> {
    const INPUTS: usize = X::INPUTS;
    const DEPTH: usize = X::DEPTH;
    #[inline(always)]
    fn input(&self, i: usize) -> Dual<T> {
        Dual::new(self.x.input(i), self.v.input(i))
    }
    #[inline(always)]
    fn bound(&self, slot: usize) -> Dual<T> {
        Dual::new(self.x.bound(slot), self.v.bound(slot))
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.x.inputs()
    }
}

/// The inputs `xᵢ + δᵢₖ·ε`: the direction is the `k`-th unit vector.
pub(crate) struct Unit<'a, X: ?Sized> {
    pub(crate) x: &'a X,
    pub(crate) k: usize,
}

impl<T: Scalar, X: Ctx<T> + ?Sized> Ctx<Dual<T>> for Unit<'_, X> {
    const INPUTS: usize = X::INPUTS;
    const DEPTH: usize = X::DEPTH;
    #[inline(always)]
    fn input(&self, i: usize) -> Dual<T> {
        let e = if i == self.k { T::one() } else { T::zero() };
        Dual::new(self.x.input(i), e)
    }
    #[inline(always)]
    fn bound(&self, slot: usize) -> Dual<T> {
        Dual::constant(self.x.bound(slot))
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.x.inputs()
    }
}

/// The inputs `xᵢ + eᵢ·ε` with `N` tangents: input `i` carries the `i`-th unit tangent, so
/// one forward sweep yields the whole gradient.
pub(crate) struct Seeded<'a, X: ?Sized> {
    pub(crate) x: &'a X,
}

impl<T: Scalar, X: Ctx<T> + ?Sized, const N: usize> Ctx<Dual<T, N>> for Seeded<'_, X> {
    const INPUTS: usize = X::INPUTS;
    const DEPTH: usize = X::DEPTH;
    #[inline(always)]
    fn input(&self, i: usize) -> Dual<T, N> {
        Dual::variable(self.x.input(i), i)
    }
    #[inline(always)]
    fn bound(&self, slot: usize) -> Dual<T, N> {
        Dual::constant(self.x.bound(slot))
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.x.inputs()
    }
}

/// A dual adjoint split in two: real parts into `re` (the gradient), tangents into `eps`
/// (the Hessian-vector product).
pub(crate) struct Split<'a, X: ?Sized> {
    pub(crate) re: &'a mut X,
    pub(crate) eps: &'a mut X,
}

impl<T: Scalar, X: Sink<T> + ?Sized> Sink<Dual<T>> for Split<'_, X> {
    const INPUTS: usize = X::INPUTS;
    const DEPTH: usize = X::DEPTH;
    #[inline(always)]
    fn add_input(&mut self, i: usize, v: Dual<T>) {
        self.re.add_input(i, v.re);
        self.eps.add_input(i, v.eps[0]);
    }
    #[inline(always)]
    fn add_bound(&mut self, slot: usize, v: Dual<T>) {
        self.re.add_bound(slot, v.re);
        self.eps.add_bound(slot, v.eps[0]);
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.eps.inputs()
    }
}

/// A dual adjoint of which only the tangents are kept.
pub(crate) struct Tangents<'a, X: ?Sized> {
    pub(crate) eps: &'a mut X,
}

impl<T: Scalar, X: Sink<T> + ?Sized> Sink<Dual<T>> for Tangents<'_, X> {
    const INPUTS: usize = X::INPUTS;
    const DEPTH: usize = X::DEPTH;
    #[inline(always)]
    fn add_input(&mut self, i: usize, v: Dual<T>) {
        self.eps.add_input(i, v.eps[0]);
    }
    #[inline(always)]
    fn add_bound(&mut self, slot: usize, v: Dual<T>) {
        self.eps.add_bound(slot, v.eps[0]);
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.eps.inputs()
    }
}
