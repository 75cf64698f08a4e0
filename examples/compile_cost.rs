//! What a static expression costs at compile time: generates small crates holding
//! expressions of about 10, 100 and 1,000 nodes (balanced trees), a let-bound DAG of depth
//! 20 (and the same levels copied instead of shared) and left-folded chains (deep, not big:
//! the last one needs a `recursion_limit`), and the static expressions of `compare`'s
//! run-time-size workloads; builds each in release, and prints the seconds it took, as a
//! Markdown table.
//!
//! ```text
//! cargo run --release --example compile_cost              # every case
//! cargo run --release --example compile_cost -- gmm ode   # the cases named so (and the baseline)
//! ```
//!
//! The crates are written under `target/compile-cost/` and share a target directory there,
//! so the dependencies are built once (the `baseline` row, a one-node expression, shows
//! the fixed cost of building and linking a binary). Each generated program checks its
//! gradient against central differences when it runs; a wrong one fails the run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The number of inputs of every generated expression.
const INPUTS: usize = 8;

/// One generated expression.
struct Case {
    name: &'static str,
    /// What the row says about its shape.
    shape: &'static str,
    nodes: usize,
    depth: usize,
    /// The Rust expression, over the variables `x0 … x7`.
    code: String,
    /// `#![recursion_limit]` the crate needs, if above the default (128).
    recursion_limit: Option<usize>,
    /// A whole program instead of `code` over `x0 … x7`: a workload of run-time size.
    program: Option<String>,
}

/// Writes a balanced tree of exactly `n` nodes; returns its depth. Leaves cycle through the
/// inputs; a two-node subtree is a unary function of a leaf; larger ones are a binary
/// operator over two halves.
fn balanced(n: usize, leaf: &mut usize, out: &mut String) -> usize {
    const UNARY: [&str; 4] = ["sin", "cos", "tanh", "exp"];
    const BINARY: [&str; 3] = ["+", "*", "-"];
    let next = |leaf: &mut usize| {
        *leaf += 1;
        format!("x{}", (*leaf - 1) % INPUTS)
    };
    match n {
        0 => unreachable!("a tree has at least one node"),
        1 => {
            out.push_str(&next(leaf));
            1
        }
        2 => {
            let f = UNARY[*leaf % UNARY.len()];
            let x = next(leaf);
            let _ = write!(out, "{x}.{f}()");
            2
        }
        _ => {
            let op = BINARY[n % BINARY.len()];
            let left = (n - 1) / 2;
            out.push('(');
            let dl = balanced(left, leaf, out);
            let _ = write!(out, " {op} ");
            let dr = balanced(n - 1 - left, leaf, out);
            out.push(')');
            1 + dl.max(dr)
        }
    }
}

fn balanced_case(name: &'static str, nodes: usize) -> Case {
    let mut code = String::new();
    let depth = balanced(nodes, &mut 0, &mut code);
    Case {
        name,
        shape: "balanced tree",
        nodes,
        depth,
        code,
        recursion_limit: None,
        program: None,
    }
}

/// A workload of run-time size from `compare` (its expression from
/// `examples/compare/statics.rs`, included as it is): `setup` makes the point `x` and the
/// expression `f`, whose gradient the program checks against central differences.
fn workload(name: &'static str, shape: &'static str, setup: &str, repo: &Path) -> Case {
    let statics = repo.join("examples/compare/statics.rs");
    let program = format!(
        r#"#![allow(dead_code, unused_imports)]
#[path = {statics:?}]
mod statics;
use tapeless::prelude::*;

fn main() {{
    let shift = std::env::args().count() as f64 * 1e-3;
    {setup}
    let mut g = vec![0.0; x.len()];
    let v = gradient_into(&f, &x, &mut g);
    let scale = g.iter().fold(1.0f64, |m, d| m.max(d.abs()));
    for i in (0..x.len()).step_by((x.len() / 7).max(1)) {{
        let h = 1e-6 * x[i].abs().max(1.0);
        let (mut hi, mut lo) = (x.clone(), x.clone());
        hi[i] += h;
        lo[i] -= h;
        let fd = (value(&f, &hi) - value(&f, &lo)) / (hi[i] - lo[i]);
        assert!((fd - g[i]).abs() <= 1e-5 * scale, "input {{i}}: gradient {{}} vs differences {{fd}}", g[i]);
    }}
    println!("ok {{v}}");
}}
"#,
        statics = statics.display().to_string(),
    );
    Case {
        name,
        shape,
        nodes: 0,
        depth: 0,
        code: String::new(),
        recursion_limit: None,
        program: Some(program),
    }
}

