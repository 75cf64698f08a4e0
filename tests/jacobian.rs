//! Vector functions: `jacobian` and `vjp` against central finite differences and closed
//! forms, for tuples and arrays of expressions.
//!
//! Tolerances: finite differences (step 1e-6·max(1, |xₖ|)), `|J − J_fd| ≤ 1e-7·max(1, |J_fd|)`
//! per entry; closed forms and algebraic identities, relative 1e-13.

mod common;
use common::assert_within;

use tapeless::prelude::*;
use tapeless::tape::{Inputs, Var as TapeVar};
use tapeless::{GenericArray, Outputs, tape_jacobian};

/// The Jacobian of `values` by central differences.
fn fd_jacobian<const M: usize, const N: usize>(
    values: impl Fn([f64; N]) -> [f64; M],
    x: [f64; N],
) -> [[f64; N]; M] {
    let mut j = [[0.0; N]; M];
    for k in 0..N {
        let h = 1e-6 * x[k].abs().max(1.0);
        let (mut up, mut down) = (x, x);
        up[k] += h;
        down[k] -= h;
        let (fu, fd) = (values(up), values(down));
        for m in 0..M {
            j[m][k] = (fu[m] - fd[m]) / (2.0 * h);
        }
    }
    j
}

/// Three outputs of three inputs, of different types (a tuple).
fn system<T: Scalar>() -> (impl Expr<T>, impl Expr<T>, impl Expr<T>) {
    let (x, y, z) = vars();
    (
        x * y.sin() + z.exp(),
        let_in(x * x + y * y, |r2| r2.sqrt() * (r2 + 1.0).ln()),
        atan2(y, x) * z - (x * z).tanh(),
    )
}

#[test]
fn tuple_jacobian_matches_finite_differences() {
    for x in [[0.5, -1.2, 0.3], [2.0, 0.7, -1.5], [-1.1, 0.2, 0.9]] {
        let (values, j) = jacobian(&system(), x);
        let direct = system::<f64>().values(&x);
        assert_eq!(values, direct, "values");
        let fd: [[f64; 3]; 3] = fd_jacobian(|p| system::<f64>().values(&p).into(), x);
        let j: [[f64; 3]; 3] = into_arrays(j);
        for m in 0..3 {
            for k in 0..3 {
                assert_within(j[m][k], fd[m][k], 1e-7, &format!("J[{m}][{k}] at {x:?}"));
            }
        }
    }
}

#[test]
fn polar_jacobian_matches_closed_form() {
    let (r, t) = vars();
    let polar = (r * t.cos(), r * t.sin());
    for (rv, tv) in [(2.0_f64, 0.3_f64), (0.5, -2.0), (3.0, 4.0)] {
        let (xy, j) = jacobian(&polar, [rv, tv]);
        assert_within(xy[0], rv * tv.cos(), 1e-13, "x");
        assert_within(xy[1], rv * tv.sin(), 1e-13, "y");
        let exact = [[tv.cos(), -rv * tv.sin()], [tv.sin(), rv * tv.cos()]];
        let j: [[f64; 2]; 2] = into_arrays(j);
        for m in 0..2 {
            for k in 0..2 {
                assert_within(j[m][k], exact[m][k], 1e-13, "polar J");
            }
        }
    }
}

/// An array of `M` expressions of one type, built by a loop with run-time input indices:
/// the residuals of the extended Rosenbrock function.
#[test]
fn array_jacobian_matches_closed_form_and_finite_differences() {
    const N: usize = 6;
    let residuals: [_; N] = core::array::from_fn(|m| {
        let i = m / 2 * 2;
        // Even rows 10·(x₂ᵢ₊₁ − x₂ᵢ²), odd rows 1 − x₂ᵢ: one node type for both.
        let (a, b) = if m % 2 == 0 { (10.0, 0.0) } else { (0.0, 1.0) };
        a * (at(i + 1) - at(i) * at(i)) + b * (1.0 - at(i))
    });
    let x = [-1.2, 1.0, 0.5, 0.1, 2.0, -0.3];
    let (values, j) = jacobian(&residuals, x);
    let fd: [[f64; N]; N] = fd_jacobian(|p| residuals.values(&p).into(), x);
    let j: [[f64; N]; N] = into_arrays(j);
    for m in 0..N {
        let i = m / 2 * 2;
        let want = if m % 2 == 0 {
            10.0 * (x[i + 1] - x[i] * x[i])
        } else {
            1.0 - x[i]
        };
        assert_within(values[m], want, 1e-13, "residual");
        for k in 0..N {
            assert_within(j[m][k], fd[m][k], 1e-7, &format!("J[{m}][{k}]"));
        }
        // Closed form of the non-zero entries.
        if m % 2 == 0 {
            assert_within(j[m][i], -20.0 * x[i], 1e-13, "∂r/∂x₂ᵢ");
            assert_within(j[m][i + 1], 10.0, 1e-13, "∂r/∂x₂ᵢ₊₁");
        } else {
            assert_within(j[m][i], -1.0, 1e-13, "∂r/∂x₂ᵢ");
        }
    }
}

