//! The layers of `server/src` (docs/ARCHITECTURE.md), checked over the source text: which
//! top-level module uses which (`crate::x` paths, outside tests and comments). Fails on a
//! cycle between top-level modules, and on storage (`records/`, `db/`) using the UI crate
//! (`app::`) or reading the settings.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its path relative to `src/`.
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(src())
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&path).expect("read file")));
        }
    }
}

/// The code of a file without its unit tests and comment lines.
fn code(text: &str) -> String {
    let text = text
        .split_once("#[cfg(test)]\nmod tests")
        .map_or(text, |(code, _)| code);
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level names a piece of code reaches through `crate::` (`crate::a::b`,
/// `crate::{a, b::c}`).
fn crate_uses(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue; // `some_crate::` is another crate
        }
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level items of the group: split on commas outside nested braces.
            let mut depth = 0;
            let mut start = 0;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.insert(ident(group[start..j].trim()));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident(group[start..j].trim()));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.remove("");
    out
}

/// Top-level module → the top-level modules it uses, and the files that do.
fn module_graph() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let modules: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("pub mod ")
                .or_else(|| l.trim().strip_prefix("mod "))
        })
        .map(|m| m.trim_end_matches(';').to_owned())
        .collect();
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (rel, text) in &files {
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        if !modules.contains(&top) {
            continue; // lib.rs, main.rs
        }
        let entry = graph.entry(top.clone()).or_default();
        for used in crate_uses(&code(text)) {
            if used != top && modules.contains(&used) {
                entry.entry(used).or_default().insert(rel.clone());
            }
        }
    }
    graph
}

/// The strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        let edges = s.graph.get(v).into_iter().flat_map(|e| e.keys());
        for w in edges {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.stack.contains(&w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_cycle_between_top_level_modules() {
    let graph = module_graph();
    assert!(
        graph.contains_key("service") && graph.contains_key("records"),
        "the scan sees the modules: {:?}",
        graph.keys().collect::<Vec<_>>()
    );
    let found = cycles(&graph);
    let explain: Vec<String> = found
        .iter()
        .flat_map(|component| {
            let graph = &graph;
            component.iter().flat_map(move |a| {
                graph[a]
                    .iter()
                    .filter(|(b, _)| component.contains(b))
                    .map(move |(b, files)| format!("{a} → {b} in {files:?}"))
            })
        })
        .collect();
    assert!(
        found.is_empty(),
        "module cycles {found:?}:\n{}",
        explain.join("\n")
    );
}

#[test]
fn storage_uses_neither_the_ui_crate_nor_the_settings() {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    let mut offences = Vec::new();
    for (rel, text) in files
        .iter()
        .filter(|(rel, _)| rel.starts_with("records/") || rel.starts_with("db/"))
    {
        let code = code(text);
        for (n, line) in code.lines().enumerate() {
            let uses_app = line.match_indices("app::").any(|(i, _)| {
                !line[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            });
            if uses_app || line.contains("crate::settings") {
                offences.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(offences.is_empty(), "{offences:#?}");
}

/// The scan itself: a `use` group and a path both count; other crates do not.
#[test]
fn the_scan_reads_paths_and_groups() {
    let uses = crate_uses(
        "use crate::{db::Db, records::{a, b}};\nlet x = crate::audit::f();\nuse sqlx_crate::x;",
    );
    assert_eq!(
        uses.into_iter().collect::<Vec<_>>(),
        ["audit", "db", "records"]
    );
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    graph
        .entry("a".into())
        .or_default()
        .insert("b".into(), BTreeSet::new());
    graph
        .entry("b".into())
        .or_default()
        .insert("a".into(), BTreeSet::new());
    assert_eq!(cycles(&graph), vec![vec!["a".to_owned(), "b".to_owned()]]);
}
