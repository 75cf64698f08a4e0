//! `sum_N`: `Σᵢ xᵢ·sin(xᵢ₊₁) + exp(xᵢ)·xᵢ₊₁` over a cyclic index, `N` inputs: how the cost
//! grows with the size of the expression.

use num_dual::{DualNum, DualSVec64};
use tapeless::prelude::*;

use crate::engines;
use crate::harness::{Harness, Workload};

/// Inputs spread over [−0.5, 0.5).
pub fn point<const N: usize>() -> [f64; N] {
    core::array::from_fn(|i| (i as f64 * 0.618_034).fract() - 0.5)
}

pub fn primal<const N: usize>(x: [f64; N]) -> f64 {
    let mut s = 0.0;
    for i in 0..N {
        let (a, b) = (x[i], x[(i + 1) % N]);
        s += a * b.sin() + a.exp() * b;
    }
    s
}

/// Each input appears in two terms: as `a` in its own and as `b` in the one before.
/// `sin`, `cos` and `exp` of each input are computed once.
pub fn hand<const N: usize>(x: [f64; N]) -> (f64, [f64; N]) {
    let mut sin = [0.0; N];
    let mut cos = [0.0; N];
    let mut exp = [0.0; N];
    for i in 0..N {
        (sin[i], cos[i]) = x[i].sin_cos();
        exp[i] = x[i].exp();
    }
    let mut s = 0.0;
    let mut g = [0.0; N];
    for i in 0..N {
        let j = (i + 1) % N;
        s += x[i] * sin[j] + exp[i] * x[j];
        g[i] += sin[j] + exp[i] * x[j];
        g[j] += x[i] * cos[j] + exp[i];
    }
    (s, g)
}

/// The same function for every engine of the crate: one flat reduction node over an array
/// of terms that share a type, with run-time indices ([`at`]).
pub fn expr<T: Scalar, const N: usize>() -> impl Expr<T> {
    sum_over::<N, _, _>(|i| {
        let (a, b) = (at(i), at((i + 1) % N));
        a * b.sin() + a.exp() * b
    })
}

/// `num_dual`: the first term starts the sum, as in `reverse`.
pub fn in_num_dual<const N: usize>(x: &[DualSVec64<N>; N]) -> DualSVec64<N> {
    let term = |i: usize| {
        let (a, b) = (x[i], x[(i + 1) % N]);
        a * b.sin() + a.exp() * b
    };
    let mut s = term(0);
    for i in 1..N {
        s += term(i);
    }
    s
}

/// `reverse`: the first term starts the sum (a zero would be one more node).
pub fn in_reverse<'t, const N: usize>(x: &[reverse::Var<'t>; N]) -> reverse::Var<'t> {
    let term = |i: usize| {
        let (a, b) = (x[i], x[(i + 1) % N]);
        a * b.sin() + a.exp() * b
    };
    let mut s = term(0);
    for i in 1..N {
        s = s + term(i);
    }
    s
}

/// echidna: the first term starts the sum, as in `reverse`.
pub fn in_echidna<S: crate::echidna::Scalar, const N: usize>(x: &[S; N]) -> S {
    let term = |i: usize| {
        let (a, b) = (x[i], x[(i + 1) % N]);
        a * b.sin() + a.exp() * b
    };
    let mut s = term(0);
    for i in 1..N {
        s = s + term(i);
    }
    s
}

/// The workload with `N` inputs.
pub struct Sum<const N: usize>;

impl<const N: usize> Workload for Sum<N>
where
    [f64; N]: tapeless::Point<f64>,
    tapeless::typenum::Const<N>: generic_array::IntoArrayLength,
{
    fn name() -> String {
        format!("sum_{N}")
    }

    fn run<H: Harness>(h: &mut H) {
        engines::run_all::<Self, H, N>(h);
    }
}

impl<const N: usize> engines::Model<N> for Sum<N> {
    fn point() -> [f64; N] {
        point::<N>()
    }
    fn primal(x: [f64; N]) -> f64 {
        primal::<N>(x)
    }
    fn hand(x: [f64; N]) -> (f64, [f64; N]) {
        hand::<N>(x)
    }
    fn expr<T: Scalar>() -> impl Expr<T> {
        expr::<T, N>()
    }
    fn in_num_dual(x: &[DualSVec64<N>; N]) -> DualSVec64<N> {
        in_num_dual::<N>(x)
    }
    fn in_reverse<'t>(x: &[reverse::Var<'t>; N]) -> reverse::Var<'t> {
        in_reverse::<N>(x)
    }
    fn in_echidna<S: crate::echidna::Scalar>(x: &[S; N]) -> S {
        in_echidna::<S, N>(x)
    }
}
