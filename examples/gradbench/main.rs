//! A GradBench tool: answers the benchmark's protocol on stdin/stdout with this crate's
//! engines.
//!
//! ```text
//! cargo run -q --release --example gradbench
//! ```
//!
//! One JSON message per line comes in, one answer per line goes out, in order:
//! - `{"id":0,"kind":"start","eval":"llsq"}` → `{"id":0,"tool":"tapeless"}`
//! - `{"id":1,"kind":"define","module":"llsq"}` → `{"id":1,"success":true}` (or `false`
//!   with an `error` for a module this tool does not implement)
//! - `{"id":2,"kind":"evaluate","module":"llsq","function":"gradient","input":{…}}` →
//!   `{"id":2,"success":true,"output":…,"timings":[{"name":"evaluate","nanoseconds":…},…]}`
//! - any other kind → `{"id":N}`.
//!
//! A message that is not JSON, lacks a field, or carries an input of the wrong shape gets
//! `"success":false` with an `error` saying what was wrong; the tool never stops on one.
//! Each eval lives in its own module, with the engine that suits it and why.
//!
//! `cargo run --release --example gradbench -- --table [filter]` instead times every
//! module's sizes of the README's table (or those of the modules whose name contains
//! `filter`) and prints a markdown table: each function's median time and its ratio to the
//! first (the primal).

mod descent;
mod det;
mod gmm;
mod hello;
mod input;
mod kmeans;
mod llsq;
mod lse;
mod nested;
mod ode;
mod particle;
mod saddle;

use std::io::{self, BufRead, Write};
use std::time::Instant;

use serde_json::{Value, json};

/// The modules this tool implements, in the order `define` lists them.
const MODULES: &[&str] = &[
    "hello", "llsq", "lse", "det", "ode", "kmeans", "gmm", "saddle", "particle",
];

/// Runs one function of one module on a decoded input.
fn evaluate(module: &str, function: &str, input: &Value, runs: &mut Runs) -> Result<Value, String> {
    match module {
        "hello" => hello::evaluate(function, input, runs),
        "llsq" => llsq::evaluate(function, input, runs),
        "lse" => lse::evaluate(function, input, runs),
        "ode" => ode::evaluate(function, input, runs),
        "kmeans" => kmeans::evaluate(function, input, runs),
        "gmm" => gmm::evaluate(function, input, runs),
        "det" => det::evaluate(function, input, runs),
        "saddle" => saddle::evaluate(function, input, runs),
        "particle" => particle::evaluate(function, input, runs),
        _ => Err(unknown_module(module)),
    }
}

/// The sizes `--table` measures for one module (none for a module outside the table).
fn table(module: &str) -> Vec<Case> {
    match module {
        "llsq" => llsq::table(),
        "lse" => lse::table(),
        "ode" => ode::table(),
        "kmeans" => kmeans::table(),
        "gmm" => gmm::table(),
        "det" => det::table(),
        "saddle" => saddle::table(),
        "particle" => particle::table(),
        _ => Vec::new(),
    }
}

/// One size of one eval that `--table` measures: the functions' times, and each one's
/// ratio to the first (the primal, where there is one).
pub struct Case {
    /// What the size is, as GradBench's `description` says it (`"n=16,m=128"`).
    pub description: String,
    /// The functions to time, the primal first where the eval has one.
    pub functions: &'static [&'static str],
    /// The input, as the protocol would send it.
    pub input: Value,
}

/// How often and how long to run a function, and what each run took.
///
/// The protocol asks for at least `min_runs` runs, continuing until the runs together took
/// `min_seconds`; each run's time covers the computation only, never the JSON.
pub struct Runs {
    min_runs: usize,
    min_seconds: f64,
    nanoseconds: Vec<u128>,
}

impl Runs {
    fn new(input: &Value) -> Result<Self, String> {
        // Older evals name the count `runs`.
        let field = ["min_runs", "runs"]
            .into_iter()
            .find_map(|name| Some((name, input.get(name)?)));
        let min_runs = match field {
            None => 1,
            Some((name, v)) => v
                .as_u64()
                .ok_or_else(|| format!("`{name}` must be a non-negative integer, found {v}"))?
                as usize,
        };
        let min_seconds = match input.get("min_seconds") {
            None => 0.0,
            Some(v) => v
                .as_f64()
                .filter(|s| *s >= 0.0)
                .ok_or_else(|| format!("`min_seconds` must be a non-negative number, found {v}"))?,
        };
        Ok(Self {
            min_runs: min_runs.max(1),
            min_seconds,
            nanoseconds: Vec::new(),
        })
    }

