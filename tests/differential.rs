//! Both engines on exactly the same functions: a library of fixed expression shapes that
//! together use every rule, let-binding (nested, in the bound and in the body), `select`
//! with every comparison, balanced tuple reductions and flat array reductions. At random
//! points (a few hundred per shape, thousands in all) the static gradient, the tape
//! gradient of the recorded expression and a central finite difference of the value must
//! agree.
//!
//! # What "agree" means
//! - Static against tape: the values are identical (or both NaN); each gradient component
//!   is, in both, the same kind of number: finite, NaN, +∞ or −∞; finite components differ
//!   by at most `1e-11` relative to the larger of the two or to the largest finite
//!   component of the gradient, or are both below the normal range. The engines multiply
//!   the same partials but associate them differently (the static sweep multiplies the
//!   adjoint by each partial in turn, the tape folds a chain of one-operand operations into
//!   one factor first) and add the contributions to one input in different orders; where
//!   those contributions cancel, the rounding is relative to their size, not to their sum,
//!   hence the floor at the gradient's scale and a tolerance well above `ε`. A wrong rule
//!   or a lost contribution is off by far more.
//! - Where a shape is ill-conditioned (its `where` clause fails: the Black-Scholes price
//!   deep in a tail, where `N(d)` has saturated and the gradient is what is left of
//!   cancelling terms many orders larger), only the kinds of number are compared. At
//!   points with a coordinate of magnitude `10³⁰⁰` or `10⁻³⁰⁰` or a non-finite one, and
//!   where the value or a derivative reaches `10³⁰⁰` from ordinary coordinates (`x·eˣ`
//!   at x = 706), a product of partials overflows or underflows according to how it is
//!   associated, so one engine may form `∞ · 0` or `∞ − ∞` where the other does not:
//!   there nothing is compared but that neither panics.
//! - Against a central difference `fd_h` (step `h = 1e-6·max(1, |xᵢ|)`, see `common`):
//!   `|g − fd_h| ≤ 1e-6·max(|g|, |fd_h|) + 1e-8 + noise + |fd_h − fd_2h|`, where `noise`
//!   bounds the rounding of the difference and `|fd_h − fd_2h|` (three times the estimated
//!   truncation error of `fd_h`) covers curvature. Checked only where every coordinate is
//!   at most `10⁴` in magnitude and none is an edge value (kinks and ties sit there), the
//!   function and the gradient are finite, the function is
//!   finite at `x ± h` and `x ± 2h`, the two central differences agree to `1e-4` (no
//!   singularity or kink within `2h`) and the two one-sided differences to `1e-3` (no kink
//!   at `x` itself); each shape must have at least a tenth of its points checked this way.
//!
//! Points come from five regions: `[−3, 3]ᴺ`, `[0.05, 3]ᴺ`, `[−1, 1]ᴺ`, magnitudes from
//! `10⁻³` to `10³` with either sign, and coordinates drawn from edge values (`±0`, `±1`,
//! `±∞`, NaN, `±10³⁰⁰`, `±10⁻³⁰⁰`) or `[−3, 3]`. So many points lie outside some rule's
//! domain: there both engines must give the same NaN/∞ pattern, and neither may panic.

#[macro_use]
mod common;

use std::cell::Cell;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tapeless::Point;
use tapeless::prelude::*;

/// Random points cases per shape.
const CASES: u32 = 500;

/// Static against tape, finite components: relative tolerance.
const ENGINES_REL: f64 = 1e-11;

/// Edge values for the fifth region.
const EDGES: [f64; 13] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    1e300,
    -1e300,
    1e-300,
    -1e-300,
];

/// A point of `N` coordinates from one of the five regions.
fn points<const N: usize>() -> impl Strategy<Value = [f64; N]> {
    let wide = (prop::bool::ANY, -3.0..3.0_f64).prop_map(|(neg, e)| {
        let m = 10f64.powf(e);
        if neg { -m } else { m }
    });
    let edge = prop_oneof![prop::sample::select(&EDGES[..]), -3.0..3.0_f64,];
    prop_oneof![
        3 => prop::array::uniform::<_, N>(-3.0..3.0_f64),
        3 => prop::array::uniform::<_, N>(0.05..3.0_f64),
        2 => prop::array::uniform::<_, N>(-1.0..1.0_f64),
        1 => prop::array::uniform::<_, N>(wide),
        1 => prop::array::uniform::<_, N>(edge),
    ]
}

