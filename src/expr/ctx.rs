//! Where the sweeps read their inputs and write their adjoints.

use generic_array::{
    ArrayLength, GenericArray, IntoArrayLength, sequence::GenericSequence, typenum::Const,
};

use crate::Scalar;

/// `INPUTS` of a point whose length is known only at run time (a slice): the variable
/// indices are then checked against [`Ctx::inputs`] once, before a sweep starts.
pub const RUN_TIME: usize = usize::MAX;

/// Read access to the inputs (and to let-bound values) during a forward sweep.
pub trait Ctx<T> {
    /// The number of inputs: every variable index must be below it. [`RUN_TIME`] for a
    /// point whose length is known only at run time.
    const INPUTS: usize;
    /// The number of enclosing [`let_in`](crate::let_in) bodies.
    const DEPTH: usize;
    /// Input `i` (`i < len()`, checked when the expression is compiled or, for a point of
    /// run-time length, by the entry point before the sweep).
    fn input(&self, i: usize) -> T;
    /// The value bound by the enclosing let at nesting depth `slot`.
    fn bound(&self, slot: usize) -> T;
    /// The number of enclosing [`fold`](fn@crate::fold) steps.
    const FOLDS: usize = 0;
    /// Component `k` of the state of the enclosing fold step at nesting depth `level`.
    #[inline(always)]
    fn state(&self, _level: usize, _k: usize) -> T {
        panic!("{STATE_ESCAPED}")
    }
    /// The number of inputs at run time (`INPUTS` where it is known at compile time).
    #[inline(always)]
    fn inputs(&self) -> usize {
        Self::INPUTS
    }
    /// Inputs `start..start + len` as a slice, where the point holds them so (`None`
    /// otherwise, and by default): a node that reads a block of inputs in order (a dot
    /// product) then checks the range once, not each read.
    #[inline(always)]
    fn input_block(&self, _start: usize, _len: usize) -> Option<&[T]> {
        None
    }
    /// `true` when [`input_block`](Ctx::input_block) gives every block that lies within
    /// the inputs (`false`, the default: it may give `None` for any). A dot product then
    /// takes `None` for a block past the inputs, a broken contract, and panics at once:
    /// its loop has no other way out, so that the compiler keeps nothing live for one.
    const BLOCKS: bool = false;
}

/// Write access to the adjoints during a reverse sweep.
pub trait Sink<T> {
    /// The number of inputs ([`RUN_TIME`] where it is known only at run time).
    const INPUTS: usize;
    /// The number of enclosing [`let_in`](crate::let_in) bodies.
    const DEPTH: usize;
    /// Adds `v` to the adjoint of input `i`.
    fn add_input(&mut self, i: usize, v: T);
    /// Adds `v` to the adjoint of the value bound at nesting depth `slot`.
    fn add_bound(&mut self, slot: usize, v: T);
    /// The number of enclosing [`fold`](fn@crate::fold) steps.
    const FOLDS: usize = 0;
    /// Adds `v` to the adjoint of component `k` of the state of the enclosing fold step at
    /// nesting depth `level`.
    #[inline(always)]
    fn add_state(&mut self, _level: usize, _k: usize, _v: T) {
        panic!("{STATE_ESCAPED}")
    }
    /// The number of inputs at run time (`INPUTS` where it is known at compile time).
    #[inline(always)]
    fn inputs(&self) -> usize {
        Self::INPUTS
    }
    /// The adjoints of inputs `start..start + len` as a slice to add into, where the
    /// buffer holds them so (`None` otherwise, and by default): see
    /// [`Ctx::input_block`].
    #[inline(always)]
    fn input_block_mut(&mut self, _start: usize, _len: usize) -> Option<&mut [T]> {
        None
    }
    /// `true` when [`input_block_mut`](Sink::input_block_mut) gives every block that lies
    /// within the inputs: see [`Ctx::BLOCKS`].
    const BLOCKS: bool = false;
}

/// The message for a state leaf outside its fold: the public API cannot make one.
const STATE_ESCAPED: &str = "tapeless: a fold's state was used outside the fold that made it";

/// The message for a placeholder that got out of its let: it cannot happen through the
/// public API (placeholders are made only while a let is evaluated).
const ESCAPED: &str = "tapeless: a let placeholder was used outside the let that made it";

/// A point at which to evaluate: `[T; N]` or `GenericArray<T, N>`.
///
/// It is both the inputs ([`Ctx`]) and, as a gradient buffer, the place adjoints go
/// ([`Sink`]).
#[diagnostic::on_unimplemented(
    message = "tapeless: `{Self}` is not a point to evaluate at",
    label = "not an array of `{T}`",
    note = "a point is `[T; N]` or `GenericArray<T, N>` with `T` one of `f64`, `f32`, `Dual<T, N>` (for a run-time length, record on a `Tape`)"
)]
pub trait Point<T>: Ctx<T> + Sink<T> + Copy {
    /// The number of inputs, as a type-level length.
    type Len: ArrayLength;
    /// The same values as a `GenericArray`.
    fn into_generic(self) -> GenericArray<T, Self::Len>;
    /// All zeros.
    fn zeros() -> Self;
    /// All `−0`: the additive identity to accumulate adjoints into (an input with no
    /// influence keeps the gradient `−0`, which compares equal to `0`).
    fn neg_zeros() -> Self;
}

