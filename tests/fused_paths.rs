//! The static engine's shortcuts for expressions of run-time size, each checked against an
//! independent reference (central finite differences, a gradient by hand) and against the
//! same expression swept the long way: the affine rules' fused sweep (`−` of a run-time
//! sum evaluates its terms once), `recompute`, `let_vec` values made by `values_fn`, and
//! the dot product that reads a block of inputs through one slice of the point.

#![allow(clippy::needless_range_loop)] // indices name coordinates: ∂/∂xᵢ

#[macro_use]
mod common;

use core::cell::Cell;

use common::*;
use tapeless::expr::block::{Layout, Vector};
use tapeless::expr::linalg::{dot, matvec, quad_form};
use tapeless::expr::recompute;
use tapeless::expr::share::{let_vec, values_fn};
use tapeless::prelude::*;

/// [`check_gradient_fd`] with this file's tolerance for the value against `primal`.
fn check_fd<E: Expr<f64>>(f: &E, x: &[f64], primal: impl Fn(&[f64]) -> f64, what: &str) {
    check_gradient_fd(f, x, primal, 1e-13, what);
}

/// The gradient by `gradient_into` (the fused sweep) and by `forward` then `backward`.
fn both_ways<E: Expr<f64>>(f: &E, x: &[f64]) -> ((f64, Vec<f64>), (f64, Vec<f64>)) {
    let mut g = vec![0.0; x.len()];
    let v = gradient_into(f, x, &mut g);
    let mut h = vec![0.0; x.len()];
    let (w, cache) = f.forward(&x);
    f.backward(&x, &cache, 1.0, &mut &mut h[..]);
    ((v, g), (w, h))
}

#[test]
fn a_difference_sweeps_a_run_time_sum_once() {
    // f = Σᵢ xᵢ² − 3·x₀ − (−x₁): the sum's terms are made once per gradient, not twice.
    let made = Cell::new(0);
    let made = &made;
    let f = sum_n(4, move |i| {
        made.set(made.get() + 1);
        at(i).square()
    }) - 3.0 * at(0)
        - -at(1);
    let x = point(4);
    let f = checked(4, f);
    made.set(0);
    let mut g = [0.0; 4];
    let v = gradient_into(&f, &x, &mut g);
    assert_eq!(made.get(), 4, "terms made by one gradient");
    let sq: f64 = x.iter().map(|v| v * v).sum();
    assert_close!(v, sq - 3.0 * x[0] + x[1], 1e-15, 0.0);
    let hand = [2.0 * x[0] - 3.0, 2.0 * x[1] + 1.0, 2.0 * x[2], 2.0 * x[3]];
    for i in 0..4 {
        assert_close!(g[i], hand[i], 1e-15, 0.0, "∂/∂x{i}");
    }
    // The same numbers as the two sweeps, bit for bit.
    let ((v1, g1), (v2, g2)) = both_ways(&f, &x);
    assert_eq!((v1, &g1), (v2, &g2));
    check_fd(
        &f,
        &x,
        |x| x.iter().map(|v| v * v).sum::<f64>() - 3.0 * x[0] + x[1],
        "difference",
    );
}

#[test]
fn a_negated_difference_under_a_product_is_cheap_and_exact() {
    // (x₀ − 2)·(−x₁) · sin(x₂): cheap factors swept with the other's value.
    let (a, b, c) = vars();
    let f = (a - 2.0) * -b * c.sin();
    let x = [0.7, -1.3, 0.4];
    let (v, g) = gradient(&f, x);
    let p = (x[0] - 2.0) * -x[1];
    assert_close!(v, p * x[2].sin(), 1e-15, 0.0);
    assert_close!(g[0], -x[1] * x[2].sin(), 1e-15, 0.0);
    assert_close!(g[1], -(x[0] - 2.0) * x[2].sin(), 1e-15, 0.0);
    assert_close!(g[2], p * x[2].cos(), 1e-15, 0.0);
}

