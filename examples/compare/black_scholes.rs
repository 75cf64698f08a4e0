//! `black_scholes`: the call price in (S, K, r, σ, T), normal CDF through erf.

use core::f64::consts::{FRAC_1_SQRT_2, PI};

use num_dual::{DualNum, DualSVec64};
use tapeless::prelude::*;

use crate::engines::{self, erf};
use crate::harness::{Harness, Workload};

pub const X: [f64; 5] = [100.0, 95.0, 0.03, 0.25, 0.75];

fn ncdf(x: f64) -> f64 {
    0.5 * (1.0 + <f64 as Scalar>::erf(x * FRAC_1_SQRT_2))
}

/// `N(x) = (1 + erf(x/√2))/2` as an expression. In generic code the operators are
/// spelled as functions (`mul`, `add`), since `E: Expr<T>` does not imply `Mul`.
fn ncdf_expr<T: Scalar, E: Expr<T>>(x: E) -> impl Expr<T> {
    mul(0.5, add(1.0, erf(mul(x, FRAC_1_SQRT_2))))
}

/// The workload.
pub struct BlackScholes;

impl engines::Model<5> for BlackScholes {
    fn point() -> [f64; 5] {
        X
    }

    fn primal(p: [f64; 5]) -> f64 {
        let [s, k, r, sig, t] = p;
        let vol = sig * t.sqrt();
        let d1 = ((s / k).ln() + (r + 0.5 * sig * sig) * t) / vol;
        let d2 = d1 - vol;
        s * ncdf(d1) - k * (-r * t).exp() * ncdf(d2)
    }
    /// Price and (delta, dC/dK, rho, vega, dC/dT) from the closed forms.
    fn hand(p: [f64; 5]) -> (f64, [f64; 5]) {
        let [s, k, r, sig, t] = p;
        let sqrt_t = t.sqrt();
        let vol = sig * sqrt_t;
        let d1 = ((s / k).ln() + (r + 0.5 * sig * sig) * t) / vol;
        let d2 = d1 - vol;
        let (n1, n2) = (ncdf(d1), ncdf(d2));
        let disc = (-r * t).exp();
        let kd = k * disc;
        let s_pdf = s * (-0.5 * d1 * d1).exp() * (0.5 / PI).sqrt();
        let price = s * n1 - kd * n2;
        (
            price,
            [
                n1,
                -disc * n2,
                t * kd * n2,
                s_pdf * sqrt_t,
                s_pdf * sig / (2.0 * sqrt_t) + r * kd * n2,
            ],
        )
    }
    /// The same function for every engine of the crate, with σ√T and d1 let-bound.
    fn expr<T: Scalar>() -> impl Expr<T> {
        let (s, k, r, sig, t) = vars();
        let_in(sig * t.sqrt(), move |vol| {
            let d1 = (ln(s / k) + (r + 0.5 * sig * sig) * t) / vol;
            let_in(d1, move |d1| {
                s * ncdf_expr::<T, _>(d1) - k * exp(-r * t) * ncdf_expr::<T, _>(d1 - vol)
            })
        })
    }
    /// `num_dual` (`erf` through its value and slope; no `f64 − dual`, so `−rT` is `(rT)·(−1)`).
    fn in_num_dual(p: &[DualSVec64<5>; 5]) -> DualSVec64<5> {
        let [s, k, r, sig, t] = *p;
        let ncdf = |x: DualSVec64<5>| (erf::num_dual(x * FRAC_1_SQRT_2) + 1.0) * 0.5;
        let vol = sig * t.sqrt();
        let d1 = ((s / k).ln() + (r + sig * sig * 0.5) * t) / vol;
        let d2 = d1 - vol;
        s * ncdf(d1) - k * (-(r * t)).exp() * ncdf(d2)
    }
    /// `reverse` (`erf` through its value and slope: it has no way to add a function).
    fn in_reverse<'t>(p: &[reverse::Var<'t>; 5]) -> reverse::Var<'t> {
        let [s, k, r, sig, t] = *p;
        let ncdf = |x: reverse::Var<'t>| 0.5 * (1.0 + erf::reverse(x * FRAC_1_SQRT_2));
        let vol = sig * t.sqrt();
        let d1 = ((s / k).ln() + (r + 0.5 * sig * sig) * t) / vol;
        let d2 = d1 - vol;
        s * ncdf(d1) - k * (-r * t).exp() * ncdf(d2)
    }
    /// echidna (`erf` as each of its tapes' own kind of new operation: see `echidna.rs`).
    fn in_echidna<S: crate::echidna::Scalar>(p: &[S; 5]) -> S {
        let [s, k, r, sig, t] = *p;
        let ncdf = |x: S| (crate::echidna::Scalar::erf(x * FRAC_1_SQRT_2) + 1.0) * 0.5;
        let vol = sig * t.sqrt();
        let d1 = ((s / k).ln() + (r + sig * sig * 0.5) * t) / vol;
        let d2 = d1 - vol;
        s * ncdf(d1) - k * (-(r * t)).exp() * ncdf(d2)
    }
}

impl Workload for BlackScholes {
    fn name() -> String {
        "black_scholes".into()
    }

    fn run<H: Harness>(h: &mut H) {
        engines::run_all::<Self, H, 5>(h);
    }
}
