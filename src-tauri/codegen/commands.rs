//! Reads the command declarations: every `#[tauri::command]` function in
//! `src/commands/<feature>.rs` is one command, and nothing else lists them. The build script
//! derives from them the Tauri registration, the permissions and the typed TypeScript calls,
//! so adding a command means writing its function and calling it from the UI.

use std::fmt::Write as _;
use std::path::Path;

/// One `#[tauri::command]` function.
pub struct Command {
    /// The feature: the file it is declared in (`accounts` for `commands/accounts.rs`).
    pub feature: String,
    /// The function's name, which is also the name the UI invokes (`accounts_list`).
    pub name: String,
    /// Its `///` documentation, one entry per line.
    pub docs: Vec<String>,
    /// The arguments the UI sends (Tauri's own, like `State`, left out), in order.
    pub args: Vec<Arg>,
    /// What the UI receives, in TypeScript.
    pub result: String,
}

/// One argument the UI sends.
pub struct Arg {
    /// The name on the wire: Tauri expects the Rust name in camelCase.
    pub name: String,
    /// Its TypeScript type.
    pub ts: String,
}

/// Features are the files under `commands/` except the module file itself.
pub fn read(dir: &Path) -> Result<Vec<Command>, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter(|p| p.file_stem().is_some_and(|s| s != "mod"))
        .collect();
    files.sort();
    let mut commands = Vec::new();
    for path in files {
        let feature = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for item in file.items {
            if let syn::Item::Fn(f) = item {
                if is_command(&f.attrs) {
                    commands.push(
                        command(&feature, &f).map_err(|e| format!("{}: {e}", path.display()))?,
                    );
                }
            }
        }
    }
    Ok(commands)
}

fn is_command(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let segments: Vec<_> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        segments == ["tauri", "command"]
    })
}

fn command(feature: &str, f: &syn::ItemFn) -> Result<Command, String> {
    let name = f.sig.ident.to_string();
    // One naming rule, checked where it cannot be forgotten: the feature, then what it does.
    let verb = name.strip_prefix(&format!("{feature}_")).unwrap_or("");
    if verb.is_empty() {
        return Err(format!(
            "command `{name}` is declared in {feature}.rs, so its name must be `{feature}_<verb>` (e.g. `{feature}_list`)"
        ));
    }
    let docs = f
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut args = Vec::new();
    for input in &f.sig.inputs {
        let syn::FnArg::Typed(pt) = input else {
            return Err(format!("command `{name}` takes self"));
        };
        let syn::Pat::Ident(id) = &*pt.pat else {
            return Err(format!(
                "command `{name}`: name every argument (no patterns)"
            ));
        };
        match ts(&pt.ty).map_err(|e| format!("command `{name}`, argument `{}`: {e}", id.ident))? {
            Ts::Injected => {}
            Ts::Type(t) => args.push(Arg {
                name: camel(&id.ident.to_string()),
                ts: t,
            }),
        }
    }
    let result = match &f.sig.output {
        syn::ReturnType::Default => "null".to_string(),
        syn::ReturnType::Type(_, ty) => {
            match ts(ty).map_err(|e| format!("command `{name}`, result: {e}"))? {
                Ts::Type(t) => t,
                Ts::Injected => return Err(format!("command `{name}` returns a Tauri handle")),
            }
        }
    };
    Ok(Command {
        feature: feature.to_string(),
        name,
        docs,
        args,
        result,
    })
}

enum Ts {
    /// Given by Tauri, not sent by the UI.
    Injected,
    Type(String),
}

