//! The GradBench tool (`examples/gradbench`) run as a child process: a short session per
//! eval at small sizes, every answer checked against an independent reference (central
//! finite differences of the tool's own primal, closed forms) with the protocol's
//! tolerance, and the error answers checked too.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::SystemTime;

use serde_json::{Value, json};

/// The example's binary, built by `cargo test` beside this test's own binary (and built
/// here when it is missing or older than the sources, as after `cargo test --test
/// gradbench` alone, which builds no example).
fn tool_path() -> PathBuf {
    let mut dir = std::env::current_exe().expect("the test binary's path");
    dir.pop(); // the test binary
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir
        .join("examples")
        .join(format!("gradbench{}", std::env::consts::EXE_SUFFIX));
    let built = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = [root.join("src"), root.join("examples/gradbench")];
    if built.is_none_or(|b| sources.iter().any(|d| newer_than(d, b))) {
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "--profile",
                "test",
                "--example",
                "gradbench",
            ])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the gradbench example failed");
    }
    path
}

/// Whether a file below `dir` was modified after `time`.
fn newer_than(dir: &Path, time: SystemTime) -> bool {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| {
            let path = entry.path();
            if path.is_dir() {
                newer_than(&path, time)
            } else {
                entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|m| m > time)
            }
        })
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

/// Small reproducible numbers for the sessions below, uniform in `[lo, hi)`.
fn numbers(seed: u64, n: usize, lo: f64, hi: f64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect()
}

