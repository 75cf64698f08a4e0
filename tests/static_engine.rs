//! The static engine on whole functions: Rosenbrock and Black-Scholes against their
//! analytic gradients, deep let chains, expressions of over a thousand nodes, nested
//! lets, select, array reductions, f32, seeded backprop and `GenericArray` inputs.
//!
//! Tolerances: analytic gradients in f64 to 1e-12 relative (absolute 0: the points are
//! chosen away from cancellation); finite differences as in `common`; f32 as stated per
//! test.

#[macro_use]
mod common;

use common::*;
use tapeless::prelude::*;
use tapeless::{GenericArray, Var, typenum};

#[test]
fn rosenbrock_matches_its_analytic_gradient() {
    let f = rosenbrock_expr();
    let points = [
        [-1.2, 1.0],
        [1.0, 1.0],
        [0.0, 0.0],
        [2.5, -3.0],
        [1e-3, 1e3],
        [-0.5, 0.25],
        [3.0, 9.0],
        [0.3, -0.7],
    ];
    for p in points {
        let (rv, rg) = rosenbrock(p[0], p[1]);
        let (v, g) = gradient(&f, p);
        assert_close!(v, rv, 1e-12, 0.0, "value at {p:?}");
        assert_close!(value(&f, p), rv, 1e-12, 0.0, "value() at {p:?}");
        for i in 0..2 {
            assert_close!(g[i], rg[i], 1e-12, 0.0, "∂{i} at {p:?}");
        }
        // The same expression evaluated in f32, against the f64 gradient at the rounded
        // point: a few f32 roundings on terms up to 100·(y − x²)².
        let pf = p.map(|t| t as f32);
        let (rv, rg) = rosenbrock(f64::from(pf[0]), f64::from(pf[1]));
        let (v, g) = gradient(&f, pf);
        let scale = 1.0 + 400.0 * (rv.abs() + rg[0].abs());
        assert_close!(v, rv, REL32, 1e-6 * scale, "f32 value at {pf:?}");
        for i in 0..2 {
            assert_close!(g[i], rg[i], REL32, 1e-6 * scale, "f32 ∂{i} at {pf:?}");
        }
    }
}

#[test]
fn chained_rosenbrock_from_a_balanced_sum() {
    // Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² over a chain of 5 variables.
    let (a, b, c, d, e) = vars();
    let f = sum((
        (a - 1.0).powi(2) + 100.0 * (b - a * a).powi(2),
        (b - 1.0).powi(2) + 100.0 * (c - b * b).powi(2),
        (c - 1.0).powi(2) + 100.0 * (d - c * c).powi(2),
        (d - 1.0).powi(2) + 100.0 * (e - d * d).powi(2),
    ));
    let p = [-1.2, 1.0, 0.5, -0.3, 2.0];
    let (v, g) = gradient(&f, p);
    let mut want_v = 0.0;
    let mut want = [0.0; 5];
    for i in 0..4 {
        let (ri, gi) = rosenbrock(p[i], p[i + 1]);
        want_v += ri;
        want[i] += gi[0];
        want[i + 1] += gi[1];
    }
    assert_close!(v, want_v, 1e-12, 0.0);
    for i in 0..5 {
        assert_close!(g[i], want[i], 1e-12, 0.0, "∂{i}");
    }
}

#[test]
fn black_scholes_greeks_match_closed_forms() {
    let f = black_scholes();
    for p in MARKETS {
        let (price, greeks) = black_scholes_closed(p);
        let (v, g) = gradient(&f, p);
        assert_close!(v, price, 1e-12, 0.0, "price at {p:?}");
        for (i, name) in ["delta", "∂K", "rho", "vega", "∂T"].iter().enumerate() {
            assert_close!(g[i], greeks[i], 1e-12, 0.0, "{name} at {p:?}");
            let fd = fd_partial(|q| black_scholes_closed(q).0, p, i);
            assert_fd!(g[i], fd, "{name} vs finite difference at {p:?}");
        }
    }
}

