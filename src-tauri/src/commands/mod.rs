//! Tauri commands, one module per feature. Each is a one-line call into `cspdesk_api`.
//!
//! A `#[tauri::command]` function here is the command's one declaration, named
//! `<feature>_<verb>` after its file. build.rs derives from it the registration, the
//! permissions and `ui/src/ipc/commands.ts` (see `codegen/commands.rs`); the tests below fail
//! when a derived file drifts.

pub mod accounts;
pub mod app;
pub mod azure_stack;
pub mod billing;
pub mod cost_exports;
pub mod customers;
pub mod dashboard;
pub mod discovery;
pub mod imports;
pub mod prices;
pub mod rating;

/// The generator build.rs runs, compiled here too so its own tests run with the app's.
#[cfg(test)]
#[path = "../../codegen/commands.rs"]
mod codegen;

#[cfg(test)]
mod tests {
    use std::path::Path;

    const GENERATED_TS: &str = include_str!(concat!(env!("OUT_DIR"), "/commands.ts"));
    const HANDLER: &str = include_str!(concat!(env!("OUT_DIR"), "/handler.rs"));

    fn repo_file(relative: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
    }

    #[test]
    fn typescript_calls_are_up_to_date() {
        let path = repo_file("../ui/src/ipc/commands.ts");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, GENERATED_TS).expect("write ui/src/ipc/commands.ts");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == GENERATED_TS,
            "ui/src/ipc/commands.ts is out of date with the commands in src-tauri/src/commands: run `UPDATE_BINDINGS=1 cargo test -p cspdesk-app` and commit the result"
        );
    }

    /// Every registered command is in the permission set the window's capability grants, and
    /// the capability grants nothing else, so a new command is callable and only ours are.
    #[test]
    fn the_capability_grants_every_declared_command() {
        let registered: Vec<&str> = HANDLER
            .lines()
            .filter_map(|l| l.trim().strip_suffix(','))
            .filter_map(|path| path.rsplit("::").next())
            .collect();
        assert!(
            registered.len() > 50,
            "the registration lists the commands: {HANDLER}"
        );
        let set = std::fs::read_to_string(repo_file("permissions/commands.toml"))
            .expect("build.rs writes permissions/commands.toml");
        for name in &registered {
            let allow = format!("\"allow-{}\"", name.replace('_', "-"));
            assert!(
                set.contains(&allow),
                "{name} is registered but permissions/commands.toml lacks {allow}"
            );
            assert!(
                GENERATED_TS.contains(&format!("  {name}: {{ args:")),
                "{name} is registered but has no entry in commands.ts"
            );
        }
        assert_eq!(
            set.matches("\"allow-").count(),
            registered.len(),
            "the permission set allows exactly the registered commands"
        );
        let capability: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(repo_file("capabilities/default.json"))
                .expect("read capability"),
        )
        .expect("capability is JSON");
        assert_eq!(
            capability["permissions"],
            serde_json::json!(["commands"]),
            "the main window is granted the generated set, not a hand-kept list"
        );
    }

    /// The naming rule the build script enforces, seen from the outside: `<feature>_<verb>`.
    #[test]
    fn every_command_is_named_after_its_feature() {
        for line in HANDLER.lines().filter_map(|l| l.trim().strip_suffix(',')) {
            let parts: Vec<&str> = line.split("::").collect();
            let [.., feature, name] = parts.as_slice() else {
                panic!("unexpected registration line {line}");
            };
            assert!(
                name.starts_with(&format!("{feature}_")),
                "{name} is declared in {feature}.rs"
            );
        }
    }
}
