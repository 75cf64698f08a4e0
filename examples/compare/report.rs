//! Output: a table with ratios, CSV, or Markdown for the README.

use crate::bench::Row;

/// `workload,engine,ns_per_call`, one row per measurement, nothing else on stdout.
pub fn csv(rows: &[Row]) {
    println!("workload,engine,ns_per_call");
    for r in rows {
        println!("{},{},{:.3}", r.workload, r.engine, r.ns);
    }
}

fn ns_of(rows: &[Row], workload: &str, engine: &str) -> Option<f64> {
    rows.iter()
        .find(|r| r.workload == workload && r.engine == engine)
        .map(|r| r.ns)
}

/// A table per workload: ns per call, and the ratio to `hand` and to `static`.
pub fn table(rows: &[Row]) {
    println!(
        "{:<16} {:<12} {:>12} {:>10} {:>10}",
        "workload", "engine", "ns/call", "/hand", "/static"
    );
    let mut last = "";
    for r in rows {
        if r.workload != last {
            println!("{}", "-".repeat(64));
            last = &r.workload;
        }
        let ratio = |base: &str| {
            ns_of(rows, &r.workload, base)
                .map(|b| format!("{:.2}", r.ns / b))
                .unwrap_or_else(|| "-".into())
        };
        println!(
            "{:<16} {:<12} {:>12.2} {:>10} {:>10}",
            r.workload,
            r.engine,
            r.ns,
            ratio("hand"),
            ratio("static")
        );
    }
}

/// The Markdown for the README: one row per workload, the ns per call of `hand`, then every
/// other engine's time as a ratio to `hand` (`static` 1.16 = 16% slower than by hand).
pub fn markdown(rows: &[Row]) {
    let mut workloads: Vec<&str> = Vec::new();
    let mut engines: Vec<&str> = Vec::new();
    for r in rows {
        if !workloads.contains(&r.workload.as_str()) {
            workloads.push(&r.workload);
        }
        if !engines.contains(&r.engine) {
            engines.push(r.engine);
        }
    }
    let others: Vec<&str> = engines.iter().copied().filter(|&e| e != "hand").collect();
    print!("| workload | hand, ns |");
    for e in &others {
        print!(" {e} |");
    }
    println!();
    print!("| --- | ---: |");
    for _ in &others {
        print!(" ---: |");
    }
    println!();
    for w in workloads {
        let hand = ns_of(rows, w, "hand");
        let cell = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.1}"));
        print!("| `{w}` | {} |", cell(hand));
        for e in &others {
            let r = match (ns_of(rows, w, e), hand) {
                (Some(t), Some(h)) => format!("{:.2}", t / h),
                _ => "–".into(),
            };
            print!(" {r} |");
        }
        println!();
    }
}
