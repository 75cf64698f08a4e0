//! The handle of a recorded value and the functions on it.

use super::Tape;
use super::store::{Recorded, SLOT};
use crate::Scalar;
use crate::rules::{self, BinaryRule, EvalIn, TernaryRule, UnaryRule};

/// A value recorded on a [`Tape`]: a copyable handle (the tape, a node index, the value).
///
/// It borrows the tape for `'t`, so it cannot outlive it. Operators (`+ - * /`, unary
/// `-`, and `+= -= *= /=`) work between handles and with plain numbers of the tape's type
/// on either side; every elementary function of [`rules`](crate::rules) is a method, with
/// the names of the static engine's [`Node`](crate::Node) methods. Each operation computes
/// its value and its local partials with the rule; it appends nodes only where its result
/// would depend on more than two nodes (see [the storage](crate::tape#how-it-is-stored)).
///
/// ```
/// use tapeless::Tape;
/// let tape = Tape::new();
/// let [x, y] = tape.input_array([0.5, 2.0]);
/// let f = (x * y).sin() + 2.0 * x.powi(3) - y.max(1.0);
/// let g = tape.gradient_vec(f);
/// assert_eq!(f.value(), 1.0_f64.sin() + 0.25 - 2.0);
/// assert_eq!(g, [2.0 * 1.0_f64.cos() + 1.5, 0.5 * 1.0_f64.cos() - 1.0]);
/// ```
///
/// Handles of two different tapes cannot meet:
///
/// ```should_panic
/// use tapeless::Tape;
/// let (a, b) = (Tape::new(), Tape::new());
/// let _ = a.input(1.0) + b.input(2.0); // panics: two different tapes
/// ```
pub struct Var<'t, T> {
    pub(super) tape: &'t Tape<T>,
    pub(super) rec: Recorded<T>,
}

impl<T: Copy> Clone for Var<'_, T> {
    #[inline(always)]
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Copy> Copy for Var<'_, T> {}

impl<T: core::fmt::Debug> core::fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let Recorded {
            value,
            nodes,
            scales,
        } = &self.rec;
        match nodes {
            [SLOT, _] => write!(f, "Var(constant {value:?})"),
            [n, SLOT] => write!(f, "Var({value:?}: node {n} scaled by {:?})", scales[0]),
            [n, m] => write!(
                f,
                "Var({value:?}: node {n} scaled by {:?}, node {m} by {:?})",
                scales[0], scales[1]
            ),
        }
    }
}

