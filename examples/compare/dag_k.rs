//! `dag_K`: `y₀ = x₀·x₁`, then `K` levels `yₖ₊₁ = yₖ·sin(yₖ) + 1`, each using the level
//! below twice. As a tree it would have `2^K` leaves; shared (a let per level in the static
//! engine, a value in the others) it has `3K + 1` operations.

use num_dual::{DualNum, DualSVec64};
use tapeless::prelude::*;

use crate::engines;
use crate::harness::{Harness, Workload};

pub const X: [f64; 2] = [0.7, 1.3];

/// The workload with `K` levels.
pub struct Dag<const K: usize>;

/// The static expression of a depth: the nesting is in the type, so one per depth.
pub trait Depth {
    /// `K` nested lets.
    fn expr<T: Scalar>() -> impl Expr<T>;
}

/// One level: the value below, shared, used twice.
fn level<T: Scalar, E: Expr<T>>(below: E) -> impl Expr<T> {
    let_in(below, |y| y * y.sin() + 1.0)
}

fn level4<T: Scalar, E: Expr<T>>(below: E) -> impl Expr<T> {
    level(level(level(level(below))))
}

fn base<T: Scalar>() -> impl Expr<T> {
    let (x0, x1) = vars();
    x0 * x1
}

impl Depth for Dag<4> {
    fn expr<T: Scalar>() -> impl Expr<T> {
        level4(base())
    }
}

impl Depth for Dag<8> {
    fn expr<T: Scalar>() -> impl Expr<T> {
        level4(level4(base()))
    }
}

impl Depth for Dag<16> {
    fn expr<T: Scalar>() -> impl Expr<T> {
        level4(level4(level4(level4(base()))))
    }
}

pub fn primal<const K: usize>(x: [f64; 2]) -> f64 {
    let mut y = x[0] * x[1];
    for _ in 0..K {
        y = y * y.sin() + 1.0;
    }
    y
}

/// A forward loop that stores each level's derivative `sin y + y cos y`, then a reverse
/// loop that multiplies them into the adjoint.
pub fn hand<const K: usize>(x: [f64; 2]) -> (f64, [f64; 2]) {
    let mut slope = [0.0; K];
    let mut y = x[0] * x[1];
    for d in &mut slope {
        let (s, c) = y.sin_cos();
        *d = s + y * c;
        y = y * s + 1.0;
    }
    let mut adj = 1.0;
    for d in slope.iter().rev() {
        adj *= d;
    }
    (y, [adj * x[1], adj * x[0]])
}

/// `num_dual`.
pub fn in_num_dual<const K: usize>(x: &[DualSVec64<2>; 2]) -> DualSVec64<2> {
    let mut y = x[0] * x[1];
    for _ in 0..K {
        y = y * y.sin() + 1.0;
    }
    y
}

/// `reverse`.
pub fn in_reverse<'t, const K: usize>(x: &[reverse::Var<'t>; 2]) -> reverse::Var<'t> {
    let mut y = x[0] * x[1];
    for _ in 0..K {
        y = y * y.sin() + 1.0;
    }
    y
}

/// echidna.
pub fn in_echidna<S: crate::echidna::Scalar, const K: usize>(x: &[S; 2]) -> S {
    let mut y = x[0] * x[1];
    for _ in 0..K {
        y = y * y.sin() + 1.0;
    }
    y
}

impl<const K: usize> Workload for Dag<K>
where
    Dag<K>: Depth,
{
    fn name() -> String {
        format!("dag_{K}")
    }

    fn run<H: Harness>(h: &mut H) {
        engines::run_all::<Self, H, 2>(h);
    }
}

impl<const K: usize> engines::Model<2> for Dag<K>
where
    Dag<K>: Depth,
{
    fn point() -> [f64; 2] {
        X
    }
    fn primal(x: [f64; 2]) -> f64 {
        primal::<K>(x)
    }
    fn hand(x: [f64; 2]) -> (f64, [f64; 2]) {
        hand::<K>(x)
    }
    fn expr<T: Scalar>() -> impl Expr<T> {
        <Self as Depth>::expr()
    }
    fn in_num_dual(x: &[DualSVec64<2>; 2]) -> DualSVec64<2> {
        in_num_dual::<K>(x)
    }
    fn in_reverse<'t>(x: &[reverse::Var<'t>; 2]) -> reverse::Var<'t> {
        in_reverse::<K>(x)
    }
    fn in_echidna<S: crate::echidna::Scalar>(x: &[S; 2]) -> S {
        in_echidna::<S, K>(x)
    }
}
