//! Key parity with Microsoft's published samples (issue 18): for each endpoint the emulator answers,
//! the keys and value shapes of its answer equal those of Microsoft's sample for that endpoint. The
//! emulator is a test double of Microsoft, so a key it invents or omits is a bug the client would
//! otherwise never see. Samples live in `tests/fixtures/microsoft/` (see its README); one module per
//! area adds the endpoints of that area.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

mod azure_stack;
mod cost_exports;
mod customers;
mod graph;
mod invoices;
mod legacy_usage;
mod usage;

/// The JSON type of a value, as far as a reader of the wire can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    Null,
    Bool,
    Number,
    String,
    Object,
    Array,
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

fn shape(v: &Value) -> Shape {
    match v {
        Value::Null => Shape::Null,
        Value::Bool(_) => Shape::Bool,
        Value::Number(_) => Shape::Number,
        Value::String(_) => Shape::String,
        Value::Object(_) => Shape::Object,
        Value::Array(_) => Shape::Array,
    }
}

/// Every key path of `v` with the shapes seen there. Array elements share one path (`items[]`),
/// so a path's shapes are the union over all elements.
/// `maps` are paths of objects whose keys are data, not names (a meter's `rates` keyed by tier
/// start, resource `tags`): their children share one path, `{path}.*`.
pub fn key_shapes(v: &Value, maps: &[&str]) -> BTreeMap<String, BTreeSet<Shape>> {
    let mut out = BTreeMap::new();
    walk(v, String::new(), maps, &mut out);
    out
}

fn walk(v: &Value, path: String, maps: &[&str], out: &mut BTreeMap<String, BTreeSet<Shape>>) {
    if !path.is_empty() {
        out.entry(path.clone()).or_default().insert(shape(v));
    }
    match v {
        Value::Object(map) => {
            let is_map = maps.contains(&path.as_str());
            for (k, child) in map {
                let p = match (path.is_empty(), is_map) {
                    (true, _) => k.clone(),
                    (false, true) => format!("{path}.*"),
                    (false, false) => format!("{path}.{k}"),
                };
                walk(child, p, maps, out);
            }
        }
        Value::Array(items) => {
            for child in items {
                walk(child, format!("{path}[]"), maps, out);
            }
        }
        _ => {}
    }
}

/// Differences between Microsoft's sample and the emulator's answer for one endpoint.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Keys the emulator sends that Microsoft's sample does not have.
    pub invented: Vec<String>,
    /// Keys of Microsoft's sample the emulator never sends.
    pub omitted: Vec<String>,
    /// Keys both send with different shapes (`path: microsoft vs emulator`).
    pub reshaped: Vec<String>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.invented.is_empty() && self.omitted.is_empty() && self.reshaped.is_empty()
    }
}

/// Compares key sets and shapes. A `null` in either side matches any shape (an optional value
/// that happens to be absent in one of them); an empty array in Microsoft's sample says nothing
/// about its elements, so paths under it are not counted as invented.
pub fn drift(microsoft: &Value, emulator: &Value, maps: &[&str]) -> Drift {
    let ms = key_shapes(microsoft, maps);
    let emu = key_shapes(emulator, maps);
    let under_empty_array = |path: &str| {
        ms.iter().any(|(p, shapes)| {
            shapes == &BTreeSet::from([Shape::Array])
                && !ms.contains_key(&format!("{p}[]"))
                && path.starts_with(&format!("{p}[]"))
        })
    };
    let mut d = Drift::default();
    for (path, shapes) in &emu {
        match ms.get(path) {
            None if under_empty_array(path) => {}
            None => d.invented.push(path.clone()),
            Some(ms_shapes) => {
                let concrete = |s: &BTreeSet<Shape>| -> BTreeSet<Shape> {
                    s.iter().copied().filter(|s| *s != Shape::Null).collect()
                };
                let (a, b) = (concrete(ms_shapes), concrete(shapes));
                if !a.is_empty() && !b.is_empty() && a.is_disjoint(&b) {
                    d.reshaped
                        .push(format!("{path}: microsoft {a:?} vs emulator {b:?}"));
                }
            }
        }
    }
    for path in ms.keys() {
        if !emu.contains_key(path) {
            d.omitted.push(path.clone());
        }
    }
    d
}

/// Microsoft's sample `area/file` from `tests/fixtures/microsoft/`.
pub fn sample(area_file: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/microsoft/{area_file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("Microsoft's sample {path} is readable: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is JSON: {e}"))
}

