//! `hello`: the protocol's smoke test, x² and 2x of one number. The static engine's
//! gradient of `x * x` gives `double`, so even this eval goes through a sweep.

use serde_json::{Value, json};
use tapeless::prelude::*;

use crate::Runs;

pub fn evaluate(function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    let x = input
        .as_f64()
        .ok_or_else(|| format!("the input must be a number, found {input}"))?;
    let x0 = at(0);
    let f = x0 * x0;
    match function {
        "square" => Ok(json!(runs.time(|| value(&f, [x])))),
        "double" => Ok(json!(runs.time(|| gradient(&f, [x]).1[0]))),
        _ => Err(format!(
            "no function `{function}` (hello has `square` and `double`)"
        )),
    }
}
