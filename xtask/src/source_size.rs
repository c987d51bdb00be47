//! The house rule that keeps every file readable in one sitting (issue 15, "One house"): no
//! hand-written source file over 600 lines. Generated files and tests are exempt. The test
//! lists every offender with its length, so its failure is the plan of the next split.

use std::path::Path;

/// Longest a hand-written source file may be.
const MAX_LINES: usize = 600;

/// Where hand-written source lives, relative to the workspace root.
const ROOTS: &[&str] = &["crates", "src-tauri", "xtask", "ui/src"];

/// Generated files named here because their generator is known; any other generated file
/// is recognised by its header (see [`says_generated`]).
const GENERATED: &[&str] = &["ui/src/ipc/bindings.ts"];

/// Folders that hold no hand-written source: build output, installed modules, Tauri's
/// generated schemas.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "gen", "dist"];

fn is_source(rel: &str) -> bool {
    rel.ends_with(".rs") || rel.ends_with(".ts") || rel.ends_with(".tsx")
}

/// Tests may be long: a table of cases reads better whole than split.
fn is_test(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    rel.split('/').any(|part| part == "tests")
        || rel.starts_with("ui/src/test/")
        || name == "tests.rs"
        || name.ends_with(".test.ts")
        || name.ends_with(".test.tsx")
}

/// A generator's header says not to edit the file. "Generated" alone is not enough: modules
/// of the emulator describe its generated world in their first lines.
fn says_generated(text: &str) -> bool {
    text.lines().take(5).any(|line| {
        let line = line.to_ascii_lowercase();
        line.contains("@generated") || line.contains("do not edit")
    })
}

/// Every source file under `dir`, as paths relative to `root` with `/` separators.
fn sources(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                sources(root, &path, out);
            }
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if is_source(&rel) {
            out.push(rel);
        }
    }
}

/// The hand-written, non-test source files the rule covers.
fn covered(root: &Path) -> Vec<String> {
    let mut all = Vec::new();
    for dir in ROOTS {
        sources(root, &root.join(dir), &mut all);
    }
    all.retain(|rel| !is_test(rel) && !GENERATED.contains(&rel.as_str()));
    all.sort();
    all
}

/// Covered files longer than [`MAX_LINES`], longest first, with their line counts.
fn oversized(root: &Path) -> Vec<(String, usize)> {
    let mut long: Vec<(String, usize)> = covered(root)
        .into_iter()
        .filter_map(|rel| {
            let text = std::fs::read_to_string(root.join(&rel)).ok()?;
            let lines = text.lines().count();
            (lines > MAX_LINES && !says_generated(&text)).then_some((rel, lines))
        })
        .collect();
    long.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    long
}

#[test]
fn no_hand_written_source_file_is_over_600_lines() {
    let long = oversized(&crate::workspace::root());
    let list: Vec<String> = long
        .iter()
        .map(|(rel, lines)| format!("  {lines:>5}  {rel}"))
        .collect();
    assert!(
        long.is_empty(),
        "{} source files are over {MAX_LINES} lines; split each by job into domain-named \
         modules (a large inline test module may move to a tests.rs file):\n{}",
        long.len(),
        list.join("\n")
    );
}

#[test]
fn the_rule_sees_the_whole_workspace() {
    let files = covered(&crate::workspace::root());
    // A wrong root or an over-eager exemption would make the rule pass on nothing.
    for expected in [
        "crates/store/src/lib.rs",
        "src-tauri/src/lib.rs",
        "xtask/src/main.rs",
        "ui/src/App.tsx",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "{expected} should be covered by the size rule"
        );
    }
    assert!(
        !files.iter().any(|f| f == "ui/src/ipc/bindings.ts"),
        "the generated IPC bindings are exempt"
    );
}

#[test]
fn tests_and_generated_files_are_exempt_and_generators_are_not() {
    for test in [
        "crates/store/tests/store/main.rs",
        "crates/store/src/organizations/tests.rs",
        "ui/src/test/ipcMock.ts",
        "ui/src/format.test.ts",
        "ui/src/pages/CostsPage.test.tsx",
    ] {
        assert!(is_test(test), "{test} is a test");
    }
    for source in [
        "crates/store/src/lib.rs",
        "crates/api/src/rating.rs",
        "ui/src/pages/CostsPage.tsx",
        "xtask/src/source_size.rs",
    ] {
        assert!(!is_test(source), "{source} is not a test");
    }
    assert!(says_generated(
        "// Generated from the Rust DTOs in crates/api by `cargo test -p cspdesk-api` with\n\
         // UPDATE_BINDINGS=1. Do not edit by hand: change the Rust type instead.\n"
    ));
    assert!(says_generated(
        "// This file was generated by [ts-rs](https://github.com/Aleph-Alpha/ts-rs). Do not edit this file manually.\n"
    ));
    assert!(
        !says_generated(
            "//! The TypeScript declarations of every DTO the UI receives or sends, generated from\n\
             //! the Rust types.\n"
        ),
        "the generator that writes the bindings is hand-written"
    );
    assert!(
        !says_generated("//! The generated partner: customers, subscriptions...\n"),
        "the emulator's generated world is hand-written code"
    );
}
