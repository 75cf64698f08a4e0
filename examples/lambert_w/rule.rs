//! The Lambert W function as a rule of one's own: a function the crate does not have,
//! written once (value and derivative) and then used in every engine.

use tapeless::Scalar;
use tapeless::rules::UnaryRule;

/// The principal branch `W₀` of the Lambert W function: the `w ≥ −1` with `w·eʷ = x`, for
/// `x ≥ −1/e`; NaN below `−1/e`. Derivative `W/(x(1 + W))`, taken as `1/(eᵂ(1 + W))` at
/// `x = 0` (the same function, whose value there is 1); `+∞` at `x = −1/e`.
///
/// The iteration runs in `T` itself, so on dual numbers the tangents are carried through
/// it, and the derivative is an expression in `W` written generically: `hvp` and `hessian`
/// of an expression using it are exact.
#[derive(Clone, Copy, Debug, Default)]
pub struct LambertW;

/// `−1/e`, the branch point.
const BRANCH: f64 = -0.367_879_441_171_442_33;

/// `W₀(x)` in any scalar type: an initial guess from `x`'s value, then Halley's iteration on
/// `w·eʷ − x = 0` (for `x ≤ e`) or Newton's on `w + ln w − ln x = 0` (above, where `eʷ`
/// would overflow first), until a step no longer changes the value, then one more step so
/// that tangents (which converge a step behind the value) converge too.
pub fn lambert_w<T: Scalar>(x: T) -> T {
    let xf = x.to_f64();
    if xf.is_nan() || xf < BRANCH {
        return T::from_f64(f64::NAN);
    }
    if xf == 0.0 {
        // Exactly: no iteration divides by `w = 0` (`x` itself carries the tangent).
        return x;
    }
    let one = T::one();
    let two = T::from_f64(2.0);
    let large = xf > core::f64::consts::E;
    // Initial guesses: at the branch point, the series in p = √(2(ex + 1)); for large x,
    // the asymptotic ln x − ln ln x; between, ln(1 + x).
    let mut w = if xf < -0.25 {
        let p = (two * (x * T::from_f64(core::f64::consts::E) + one)).sqrt();
        -one + p * (one - p * (T::from_f64(1.0 / 3.0) - p * T::from_f64(11.0 / 72.0)))
    } else if large {
        let l1 = x.ln();
        let l2 = l1.ln();
        l1 - l2 + l2 / l1
    } else {
        x.ln_1p()
    };
    let lnx = if large { x.ln() } else { T::zero() };
    let step = |w: T| -> T {
        if large {
            // Newton on w + ln w − ln x: Δ = (w + ln w − ln x)·w/(1 + w).
            (w + w.ln() - lnx) * w / (one + w)
        } else {
            // Halley on f(w) = w·eʷ − x.
            let e = w.exp();
            let f = w * e - x;
            let wp1 = w + one;
            f / (e * wp1 - (w + two) * f / (two * wp1))
        }
    };
    for _ in 0..64 {
        let d = step(w);
        if d.is_nan() {
            // At the branch point itself, where `1 + w` is 0: the guess is the value.
            return w;
        }
        w -= d;
        let (df, wf) = (d.to_f64(), w.to_f64());
        if df == 0.0 || df.abs() <= 2.0 * f64::EPSILON * wf.abs() {
            let d = step(w);
            if !d.is_nan() {
                w -= d;
            }
            break;
        }
    }
    w
}

impl UnaryRule for LambertW {
    const NAME: &'static str = "lambert_w";

    fn value<T: Scalar>(self, x: T) -> T {
        lambert_w(x)
    }

    fn eval<T: Scalar>(self, x: T) -> (T, T) {
        let w = lambert_w(x);
        let d = if x == T::zero() {
            // W/x is 0/0 here; eᵂ = x/W everywhere else, and this form has the same
            // value (1) and derivatives at 0.
            T::one() / (w.exp() * (T::one() + w))
        } else {
            w / (x * (T::one() + w))
        };
        (w, d)
    }
}
