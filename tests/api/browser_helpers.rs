//! What the browser tests share: Debian's chromium driven by a Node script
//! of `tests/browser/` (playwright-core), one browser at a time, the
//! screenshots folder, and the script's last line of JSON as the result.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::repo_path;

/// One browser at a time: the machine running the tests may be small.
pub static BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How long one scenario may take, browser start included.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(240);

pub fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

pub fn screenshot_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the tmp folder is inside the target folder")
        .join("browser")
}

/// Fails (never skips) when the browser test cannot run here.
pub fn check_prerequisites() {
    let chromium = chromium();
    assert!(
        Path::new(&chromium).exists(),
        "chromium is not installed at {chromium}: run scripts/test, which installs it \
         (apt-get install chromium), or set CHROMIUM to a Chromium binary"
    );
    assert!(
        repo_path("tests/browser/node_modules/playwright-core").exists(),
        "tests/browser/node_modules is missing: run scripts/test, which runs \
         npm ci --prefix tests/browser"
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|output| output.status.success()),
        "node is not installed: the browser test needs Node.js 20 or newer"
    );
}

/// Runs `tests/browser/<script>` with `env` (plus `SCREENSHOT_DIR` and
/// `CHROMIUM`) and returns the JSON of its last line; fails the test when
/// the script fails, takes too long, or the page reached beyond khidma or
/// threw.
pub async fn run_script(script: &str, label: &str, env: &[(&str, String)]) -> Value {
    let mut command = Command::new("node");
    command
        .arg(repo_path(&format!("tests/browser/{script}")))
        .current_dir(repo_path("tests/browser"))
        .env("SCREENSHOT_DIR", screenshot_dir())
        .env("CHROMIUM", chromium())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    // The app runs on this test's runtime: wait for node on other threads,
    // reading its output as it comes so that a full pipe never blocks it.
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("node starts");
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let read = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut text = Vec::new();
                let _ = pipe.read_to_end(&mut text);
                text
            })
        };
        let (stdout, stderr) = (read(Box::new(stdout)), read(Box::new(stderr)));
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("node can be waited for") {
                break Some(status);
            }
            if started.elapsed() > SCENARIO_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        (status, stdout.join().unwrap(), stderr.join().unwrap())
    })
    .await
    .unwrap();
    let (status, stdout, stderr) = output;
    let stdout = String::from_utf8_lossy(&stdout);
    let stderr = String::from_utf8_lossy(&stderr);
    let status = status.unwrap_or_else(|| {
        panic!(
            "the browser scenario {label} took longer than {SCENARIO_TIMEOUT:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        )
    });
    assert!(
        status.success(),
        "the browser scenario {label} failed ({status}); screenshots in {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        screenshot_dir().display()
    );
    let last = stdout.lines().last().unwrap_or_default();
    let result: Value = serde_json::from_str(last)
        .unwrap_or_else(|err| panic!("the script's last line is JSON ({err}): {stdout}\n{stderr}"));
    let problems = result["problems"].to_string();
    assert!(
        !problems.contains("external request") && !problems.contains("page error"),
        "{problems}"
    );
    if result["problems"].as_array().is_some_and(|p| !p.is_empty()) {
        #[allow(
            clippy::print_stdout,
            reason = "what the browser's console said shows with the test's output"
        )]
        {
            println!("browser console said: {problems}");
        }
    }
    result
}