#[test]
fn recompute_gives_the_gradient_of_its_expression() {
    // ln(1 + Σᵢ (xᵢ − cᵢ)²), with and without recompute: the same numbers, bit for bit.
    let c = [0.25, -0.5, 1.0, 2.0, -1.5];
    let plain = sum_n(c.len(), move |i| (at(i) - c[i]).square());
    let x = point(c.len());
    let f = (recompute(plain) + 1.0).ln();
    let g0 = (plain + 1.0).ln();
    let ((v, g), _) = both_ways(&f, &x);
    let ((w, h), _) = both_ways(&g0, &x);
    assert_eq!((v, &g), (w, &h));
    let ((v2, g2), (w2, h2)) = both_ways(&f, &x);
    assert_eq!((v2, &g2), (w2, &h2), "fused against forward/backward");
    let primal = |x: &[f64]| {
        (1.0 + x
            .iter()
            .zip(&c)
            .map(|(x, c)| (x - c) * (x - c))
            .sum::<f64>())
        .ln()
    };
    check_fd(&f, &x, primal, "recompute");
    // As a let_vec's values: kept as values only, swept again from them.
    let kept = let_vec(
        core::array::from_fn::<_, 3, _>(|k| recompute(at(k) * at(k + 1))),
        |h| (h.at(0) + h.at(1) * h.at(2)).exp(),
    );
    check_fd(
        &checked(4, kept),
        &point(4),
        |x| (x[0] * x[1] + x[1] * x[2] * x[2] * x[3]).exp(),
        "recompute in let_vec",
    );
}

#[test]
fn values_fn_is_the_array_of_its_values() {
    // Two layers: h = tanh(W·x), y = Σⱼ (Σₖ h_{(j+k) mod 3})² with W 3×2.
    let mut layout = Layout::new();
    let w = layout.matrix(3, 2);
    let x: &[f64; 2] = &[0.3, -0.8];
    let layer = move |j: usize| dot(w.row(j), x).tanh();
    let with_fn = let_vec(values_fn::<3, _, _>(layer), |h| {
        sum_over::<3, _, _>(move |j| (h.at(j) + h.at((j + 1) % 3) * h.at((j + 2) % 3)).square())
    });
    let with_array = let_vec(core::array::from_fn::<_, 3, _>(layer), |h| {
        sum_over::<3, _, _>(move |j| (h.at(j) + h.at((j + 1) % 3) * h.at((j + 2) % 3)).square())
    });
    let p = point(6);
    let ((v, g), (v2, g2)) = both_ways(&with_fn, &p);
    assert_eq!((v, &g), (v2, &g2));
    let ((w_, h_), _) = both_ways(&with_array, &p);
    assert_eq!((v, &g), (w_, &h_), "values_fn against the array");
    let primal = |p: &[f64]| {
        let h: Vec<f64> = (0..3)
            .map(|j| (p[2 * j] * x[0] + p[2 * j + 1] * x[1]).tanh())
            .collect();
        (0..3)
            .map(|j| (h[j] + h[(j + 1) % 3] * h[(j + 2) % 3]).powi(2))
            .sum()
    };
    check_fd(&with_fn, &p, primal, "values_fn");
    assert_eq!(value(&with_fn, p.as_slice()), v);
}

/// `Σᵢ block[i]·data[i]` written as a run-time sum, to compare the dot product's gradient
/// with.
fn dot_by_sum(block: Vector, data: &[f64]) -> impl Expr<f64> + '_ {
    sum_n(data.len(), move |i| block.at(i) * data[i])
}

/// `Σᵢ aᵢ·bᵢ` in the order the dot product documents: product `i` into sum `i mod 4`, the
/// total `(s₀ + s₁) + (s₂ + s₃)`.
fn in_four_sums(a: &[f64], b: &[f64]) -> f64 {
    let mut s = [0.0; 4];
    for (i, (a, b)) in a.iter().zip(b).enumerate() {
        s[i % 4] += a * b;
    }
    (s[0] + s[1]) + (s[2] + s[3])
}

/// Data whose products round: thirds and sevenths of mixed signs and magnitudes.
fn rounding_data(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| (1.0 + i as f64) / 3.0 * if i % 3 == 1 { -7e2 } else { 1.0 / 7.0 })
        .collect()
}