/// The TypeScript of a Rust type as serde sends it: primitives by hand, our DTOs by the name
/// ts-rs gives them in `bindings.ts` (their Rust name), so tsc fails when one is missing.
fn ts(ty: &syn::Type) -> Result<Ts, String> {
    let path = match ty {
        syn::Type::Tuple(t) if t.elems.is_empty() => return Ok(Ts::Type("null".into())),
        syn::Type::Path(p) => &p.path,
        other => return Err(format!("unsupported type `{}`", quote_type(other))),
    };
    let last = path.segments.last().ok_or("empty type path")?;
    let ident = last.ident.to_string();
    let generics: Vec<&syn::Type> = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let inner = |i: usize| -> Result<String, String> {
        match generics.get(i) {
            Some(t) => match ts(t)? {
                Ts::Type(s) => Ok(s),
                Ts::Injected => Err(format!("`{ident}` of a Tauri handle")),
            },
            None => Err(format!("`{ident}` without its type argument")),
        }
    };
    let t = match ident.as_str() {
        "State" | "AppHandle" | "Window" | "WebviewWindow" | "Webview" => return Ok(Ts::Injected),
        "String" | "str" | "NaiveDate" | "NaiveDateTime" | "DateTime" => "string".into(),
        "bool" => "boolean".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "f32"
        | "f64" => "number".into(),
        "Option" => format!("{} | null", inner(0)?),
        "Vec" => {
            let i = inner(0)?;
            if i.contains(' ') {
                format!("({i})[]")
            } else {
                format!("{i}[]")
            }
        }
        // Errors reach the UI as a rejected promise carrying ApiError.
        "Result" => inner(0)?,
        "Channel" => format!("Channel<{}>", inner(0)?),
        _ if generics.is_empty() => ident,
        _ => {
            return Err(format!(
                "unsupported generic type `{ident}`: add it to codegen/commands.rs"
            ))
        }
    };
    Ok(Ts::Type(t))
}

fn quote_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Reference(_) => "a reference".into(),
        _ => "this kind".into(),
    }
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The argument list of `tauri::generate_handler!`.
pub fn handler(commands: &[Command]) -> String {
    let paths: Vec<String> = commands
        .iter()
        .map(|c| format!("crate::commands::{}::{}", c.feature, c.name))
        .collect();
    format!(
        "tauri::generate_handler![\n    {},\n]\n",
        paths.join(",\n    ")
    )
}

/// The permission set the capability grants by one name: every declared command.
pub fn permission_set(commands: &[Command]) -> String {
    let mut s = String::from(
        "# Generated by src-tauri/build.rs from the #[tauri::command] functions in src/commands.\n\
         # Do not edit: declare a command and the build adds it here.\n\n\
         [[set]]\nidentifier = \"commands\"\n\
         description = \"Every CSP Desk command the UI calls.\"\npermissions = [\n",
    );
    for c in commands {
        let _ = writeln!(s, "  \"allow-{}\",", c.name.replace('_', "-"));
    }
    s.push_str("]\n");
    s
}

