//! Compares the engines on the same functions: verifies every engine's gradient against a
//! hand-written analytic gradient, then times them and prints ns per call with ratios.
//!
//! ```text
//! cargo run --release --example compare                      # steadier
//! cargo run --release --example compare -- --quick           # under 20 s
//! cargo run --release --example compare -- --csv             # workload,engine,ns_per_call
//! cargo run --release --example compare -- --markdown        # ratios to hand, for the README
//! cargo run --release --example compare -- --plot sum_n.svg  # ns against N for sum_N
//! cargo run --release --example compare -- --only sum_       # workloads whose name has `sum_`
//! ```
//! Exits non-zero, naming the engine, if any gradient does not match.

mod bench;
mod black_scholes;
mod dag_k;
mod echidna_peer;
mod engines;
mod goals;
mod harness;
mod logistic;
mod mlp;
mod plot;
mod report;
mod rosenbrock;
mod sum_n;
mod timing;
mod workloads;

use bench::{Bench, Row};
use harness::{Suite, Workload};
use timing::Budget;

/// Command-line options.
struct Options {
    quick: bool,
    csv: bool,
    markdown: bool,
    plot: Option<String>,
    only: Option<String>,
}

fn parse() -> Result<Options, String> {
    let mut o = Options {
        quick: false,
        csv: false,
        markdown: false,
        plot: None,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => o.quick = true,
            "--csv" => o.csv = true,
            "--markdown" => o.markdown = true,
            "--plot" => {
                o.plot = Some(args.next().ok_or("--plot needs a file name (FILE.svg)")?);
            }
            "--only" => {
                o.only = Some(
                    args.next()
                        .ok_or("--only needs a part of a workload name")?,
                );
            }
            "--bench" => {} // passed by `cargo bench`; ignored
            other => {
                return Err(format!(
                    "unknown argument {other:?} (expected --quick, --csv, --markdown, --plot FILE.svg, --only NAME)"
                ));
            }
        }
    }
    Ok(o)
}

/// Runs each workload through a [`Bench`], collecting rows and failures.
struct Compare {
    bench: Bench,
    progress: bool,
    only: Option<String>,
}

impl Suite for Compare {
    fn workload<W: Workload>(&mut self) {
        let name = W::name();
        if self
            .only
            .as_ref()
            .is_some_and(|o| !name.contains(o.as_str()))
        {
            return;
        }
        if self.progress {
            eprintln!("measuring {name} …");
        }
        self.bench.start(name);
        W::run(&mut self.bench);
        self.bench.finish();
    }
}

fn main() {
    let opts = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("compare: {e}");
            std::process::exit(2);
        }
    };
    let budget = if opts.quick {
        Budget::QUICK
    } else {
        Budget::FULL
    };
    let mut run = Compare {
        bench: Bench::new(budget),
        progress: !opts.csv,
        only: opts.only.clone(),
    };
    workloads::all(&mut run);
    let Bench { rows, failures, .. } = run.bench;
    if opts.csv {
        report::csv(&rows);
    } else if opts.markdown {
        report::markdown(&rows);
        println!();
        goals::summary(&rows);
    } else {
        report::table(&rows);
        println!();
        goals::summary(&rows);
    }
    if let Some(file) = &opts.plot {
        if let Err(e) = plot::sum_n(&rows, file) {
            eprintln!("compare: cannot write {file}: {e}");
            std::process::exit(2);
        }
    }
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("compare: gradient mismatch: {f}");
        }
        std::process::exit(1);
    }
}

/// The rows of `engine` on the workloads named `{prefix}{n}`, as `(n, ns)`, in order of `n`.
pub fn series(rows: &[Row], prefix: &str, engine: &str) -> Vec<(usize, f64)> {
    let mut s: Vec<(usize, f64)> = rows
        .iter()
        .filter(|r| r.engine == engine)
        .filter_map(|r| Some((r.workload.strip_prefix(prefix)?.parse().ok()?, r.ns)))
        .collect();
    s.sort_by_key(|p| p.0);
    s
}