/// The run-time-size workloads of `compare`, at the sizes it times.
fn workloads(repo: &Path) -> Vec<Case> {
    vec![
        workload(
            "llsq_4096",
            "run-time size: sum over residuals of a dot product with data",
            "let (n, m) = (4096, 128);
    let t: Vec<f64> = (0..n).map(|i| -1.0 + 2.0 * i as f64 / (n - 1) as f64).collect();
    let s: Vec<f64> = t.iter().map(|t| if *t > 0.0 { 1.0 } else if *t < 0.0 { -1.0 } else { 0.0 }).collect();
    let powers = statics::powers(t.iter().copied(), m);
    let x: Vec<f64> = (0..m).map(|j| 0.01 * ((j as f64 + shift) * 0.7).sin()).collect();
    let f = statics::llsq(m, &s, &powers);",
            repo,
        ),
        workload(
            "lse_100000",
            "run-time size: log-sum-exp of a block",
            "let x: Vec<f64> = (0..100_000).map(|i| (i as f64 * 0.37 + shift).sin()).collect();
    let kept = tapeless::expr::fold::Workspace::new();
    let f = statics::lse(&kept, x.len());",
            repo,
        ),
        workload(
            "gmm",
            "run-time size: mixture log-density over data, shared vectors",
            "let points: Vec<[f64; 2]> = (0..1000).map(|i| [(i as f64 * 0.3).sin() * 2.0, (i as f64 * 0.7).cos() * 2.0]).collect();
    let x: Vec<f64> = (0..30).map(|i| 0.1 * ((i as f64 + shift) * 1.3).sin()).collect();
    let f = statics::gmm::<2, 5, 10>(&points, 0.0);",
            repo,
        ),
        workload(
            "ode_1000",
            "run-time size: RK4 fold over steps, a state of 1000",
            "let x: Vec<f64> = (0..1000).map(|i| 1.0 + 0.1 * ((i as f64 + shift) * 0.9).sin()).collect();
    let ws = tapeless::expr::fold::Workspace::new();
    let f = statics::ode::<1000>(&ws, 10);",
            repo,
        ),
        workload(
            "mlp_wide",
            "run-time size: 8-16-16-1 network over a batch, shared layers",
            "let batch: Vec<([f64; 8], f64)> = (0..32).map(|b| (core::array::from_fn(|i| ((b * 8 + i) as f64 * 0.41).sin()), (b as f64 * 0.3).cos())).collect();
    let x: Vec<f64> = (0..433).map(|i| 0.3 * ((i as f64 + shift) * 0.77).sin()).collect();
    let f = statics::mlp::<8, 16>(&batch);",
            repo,
        ),
    ]
}

/// `levels` nested lets, each using the value below twice: `y ← y·sin(y) + x_k`.
fn let_dag(levels: usize) -> Case {
    let mut code = String::from("let_in(x0 * x1, |p0| ");
    for k in 1..levels {
        let _ = write!(
            code,
            "let_in(p{} * p{}.sin() + x{}, |p{k}| ",
            k - 1,
            k - 1,
            k % INPUTS
        );
    }
    let _ = write!(code, "p{0} * p{0}.sin() + 1.0", levels - 1);
    code.push_str(&")".repeat(levels));
    Case {
        name: "let_dag_20",
        shape: "let-bound DAG (a tree would have 2^20 leaves)",
        // The lets; `x0 * x1`; six nodes in each later bound expression and in the body.
        nodes: levels + 3 + 6 * levels,
        // Each let's body holds the next let; the innermost body is three deep.
        depth: levels + 3,
        code,
        recursion_limit: None,
        program: None,
    }
}

/// The same levels as [`let_dag`] without lets: `y` is copied into both uses, so the
/// expression (and its type) doubles with each level.
fn copied_dag(name: &'static str, levels: usize) -> Case {
    let mut code = String::from("{ let y = x0 * x1; ");
    for _ in 0..levels {
        code.push_str("let y = y * y.sin() + 1.0; ");
    }
    code.push_str("y }");
    // Each level: two copies of the level below, sin, *, + and the constant.
    let nodes = (0..levels).fold(3usize, |n, _| 2 * n + 4);
    Case {
        name,
        shape: "the same DAG without lets (copied: a tree)",
        nodes,
        depth: 3 * levels + 2,
        code,
        recursion_limit: None,
        program: None,
    }
}

/// A left fold `((x0 + x1) * x2 + …)` of `n` binary nodes: depth `n`.
fn chain(name: &'static str, n: usize, recursion_limit: Option<usize>) -> Case {
    let mut code = "(".repeat(n);
    code.push_str("x0");
    for k in 1..=n {
        let op = if k % 2 == 0 { "*" } else { "+" };
        let _ = write!(code, " {op} x{})", k % INPUTS);
    }
    Case {
        name,
        shape: "left-folded chain",
        nodes: 2 * n + 1,
        depth: n + 1,
        code,
        recursion_limit,
        program: None,
    }
}

