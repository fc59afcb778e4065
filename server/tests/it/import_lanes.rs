//! `karte import` of many files: on PostgreSQL two files are written at once on two connections
//! and committed in file order (issue 17, `service::import::import_files`). What must hold is what
//! importing the files one by one gives — people matched across files by card and by id, a
//! re-sent claim replacing the earlier file's lines, an insurer renamed by two files, a batch
//! sent twice — and, when a file fails, the files before it imported and none after it.

use crate::cli::karte_command;
use crate::helpers::{block_on, Backend, TestDb};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn drug(claim_id: &str, month: &str, name: &str) -> Value {
    json!({
        "claim": {
            "claim_id": claim_id,
            "institution_id": "pharm-lanes",
            "service_month": month,
            "accepted_on": format!("{month}-28"),
            "sequence": 1
        },
        "dispensed_on": format!("{month}-10"),
        "dispenser_name": "並行薬局",
        "prescriber": "clinic-lanes",
        "prescription": "out_of_house",
        "usage": "oral",
        "drug_name": name,
        "quantity": { "amount": 14, "unit": "日分" }
    })
}

/// A person as a file names them: by `id`, by `card` number (insurer 06130017), or both.
fn person(id: Option<&str>, card: Option<&str>, birth: Option<&str>) -> Value {
    let mut p = json!({ "name": "並行　試験" });
    if let Some(id) = id {
        p["id"] = json!(id);
    }
    if let Some(number) = card {
        p["card"] = json!({ "insurer_number": "06130017", "symbol": "77", "number": number });
    }
    if let Some(birth) = birth {
        p["birth_date"] = json!(birth);
    }
    p
}

fn file(
    dir: &Path,
    name: &str,
    batch_id: &str,
    insurer: Option<&str>,
    people: Vec<Value>,
) -> String {
    let mut batch = json!({ "format_version": 1, "batch_id": batch_id, "people": people });
    if let Some(insurer) = insurer {
        batch["insurers"] = json!([{ "number": "06130017", "name": insurer }]);
    }
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(&batch).unwrap()).unwrap();
    path.display().to_string()
}

/// Runs `karte import FILES`, failing the test (instead of hanging it) if the command has not
/// ended within a minute: two transactions waiting on each other would never end.
fn import(db: &TestDb, files: &[String]) -> std::process::Output {
    import_with(db, files, 20)
}

