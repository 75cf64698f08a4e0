//! A run-time number of inputs, without a vector of handles.

use super::store::Recorded;
use super::{Tape, Var};
use crate::Scalar;

/// The inputs made by one call of [`Tape::inputs`]: `x.get(i)` is the handle of input `i`.
///
/// A copyable view (the tape, the first node, the caller's values): making it and taking
/// handles from it allocates nothing.
///
/// ```
/// let xs = [3.0, 4.0];
/// let tape = tapeless::Tape::new();
/// let x = tape.inputs(&xs);
/// let norm = x.get(0).hypot(x.get(1));
/// assert_eq!(norm.value(), 5.0);
/// assert_eq!(tape.gradient_vec(norm), [0.6, 0.8]);
/// ```
pub struct Inputs<'t, T> {
    tape: &'t Tape<T>,
    first: u32,
    values: &'t [T],
}

impl<T> Clone for Inputs<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Inputs<'_, T> {}

impl<T: core::fmt::Debug> core::fmt::Debug for Inputs<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Inputs")
            .field("first_node", &self.first)
            .field("values", &self.values)
            .finish()
    }
}

impl<'t, T: Scalar> Inputs<'t, T> {
    pub(super) fn new(tape: &'t Tape<T>, first: u32, values: &'t [T]) -> Self {
        Inputs {
            tape,
            first,
            values,
        }
    }

    /// The number of inputs in the view.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// `true` if the view holds no input.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The handle of input `i` of the view.
    ///
    /// # Panics
    /// If `i` is not below [`len`](Inputs::len), like slice indexing.
    #[inline(always)]
    #[track_caller]
    pub fn get(&self, i: usize) -> Var<'t, T> {
        // The index check comes first, so `i` fits in `u32` below.
        let v = self.values[i];
        Var::from_recorded(self.tape, Recorded::of_node(self.first + i as u32, v))
    }

    /// The handles, in order.
    ///
    /// ```
    /// let tape = tapeless::Tape::new();
    /// let x = tape.inputs(&[1.0, 2.0, 3.0]);
    /// let s = x.iter().fold(tape.constant(0.0), |s, xi| s + xi * xi);
    /// assert_eq!(tape.gradient_vec(s), [2.0, 4.0, 6.0]);
    /// ```
    #[inline]
    pub fn iter(&self) -> InputsIter<'t, T> {
        InputsIter {
            inputs: *self,
            range: 0..self.len(),
        }
    }
}

impl<'t, T: Scalar> IntoIterator for Inputs<'t, T> {
    type Item = Var<'t, T>;
    type IntoIter = InputsIter<'t, T>;
    #[inline]
    fn into_iter(self) -> InputsIter<'t, T> {
        self.iter()
    }
}

/// The handles of an [`Inputs`] view, in order.
#[derive(Clone, Debug)]
pub struct InputsIter<'t, T> {
    inputs: Inputs<'t, T>,
    range: core::ops::Range<usize>,
}

impl<'t, T: Scalar> Iterator for InputsIter<'t, T> {
    type Item = Var<'t, T>;
    #[inline]
    fn next(&mut self) -> Option<Var<'t, T>> {
        self.range.next().map(|i| self.inputs.get(i))
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl<T: Scalar> DoubleEndedIterator for InputsIter<'_, T> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.range.next_back().map(|i| self.inputs.get(i))
    }
}

impl<T: Scalar> ExactSizeIterator for InputsIter<'_, T> {}
