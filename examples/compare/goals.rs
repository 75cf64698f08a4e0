//! The performance goals, checked on the rows of this one run and printed with their numbers.
//! A goal that is missed is reported as missed; nothing here changes a measurement.

use crate::bench::Row;
use crate::series;

fn ns(rows: &[Row], workload: &str, engine: &str) -> Option<f64> {
    rows.iter()
        .find(|r| r.workload == workload && r.engine == engine)
        .map(|r| r.ns)
}

fn workloads(rows: &[Row]) -> Vec<&str> {
    let mut w: Vec<&str> = Vec::new();
    for r in rows {
        if !w.contains(&r.workload.as_str()) {
            w.push(&r.workload);
        }
    }
    w
}

/// `(workload, a / b)` for every workload where both engines were measured.
fn ratios<'r>(rows: &'r [Row], a: &str, b: &str) -> Vec<(&'r str, f64)> {
    workloads(rows)
        .into_iter()
        .filter_map(|w| Some((w, ns(rows, w, a)? / ns(rows, w, b)?)))
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "holds" } else { "MISSED" }
}

/// The cost of one more unit between successive sizes: `(t₂ − t₁)/(n₂ − n₁)`.
fn marginal(s: &[(usize, f64)]) -> Vec<f64> {
    s.windows(2)
        .map(|w| (w[1].1 - w[0].1) / (w[1].0 - w[0].0) as f64)
        .collect()
}