#[test]
fn black_scholes_in_f32() {
    // The same expression in f32. C = S·N(d1) − K·e^{−rT}·N(d2) subtracts terms up to ~10×
    // the price, and the greeks come out of similar cancellations: about one digit of f32's
    // seven is lost. Tolerance: 1e-5 relative, plus 1e-6 of the spot price absolute for
    // the results near 0.
    let f = black_scholes();
    for p in MARKETS {
        let pf = p.map(|t| t as f32);
        let (price, greeks) = black_scholes_closed(pf.map(f64::from));
        let (v, g) = gradient(&f, pf);
        let tol = 1e-6 * p[0];
        assert_close!(v, price, REL32, tol, "f32 price at {pf:?}");
        for i in 0..5 {
            assert_close!(g[i], greeks[i], REL32, tol, "f32 ∂{i} at {pf:?}");
        }
    }
}

#[test]
fn repeated_squaring_twenty_levels_deep() {
    let (x,) = vars();
    let y = squarings!(x; 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20);
    // Linear in depth: without sharing, the tree would hold 2²⁰ copies of x.
    let cache = size_of_cache(&y);
    assert!(cache <= 20 * 64, "cache of {cache} bytes for 20 levels");
    const N: f64 = 1_048_576.0; // 2²⁰
    // y = x^(2²⁰) and y' = 2²⁰·x^(2²⁰ − 1), from exp and ln_1p (accurate to a few ε).
    // Each of the 20 squarings doubles the relative error it receives and adds one
    // rounding, so the engine's result may be off by up to about 2²¹ε ≈ 5e-10: compare
    // at 1e-9.
    for p in [1.0 + 2f64.powi(-22), 1.0 + 1e-7, 1.0 - 3e-7] {
        let t = (p - 1.0).ln_1p();
        let (v, g) = gradient(&y, [p]);
        assert_close!(v, (N * t).exp(), 1e-9, 0.0, "value at {p}");
        assert_close!(
            g[0],
            N * ((N - 1.0) * t).exp(),
            1e-9,
            0.0,
            "derivative at {p}"
        );
    }
    // Three levels, exactly: x⁸.
    let y3 = squarings!(x; 1 2 3);
    let (v, g) = gradient(&y3, [1.5]);
    assert_close!(v, 1.5_f64.powi(8), 1e-15, 0.0);
    assert_close!(g[0], 8.0 * 1.5_f64.powi(7), 1e-15, 0.0);
}

/// One term of the big expression; written once for expression nodes and for `f64`.
macro_rules! term {
    ($a:ident $b:ident $c:ident $k:expr) => {
        ($a * $b * $k).sin() + ($a - $k * $c).exp() * $b
    };
}

/// Ten terms over four variables, reduced by `$s` (15 nodes per term: 6 binary, 2 unary,
/// 7 leaves; 9 more additions to sum ten of them: 159 nodes).
macro_rules! block {
    ($s:ident; $a:ident $b:ident $c:ident $d:ident $k:expr) => {
        $s!(
            term!($a $b $c $k),
            term!($b $c $d $k),
            term!($c $d $a $k),
            term!($d $a $b $k),
            term!($a $c $d $k),
            term!($b $d $a $k),
            term!($c $a $b $k),
            term!($d $b $c $k),
            term!($a $d $b $k),
            term!($b $a $c $k)
        )
    };
}

/// Eight blocks over eight variables: 8·159 + 7 = 1,279 nodes.
macro_rules! big {
    ($s:ident; $x0:ident $x1:ident $x2:ident $x3:ident $x4:ident $x5:ident $x6:ident $x7:ident) => {
        $s!(
            block!($s; $x0 $x1 $x2 $x3 0.1),
            block!($s; $x4 $x5 $x6 $x7 0.2),
            block!($s; $x1 $x3 $x5 $x7 0.3),
            block!($s; $x0 $x2 $x4 $x6 0.4),
            block!($s; $x7 $x6 $x5 $x4 0.5),
            block!($s; $x3 $x2 $x1 $x0 0.6),
            block!($s; $x0 $x7 $x1 $x6 0.7),
            block!($s; $x2 $x5 $x3 $x4 0.8)
        )
    };
}

/// A balanced sum of expression nodes.
macro_rules! tuple_sum {
    ($($e:expr),*) => { sum(($($e,)*)) };
}

/// The same sum of plain numbers.
macro_rules! plain_sum {
    ($($e:expr),*) => { 0.0 $(+ $e)* };
}