/// [`import`] with a pool of `connections`.
fn import_with(db: &TestDb, files: &[String], connections: u32) -> std::process::Output {
    use std::process::Stdio;
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    let mut child = karte_command(db, &args)
        .env("KARTE_DB_MAX_CONNECTIONS", connections.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("karte runs");
    let started = std::time::Instant::now();
    while child.try_wait().expect("karte runs").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("karte import {files:?} did not end within a minute");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("karte runs")
}

/// Every stored row the import decides, in one order, without generated ids and tokens.
fn dump(db: &TestDb) -> Vec<String> {
    block_on(async {
        let db = db.open().await;
        let queries = [
            "SELECT 'person', id, name, COALESCE(CAST(birth_date AS TEXT), '-') FROM people",
            "SELECT 'insurance', person_id, insurer_number || '/' || number,
                    CAST(valid_from AS TEXT) || '..' || COALESCE(CAST(valid_to AS TEXT), '') FROM insurances",
            "SELECT 'insurer', number, name, COALESCE(checkup_registration, '-') FROM insurers",
            "SELECT 'drug', person_id, batch_id || ' ' || claim_id, drug_name FROM drug_lines",
            "SELECT 'batch', id, format, CAST(line_count AS TEXT) FROM import_batches",
            "SELECT 'version', person_id, '', '' FROM record_versions",
        ];
        let mut rows = Vec::new();
        for sql in queries {
            let got: Vec<(String, String, String, String)> = server::with_pool!(&db, pool =>
                sqlx::query_as(sql).fetch_all(pool).await.unwrap());
            rows.extend(
                got.into_iter()
                    .map(|(a, b, c, d)| format!("{a} {b} {c} {d}")),
            );
        }
        rows.sort();
        // Runs of equal rows as one, with their count: 5,000 equal lines read as one row.
        let mut counted: Vec<(String, usize)> = Vec::new();
        for row in rows {
            match counted.last_mut() {
                Some((last, n)) if *last == row => *n += 1,
                _ => counted.push((row, 1)),
            }
        }
        counted
            .into_iter()
            .map(|(row, n)| if n == 1 { row } else { format!("{row} ×{n}") })
            .collect()
    })
}

/// 5,000 copies of a line: a file long enough to write that the next one is read meanwhile.
fn many(line: Value) -> Vec<Value> {
    vec![line; 5_000]
}

/// Files that, written two at a time, would give other rows than one by one if the command
/// let the wrong two overlap: each names someone the file before it also names.
fn files(dir: &Path) -> Vec<String> {
    let one = |name: &str, batch: &str, insurer: Option<&str>, people: Vec<Value>| {
        file(dir, name, batch, insurer, people)
    };
    vec![
        // A new person by id and card; the insurer as the first file names it.
        one(
            "1.json",
            "lanes-1",
            Some("並行健保 旧名"),
            vec![json!({
                "person": person(Some("lane-a"), Some("101"), Some("1970-01-01")),
                "drugs": [drug("rx-1", "2025-04", "初回A"), drug("rx-1", "2025-04", "初回B")]
            })],
        ),
        // Someone else, written beside file 1, renaming the insurer file 1 has just inserted:
        // it waits for file 1's commit (and the command must not wait for it meanwhile). Many
        // lines, so that file 3 is read while this one is still being written.
        one(
            "2.json",
            "lanes-2",
            Some("並行健保"),
            vec![json!({
                "person": person(Some("lane-b"), Some("202"), Some("1980-02-02")),
                "drugs": many(drug("rx-2", "2025-04", "別人"))
            })],
        ),
        // lane-b by card only, re-sending rx-2: beside file 2 it would not find lane-b yet.
        one(
            "3.json",
            "lanes-3",
            None,
            vec![json!({
                "person": person(None, Some("202"), Some("1980-02-02")),
                "drugs": [drug("rx-2", "2025-04", "再送B")]
            })],
        ),
        // lane-a by card only, re-sending rx-1 (many lines, for file 5 to be read meanwhile).
        one(
            "4.json",
            "lanes-4",
            None,
            vec![json!({
                "person": person(None, Some("101"), Some("1970-01-01")),
                "drugs": many(drug("rx-1", "2025-04", "再送A"))
            })],
        ),
        // lane-a by id only — the stored holder of file 4's card — re-sending rx-1 again, a new
        // claim, and a third person.
        one(
            "5.json",
            "lanes-5",
            Some("並行健保"),
            vec![
                json!({
                    "person": person(Some("lane-a"), None, None),
                    "drugs": [drug("rx-1", "2025-04", "再再送A"), drug("rx-4", "2025-05", "追加")]
                }),
                json!({
                    "person": person(Some("lane-c"), Some("303"), Some("1990-03-03")),
                    "drugs": [drug("rx-3", "2025-05", "三人目")]
                }),
            ],
        ),
        // File 2 sent again under another name.
        one(
            "6.json",
            "lanes-2",
            Some("並行健保"),
            vec![json!({
                "person": person(Some("lane-b"), Some("202"), Some("1980-02-02")),
                "drugs": [drug("rx-2", "2025-04", "別人")]
            })],
        ),
    ]
}

fn one_command_stores_what_one_by_one_does(backend: Backend) {
    let together = TestDb::new(backend);
    let dir: PathBuf = together.settings.data_dir.join("files");
    std::fs::create_dir_all(&dir).unwrap();
    let files = files(&dir);
    let out = import(&together, &files);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Reported in file order.
    let reported: Vec<&str> = stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        reported,
        files.iter().map(String::as_str).collect::<Vec<_>>(),
        "{stdout}"
    );
    assert!(
        stdout.lines().last().unwrap().contains("already imported"),
        "{stdout}"
    );

    let one_by_one = TestDb::new(backend);
    for f in &files {
        let out = import(&one_by_one, std::slice::from_ref(f));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let rows = dump(&together);
    assert_eq!(rows, dump(&one_by_one));

    // And what one by one gives is what the rules say, so the comparison is not of two wrongs.
    let drugs: Vec<&str> = rows
        .iter()
        .filter(|r| r.starts_with("drug "))
        .map(String::as_str)
        .collect();
    assert_eq!(
        drugs,
        [
            "drug lane-a lanes-5 rx-1 再再送A",
            "drug lane-a lanes-5 rx-4 追加",
            "drug lane-b lanes-3 rx-2 再送B",
            "drug lane-c lanes-5 rx-3 三人目",
        ]
    );
    assert!(
        rows.contains(&"insurer 06130017 並行健保 -".to_owned()),
        "{rows:#?}"
    );
    assert_eq!(
        rows.iter().filter(|r| r.starts_with("person ")).count(),
        3,
        "{rows:#?}"
    );

    // A pool of one connection cannot hold two files at once: one at a time, the same rows.
    let one_connection = TestDb::new(backend);
    let out = import_with(&one_connection, &files, 1);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(dump(&one_connection), rows);
}

crate::both_backends!(fn one_command_stores_what_one_by_one_does);

fn a_failing_file_keeps_the_files_before_it_and_none_after(backend: Backend) {
    let db = TestDb::new(backend);
    let dir = db.settings.data_dir.join("files");
    std::fs::create_dir_all(&dir).unwrap();
    let first = file(
        &dir,
        "1.json",
        "fail-1",
        None,
        vec![json!({
            "person": person(Some("fail-a"), Some("401"), Some("1970-01-01")),
            "drugs": [drug("rx-1", "2025-04", "前")]
        })],
    );
    // Parses, but cannot be stored: a person Karte does not know, without a birth date.
    let bad = file(
        &dir,
        "2.json",
        "fail-2",
        None,
        vec![json!({
            "person": person(Some("fail-ghost"), None, None),
            "drugs": [drug("rx-2", "2025-04", "幽霊")]
        })],
    );
    // Different people: written on the other connection while the bad one fails.
    let after: Vec<String> = (3..6)
        .map(|n| {
            file(&dir, &format!("{n}.json"), &format!("fail-{n}"), None, vec![json!({
                "person": person(Some(&format!("fail-{n}")), Some(&format!("4{n}0")), Some("1975-05-05")),
                "drugs": [drug("rx-9", "2025-04", "後")]
            })])
        })
        .collect();
    let mut all = vec![first.clone(), bad.clone()];
    all.extend(after.iter().cloned());
    let out = import(&db, &all);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [format!(
            "{first}: imported 1 records for fail-a (json, batch fail-1)"
        )]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap();
    assert!(
        last.contains(&bad) && last.contains("not registered"),
        "{stderr}"
    );
    let rows = dump(&db);
    let people: Vec<&String> = rows.iter().filter(|r| r.starts_with("person ")).collect();
    assert_eq!(people, ["person fail-a 並行　試験 1970-01-01"], "{rows:#?}");
    assert_eq!(
        rows.iter().filter(|r| r.starts_with("batch ")).count(),
        1,
        "{rows:#?}"
    );
    // The files after the bad one were not imported: they import now.
    let out = import(&db, &after);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .matches(": imported 1 records")
            .count(),
        3
    );
}

crate::both_backends!(fn a_failing_file_keeps_the_files_before_it_and_none_after);
