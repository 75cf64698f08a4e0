// Float literals on either side of every operator, followed by a method, compile as a
// user writes them, and the same expressions evaluate in `f64` and in `f32`. Each gradient
// is checked against central finite differences of the expression's value.
use tapeless::prelude::*;

/// Central differences of `value(f, ·)` at `x` in `f64`, against the gradient, and the
/// `f32` gradient against the `f64` one.
fn check<E: Expr<f64> + Expr<f32>>(name: &str, f: &E, x: [f64; 4]) {
    let (v, g) = gradient(f, x);
    let g: [f64; 4] = g.into();
    assert!(v.is_finite(), "{name}: value {v}");
    for i in 0..4 {
        let h = 1e-6 * (1.0 + x[i].abs());
        let (mut xp, mut xm) = (x, x);
        xp[i] += h;
        xm[i] -= h;
        let fd = (value(f, xp) - value(f, xm)) / (2.0 * h);
        let tol = 1e-6 * (1.0 + fd.abs());
        assert!((g[i] - fd).abs() < tol, "{name}: d/dx{i} {} vs {fd}", g[i]);
    }
    let (v32, g32) = gradient(f, x.map(|a| a as f32));
    let g32: [f32; 4] = g32.into();
    assert!((f64::from(v32) - v).abs() < 1e-4 * (1.0 + v.abs()), "{name}: f32 value");
    for i in 0..4 {
        let tol = 1e-3 * (1.0 + g[i].abs());
        assert!((f64::from(g32[i]) - g[i]).abs() < tol, "{name}: f32 d/dx{i}");
    }
}

fn main() {
    let (x0, x1, x2, x3) = vars();
    let x = [0.3, -0.7, 1.1, 0.45];
    check("1", &((1.0 - x0).powi(2)), x);
    check("2", &((10.0 + x0).hypot(x3)), x);
    check("3", &((-(0.5 + x0)).atan2(x0 * x0 + 1.0)), x);
    check("4", &((2.0 * x1).sin()), x);
    check("5", &(3.0 / x2).exp(), x);
    check("6", &((1.0 + x0 * x0).ln()), x);
    check("7", &((0.5 - x3).tanh() * (2.0 + x1).sqrt()), x);
    check("8", &((4.0 * x2).cos().powf(2.0)), x);
    check("9", &((1.5 + x1).abs().cbrt()), x);
    check("10", &((1.0 - x0).max(0.2 * x3) + (2.0 / x2).min(3.0)), x);
    check("11", &((2.0 - x1 * 3.0).mul_add(1.5, x2)), x);
    check("12", &((0.25 * x3).asin() + (0.1 + x0).acos()), x);
    check("13", &((1.0 + x3).let_in(|p| (p * 2.0).ln() + (1.0 - p).cos())), x);
    check("14", &((5.0 - x2).pow(0.5 * x3)), x);
    check("15", &((1.0 / (1.0 + (-x0).exp())).ln()), x);
    check("16", &((x0 - 1.0).powi(3) + (x1 + 2.0).square()), x);
    check("17", &((3.0 * x0 + 2.0 * x1 - 1.0 * x2).sinh()), x);
    check("18", &((2.0 + x2).log2() + (10.0 + x3).log10()), x);
    check("19", &((1.0 - x0 / 2.0).exp_m1() * (1.0 + x1).ln_1p()), x);
    check("20", &((0.5 * x3).atan() - (x2 * 0.5).erf()), x);
    check("21", &((1.0 + x0.powi(2)).recip().cosh()), x);
    check("22", &(((1.0 - x0).powi(2) + 100.0 * (x1 - x0 * x0).powi(2)).sqrt()), x);
    check("23", &((2.0 * x3 + 1.0).asinh() + (2.0 + x2).acosh() + (0.5 * x1).atanh()), x);
    check("24", &((1.0 - x1).tan() * (x0 + 0.5).exp2()), x);
    // The f32 story: unsuffixed literals work for f32 evaluation; an f32 value goes on the
    // right (`x * k`) or through `f64::from(k)`.
    let k = 0.5_f32;
    check("25", &((x0 * k + f64::from(k) * x1).sin()), x);
}
