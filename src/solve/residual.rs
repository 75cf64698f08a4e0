//! The residual `F(z, p)` of an implicit function: the point it is evaluated at (the
//! unknowns, then the parameters), and its linearization `(F, F_z, F_p)` for systems of
//! expressions and for the stationarity condition of an objective.

use core::ops::Add;

use generic_array::{
    ArrayLength, ConstArrayLength, GenericArray, IntoArrayLength,
    sequence::GenericSequence,
    typenum::{Const, Sum},
};

use crate::{Ctx, Dual, Expr, Outputs, Point, Scalar, Sink};

/// The point a residual `F(z, p)` is evaluated at: the `N` unknowns `z` are its inputs
/// `0..N`, the `P` parameters `p` its inputs `N..N + P`.
///
/// Write the residual with the unknowns first: for `z³ + p·z − 1 = 0`,
/// `let (z, p) = vars();` and `(z * z * z + p * z - 1.0,)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Joined<T, const N: usize, const P: usize> {
    /// The unknowns, inputs `0..N`.
    pub z: [T; N],
    /// The parameters, inputs `N..N + P`.
    pub p: [T; P],
}

const NO_LET: &str = "tapeless: a let placeholder was used outside the let that made it";

impl<T: Scalar, const N: usize, const P: usize> Ctx<T> for Joined<T, N, P> {
    const INPUTS: usize = N + P;
    const DEPTH: usize = 0;
    #[inline(always)]
    fn input(&self, i: usize) -> T {
        if i < N { self.z[i] } else { self.p[i - N] }
    }
    #[inline(always)]
    fn bound(&self, _slot: usize) -> T {
        panic!("{NO_LET}")
    }
}

impl<T: Scalar, const N: usize, const P: usize> Sink<T> for Joined<T, N, P> {
    const INPUTS: usize = N + P;
    const DEPTH: usize = 0;
    #[inline(always)]
    fn add_input(&mut self, i: usize, v: T) {
        if i < N {
            self.z[i] += v;
        } else {
            self.p[i - N] += v;
        }
    }
    #[inline(always)]
    fn add_bound(&mut self, _slot: usize, _v: T) {
        panic!("{NO_LET}")
    }
}

// Not offered in the messages about a wrong point: users do not make these.
#[diagnostic::do_not_recommend]
impl<T: Scalar, const N: usize, const P: usize> Point<T> for Joined<T, N, P>
where
    Const<N>: IntoArrayLength,
    Const<P>: IntoArrayLength,
    ConstArrayLength<N>: Add<ConstArrayLength<P>>,
    Sum<ConstArrayLength<N>, ConstArrayLength<P>>: ArrayLength,
{
    type Len = Sum<ConstArrayLength<N>, ConstArrayLength<P>>;
    #[inline(always)]
    fn into_generic(self) -> GenericArray<T, Self::Len> {
        GenericArray::generate(|i| self.input(i))
    }
    #[inline(always)]
    fn zeros() -> Self {
        Joined {
            z: [T::zero(); N],
            p: [T::zero(); P],
        }
    }
    #[inline(always)]
    fn neg_zeros() -> Self {
        Joined {
            z: [-T::zero(); N],
            p: [-T::zero(); P],
        }
    }
}

/// `(F, F_z, F_p)` at one point: the `N` residuals, their `N × N` Jacobian in the unknowns
/// and their `N × P` Jacobian in the parameters (row `i` is `∇Fᵢ`).
pub type Linearization<T, const N: usize, const P: usize> = ([T; N], [[T; N]; N], [[T; P]; N]);

/// A residual `F(z, p)` of `N` unknowns: what [`Implicit`](super::Implicit) and [`solve_in`](super::solve_in)
/// differentiate.
///
/// Implemented for a system of `N` expressions (a tuple or an array, see [`Outputs`]) over
/// the point [`Joined`] (unknowns first, then parameters), and for the gradient of an
/// objective in its first `N` inputs ([`Stationary`], the minimizer as a root).
#[diagnostic::on_unimplemented(
    message = "tapeless: `{Self}` is not a residual of {N} unknowns",
    label = "not {N} equations for {N} unknowns",
    note = "a residual is a tuple or an array of one expression per unknown, over the unknowns (inputs 0..N) then the parameters, or `Stationary(f)` for the minimizer of `f`; the number of unknowns is the length of the solution's array"
)]
pub trait Residual<T: Scalar, const N: usize> {
    /// `F`, `F_z` and `F_p` at `x`, by reverse mode (one sweep per residual).
    fn linearize<const P: usize>(&self, x: &Joined<T, N, P>) -> Linearization<T, N, P>
    where
        Joined<T, N, P>: Point<T>;
}

