//! `particle`: the charge height w that sends a particle to x = 0 where it crosses y = 0.
//! Charges at (10, 10 − w) and (10, 0), potential p(x) = Σ 1/‖x − charge‖; the particle
//! leaves (0, 8) with velocity (0.75, 0) and takes Euler steps of 0.1 under the
//! acceleration −∇ₓp until its next position would be at or below y = 0; the cost is the
//! square of its x where the last velocity takes it to y = 0. w* is the end of the descent
//! on that cost from the input `w`, so the outer derivative goes through a loop that ends
//! on a value, each step of which takes the inner gradient ∇ₓp.
//!
//! p is a fixed formula: one static expression over (x, y, w) gives its value (on duals:
//! the forward inner gradient) and its reverse inner gradient (the static engine's sweep).
//! The loop is run on the outer derivative's numbers: `Dual` forward, `nest::Rev` reverse
//! (which records it as it runs, as the tape would: its length is data).

use serde_json::{Value, json};
use tapeless::prelude::*;

use crate::descent::argmin;
use crate::input::number;
use crate::nested::{Mode, inner_gradient, modes, outer_gradient};
use crate::{Case, Runs};

/// p(x, y; w) over inputs (x, y, w).
fn potential<T: Scalar>() -> impl Expr<T> + Expr<Dual<T, 2>> + Copy {
    let (x, y, w) = (at(0), at(1), at(2));
    let dx = x - 10.0;
    1.0 / (dx * dx + (y - (10.0 - w)) * (y - (10.0 - w))).sqrt() + 1.0 / (dx * dx + y * y).sqrt()
}

/// The cost at charge height `w`, the inner gradient ∇ₓp by `inner`.
fn cost<T: Scalar>(inner: Mode, w: T) -> T {
    let p = potential::<T>();
    let dt = T::from_f64(0.1);
    let mut x = [T::zero(), T::from_f64(8.0)];
    let mut v = [T::from_f64(0.75), T::zero()];
    loop {
        let grad: [T; 2] = inner_gradient(inner, &p, [x[0], x[1], w]);
        let next = [x[0] + dt * v[0], x[1] + dt * v[1]];
        if next[1] > T::zero() {
            x = next;
            v = [v[0] - dt * grad[0], v[1] - dt * grad[1]];
        } else {
            break;
        }
    }
    let t = -x[1] / v[1];
    let end = x[0] + t * v[0];
    end * end
}

fn particle(outer: Mode, inner: Mode, w0: f64) -> f64 {
    let [w] = argmin(
        |[w]| cost(inner, w),
        |w| outer_gradient(outer, w, |[d]| cost(inner, d), |[r]| cost(inner, r)),
        [w0],
    );
    w
}

pub fn evaluate(function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    let (outer, inner) = modes(function, "particle")?;
    let w = number(input, "w")?;
    Ok(json!(runs.time(|| particle(outer, inner, w))))
}

pub fn table() -> Vec<Case> {
    vec![Case {
        description: "w=0".into(),
        functions: &["ff", "fr", "rf", "rr"],
        input: json!({ "w": 0.0 }),
    }]
}
