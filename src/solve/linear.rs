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

/// Factors the `n × n` matrix `a` (row-major, in place) as `P·a = L·U` by Gaussian
/// elimination with partial pivoting: `U` on and above the diagonal, the multipliers of the
/// unit lower `L` below it, and in `swaps[k]` the row exchanged with row `k` at step `k`
/// (LAPACK's convention). Singular under the same test as [`solve_in_place`].
pub(crate) fn lu_factor<T: Scalar>(
    a: &mut [T],
    n: usize,
    swaps: &mut [usize],
) -> Result<(), Singular> {
    let norm = a
        .chunks(n.max(1))
        .map(|row| row.iter().map(|v| v.abs().to_f64()).sum::<f64>())
        .fold(0.0_f64, f64::max);
    let tiny = norm * f64::EPSILON * n as f64;
    if n > 0 && (norm.is_nan() || norm == 0.0) {
        return Err(Singular);
    }
    for col in 0..n {
        let mut pivot = col;
        let mut best = a[col * n + col].abs().to_f64();
        for row in col + 1..n {
            let v = a[row * n + col].abs().to_f64();
            if v > best {
                best = v;
                pivot = row;
            }
        }
        if best.is_nan() || best <= tiny {
            return Err(Singular);
        }
        swaps[col] = pivot;
        if pivot != col {
            for k in 0..n {
                a.swap(col * n + k, pivot * n + k);
            }
        }
        let d = a[col * n + col];
        for row in col + 1..n {
            let factor = a[row * n + col] / d;
            a[row * n + col] = factor;
            if factor == T::zero() {
                continue;
            }
            for k in col + 1..n {
                let sub = factor * a[col * n + k];
                a[row * n + k] -= sub;
            }
        }
    }
    Ok(())
}

/// Solves `A·x = b` in place with the factors of [`lu_factor`].
pub(crate) fn lu_solve<T: Scalar>(lu: &[T], n: usize, swaps: &[usize], b: &mut [T]) {
    for (k, &s) in swaps.iter().enumerate().take(n) {
        b.swap(k, s);
    }
    for row in 1..n {
        let mut s = b[row];
        for k in 0..row {
            s -= lu[row * n + k] * b[k];
        }
        b[row] = s;
    }
    for row in (0..n).rev() {
        let mut s = b[row];
        for k in row + 1..n {
            s -= lu[row * n + k] * b[k];
        }
        b[row] = s / lu[row * n + row];
    }
}

/// Solves `Aᵀ·x = b` in place with the factors of [`lu_factor`]: `Uᵀ`, then `Lᵀ`, then the
/// row exchanges undone in reverse order (`Aᵀ = Uᵀ·Lᵀ·P`).
pub(crate) fn lu_solve_transposed<T: Scalar>(lu: &[T], n: usize, swaps: &[usize], b: &mut [T]) {
    for row in 0..n {
        let mut s = b[row];
        for k in 0..row {
            s -= lu[k * n + row] * b[k];
        }
        b[row] = s / lu[row * n + row];
    }
    for row in (0..n).rev() {
        let mut s = b[row];
        for k in row + 1..n {
            s -= lu[k * n + row] * b[k];
        }
        b[row] = s;
    }
    for k in (0..n).rev() {
        b.swap(k, swaps[k]);
    }
}
