//! Every fuzz input kept in the repository — the seed corpus and every crash the fuzzer found
//! (`fuzz/corpus/TARGET/`, `fuzz/regressions/TARGET/`) — replayed through its target's function
//! (`server::fuzzing`) as a plain test: no fuzzer, stable Rust. A crash once found stays fixed.

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_target_has_a_fuzz_target_file_and_a_seed_corpus() {
    for (name, _) in server::fuzzing::TARGETS {
        let target = fuzz_dir().join(format!("fuzz_targets/{name}.rs"));
        let text = std::fs::read_to_string(&target).unwrap_or_else(|e| panic!("{target:?}: {e}"));
        assert!(
            text.contains(&format!("server::fuzzing::{}", fn_name(name))),
            "{target:?} calls its function"
        );
        assert!(
            !files(&fuzz_dir().join("corpus").join(name)).is_empty(),
            "fuzz/corpus/{name} has seeds"
        );
    }
}

/// The function of a target (the target `search_fold` is `search_folding`: the name
/// `search_fold` is domain's).
fn fn_name(target: &str) -> &str {
    if target == "search_fold" {
        "search_folding"
    } else {
        target
    }
}

#[test]
fn every_corpus_and_crash_file_replays_without_a_finding() {
    let mut replayed = 0;
    for (name, run) in server::fuzzing::TARGETS {
        for sub in ["corpus", "regressions"] {
            for file in files(&fuzz_dir().join(sub).join(name)) {
                let data = std::fs::read(&file).unwrap();
                let outcome = std::panic::catch_unwind(|| run(&data));
                assert!(outcome.is_ok(), "{name}: {file:?} fails again");
                replayed += 1;
            }
        }
    }
    assert!(replayed >= server::fuzzing::TARGETS.len());
    eprintln!("replayed {replayed} fuzz inputs");
}