/// The same kind of number (finite, NaN, +∞, −∞), and if finite and `close` is asked
/// for, within `ENGINES_REL` of the larger of the two or of `scale`, or both subnormal.
fn engines_agree(s: f64, t: f64, scale: f64, close: bool) -> bool {
    if s.is_finite() && t.is_finite() {
        let tolerance = ENGINES_REL * s.abs().max(t.abs()).max(scale) + f64::MIN_POSITIVE;
        !close || (s - t).abs() <= tolerance
    } else {
        (s.is_nan() && t.is_nan()) || s == t
    }
}

/// A coordinate at the ends of the range (or beyond): products of partials over- or
/// underflow there according to their association.
fn extreme(c: f64) -> bool {
    !c.is_finite() || c.abs() >= 1e300 || (c != 0.0 && c.abs() <= 1e-300)
}

/// Values at the ends of the range made from ordinary coordinates (`x·eˣ` at x = 706): a
/// value or a derivative, in either engine, of magnitude `10³⁰⁰` or more, or a value
/// that overflowed to ±∞ where no coordinate is an edge value (the singularities of the
/// shapes, `ln 0` and the like, sit on edge values). The products of partials overflow
/// there according to how they are associated, as at the extreme coordinates.
fn overflowing<const N: usize>(
    results: impl Iterator<Item = f64>,
    value: f64,
    x: &[f64; N],
) -> bool {
    let huge = results
        .into_iter()
        .any(|v| v.is_finite() && v.abs() >= 1e300);
    huge || (value.is_infinite() && !x.iter().any(|c| EDGES.contains(c)))
}

/// Identical, or both NaN.
fn same(s: f64, t: f64) -> bool {
    s == t || (s.is_nan() && t.is_nan())
}

/// The checks at one point; returns whether a finite-difference check was made.
fn check<E: Expr<f64>, const N: usize>(
    f: &E,
    x: [f64; N],
    fd_domain: &impl Fn(&[f64; N]) -> bool,
) -> Result<bool, TestCaseError>
where
    [f64; N]: Point<f64>,
{
    let (sv, sg) = gradient(f, x);
    let sg: [f64; N] = core::array::from_fn(|i| sg[i]);

    let tape = Tape::new();
    let (_, y) = tape.record(f, x);
    let mut tg = [0.0; N];
    let tv = tape.gradient(y, &mut tg);

    prop_assert!(same(sv, tv), "value: static {sv:e}, tape {tv:e}");
    let norm = sg
        .iter()
        .filter(|g| g.is_finite())
        .fold(0.0_f64, |m, g| m.max(g.abs()));
    let close = fd_domain(&x);
    let results = [sv, tv].into_iter().chain(sg).chain(tg);
    let at_the_ends = x.iter().any(|&c| extreme(c)) || overflowing(results, sv, &x);
    for i in 0..N {
        prop_assert!(
            at_the_ends || engines_agree(sg[i], tg[i], norm, close),
            "∂{i}: static {:e}, tape {:e} at {x:?}",
            sg[i],
            tg[i]
        );
    }

    // Edge values sit on the kinks and ties of the shapes (`max(x, 0)`, `min(z, 1)` at
    // z = 1), where a derivative is a convention, not a limit: no finite difference there.
    let generic = x.iter().all(|c| c.abs() <= 1e4 && !EDGES.contains(c));
    if !generic || !fd_domain(&x) || !sv.is_finite() || sg.iter().any(|g| !g.is_finite()) {
        return Ok(false);
    }
    let mut checked = false;
    for i in 0..N {
        let along = |t: f64| {
            let mut p = x;
            p[i] = t;
            value(f, p)
        };
        let h = step(x[i]);
        let (near, far) = (central(along, x[i], h), central(along, x[i], 2.0 * h));
        let spread = (near.slope - far.slope).abs();
        let [m2, m1, p1, p2] = [-2.0, -1.0, 1.0, 2.0].map(|k| along(x[i] + k * h));
        if ![m2, m1, p1, p2].iter().all(|v| v.is_finite())
            || !spread.is_finite()
            || spread > 1e-4 * near.slope.abs().max(1.0)
        {
            continue;
        }
        // A kink at the point itself leaves both central differences alike; the one-sided
        // differences then disagree by the jump of the derivative.
        let h = ((x[i] + h) - x[i]).min(x[i] - (x[i] - h));
        let jump = ((p1 - sv) / h - (sv - m1) / h).abs();
        if jump > 1e-3 * near.slope.abs().max(1.0) + 100.0 * near.noise {
            continue;
        }
        checked = true;
        let g = sg[i];
        let tolerance = FD_REL * g.abs().max(near.slope.abs()) + FD_ABS + near.noise + spread;
        prop_assert!(
            (g - near.slope).abs() <= tolerance,
            "∂{i} = {g:e} but the central difference is {:e} (tolerance {tolerance:e})",
            near.slope
        );
    }
    Ok(checked)
}

