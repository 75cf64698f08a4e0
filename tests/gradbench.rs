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
