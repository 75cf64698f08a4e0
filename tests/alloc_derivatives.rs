//! Zero heap allocations in `jvp`, `forward_gradient`, `hvp`, `hessian`, the static
//! `jacobian` and `vjp`, and the Newton solver, counted by a global allocator.
//!
//! The count is per thread, so allocations by the test harness on other threads do not
//! interfere (see `common/counting.rs`).

#[path = "common/counting.rs"]
mod counting;

use std::hint::black_box;

use tapeless::prelude::*;
use tapeless::solve::{NewtonOptions, newton};

/// Heap allocations made on this thread while running `f`.
fn allocations(f: impl FnOnce()) -> u64 {
    counting::allocations(f).0
}

fn black_scholes<T: Scalar>() -> impl Expr<T> {
    let (s, k, sigma, tau, r) = vars();
    let_in(sigma * tau.sqrt(), move |sd| {
        let_in(
            ((s / k).ln() + (r + 0.5 * sigma * sigma) * tau) / sd,
            move |d1| {
                s * (0.5 * (erf(d1 * core::f64::consts::FRAC_1_SQRT_2) + 1.0))
                    - k * (-(r * tau)).exp()
                        * (0.5 * (erf((d1 - sd) * core::f64::consts::FRAC_1_SQRT_2) + 1.0))
            },
        )
    })
}

fn rosenbrock<T: Scalar>() -> impl Expr<T> {
    let (x, y) = vars();
    (x - 1.0).powi(2) + 100.0 * (y - x * x).powi(2)
}

#[test]
fn derivatives_do_not_allocate() {
    let x = black_box([100.0, 95.0, 0.2, 0.75, 0.03]);
    let v = black_box([0.5, -1.0, 2.0, 0.25, -3.0]);

    // Sanity: the counter sees a heap allocation.
    assert!(allocations(|| drop(black_box(vec![1.0_f64; 4]))) >= 1);

    let n = allocations(|| {
        black_box(jvp(&black_scholes(), x, v));
    });
    assert_eq!(n, 0, "jvp");
    let n = allocations(|| {
        black_box(forward_gradient(&black_scholes(), x));
    });
    assert_eq!(n, 0, "forward_gradient");
    let n = allocations(|| {
        black_box(hvp(&black_scholes(), x, v));
    });
    assert_eq!(n, 0, "hvp");
    let n = allocations(|| {
        black_box(hessian(&black_scholes(), x));
        black_box(hessian(&rosenbrock(), [-1.2, 1.0]));
    });
    assert_eq!(n, 0, "hessian");

    let (a, b, c) = vars();
    let system = (
        a * b.sin() + c.exp(),
        let_in(a * a + b * b, |r| r.sqrt()),
        atan2(b, a) * c,
    );
    let p = black_box([0.5, -1.2, 0.3]);
    let n = allocations(|| {
        black_box(jacobian(&system, p));
    });
    assert_eq!(n, 0, "jacobian (tuple)");
    let residuals: [_; 4] = core::array::from_fn(|i| at(i) * at((i + 1) % 4) - 1.0);
    let n = allocations(|| {
        black_box(jacobian(&residuals, black_box([1.0, 2.0, 3.0, 4.0])));
    });
    assert_eq!(n, 0, "jacobian (array)");
    let n = allocations(|| {
        black_box(vjp(&system, p, black_box([1.0, -2.0, 0.5])));
    });
    assert_eq!(n, 0, "vjp");
}

#[test]
fn newton_does_not_allocate() {
    let (x, y, z) = vars();
    let system = (
        x + y + z - 6.0,
        x * y * z - 6.0,
        x * x + y * y + z * z - 14.0,
    );
    let options = NewtonOptions::default();
    let mut found = None;
    let n = allocations(|| {
        found = Some(newton(&system, black_box([0.8, 2.3, 3.4]), &options));
    });
    assert_eq!(n, 0, "newton (converging)");
    assert!(found.is_some_and(|r| r.is_ok()));
    let (u, w) = vars();
    let none = (u * u + 1.0, w);
    let n = allocations(|| {
        black_box(newton(&none, black_box([0.3, 0.0]), &options)).ok();
    });
    assert_eq!(n, 0, "newton (failing)");
}
