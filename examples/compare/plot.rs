//! `--plot FILE.svg`: ns per gradient against N for the `sum_N` workloads, one line per
//! engine, log-log axes.

use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;

use crate::bench::Row;
use crate::series;

/// Writes the chart of the `sum_N` rows to `file`.
pub fn sum_n(rows: &[Row], file: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut engines: Vec<&'static str> = Vec::new();
    for r in rows.iter().filter(|r| r.workload.starts_with("sum_")) {
        if !engines.contains(&r.engine) {
            engines.push(r.engine);
        }
    }
    let lines: Vec<(&str, Vec<(usize, f64)>)> = engines
        .iter()
        .map(|&e| (e, series(rows, "sum_", e)))
        .filter(|(_, s)| !s.is_empty())
        .collect();
    if lines.is_empty() {
        return Err("no sum_N rows to plot".into());
    }
    let sizes: Vec<f64> = lines[0].1.iter().map(|&(n, _)| n as f64).collect();
    let points = lines.iter().flat_map(|(_, s)| s.iter());
    let (mut n_lo, mut n_hi, mut t_lo, mut t_hi) = (f64::MAX, 0.0f64, f64::MAX, 0.0f64);
    for &(n, t) in points {
        n_lo = n_lo.min(n as f64);
        n_hi = n_hi.max(n as f64);
        t_lo = t_lo.min(t);
        t_hi = t_hi.max(t);
    }

    let root = SVGBackend::new(file, (860, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "sum_N: time per gradient against the number of inputs",
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(
            (n_lo * 0.8..n_hi * 1.25).log_scale().with_key_points(sizes),
            (t_lo * 0.6..t_hi * 1.6).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("N (inputs; log scale)")
        .y_desc("ns per call (log scale)")
        .x_label_formatter(&|n| format!("{n:.0}"))
        .y_label_formatter(&|&t| si(t))
        .draw()?;
    for (i, (engine, s)) in lines.iter().enumerate() {
        let colour = Palette99::pick(i).to_rgba();
        let pts: Vec<(f64, f64)> = s.iter().map(|&(n, t)| (n as f64, t)).collect();
        let label = if *engine == "primal" {
            "primal (value only)".to_string()
        } else {
            engine.to_string()
        };
        chart
            .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(2))
            });
        chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, colour.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// `1500` as `1.5k`, `2e6` as `2M`: tick labels that stay short.
fn si(t: f64) -> String {
    let (v, unit) = match t {
        t if t >= 1e6 => (t / 1e6, "M"),
        t if t >= 1e3 => (t / 1e3, "k"),
        t => (t, ""),
    };
    let digits = if v < 10.0 && v.fract().abs() > 1e-9 {
        1
    } else {
        0
    };
    format!("{v:.digits$}{unit}")
}