/// The big expression in plain `f64`, the reference.
fn big_plain(x: [f64; 8]) -> f64 {
    let [x0, x1, x2, x3, x4, x5, x6, x7] = x;
    big!(plain_sum; x0 x1 x2 x3 x4 x5 x6 x7)
}

#[test]
fn over_a_thousand_nodes_from_balanced_tuples() {
    // Built from nested balanced sums (depth about 12), so it compiles with the default
    // recursion limit.
    let (x0, x1, x2, x3, x4, x5, x6, x7) = vars();
    let f = big!(tuple_sum; x0 x1 x2 x3 x4 x5 x6 x7);
    for p in [
        [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8],
        [1.0, 0.5, -1.0, 0.25, -0.5, 2.0, 0.0, 1.5],
    ] {
        let (v, g) = gradient(&f, p);
        assert_close!(v, big_plain(p), 1e-13, 0.0, "value at {p:?}");
        assert_close!(value(&f, p), big_plain(p), 1e-13, 0.0, "value() at {p:?}");
        for i in 0..8 {
            assert_fd!(g[i], fd_partial(big_plain, p, i), "∂{i} at {p:?}");
        }
    }
}

#[test]
fn over_a_thousand_nodes_from_an_array() {
    // 200 terms of one type (8 nodes each) in one flat node: f = y·Σ sin(cᵢx).
    let (x, y) = vars();
    let f = sum(core::array::from_fn::<_, 200, _>(|i| {
        (x * (i as f64 + 1.0) * 0.01).sin() * y
    }));
    let p = [0.7, -1.3];
    let (mut v, mut gx, mut gy) = (0.0, 0.0, 0.0);
    for i in 0..200 {
        let c = (i as f64 + 1.0) * 0.01;
        let arg = p[0] * (i as f64 + 1.0) * 0.01;
        v += arg.sin() * p[1];
        gx += c * arg.cos() * p[1];
        gy += arg.sin();
    }
    let (fv, g) = gradient(&f, p);
    assert_close!(fv, v, 1e-12, 0.0);
    assert_close!(g[0], gx, 1e-12, 0.0);
    assert_close!(g[1], gy, 1e-12, 0.0);
}

#[test]
fn lets_nest_in_the_bound_and_in_the_body() {
    let (x, y) = vars();
    // q = (x + y)², r = sin q, f = r·q + r·x: a let in the bound, another in the body.
    let f = let_in(let_in(x + y, |s| s * s), |q| {
        let_in(q.sin(), move |r| r * q + r * x)
    });
    let plain = |p: [f64; 2]| {
        let q = (p[0] + p[1]).powi(2);
        q.sin() * q + q.sin() * p[0]
    };
    let p = [0.4, 0.9];
    let (s, q) = (p[0] + p[1], (p[0] + p[1]).powi(2));
    let common = q.cos() * 2.0 * s * q + q.sin() * 2.0 * s + q.cos() * 2.0 * s * p[0];
    let (v, g) = gradient(&f, p);
    assert_close!(v, plain(p));
    assert_close!(g[0], common + q.sin());
    assert_close!(g[1], common);
    for i in 0..2 {
        assert_fd!(g[i], fd_partial(plain, p, i), "∂{i}");
    }

    // An outer placeholder used inside an inner let's bound and body: P = eˣ,
    // Q = P·y + y²·P, f = Q² + P.
    let f = let_in(x.exp(), move |p| {
        let_in(p * y + let_in(y, move |r| r * r * p), move |q| q * q + p)
    });
    let pt = [0.3, -0.8];
    let (e, yy) = (pt[0].exp(), pt[1]);
    let q = e * (yy + yy * yy);
    let (v, g) = gradient(&f, pt);
    assert_close!(v, q * q + e);
    assert_close!(g[0], 2.0 * q * q + e);
    assert_close!(g[1], 2.0 * q * e * (1.0 + 2.0 * yy));

    // Three levels, every placeholder used in the innermost body: a = x, b = a·y,
    // c = b + a, f = a·b·c = x³y² + x³y. The method form of let_in.
    let f = x.let_in(|a| (a * y).let_in(move |b| (b + a).let_in(move |c| a * b * c)));
    let (v, g) = gradient(&f, [1.5, -2.0]);
    let (a, b) = (1.5_f64, -2.0_f64);
    assert_close!(v, a.powi(3) * b * b + a.powi(3) * b);
    assert_close!(g[0], 3.0 * a * a * b * b + 3.0 * a * a * b);
    assert_close!(g[1], 2.0 * a.powi(3) * b + a.powi(3));
}