    /// Runs `f` as often as asked, timing each run, and returns the last run's result.
    pub fn time<R>(&mut self, mut f: impl FnMut() -> R) -> R {
        let total = Instant::now();
        loop {
            let start = Instant::now();
            // `f` through `black_box`: what it captures may have changed, so no part of
            // a run is hoisted out of this loop and done once for all runs.
            let out = std::hint::black_box(std::hint::black_box(&mut f)());
            self.nanoseconds.push(start.elapsed().as_nanos());
            if self.nanoseconds.len() >= self.min_runs
                && total.elapsed().as_secs_f64() >= self.min_seconds
            {
                return out;
            }
        }
    }

    fn timings(&self) -> Value {
        self.nanoseconds
            .iter()
            .map(|ns| json!({ "name": "evaluate", "nanoseconds": ns }))
            .collect()
    }
}

fn unknown_module(module: &str) -> String {
    format!(
        "module `{module}` is not implemented by this tool (it implements: {})",
        MODULES.join(", ")
    )
}

/// The answer to one line of input.
fn answer(line: &str) -> Value {
    let message: Value = match serde_json::from_str(line) {
        Ok(m) => m,
        Err(e) => {
            return json!({ "id": null, "success": false, "error": format!("not a JSON message: {e}") });
        }
    };
    let id = message.get("id").cloned().unwrap_or(Value::Null);
    let fail = |error: String| json!({ "id": id, "success": false, "error": error });
    if !id.is_i64() && !id.is_u64() {
        return fail("the message has no integer `id`".into());
    }
    let text = |field: &str| -> Result<&str, String> {
        message
            .get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("the message has no string `{field}`"))
    };
    let kind = match text("kind") {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    match kind {
        "start" => json!({ "id": id, "tool": "tapeless" }),
        "define" => match text("module") {
            Ok(m) if MODULES.contains(&m) => json!({ "id": id, "success": true }),
            Ok(m) => fail(unknown_module(m)),
            Err(e) => fail(e),
        },
        "evaluate" => {
            let (module, function) = match (text("module"), text("function")) {
                (Ok(m), Ok(f)) => (m, f),
                (Err(e), _) | (_, Err(e)) => return fail(e),
            };
            let Some(input) = message.get("input") else {
                return fail("the message has no `input`".into());
            };
            let mut runs = match Runs::new(input) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            match evaluate(module, function, input, &mut runs) {
                Ok(output) => json!({
                    "id": id,
                    "success": true,
                    "output": output,
                    "timings": runs.timings(),
                }),
                Err(e) => fail(format!("{module}::{function}: {e}")),
            }
        }
        _ => json!({ "id": id }),
    }
}

/// A small linear congruential generator: the table's inputs, the same on every machine.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed)
    }

    /// Uniform in `[lo, hi)`, from the top 53 bits of the state.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((self.0 >> 11) as f64 / (1u64 << 53) as f64)
    }

    pub fn vec(&mut self, n: usize, lo: f64, hi: f64) -> Vec<f64> {
        (0..n).map(|_| self.uniform(lo, hi)).collect()
    }
}

/// A time in the unit that suits it.
fn duration(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// `--table`: every case of every module (whose name contains `filter`), each function
/// run for at least a second and five runs; the median run, and its ratio to the first
/// function's.
fn print_table(filter: Option<&str>) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "| eval | size | function | time (median) | ratio |")?;
    writeln!(out, "|---|---|---|---:|---:|")?;
    for module in MODULES
        .iter()
        .filter(|m| filter.is_none_or(|f| m.contains(f)))
    {
        for case in table(module) {
            let mut first = None;
            for function in case.functions {
                let mut runs = Runs {
                    min_runs: 5,
                    min_seconds: 1.0,
                    nanoseconds: Vec::new(),
                };
                if let Err(e) = evaluate(module, function, &case.input, &mut runs) {
                    writeln!(
                        out,
                        "| {module} | {} | {function} | failed: {e} | |",
                        case.description
                    )?;
                    continue;
                }
                let mut ns = runs.nanoseconds.clone();
                ns.sort_unstable();
                let median = ns[ns.len() / 2] as f64;
                let first = *first.get_or_insert(median);
                writeln!(
                    out,
                    "| {module} | {} | {function} | {} | {:.2} |",
                    case.description,
                    duration(median),
                    median / first
                )?;
            }
        }
    }
    Ok(())
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--table") {
        return print_table(args.get(1).map(String::as_str));
    }
    let stdin = io::stdin();
    let mut stdout = io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        writeln!(stdout, "{}", answer(&line))?;
        stdout.flush()?;
    }
    Ok(())
}
