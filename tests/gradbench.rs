//! The GradBench tool (`examples/gradbench`) run as a child process: a short session per
//! eval at small sizes, every answer checked against an independent reference (central
//! finite differences of the tool's own primal, closed forms) with the protocol's
//! tolerance, and the error answers checked too.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

/// The example's binary, built by `cargo test` beside this test's own binary.
fn tool_path() -> PathBuf {
    let mut dir = std::env::current_exe().expect("the test binary's path");
    dir.pop(); // the test binary
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir
        .join("examples")
        .join(format!("gradbench{}", std::env::consts::EXE_SUFFIX));
    if !path.exists() {
        // `cargo test --test gradbench` alone does not build the examples: build it.
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--example", "gradbench"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the gradbench example failed");
    }
    path
}

/// One running tool, spoken to one message at a time.
struct Tool {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Tool {
    fn start(eval: &str) -> Self {
        let mut child = Command::new(tool_path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the gradbench tool starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut tool = Self {
            child,
            stdin,
            stdout,
            next_id: 0,
        };
        let answer = tool.send(json!({ "kind": "start", "eval": eval }));
        assert_eq!(answer["tool"], "tapeless");
        tool
    }

    /// Sends `line` as it is and returns the answer.
    fn raw(&mut self, line: &str) -> Value {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).unwrap();
        serde_json::from_str(&answer)
            .unwrap_or_else(|e| panic!("answer {answer:?} is not JSON: {e}"))
    }

    /// Sends `message` with the next id and returns the answer, checking the id comes back.
    fn send(&mut self, mut message: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        message["id"] = json!(id);
        let answer = self.raw(&message.to_string());
        assert_eq!(answer["id"], json!(id), "answer {answer} to {message}");
        answer
    }

    fn define(&mut self, module: &str) -> Value {
        self.send(json!({ "kind": "define", "module": module }))
    }

    /// The answer to `evaluate`, without checking it succeeded.
    fn try_evaluate(&mut self, module: &str, function: &str, input: Value) -> Value {
        self.send(json!({
            "kind": "evaluate", "module": module, "function": function, "input": input,
        }))
    }

    /// The output of a successful `evaluate`, with its timings checked.
    fn evaluate(&mut self, module: &str, function: &str, input: Value) -> Value {
        let answer = self.try_evaluate(module, function, input.clone());
        assert_eq!(
            answer["success"], true,
            "{module}::{function} failed: {answer}"
        );
        let timings = answer["timings"].as_array().expect("timings");
        let runs = input.get("min_runs").and_then(Value::as_u64).unwrap_or(1) as usize;
        assert!(
            timings.len() >= runs,
            "{} timings for {runs} runs",
            timings.len()
        );
        assert!(
            timings
                .iter()
                .all(|t| t["name"] == "evaluate" && t["nanoseconds"].is_u64())
        );
        answer["output"].clone()
    }
}

impl Drop for Tool {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The protocol's check of one number: |a − e| / max(1, |a| + |e|) ≤ 1e-4.
fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() / f64::max(1.0, actual.abs() + expected.abs()) <= 1e-4
}

/// Every number of `actual` against `expected`, flattened in order, by the protocol's check.
fn assert_close(actual: &Value, expected: &[f64], what: &str) {
    let mut got = Vec::new();
    flatten(actual, &mut got);
    assert_eq!(
        got.len(),
        expected.len(),
        "{what}: {} numbers, expected {}",
        got.len(),
        expected.len()
    );
    for (i, (a, e)) in got.iter().zip(expected).enumerate() {
        assert!(close(*a, *e), "{what}[{i}]: {a} against {e}");
    }
}

fn flatten(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| flatten(i, out)),
        _ => out.push(v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))),
    }
}

#[test]
fn hello_squares_and_doubles() {
    let mut tool = Tool::start("hello");
    assert_eq!(tool.define("hello")["success"], true);
    for x in [0.0, 1.5, -3.25] {
        assert_close(
            &tool.evaluate("hello", "square", json!(x)),
            &[x * x],
            "square",
        );
        assert_close(
            &tool.evaluate("hello", "double", json!(x)),
            &[2.0 * x],
            "double",
        );
    }
}