#[test]
fn dot_of_a_block_reads_it_as_the_sum_does() {
    for n in [0, 1, 2, 3, 4, 5, 7, 9, 130] {
        let data = rounding_data(n);
        let d = &data[..];
        let x = point(n + 3);
        let block = Vector::new(3, n);
        let expected = dot_by_sum(block, d);
        let sum = in_four_sums(d, &x[3..]);
        // Both orders, on a slice, a Vec and an array; the gradient is the sum's, and the
        // value is summed in four sums by every path.
        let a = checked(n + 3, dot(block, d));
        let b = checked(n + 3, dot(d, block));
        let ((_, ge), _) = both_ways(&expected, &x);
        let ((va, ga), (va2, ga2)) = both_ways(&a, &x);
        let ((vb, gb), (vb2, gb2)) = both_ways(&b, &x);
        assert_eq!((va, &ga), (sum, &ge), "block·data, n = {n}");
        assert_eq!((vb, &gb), (sum, &ge), "data·block, n = {n}");
        assert_eq!((va2, &ga2), (sum, &ge), "block·data by two sweeps, n = {n}");
        assert_eq!((vb2, &gb2), (sum, &ge), "data·block by two sweeps, n = {n}");
        assert_eq!(value(&a, &x[..]), sum, "value, n = {n}");
        let hand: Vec<f64> = (0..n + 3)
            .map(|i| if i < 3 { 0.0 } else { d[i - 3] })
            .collect();
        assert_eq!(ga, hand, "gradient by hand, n = {n}");
        let primal = |x: &[f64]| d.iter().zip(&x[3..]).map(|(d, x)| d * x).sum::<f64>();
        check_fd(&a, &x, primal, "dot");
        // A Vec point and a gradient Vec.
        let xv = x.clone();
        let mut gv = vec![0.0; n + 3];
        assert_eq!(gradient_into(&a, &xv, &mut gv), sum);
        assert_eq!(gv, ge);
        // Dual numbers (no slice of the point): the same value, and the tangent is the
        // dot product with the direction.
        let v = rounding_data(n + 3);
        let (y, dy) = tapeless::jvp(&a, &x[..], &v[..]);
        assert_eq!(y, sum, "value on dual numbers, n = {n}");
        assert_eq!(dy, in_four_sums(d, &v[3..]), "tangent, n = {n}");
    }
    // An array point of compile-time length.
    let d = [0.5, -1.25, 2.0];
    let f = dot(Vector::new(1, 3), &d);
    let (v, g) = gradient(&f, [9.0, 1.0, 2.0, 4.0]);
    assert_eq!(v, 0.5 - 2.5 + 8.0);
    assert_eq!(<[f64; 4]>::from(g), [0.0, 0.5, -1.25, 2.0]);
}

#[test]
fn every_engine_sums_a_dot_product_in_four_sums() {
    // Long enough that the order shows: one running sum gives other bits.
    const N: usize = 130;
    let d = rounding_data(N);
    let x: [f64; 2 * N] = core::array::from_fn(|i| point(2 * N)[i]);
    let (u, w) = x.split_at(N);
    let serial: f64 = d.iter().zip(u).map(|(d, u)| d * u).sum();
    assert_ne!(
        in_four_sums(&d, u),
        serial,
        "the data must tell the orders apart"
    );
    // A block and data (through a slice of the point), two blocks (entry by entry).
    let with_data = dot(Vector::new(0, N), &d[..]);
    let blocks = dot(Vector::new(0, N), Vector::new(N, N));
    let tape = Tape::new();
    let (_, y) = tape.record(&with_data, x);
    assert_eq!(y.value(), in_four_sums(&d, u), "tape: block·data");
    let (_, y) = tape.record(&blocks, x);
    assert_eq!(y.value(), in_four_sums(u, w), "tape: block·block");
    let mut g = [0.0; 2 * N];
    assert_eq!(gradient_into(&blocks, &x[..], &mut g), in_four_sums(u, w));
    assert_eq!(value(&blocks, &x[..]), in_four_sums(u, w));
    let (y, _) = gradient(&with_data, x);
    assert_eq!(y, in_four_sums(&d, u), "array point: block·data");
}

#[test]
fn dot_of_a_block_and_a_lets_values() {
    // y = Σⱼ tanh(wⱼ·h) + h·wⱼ with h = (x₀x₁, x₁x₂, x₂x₀): rows of W read through slices.
    let mut layout = Layout::new();
    let front = layout.vector(3);
    let w = layout.matrix(2, 3);
    let hidden: [_; 3] = core::array::from_fn(|k| recompute(front.at(k) * front.at((k + 1) % 3)));
    let f = checked(
        9,
        let_vec(hidden, move |h| {
            sum_over::<2, _, _>(move |j| dot(w.row(j), h).tanh() + dot(h, w.row(j)))
        }),
    );
    let x = point(9);
    let primal = |x: &[f64]| {
        let h = [x[0] * x[1], x[1] * x[2], x[2] * x[0]];
        (0..2)
            .map(|j| {
                let s: f64 = (0..3).map(|k| x[3 + 3 * j + k] * h[k]).sum();
                s.tanh() + s
            })
            .sum()
    };
    check_fd(&f, &x, primal, "dot with a let's values");
    let ((v, g), (v2, g2)) = both_ways(&f, &x);
    assert_eq!((v, &g), (v2, &g2));
}