/// The linearization of a system of expressions: its values and Jacobian, split.
#[inline(always)]
fn system<T, F, const N: usize, const P: usize>(
    f: &F,
    x: &Joined<T, N, P>,
) -> Linearization<T, N, P>
where
    T: Scalar,
    F: Outputs<T, Len = ConstArrayLength<N>>,
    Const<N>: IntoArrayLength,
    Joined<T, N, P>: Point<T>,
{
    let (values, j) = f.jacobian_at(x);
    let fz = core::array::from_fn(|m| core::array::from_fn(|k| j[m][k]));
    let fp = core::array::from_fn(|m| core::array::from_fn(|k| j[m][N + k]));
    (core::array::from_fn(|m| values[m]), fz, fp)
}

/// [`Residual`] for the tuples and arrays of expressions that are [`Outputs`], each of as
/// many unknowns as it has equations (so that another count is a missing impl, whose
/// message says so).
macro_rules! system_residual {
    ($([$($g:tt)*] $ty:ty => $n:expr;)*) => {
        $(
            impl<T: Scalar, $($g)*> Residual<T, { $n }> for $ty
            where
                Self: Outputs<T, Len = ConstArrayLength<{ $n }>>,
            {
                #[inline(always)]
                fn linearize<const P: usize>(
                    &self,
                    x: &Joined<T, { $n }, P>,
                ) -> Linearization<T, { $n }, P>
                where
                    Joined<T, { $n }, P>: Point<T>,
                {
                    system(self, x)
                }
            }
        )*
    };
}

system_residual! {
    [A] (A,) => 1;
    [A, B] (A, B) => 2;
    [A, B, C] (A, B, C) => 3;
    [A, B, C, D] (A, B, C, D) => 4;
    [A, B, C, D, E] (A, B, C, D, E) => 5;
    [A, B, C, D, E, F] (A, B, C, D, E, F) => 6;
    [A, B, C, D, E, F, G] (A, B, C, D, E, F, G) => 7;
    [A, B, C, D, E, F, G, H] (A, B, C, D, E, F, G, H) => 8;
}

impl<T: Scalar, E, const M: usize> Residual<T, M> for [E; M]
where
    Self: Outputs<T, Len = ConstArrayLength<M>>,
    Const<M>: IntoArrayLength,
{
    #[inline(always)]
    fn linearize<const P: usize>(&self, x: &Joined<T, M, P>) -> Linearization<T, M, P>
    where
        Joined<T, M, P>: Point<T>,
    {
        system(self, x)
    }
}

/// The stationarity condition `∇_z f(z, p) = 0` of an objective `f` as a [`Residual`]: the
/// minimizer (or any stationary point) of `f` in its first `N` inputs, as a function of
/// the rest. Its Jacobian is the Hessian: `F_z = ∇²_zz f`, `F_p = ∇²_zp f`, by
/// forward-over-reverse (one Hessian-vector product per unknown), so `f` must also
/// evaluate on [`Dual`] numbers (every expression built from variables and literals does).
///
/// ```
/// use tapeless::prelude::*;
/// use tapeless::solve::{Implicit, Stationary};
/// // argmin_z (z − p)² + z⁴/4 … at p = 0 the minimizer is 0 and dz/dp = 2/(2 + 3z²) = 1.
/// let (z, p) = vars();
/// let f = Stationary((z - p).powi(2) + 0.25 * z.powi(4));
/// let at = Implicit::at(&f, [0.0], [0.0])?;
/// assert_eq!(at.sensitivity(), [[1.0]]);
/// # Ok::<(), tapeless::solve::ImplicitError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Stationary<E>(pub E);

impl<T, E, const N: usize> Residual<T, N> for Stationary<E>
where
    T: Scalar,
    E: Expr<Dual<T>>,
{
    #[inline(always)]
    fn linearize<const P: usize>(&self, x: &Joined<T, N, P>) -> Linearization<T, N, P>
    where
        Joined<T, N, P>: Point<T>,
    {
        let mut f = [T::zero(); N];
        let mut fz = [[T::zero(); N]; N];
        let mut fp = [[T::zero(); P]; N];
        for k in 0..N {
            let mut v = <Joined<T, N, P> as Point<T>>::zeros();
            v.z[k] = T::one();
            // H·eₖ is column k of the Hessian, which is row k: symmetric.
            let (_, g, hv) = crate::hvp(&self.0, *x, v);
            f[k] = g[k];
            for j in 0..N {
                fz[k][j] = hv[j];
            }
            for j in 0..P {
                fp[k][j] = hv[N + j];
            }
        }
        (f, fz, fp)
    }
}