/// Panics unless both handles are on the same tape.
#[inline(always)]
#[track_caller]
pub(super) fn same_tape<T>(a: &Tape<T>, b: &Tape<T>) {
    if !core::ptr::eq(a, b) {
        two_tapes()
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn two_tapes() -> ! {
    panic!(
        "tapeless: handles of two different tapes met in one operation; every operand must \
         be recorded on the same `Tape`"
    )
}

impl<'t, T: Scalar> Var<'t, T> {
    #[inline(always)]
    pub(super) fn from_recorded(tape: &'t Tape<T>, rec: Recorded<T>) -> Self {
        Var { tape, rec }
    }

    /// The value and terms, without the tape.
    #[inline(always)]
    pub(super) fn recorded(self) -> Recorded<T> {
        self.rec
    }

    /// The value.
    ///
    /// ```
    /// let tape = tapeless::Tape::new();
    /// assert_eq!((tape.input(2.0) * 3.0).value(), 6.0);
    /// ```
    #[inline(always)]
    pub fn value(self) -> T {
        self.rec.value
    }

    /// The tape this handle is recorded on (to make constants in a helper function).
    #[inline(always)]
    pub fn tape(self) -> &'t Tape<T> {
        self.tape
    }

    /// `rule(self)`: rescales the terms by the partial the rule computes. Every unary
    /// method is this with its rule; it also serves rules defined outside the crate.
    ///
    /// ```
    /// use tapeless::{Tape, rules::Exp};
    /// let tape = Tape::new();
    /// let x = tape.input(1.0_f64);
    /// assert_eq!(tape.gradient_vec(x.unary(Exp)), [1.0_f64.exp()]);
    /// ```
    #[inline(always)]
    pub fn unary<R: UnaryRule>(self, rule: R) -> Self {
        let mut s = self.tape.store.borrow_mut();
        let r = if self.tape.tracing {
            s.trace_unary(rule, self.rec)
        } else {
            s.unary(rule, self.recorded())
        };
        Var::from_recorded(self.tape, r)
    }

    /// `rule(self, other)`, with `other` a handle or a number.
    ///
    /// # Panics
    /// If `other` is a handle of another tape.
    #[inline(always)]
    #[track_caller]
    pub fn binary<R: BinaryRule>(self, rule: R, other: impl Operand<'t, T>) -> Self {
        let b = other.into_var(self.tape);
        same_tape(self.tape, b.tape);
        let mut s = self.tape.store.borrow_mut();
        let r = if self.tape.tracing {
            s.trace_binary(rule, self.rec, b.rec)
        } else {
            s.binary(rule, self.recorded(), b.recorded())
        };
        Var::from_recorded(self.tape, r)
    }

    /// `rule(self, b, c)`, recorded as `(self, b)` then that with `c`.
    ///
    /// # Panics
    /// If `b` or `c` is a handle of another tape.
    #[inline(always)]
    #[track_caller]
    pub fn ternary<R: TernaryRule>(
        self,
        rule: R,
        b: impl Operand<'t, T>,
        c: impl Operand<'t, T>,
    ) -> Self {
        let b = b.into_var(self.tape);
        let c = c.into_var(self.tape);
        same_tape(self.tape, b.tape);
        same_tape(self.tape, c.tape);
        let mut s = self.tape.store.borrow_mut();
        let r = if self.tape.tracing {
            s.trace_ternary(rule, self.rec, b.rec, c.rec)
        } else {
            s.ternary(rule, self.recorded(), b.recorded(), c.recorded())
        };
        Var::from_recorded(self.tape, r)
    }

    /// `self ∘ other` for the comparison `op` ([`Lt`](crate::Lt), [`Le`](crate::Le),
    /// [`Gt`](crate::Gt), [`Ge`](crate::Ge)); false if either is NaN. A tape made
    /// [for replay](Tape::for_replay) keeps the comparison and its outcome, so a
    /// [`Replay`](super::Replay) at another point knows when the branch it decides changes.
    /// A comparison of [`value`](Var::value)s is invisible to the tape: compare handles.
    ///
    /// ```
    /// use tapeless::{Gt, Tape};
    /// let tape = Tape::new();
    /// let [x, y] = tape.input_array([2.0, 1.0]);
    /// assert!(x.compare(Gt, y) && x.gt(y) && !x.lt(1.5));
    /// ```
    ///
    /// # Panics
    /// If `other` is a handle of another tape.
    #[inline(always)]
    #[track_caller]
    pub fn compare<O: crate::CmpOp>(self, op: O, other: impl Operand<'t, T>) -> bool {
        let _ = op;
        let b = other.into_var(self.tape);
        same_tape(self.tape, b.tape);
        (self.tape.store.borrow_mut()).compare::<O>(self.recorded(), b.recorded())
    }

    /// `if self ∘ other { then } else { otherwise }` for the comparison `op`, with both
    /// branches recorded on a tape made [for replay](Tape::for_replay): a
    /// [`Replay`](super::Replay) then chooses again at each point, with no
    /// [changed branch](super::ReplayError::BranchChanged) to report (CppAD's `CondExp`).
    /// The derivative is the chosen branch's. On an ordinary tape, it is the chosen handle.
    ///
    /// ```
    /// use tapeless::{Gt, tape::Replay};
    /// // f(x) = x₀² if x₀ > x₁, else sin x₁, with both branches recorded.
    /// let mut f = Replay::record(&[2.0, 1.0], |x| {
    ///     let (x0, x1) = (x.get(0), x.get(1));
    ///     x0.cond(Gt, x1, x0 * x0, x1.sin())
    /// });
    /// let mut g = [0.0; 2];
    /// assert_eq!(f.gradient(&[3.0, 0.5], &mut g), Ok(9.0));
    /// assert_eq!(g, [6.0, 0.0]);
    /// assert_eq!(f.gradient(&[0.0, 0.5], &mut g), Ok(0.5_f64.sin())); // the other side
    /// assert_eq!(g, [0.0, 0.5_f64.cos()]);
    /// ```
    ///
    /// # Panics
    /// If an operand is a handle of another tape.
    #[inline(always)]
    #[track_caller]
    pub fn cond<O: crate::CmpOp>(
        self,
        op: O,
        other: impl Operand<'t, T>,
        then: impl Operand<'t, T>,
        otherwise: impl Operand<'t, T>,
    ) -> Self {
        let _ = op;
        let b = other.into_var(self.tape);
        let (t, e) = (then.into_var(self.tape), otherwise.into_var(self.tape));
        same_tape(self.tape, b.tape);
        same_tape(self.tape, t.tape);
        same_tape(self.tape, e.tape);
        if self.tape.tracing {
            let r = (self.tape.store.borrow_mut()).trace_cond::<O>(self.rec, b.rec, t.rec, e.rec);
            Var::from_recorded(self.tape, r)
        } else if O::test(self.rec.value, b.rec.value) {
            t
        } else {
            e
        }
    }

    /// `self < other`, kept by a tape made for replay (see [`compare`](Var::compare)).
    #[inline(always)]
    #[track_caller]
    pub fn lt(self, other: impl Operand<'t, T>) -> bool {
        self.compare(crate::Lt, other)
    }

    /// `self <= other`, kept by a tape made for replay (see [`compare`](Var::compare)).
    #[inline(always)]
    #[track_caller]
    pub fn le(self, other: impl Operand<'t, T>) -> bool {
        self.compare(crate::Le, other)
    }

    /// `self > other`, kept by a tape made for replay (see [`compare`](Var::compare)).
    #[inline(always)]
    #[track_caller]
    pub fn gt(self, other: impl Operand<'t, T>) -> bool {
        self.compare(crate::Gt, other)
    }

    /// `self >= other`, kept by a tape made for replay (see [`compare`](Var::compare)).
    #[inline(always)]
    #[track_caller]
    pub fn ge(self, other: impl Operand<'t, T>) -> bool {
        self.compare(crate::Ge, other)
    }

    /// `rule(self)` for any rule of one argument, the crate's or your own: the same as
    /// [`unary`](Var::unary), spelled as on static expressions
    /// ([`Node::apply`](crate::Node::apply)) and dual numbers ([`Dual::apply`](crate::Dual::apply)).
    ///
    /// ```
    /// use tapeless::{Scalar, Tape, rules::UnaryRule};
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
    /// let tape = Tape::new();
    /// let [x, y] = tape.input_array([2.0, 5.0]);
    /// let f = (x * y).apply(Cube);
    /// assert_eq!(f.value(), 1000.0);
    /// assert_eq!(tape.gradient_vec(f), [3.0 * 100.0 * 5.0, 3.0 * 100.0 * 2.0]);
    /// ```
    #[inline(always)]
    pub fn apply<R: UnaryRule>(self, rule: R) -> Self {
        self.unary(rule)
    }

    /// `rule(self)` for a rule written for `f64` only ([`F64Rule`](crate::rules::F64Rule)):
    /// on tapes of `f64` and `f32`; a compile error on a tape of dual numbers
    /// ([`tape_hvp`](crate::tape_hvp), [`tape_hessian`](crate::tape_hessian)).
    ///
    /// ```
    /// use tapeless::{Tape, rules::F64Rule};
    ///
    /// /// Stands for a function from elsewhere: f(x) = x·eˣ, f'(x) = (1 + x)eˣ.
    /// #[derive(Clone, Copy)]
    /// struct Foreign;
    /// impl F64Rule for Foreign {
    ///     const NAME: &'static str = "foreign";
    ///     fn eval(self, x: f64) -> (f64, f64) {
    ///         let e = x.exp();
    ///         (x * e, (1.0 + x) * e)
    ///     }
    /// }
    ///
    /// let tape = Tape::new();
    /// let [x, y] = tape.input_array([0.5, 2.0]);
    /// let f = (x * y).apply_f64(Foreign);
    /// let e = 1.0_f64.exp();
    /// assert_eq!(tape.gradient_vec(f), [2.0 * 2.0 * e, 0.5 * 2.0 * e]);
    /// ```
    #[inline(always)]
    pub fn apply_f64<R: EvalIn<T>>(self, rule: R) -> Self {
        let (y, d) = rule.eval_in(self.rec.value);
        if self.tape.tracing {
            // Not an operation a replay can run again: the replay will say so.
            (self.tape.store.borrow_mut()).mark_foreign(core::any::type_name::<R>());
        }
        Var::from_recorded(self.tape, self.rec.through(y, d))
    }

    /// `rule(self, other)` for any rule of two arguments: the same as
    /// [`binary`](Var::binary).
    ///
    /// ```
    /// use tapeless::{Tape, rules::Hypot};
    /// let tape = Tape::new();
    /// let [x, y] = tape.input_array([3.0, 4.0]);
    /// let f = x.apply2(Hypot, y);
    /// assert_eq!((f.value(), tape.gradient_vec(f)), (5.0, vec![0.6, 0.8]));
    /// ```
    ///
    /// # Panics
    /// If `other` is a handle of another tape.
    #[inline(always)]
    #[track_caller]
    pub fn apply2<R: BinaryRule>(self, rule: R, other: impl Operand<'t, T>) -> Self {
        self.binary(rule, other)
    }

    /// `rule(self, b, c)` for any rule of three arguments: the same as
    /// [`ternary`](Var::ternary).
    ///
    /// ```
    /// use tapeless::{Tape, rules::MulAdd};
    /// let tape = Tape::new();
    /// let [x, y] = tape.input_array([2.0, 3.0]);
    /// let f = x.apply3(MulAdd, y, 1.0);
    /// assert_eq!((f.value(), tape.gradient_vec(f)), (7.0, vec![3.0, 2.0]));
    /// ```
    ///
    /// # Panics
    /// If `b` or `c` is a handle of another tape.
    #[inline(always)]
    #[track_caller]
    pub fn apply3<R: TernaryRule>(
        self,
        rule: R,
        b: impl Operand<'t, T>,
        c: impl Operand<'t, T>,
    ) -> Self {
        self.ternary(rule, b, c)
    }

    /// `selfⁿ` for a constant integer `n`.
    #[inline(always)]
    pub fn powi(self, n: i32) -> Self {
        self.unary(rules::Powi(n))
    }

    /// `selfᵖ` for a constant real `p`.
    #[inline(always)]
    pub fn powf(self, p: f64) -> Self {
        self.unary(rules::Powf(p))
    }

    /// `selfᵉ` with a recorded (or constant) exponent.
    #[inline(always)]
    #[track_caller]
    pub fn pow(self, e: impl Operand<'t, T>) -> Self {
        self.binary(rules::Pow, e)
    }

    /// `atan2(self, x)`: the angle of the point `(x, self)`.
    #[inline(always)]
    #[track_caller]
    pub fn atan2(self, x: impl Operand<'t, T>) -> Self {
        self.binary(rules::Atan2, x)
    }

    /// `√(self² + y²)`.
    #[inline(always)]
    #[track_caller]
    pub fn hypot(self, y: impl Operand<'t, T>) -> Self {
        self.binary(rules::Hypot, y)
    }

    /// The larger of `self` and `other`.
    #[inline(always)]
    #[track_caller]
    pub fn max(self, other: impl Operand<'t, T>) -> Self {
        self.binary(rules::Max, other)
    }

    /// The smaller of `self` and `other`.
    #[inline(always)]
    #[track_caller]
    pub fn min(self, other: impl Operand<'t, T>) -> Self {
        self.binary(rules::Min, other)
    }

    /// `self · a + b`, fused.
    #[inline(always)]
    #[track_caller]
    pub fn mul_add(self, a: impl Operand<'t, T>, b: impl Operand<'t, T>) -> Self {
        self.ternary(rules::MulAdd, a, b)
    }
}

/// Declares the unary methods of [`Var`], one per rule.
macro_rules! unary_methods {
    ($( $(#[$doc:meta])* $name:ident => $rule:ident; )*) => {
        impl<T: Scalar> Var<'_, T> {
            $(
                $(#[$doc])*
                #[inline(always)]
                pub fn $name(self) -> Self {
                    self.unary(rules::$rule)
                }
            )*
        }
    };
}

crate::rules::with_unary_rules!(unary_methods);

/// A second operand of a handle operation: another handle of the same tape, or a plain
/// number of the tape's type (a constant, which records nothing of its own).
pub trait Operand<'t, T> {
    /// The operand as a handle on `tape`.
    fn into_var(self, tape: &'t Tape<T>) -> Var<'t, T>;
}

impl<'t, T: Scalar> Operand<'t, T> for Var<'t, T> {
    #[inline(always)]
    fn into_var(self, _: &'t Tape<T>) -> Var<'t, T> {
        self
    }
}

impl<'t, T: Scalar> Operand<'t, T> for T {
    #[inline(always)]
    fn into_var(self, tape: &'t Tape<T>) -> Var<'t, T> {
        tape.constant(self)
    }
}