/// The program of one case: gradient at a point that depends on the command line (so that
/// nothing is folded at compile time), checked against central differences of the value the
/// same sweep returns (no second instantiation).
fn program(case: &Case) -> String {
    if let Some(program) = &case.program {
        return program.clone();
    }
    let vars: Vec<String> = (0..INPUTS).map(|i| format!("x{i}")).collect();
    let limit = case
        .recursion_limit
        .map(|l| format!("#![recursion_limit = \"{l}\"]\n"))
        .unwrap_or_default();
    format!(
        r#"{limit}#![allow(unused_variables, unused_parens)]
use tapeless::prelude::*;

fn main() {{
    let shift = std::env::args().count() as f64 * 1e-3;
    let x: [f64; {INPUTS}] = core::array::from_fn(|i| 0.05 + 0.07 * i as f64 + shift);
    let ({vars},) = vars();
    let f = {code};
    let (v, g) = gradient(&f, x);
    let scale = g.iter().fold(1.0f64, |m, d| m.max(d.abs()));
    for i in 0..{INPUTS} {{
        let h = 1e-6;
        let (mut hi, mut lo) = (x, x);
        hi[i] += h;
        lo[i] -= h;
        let fd = (gradient(&f, hi).0 - gradient(&f, lo).0) / (hi[i] - lo[i]);
        assert!((fd - g[i]).abs() <= 1e-5 * scale, "input {{i}}: gradient {{}} vs differences {{fd}}", g[i]);
    }}
    println!("ok {{v}}");
}}
"#,
        vars = vars.join(", "),
        code = case.code,
    )
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(path.parent().expect("a file in a directory"))?;
    std::fs::write(path, text)
}

/// How a case's build ended.
enum Built {
    /// Build seconds and the binary's size in bytes.
    Ok(f64, u64),
    /// The compiler rejected it (seconds until it did, the error code).
    Rejected(f64, String),
}

/// Writes the crate of `case`, builds it in release and runs it.
fn build(root: &Path, repo: &Path, case: &Case) -> Result<Built, String> {
    let dir = root.join(case.name);
    let manifest = format!(
        r#"[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
tapeless = {{ path = {repo:?} }}

[profile.release]
codegen-units = 1

[workspace]
"#,
        name = case.name.replace('_', "-"),
        repo = repo.display().to_string(),
    );
    let io = |e: std::io::Error| e.to_string();
    write(&dir.join("Cargo.toml"), &manifest).map_err(io)?;
    // Rewritten every time: a new modification time makes cargo rebuild it.
    write(&dir.join("src/main.rs"), &program(case)).map_err(io)?;
    let target = root.join("target");
    let start = Instant::now();
    let built = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .map_err(io)?;
    let seconds = start.elapsed().as_secs_f64();
    if !built.status.success() {
        let stderr = String::from_utf8_lossy(&built.stderr);
        // The first error code the compiler gave, e.g. `E0275` (recursion limit).
        let code = stderr
            .split("error[")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .map(str::to_string);
        return match code {
            Some(code) => Ok(Built::Rejected(seconds, code)),
            None => Err(format!("{}: cargo build failed:\n{stderr}", case.name)),
        };
    }
    let binary = target.join("release").join(case.name.replace('_', "-"));
    let out = Command::new(&binary).output().map_err(io)?;
    if !out.status.success() || !String::from_utf8_lossy(&out.stdout).starts_with("ok") {
        return Err(format!(
            "{}: the program's gradient check failed: {}",
            case.name,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let size = std::fs::metadata(&binary).map_err(io)?.len();
    Ok(Built::Ok(seconds, size))
}

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = repo.join("target").join("compile-cost");
    let mut cases = vec![
        balanced_case("baseline", 1),
        balanced_case("balanced_10", 10),
        balanced_case("balanced_100", 100),
        balanced_case("balanced_1000", 1000),
        let_dag(20),
        copied_dag("copied_dag_6", 6),
        copied_dag("copied_dag_9", 9),
        chain("chain_100", 100, None),
        chain("chain_300", 300, None),
        chain("chain_300_limit", 300, Some(1024)),
    ];
    cases.extend(workloads(&repo));
    // `compile_cost NAME …`: only the cases whose name contains one of the words.
    let only: Vec<String> = std::env::args().skip(1).collect();
    if !only.is_empty() {
        cases.retain(|c| c.name == "baseline" || only.iter().any(|w| c.name.contains(w.as_str())));
    }
    // Build the dependencies once, untimed, so each row is its own crate only.
    eprintln!("building the dependencies …");
    if let Err(e) = build(&root, &repo, &cases[0]) {
        eprintln!("compile_cost: {e}");
        std::process::exit(1);
    }
    println!("| expression | shape | nodes | depth | release build (s) | binary (KiB) |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    let mut failed = false;
    for case in &cases {
        eprintln!("building {} …", case.name);
        let shape = format!(
            "{}{}",
            case.shape,
            case.recursion_limit
                .map(|l| format!(", `recursion_limit = \"{l}\"`"))
                .unwrap_or_default()
        );
        let count = |n: usize| {
            if n == 0 {
                "–".to_string()
            } else {
                n.to_string()
            }
        };
        let row = |build: String, size: String| {
            println!(
                "| `{}` | {shape} | {} | {} | {build} | {size} |",
                case.name,
                count(case.nodes),
                count(case.depth)
            )
        };
        match build(&root, &repo, case) {
            Ok(Built::Ok(s, bytes)) => row(format!("{s:.2}"), format!("{}", bytes / 1024)),
            Ok(Built::Rejected(s, code)) => {
                row(format!("rejected after {s:.1} s: {code}"), "–".into())
            }
            Err(e) => {
                eprintln!("compile_cost: {e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