impl<T: Scalar, const N: usize> Ctx<T> for [T; N] {
    const INPUTS: usize = N;
    const DEPTH: usize = 0;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        self[i]
    }
    #[inline(always)]
    fn input_block(&self, start: usize, len: usize) -> Option<&[T]> {
        self.get(start..start.checked_add(len)?)
    }
    const BLOCKS: bool = true;
    #[inline(always)]
    fn bound(&self, _slot: usize) -> T {
        panic!("{ESCAPED}")
    }
}

impl<T: Scalar, const N: usize> Sink<T> for [T; N] {
    const INPUTS: usize = N;
    const DEPTH: usize = 0;
    #[inline(always)]
    fn add_input(&mut self, i: usize, v: T) {
        self[i] += v;
    }
    #[inline(always)]
    fn input_block_mut(&mut self, start: usize, len: usize) -> Option<&mut [T]> {
        self.get_mut(start..start.checked_add(len)?)
    }
    const BLOCKS: bool = true;
    #[inline(always)]
    fn add_bound(&mut self, _slot: usize, _v: T) {
        panic!("{ESCAPED}")
    }
}

impl<T: Scalar, const N: usize> Point<T> for [T; N]
where
    Const<N>: IntoArrayLength,
{
    type Len = <Const<N> as IntoArrayLength>::ArrayLength;
    #[inline(always)]
    fn into_generic(self) -> GenericArray<T, Self::Len> {
        GenericArray::from_array(self)
    }
    #[inline(always)]
    fn zeros() -> Self {
        [T::zero(); N]
    }
    #[inline(always)]
    fn neg_zeros() -> Self {
        [-T::zero(); N]
    }
}

impl<T: Scalar, N: ArrayLength> Ctx<T> for GenericArray<T, N> {
    const INPUTS: usize = N::USIZE;
    const DEPTH: usize = 0;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        self[i]
    }
    #[inline(always)]
    fn input_block(&self, start: usize, len: usize) -> Option<&[T]> {
        self.get(start..start.checked_add(len)?)
    }
    const BLOCKS: bool = true;
    #[inline(always)]
    fn bound(&self, _slot: usize) -> T {
        panic!("{ESCAPED}")
    }
}

impl<T: Scalar, N: ArrayLength> Sink<T> for GenericArray<T, N> {
    const INPUTS: usize = N::USIZE;
    const DEPTH: usize = 0;
    #[inline(always)]
    fn add_input(&mut self, i: usize, v: T) {
        self[i] += v;
    }
    #[inline(always)]
    fn input_block_mut(&mut self, start: usize, len: usize) -> Option<&mut [T]> {
        self.get_mut(start..start.checked_add(len)?)
    }
    const BLOCKS: bool = true;
    #[inline(always)]
    fn add_bound(&mut self, _slot: usize, _v: T) {
        panic!("{ESCAPED}")
    }
}

impl<T: Scalar, N: ArrayLength> Point<T> for GenericArray<T, N>
where
    GenericArray<T, N>: Copy,
{
    type Len = N;
    #[inline(always)]
    fn into_generic(self) -> GenericArray<T, N> {
        self
    }
    #[inline(always)]
    fn zeros() -> Self {
        GenericArray::generate(|_| T::zero())
    }
    #[inline(always)]
    fn neg_zeros() -> Self {
        GenericArray::generate(|_| -T::zero())
    }
}

