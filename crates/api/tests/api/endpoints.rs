//! The sandbox stays behind one door: only `accounts/endpoints.rs` (and the sandbox's own
//! modules) may look at whether an account is the sandbox or reach its emulator, so no
//! feature grows an `if sandbox` branch and a build without the emulator stays whole.

use std::path::{Path, PathBuf};

/// Files allowed to name the sandbox: the resolver, the sandbox itself and its stand-in, and
/// the account listing that shows the sandbox badge.
const ALLOWED: &[&str] = &[
    "accounts/endpoints.rs",
    "accounts/sandbox.rs",
    "accounts/no_sandbox.rs",
    "accounts/partner_accounts.rs",
    "accounts/mod.rs",
];

/// What a sandbox branch or a reach into the emulator looks like in code: reading the
/// account's sandbox seed (writing a real partner's settings with none is no branch), the
/// sandbox module, the emulator crate.
const MARKS: &[&str] = &[".sandbox_seed", "sandbox::", "cspdesk_emulator"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// `(file, line)` of every code line (comments skipped) that carries one of `MARKS`, outside
/// the allowed files.
fn offenders(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(src)
            .expect("under src/")
            .to_string_lossy()
            .replace('\\', "/");
        if ALLOWED.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source is readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if !code.starts_with("//") && MARKS.iter().any(|m| code.contains(m)) {
                found.push(format!("{rel}:{}: {}", n + 1, code));
            }
        }
    }
    found
}

#[test]
fn only_the_endpoints_resolver_knows_the_sandbox() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = offenders(&src);
    assert!(
        found.is_empty(),
        "feature code branches on the sandbox or reaches the emulator; ask accounts::endpoints instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn a_sandbox_branch_in_a_feature_is_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let feature = dir.path().join("billing");
    std::fs::create_dir_all(&feature).expect("feature folder");
    std::fs::write(
        feature.join("invoices.rs"),
        "// sandbox_seed in a comment is fine\nif stored.sandbox_seed.is_some() { return; }\n",
    )
    .expect("write");
    let found = offenders(dir.path());
    assert_eq!(
        found.len(),
        1,
        "one branch, in code, not the comment: {found:?}"
    );
    assert!(found[0].starts_with("billing/invoices.rs:2:"), "{found:?}");
}
