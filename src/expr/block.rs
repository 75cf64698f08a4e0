//! Blocks: shaped groups of inputs (a vector, a row-major matrix) laid out one after
//! another, so that nobody computes offsets by hand.

use super::At;

/// Lays out blocks of inputs one after another: each block starts where the last ended.
///
/// Sizes may come at run time (`Layout::new()`, then `vector(n)`), or be fixed when the
/// crate is built: every method is a `const fn`, so a layout made in a `const` item is
/// computed by the compiler, and a mistake in it (a layout of a fixed number of inputs,
/// [`Layout::within`], that its blocks overflow) is a compile error with the message
/// below, not a panic.
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::expr::block::{Layout, Matrix, Vector};
/// // A layer y = W·x + b with W 2×3 and b of 2, as one point of 8 inputs.
/// const PARAMS: (Matrix, Vector, usize) = {
///     let mut l = Layout::new();
///     (l.matrix(2, 3), l.vector(2), l.len())
/// };
/// let (w, b, n) = PARAMS;
/// assert_eq!((w.at(1, 0), b.at(1), n), (at(3), at(7), 8));
/// ```
///
/// Blocks that do not fit a layout of a fixed number of inputs do not compile:
///
/// ```compile_fail
/// use tapeless::expr::block::{Layout, Vector};
/// const TOO_MANY: Vector = {
///     let mut l = Layout::within(4);
///     l.vector(3);
///     l.vector(2) // 3 + 2 inputs in a layout of 4
/// };
/// # fn main() { let _ = TOO_MANY; }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    len: usize,
    limit: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Self::new()
    }
}

impl Layout {
    /// An empty layout, with no limit on its length.
    pub const fn new() -> Self {
        Layout {
            len: 0,
            limit: usize::MAX,
        }
    }

    /// An empty layout of at most `inputs` inputs: a block past them panics (in a `const`
    /// item, fails to compile).
    pub const fn within(inputs: usize) -> Self {
        Layout {
            len: 0,
            limit: inputs,
        }
    }

    /// The number of inputs laid out so far: the length of the point.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// `true` if no block has been laid out.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Takes the next `n` inputs.
    #[track_caller]
    const fn take(&mut self, n: usize) -> usize {
        let start = self.len;
        match start.checked_add(n) {
            Some(end) if end <= self.limit => self.len = end,
            _ => panic!("tapeless: the blocks do not fit in the number of inputs of the layout"),
        }
        start
    }

    /// The next `n` inputs, as a vector.
    #[track_caller]
    pub const fn vector(&mut self, n: usize) -> Vector {
        Vector {
            offset: self.take(n),
            len: n,
        }
    }

    /// The next `rows · cols` inputs, as a row-major matrix.
    #[track_caller]
    pub const fn matrix(&mut self, rows: usize, cols: usize) -> Matrix {
        let Some(n) = rows.checked_mul(cols) else {
            panic!("tapeless: the matrix block has more entries than a usize counts")
        };
        Matrix {
            offset: self.take(n),
            rows,
            cols,
        }
    }
}

/// `n` consecutive inputs: `at(i)` is input `offset + i`. Made by [`Layout::vector`] or
/// [`Vector::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Vector {
    offset: usize,
    len: usize,
}

impl Vector {
    /// The inputs `offset..offset + len` (prefer a [`Layout`], which computes offsets).
    pub const fn new(offset: usize, len: usize) -> Self {
        Vector { offset, len }
    }

    /// Entry `i`: input `offset + i`.
    ///
    /// # Panics
    /// If `i` is not below the length of the block (at the caller's line).
    #[inline(always)]
    #[track_caller]
    pub fn at(self, i: usize) -> At {
        if i >= self.len {
            outside("vector", i, self.len);
        }
        At(self.offset + i)
    }

    /// The number of entries.
    pub const fn len(self) -> usize {
        self.len
    }

    /// `true` for a block of no entries.
    pub const fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The index of the first input.
    pub const fn offset(self) -> usize {
        self.offset
    }

    /// The input indices of the block, for slicing a point or a gradient.
    pub const fn range(self) -> core::ops::Range<usize> {
        self.offset..self.offset + self.len
    }
}

/// `rows × cols` consecutive inputs, row-major: `at(r, c)` is input
/// `offset + r·cols + c`. Made by [`Layout::matrix`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Matrix {
    offset: usize,
    rows: usize,
    cols: usize,
}

impl Matrix {
    /// Entry `(r, c)`.
    ///
    /// # Panics
    /// If `r` or `c` is out of the block's shape (at the caller's line).
    #[inline(always)]
    #[track_caller]
    pub fn at(self, r: usize, c: usize) -> At {
        if r >= self.rows {
            outside("matrix's rows", r, self.rows);
        }
        if c >= self.cols {
            outside("matrix's columns", c, self.cols);
        }
        At(self.offset + r * self.cols + c)
    }

    /// Row `r`, as a vector block.
    ///
    /// # Panics
    /// If `r` is not below the number of rows (at the caller's line).
    #[inline(always)]
    #[track_caller]
    pub fn row(self, r: usize) -> Vector {
        if r >= self.rows {
            outside("matrix's rows", r, self.rows);
        }
        Vector {
            offset: self.offset + r * self.cols,
            len: self.cols,
        }
    }

    /// The number of rows.
    pub const fn rows(self) -> usize {
        self.rows
    }

    /// The number of columns.
    pub const fn cols(self) -> usize {
        self.cols
    }

    /// The block's entries as one vector block (row-major).
    pub const fn flat(self) -> Vector {
        Vector {
            offset: self.offset,
            len: self.rows * self.cols,
        }
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn outside(what: &str, i: usize, len: usize) -> ! {
    panic!("tapeless: index {i} is out of range for a {what} of {len}")
}
