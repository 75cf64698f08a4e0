//! `value`, `gradient` and `backprop` of the static engine make no heap allocation,
//! counted by a global allocator that wraps the system one.
//!
//! The count is per thread, so the test harness allocating on other threads cannot
//! disturb it (see `common/counting.rs`).

#[macro_use]
mod common;
#[path = "common/counting.rs"]
mod counting;

use std::hint::black_box;

use common::*;
use counting::allocations;
use tapeless::prelude::*;
use tapeless::{GenericArray, Point};

/// `value`, `gradient` and `backprop` of `f` at `x` allocate nothing; returns the gradient
/// so the caller can check that real work was done.
fn assert_no_allocation<E: Expr<f64>, X: Point<f64>>(
    name: &str,
    f: &E,
    x: X,
) -> GenericArray<f64, X::Len> {
    let (n, _) = allocations(|| value(black_box(f), black_box(x)));
    assert_eq!(n, 0, "{name}: value allocated");
    let (n, (_, g)) = allocations(|| gradient(black_box(f), black_box(x)));
    assert_eq!(n, 0, "{name}: gradient allocated");
    let mut buffer = X::zeros();
    let (n, _) = allocations(|| backprop(black_box(f), &black_box(x), 1.0, &mut buffer));
    assert_eq!(n, 0, "{name}: backprop allocated");
    assert_eq!(
        buffer.into_generic(),
        g,
        "{name}: backprop and gradient differ"
    );
    g
}

#[test]
fn static_engine_never_allocates() {
    // The counter works: a Vec is seen.
    let (n, v) = allocations(|| vec![1.0_f64; 16]);
    assert!(n >= 1, "the counting allocator missed an allocation");
    drop(v);

    let g = assert_no_allocation("rosenbrock", &rosenbrock_expr(), [-1.2, 1.0]);
    let (_, want) = rosenbrock(-1.2, 1.0);
    assert_close!(g[0], want[0]);
    assert_close!(g[1], want[1]);

    let market = MARKETS[0];
    let g = assert_no_allocation("black-scholes", &black_scholes(), market);
    let (_, greeks) = black_scholes_closed(market);
    for i in 0..5 {
        assert_close!(g[i], greeks[i]);
    }

    let (x, y) = vars();
    let f = select(gt(x * y, 0.0), (x * y).sqrt(), x - y);
    let g = assert_no_allocation("select, first branch", &f, [2.0, 8.0]);
    // ∂√(xy) = (y, x)/(2√(xy)) = (8, 2)/8.
    assert_close!(g[0], 1.0);
    assert_close!(g[1], 0.25);
    let g = assert_no_allocation("select, second branch", &f, [-2.0, 8.0]);
    assert_eq!(g.as_slice(), [1.0, -1.0]);

    let (x,) = vars();
    let f = squarings!(x; 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20);
    let g = assert_no_allocation("20 let-bound squarings", &f, [1.0]);
    assert_eq!(g.as_slice(), [1_048_576.0]);

    // f32 too.
    let f = black_scholes();
    let pf = market.map(|t| t as f32);
    let (n, (_, g)) = allocations(|| gradient(black_box(&f), black_box(pf)));
    assert_eq!(n, 0, "black-scholes in f32: gradient allocated");
    assert_close!(g[0], greeks[0], REL32, ABS32);
}