/// Runs the checks at `CASES` random points and asks for enough finite-difference checks.
fn run<E: Expr<f64>, const N: usize>(name: &str, f: &E, fd_domain: impl Fn(&[f64; N]) -> bool)
where
    [f64; N]: Point<f64>,
{
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let checked = Cell::new(0_u32);
    let result = runner.run(&points::<N>(), |x| {
        if check(f, x, &fd_domain)? {
            checked.set(checked.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    assert!(
        checked.get() >= CASES / 10,
        "{name}: only {} of {CASES} points were smooth enough for a finite difference",
        checked.get()
    );
}

/// `name [N]: |inputs…| expression;`, or `name [N] where (|x| condition): …` to limit the
/// finite-difference checks and the close comparison of the engines to where the
/// condition holds (where the shape is well-conditioned): one test per shape, and the list
/// of names.
macro_rules! shapes {
    ($( $name:ident [$n:literal] $(where ($domain:expr))?: |$($v:ident),+| $e:expr; )*) => {
        $(
            #[test]
            #[allow(unused_variables)]
            fn $name() {
                let ($($v,)+) = vars();
                let everywhere = |_: &[f64; $n]| true;
                $(let everywhere = $domain;)?
                run::<_, $n>(stringify!($name), &$e, everywhere);
            }
        )*
        const SHAPES: &[&str] = &[$(stringify!($name)),*];
    };
}

shapes! {
    rosenbrock [2]: |x, y| (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x).powi(2);
    trig [3]: |x, y, z| x.sin() * y.cos() + z.tan();
    exponentials [3]: |x, y, z| x.exp() + y.exp2() - z.exp_m1();
    logarithms [3]: |x, y, z| x.ln() + y.log2() * z.log10();
    ln_1p_sqrt [3]: |x, y, z| (x * y).ln_1p() + z.sqrt();
    cbrt_recip_square [3]: |x, y, z| x.cbrt() * y.recip() - z.square();
    inverse_trig [3]: |x, y, z| x.asin() + y.acos() * z.atan();
    hyperbolic [3]: |x, y, z| x.sinh() * y.cosh() + z.tanh();
    inverse_hyperbolic [3]: |x, y, z| x.asinh() + (y * y + 1.0).acosh() - (z * 0.5).atanh();
    abs_erf [3]: |x, y, z| (x - y).abs() * z.erf();
    sigmoid_softplus [3]: |x, y, z| (x * y).sigmoid() + (y - z).softplus();
    constant_powers [3]: |x, y, z| x.powi(3) - y.powi(-2) + z.powf(1.5) + x.powf(-0.5);
    variable_powers [3]: |x, y, z| x.pow(y) + z.pow(0.5) + pow(2.0, y * z);
    atan2_hypot [3]: |x, y, z| y.atan2(x) + x.hypot(z) * atan2(1.0, z);
    max_min [3]: |x, y, z| x.max(y) - y.min(z) * x.max(0.0) + min(z, 1.0);
    fused [3]: |x, y, z| x.mul_add(y, z) + mul_add(y, z, 1.0) * mul_add(2.0, x, y);
    quotients [3]: |x, y, z| (x + y) / (z - x) - 1.0 / y + x / (y * y - z);
    negation [3]: |x, y, z| -(x - y) - (-z) * 2.0;
    gaussian [3]: |x, y, z| (-(x * x + y * y) * 0.5).exp() * z;
    chain [1]: |x| x.sin().cos().exp().ln_1p().sqrt().atan().sinh();
    neuron [3]: |x, y, z| (x * 0.3 + y * -0.7 + 0.1).tanh() * 1.2 + (y * 0.8 - z * 0.1).sigmoid();
    logistic_loss [3]: |x, y, z| (-(x * 0.5 + y * -1.5 + z)).softplus() + 0.01 * (x * x + y * y);
    mixed [3]: |x, y, z| x.cbrt().atan2(y.exp()) + z.log10().abs() - (x * z).erf().powi(2);
    let_shared [2]: |x, y| let_in(x * y, |p| p.sin() + p * p);
    let_nested_in_body [3]: |x, y, z| let_in(x + y, move |a| let_in(a * z, move |b| a * b + b.exp()));
    let_in_bound [1]: |x| let_in(let_in(x.sin(), |s| s * s), |p| p + p.sqrt());
    let_squarings [2]: |x, y| squarings!(x * 0.5 + y; 1 2 3) - y;
    let_outer_in_inner [2]: |x, y| let_in(x.exp(), move |a| let_in(y * a, move |b| b * b + a));
    select_lt [2]: |x, y| select(lt(x, y), x.sin() * y, (x - y).exp());
    select_nested [3]: |x, y, z| select(ge(x * y, 1.0), select(le(z, 0.0), z.square(), z.ln()), x.hypot(y));
    select_huber [1]: |x| select(gt(x.abs(), 1.0), x.abs() - 0.5, 0.5 * x * x);
    select_in_let [2]: |x, y| let_in(x - y, |d| select(lt(d, 0.0), -d, d.sqrt()) * d);
    sum_tuple [3]: |x, y, z| sum((x.sin(), y * z, z.exp(), x * y * z, y.sqrt()));
    product_tuple [3]: |x, y, z| product((x, y.cos(), z + 1.0, x.exp(), y));
    sum_array [3]: |x, y, z| sum(core::array::from_fn::<_, 3, _>(|i| at(i) * at((i + 1) % 3).sin()));
    product_array [3]: |x, y, z| product(core::array::from_fn::<_, 3, _>(|i| at(i) + 0.5));
    // Where e^(−rT) is large, the price is a small difference of large terms whose rounding
    // swamps a finite difference (seen: rT = −12.5). Deep in a tail (|d| > 8) N(d) has
    // saturated and each partial is what is left of two terms |d|/(σ√T) times larger that
    // cancel (seen: ∂K ≈ 10⁻²²⁸ from terms near 10⁻²¹⁴): rounding, which the engines
    // associate differently. There only the kinds of number are compared.
    black_scholes_price [5] where (|p: &[f64; 5]| {
        let [s, k, r, sigma, t] = *p;
        let sd = sigma * t.sqrt();
        let d1 = ((s / k).ln() + (r + 0.5 * sigma * sigma) * t) / sd;
        r * t >= -1.0 && [s, k, sigma, t].iter().all(|&c| c > 0.0)
            && sd >= 0.01 && d1.abs() <= 8.0 && (d1 - sd).abs() <= 8.0
    }):
        |s, k, r, sigma, t| black_scholes();
}

#[test]
fn the_library_has_at_least_thirty_shapes() {
    assert!(SHAPES.len() >= 30, "{} shapes", SHAPES.len());
}
