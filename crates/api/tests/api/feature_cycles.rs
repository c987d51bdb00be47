//! The crate's features stay a layered house: each folder under `src/` may use `shared/`
//! and features below it, never one that (through others) uses it back, and `shared/` uses
//! no feature. Read from the source text, so a new cycle fails here with its path printed,
//! before anyone has to untangle it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The folders under `src/`: one per feature, plus `shared`.
fn features(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .expect("src/ is readable")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("feature folder is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The features one source text names through `crate::<feature>` or `use crate::{<feature>…}`.
/// Comment lines are skipped: a doc link is no dependency.
fn referenced(text: &str, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let preceded_by_word = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !preceded_by_word {
            if let Some(group) = after.strip_prefix('{') {
                // `use crate::{a, b::c, D}`: the first segment of each item (nested braces
                // belong to an item, so only depth-0 commas separate).
                let mut depth = 0;
                let mut item = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            add_first_segment(&item, names, &mut found);
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    item.push(c);
                }
                add_first_segment(&item, names, &mut found);
            } else {
                add_first_segment(after, names, &mut found);
            }
        }
        rest = after;
    }
    found
}

fn add_first_segment(path: &str, names: &BTreeSet<String>, found: &mut BTreeSet<String>) {
    let first: String = path
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if names.contains(&first) {
        found.insert(first);
    }
}

/// feature -> the features its files name, with one file per edge to point at.
fn edges(src: &Path) -> BTreeMap<String, BTreeMap<String, PathBuf>> {
    let names = features(src);
    let mut graph = BTreeMap::new();
    for feature in &names {
        let mut files = Vec::new();
        rust_files(&src.join(feature), &mut files);
        let mut uses: BTreeMap<String, PathBuf> = BTreeMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source is UTF-8");
            for other in referenced(&text, &names) {
                if &other != feature {
                    uses.entry(other).or_insert_with(|| file.clone());
                }
            }
        }
        graph.insert(feature.clone(), uses);
    }
    graph
}

/// A cycle as the features along it (first repeated at the end), if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeMap<String, PathBuf>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeMap<String, PathBuf>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(|m| m.keys()) {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

fn describe(cycle: &[String], graph: &BTreeMap<String, BTreeMap<String, PathBuf>>) -> String {
    cycle
        .windows(2)
        .map(|w| {
            format!(
                "{} -> {} (in {})",
                w[0],
                w[1],
                graph[&w[0]][&w[1]].display()
            )
        })
        .collect::<Vec<_>>()
        .join("\n  ")
}

#[test]
fn features_form_no_cycle_and_shared_uses_no_feature() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = edges(&src);
    assert!(
        graph.len() >= 8,
        "expected the feature folders under {}, found {:?}",
        src.display(),
        graph.keys().collect::<Vec<_>>()
    );
    let shared_uses = &graph["shared"];
    assert!(
        shared_uses.is_empty(),
        "shared/ must not depend on a feature, but uses: {}",
        shared_uses
            .iter()
            .map(|(f, file)| format!("{f} (in {})", file.display()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle between features:\n  {}",
            describe(&cycle, &graph)
        );
    }
}

#[test]
fn the_reader_sees_every_form_of_reference_and_finds_a_planted_cycle() {
    let names: BTreeSet<String> = ["a", "b", "shared"].map(String::from).into();
    assert_eq!(
        referenced("use crate::{a::X, shared::{y, z}, ApiError};", &names),
        ["a", "shared"].map(String::from).into(),
        "brace imports name each item's feature"
    );
    assert_eq!(
        referenced("let x = crate::b::f();\n// crate::a::doc_link\n", &names),
        ["b"].map(String::from).into(),
        "paths in code count, comment lines do not"
    );
    assert!(
        referenced("cspdesk_crate::a::x", &names).is_empty(),
        "only `crate::` itself, not a name ending in it"
    );
    let file = PathBuf::from("f.rs");
    let graph: BTreeMap<String, BTreeMap<String, PathBuf>> = [
        ("a".to_string(), [("b".to_string(), file.clone())].into()),
        ("b".to_string(), [("a".to_string(), file.clone())].into()),
        ("shared".to_string(), BTreeMap::new()),
    ]
    .into();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}
