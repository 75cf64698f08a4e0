//! Compares the engines on the same functions: verifies every engine's gradient against a
//! hand-written analytic gradient, then times them and prints ns per call with ratios.
//!
//! ```text
//! cargo run --release --example compare              # steadier
//! cargo run --release --example compare -- --quick   # under 20 s
//! cargo run --release --example compare -- --csv     # workload,engine,ns_per_call
//! ```
//! Exits non-zero, naming the engine, if any gradient does not match.

mod bench;
mod black_scholes;
mod report;
mod rosenbrock;
mod timing;

use bench::{Bench, Row};
use timing::Budget;

/// Command-line options.
struct Options {
    quick: bool,
    csv: bool,
}

fn parse() -> Result<Options, String> {
    let mut o = Options {
        quick: false,
        csv: false,
    };
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--quick" => o.quick = true,
            "--csv" => o.csv = true,
            "--bench" => {} // passed by `cargo bench`; ignored
            other => {
                return Err(format!(
                    "unknown argument {other:?} (expected --quick, --csv)"
                ));
            }
        }
    }
    Ok(o)
}

type Workload = (&'static str, fn(&mut Bench));

const WORKLOADS: &[Workload] = &[
    ("rosenbrock", rosenbrock::run),
    ("black_scholes", black_scholes::run),
];

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
    let mut rows: Vec<Row> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for (name, run) in WORKLOADS {
        if !opts.csv {
            eprintln!("measuring {name} …");
        }
        run(&mut Bench::new(budget, *name, &mut rows, &mut failures));
    }
    if opts.csv {
        report::csv(&rows);
    } else {
        report::table(&rows);
    }
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("compare: gradient mismatch: {f}");
        }
        std::process::exit(1);
    }
}
