//! `det`: the determinant of an ℓ×ℓ matrix by expansion by minors along the first row
//! (O(ℓ!) products), and its gradient ∂det/∂A.
//!
//! `primal` is this crate's plain `f64` evaluation of that recursion: the rows and columns
//! of a minor are kept as linked lists of the ones not yet removed, so no minor is copied,
//! and the 6×6 minors at the bottom are the static expression below, evaluated by
//! [`value`]: the same split as `gradient`'s, so the ratio of the two is the derivative's.
//!
//! `gradient` is the same recursion differentiated by the crate's engines, split where
//! the structure stops being data:
//! - the recursion's top levels on the [`Tape`]: which entries meet in a minor depends on
//!   the columns removed above it, a structure that is data (ℓ, the path down), so each
//!   level's `Σ ±a₀ⱼ·det Sⱼ` is recorded as it runs;
//! - its bottom levels, every 6×6 minor, as one fixed static expression (the expansion of
//!   a 6×6 determinant, about 2000 products, its entries' indices data so its type stays
//!   small): the static engine gives its value and its 36 partials in one fused sweep with
//!   no tape, and [`Tape::external`] records them as one operation on the minor's entries.
//!   ℓ!/6! minors of 36 partials each is 2 M nodes at ℓ = 11, where recording every product
//!   would be about 10⁸.
//!
//! For ℓ ≤ 6 the whole determinant is the static expression: no tape at all.

use generic_array::IntoArrayLength;
use generic_array::typenum::Const;
use serde_json::{Value, json};
use tapeless::Tape;
use tapeless::prelude::*;
use tapeless::tape::Inputs;

use crate::input::{count, numbers_of};
use crate::{Case, Runs};

/// The size of the minors the static engine differentiates whole.
const BOTTOM: usize = 6;

pub fn evaluate(function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    let ell = count(input, "ell")?;
    if ell == 0 {
        return Err("`ell` must be at least 1".into());
    }
    let a = numbers_of(input, "A", ell * ell)?;
    match function {
        "primal" => Ok(json!(runs.time(|| primal(&a, ell)))),
        "gradient" => {
            let mut tape = Tape::new();
            let mut grad = vec![0.0; ell * ell];
            runs.time(|| det_gradient(&mut tape, &a, ell, &mut grad));
            Ok(json!(grad))
        }
        _ => Err(format!(
            "no function `{function}` (det has `primal` and `gradient`)"
        )),
    }
}

pub fn table() -> Vec<Case> {
    // A fixed, well-spread matrix: entries in (0, 1) from a small congruential sequence.
    let ell = 11;
    let mut s: u64 = 31337;
    let a: Vec<f64> = (0..ell * ell)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect();
    vec![Case {
        description: format!("ell={ell}"),
        functions: &["primal", "gradient"],
        input: json!({ "A": a, "ell": ell }),
    }]
}

/// The rows and columns of a minor of an n×n matrix: `next[i]` follows `i`, and
/// `next[n]` is the first; removing one relinks its predecessor.
fn links(n: usize) -> Vec<usize> {
    (1..=n).chain([0]).collect()
}

/// det A by expansion along the first row, recursively: plain `f64` arithmetic down to
/// the 6×6 minors, each of which is the static expression's value (the same split as the
/// gradient, so that their ratio is the cost of the derivative and nothing else).
fn primal(a: &[f64], n: usize) -> f64 {
    match n {
        1 => a[0],
        2 => value(&det2(2, [0, 1]), a),
        3 => value(&det3(3, [0, 1, 2]), a),
        4 => value(&det4(4, [0, 1, 2, 3]), a),
        5 => value(&det5(5, [0, 1, 2, 3, 4]), a),
        6 => value(&det6(6, core::array::from_fn(|i| i)), a),
        _ => {
            let (mut r, mut c) = (links(n), links(n));
            let bottom = det6(BOTTOM, core::array::from_fn(|i| i));
            det_of_minor(a, &bottom, n, n, &mut r, &mut c)
        }
    }
}

/// The determinant of the m×m minor whose rows and columns are listed by `r` and `c`.
fn det_of_minor(
    a: &[f64],
    bottom: &(impl Expr<f64> + Copy),
    n: usize,
    m: usize,
    r: &mut [usize],
    c: &mut [usize],
) -> f64 {
    let row = r[n];
    if m == BOTTOM {
        let rows = follow::<BOTTOM>(r, n);
        let cols = follow::<BOTTOM>(c, n);
        let entries: [f64; BOTTOM * BOTTOM] =
            core::array::from_fn(|k| a[rows[k / BOTTOM] * n + cols[k % BOTTOM]]);
        return value(bottom, entries);
    }
    r[n] = r[row]; // the sub-minors lack this row
    let mut det = 0.0;
    let mut sign = 1.0;
    let (mut prev, mut col) = (n, c[n]);
    for _ in 0..m {
        c[prev] = c[col]; // and this column
        let sub = det_of_minor(a, bottom, n, m - 1, r, c);
        c[prev] = col;
        det += sign * a[row * n + col] * sub;
        sign = -sign;
        (prev, col) = (col, c[col]);
    }
    r[n] = row;
    det
}