/// Central differences of `f` at `x`, one per component.
fn central(mut f: impl FnMut(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let h = 1e-6;
    (0..x.len())
        .map(|i| {
            let (mut up, mut down) = (x.to_vec(), x.to_vec());
            up[i] += h;
            down[i] -= h;
            (f(&up) - f(&down)) / (2.0 * h)
        })
        .collect()
}

/// The error answer to a wrong-shape input names the field.
fn assert_refused(tool: &mut Tool, module: &str, function: &str, input: Value, field: &str) {
    let answer = tool.try_evaluate(module, function, input);
    assert_eq!(answer["success"], false, "{answer}");
    let error = answer["error"].as_str().unwrap();
    assert!(
        error.contains(&format!("`{field}")),
        "{error} does not name `{field}`"
    );
}

/// `llsq`'s sample `i` of `n`: the point tᵢ, its sign sᵢ (0 at 0) and the model Σⱼ xⱼ·tᵢʲ.
fn llsq_sample(x: &[f64], i: usize, n: usize) -> (f64, f64, f64) {
    let t = -1.0 + 2.0 * i as f64 / (n - 1) as f64;
    let s = if t > 0.0 {
        1.0
    } else if t < 0.0 {
        -1.0
    } else {
        0.0
    };
    let p = x
        .iter()
        .enumerate()
        .map(|(j, xj)| xj * t.powi(j as i32))
        .sum();
    (t, s, p)
}

/// `llsq`'s definition in plain f64.
fn llsq_reference(x: &[f64], n: usize) -> f64 {
    (0..n)
        .map(|i| {
            let (_, s, p) = llsq_sample(x, i, n);
            0.5 * (s - p).powi(2)
        })
        .sum()
}

#[test]
fn llsq_primal_and_gradient() {
    let mut tool = Tool::start("llsq");
    assert_eq!(tool.define("llsq")["success"], true);
    let (n, m) = (9, 5);
    let x = numbers(1, m, -1.0, 1.0);
    let input = |x: &[f64]| json!({ "x": x, "n": n, "min_runs": 1, "min_seconds": 0 });
    let primal = tool.evaluate("llsq", "primal", input(&x));
    assert_close(&primal, &[llsq_reference(&x, n)], "primal");
    // Closed form: ∂/∂xⱼ = Σᵢ (pᵢ − sᵢ)·tᵢʲ.
    let closed: Vec<f64> = (0..m)
        .map(|j| {
            (0..n)
                .map(|i| {
                    let (t, s, p) = llsq_sample(&x, i, n);
                    (p - s) * t.powi(j as i32)
                })
                .sum()
        })
        .collect();
    let gradient = tool.evaluate("llsq", "gradient", input(&x));
    assert_close(&gradient, &closed, "gradient");
    // And the tool's own primal at perturbed points.
    let fd = central(|x| tool_number(&mut tool, "llsq", "primal", input(x)), &x);
    assert_close(&gradient, &fd, "gradient against differences");
    assert_refused(
        &mut tool,
        "llsq",
        "gradient",
        json!({ "x": "one", "n": 3 }),
        "x",
    );
    assert_refused(
        &mut tool,
        "llsq",
        "primal",
        json!({ "x": [1.0], "n": -3 }),
        "n",
    );
}

/// The number the tool answers to one `evaluate`.
fn tool_number(tool: &mut Tool, module: &str, function: &str, input: Value) -> f64 {
    tool.evaluate(module, function, input)
        .as_f64()
        .expect("a number")
}

#[test]
fn lse_primal_and_gradient_is_the_softmax() {
    let mut tool = Tool::start("lse");
    assert_eq!(tool.define("lse")["success"], true);
    let mut x = numbers(2, 40, -3.0, 3.0);
    x[7] = 700.0; // exp would overflow without the shift by the maximum
    let input = json!({ "x": x, "min_runs": 2, "min_seconds": 0 });
    let m = 700.0;
    let sum: f64 = x.iter().map(|v| (v - m).exp()).sum();
    assert_close(
        &tool.evaluate("lse", "primal", input.clone()),
        &[m + sum.ln()],
        "primal",
    );
    let softmax: Vec<f64> = x.iter().map(|v| (v - m).exp() / sum).collect();
    assert_close(
        &tool.evaluate("lse", "gradient", input),
        &softmax,
        "gradient",
    );
    // Away from the overflow, against differences of the primal.
    let x = numbers(3, 6, -2.0, 2.0);
    let lse = |x: &[f64]| x.iter().map(|v| v.exp()).sum::<f64>().ln();
    let gradient = tool.evaluate("lse", "gradient", json!({ "x": x }));
    assert_close(&gradient, &central(lse, &x), "gradient against differences");
    // Older evals name the number of runs `runs`: one timing per run all the same.
    let answer = tool.try_evaluate("lse", "primal", json!({ "x": x, "runs": 3 }));
    assert_eq!(
        answer["timings"].as_array().map(Vec::len),
        Some(3),
        "{answer}"
    );
    assert_refused(&mut tool, "lse", "primal", json!({ "y": [1.0] }), "x");
    assert_refused(
        &mut tool,
        "lse",
        "gradient",
        json!({ "x": [1.0, [2.0, "a"]] }),
        "x[1][1]",
    );
}

/// `ode`'s definition in plain f64: RK4 with `s` steps on [0, 2], the state at 2.
fn ode_reference(x: &[f64], s: usize) -> Vec<f64> {
    let n = x.len();
    let h = 2.0 / s as f64;
    let slope = |y: &[f64]| -> Vec<f64> {
        (0..n)
            .map(|i| if i == 0 { x[0] } else { x[i] * y[i - 1] })
            .collect()
    };
    let mut y = vec![0.0; n];
    for _ in 0..s {
        let k1 = slope(&y);
        let y2: Vec<f64> = (0..n).map(|i| y[i] + h / 2.0 * k1[i]).collect();
        let k2 = slope(&y2);
        let y3: Vec<f64> = (0..n).map(|i| y[i] + h / 2.0 * k2[i]).collect();
        let k3 = slope(&y3);
        let y4: Vec<f64> = (0..n).map(|i| y[i] + h * k3[i]).collect();
        let k4 = slope(&y4);
        for i in 0..n {
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        }
    }
    y
}

#[test]
fn ode_primal_and_gradient() {
    let mut tool = Tool::start("ode");
    assert_eq!(tool.define("ode")["success"], true);
    // 3 steps of 4 stages reach 12 components: the last of 7 depends on every input.
    let (n, s) = (7, 3);
    let x = numbers(4, n, 0.5, 1.5);
    let input = json!({ "x": x, "s": s, "min_runs": 1, "min_seconds": 0 });
    let y = ode_reference(&x, s);
    assert_close(&tool.evaluate("ode", "primal", input.clone()), &y, "primal");
    let fd = central(|x| ode_reference(x, s)[n - 1], &x);
    assert!(
        fd.iter().all(|g| g.abs() > 1e-3),
        "every input matters: {fd:?}"
    );
    assert_close(&tool.evaluate("ode", "gradient", input), &fd, "gradient");
    // One step, one component: y(2) = 2·x₀, whatever the steps.
    assert_close(
        &tool.evaluate("ode", "gradient", json!({ "x": [0.3], "s": 1 })),
        &[2.0],
        "gradient of 2·x₀",
    );
    assert_refused(
        &mut tool,
        "ode",
        "primal",
        json!({ "x": [1.0], "s": -1 }),
        "s",
    );
    assert_refused(
        &mut tool,
        "ode",
        "gradient",
        json!({ "x": 1.0, "s": 2 }),
        "x",
    );
}

#[test]
fn kmeans_cost_and_dir() {
    let mut tool = Tool::start("kmeans");
    assert_eq!(tool.define("kmeans")["success"], true);
    let (n, k, d) = (15, 3, 2);
    let flat = numbers(5, n * d, 0.0, 1.0);
    let points: Vec<Vec<f64>> = flat.chunks(d).map(<[f64]>::to_vec).collect();
    let centroids = points[n - k..].to_vec();
    let input =
        json!({ "points": points, "centroids": centroids, "min_runs": 1, "min_seconds": 0 });
    let dist = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(a, b)| (a - b).powi(2)).sum::<f64>();
    let nearest = |p: &[f64]| {
        (0..k)
            .min_by(|&a, &b| dist(p, &centroids[a]).total_cmp(&dist(p, &centroids[b])))
            .unwrap()
    };
    let cost: f64 = points.iter().map(|p| dist(p, &centroids[nearest(p)])).sum();
    assert_close(
        &tool.evaluate("kmeans", "cost", input.clone()),
        &[cost],
        "cost",
    );
    // Closed form: ∂/∂cⱼ = 2·Σ (cⱼ − p) over cluster j, the Hessian's diagonal 2·|cluster j|:
    // the direction is cⱼ minus the cluster's mean.
    let mut dir = Vec::new();
    for (j, centroid) in centroids.iter().enumerate() {
        let cluster: Vec<&Vec<f64>> = points.iter().filter(|p| nearest(p) == j).collect();
        for (l, c) in centroid.iter().enumerate() {
            let mean = cluster.iter().map(|p| p[l]).sum::<f64>() / cluster.len() as f64;
            dir.push(c - mean);
        }
    }
    assert_close(&tool.evaluate("kmeans", "dir", input), &dir, "dir");
    let mut short = centroids.clone();
    short[1].pop();
    assert_refused(
        &mut tool,
        "kmeans",
        "dir",
        json!({ "points": points, "centroids": short }),
        "centroids[1]",
    );
    assert_refused(
        &mut tool,
        "kmeans",
        "cost",
        json!({ "points": points }),
        "centroids",
    );
}

