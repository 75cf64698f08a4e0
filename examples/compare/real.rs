//! One function for every engine of the run-time-size workloads: the arithmetic they need,
//! on each engine's number type. A workload writes its function once, generic in [`Real`],
//! and every tape records (and forward mode carries) exactly the same operations, as the
//! fixed-size workloads get by recording one static expression.
//!
//! The inputs reach the function through an accessor `x(i)`, not a slice: this crate's tape
//! hands out input handles by index ([`tapeless::Inputs::get`]) without a vector of them.

use core::ops::{Add, Mul, Sub};

use num_dual::{DualNum, DualSVec64};

/// A number of one engine: `f64`'s arithmetic, with itself and with `f64` constants, and the
/// few elementary functions the workloads use.
pub trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
{
    /// The value, without derivative.
    fn value(self) -> f64;
    /// `eˣ`.
    fn exp(self) -> Self;
    /// `ln x`.
    fn ln(self) -> Self;
    /// `tanh x`.
    fn tanh(self) -> Self;
    /// The constant `c` in the engine of `like` (on its tape), as cheaply as the engine
    /// allows: free where it has constants, `like · 0 + c` where it has none.
    fn constant(like: Self, c: f64) -> Self;
}

impl Real for f64 {
    #[inline(always)]
    fn value(self) -> f64 {
        self
    }
    #[inline(always)]
    fn exp(self) -> Self {
        f64::exp(self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        f64::ln(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    #[inline(always)]
    fn constant(_: Self, c: f64) -> Self {
        c
    }
}

/// This crate's tape: constants record nothing.
impl<'t> Real for tapeless::tape::Var<'t, f64> {
    #[inline(always)]
    fn value(self) -> f64 {
        tapeless::tape::Var::value(self)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        tapeless::tape::Var::exp(self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        tapeless::tape::Var::ln(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        tapeless::tape::Var::tanh(self)
    }
    #[inline(always)]
    fn constant(like: Self, c: f64) -> Self {
        like.tape().constant(c)
    }
}

/// The peer `reverse`: it has no free constant, so `like · 0 + c` (two nodes); only the
/// initial state of `ode_N` uses it.
impl<'t> Real for reverse::Var<'t> {
    #[inline(always)]
    fn value(self) -> f64 {
        self.val()
    }
    #[inline(always)]
    fn exp(self) -> Self {
        reverse::Var::exp(&self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        reverse::Var::ln(&self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        reverse::Var::tanh(&self)
    }
    #[inline(always)]
    fn constant(like: Self, c: f64) -> Self {
        like * 0.0 + c
    }
}

/// The peer `num_dual`, forward mode with `N` tangents.
impl<const N: usize> Real for DualSVec64<N> {
    #[inline(always)]
    fn value(self) -> f64 {
        self.re
    }
    #[inline(always)]
    fn exp(self) -> Self {
        DualNum::exp(&self)
    }
    #[inline(always)]
    fn ln(self) -> Self {
        DualNum::ln(&self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        DualNum::tanh(&self)
    }
    #[inline(always)]
    fn constant(_: Self, c: f64) -> Self {
        DualSVec64::from_re(c)
    }
}

/// echidna's two tapes, through its own scalar trait (`num_traits::Float` underneath).
macro_rules! echidna_real {
    ($t:ty) => {
        impl Real for $t {
            #[inline(always)]
            fn value(self) -> f64 {
                echidna::Scalar::value(&self)
            }
            #[inline(always)]
            fn exp(self) -> Self {
                num_traits::Float::exp(self)
            }
            #[inline(always)]
            fn ln(self) -> Self {
                num_traits::Float::ln(self)
            }
            #[inline(always)]
            fn tanh(self) -> Self {
                num_traits::Float::tanh(self)
            }
            #[inline(always)]
            fn constant(_: Self, c: f64) -> Self {
                <$t>::constant(c)
            }
        }
    };
}

echidna_real!(echidna::Reverse<f64>);
echidna_real!(echidna::BReverse<f64>);

/// `max x + ln Σ exp(xᵢ − max x)` over `terms`, the maximum taken as a constant (on values):
/// the log-sum-exp does not depend on the shift, so its derivative through the maximum is
/// exactly zero, and every engine then computes the softmax gradient without a term that
/// would cancel only up to rounding. The first term starts the sum (no zero to add).
#[inline(always)]
pub fn logsumexp<R: Real>(terms: &[R]) -> R {
    let m = terms
        .iter()
        .fold(f64::NEG_INFINITY, |m, t| m.max(t.value()));
    let mut s = (terms[0] - m).exp();
    for &t in &terms[1..] {
        s = s + (t - m).exp();
    }
    s.ln() + m
}

/// Reuses the allocation of an empty vector for elements of another type of the same layout
/// (a vector of tape handles kept between calls, whose lifetime is that of one recording).
/// `Vec`'s in-place collect keeps the buffer: no allocation, no unsafe code. That is how
/// the standard library implements it, not a promise it makes, so it is checked: were it
/// to change, the claim that the tape rows allocate nothing per call would fail loudly.
#[inline]
pub fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    let capacity = v.capacity();
    let u: Vec<U> = v
        .into_iter()
        .map(|_| -> U { unreachable!("the vector was cleared") })
        .collect();
    assert!(
        u.capacity() >= capacity,
        "recycle: the buffer was not reused ({} < {capacity})",
        u.capacity()
    );
    u
}