/// Growth of `engine` with the size in the workloads named `{prefix}{n}`: linear when a unit
/// added in the last (largest) step costs no more than one added in the step before it
/// (within 25%); quadratic growth would make it 2× (dag, sizes doubling) to 4× (sum, sizes
/// quadrupling). The time per unit `t/n` is not the test: a fixed cost per call, or units
/// that are cheaper at small sizes (`sin` of a small argument), move it without anything
/// being superlinear.
fn linear(rows: &[Row], prefix: &str, size: &str, engine: &str) {
    let s = series(rows, prefix, engine);
    if s.len() < 3 {
        println!("  {prefix}{size} linear in {size} for {engine}: not measured");
        return;
    }
    let m = marginal(&s);
    let [.., before, last] = m[..] else {
        unreachable!("three sizes give two steps")
    };
    let hand = marginal(&series(rows, prefix, "hand"));
    let fmt = |m: &[f64]| {
        m.iter()
            .map(|v| format!("{v:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "  {prefix}{size} linear in {size} for {engine}: {} (ns per added unit between successive sizes: {}; hand: {})",
        verdict(before > 0.0 && last <= 1.25 * before),
        fmt(&m),
        fmt(&hand)
    );
}

/// The workloads of run-time size, by the start of their names; their goals are their own,
/// and the goals of the fixed-size workloads are checked on those alone.
const RUNTIME: [&str; 5] = ["llsq_", "lse_", "gmm", "ode_", "mlp_wide"];

fn is_runtime(workload: &str) -> bool {
    RUNTIME.iter().any(|p| workload.starts_with(p))
}

/// Prints each goal with the numbers it rests on: the fixed-size workloads' goals, then the
/// run-time-size workloads'.
pub fn summary(rows: &[Row]) {
    let (runtime, fixed): (Vec<Row>, Vec<Row>) =
        rows.iter().cloned().partition(|r| is_runtime(&r.workload));
    if !fixed.is_empty() {
        fixed_size(&fixed);
    }
    if !runtime.is_empty() {
        run_time_size(&runtime);
    }
}

/// Prints one per-workload goal: `ok(a / b)` must hold on every workload where both were
/// measured; returns the ratios.
fn each(rows: &[Row], goal: &str, a: &str, b: &str, ok: impl Fn(f64) -> bool) -> Vec<f64> {
    let have = ratios(rows, a, b);
    if have.is_empty() {
        println!("  {goal}: not measured");
        return Vec::new();
    }
    let failed: Vec<String> = have
        .iter()
        .filter(|r| !ok(r.1))
        .map(|r| format!("{} ({:.2})", r.0, r.1))
        .collect();
    let all: Vec<String> = have.iter().map(|r| format!("{} {:.2}", r.0, r.1)).collect();
    println!(
        "  {goal}: {}{} ({a}/{b}: {})",
        verdict(failed.is_empty()),
        if failed.is_empty() {
            String::new()
        } else {
            format!(" on {}", failed.join(", "))
        },
        all.join(", "),
    );
    have.iter().map(|r| r.1).collect()
}

/// Growth with the size for the run-time-size families: the marginal test of [`linear`]
/// with three sizes or more; with two, the cost per unit at the larger size within 25% of
/// that at the smaller (a fixed cost per call only lowers it; quadratic growth would
/// multiply it by the ratio of the sizes).
fn linear_rt(rows: &[Row], prefix: &str, size: &str, engine: &str) {
    let s = series(rows, prefix, engine);
    match s.len() {
        0 => println!("  {prefix}{size} linear in {size} for {engine}: not measured"),
        1 => println!("  {prefix}{size} linear in {size} for {engine}: one size only"),
        2 => {
            let per = |p: (usize, f64)| p.1 / p.0 as f64;
            let (small, large) = (per(s[0]), per(s[1]));
            println!(
                "  {prefix}{size} linear in {size} for {engine}: {} (ns per unit: {small:.3} at {}, {large:.3} at {})",
                verdict(large <= 1.25 * small),
                s[0].0,
                s[1].0
            );
        }
        _ => linear(rows, prefix, size, engine),
    }
}

/// The goals of the run-time-size workloads, on their `static` rows.
fn run_time_size(rows: &[Row]) {
    println!("goals of the run-time-size workloads (ratios from this run):");
    let sh = each(
        rows,
        "static/hand ≤ 1.20 on each",
        "static",
        "hand",
        |r| r <= 1.20,
    );
    if !sh.is_empty() {
        let med = median(sh);
        println!(
            "  static/hand ≤ 1.10 on the median workload: {} ({med:.2})",
            verdict(med <= 1.10)
        );
    }
    each(
        rows,
        "static ≥ 2× faster than tape on each",
        "static",
        "tape",
        |r| r <= 0.5,
    );
    for peer in ["echidna", "echidna_bc"] {
        each(
            rows,
            &format!("static faster than {peer} on each"),
            "static",
            peer,
            |r| r < 1.0,
        );
    }
    linear_rt(rows, "llsq_", "N", "static");
    linear_rt(rows, "lse_", "N", "static");
    linear_rt(rows, "ode_", "N", "static");
}

/// The goals of the fixed-size workloads.
fn fixed_size(rows: &[Row]) {
    println!("goals (ratios from this run):");

    let sh = ratios(rows, "static", "hand");
    if !sh.is_empty() {
        let med = median(sh.iter().map(|r| r.1).collect());
        let worst = sh
            .iter()
            .copied()
            .fold(("", 0.0), |m, r| if r.1 > m.1 { r } else { m });
        println!(
            "  static/hand median ≤ 1.10: {} ({med:.2}); none above 1.3: {} (worst {:.2} on {})",
            verdict(med <= 1.10),
            verdict(worst.1 <= 1.3),
            worst.1,
            worst.0
        );
    }

    let sp = ratios(rows, "static", "primal");
    if !sp.is_empty() {
        let med = median(sp.iter().map(|r| r.1).collect());
        println!(
            "  static/primal ≤ 1.5 on the median workload: {} ({med:.2})",
            verdict(med <= 1.5)
        );
    }

    let tr = ratios(rows, "reverse", "tape");
    if tr.is_empty() {
        println!("  tape faster than reverse: not measured (no tape engine)");
    } else {
        let slower: Vec<String> = tr
            .iter()
            .filter(|r| r.1 <= 1.0)
            .map(|r| format!("{} ({:.2})", r.0, r.1))
            .collect();
        let geo = (tr.iter().map(|r| r.1.ln()).sum::<f64>() / tr.len() as f64).exp();
        println!(
            "  tape faster than reverse on every workload: {}{}; ≥ 2× on the geometric mean: {} ({geo:.2}×)",
            verdict(slower.is_empty()),
            if slower.is_empty() {
                String::new()
            } else {
                format!(" (not on {})", slower.join(", "))
            },
            verdict(geo >= 2.0),
        );
    }

    let rt = ratios(rows, "tape_replay", "tape");
    if rt.is_empty() {
        println!("  tape_replay ≤ 0.6× tape: not measured (no tape_replay engine)");
    } else {
        let geo = (rt.iter().map(|r| r.1.ln()).sum::<f64>() / rt.len() as f64).exp();
        let each: Vec<String> = rt.iter().map(|r| format!("{} {:.2}", r.0, r.1)).collect();
        println!(
            "  tape_replay ≤ 0.6× tape on the geometric mean: {} ({geo:.2}×; {})",
            verdict(geo <= 0.6),
            each.join(", ")
        );
    }
    let re = ratios(rows, "tape_replay", "echidna_bc");
    if re.is_empty() {
        println!("  tape_replay faster than echidna_bc: not measured (no echidna_bc engine)");
    } else {
        let slower: Vec<String> = re
            .iter()
            .filter(|r| r.1 >= 1.0)
            .map(|r| format!("{} ({:.2})", r.0, r.1))
            .collect();
        let worst = re.iter().map(|r| r.1).fold(0.0, f64::max);
        println!(
            "  tape_replay faster than echidna_bc on every workload: {} (largest tape_replay/echidna_bc {worst:.2}{})",
            verdict(slower.is_empty()),
            if slower.is_empty() {
                String::new()
            } else {
                format!("; not on {}", slower.join(", "))
            }
        );
    }

    for peer in ["num_dual", "forward"] {
        let r = ratios(rows, "static", peer);
        if r.is_empty() {
            println!("  static faster than {peer}: not measured (no {peer} engine)");
            continue;
        }
        // Every workload here has two or more inputs.
        let slower: Vec<String> = r
            .iter()
            .filter(|r| r.1 >= 1.0)
            .map(|r| format!("{} ({:.2})", r.0, r.1))
            .collect();
        let worst = r.iter().map(|r| r.1).fold(0.0, f64::max);
        println!(
            "  static faster than {peer} on every workload: {} (largest static/{peer} {worst:.2}{})",
            verdict(slower.is_empty()),
            if slower.is_empty() {
                String::new()
            } else {
                format!("; not on {}", slower.join(", "))
            }
        );
    }

    linear(rows, "sum_", "N", "static");
    linear(rows, "sum_", "N", "tape");
    linear(rows, "dag_", "K", "static");
}
