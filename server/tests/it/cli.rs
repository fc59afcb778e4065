//! The command-line contract: `karte demo`, `karte people`, `karte migrate`, `--help`
//! (`kill -9` during `karte import`: `crash.rs`).

use crate::helpers::{repo_path, Backend, TestDb};
use std::process::Command;

pub(crate) fn karte(db: &TestDb, args: &[&str]) -> std::process::Output {
    karte_command(db, args).output().expect("karte runs")
}

/// `karte ARGS` on the test's database, quiet but for warnings.
pub(crate) fn karte_command(db: &TestDb, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_karte"));
    cmd.args(args)
        .env_remove("KARTE_DATABASE_URL")
        .env("KARTE_DATA_DIR", &db.settings.data_dir)
        .env("KARTE_LOG", "warn");
    if let Some(url) = &db.settings.database_url {
        cmd.env("KARTE_DATABASE_URL", url.expose());
    }
    cmd
}

fn demo_then_people(backend: Backend) {
    let db = TestDb::new(backend);
    let out = karte(&db, &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = karte(&db, &["people"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert_eq!(
        lines[0],
        "demo-sato\t佐藤　健一\t1974-06-12\t全国健康保険協会 東京支部"
    );
}

crate::both_backends!(fn demo_then_people as demo_then_people_on);

#[test]
fn migrate_reports_a_bad_database_url_in_one_line() {
    let db = TestDb::new(Backend::Sqlite);
    let out = Command::new(env!("CARGO_BIN_EXE_karte"))
        .args(["migrate"])
        .env("KARTE_DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("KARTE_DATABASE_URL must start with postgres://"),
        "{stderr}"
    );
    drop(db);
}

#[test]
fn help_lists_the_commands_and_settings() {
    let out = Command::new(env!("CARGO_BIN_EXE_karte"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for word in [
        "serve",
        "migrate",
        "demo",
        "people",
        "KARTE_DATABASE_URL",
        "KARTE_DATA_DIR",
    ] {
        assert!(help.contains(word), "--help lacks {word}");
    }
}

#[test]
fn import_files_then_again_changes_nothing() {
    let db = TestDb::new(Backend::Sqlite);
    let csv = repo_path("server/tests/fixtures/import/mynaportal-a.csv")
        .display()
        .to_string();
    let xml = repo_path("server/tests/fixtures/import/hc08-tokutei.xml")
        .display()
        .to_string();
    let json = repo_path("docs/examples/batch-example.json")
        .display()
        .to_string();
    let out = karte(&db, &["import", &json, &xml]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.matches(": imported ").count(), 2, "{stdout}");
    let people_before = karte(&db, &["people"]).stdout;
    // A person bringing their own マイナポータル download attaches it to themselves.
    let first_person = String::from_utf8(people_before.clone())
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();
    let out = karte(&db, &["import", "--person", &first_person, &csv]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = karte(&db, &["import", &json, &xml]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.matches("already imported").count(), 2, "{stdout}");
    assert_eq!(karte(&db, &["people"]).stdout, people_before);
    let out = karte(&db, &["import", "--person", &first_person, &csv]);
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("already imported"),
        "the same CSV is the same batch"
    );
}

#[test]
fn import_of_a_bad_file_exits_non_zero_with_file_line_and_field() {
    let db = TestDb::new(Backend::Sqlite);
    let bad = repo_path("server/tests/fixtures/import/bad-mynaportal-amount.csv")
        .display()
        .to_string();
    let out = karte(&db, &["import", "--person", "demo-sato", &bad]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let line = stderr.lines().last().unwrap();
    assert!(
        line.starts_with("karte: ") && line.contains("bad-mynaportal-amount.csv:"),
        "{stderr}"
    );
    assert!(line.contains("（円）"), "{line}");
    let people = karte(&db, &["people"]);
    assert!(people.stdout.is_empty(), "nothing was written");
}

/// Files are parsed one ahead while the previous one is stored (issue 17); the outcome is still
/// file by file in order: the files before a bad one are imported, the bad one is named, and
/// nothing after it is imported.
fn repo_str(rel: &str) -> String {
    repo_path(rel).display().to_string()
}

#[test]
fn import_stops_at_the_first_bad_file_in_order() {
    let db = TestDb::new(Backend::Sqlite);
    let json = repo_str("docs/examples/batch-example.json");
    let bad = repo_str("server/tests/fixtures/import/bad-mynaportal-amount.csv");
    let xml = repo_str("server/tests/fixtures/import/hc08-tokutei.xml");
    let out = karte(&db, &["import", &json, &bad, &xml]);
    assert!(!out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.matches(": imported ").count(), 1, "{stdout}");
    assert!(stdout.contains("batch-example.json: imported"), "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr
            .lines()
            .last()
            .unwrap()
            .contains("bad-mynaportal-amount.csv:"),
        "{stderr}"
    );
    let out = karte(&db, &["import", &xml]);
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains(": imported "),
        "the file after the bad one was not imported"
    );
}

/// A file over the size limit is refused by name, with what to do, after the files before it
/// are imported — one byte over, and far over (a sparse 1 GiB file; the command reads at most
/// the limit and one byte of any file, `service::import::read_into`).
#[test]
fn import_refuses_a_file_over_the_limit_and_keeps_the_ones_before_it() {
    let db = TestDb::new(Backend::Sqlite);
    let dir = std::env::temp_dir().join(format!("karte-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = repo_str("docs/examples/batch-example.json");
    let limit = server::service::import::MAX_IMPORT_BYTES as u64;
    for (name, size) in [("just-over.json", limit + 1), ("huge.json", 1 << 30)] {
        let big = dir.join(name);
        std::fs::File::create(&big).unwrap().set_len(size).unwrap();
        let big = big.display().to_string();
        let out = karte(&db, &["import", &json, &big]);
        assert!(!out.status.success(), "{name}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains(&format!(
                "{name}: larger than {limit} bytes; split it into several batches"
            )),
            "{stderr}"
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.contains("batch-example.json: "),
            "the file before it is reported: {stdout}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    let people = karte(&db, &["people"]);
    assert!(!people.stdout.is_empty(), "the good file was imported");
}