/// `gmm`'s log-posterior in plain f64, with each `Qⱼ` made as a dense matrix. `params` is
/// α (k), μ (k×d), q (k×d), l (k×d(d−1)/2, each `Qⱼ`'s entries below the diagonal column by
/// column).
fn gmm_reference(
    params: &[f64],
    x: &[Vec<f64>],
    (d, k): (usize, usize),
    (m, gamma): (f64, f64),
) -> f64 {
    let lsz = d * (d - 1) / 2;
    let alpha = &params[..k];
    let mu = |j: usize| &params[k + j * d..k + (j + 1) * d];
    let q = |j: usize| &params[k + k * d + j * d..k + k * d + (j + 1) * d];
    let l = |j: usize| &params[k + 2 * k * d + j * lsz..k + 2 * k * d + (j + 1) * lsz];
    let big_q = |j: usize| {
        let mut a = vec![vec![0.0; d]; d];
        let mut next = l(j).iter();
        for c in 0..d {
            a[c][c] = q(j)[c].exp();
            for row in a.iter_mut().skip(c + 1) {
                row[c] = *next.next().unwrap();
            }
        }
        a
    };
    let lse = |v: &[f64]| {
        let m = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
    };
    let qs: Vec<_> = (0..k).map(big_q).collect();
    let mut total = 0.0;
    for xi in x {
        let terms: Vec<f64> = (0..k)
            .map(|j| {
                let z: Vec<f64> = (0..d).map(|c| xi[c] - mu(j)[c]).collect();
                let quad: f64 = (0..d)
                    .map(|r| (0..d).map(|c| qs[j][r][c] * z[c]).sum::<f64>().powi(2))
                    .sum();
                alpha[j] + q(j).iter().sum::<f64>() - 0.5 * quad
            })
            .collect();
        total += lse(&terms);
    }
    let n = x.len() as f64;
    let nw = d as f64 + m + 1.0;
    let log_gamma_d = 0.25 * (d * (d - 1)) as f64 * std::f64::consts::PI.ln()
        + (1..=d)
            .map(|j| libm::lgamma(0.5 * nw + 0.5 * (1.0 - j as f64)))
            .sum::<f64>();
    let c = nw * d as f64 * (gamma.ln() - 0.5 * 2f64.ln()) - log_gamma_d;
    let prior: f64 = (0..k)
        .map(|j| {
            let frobenius: f64 = qs[j].iter().flatten().map(|v| v * v).sum();
            m * q(j).iter().sum::<f64>() - 0.5 * gamma * gamma * frobenius + c
        })
        .sum();
    total - n * lse(alpha) - n * d as f64 * 0.5 * (2.0 * std::f64::consts::PI).ln() + prior
}

