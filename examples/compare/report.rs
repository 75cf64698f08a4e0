//! Output: a table with ratios, or CSV.

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
