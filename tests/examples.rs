//! The lecture examples print exactly their golden output.
//!
//! Every `examples/expected/lecNN.out` belongs to the one example `examples/lecNN_*.rs`, and
//! every such example has a golden file. `cargo test` builds the examples into
//! `<target>/<profile>/examples/`, beside the `deps/` directory this test runs from; the test
//! runs each binary and compares its standard output with the golden file, byte for byte. The
//! tour, which runs all of them under a header each, must print the same sections.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Longer than any example needs (the network one included): a hung example fails the test.
const TIMEOUT: Duration = Duration::from_secs(60);

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where cargo put the example binaries: the test binary is `<target>/<profile>/deps/<name>`.
fn examples_bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    let deps = exe.parent().expect("the test binary is in deps/");
    deps.parent()
        .expect("deps/ is in the profile directory")
        .join("examples")
}

/// `(id, golden file)` for every `examples/expected/lecNN.out`, in lecture order.
fn golden_files() -> Vec<(String, PathBuf)> {
    let dir = manifest_dir().join("examples/expected");
    let mut files: Vec<(String, PathBuf)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "out"))
        .map(|path| {
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            (id, path)
        })
        .collect();
    files.sort();
    files
}

/// The names of the examples `examples/lecNN_*.rs` whose id is `id`.
fn examples_of(id: &str) -> Vec<String> {
    let prefix = format!("{id}_");
    example_names()
        .into_iter()
        .filter(|name| name.starts_with(&prefix))
        .collect()
}

/// The names of every `examples/lec*.rs`.
fn example_names() -> Vec<String> {
    let dir = manifest_dir().join("examples");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("lec"))
        .collect();
    names.sort();
    names
}

/// Runs an example binary and returns its standard output, or why it could not.
fn run_example(name: &str) -> Result<String, String> {
    let binary = examples_bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        return Err(format!(
            "the example binary {} was not built; `cargo test` builds the examples \
             (or run `cargo build --examples` first)",
            binary.display()
        ));
    }
    if let Some(changed) = changed_since_built(&binary) {
        return Err(format!(
            "the example binary {} is older than {}; `cargo test` rebuilds the examples \
             (`cargo test --test examples` alone does not: run `cargo build --examples` first)",
            binary.display(),
            changed.display()
        ));
    }
    let mut child = Command::new(&binary)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let stdout = read_in_background(child.stdout.take().unwrap());
    let stderr = read_in_background(child.stderr.take().unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("did not finish within {TIMEOUT:?}"));
        }
        thread::sleep(Duration::from_millis(10));
    };
    let stdout = stdout.join().unwrap();
    let stderr = stderr.join().unwrap();
    if !status.success() {
        return Err(format!("exited with {status}; stderr:\n{stderr}"));
    }
    Ok(stdout)
}

/// A source file of `binary` that changed after it was built, from the dep-info file cargo
/// writes beside it (`<name>.d`: `binary: source source ...`).
fn changed_since_built(binary: &Path) -> Option<PathBuf> {
    let built = fs::metadata(binary).and_then(|m| m.modified()).ok()?;
    let dep_info = fs::read_to_string(binary.with_extension("d")).ok()?;
    let (_, sources) = dep_info.lines().next()?.split_once(": ")?;
    sources
        .replace("\\ ", "\0")
        .split_whitespace()
        .map(|source| PathBuf::from(source.replace('\0', " ")))
        .find(|source| {
            fs::metadata(source)
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified > built)
        })
}

fn read_in_background(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Where two outputs first differ, for the failure message.
fn first_difference(got: &str, want: &str) -> String {
    let (got_lines, want_lines): (Vec<&str>, Vec<&str>) =
        (got.split('\n').collect(), want.split('\n').collect());
    for i in 0..got_lines.len().max(want_lines.len()) {
        let (g, w) = (got_lines.get(i), want_lines.get(i));
        if g != w {
            return format!(
                "first difference at line {}:\n  printed:  {g:?}\n  expected: {w:?}",
                i + 1
            );
        }
    }
    "the outputs differ".to_string()
}

fn read_golden(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn every_example_prints_its_golden_output() {
    let goldens = golden_files();
    assert!(!goldens.is_empty(), "no golden files in examples/expected/");
    let mut failures = Vec::new();
    for (id, golden) in &goldens {
        let names = examples_of(id);
        let [name] = names.as_slice() else {
            failures.push(format!(
                "{id}: expected exactly one example examples/{id}_*.rs for {}, found {names:?}",
                golden.display()
            ));
            continue;
        };
        match run_example(name) {
            Ok(got) => {
                let want = read_golden(golden);
                if got != want {
                    failures.push(format!(
                        "{name}: output differs from examples/expected/{id}.out; {}",
                        first_difference(&got, &want)
                    ));
                }
            }
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n\n"));
}

#[test]
fn every_example_has_a_golden_file() {
    let missing: Vec<String> = example_names()
        .into_iter()
        .filter(|name| {
            let id = name.split('_').next().unwrap();
            !manifest_dir()
                .join(format!("examples/expected/{id}.out"))
                .exists()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "examples without a golden file in examples/expected/: {missing:?}"
    );
}

/// The tour's output, cut at its `== LEC-NN: title ==` headers: `(id, section)` in order.
fn tour_sections(output: &str) -> Vec<(String, String)> {
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in output.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("== LEC-") {
            let number = rest.split(':').next().unwrap_or_default();
            sections.push((format!("lec{number}"), String::new()));
        } else if let Some((_, text)) = sections.last_mut() {
            text.push_str(line);
        } else {
            panic!("the tour printed {line:?} before its first header");
        }
    }
    // Sections are separated by one blank line.
    let count = sections.len();
    for (_, text) in sections.iter_mut().take(count.saturating_sub(1)) {
        assert!(
            text.ends_with("\n\n"),
            "a tour section does not end with a blank line"
        );
        text.pop();
    }
    sections
}

#[test]
fn the_tour_runs_every_exercise_in_order() {
    let output = run_example("tour").unwrap_or_else(|why| panic!("tour: {why}"));
    let sections = tour_sections(&output);
    let ids: Vec<&str> = sections.iter().map(|(id, _)| id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        ids, sorted,
        "the tour runs the exercises in lecture order, once each"
    );
    let goldens = golden_files();
    for (id, golden) in &goldens {
        match sections.iter().find(|(section, _)| section == id) {
            Some((_, text)) => {
                let want = read_golden(golden);
                assert!(
                    *text == want,
                    "tour section {id} differs from examples/expected/{id}.out; {}",
                    first_difference(text, &want)
                );
            }
            None => panic!("the tour does not run {id}: add it to examples/tour.rs"),
        }
    }
    for id in &ids {
        assert!(
            goldens.iter().any(|(golden, _)| golden == id),
            "the tour runs {id}, which has no golden file"
        );
    }
}
