//! The architecture's rules, checked on the source tree (docs/ARCHITECTURE.md, "Invariants"):
//! no import circle between the files of a crate, no source file past 600 lines without a
//! stated reason, every crate's `lib.rs` opening with its role, and the command line and the
//! web server reaching the domain only through the façade.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 600;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn crates() -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("src").is_dir())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                p.join("src"),
            )
        })
        .collect();
    out.sort();
    out
}

/// The module path of a source file: `core/mod.rs` and `core.rs` are `core`; `lib.rs` and
/// `main.rs` the root (empty); files under `bin/` are roots of their own.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    let mut parts = parts;
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        return Some(String::new());
    }
    Some(parts.join("::"))
}

/// The code a module's imports are read from: everything before its unit tests, without
/// comments (a doc link is no import).
fn product_code(text: &str) -> String {
    let code = text.find("#[cfg(test)]").map_or(text, |i| &text[..i]);
    code.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b…` and `super::a…` path written in `code`, resolved against `module`,
/// including those inside `use crate::{a, b::c}` groups.
fn paths(code: &str, module: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for (anchor, is_super) in [("crate::", false), ("super::", true)] {
        let mut from = 0;
        while let Some(i) = code[from..].find(anchor) {
            let start = from + i;
            from = start + anchor.len();
            // Only a path that starts here (not `foo_crate::`).
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
                continue;
            }
            let mut base: Vec<String> = if is_super {
                let mut m: Vec<String> = module
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                m.pop();
                m
            } else {
                Vec::new()
            };
            let rest = &code[from..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let item: Vec<String> = item
                        .trim()
                        .split("::")
                        .map(|s| s.trim().trim_start_matches('{').to_owned())
                        .filter(|s| !s.is_empty())
                        .collect();
                    if !item.is_empty() {
                        let mut p = base.clone();
                        p.extend(item);
                        out.push(p);
                    }
                }
                continue;
            }
            let path: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            base.extend(path.split("::").filter(|s| !s.is_empty()).map(String::from));
            out.push(base);
        }
    }
    out
}

/// The longest module of `modules` that `path` names.
fn target(path: &[String], modules: &BTreeSet<String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| modules.contains(m))
}

/// Import edges between the files of one crate. A module's use of its own ancestors is no
/// edge: a parent declares its children, and the children build on it.
fn edges(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let texts: BTreeMap<String, String> = files
        .iter()
        .filter_map(|f| Some((module_of(src, f)?, std::fs::read_to_string(f).unwrap())))
        .collect();
    let modules: BTreeSet<String> = texts.keys().filter(|m| !m.is_empty()).cloned().collect();
    let mut out = BTreeMap::new();
    for (module, text) in &texts {
        if module.is_empty() {
            continue;
        }
        let targets: BTreeSet<String> = paths(&product_code(text), module)
            .iter()
            .filter_map(|p| target(p, &modules))
            .filter(|t| t != module && !module.starts_with(&format!("{t}::")))
            .collect();
        out.insert(module.clone(), targets);
    }
    out
}

/// A circle through `start`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_owned(), vec![start.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((node, path)) = stack.pop() {
        for next in graph.get(&node).into_iter().flatten() {
            if next == start {
                let mut found = path.clone();
                found.push(start.to_owned());
                return Some(found);
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

#[test]
fn no_crate_has_an_import_circle_between_its_files() {
    let mut circles = Vec::new();
    for (name, src) in crates() {
        let graph = edges(&src);
        for module in graph.keys() {
            if let Some(c) = circle(&graph, module) {
                circles.push(format!("{name}: {}", c.join(" → ")));
                break;
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("b")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod a; mod b;").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::b::c::Thing;").unwrap();
    std::fs::write(src.join("b/mod.rs"), "pub mod c;").unwrap();
    std::fs::write(
        src.join("b/c.rs"),
        "use crate::{a::Other, b};\nuse super::Parent;",
    )
    .unwrap();
    let graph = edges(src);
    assert_eq!(graph["a"], BTreeSet::from(["b::c".to_owned()]));
    assert_eq!(
        graph["b::c"],
        BTreeSet::from(["a".to_owned()]),
        "a parent is no edge"
    );
    assert!(circle(&graph, "a").is_some());
    std::fs::write(src.join("b/c.rs"), "use super::Parent;").unwrap();
    assert!(circle(&edges(src), "a").is_none());
}

#[test]
fn no_source_file_is_long_without_a_stated_reason() {
    let mut long = Vec::new();
    for (_, src) in crates() {
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let lines = text.lines().count();
            let reason = text
                .lines()
                .take(20)
                .any(|l| l.starts_with("// Long file:"));
            if lines > MAX_LINES && !reason {
                long.push(format!(
                    "{} ({lines} lines)",
                    file.strip_prefix(root()).unwrap_or(&file).display()
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "files past {MAX_LINES} lines without a `// Long file:` reason near the top:\n{}",
        long.join("\n")
    );
}

#[test]
fn every_crate_says_its_role_first() {
    for (name, src) in crates() {
        let lib = src.join("lib.rs");
        let main = src.join("main.rs");
        let file = if lib.exists() { lib } else { main };
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("//! "),
            "{name}: {} opens with `//!`",
            file.display()
        );
    }
}

/// The ledger and the pure cores are the API every other layer is written against: each public
/// item of theirs says what it is, and the compiler (with clippy's `-D warnings`) keeps it so.
#[test]
fn the_ledger_and_the_pure_cores_document_every_public_item() {
    let documented = [
        "casetrail-ledger",
        "casetrail-merkle",
        "casetrail-receipt",
        "casetrail-protect",
        "casetrail-domain",
        "casetrail-import",
        "casetrail-anon",
        "casetrail-audit",
        "casetrail-synth",
    ];
    let crates = crates();
    for name in documented {
        let (_, src) = crates
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} is a crate of the workspace"));
        let text = std::fs::read_to_string(src.join("lib.rs")).unwrap();
        assert!(
            text.lines().any(|l| l.trim() == "#![warn(missing_docs)]"),
            "{name}/src/lib.rs turns on `#![warn(missing_docs)]`"
        );
    }
}

/// The edges reach the domain through the façade (and the report layout), never around it;
/// the command line knows the web crate only to serve it.
#[test]
fn the_edges_go_through_the_facade() {
    let inner = [
        "casetrail_ledger",
        "casetrail_domain",
        "casetrail_anon",
        "casetrail_audit",
        "casetrail_import",
        "casetrail_synth",
        "casetrail_receipt",
        "casetrail_merkle",
        "casetrail_protect",
    ];
    let mut found = Vec::new();
    for edge in ["casetrail-cli", "casetrail-web", "casetrail-report"] {
        let mut files = Vec::new();
        rust_files(&root().join("crates").join(edge).join("src"), &mut files);
        for file in files {
            if file.components().any(|c| c.as_os_str() == "tests") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let code = product_code(&text);
            for name in inner {
                if code.contains(&format!("{name}::")) {
                    found.push(format!("{} uses {name}", file.display()));
                }
            }
            let serve = file.ends_with("commands/serve.rs");
            if edge == "casetrail-cli" && !serve && code.contains("casetrail_web::") {
                found.push(format!(
                    "{} uses casetrail_web (only `serve` may)",
                    file.display()
                ));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