/// `vjp` is `sᵀJ` (against the finite-difference Jacobian), without forming `J`.
#[test]
fn vjp_is_seed_times_jacobian() {
    let x = [0.5, -1.2, 0.3];
    let fd: [[f64; 3]; 3] = fd_jacobian(|p| system::<f64>().values(&p).into(), x);
    for s in [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.5, -2.0, 3.0]] {
        let (values, g) = vjp(&system(), x, s);
        assert_eq!(values, system::<f64>().values(&x));
        for k in 0..3 {
            let want: f64 = (0..3).map(|m| s[m] * fd[m][k]).sum();
            assert_within(g[k], want, 1e-7, "sᵀJ vs finite differences");
        }
        // And against the AD Jacobian, to rounding.
        let (_, j) = jacobian(&system(), x);
        for k in 0..3 {
            let want: f64 = (0..3).map(|m| s[m] * j[m][k]).sum();
            assert_within(g[k], want, 1e-13, "sᵀJ vs jacobian");
        }
    }
    // Seeds as a GenericArray, points as a GenericArray.
    let (_, g) = vjp(
        &system(),
        GenericArray::from_array(x),
        GenericArray::from_array([0.0, 1.0, 0.0]),
    );
    let (_, j) = jacobian(&system(), x);
    assert_eq!(g, j[1]);
}

/// A single output: the Jacobian is the gradient.
#[test]
fn one_output_jacobian_is_the_gradient() {
    let (x, y) = vars();
    let f = x * y.exp();
    let (v, j) = jacobian(&(f,), [2.0, 0.5]);
    let (v_r, g) = gradient(&f, [2.0, 0.5]);
    assert_eq!(v[0], v_r);
    assert_eq!(j[0], g);
}

/// Residuals of the chained Rosenbrock function, `N − 1` pairs of outputs for `N` inputs
/// known at run time: `10·(xᵢ₊₁ − xᵢ²)` and `1 − xᵢ`.
fn residuals<'t>(x: Inputs<'t, f64>) -> Vec<TapeVar<'t, f64>> {
    let mut out = Vec::new();
    for i in 0..x.len() - 1 {
        let (a, b) = (x.get(i), x.get(i + 1));
        out.push((b - a * a) * 10.0);
        out.push(1.0 - a);
    }
    out
}

/// The tape Jacobian for sizes known at run time, against finite differences and the
/// closed form.
#[test]
fn tape_jacobian_matches_finite_differences_and_closed_form() {
    let x = vec![-1.2, 1.0, 0.5, 0.1, 2.0];
    let (values, j) = tape_jacobian(&x, residuals);
    assert_eq!(values.len(), 8);
    assert_eq!(j.len(), 8);
    let n = x.len();
    for k in 0..n {
        let h = 1e-6 * x[k].abs().max(1.0);
        let (mut up, mut down) = (x.clone(), x.clone());
        up[k] += h;
        down[k] -= h;
        let (fu, _) = tape_jacobian(&up, residuals);
        let (fd, _) = tape_jacobian(&down, residuals);
        for m in 0..values.len() {
            let want = (fu[m] - fd[m]) / (2.0 * h);
            assert_within(j[m][k], want, 1e-7, &format!("tape J[{m}][{k}]"));
        }
    }
    for i in 0..n - 1 {
        assert_within(
            values[2 * i],
            10.0 * (x[i + 1] - x[i] * x[i]),
            1e-13,
            "residual",
        );
        assert_within(j[2 * i][i], -20.0 * x[i], 1e-13, "∂r/∂xᵢ");
        assert_within(j[2 * i][i + 1], 10.0, 1e-13, "∂r/∂xᵢ₊₁");
        assert_within(j[2 * i + 1][i], -1.0, 1e-13, "∂(1 − xᵢ)/∂xᵢ");
    }
}

/// The same vector function on both engines: the static tuple recorded on the tape
/// output by output, against the static Jacobian.
#[test]
fn tape_jacobian_matches_the_static_jacobian() {
    fn recorded<'t>(xs: Inputs<'t, f64>) -> Vec<TapeVar<'t, f64>> {
        let args: [_; 3] = core::array::from_fn(|i| xs.get(i));
        let tape = xs.get(0).tape();
        let (f0, f1, f2) = system::<f64>();
        vec![
            tape.apply(&f0, &args),
            tape.apply(&f1, &args),
            tape.apply(&f2, &args),
        ]
    }
    let x = [2.0, 0.7, -1.5];
    let (values, j) = tape_jacobian(&x, recorded);
    let (values_s, j_s) = jacobian(&system(), x);
    for m in 0..3 {
        assert_within(values[m], values_s[m], 1e-15, "values");
        for k in 0..3 {
            assert_within(j[m][k], j_s[m][k], 1e-13, "tape vs static J");
        }
    }
}
