//! `mlp`: the squared error `(y − t)²` of a 2-4-1 network on one sample,
//! `y = Σⱼ vⱼ·tanh(Wⱼ·d + cⱼ) + b`; all 17 weights are the inputs, the sample `(d, t)` is
//! data. Inputs: `W` row by row (0–7), `c` (8–11), `v` (12–15), `b` (16).

use num_dual::{DualNum, DualSVec64};
use tapeless::prelude::*;
use tapeless::typenum::U16;

use crate::engines;
use crate::harness::{Harness, Workload};

/// The sample's input.
const D: [f64; 2] = [0.5, -1.2];
/// Its target.
const TARGET: f64 = 0.3;

pub const X: [f64; 17] = [
    0.4, -0.6, 0.9, 0.2, -0.3, 0.8, 0.5, -0.7, // W
    0.1, -0.2, 0.05, 0.3, // c
    0.7, -0.5, 0.6, 0.45, // v
    -0.1, // b
];

/// The workload.
pub struct Mlp;

impl engines::Model<17> for Mlp {
    fn point() -> [f64; 17] {
        X
    }

    fn primal(p: [f64; 17]) -> f64 {
        let mut y = p[16];
        for j in 0..4 {
            y += p[12 + j] * (p[2 * j] * D[0] + p[2 * j + 1] * D[1] + p[8 + j]).tanh();
        }
        let e = y - TARGET;
        e * e
    }
    /// Back-propagation by hand: `∂/∂vⱼ = 2e·hⱼ`, `∂/∂b = 2e`, and through `tanh' = 1 − h²` to
    /// the first layer.
    fn hand(p: [f64; 17]) -> (f64, [f64; 17]) {
        let mut hidden = [0.0; 4];
        let mut y = p[16];
        for j in 0..4 {
            hidden[j] = (p[2 * j] * D[0] + p[2 * j + 1] * D[1] + p[8 + j]).tanh();
            y += p[12 + j] * hidden[j];
        }
        let e = y - TARGET;
        let dy = 2.0 * e;
        let mut g = [0.0; 17];
        for j in 0..4 {
            let da = dy * p[12 + j] * (1.0 - hidden[j] * hidden[j]);
            g[2 * j] = da * D[0];
            g[2 * j + 1] = da * D[1];
            g[8 + j] = da;
            g[12 + j] = dy * hidden[j];
        }
        g[16] = dy;
        (e * e, g)
    }
    /// The same function for every engine of the crate, one typed variable per weight; the
    /// error `y − t` is let-bound and squared.
    fn expr<T: Scalar>() -> impl Expr<T> {
        let (w00, w01, w10, w11, w20, w21, w30, w31, c0, c1, c2, c3, v0, v1, v2, v3) = vars();
        let b = Var::<U16>::new();
        let y = sum((
            v0 * (w00 * D[0] + w01 * D[1] + c0).tanh(),
            v1 * (w10 * D[0] + w11 * D[1] + c1).tanh(),
            v2 * (w20 * D[0] + w21 * D[1] + c2).tanh(),
            v3 * (w30 * D[0] + w31 * D[1] + c3).tanh(),
            b,
        ));
        let_in(y - TARGET, |e| e * e)
    }
    /// `num_dual`.
    fn in_num_dual(p: &[DualSVec64<17>; 17]) -> DualSVec64<17> {
        let mut y = p[16];
        for j in 0..4 {
            y += p[12 + j] * (p[2 * j] * D[0] + p[2 * j + 1] * D[1] + p[8 + j]).tanh();
        }
        let e = y - TARGET;
        e * e
    }
    /// `reverse`.
    fn in_reverse<'t>(p: &[reverse::Var<'t>; 17]) -> reverse::Var<'t> {
        let mut y = p[16];
        for j in 0..4 {
            y = y + p[12 + j] * (p[2 * j] * D[0] + p[2 * j + 1] * D[1] + p[8 + j]).tanh();
        }
        let e = y - TARGET;
        e * e
    }
    /// echidna.
    fn in_echidna<S: crate::echidna::Scalar>(p: &[S; 17]) -> S {
        let mut y = p[16];
        for j in 0..4 {
            y = y + p[12 + j] * (p[2 * j] * D[0] + p[2 * j + 1] * D[1] + p[8 + j]).tanh();
        }
        let e = y - TARGET;
        e * e
    }
}

impl Workload for Mlp {
    fn name() -> String {
        "mlp".into()
    }

    fn run<H: Harness>(h: &mut H) {
        engines::run_all::<Self, H, 17>(h);
    }
}