/// `ui/src/ipc/commands.ts`: the map the test double is checked against, and one typed
/// function per command.
pub fn typescript(commands: &[Command]) -> String {
    let mut types: Vec<String> = Vec::new();
    let mut channel = false;
    for c in commands {
        for t in c.args.iter().map(|a| &a.ts).chain([&c.result]) {
            for word in t.split(|ch: char| !ch.is_ascii_alphanumeric()) {
                if word == "Channel" {
                    channel = true;
                } else if word.starts_with(|ch: char| ch.is_ascii_uppercase())
                    && !types.iter().any(|x| x == word)
                {
                    types.push(word.to_string());
                }
            }
        }
    }
    types.sort();
    let mut s = String::from(
        "// Generated from the #[tauri::command] functions in src-tauri/src/commands by\n\
         // `UPDATE_BINDINGS=1 cargo test -p cspdesk-app`. Do not edit by hand: change the command instead.\n\n",
    );
    if channel {
        s.push_str("import type { Channel } from \"@tauri-apps/api/core\";\n");
    }
    let _ = writeln!(
        s,
        "import type {{\n{}}} from \"./bindings\";",
        types
            .iter()
            .map(|t| format!("  {t},\n"))
            .collect::<String>()
    );
    s.push_str("import { call } from \"./call\";\n\n");
    s.push_str("/** Every command by the name it is invoked with: what it takes and what it answers. */\nexport interface Commands {\n");
    for c in commands {
        let args = if c.args.is_empty() {
            "Record<string, never>".to_string()
        } else {
            format!(
                "{{ {} }}",
                c.args
                    .iter()
                    .map(|a| format!("{}: {}", a.name, a.ts))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        let _ = writeln!(s, "  {}: {{ args: {args}; result: {} }};", c.name, c.result);
    }
    s.push_str("}\n\n/** A command's name. */\nexport type CommandName = keyof Commands;\n");
    for c in commands {
        s.push('\n');
        if !c.docs.is_empty() {
            let _ = writeln!(
                s,
                "/**\n{} */",
                c.docs
                    .iter()
                    .map(|d| format!(" * {d}\n").replace(" * \n", " *\n"))
                    .collect::<String>()
            );
        }
        let params = c
            .args
            .iter()
            .map(|a| format!("{}: {}", a.name, a.ts))
            .collect::<Vec<_>>()
            .join(", ");
        let names = c
            .args
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            s,
            "export function {}({params}): Promise<{}> {{\n  return call(\"{}\", {{{}}});\n}}",
            camel(&c.name),
            c.result,
            c.name,
            if names.is_empty() {
                String::new()
            } else {
                format!(" {names} ")
            },
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(file: &str, text: &str) -> Result<Vec<Command>, String> {
        let dir =
            std::env::temp_dir().join(format!("cspdesk-codegen-{}-{file}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join(format!("{file}.rs")), text).expect("write declaration");
        std::fs::write(dir.join("mod.rs"), "pub mod x;").expect("write mod.rs");
        let read = read(&dir);
        std::fs::remove_dir_all(&dir).expect("clean temp dir");
        read
    }

    #[test]
    fn arguments_are_what_the_ui_sends_in_camel_case_and_tauri_handles_are_left_out() {
        let commands = declared(
            "billing",
            r#"
            /// Lines of a customer.
            #[tauri::command(async)]
            pub fn billing_list_lines<R: tauri::Runtime>(
                app: tauri::AppHandle<R>,
                state: tauri::State<'_, AppState>,
                account_id: String,
                months: Option<Vec<String>>,
                limit: u64,
                events: Channel<LineEvent>,
            ) -> Result<Vec<Option<LineDto>>, ApiError> { todo!() }

            /// Not a command: no attribute.
            pub fn billing_helper() {}
            "#,
        )
        .expect("declarations read");
        assert_eq!(
            commands.len(),
            1,
            "only #[tauri::command] functions are commands"
        );
        let c = &commands[0];
        let args: Vec<(&str, &str)> = c
            .args
            .iter()
            .map(|a| (a.name.as_str(), a.ts.as_str()))
            .collect();
        assert_eq!(
            args,
            [
                ("accountId", "string"),
                ("months", "string[] | null"),
                ("limit", "number"),
                ("events", "Channel<LineEvent>")
            ]
        );
        assert_eq!(
            c.result, "(LineDto | null)[]",
            "Result<T, ApiError> answers T"
        );
        assert_eq!(c.docs, ["Lines of a customer."]);

        let ts = typescript(&commands);
        assert!(ts.contains("  billing_list_lines: { args: { accountId: string; months: string[] | null; limit: number; events: Channel<LineEvent> }; result: (LineDto | null)[] };"), "{ts}");
        assert!(ts.contains("export function billingListLines(accountId: string, months: string[] | null, limit: number, events: Channel<LineEvent>): Promise<(LineDto | null)[]> {\n  return call(\"billing_list_lines\", { accountId, months, limit, events });"), "{ts}");
        assert!(
            ts.contains("import type { Channel }") && ts.contains("  LineDto,\n  LineEvent,\n"),
            "{ts}"
        );
        assert!(handler(&commands).contains("crate::commands::billing::billing_list_lines,"));
        assert!(permission_set(&commands).contains("\"allow-billing-list-lines\","));
    }

    #[test]
    fn a_command_not_named_after_its_feature_fails_the_build() {
        let err = declared(
            "rating",
            "#[tauri::command]\npub fn list_billing_periods() {}",
        )
        .err()
        .expect("misnamed command refused");
        assert!(err.contains("must be `rating_<verb>`"), "{err}");
        let bare = declared("rating", "#[tauri::command]\npub fn rating() {}").err();
        assert!(bare.is_some(), "the feature alone is not a name");
    }

    #[test]
    fn a_type_typescript_cannot_be_written_for_is_refused() {
        let err = declared(
            "app",
            "#[tauri::command]\npub fn app_get(x: HashMap<String, u8>) {}",
        )
        .err()
        .expect("refused");
        assert!(err.contains("HashMap"), "{err}");
    }
}