/// The [`Ctx`] and [`Sink`] of a point of run-time length, `[T]` or `Vec<T>`: its length
/// is [`RUN_TIME`], the entry points check the indices against `len()`.
macro_rules! run_time_point {
    ($($(#[$attr:meta])* $ty:ty;)*) => {
        $(
            $(#[$attr])*
            impl<T: Scalar> Ctx<T> for $ty {
                const INPUTS: usize = RUN_TIME;
                const DEPTH: usize = 0;
                #[inline(always)]
                fn input(&self, i: usize) -> T {
                    self[i]
                }
                #[inline(always)]
                fn bound(&self, _slot: usize) -> T {
                    panic!("{ESCAPED}")
                }
                #[inline(always)]
                fn inputs(&self) -> usize {
                    self.len()
                }
                #[inline(always)]
                fn input_block(&self, start: usize, len: usize) -> Option<&[T]> {
                    self.get(start..start.checked_add(len)?)
                }
                const BLOCKS: bool = true;
            }

            $(#[$attr])*
            impl<T: Scalar> Sink<T> for $ty {
                const INPUTS: usize = RUN_TIME;
                const DEPTH: usize = 0;
                #[inline(always)]
                fn add_input(&mut self, i: usize, v: T) {
                    self[i] += v;
                }
                #[inline(always)]
                fn add_bound(&mut self, _slot: usize, _v: T) {
                    panic!("{ESCAPED}")
                }
                #[inline(always)]
                fn inputs(&self) -> usize {
                    self.len()
                }
                #[inline(always)]
                fn input_block_mut(&mut self, start: usize, len: usize) -> Option<&mut [T]> {
                    self.get_mut(start..start.checked_add(len)?)
                }
                const BLOCKS: bool = true;
            }
        )*
    };
}

run_time_point! {
    [T];
    #[cfg(feature = "alloc")]
    alloc::vec::Vec<T>;
}

/// A point passed by reference reads as the point itself (`value(&f, &xs[..])`).
impl<T, C: Ctx<T> + ?Sized> Ctx<T> for &C {
    const INPUTS: usize = C::INPUTS;
    const DEPTH: usize = C::DEPTH;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        (**self).input(i)
    }
    #[inline(always)]
    fn bound(&self, slot: usize) -> T {
        (**self).bound(slot)
    }
    const FOLDS: usize = C::FOLDS;
    #[inline(always)]
    fn state(&self, level: usize, k: usize) -> T {
        (**self).state(level, k)
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        (**self).inputs()
    }
    #[inline(always)]
    fn input_block(&self, start: usize, len: usize) -> Option<&[T]> {
        (**self).input_block(start, len)
    }
    const BLOCKS: bool = C::BLOCKS;
}

/// A buffer passed by mutable reference takes adjoints as the buffer itself.
impl<T, S: Sink<T> + ?Sized> Sink<T> for &mut S {
    const INPUTS: usize = S::INPUTS;
    const DEPTH: usize = S::DEPTH;
    #[inline(always)]
    fn add_input(&mut self, i: usize, v: T) {
        (**self).add_input(i, v);
    }
    #[inline(always)]
    fn add_bound(&mut self, slot: usize, v: T) {
        (**self).add_bound(slot, v);
    }
    const FOLDS: usize = S::FOLDS;
    #[inline(always)]
    fn add_state(&mut self, level: usize, k: usize, v: T) {
        (**self).add_state(level, k, v);
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        (**self).inputs()
    }
    #[inline(always)]
    fn input_block_mut(&mut self, start: usize, len: usize) -> Option<&mut [T]> {
        (**self).input_block_mut(start, len)
    }
    const BLOCKS: bool = S::BLOCKS;
}

/// The context inside a let body: the outer context plus one bound value.
#[derive(Debug)]
pub struct Bound<'a, C, T> {
    pub(crate) outer: &'a C,
    pub(crate) value: T,
}

impl<C: Ctx<T>, T: Copy> Ctx<T> for Bound<'_, C, T> {
    const INPUTS: usize = C::INPUTS;
    const DEPTH: usize = C::DEPTH + 1;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        self.outer.input(i)
    }
    #[inline(always)]
    fn bound(&self, slot: usize) -> T {
        if slot == C::DEPTH {
            self.value
        } else {
            self.outer.bound(slot)
        }
    }
    const FOLDS: usize = C::FOLDS;
    #[inline(always)]
    fn state(&self, level: usize, k: usize) -> T {
        self.outer.state(level, k)
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.outer.inputs()
    }
    #[inline(always)]
    fn input_block(&self, start: usize, len: usize) -> Option<&[T]> {
        self.outer.input_block(start, len)
    }
    const BLOCKS: bool = C::BLOCKS;
}

/// The adjoint sink inside a let body: the outer sink plus the adjoint of one bound value.
#[derive(Debug)]
pub struct BoundAdj<'a, S, T> {
    pub(crate) outer: &'a mut S,
    pub(crate) adj: T,
}

impl<S: Sink<T>, T: Scalar> Sink<T> for BoundAdj<'_, S, T> {
    const INPUTS: usize = S::INPUTS;
    const DEPTH: usize = S::DEPTH + 1;
    #[inline(always)]
    fn add_input(&mut self, i: usize, v: T) {
        self.outer.add_input(i, v);
    }
    #[inline(always)]
    fn add_bound(&mut self, slot: usize, v: T) {
        if slot == S::DEPTH {
            self.adj += v;
        } else {
            self.outer.add_bound(slot, v);
        }
    }
    const FOLDS: usize = S::FOLDS;
    #[inline(always)]
    fn add_state(&mut self, level: usize, k: usize, v: T) {
        self.outer.add_state(level, k, v);
    }
    #[inline(always)]
    fn inputs(&self) -> usize {
        self.outer.inputs()
    }
    #[inline(always)]
    fn input_block_mut(&mut self, start: usize, len: usize) -> Option<&mut [T]> {
        self.outer.input_block_mut(start, len)
    }
    const BLOCKS: bool = S::BLOCKS;
}