#[test]
fn a_placeholder_used_eighteen_times() {
    let (x, y) = vars();
    let f = let_in(x * y, |p| {
        sum((
            p,
            p * p,
            p.sin(),
            p.exp() * p,
            p / (1.0 + p * p),
            p.sqrt(),
            p.ln(),
            -p,
            p.powi(3),
            p.tanh(),
            p * p * p * p,
        ))
    });
    let g_of = |p: f64| {
        p + p * p + p.sin() + p.exp() * p + p / (1.0 + p * p) + p.sqrt() + p.ln() - p
            + p.powi(3)
            + p.tanh()
            + p.powi(4)
    };
    let dg = |p: f64| {
        1.0 + 2.0 * p
            + p.cos()
            + p.exp() * (1.0 + p)
            + (1.0 - p * p) / (1.0 + p * p).powi(2)
            + 0.5 / p.sqrt()
            + 1.0 / p
            - 1.0
            + 3.0 * p * p
            + 1.0 / p.cosh().powi(2)
            + 4.0 * p.powi(3)
    };
    for pt in [[0.8, 1.3], [2.0, 0.1], [0.05, 3.0]] {
        let p = pt[0] * pt[1];
        let (v, g) = gradient(&f, pt);
        assert_close!(v, g_of(p), 1e-13, 0.0, "value at {pt:?}");
        assert_close!(g[0], pt[1] * dg(p), 1e-12, 0.0, "∂x at {pt:?}");
        assert_close!(g[1], pt[0] * dg(p), 1e-12, 0.0, "∂y at {pt:?}");
    }
}

#[test]
fn select_differentiates_the_branch_taken_only() {
    let (x,) = vars();
    // The square root is not evaluated for x ≤ 0: no NaN leaks into the gradient.
    let f = select(gt(x, 0.0), x.sqrt(), 0.0);
    let (v, g) = gradient(&f, [-1.0]);
    assert_eq!((v, g[0]), (0.0, 0.0));
    let (v, g) = gradient(&f, [4.0]);
    assert_close!(v, 2.0);
    assert_close!(g[0], 0.25);
    let f = select(gt(x, 0.0), x.ln(), x * 3.0);
    assert_close!(gradient(&f, [-2.0]).1[0], 3.0);
    assert_close!(gradient(&f, [2.0]).1[0], 0.5);

    // At the boundary, ≥ and ≤ take the first branch, > and < the second.
    let then = x * x; // derivative 2 at 1
    let other = 3.0 * x - 2.0; // derivative 3; both are 1 at x = 1
    for (g, want) in [
        (gradient(&select(ge(x, 1.0), then, other), [1.0]).1[0], 2.0),
        (gradient(&select(le(x, 1.0), then, other), [1.0]).1[0], 2.0),
        (gradient(&select(gt(x, 1.0), then, other), [1.0]).1[0], 3.0),
        (gradient(&select(lt(x, 1.0), then, other), [1.0]).1[0], 3.0),
    ] {
        assert_eq!(g, want);
    }

    // A condition on an expression of two variables; branches using both.
    let (a, b) = vars();
    let f = select(lt(a * b, 1.0), a.sin() * b, (a - b).exp());
    for p in [[0.5, 0.5], [2.0, 3.0], [-1.0, 4.0]] {
        let plain = |q: [f64; 2]| {
            if q[0] * q[1] < 1.0 {
                q[0].sin() * q[1]
            } else {
                (q[0] - q[1]).exp()
            }
        };
        let (v, g) = gradient(&f, p);
        assert_close!(v, plain(p));
        for i in 0..2 {
            assert_fd!(g[i], fd_partial(plain, p, i), "∂{i} at {p:?}");
        }
    }
}

