//! `logistic`: the logistic-regression loss of one sample, `ln(1 + e^z) − y·z` with
//! `z = w·a + b`; the 8 weights and the bias are the inputs, the features `a` and the label
//! `y` are data.

use num_dual::{DualNum, DualSVec64};
use tapeless::prelude::*;

use crate::engines;
use crate::harness::{Harness, Workload};

/// The features of the sample.
const A: [f64; 8] = [0.8, -1.1, 0.3, 2.0, -0.4, 0.9, -1.7, 0.05];
/// Its label.
const Y: f64 = 1.0;

/// Weights `w₀…w₇`, then the bias.
pub const X: [f64; 9] = [0.1, -0.2, 0.3, 0.15, -0.05, 0.25, 0.2, -0.3, 0.05];

/// The workload.
pub struct Logistic;

impl engines::Model<9> for Logistic {
    fn point() -> [f64; 9] {
        X
    }

    fn primal(p: [f64; 9]) -> f64 {
        let mut z = p[8];
        for i in 0..8 {
            z += p[i] * A[i];
        }
        z.exp().ln_1p() - Y * z
    }
    /// `∂/∂wᵢ = (σ(z) − y)·aᵢ`, `∂/∂b = σ(z) − y`.
    fn hand(p: [f64; 9]) -> (f64, [f64; 9]) {
        let mut z = p[8];
        for i in 0..8 {
            z += p[i] * A[i];
        }
        let e = z.exp();
        let r = e / (1.0 + e) - Y;
        let mut g = [r; 9];
        for i in 0..8 {
            g[i] = r * A[i];
        }
        (e.ln_1p() - Y * z, g)
    }
    /// The same function for every engine of the crate: `z` as a balanced sum and let-bound,
    /// the loss written with the same elementary functions as the others (`exp`, `ln_1p`).
    fn expr<T: Scalar>() -> impl Expr<T> {
        let (w0, w1, w2, w3, w4, w5, w6, w7, b) = vars();
        let z = sum((
            w0 * A[0],
            w1 * A[1],
            w2 * A[2],
            w3 * A[3],
            w4 * A[4],
            w5 * A[5],
            w6 * A[6],
            w7 * A[7],
            b,
        ));
        let_in(z, |z| z.exp().ln_1p() - Y * z)
    }
    /// `num_dual`.
    fn in_num_dual(p: &[DualSVec64<9>; 9]) -> DualSVec64<9> {
        let mut z = p[8];
        for i in 0..8 {
            z += p[i] * A[i];
        }
        z.exp().ln_1p() - z * Y
    }
    /// `reverse`.
    fn in_reverse<'t>(p: &[reverse::Var<'t>; 9]) -> reverse::Var<'t> {
        let mut z = p[8];
        for i in 0..8 {
            z = z + p[i] * A[i];
        }
        z.exp().ln_1p() - Y * z
    }
    /// echidna.
    fn in_echidna<S: crate::echidna::Scalar>(p: &[S; 9]) -> S {
        let mut z = p[8];
        for i in 0..8 {
            z = z + p[i] * A[i];
        }
        z.exp().ln_1p() - z * Y
    }
}

impl Workload for Logistic {
    fn name() -> String {
        "logistic".into()
    }

    fn run<H: Harness>(h: &mut H) {
        engines::run_all::<Self, H, 9>(h);
    }
}