#[test]
fn misuse_gets_an_error_answer_and_the_tool_goes_on() {
    let mut tool = Tool::start("hello");
    let unknown = tool.define("no_such_module");
    assert_eq!(unknown["success"], false);
    assert!(
        unknown["error"]
            .as_str()
            .unwrap()
            .contains("no_such_module")
    );

    let malformed = tool.raw("{ not json");
    assert_eq!(malformed["success"], false);
    assert!(malformed["error"].as_str().unwrap().contains("JSON"));

    let wrong_function = tool.try_evaluate("hello", "cube", json!(2.0));
    assert_eq!(wrong_function["success"], false);
    assert!(wrong_function["error"].as_str().unwrap().contains("cube"));

    let wrong_input = tool.try_evaluate("hello", "square", json!("two"));
    assert_eq!(wrong_input["success"], false);
    assert!(wrong_input["error"].as_str().unwrap().contains("number"));

    assert_eq!(
        tool.send(json!({ "kind": "analysis" }))
            .as_object()
            .unwrap()
            .len(),
        1
    );
    // Still answering after all that.
    assert_close(
        &tool.evaluate("hello", "square", json!(3.0)),
        &[9.0],
        "square",
    );
}

/// det A by Gaussian elimination with partial pivoting: an independent reference.
fn det_lu(a: &[f64], n: usize) -> f64 {
    let mut m = a.to_vec();
    let mut det = 1.0;
    for k in 0..n {
        let p = (k..n)
            .max_by(|&i, &j| m[i * n + k].abs().total_cmp(&m[j * n + k].abs()))
            .unwrap();
        if p != k {
            for j in 0..n {
                m.swap(p * n + j, k * n + j);
            }
            det = -det;
        }
        det *= m[k * n + k];
        for i in k + 1..n {
            let f = m[i * n + k] / m[k * n + k];
            for j in k..n {
                m[i * n + j] -= f * m[k * n + j];
            }
        }
    }
    det
}

/// A well-conditioned ℓ×ℓ matrix: diagonally dominant, with pseudo-random entries.
fn test_matrix(ell: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..ell * ell)
        .map(|k| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            if k / ell == k % ell { r + 2.0 } else { r }
        })
        .collect()
}

#[test]
fn det_primal_and_gradient_against_elimination_and_cofactors() {
    let mut tool = Tool::start("det");
    assert_eq!(tool.define("det")["success"], true);
    // ℓ ≤ 6 is one static expression; 7 and 8 take the tape down to 6×6 minors.
    for ell in 1..=8 {
        let a = test_matrix(ell, 7 + ell as u64);
        let input = json!({ "A": a, "ell": ell });
        let det = det_lu(&a, ell);
        assert_close(
            &tool.evaluate("det", "primal", input.clone()),
            &[det],
            "det",
        );
        // ∂det/∂a_ij is the cofactor: det of A with row i replaced by e_j.
        let cofactors: Vec<f64> = (0..ell * ell)
            .map(|k| {
                let (i, j) = (k / ell, k % ell);
                let mut b = a.clone();
                for c in 0..ell {
                    b[i * ell + c] = if c == j { 1.0 } else { 0.0 };
                }
                det_lu(&b, ell)
            })
            .collect();
        let grad = tool.evaluate("det", "gradient", input);
        assert_close(&grad, &cofactors, &format!("∂det/∂A, ℓ = {ell}"));
        // And central finite differences of the tool's own primal, for the small sizes.
        if ell <= 5 {
            let mut got = Vec::new();
            flatten(&grad, &mut got);
            let h = 1e-5;
            for k in 0..ell * ell {
                let mut at = |d: f64| {
                    let mut b = a.clone();
                    b[k] += d;
                    let v = tool.evaluate("det", "primal", json!({ "A": b, "ell": ell }));
                    v.as_f64().unwrap()
                };
                let fd = (at(h) - at(-h)) / (2.0 * h);
                assert!(
                    close(got[k], fd),
                    "ℓ = {ell}, entry {k}: {} against {fd}",
                    got[k]
                );
            }
        }
    }
    let short = tool.try_evaluate("det", "gradient", json!({ "A": [1.0, 2.0, 3.0], "ell": 2 }));
    assert_eq!(short["success"], false);
    assert!(short["error"].as_str().unwrap().contains("`A`"));
    let no_ell = tool.try_evaluate("det", "primal", json!({ "A": [1.0] }));
    assert_eq!(no_ell["success"], false);
    assert!(no_ell["error"].as_str().unwrap().contains("`ell`"));
}