#[test]
fn array_products_with_zero_factors() {
    // f = (x − 1)(y − 2)(x − 3)(y − 4) = A(x)·B(y), terms of one type through placeholders.
    let (x, y) = vars();
    let f = let_in(x, move |p| {
        let_in(y, move |q| product([p - 1.0, q - 2.0, p - 3.0, q - 4.0]))
    });
    for pt in [
        [0.5_f64, 3.5],
        [1.0, 5.0],
        [1.0, 2.0],
        [3.0, 4.0],
        [2.0, 3.0],
    ] {
        let [u, w] = pt;
        let (a, b) = ((u - 1.0) * (u - 3.0), (w - 2.0) * (w - 4.0));
        let (v, g) = gradient(&f, pt);
        assert_close!(v, a * b, 1e-15, 0.0, "value at {pt:?}");
        assert_close!(g[0], (2.0 * u - 4.0) * b, 1e-15, 0.0, "∂x at {pt:?}");
        assert_close!(g[1], a * (2.0 * w - 6.0), 1e-15, 0.0, "∂y at {pt:?}");
        assert!(g.iter().all(|d| d.is_finite()), "no 0/0 at {pt:?}");
    }
    // A sum of an array, with the run-time index leaf: Σ xᵢ·xᵢ₊₁ around a cycle of 5.
    const N: usize = 5;
    let f = sum(core::array::from_fn::<_, N, _>(|i| at(i) * at((i + 1) % N)));
    let p = [1.0, -2.0, 3.0, 0.5, -1.5];
    let (v, g) = gradient(&f, p);
    assert_close!(v, (0..N).map(|i| p[i] * p[(i + 1) % N]).sum::<f64>());
    for i in 0..N {
        assert_close!(g[i], p[(i + 1) % N] + p[(i + N - 1) % N]);
    }
}

#[test]
fn backprop_accumulates_seeded_gradients() {
    let (x, y) = vars();
    let f = x * y.sin();
    let h = x.exp() + y * y;
    let p = [0.7, -1.3];
    let (u, w) = (p[0], p[1]);
    let mut g = [10.0, -20.0];
    let vf = backprop(&f, &p, 2.0, &mut g);
    let vh = backprop(&h, &p, -0.5, &mut g);
    assert_close!(vf, u * w.sin());
    assert_close!(vh, u.exp() + w * w);
    assert_close!(g[0], 10.0 + 2.0 * w.sin() - 0.5 * u.exp());
    assert_close!(g[1], -20.0 + 2.0 * u * w.cos() - 0.5 * 2.0 * w);
    // A zero seed adds nothing; a GenericArray buffer works the same.
    let before = g;
    backprop(&f, &p, 0.0, &mut g);
    assert_eq!(g, before);
    let mut ga = GenericArray::from_array([1.0, 1.0]);
    backprop(&h, &GenericArray::from_array(p), 3.0, &mut ga);
    assert_close!(ga[0], 1.0 + 3.0 * u.exp());
    assert_close!(ga[1], 1.0 + 6.0 * w);
}

#[test]
fn generic_array_inputs() {
    let (x, y, z) = vars();
    let f = x * y + z.sin() / x;
    let p: GenericArray<f64, typenum::U3> = GenericArray::from_array([2.0, -3.0, 0.5]);
    let (v, g) = gradient(&f, p);
    let (a, b, c) = (2.0_f64, -3.0_f64, 0.5_f64);
    assert_close!(v, a * b + c.sin() / a);
    assert_close!(value(&f, p), a * b + c.sin() / a);
    assert_close!(g[0], b - c.sin() / (a * a));
    assert_close!(g[1], a);
    assert_close!(g[2], c.cos() / a);
    // In f32 too.
    let pf: GenericArray<f32, typenum::U3> = GenericArray::from_array([2.0, -3.0, 0.5]);
    let (v, g) = gradient(&f, pf);
    assert_close!(v, a * b + c.sin() / a, REL32, ABS32);
    assert_close!(g[2], c.cos() / a, REL32, ABS32);
}