/// Asserts the emulator's answer for `endpoint` has Microsoft's keys and shapes. `allowed` lists
/// paths that may differ, each with the reason (for example a key Microsoft documents but only
/// sends in a state the emulator never reaches); an allowed path that no longer differs fails
/// too, so the list cannot go stale.
pub fn assert_parity(
    endpoint: &str,
    microsoft: &Value,
    emulator: &Value,
    allowed: &[(&str, &str)],
) {
    assert_parity_with_maps(endpoint, microsoft, emulator, &[], allowed)
}

/// [`assert_parity`] where the objects at `maps` are keyed by data (see [`key_shapes`]).
pub fn assert_parity_with_maps(
    endpoint: &str,
    microsoft: &Value,
    emulator: &Value,
    maps: &[&str],
    allowed: &[(&str, &str)],
) {
    let d = drift(microsoft, emulator, maps);
    let allowed_paths: BTreeSet<&str> = allowed.iter().map(|(p, _)| *p).collect();
    let keep = |v: &Vec<String>| -> Vec<String> {
        v.iter()
            .filter(|p| !allowed_paths.contains(p.split(':').next().unwrap_or(p)))
            .cloned()
            .collect()
    };
    let (invented, omitted, reshaped) = (keep(&d.invented), keep(&d.omitted), keep(&d.reshaped));
    let differing: BTreeSet<String> = d
        .invented
        .iter()
        .chain(&d.omitted)
        .chain(&d.reshaped)
        .map(|p| p.split(':').next().unwrap_or(p).to_string())
        .collect();
    let stale: Vec<&str> = allowed_paths
        .iter()
        .filter(|p| !differing.contains(**p))
        .copied()
        .collect();
    assert!(
        invented.is_empty() && omitted.is_empty() && reshaped.is_empty() && stale.is_empty(),
        "{endpoint}: the emulator drifts from Microsoft's sample\n  invented (Microsoft never sends): {invented:?}\n  omitted (Microsoft sends): {omitted:?}\n  reshaped: {reshaped:?}\n  allowed but no longer differing: {stale:?}"
    );
}

#[test]
fn the_comparison_sees_invented_omitted_and_reshaped_keys() {
    let ms = serde_json::json!({
        "items": [{"id": "a", "quantity": "3", "profile": {"email": "x", "address": {"city": "c"}}, "links": []}],
        "totalCount": 1
    });
    let same = serde_json::json!({
        "items": [{"id": "b", "quantity": "7", "profile": {"email": null, "address": {"city": "d"}}, "links": [{"uri": "u"}]}, {"id": "c", "quantity": "1", "profile": {"email": "y", "address": {"city": "e"}}, "links": []}],
        "totalCount": 2
    });
    assert!(
        drift(&ms, &same, &[]).is_empty(),
        "{:?}",
        drift(&ms, &same, &[])
    );

    let off = serde_json::json!({
        "items": [{"id": "b", "quantity": 7, "profile": {"email": "y"}, "hasPartnerEarnedCredit": true, "links": []}],
        "totalCount": 1
    });
    let d = drift(&ms, &off, &[]);
    assert_eq!(
        d.invented,
        vec!["items[].hasPartnerEarnedCredit".to_string()]
    );
    assert_eq!(
        d.omitted,
        vec![
            "items[].profile.address".to_string(),
            "items[].profile.address.city".to_string()
        ]
    );
    assert_eq!(d.reshaped.len(), 1, "{:?}", d.reshaped);
    assert!(d.reshaped[0].starts_with("items[].quantity:"));
}

#[test]
fn keys_of_a_map_are_data_not_names() {
    let ms = serde_json::json!({"meters": [{"rates": {"0": 1.5}}]});
    let emu = serde_json::json!({"meters": [{"rates": {"0": 2, "100": 1.9}}]});
    assert_eq!(
        drift(&ms, &emu, &[]).invented,
        vec!["meters[].rates.100".to_string()]
    );
    assert!(drift(&ms, &emu, &["meters[].rates"]).is_empty());
    let worse = serde_json::json!({"meters": [{"rates": {"0": "2"}}]});
    assert_eq!(drift(&ms, &worse, &["meters[].rates"]).reshaped.len(), 1);
}

#[test]
#[should_panic(expected = "allowed but no longer differing")]
fn an_allowance_that_no_longer_applies_fails() {
    let v = serde_json::json!({"id": "a"});
    assert_parity("/x", &v, &v, &[("id", "never differs")]);
}
