//! Generates the Tauri context and everything derived from the command declarations (the
//! `#[tauri::command]` functions in `src/commands/`, see `codegen/commands.rs`): the
//! registration lib.rs includes, one permission per command and the set the capability
//! grants, and the TypeScript calls a test compares with `ui/src/ipc/commands.ts`.

#[path = "codegen/commands.rs"]
mod commands;

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=src/commands");
    println!("cargo:rerun-if-changed=codegen");
    let declared = commands::read(Path::new("src/commands")).unwrap_or_else(|e| panic!("{e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    write_if_changed(&out.join("handler.rs"), &commands::handler(&declared));
    write_if_changed(&out.join("commands.ts"), &commands::typescript(&declared));
    write_if_changed(
        Path::new("permissions/commands.toml"),
        &commands::permission_set(&declared),
    );

    // tauri-build keeps the names for the life of the build script.
    let names: &'static [&'static str] = Vec::leak(
        declared
            .iter()
            .map(|c| &*String::leak(c.name.clone()))
            .collect(),
    );
    let manifest = tauri_build::AppManifest::new().commands(names);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build script");
}

/// Writing only changes keeps cargo from rebuilding for a file it wrote itself.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
