//! Recording a static expression onto a tape.

use super::var::same_tape;
use super::{Tape, Var};
use crate::{Ctx, Expr, Scalar};

mod sealed {
    pub trait Sealed {}
}

/// What [`Expr::record`] reads while it records: the handles of the inputs and of the
/// enclosing let-bound values, and their values (as a [`Ctx`], for the conditions of
/// [`select`](crate::select), which are evaluated, not recorded).
///
/// Sealed: the crate makes them ([`Tape::record`], [`Tape::apply`]).
pub trait Recorder<'t, T: Scalar>: Ctx<T> + sealed::Sealed {
    /// The tape recorded onto.
    fn tape(&self) -> &'t Tape<T>;
    /// The handle of input `i` (`i < INPUTS`).
    fn input_var(&self, i: usize) -> Var<'t, T>;
    /// The handle of the value bound by the enclosing let at nesting depth `slot`.
    fn bound_var(&self, slot: usize) -> Var<'t, T>;
}

/// The message for a placeholder outside its let: the public API cannot make one.
const ESCAPED: &str = "tapeless: a let placeholder was recorded outside the let that made it";

/// The outermost recorder: the handles given as the inputs.
struct Args<'a, 't, T, const N: usize> {
    tape: &'t Tape<T>,
    vars: &'a [Var<'t, T>; N],
}

impl<T, const N: usize> sealed::Sealed for Args<'_, '_, T, N> {}

impl<T: Scalar, const N: usize> Ctx<T> for Args<'_, '_, T, N> {
    const INPUTS: usize = N;
    const DEPTH: usize = 0;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        self.vars[i].val
    }
    fn bound(&self, _slot: usize) -> T {
        panic!("{ESCAPED}")
    }
}

impl<'t, T: Scalar, const N: usize> Recorder<'t, T> for Args<'_, 't, T, N> {
    #[inline(always)]
    fn tape(&self) -> &'t Tape<T> {
        self.tape
    }
    #[inline(always)]
    fn input_var(&self, i: usize) -> Var<'t, T> {
        self.vars[i]
    }
    fn bound_var(&self, _slot: usize) -> Var<'t, T> {
        panic!("{ESCAPED}")
    }
}

/// The recorder inside a let body: the outer recorder plus the handle of the bound value,
/// which every use of the placeholder shares.
pub(crate) struct BoundVar<'a, 't, R, T> {
    outer: &'a R,
    value: Var<'t, T>,
}

impl<'a, 't, R, T> BoundVar<'a, 't, R, T> {
    #[inline(always)]
    pub(crate) fn new(outer: &'a R, value: Var<'t, T>) -> Self {
        BoundVar { outer, value }
    }
}

impl<R, T> sealed::Sealed for BoundVar<'_, '_, R, T> {}

impl<'t, R: Recorder<'t, T>, T: Scalar> Ctx<T> for BoundVar<'_, 't, R, T> {
    const INPUTS: usize = R::INPUTS;
    const DEPTH: usize = R::DEPTH + 1;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        self.outer.input(i)
    }
    #[inline(always)]
    fn bound(&self, slot: usize) -> T {
        if slot == R::DEPTH {
            self.value.val
        } else {
            self.outer.bound(slot)
        }
    }
}

impl<'t, R: Recorder<'t, T>, T: Scalar> Recorder<'t, T> for BoundVar<'_, 't, R, T> {
    #[inline(always)]
    fn tape(&self) -> &'t Tape<T> {
        self.outer.tape()
    }
    #[inline(always)]
    fn input_var(&self, i: usize) -> Var<'t, T> {
        self.outer.input_var(i)
    }
    #[inline(always)]
    fn bound_var(&self, slot: usize) -> Var<'t, T> {
        if slot == R::DEPTH {
            self.value
        } else {
            self.outer.bound_var(slot)
        }
    }
}

impl<T: Scalar> Tape<T> {
    /// Records the static expression `f` at the point `x`: `N` new inputs, then one node
    /// per operation of `f`, computed by the same rules as the static engine. Returns the
    /// input handles and the output.
    ///
    /// A let-bound value is recorded once and shared by every use of its placeholder; a
    /// [`select`](crate::select) records only the branch its condition takes at `x`.
    ///
    /// The gradient of the recording is the static gradient of `f` at `x`: the same
    /// partials, multiplied in the same order, and (the second operand of each operation
    /// is recorded first, so that the reverse sweep visits operands as the static sweep
    /// does) added in the same order too, except where an input used by the first operand
    /// of an operation is also its second operand: there the tape adds that use earlier,
    /// which can change the last bits of a sum that cancels.
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// let (x, y) = vars();
    /// let f = let_in(x * y, |p| p.sin() + p * p);
    /// let tape = Tape::new();
    /// let (_, out) = tape.record(&f, [0.5, 3.0]);
    /// let (v, g) = gradient(&f, [0.5, 3.0]);
    /// assert_eq!(out.value(), v);
    /// assert_eq!(tape.gradient_vec(out), <[f64; 2]>::from(g));
    /// ```
    ///
    /// A variable whose index is not below `N` is a build error, as with
    /// [`gradient`](crate::gradient).
    pub fn record<E: Expr<T>, const N: usize>(
        &self,
        f: &E,
        x: [T; N],
    ) -> ([Var<'_, T>; N], Var<'_, T>) {
        let vars = self.input_array(x);
        let y = self.apply(f, &vars);
        (vars, y)
    }

    /// Records the static expression `f` applied to handles already on this tape: input
    /// `i` of `f` is `args[i]`. A static kernel can so be called from dynamic code (a loop
    /// of run-time length, say) and differentiated with it.
    ///
    /// ```
    /// use tapeless::prelude::*;
    /// let (a, b) = vars();
    /// let step = (a - b).powi(2); // a static kernel
    /// let xs = [1.0, 3.0, 6.0];
    /// let tape = Tape::new();
    /// let x = tape.inputs(&xs);
    /// let mut total = tape.constant(0.0);
    /// for i in 1..x.len() {
    ///     total += tape.apply(&step, &[x.get(i), x.get(i - 1)]);
    /// }
    /// assert_eq!(total.value(), 4.0 + 9.0);
    /// assert_eq!(tape.gradient_vec(total), [-4.0, 4.0 - 6.0, 6.0]);
    /// ```
    ///
    /// # Panics
    /// If a handle of `args` is of another tape.
    #[inline]
    #[track_caller]
    pub fn apply<'t, E: Expr<T>, const N: usize>(
        &'t self,
        f: &E,
        args: &[Var<'t, T>; N],
    ) -> Var<'t, T> {
        for a in args {
            same_tape(self, a.tape);
        }
        f.record(&Args {
            tape: self,
            vars: args,
        })
    }
}