/// ∂det/∂A into `grad`.
fn det_gradient(tape: &mut Tape<f64>, a: &[f64], n: usize, grad: &mut [f64]) {
    match n {
        1 => grad[0] = 1.0,
        2 => whole::<4>(&det2(2, [0, 1]), a, grad),
        3 => whole::<9>(&det3(3, [0, 1, 2]), a, grad),
        4 => whole::<16>(&det4(4, [0, 1, 2, 3]), a, grad),
        5 => whole::<25>(&det5(5, [0, 1, 2, 3, 4]), a, grad),
        6 => whole::<36>(&det6(6, [0, 1, 2, 3, 4, 5]), a, grad),
        _ => {
            tape.clear();
            let x = tape.inputs(a);
            let (mut r, mut c) = (links(n), links(n));
            let bottom = det6(BOTTOM, core::array::from_fn(|i| i));
            let det = det_on_tape(tape, &x, &bottom, n, n, &mut r, &mut c);
            tape.gradient(det, grad);
        }
    }
}

/// The static engine's gradient of the whole determinant.
fn whole<const N: usize>(det: &(impl Expr<f64> + Copy), a: &[f64], grad: &mut [f64])
where
    Const<N>: IntoArrayLength,
{
    let x: [f64; N] = a.try_into().expect("ℓ² entries");
    let (_, g) = gradient(det, x);
    grad.copy_from_slice(&g);
}

/// [`det_of_minor`] recorded on the tape down to the 6×6 minors, each of which is the
/// static expression `bottom` recorded as one external operation.
fn det_on_tape<'t>(
    tape: &'t Tape<f64>,
    x: &Inputs<'t, f64>,
    bottom: &(impl Expr<f64> + Copy),
    n: usize,
    m: usize,
    r: &mut [usize],
    c: &mut [usize],
) -> tapeless::tape::Var<'t, f64> {
    let row = r[n];
    if m == BOTTOM {
        let rows = follow::<BOTTOM>(r, n);
        let cols = follow::<BOTTOM>(c, n);
        let entries: [_; BOTTOM * BOTTOM] =
            core::array::from_fn(|k| x.get(rows[k / BOTTOM] * n + cols[k % BOTTOM]));
        return tape.external(&entries, |v| {
            let v: [f64; BOTTOM * BOTTOM] = v.try_into().expect("a minor's entries");
            let (d, g) = tapeless::gradient(bottom, v);
            (d, <[f64; BOTTOM * BOTTOM]>::from(g))
        });
    }
    r[n] = r[row];
    let mut det = tape.constant(0.0);
    let mut sign = 1.0;
    let (mut prev, mut col) = (n, c[n]);
    for _ in 0..m {
        c[prev] = c[col];
        let sub = det_on_tape(tape, x, bottom, n, m - 1, r, c);
        c[prev] = col;
        det += sign * x.get(row * n + col) * sub;
        sign = -sign;
        (prev, col) = (col, c[col]);
    }
    r[n] = row;
    det
}

/// The first `K` entries of the linked list `next` (starting at `next[n]`).
fn follow<const K: usize>(next: &[usize], n: usize) -> [usize; K] {
    let mut at = n;
    core::array::from_fn(|_| {
        at = next[at];
        at
    })
}

// The static determinants: expansion along the first row of the rows `w − k..w` of a
// w×w row-major matrix, over the columns `cols`. One expression type per size, whatever
// the columns (the indices are data: `at`).

/// The k-column list `cols` without its entry `j`.
fn without<const K: usize, const M: usize>(cols: [usize; K], j: usize) -> [usize; M] {
    core::array::from_fn(|i| if i < j { cols[i] } else { cols[i + 1] })
}

/// `+1` for even `j`, `−1` for odd.
fn sign(j: usize) -> f64 {
    if j % 2 == 0 { 1.0 } else { -1.0 }
}

fn det2(w: usize, c: [usize; 2]) -> impl Expr<f64> + Copy {
    let r = w - 2;
    at(r * w + c[0]) * at((r + 1) * w + c[1]) - at(r * w + c[1]) * at((r + 1) * w + c[0])
}

fn det3(w: usize, c: [usize; 3]) -> impl Expr<f64> + Copy {
    let r = w - 3;
    sum(core::array::from_fn::<_, 3, _>(|j| {
        sign(j) * at(r * w + c[j]) * det2(w, without(c, j))
    }))
}

fn det4(w: usize, c: [usize; 4]) -> impl Expr<f64> + Copy {
    let r = w - 4;
    sum(core::array::from_fn::<_, 4, _>(|j| {
        sign(j) * at(r * w + c[j]) * det3(w, without(c, j))
    }))
}

fn det5(w: usize, c: [usize; 5]) -> impl Expr<f64> + Copy {
    let r = w - 5;
    sum(core::array::from_fn::<_, 5, _>(|j| {
        sign(j) * at(r * w + c[j]) * det4(w, without(c, j))
    }))
}

fn det6(w: usize, c: [usize; 6]) -> impl Expr<f64> + Copy {
    let r = w - 6;
    sum(core::array::from_fn::<_, 6, _>(|j| {
        sign(j) * at(r * w + c[j]) * det5(w, without(c, j))
    }))
}
