//! Operators, builder methods and free functions: how expressions are written.

use super::{Binary, Cst, Ternary, Unary, UnaryF64};
use crate::rules;

mod sealed {
    pub trait Sealed {}
}
pub(crate) use sealed::Sealed;

/// Declares the unary builder methods of [`Node`] and their free-function twins.
macro_rules! unary_builders {
    ($( $(#[$doc:meta])* $name:ident => $rule:ident; )*) => {
        /// A node of the static engine's expression tree: the builder methods every
        /// expression has (`x.sin()`, `x.powi(2)`, …).
        ///
        /// Sealed: implemented by the node types of this crate only.
        pub trait Node: Copy + Sealed {
            $(
                $(#[$doc])*
                #[inline(always)]
                fn $name(self) -> Unary<rules::$rule, Self> {
                    Unary::new(rules::$rule, self)
                }
            )*

            /// `selfⁿ` for a constant integer `n`.
            #[inline(always)]
            fn powi(self, n: i32) -> Unary<rules::Powi, Self> {
                Unary::new(rules::Powi(n), self)
            }
            /// `selfᵖ` for a constant real `p`.
            #[inline(always)]
            fn powf(self, p: f64) -> Unary<rules::Powf, Self> {
                Unary::new(rules::Powf(p), self)
            }
            /// `selfᵉ` with an expression exponent.
            #[inline(always)]
            fn pow<E: IntoNode>(self, e: E) -> Binary<rules::Pow, Self, E::Node> {
                Binary::new(rules::Pow, self, e.into_node())
            }
            /// `atan2(self, x)`: the angle of the point `(x, self)`.
            #[inline(always)]
            fn atan2<E: IntoNode>(self, x: E) -> Binary<rules::Atan2, Self, E::Node> {
                Binary::new(rules::Atan2, self, x.into_node())
            }
            /// `√(self² + y²)`.
            #[inline(always)]
            fn hypot<E: IntoNode>(self, y: E) -> Binary<rules::Hypot, Self, E::Node> {
                Binary::new(rules::Hypot, self, y.into_node())
            }
            /// The larger of `self` and `other`.
            #[inline(always)]
            fn max<E: IntoNode>(self, other: E) -> Binary<rules::Max, Self, E::Node> {
                Binary::new(rules::Max, self, other.into_node())
            }
            /// The smaller of `self` and `other`.
            #[inline(always)]
            fn min<E: IntoNode>(self, other: E) -> Binary<rules::Min, Self, E::Node> {
                Binary::new(rules::Min, self, other.into_node())
            }
            /// `self · a + b`, fused.
            #[inline(always)]
            fn mul_add<A: IntoNode, B: IntoNode>(
                self,
                a: A,
                b: B,
            ) -> Ternary<rules::MulAdd, Self, A::Node, B::Node> {
                Ternary::new(rules::MulAdd, self, a.into_node(), b.into_node())
            }
            /// `let p = self in body(p)`: see [`let_in`](crate::let_in).
            #[inline(always)]
            fn let_in<F, Body>(self, body: F) -> super::Let<Self, F>
            where
                F: Fn(super::Ph) -> Body + Copy,
                Body: Node,
            {
                super::let_in(self, body)
            }
            /// `rule(self)` for any rule of one argument, the crate's or your own: see
            /// [`apply`](free::apply).
            #[inline(always)]
            fn apply<R: rules::UnaryRule>(self, rule: R) -> Unary<R, Self> {
                Unary::new(rule, self)
            }
            /// `rule(self, b)` for any rule of two arguments: see [`apply2`](free::apply2).
            #[inline(always)]
            fn apply2<R: rules::BinaryRule, B: IntoNode>(self, rule: R, b: B) -> Binary<R, Self, B::Node> {
                Binary::new(rule, self, b.into_node())
            }
            /// `rule(self, b, c)` for any rule of three arguments: see [`apply3`](free::apply3).
            #[inline(always)]
            fn apply3<R: rules::TernaryRule, B: IntoNode, C: IntoNode>(
                self,
                rule: R,
                b: B,
                c: C,
            ) -> Ternary<R, Self, B::Node, C::Node> {
                Ternary::new(rule, self, b.into_node(), c.into_node())
            }
        }

        /// The same functions as the methods of [`Node`], as free functions.
        pub mod free {
            use super::*;
            $(
                $(#[$doc])*
                #[inline(always)]
                pub fn $name<E: IntoNode>(e: E) -> Unary<rules::$rule, E::Node> {
                    Unary::new(rules::$rule, e.into_node())
                }
            )*
            /// `a + b`: the operator as a function, for generic code where `A: Node` does
            /// not imply the operator traits.
            #[inline(always)]
            pub fn add<A: IntoNode, B: IntoNode>(a: A, b: B) -> Binary<rules::Add, A::Node, B::Node> {
                Binary::new(rules::Add, a.into_node(), b.into_node())
            }
            /// `a − b` (see [`add`]).
            #[inline(always)]
            pub fn sub<A: IntoNode, B: IntoNode>(a: A, b: B) -> Binary<rules::Sub, A::Node, B::Node> {
                Binary::new(rules::Sub, a.into_node(), b.into_node())
            }
            /// `a · b` (see [`add`]).
            #[inline(always)]
            pub fn mul<A: IntoNode, B: IntoNode>(a: A, b: B) -> Binary<rules::Mul, A::Node, B::Node> {
                Binary::new(rules::Mul, a.into_node(), b.into_node())
            }
            /// `a / b` (see [`add`]).
            #[inline(always)]
            pub fn div<A: IntoNode, B: IntoNode>(a: A, b: B) -> Binary<rules::Div, A::Node, B::Node> {
                Binary::new(rules::Div, a.into_node(), b.into_node())
            }
            /// `−e` (see [`add`]).
            #[inline(always)]
            pub fn neg<E: IntoNode>(e: E) -> Unary<rules::Neg, E::Node> {
                Unary::new(rules::Neg, e.into_node())
            }
            /// `eⁿ` for a constant integer `n`.
            #[inline(always)]
            pub fn powi<E: IntoNode>(e: E, n: i32) -> Unary<rules::Powi, E::Node> {
                Unary::new(rules::Powi(n), e.into_node())
            }
            /// `eᵖ` for a constant real `p`.
            #[inline(always)]
            pub fn powf<E: IntoNode>(e: E, p: f64) -> Unary<rules::Powf, E::Node> {
                Unary::new(rules::Powf(p), e.into_node())
            }
            /// `aᵇ` with an expression exponent.
            #[inline(always)]
            pub fn pow<A: IntoNode, B: IntoNode>(a: A, b: B) -> Binary<rules::Pow, A::Node, B::Node> {
                Binary::new(rules::Pow, a.into_node(), b.into_node())
            }
            /// `atan2(y, x)`: the angle of the point `(x, y)`.
            #[inline(always)]
            pub fn atan2<A: IntoNode, B: IntoNode>(y: A, x: B) -> Binary<rules::Atan2, A::Node, B::Node> {
                Binary::new(rules::Atan2, y.into_node(), x.into_node())
            }
            /// `√(a² + b²)`.
            #[inline(always)]
            pub fn hypot<A: IntoNode, B: IntoNode>(a: A, b: B) -> Binary<rules::Hypot, A::Node, B::Node> {
                Binary::new(rules::Hypot, a.into_node(), b.into_node())
            }
            /// The larger of `a` and `b`.
            #[inline(always)]
            pub fn max<A: IntoNode, B: IntoNode>(a: A, b: B) -> Binary<rules::Max, A::Node, B::Node> {
                Binary::new(rules::Max, a.into_node(), b.into_node())
            }
            /// The smaller of `a` and `b`.
            #[inline(always)]
            pub fn min<A: IntoNode, B: IntoNode>(a: A, b: B) -> Binary<rules::Min, A::Node, B::Node> {
                Binary::new(rules::Min, a.into_node(), b.into_node())
            }
            /// `a · b + c`, fused.
            #[inline(always)]
            pub fn mul_add<A: IntoNode, B: IntoNode, C: IntoNode>(
                a: A,
                b: B,
                c: C,
            ) -> Ternary<rules::MulAdd, A::Node, B::Node, C::Node> {
                Ternary::new(rules::MulAdd, a.into_node(), b.into_node(), c.into_node())
            }

            /// `rule(e)`: a rule of one argument, the crate's or your own, applied to an
            /// expression. A rule of your own is a zero-sized type implementing
            /// [`UnaryRule`](rules::UnaryRule), its value and derivative written once; it
            /// then works as a built-in rule does in every engine: here, on tape handles
            /// ([`Var::apply`](crate::tape::Var::apply)), on dual numbers
            /// ([`Dual::apply`](crate::Dual::apply), so [`hvp`](crate::hvp) and
            /// [`hessian`](crate::hessian) work) and in [`Expr::record`](crate::Expr::record).
            ///
            /// ```
            /// use tapeless::prelude::*;
            /// use tapeless::rules::UnaryRule;
            ///
            /// /// The Gudermannian function `gd(x) = atan(sinh x)`; `gd'(x) = 1/cosh x`.
            /// #[derive(Clone, Copy)]
            /// struct Gd;
            ///
            /// impl UnaryRule for Gd {
            ///     const NAME: &'static str = "gd";
            ///     fn value<T: Scalar>(self, x: T) -> T {
            ///         x.sinh().atan()
            ///     }
            ///     fn eval<T: Scalar>(self, x: T) -> (T, T) {
            ///         (x.sinh().atan(), T::one() / x.cosh())
            ///     }
            /// }
            ///
            /// let (x, y) = vars();
            /// let f = apply(Gd, x * y) + y.apply(Gd);
            /// let (_, g) = gradient(&f, [0.5, 2.0]);
            /// let d = |t: f64| 1.0 / t.cosh();
            /// assert_eq!(g.into_array(), [2.0 * d(1.0), 0.5 * d(1.0) + d(2.0)]);
            /// ```
            #[inline(always)]
            pub fn apply<R: rules::UnaryRule, E: IntoNode>(rule: R, e: E) -> Unary<R, E::Node> {
                Unary::new(rule, e.into_node())
            }

            /// `rule(e)` for a rule written for `f64` only ([`F64Rule`](rules::F64Rule), a
            /// foreign black box): first derivatives in `f64` and `f32`; a compile error where
            /// dual numbers are needed (`hvp`, `hessian`, `jvp`). See [`F64Rule`](rules::F64Rule).
            #[inline(always)]
            pub fn apply_f64<R: rules::F64Rule, E: IntoNode>(rule: R, e: E) -> UnaryF64<R, E::Node> {
                UnaryF64::new(rule, e.into_node())
            }

            /// `rule(a, b)`: a rule of two arguments ([`BinaryRule`](rules::BinaryRule)), the
            /// crate's or your own, applied to two expressions (see [`apply`]).
            ///
            /// ```
            /// use tapeless::prelude::*;
            /// use tapeless::rules::BinaryRule;
            ///
            /// /// `a·eᵇ`: partials `(eᵇ, a·eᵇ)`.
            /// #[derive(Clone, Copy)]
            /// struct ScaledExp;
            ///
            /// impl BinaryRule for ScaledExp {
            ///     const NAME: &'static str = "scaled_exp";
            ///     fn value<T: Scalar>(self, a: T, b: T) -> T {
            ///         a * b.exp()
            ///     }
            ///     fn eval<T: Scalar>(self, a: T, b: T) -> (T, T, T) {
            ///         let e = b.exp();
            ///         (a * e, e, a * e)
            ///     }
            /// }
            ///
            /// let (x, y) = vars();
            /// let (_, g) = gradient(&apply2(ScaledExp, x, y.square()), [3.0, 1.0]);
            /// let e = 1.0_f64.exp();
            /// assert_eq!(g.into_array(), [e, 3.0 * e * 2.0]);
            /// ```
            #[inline(always)]
            pub fn apply2<R: rules::BinaryRule, A: IntoNode, B: IntoNode>(
                rule: R,
                a: A,
                b: B,
            ) -> Binary<R, A::Node, B::Node> {
                Binary::new(rule, a.into_node(), b.into_node())
            }

            /// `rule(a, b, c)`: a rule of three arguments ([`TernaryRule`](rules::TernaryRule)),
            /// the crate's or your own, applied to three expressions (see [`apply`]).
            ///
            /// ```
            /// use tapeless::prelude::*;
            /// use tapeless::rules::MulAdd;
            /// let (x, y, z) = vars();
            /// let (v, g) = gradient(&apply3(MulAdd, x, y, z), [2.0, 3.0, 4.0]);
            /// assert_eq!((v, g), (10.0, [3.0, 2.0, 1.0].into()));
            /// ```
            #[inline(always)]
            pub fn apply3<R: rules::TernaryRule, A: IntoNode, B: IntoNode, C: IntoNode>(
                rule: R,
                a: A,
                b: B,
                c: C,
            ) -> Ternary<R, A::Node, B::Node, C::Node> {
                Ternary::new(rule, a.into_node(), b.into_node(), c.into_node())
            }
        }
    };
}

crate::rules::with_unary_rules!(unary_builders);

/// Anything that can stand as an operand: an expression node, or an `f64`/`f32` literal
/// (which becomes a [`Cst`]). Integer literals are not accepted: write `2.0`, not `2`.
#[diagnostic::on_unimplemented(
    message = "tapeless: `{Self}` cannot be an operand of an expression",
    label = "not an expression or a float",
    note = "operands are expressions (`x`, `x.sin()`, …) and `f64`/`f32` numbers: for an integer literal write `1.0`, not `1`"
)]
pub trait IntoNode {
    /// The node it becomes.
    type Node: Node;
    /// The node.
    fn into_node(self) -> Self::Node;
}

#[diagnostic::do_not_recommend]
impl<E: Node> IntoNode for E {
    type Node = E;
    #[inline(always)]
    fn into_node(self) -> E {
        self
    }
}

impl IntoNode for f64 {
    type Node = Cst;
    #[inline(always)]
    fn into_node(self) -> Cst {
        Cst(self)
    }
}

impl IntoNode for f32 {
    type Node = Cst;
    #[inline(always)]
    fn into_node(self) -> Cst {
        Cst(f64::from(self))
    }
}

/// One binary operator for one node type: `node ∘ operand` and `literal ∘ node`.
macro_rules! binop {
    ($Op:ident, $op:ident, $Rule:ident, [$($g:tt)*] $ty:ty) => {
        impl<$($g)* Rhs: IntoNode> core::ops::$Op<Rhs> for $ty {
            type Output = Binary<rules::$Rule, Self, Rhs::Node>;
            #[inline(always)]
            fn $op(self, rhs: Rhs) -> Self::Output {
                Binary::new(rules::$Rule, self, rhs.into_node())
            }
        }
        impl<$($g)*> core::ops::$Op<$ty> for f64 {
            type Output = Binary<rules::$Rule, Cst, $ty>;
            #[inline(always)]
            fn $op(self, rhs: $ty) -> Self::Output {
                Binary::new(rules::$Rule, Cst(self), rhs)
            }
        }
    };
}

/// Makes a type a [`Node`] with the arithmetic operators.
macro_rules! node {
    ([$($g:tt)*] $ty:ty) => {
        impl<$($g)*> Sealed for $ty {}
        impl<$($g)*> Node for $ty {}
        binop!(Add, add, Add, [$($g)*] $ty);
        binop!(Sub, sub, Sub, [$($g)*] $ty);
        binop!(Mul, mul, Mul, [$($g)*] $ty);
        binop!(Div, div, Div, [$($g)*] $ty);
        impl<$($g)*> core::ops::Neg for $ty {
            type Output = Unary<rules::Neg, Self>;
            #[inline(always)]
            fn neg(self) -> Self::Output {
                Unary::new(rules::Neg, self)
            }
        }
    };
}

node!([I,] super::Var<I>);
node!([] Cst);
node!([] super::At);
node!([] super::Ph);
node!([R: Copy, E: Copy,] Unary<R, E>);
node!([R: Copy, E: Copy,] UnaryF64<R, E>);
node!([R: Copy, A: Copy, B: Copy,] Binary<R, A, B>);
node!([R: Copy, A: Copy, B: Copy, C: Copy,] Ternary<R, A, B, C>);
node!([B: Copy, F: Copy,] super::Let<B, F>);
node!([K: Copy, A: Copy, B: Copy,] super::Select<K, A, B>);
node!([E: Copy, const N: usize,] super::SumOf<E, N>);
node!([F: Copy, const N: usize,] super::SumOver<F, N>);
node!([E: Copy, const N: usize,] super::ProductOf<E, N>);
node!([D: Copy, F: Copy,] super::SumN<D, F>);
node!([D: Copy, F: Copy,] super::ProductN<D, F>);
node!([O: Copy, D: Copy, F: Copy,] super::BestN<O, D, F>);
node!([] super::fold::State);
node!([E: Copy,] super::Detach<E>);
node!([A: Copy, B: Copy,] super::linalg::Dot<A, B>);
node!([E: Copy,] super::Recompute<E>);
node!([E: Copy,] super::Checked<E>);
#[cfg(feature = "alloc")]
node!(['w, T: Copy, A: Copy,] super::linalg::LseIn<'w, T, A>);
node!([E: Copy, F: Copy, const K: usize,] super::share::LetVec<E, F, K>);
node!([M: Copy, I: Copy, L: Copy, O: Copy, const K: usize,] super::Fold<M, I, L, O, K>);
#[cfg(feature = "alloc")]
node!(['w, T, I: Copy, L: Copy, O: Copy,] super::fold::FoldWide<'w, T, I, L, O>);
node!([R: Copy, E: Copy, G: Copy, F: Copy, const N: usize, const P: usize,] crate::solve::Solution<R, E, G, F, N, P>);