#[test]
fn dot_of_two_blocks_and_second_order() {
    // Overlapping blocks (no slice shortcut): x·x and a quadratic form; and an hvp, whose
    // sink holds no slices.
    let n = 4;
    let v = Vector::new(0, n);
    let f = checked(n, dot(v, v) + quad_form(matvec_rows(), v) * 0.5);
    let x = point(n);
    let a = matrix();
    let primal = |x: &[f64]| {
        let xx: f64 = x.iter().map(|v| v * v).sum();
        let mut q = 0.0;
        for r in 0..4 {
            for c in 0..4 {
                q += x[r] * a[r * 4 + c] * x[c];
            }
        }
        xx + 0.5 * q
    };
    check_fd(&f, &x, primal, "two blocks");
    // Hessian-vector product: (2I + (A + Aᵀ)/2)·u.
    let u = [1.0, -0.5, 0.25, 2.0];
    let mut g = vec![0.0; n];
    let mut hv = vec![0.0; n];
    tapeless::hvp_into(&f, &x, &u, &mut g, &mut hv);
    for r in 0..n {
        let mut e = 2.0 * u[r];
        for c in 0..n {
            e += 0.5 * (a[r * 4 + c] + a[c * 4 + r]) * u[c];
        }
        assert_close!(hv[r], e, 1e-14, 1e-14, "hvp {r}");
    }
    // matvec's entries are dot products of data rows with a block.
    let m = matvec(tapeless::expr::linalg::DataMatrix::new(&MATRIX, 4), v);
    let row1 = checked(n, m.entry_at(1));
    check_fd(
        &row1,
        &x,
        |x| (0..4).map(|c| MATRIX[4 + c] * x[c]).sum(),
        "matvec row",
    );
}

const MATRIX: [f64; 16] = [
    1.0, 0.5, -0.25, 0.0, 2.0, -1.0, 0.75, 0.5, 0.0, 0.25, 1.5, -2.0, -0.5, 1.0, 0.0, 0.125,
];

fn matrix() -> [f64; 16] {
    MATRIX
}

fn matvec_rows() -> tapeless::expr::linalg::DataMatrix<'static> {
    tapeless::expr::linalg::DataMatrix::new(&MATRIX, 4)
}

/// The entry `r` of a matrix-vector product, as an expression.
trait EntryAt {
    type E;
    fn entry_at(&self, r: usize) -> Self::E;
}

impl<M: tapeless::expr::linalg::Rows, V: tapeless::expr::linalg::Entries> EntryAt
    for tapeless::expr::linalg::MatVec<M, V>
{
    type E = <Self as tapeless::expr::linalg::Entries>::Entry;
    fn entry_at(&self, r: usize) -> Self::E {
        tapeless::expr::linalg::Entries::entry(self, r)
    }
}

/// A dot product's extent is its block's end, found without a walk: a point one input too
/// short is refused before any work, naming the index and the length, and one long enough
/// is differentiated (the data side reads no input), against the closed form.
#[test]
fn a_dot_products_extent_is_its_blocks_end() {
    let data = [0.5, -2.0, 3.0];
    let f = dot(Vector::new(2, 3), &data[..]);
    let short = std::panic::catch_unwind(|| {
        let mut g = [0.0; 4];
        gradient_into(&f, &[1.0; 4], &mut g)
    });
    let message = *short
        .expect_err("a point of 4 inputs is too short")
        .downcast::<String>()
        .unwrap();
    assert!(
        message.contains("reads input 4, but the point has 4 inputs"),
        "{message}"
    );
    let x = [9.0, 9.0, 1.0, 2.0, 3.0];
    let mut g = [0.0; 5];
    let v = gradient_into(&f, &x[..], &mut g);
    assert_eq!(v, 0.5 * 1.0 - 2.0 * 2.0 + 3.0 * 3.0);
    assert_eq!(g, [0.0, 0.0, 0.5, -2.0, 3.0]);
}
