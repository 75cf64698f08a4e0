//! `saddle`: the saddle point of f(a, b, c, d) = (a² + b²) − (c² + d²) by nested descents.
//! x* = argmin over (a, b) of [max over (c, d) of f], then y* = argmax f(x*, ·), both from
//! `start`; the inner maximum is itself a descent, run in the outer derivative's numbers
//! so that the outer gradient differentiates through it. The four functions are the four
//! nestings of [`nested`](crate::nested); the output is x* then y*, four numbers.
//!
//! f is a fixed formula: one static expression serves every level (its value, its inner
//! gradient by the static engine's sweep or by duals, its outer gradient for y*).

use serde_json::{Value, json};
use tapeless::nest::Rev;
use tapeless::prelude::*;

use crate::descent::{argmax, argmin};
use crate::input::numbers_of;
use crate::nested::{Mode, inner_gradient, modes, outer_gradient};
use crate::{Case, Runs};

/// f(a, b, c, d) with the inner variables first: inputs (c, d, a, b), so that the inner
/// gradient is the gradient with respect to the first two.
fn objective<T: Scalar>() -> impl Expr<T> + Expr<Dual<T, 2>> + Copy {
    (at(2) * at(2) + at(3) * at(3)) - (at(0) * at(0) + at(1) * at(1))
}

/// max over (c, d) of f(p, c, d), by the inner descent from `start`, its gradient by `inner`.
fn max_over_second<T: Scalar>(inner: Mode, p: [T; 2], start: [f64; 2]) -> T {
    let f = objective::<T>();
    let point = |q: [T; 2]| [q[0], q[1], p[0], p[1]];
    let q = argmax(
        |q| value(&f, point(q)),
        |q| inner_gradient(inner, &f, point(q)),
        start.map(T::from_f64),
    );
    value(&f, point(q))
}

/// (x*, y*) from `start`, with the outer and inner derivatives as asked.
fn saddle(outer: Mode, inner: Mode, start: [f64; 2]) -> [f64; 4] {
    let x = argmin(
        |p| max_over_second::<f64>(inner, p, start),
        |p| {
            outer_gradient(
                outer,
                p,
                |d| max_over_second(inner, d, start),
                |r| max_over_second(inner, r, start),
            )
        },
        start,
    );
    let f = objective::<f64>();
    let y = argmax(
        |q| value(&f, [q[0], q[1], x[0], x[1]]),
        |q| {
            outer_gradient(
                outer,
                q,
                |d| {
                    value(
                        &objective::<Dual<f64, 2>>(),
                        [d[0], d[1], x[0].into(), x[1].into()],
                    )
                },
                |r| {
                    let [a, b] = x.map(Rev::constant);
                    value(&objective::<Rev>(), [r[0], r[1], a, b])
                },
            )
        },
        start,
    );
    [x[0], x[1], y[0], y[1]]
}

pub fn evaluate(function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    let (outer, inner) = modes(function, "saddle")?;
    let start = numbers_of(input, "start", 2)?;
    let start = [start[0], start[1]];
    Ok(json!(runs.time(|| saddle(outer, inner, start))))
}

pub fn table() -> Vec<Case> {
    vec![Case {
        description: "start=[1,1]".into(),
        functions: &["ff", "fr", "rf", "rr"],
        input: json!({ "start": [1.0, 1.0] }),
    }]
}
