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

/// The least-squares slope of `ln ns` against `ln n`, and the slope between the two largest
/// sizes: 1 is linear; below 1 a fixed cost is still visible.
fn slopes(s: &[(usize, f64)]) -> (f64, f64) {
    let pts: Vec<(f64, f64)> = s.iter().map(|&(n, t)| ((n as f64).ln(), t.ln())).collect();
    let k = pts.len() as f64;
    let (mx, my) = (
        pts.iter().map(|p| p.0).sum::<f64>() / k,
        pts.iter().map(|p| p.1).sum::<f64>() / k,
    );
    let cov: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let var: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let [.., a, b] = pts[..] else {
        return (f64::NAN, f64::NAN);
    };
    (cov / var, (b.1 - a.1) / (b.0 - a.0))
}

/// Growth of `engine` with the size in the workloads named `{prefix}{n}`.
fn linear(rows: &[Row], prefix: &str, engine: &str) {
    let s = series(rows, prefix, engine);
    if s.len() < 2 {
        println!("  {prefix}N linear for {engine}: not measured");
        return;
    }
    let (fit, last) = slopes(&s);
    let per: Vec<String> = s
        .iter()
        .map(|&(n, t)| format!("{:.2}", t / n as f64))
        .collect();
    println!(
        "  {prefix}N linear for {engine}: {} (log-log slope {fit:.2} overall, {last:.2} between the two largest; ns per unit {})",
        verdict(fit <= 1.15 && last <= 1.15),
        per.join(", ")
    );
}

/// Prints each goal with the numbers it rests on.
pub fn summary(rows: &[Row]) {
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

    linear(rows, "sum_", "static");
    linear(rows, "sum_", "tape");
    linear(rows, "dag_", "static");
}