#[test]
fn gmm_objective_and_jacobian() {
    let mut tool = Tool::start("gmm");
    assert_eq!(tool.define("gmm")["success"], true);
    let (d, k, n) = (3, 2, 6);
    let lsz = d * (d - 1) / 2;
    let (m, gamma) = (2.0, 0.8);
    let x: Vec<Vec<f64>> = numbers(6, n * d, -2.0, 2.0)
        .chunks(d)
        .map(<[f64]>::to_vec)
        .collect();
    let params = [
        numbers(7, k, -1.0, 1.0),
        numbers(8, k * d, 0.0, 1.0),
        numbers(9, k * d, -0.5, 0.5),
        numbers(10, k * lsz, -0.5, 0.5),
    ]
    .concat();
    let rows = |from: usize, w: usize| -> Vec<Vec<f64>> {
        (0..k)
            .map(|j| params[from + j * w..from + (j + 1) * w].to_vec())
            .collect()
    };
    let input = json!({
        "d": d, "k": k, "n": n, "m": m as i64, "gamma": gamma, "x": x,
        "alpha": &params[..k], "mu": rows(k, d), "q": rows(k + k * d, d), "l": rows(k + 2 * k * d, lsz),
        "min_runs": 1, "min_seconds": 0,
    });
    let reference = |p: &[f64]| gmm_reference(p, &x, (d, k), (m, gamma));
    assert_close(
        &tool.evaluate("gmm", "objective", input.clone()),
        &[reference(&params)],
        "objective",
    );
    let jacobian = tool.evaluate("gmm", "jacobian", input.clone());
    let fd = central(reference, &params);
    for (name, from, len) in [
        ("alpha", 0, k),
        ("mu", k, k * d),
        ("q", k + k * d, k * d),
        ("l", k + 2 * k * d, k * lsz),
    ] {
        assert_close(&jacobian[name], &fd[from..from + len], name);
    }
    // The gradient with respect to α sums to 0: every point's softmax weights sum to 1,
    // and so do those of n·logsumexp(α)'s.
    let ga: f64 = jacobian["alpha"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!(ga.abs() < 1e-9, "Σ ∂/∂α = {ga}");
    let mut wrong = input.clone();
    wrong["mu"] = json!(rows(k, d)[..1]);
    assert_refused(&mut tool, "gmm", "jacobian", wrong, "mu");
    let mut wrong = input;
    wrong["l"] = json!([[1.0], [2.0]]);
    assert_refused(&mut tool, "gmm", "objective", wrong, "l[0]");
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