#[test]
fn literals_free_functions_and_high_indices() {
    let (x,) = vars();
    // Literals on either side (an f32 value on the right: on the left a literal is f64),
    // operators and their free-function twins.
    let f = sum((
        2.0 - x,
        x / 4.0,
        x * 3.0_f32,
        1.0 / x,
        x * 0.5_f32,
        -x,
        add(x, 1.0),
        mul(2.0, x),
        sub(x, x.sin()),
        div(x, 2.0),
        neg(x.cos()),
    ));
    let t = 1.7_f64;
    let (v, g) = gradient(&f, [t]);
    let want_v = (2.0 - t) + t / 4.0 + 3.0 * t + 1.0 / t + 0.5 * t - t
        + (t + 1.0)
        + 2.0 * t
        + (t - t.sin())
        + t / 2.0
        - t.cos();
    let want_d =
        -1.0 + 0.25 + 3.0 - 1.0 / (t * t) + 0.5 - 1.0 + 1.0 + 2.0 + (1.0 - t.cos()) + 0.5 + t.sin();
    assert_close!(v, want_v);
    assert_close!(g[0], want_d);
    // Free functions of two and three arguments.
    let (a, b, c) = vars();
    let f = sum((
        atan2(a, b),
        hypot(a, b),
        pow(b, c),
        max(a, c),
        min(a, c),
        mul_add(a, b, c),
    ));
    let (p, q, r) = (0.6_f64, 1.4_f64, 2.2_f64);
    let (v, g) = gradient(&f, [p, q, r]);
    assert_close!(
        v,
        p.atan2(q) + p.hypot(q) + q.powf(r) + r + p + p.mul_add(q, r)
    );
    let n2 = p * p + q * q;
    assert_close!(g[0], q / n2 + p / p.hypot(q) + 1.0 + q);
    assert_close!(g[1], -p / n2 + q / p.hypot(q) + r * q.powf(r - 1.0) + p);
    assert_close!(g[2], q.powf(r) * q.ln() + 1.0 + 1.0);
    // An index past the 16 of `vars`: x₂₀ of 21 inputs.
    let z = Var::<typenum::U20>::new();
    let f = x * z;
    let mut p = [0.0; 21];
    p[0] = 3.0;
    p[20] = -2.0;
    let (v, g) = gradient(&f, p);
    assert_eq!(v, -6.0);
    assert_eq!(g.len(), 21);
    assert_eq!((g[0], g[20]), (-2.0, 3.0));
    assert!(g[1..20].iter().all(|&d| d == 0.0));
}

/// `backprop` sweeps sums, let bodies and branches in one pass (`Expr::fused`); the two
/// separate sweeps (`forward`, then `backward`) are the reference: the same operations in
/// the same order, so the same bits, into a buffer that already holds something.
#[test]
fn the_one_pass_sweep_equals_the_two_sweeps() {
    const N: usize = 5;
    fn two_sweeps<E: Expr<f64>>(f: &E, x: &[f64; N], seed: f64, g: &mut [f64; N]) -> f64 {
        let (v, cache) = f.forward(x);
        f.backward(x, &cache, seed, g);
        v
    }
    fn check<E: Expr<f64>>(f: &E, name: &str) {
        for k in 0..6 {
            let x: [f64; N] = core::array::from_fn(|i| ((i * 5 + k * 3) as f64 * 0.61).sin());
            let seed = [1.0, -2.5, 0.125][k % 3];
            let start: [f64; N] = core::array::from_fn(|i| i as f64 * 0.3 - 0.7);
            let (mut one, mut two) = (start, start);
            let v1 = backprop(f, &x, seed, &mut one);
            let v2 = two_sweeps(f, &x, seed, &mut two);
            assert_eq!(v1.to_bits(), v2.to_bits(), "{name}: value at {x:?}");
            for i in 0..N {
                assert_eq!(one[i].to_bits(), two[i].to_bits(), "{name}: ∂{i} at {x:?}");
            }
        }
    }
    let (a, b, c, d, e) = vars();
    check(
        &sum_over::<N, _, _>(|i| at(i) * at((i + 2) % N).sin() + at(i).exp() * at((i + 1) % N)),
        "sum_over",
    );
    check(
        &sum((
            a * b,
            b.sin() * c,
            c / d,
            d * e * a,
            sum([at(0) * at(2), at(3) * at(4)]),
        )),
        "sums of a tuple and an array",
    );
    check(&(a * b + (c.exp() + d * e)), "nested additions");
    check(
        &let_in(a * b - c, move |p| {
            let_in(p.sin() + d, move |q| p * q + q.exp() * e)
        }),
        "nested lets",
    );
    check(
        &select(lt(a, b), a * c + b, (b - e).powi(3) + d.cos()),
        "select",
    );
}
