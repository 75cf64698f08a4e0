//! Dense linear solves of static size on the stack.

use generic_array::{ArrayLength, GenericArray};

use crate::Scalar;
use crate::derivatives::Matrix;

/// The matrix has no usable pivot: it is singular to working precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Singular;

/// Solves `a·x = b` in place by Gaussian elimination with partial pivoting: on return `b`
/// holds `x` (and `a` its triangular factor). `O(N³)`, no heap.
///
/// A pivot at or below `N·ε·‖a‖∞` (or a NaN) counts as zero: the system is reported
/// singular rather than solved with an enormous, meaningless step.
pub(crate) fn solve_in_place<T: Scalar, N: ArrayLength>(
    a: &mut Matrix<T, N, N>,
    b: &mut GenericArray<T, N>,
) -> Result<(), Singular> {
    let n = N::USIZE;
    let norm = a
        .iter()
        .map(|row| row.iter().map(|v| v.abs().to_f64()).sum::<f64>())
        .fold(0.0_f64, f64::max);
    let tiny = norm * f64::EPSILON * n as f64;
    if norm.is_nan() || norm == 0.0 {
        return Err(Singular);
    }
    for col in 0..n {
        // The largest remaining entry of this column goes on the diagonal.
        let mut pivot = col;
        let mut best = a[col][col].abs().to_f64();
        for row in col + 1..n {
            let v = a[row][col].abs().to_f64();
            if v > best {
                best = v;
                pivot = row;
            }
        }
        if best.is_nan() || best <= tiny {
            return Err(Singular);
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let d = a[col][col];
        for row in col + 1..n {
            let factor = a[row][col] / d;
            if factor == T::zero() {
                continue;
            }
            a[row][col] = T::zero();
            for k in col + 1..n {
                let sub = factor * a[col][k];
                a[row][k] -= sub;
            }
            let sub = factor * b[col];
            b[row] -= sub;
        }
    }
    for row in (0..n).rev() {
        let mut s = b[row];
        for k in row + 1..n {
            s -= a[row][k] * b[k];
        }
        b[row] = s / a[row][row];
    }
    Ok(())
}
