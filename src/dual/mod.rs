//! Forward mode: dual numbers.
//!
//! A [`Dual<T, N>`] is a value `re` and `N` tangents `eps` (directional derivatives along
//! `N` directions carried at once; `N = 1` by default). It is a [`Scalar`], so every
//! expression of the static engine evaluates in it, and every elementary function is the
//! chain rule around the crate's [`rules`](crate::rules): `f(a + ε) = f(a) + f'(a)·ε`,
//! with `(f(a), f'(a))` from the rule's `eval`. No derivative formula is written here.
//!
//! Running the *forward* sweep on duals gives Jacobian-vector products
//! ([`jvp`](crate::jvp), [`forward_gradient`](crate::forward_gradient)); running the
//! *reverse* sweep on duals gives Hessian-vector products ([`hvp`](crate::hvp)). Duals
//! nest: `Dual<Dual<f64>>` carries second directional derivatives.
//!
//! Comparisons (`==`, `<`, …) look at the real part only, so a branch (`select`, `max`,
//! the domain tests inside the rules) takes the same side as it would on plain numbers.
//!
//! ```
//! use tapeless::{Dual, Scalar};
//! let x = Dual::new(0.5_f64, 1.0); // x = 0.5, dx = 1
//! let y = x.sin() * x.exp();
//! let exact = 0.5_f64.cos() * 0.5_f64.exp() + 0.5_f64.sin() * 0.5_f64.exp();
//! assert!((y.tangent() - exact).abs() < 1e-15);
//! ```

mod ops;
mod scalar;

use crate::Scalar;
use crate::rules::{BinaryRule, TernaryRule, UnaryRule};

/// A dual number: a value and `N` tangents (one by default).
///
/// `Dual<f64>` is the usual dual number `a + b·ε` with `ε² = 0`; `Dual<f64, 3>` carries three
/// independent tangents (three directional derivatives in one evaluation). Equality and
/// ordering compare the real parts.
#[derive(Clone, Copy, Debug)]
pub struct Dual<T, const N: usize = 1> {
    /// The value.
    pub re: T,
    /// The tangents: the derivatives of the value along each of `N` directions.
    pub eps: [T; N],
}

impl<T: Scalar> Dual<T, 1> {
    /// `re + eps·ε`: a value with one tangent.
    ///
    /// ```
    /// use tapeless::Dual;
    /// let x = Dual::new(3.0, 1.0);
    /// let y = x * x;
    /// assert_eq!((y.re, y.tangent()), (9.0, 6.0));
    /// ```
    #[inline(always)]
    pub fn new(re: T, eps: T) -> Self {
        Dual { re, eps: [eps] }
    }

    /// The (single) tangent.
    #[inline(always)]
    pub fn tangent(self) -> T {
        self.eps[0]
    }
}

impl<T: Scalar, const N: usize> Dual<T, N> {
    /// A value with the given tangents.
    ///
    /// ```
    /// use tapeless::Dual;
    /// // x and y seeded with the unit directions: one evaluation gives the whole gradient.
    /// let x = Dual::with_tangents(2.0, [1.0, 0.0]);
    /// let y = Dual::with_tangents(5.0, [0.0, 1.0]);
    /// let f = x * y + x;
    /// assert_eq!(f.eps, [5.0 + 1.0, 2.0]);
    /// ```
    #[inline(always)]
    pub fn with_tangents(re: T, eps: [T; N]) -> Self {
        Dual { re, eps }
    }

    /// A constant: the value with zero tangents.
    #[inline(always)]
    pub fn constant(re: T) -> Self {
        Dual {
            re,
            eps: [T::zero(); N],
        }
    }

    /// The variable number `k` of `N`: the value with the `k`-th unit tangent (zero
    /// tangents if `k >= N`).
    ///
    /// ```
    /// use tapeless::Dual;
    /// let y = Dual::<f64, 3>::variable(2.0, 1);
    /// assert_eq!(y.eps, [0.0, 1.0, 0.0]);
    /// ```
    #[inline(always)]
    pub fn variable(re: T, k: usize) -> Self {
        let mut d = Self::constant(re);
        if let Some(e) = d.eps.get_mut(k) {
            *e = T::one();
        }
        d
    }
}

impl<T: Scalar, const N: usize> Dual<T, N> {
    /// `rule(self)` for any rule of one argument, the crate's or your own: the chain rule
    /// `f(a + ε) = f(a) + f'(a)·ε` around the rule's `eval`, as every built-in function of
    /// a dual number is. A rule used in a static expression is also evaluated this way by
    /// [`hvp`](crate::hvp) and [`hessian`](crate::hessian), with the rule's `eval` itself
    /// run on dual numbers: its derivative must be written generically (over `T: Scalar`).
    ///
    /// ```
    /// use tapeless::{Dual, Scalar, rules::UnaryRule};
    ///
    /// /// `x³`, derivative `3x²`.
    /// #[derive(Clone, Copy)]
    /// struct Cube;
    /// impl UnaryRule for Cube {
    ///     const NAME: &'static str = "cube";
    ///     fn value<T: Scalar>(self, x: T) -> T {
    ///         x * x * x
    ///     }
    ///     fn eval<T: Scalar>(self, x: T) -> (T, T) {
    ///         (x * x * x, T::from_f64(3.0) * x * x)
    ///     }
    /// }
    ///
    /// let y = Dual::new(2.0, 1.0).apply(Cube);
    /// assert_eq!((y.re, y.tangent()), (8.0, 12.0));
    /// ```
    #[inline(always)]
    pub fn apply<R: UnaryRule>(self, rule: R) -> Self {
        ops::unary(rule, self)
    }

    /// `rule(self, b)` for any rule of two arguments: tangent `∂ₐf·ȧ + ∂_b f·ḃ`.
    ///
    /// ```
    /// use tapeless::{Dual, rules::Hypot};
    /// let y = Dual::new(3.0, 1.0).apply2(Hypot, Dual::new(4.0, 0.0));
    /// assert_eq!((y.re, y.tangent()), (5.0, 0.6));
    /// ```
    #[inline(always)]
    pub fn apply2<R: BinaryRule>(self, rule: R, b: Self) -> Self {
        ops::binary(rule, self, b)
    }

    /// `rule(self, b, c)` for any rule of three arguments.
    ///
    /// ```
    /// use tapeless::{Dual, rules::MulAdd};
    /// let y = Dual::new(2.0, 1.0).apply3(MulAdd, Dual::constant(3.0), Dual::new(1.0, 1.0));
    /// assert_eq!((y.re, y.tangent()), (7.0, 4.0));
    /// ```
    #[inline(always)]
    pub fn apply3<R: TernaryRule>(self, rule: R, b: Self, c: Self) -> Self {
        ops::ternary(rule, self, b, c)
    }
}

impl<T: Scalar, const N: usize> Default for Dual<T, N> {
    #[inline(always)]
    fn default() -> Self {
        Self::constant(T::default())
    }
}

impl<T: PartialEq, const N: usize> PartialEq for Dual<T, N> {
    /// Compares the real parts.
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        self.re == other.re
    }
}

impl<T: PartialOrd, const N: usize> PartialOrd for Dual<T, N> {
    /// Orders by the real parts.
    #[inline(always)]
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

impl<T: Scalar, const N: usize> From<T> for Dual<T, N> {
    /// A constant (zero tangents).
    #[inline(always)]
    fn from(re: T) -> Self {
        Self::constant(re)
    }
}