const MODES: [&str; 4] = ["ff", "fr", "rf", "rr"];

#[test]
fn saddle_finds_the_origin_in_all_four_modes() {
    let mut tool = Tool::start("saddle");
    assert_eq!(tool.define("saddle")["success"], true);
    let mut outputs = Vec::new();
    for mode in MODES {
        let out = tool.evaluate("saddle", mode, json!({ "start": [1.0, 1.0] }));
        // The saddle point of (a² + b²) − (c² + d²) is the origin.
        assert_close(&out, &[0.0; 4], mode);
        let mut v = Vec::new();
        flatten(&out, &mut v);
        outputs.push(v);
    }
    for (mode, v) in MODES.iter().zip(&outputs) {
        assert_close(&json!(v), &outputs[0], &format!("{mode} against ff"));
    }
    let bad = tool.try_evaluate("saddle", "rr", json!({ "start": [1.0] }));
    assert_eq!(bad["success"], false);
    assert!(bad["error"].as_str().unwrap().contains("`start`"));
    let bad = tool.try_evaluate("saddle", "fx", json!({ "start": [1.0, 1.0] }));
    assert_eq!(bad["success"], false);
    assert!(bad["error"].as_str().unwrap().contains("fx"));
}

/// The particle's cost at charge height `w`, written here from the definition with the
/// potential's gradient in closed form: ∇ₓ 1/‖x − q‖ = −(x − q)/‖x − q‖³.
fn particle_cost(w: f64) -> f64 {
    let charges = [(10.0, 10.0 - w), (10.0, 0.0)];
    let (mut x, mut v) = ((0.0_f64, 8.0_f64), (0.75_f64, 0.0_f64));
    loop {
        let mut g = (0.0, 0.0);
        for q in charges {
            let d = (x.0 - q.0, x.1 - q.1);
            let r3 = (d.0 * d.0 + d.1 * d.1).powf(1.5);
            g = (g.0 - d.0 / r3, g.1 - d.1 / r3);
        }
        let next = (x.0 + 0.1 * v.0, x.1 + 0.1 * v.1);
        if next.1 <= 0.0 {
            break;
        }
        x = next;
        v = (v.0 - 0.1 * g.0, v.1 - 0.1 * g.1);
    }
    let t = -x.1 / v.1;
    (x.0 + t * v.0).powi(2)
}

/// The descent of the eval on `particle_cost`, its derivative by central differences.
fn particle_descent(w0: f64) -> f64 {
    let f = particle_cost;
    let g = |w: f64| (f(w + 1e-6) - f(w - 1e-6)) / 2e-6;
    let (mut w, mut fw, mut gw, mut eta, mut accepted) = (w0, f(w0), g(w0), 1e-5, 0);
    loop {
        if gw.abs() <= 1e-5 {
            return w;
        }
        if accepted == 10 {
            eta *= 2.0;
            accepted = 0;
            continue;
        }
        let next = w - eta * gw;
        if (w - next).abs() <= 1e-5 {
            return w;
        }
        let f_next = f(next);
        if f_next < fw {
            (w, fw, gw, accepted) = (next, f_next, g(next), accepted + 1);
        } else {
            eta /= 2.0;
            accepted = 0;
        }
    }
}

#[test]
fn particle_agrees_with_a_finite_difference_descent_in_all_four_modes() {
    let mut tool = Tool::start("particle");
    assert_eq!(tool.define("particle")["success"], true);
    let reference = particle_descent(0.0);
    let slope = |w: f64| (particle_cost(w + 1e-6) - particle_cost(w - 1e-6)) / 2e-6;
    let start_slope = slope(0.0);
    for mode in MODES {
        let out = tool.evaluate("particle", mode, json!({ "w": 0.0 }));
        assert_close(&out, &[reference], mode);
        // w* is a minimum of the cost: the descent stops once a step would move w by 1e-5
        // or less, so the derivative there is small beside the one it started from.
        let end_slope = slope(out.as_f64().unwrap());
        assert!(
            end_slope.abs() < 0.01 * start_slope.abs(),
            "{mode}: cost′(w*) = {end_slope}, cost′(0) = {start_slope}"
        );
    }
    let bad = tool.try_evaluate("particle", "ff", json!({ "w": "zero" }));
    assert_eq!(bad["success"], false);
    assert!(bad["error"].as_str().unwrap().contains("`w`"));
}
