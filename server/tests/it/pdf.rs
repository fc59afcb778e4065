//! PDF exports over real HTTP and the CLI, read back with poppler (`pdftotext`, `pdfinfo`,
//! `pdffonts`): names, dates, amounts, 「i / N」 on every page, the font embedded as a subset,
//! the metadata, the 401/404 rules and the access log.

use crate::helpers::{block_on, Backend, TestApp, TestDb};
use chrono::NaiveDate;
use server::db::Db;
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2025-06-01";

fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

fn test_db(backend: Backend) -> TestDb {
    let mut db = TestDb::new(backend);
    db.settings.today = Some(today());
    db
}

fn spawn(backend: Backend) -> TestApp {
    TestApp::builder(backend).demo().today(TODAY).spawn()
}

fn temp_pdf(bytes: &[u8]) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("karte-pdf-{}.pdf", crate::helpers::random_suffix()));
    std::fs::write(&path, bytes).unwrap();
    path
}

pub(crate) fn poppler(tool: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What poppler reads from a PDF.
pub(crate) struct Read_ {
    pub(crate) text: String,
    pub(crate) pages: usize,
    info: String,
    fonts: String,
    file: PathBuf,
}

/// pdftotext places spaces by glyph gaps (and turns U+3000 into a plain space) and breaks
/// lines where cells wrap, so text is compared without any white space.
pub(crate) fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

impl Read_ {
    pub(crate) fn page_text(&self, page: usize) -> String {
        let p = page.to_string();
        norm(&poppler(
            "pdftotext",
            &["-raw", "-f", &p, "-l", &p],
            &self.file,
        ))
    }

    pub(crate) fn has(&self, expected: &str) -> bool {
        norm(&self.text).contains(&norm(expected))
    }

    /// The page as poppler draws it on paper: a greyscale PNG at `dpi`.
    pub(crate) fn page_png(&self, page: usize, dpi: u32) -> Vec<u8> {
        let (p, r) = (page.to_string(), dpi.to_string());
        let root = self.file.with_extension(format!("page{page}"));
        let out = Command::new("pdftoppm")
            .args(["-png", "-gray", "-r", &r, "-f", &p, "-l", &p, "-singlefile"])
            .arg(&self.file)
            .arg(&root)
            .output()
            .unwrap_or_else(|e| panic!("pdftoppm (poppler-utils) must be installed: {e}"));
        assert!(
            out.status.success(),
            "pdftoppm: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let png = PathBuf::from(format!("{}.png", root.display()));
        let bytes = std::fs::read(&png).unwrap();
        let _ = std::fs::remove_file(png);
        bytes
    }
}

impl Drop for Read_ {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.file);
    }
}

pub(crate) fn read_pdf(bytes: &[u8]) -> Read_ {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let file = temp_pdf(bytes);
    let info = poppler("pdfinfo", &[], &file);
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    Read_ {
        text: poppler("pdftotext", &["-raw"], &file),
        fonts: poppler("pdffonts", &[], &file),
        info,
        pages,
        file,
    }
}

/// Every page has the header and its own 「i / N」.
pub(crate) fn assert_pages(pdf: &Read_, name: &str) {
    for page in 1..=pdf.pages {
        let text = pdf.page_text(page);
        assert!(
            text.contains(&format!("{page}/{}", pdf.pages)),
            "page {page} numbered of {}",
            pdf.pages
        );
        assert!(
            text.contains(&norm(name)),
            "page {page} repeats the person header"
        );
    }
}

/// IPAexGothic embedded as a subset (ABCDEF+ prefix, emb yes, sub yes), and nothing else.
pub(crate) fn assert_font(pdf: &Read_) {
    let rows: Vec<&str> = pdf.fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{}", pdf.fonts);
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(
            cols[0].contains('+') && cols[0].contains("IPAexGothic"),
            "{row}"
        );
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "emb sub uni: {row}"
        );
    }
}

fn assert_metadata(pdf: &Read_, title: &str) {
    assert!(
        pdf.info
            .lines()
            .any(|l| l.starts_with("Title:") && l.contains(title)),
        "{}",
        pdf.info
    );
    let created = pdf
        .info
        .lines()
        .find(|l| l.starts_with("CreationDate:"))
        .expect("a creation date");
    assert!(!created.contains("1970"), "a real creation date: {created}");
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(created.contains(&year), "{created}");
    assert!(
        pdf.info.contains("595.276 x 841.89 pts (A4)"),
        "A4: {}",
        pdf.info
    );
}

/// The exports in `person`'s access history, oldest first (through the page's own query).
async fn exports_logged(db: &Db, person: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let mut rows: Vec<_> = server::audit::history(db, person, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "export")
        .map(|e| (e.detail, e.actor_person, e.actor_client))
        .collect();
    rows.reverse();
    rows
}

fn yen(v: i64) -> String {
    format!("{}円", domain::money::group_thousands(v))
}

#[test]
fn drugs_pdf_has_the_header_every_line_and_page_numbers() {
    let app = spawn(Backend::Sqlite);
    let path = "/api/v1/me/drugs/pdf?from=2024-06&to=2025-05";
    assert_eq!(app.pdf(path, "").status, 401);
    let sato = app.dev_sign_in("demo-sato");
    let got = app.pdf(path, &sato);
    assert_eq!(got.status, 200);
    assert_eq!(got.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(got.cache.as_deref(), Some("no-store"));
    assert_eq!(
        got.disposition.as_deref(),
        Some("attachment; filename=\"karte-drugs-2024-06_2025-05.pdf\"")
    );
    let pdf = read_pdf(&got.body);
    for expected in [
        "お薬の情報",
        "佐藤　健一",
        "昭和49年6月12日 (1974-06-12)",
        "50歳",
        "01130012",
        "4131・20573・00",
        "発行日: 2025年6月1日",
        "期間: 2024年6月 – 2025年5月",
        "データ更新日時",
        "調剤数量",
        "向）",
    ] {
        assert!(pdf.has(expected), "{expected} missing in:\n{}", pdf.text);
    }
    assert!(pdf.pages >= 2, "a year of drugs takes pages: {}", pdf.pages);
    assert_pages(&pdf, "佐藤　健一");
    assert_font(&pdf);
    assert_metadata(&pdf, "お薬の情報");

    // The same lines as the API: every 調剤日 and pharmacy caption, the count, the amounts.
    let api: serde_json::Value = app
        .get_with("/api/v1/me/drugs?from=2024-06&to=2025-05&limit=2000", &sato)
        .into_json()
        .unwrap();
    let lines = api["lines"].as_array().unwrap();
    assert!(pdf.has(&format!("{}件", lines.len())), "line count");
    for l in lines {
        let date =
            NaiveDate::parse_from_str(l["dispensed_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let caption = format!(
            "調剤年月日: {}　病院・薬局名: {}",
            app::components::dates::long_date(date, app::i18n::Lang::Ja),
            l["dispenser_name"].as_str().unwrap()
        );
        assert!(pdf.has(&caption), "{caption}");
        if let Some(c) = l["copay"].as_i64() {
            assert!(pdf.has(&yen(c)), "copay {c}");
        }
    }
    let db = block_on(Db::connect(app.settings())).unwrap();
    let logged = block_on(exports_logged(&db, "demo-sato"));
    assert_eq!(
        logged,
        [(
            "pdf drugs 2024-06..2025-05 (api)".to_owned(),
            Some("demo-sato".to_owned()),
            None
        )]
    );
    // And it shows in the person's access history.
    let history = app.page("/access", &sato);
    assert!(history.contains("data-action=\"export\""));
}

#[test]
fn checkups_pdf_has_five_columns_bands_in_text_and_labelled_judgements() {
    let app = spawn(Backend::Sqlite);
    let sato = app.dev_sign_in("demo-sato");
    let got = app.pdf("/api/v1/me/checkups/pdf", &sato);
    assert_eq!(got.status, 200);
    assert_eq!(
        got.disposition.as_deref(),
        Some("attachment; filename=\"karte-checkups-2025-06-01.pdf\"")
    );
    let pdf = read_pdf(&got.body);
    let db = block_on(Db::connect(app.settings())).unwrap();
    let person = domain::people::PersonId::parse("demo-sato").unwrap();
    let all = block_on(server::records::checkups::checkups_for(&db, &person)).unwrap();
    let shown = domain::checkups::shown_checkups(&all);
    assert_eq!(shown.len(), 5, "sato has five 特定健診");
    for c in &shown {
        let date = app::components::dates::long_date(c.performed_on, app::i18n::Lang::Ja);
        assert!(pdf.has(&date), "{date} column");
    }
    for expected in [
        "健診結果",
        "直近5回",
        "検査項目",
        "メタボリックシンドローム判定",
        "特定保健指導レベル",
        "【指】＝保健指導判定値",
    ] {
        assert!(pdf.has(expected), "{expected} missing in:\n{}", pdf.text);
    }
    // A band is written as text, not only shown by colour.
    let any_band = shown.iter().any(|c| {
        c.results.iter().any(|r| {
            r.band(domain::people::Sex::Male)
                .is_some_and(|b| b != domain::checkups::Band::Normal)
        })
    });
    if any_band {
        assert!(pdf.has("【指】") || pdf.has("【受】"));
    }
    // Computed judgements say so.
    let computed = shown.iter().any(|c| {
        domain::checkups::metabolic_judgement(c, domain::people::Sex::Male)
            .is_some_and(|j| j.source == domain::checkups::JudgementSource::Computed)
    });
    if computed {
        assert!(
            pdf.has("（Karteによる計算値）"),
            "computed judgements are labelled"
        );
    }
    assert_pages(&pdf, "佐藤　健一");
    assert_font(&pdf);

    // 後期高齢者健診 has no メタボ判定: a dash, not a made-up value.
    let suzuki = app.dev_sign_in("demo-suzuki");
    let pdf = read_pdf(&app.pdf("/api/v1/me/checkups/pdf", &suzuki).body);
    assert!(pdf.has("鈴木　ハル") && pdf.has("—"));
    assert!(pdf.has("後期高齢者"), "{}", pdf.text);
}

#[test]
fn expenses_pdf_has_lines_and_totals_per_year_institution_and_category() {
    let app = spawn(Backend::Sqlite);
    let sato = app.dev_sign_in("demo-sato");
    let got = app.pdf("/api/v1/me/expenses/pdf?from=2024-01&to=2025-03", &sato);
    assert_eq!(got.status, 200);
    assert_eq!(
        got.disposition.as_deref(),
        Some("attachment; filename=\"karte-expenses-2024-01_2025-03.pdf\"")
    );
    let pdf = read_pdf(&got.body);
    let db = block_on(Db::connect(app.settings())).unwrap();
    let person = domain::people::PersonId::parse("demo-sato").unwrap();
    let months = domain::period::MonthRange::parse("2024-01", "2025-03").unwrap();
    let lines = block_on(server::records::lines::visible_expense_lines(
        &db,
        &person,
        months,
        today(),
    ))
    .unwrap();
    assert!(!lines.is_empty());
    for (year, t) in domain::expenses::by_year(&lines).unwrap() {
        assert!(pdf.has(&format!("{year}年 合計")), "{year} total row");
        assert!(pdf.has(&yen(t.total.0)), "{year} total {}", t.total.0);
        assert!(pdf.has(&yen(t.patient_paid.0)));
    }
    let all = domain::expenses::ExpenseTotals::of(&lines).unwrap();
    assert!(pdf.has(&yen(all.total.0)) && pdf.has(&yen(all.insurer_paid.0)));
    for (name, _) in domain::expenses::by_institution(&lines).unwrap() {
        assert!(pdf.has(&name), "{name}");
    }
    for expected in [
        "医療費通知情報",
        "診療区分ごとの合計",
        "医療機関等ごとの合計",
        "窓口負担相当額",
        "期間: 2024年1月 – 2025年3月",
    ] {
        assert!(pdf.has(expected), "{expected}");
    }
    assert_pages(&pdf, "佐藤　健一");
    assert_font(&pdf);
    assert_metadata(&pdf, "医療費通知情報");
}

#[test]
fn the_combined_report_in_english_and_for_a_proxy_shows_only_granted_kinds() {
    let app = spawn(Backend::Sqlite);
    let sato = app.dev_sign_in("demo-sato");
    let got = app.pdf("/api/v1/me/report/pdf?from=2024-06&to=2025-05", &sato);
    assert_eq!(got.status, 200);
    assert_eq!(
        got.disposition.as_deref(),
        Some("attachment; filename=\"karte-report-2024-06_2025-05.pdf\"")
    );
    let pdf = read_pdf(&got.body);
    for expected in ["医療情報の記録", "お薬の情報", "健診結果", "医療費通知情報"]
    {
        assert!(pdf.has(expected), "{expected}");
    }
    assert_pages(&pdf, "佐藤　健一");

    // English, with the language cookie.
    let en = format!("{sato}; karte_lang=en");
    let pdf = read_pdf(
        &app.pdf("/api/v1/me/drugs/pdf?from=2024-06&to=2025-05", &en)
            .body,
    );
    assert_metadata(&pdf, "Medicines");
    for expected in [
        "Medicines",
        "Date of birth",
        "Issued: 1 Jun 2025",
        "Period: Jun 2024 – May 2025",
    ] {
        assert!(pdf.has(expected), "{expected} in {}", pdf.text);
    }

    // A proxy granted checkups only: no drug PDF (404, never 403), and a report of checkups.
    let proxy = app.dev_sign_in("demo-takahashi");
    app.grant(&sato, &proxy, &["checkups"], "2099-12-31");
    app.view_as(&proxy, "demo-sato");
    assert_eq!(app.pdf("/api/v1/me/drugs/pdf", &proxy).status, 404);
    assert_eq!(app.pdf("/api/v1/me/expenses/pdf", &proxy).status, 404);
    let got = app.pdf("/api/v1/me/report/pdf", &proxy);
    assert_eq!(got.status, 200);
    let pdf = read_pdf(&got.body);
    assert!(pdf.has("健診結果") && pdf.has("佐藤　健一"));
    assert!(!pdf.has("お薬の情報") && !pdf.has("医療費通知情報"));
    assert!(pdf.has("代理人による出力"));
    let db = block_on(Db::connect(app.settings())).unwrap();
    let logged = block_on(exports_logged(&db, "demo-sato"));
    assert!(
        logged
            .iter()
            .any(|(d, who, _)| d == "pdf report 2022-07..2025-06 (api)"
                && who.as_deref() == Some("demo-takahashi")),
        "{logged:?}"
    );
    // A bad period is a clear 400.
    assert_eq!(
        app.pdf("/api/v1/me/drugs/pdf?from=2025-13&to=2025-01", &sato)
            .status,
        400
    );
}

#[test]
fn the_report_renders_on_postgres_too() {
    let app = spawn(Backend::Postgres);
    let tanaka = app.dev_sign_in("demo-tanaka-hiroshi");
    let got = app.pdf("/api/v1/me/report/pdf", &tanaka);
    assert_eq!(got.status, 200);
    let pdf = read_pdf(&got.body);
    assert_pages(&pdf, "田中　宏");
    assert_font(&pdf);
}

#[test]
fn the_cli_exports_each_kind_and_is_audited() {
    let db = test_db(Backend::Sqlite);
    let karte = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_karte"));
        cmd.args(args)
            .env_remove("KARTE_DATABASE_URL")
            .env("KARTE_DATA_DIR", &db.settings.data_dir)
            .env("KARTE_TODAY", TODAY)
            .env("KARTE_LOG", "warn");
        cmd.output().expect("karte runs")
    };
    assert!(karte(&["demo"]).status.success());
    let dir =
        std::env::temp_dir().join(format!("karte-pdf-cli-{}", crate::helpers::random_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    for kind in ["drugs", "checkups", "expenses", "all"] {
        let file = dir.join(format!("{kind}.pdf"));
        let out = karte(&[
            "export",
            "pdf",
            "--person",
            "demo-suzuki",
            "--kind",
            kind,
            "--from",
            "2024-04",
            "--to",
            "2025-03",
            "-o",
            file.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains("page(s)"), "{stdout}");
        let pdf = read_pdf(&std::fs::read(&file).unwrap());
        assert_pages(&pdf, "鈴木　ハル");
        assert!(pdf.has("昭和23年2月20日 (1948-02-20)") && pdf.has("39131156"));
        assert_font(&pdf);
    }
    let out = karte(&[
        "export",
        "pdf",
        "--person",
        "nobody-here",
        "--kind",
        "drugs",
        "-o",
        dir.join("x.pdf").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such person"));
    let conn = block_on(db.open());
    let logged = block_on(exports_logged(&conn, "demo-suzuki"));
    assert_eq!(logged.len(), 4, "{logged:?}");
    assert!(logged
        .iter()
        .all(|(_, person, client)| person.is_none() && client.as_deref() == Some("cli")));
    assert_eq!(logged[0].0, "pdf drugs 2024-04..2025-03 (cli)");
    assert_eq!(logged[1].0, "pdf checkups (cli)");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_export_page_links_each_pdf_for_the_chosen_period() {
    let app = spawn(Backend::Sqlite);
    let page = app.get("/export").into_string().unwrap();
    assert!(page.contains("/signin") && !page.contains("/api/v1/me/drugs/pdf"));
    let sato = app.dev_sign_in("demo-sato");
    let r = app.get_with("/export?from=2024-04&to=2025-03", &sato);
    assert_eq!(r.status(), 200);
    let page = r.into_string().unwrap().replace("&amp;", "&");
    for kind in ["drugs", "expenses", "report"] {
        assert!(
            page.contains(&format!(
                "href=\"/api/v1/me/{kind}/pdf?from=2024-04&to=2025-03\""
            )),
            "{kind} link"
        );
    }
    assert!(page.contains("href=\"/api/v1/me/checkups/pdf\""));
    assert!(page.contains("download"));
    assert!(
        page.contains("佐藤　健一") && page.contains("name=\"from\""),
        "person and period chooser"
    );
    // The link works with the page's cookie.
    assert_eq!(
        app.pdf("/api/v1/me/expenses/pdf?from=2024-04&to=2025-03", &sato)
            .status,
        200
    );

    // The four downloads are documented in the OpenAPI document.
    let doc: serde_json::Value = app.get("/api/v1/openapi.json").into_json().unwrap();
    for kind in ["drugs", "checkups", "expenses", "report"] {
        let op = &doc["paths"][format!("/me/{kind}/pdf")]["get"];
        assert!(
            op["responses"]["200"]["content"]["application/pdf"].is_object(),
            "{kind}"
        );
    }

    // A proxy sees links only for what was granted (and the report).
    let proxy = app.dev_sign_in("demo-takahashi");
    app.grant(&sato, &proxy, &["checkups"], "2099-12-31");
    app.view_as(&proxy, "demo-sato");
    let page = app.page("/export", &proxy);
    assert!(page.contains("/api/v1/me/checkups/pdf") && page.contains("/api/v1/me/report/pdf"));
    assert!(!page.contains("/api/v1/me/drugs/pdf") && !page.contains("/api/v1/me/expenses/pdf"));
}

/// The renderer itself on three years of drugs (2,000 lines, ~80 pages): every line's cells in
/// order as pdftotext reads them, the page header and 「i / N」 on each page, the font an
/// embedded subset with a Unicode map, and the file well under 400 KB.
#[test]
fn a_2000_line_drugs_pdf_has_every_line_in_order_with_a_subset_font() {
    use server::pdf::reports::{drugs_document, ReportContext};
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let person = domain::people::PersonId::parse("demo-sato").unwrap();
    let mut lines = server::demo::records::scaled_drug_lines(today, &person, 2_000);
    domain::drugs::sort_newest_first(&mut lines);
    let ctx = ReportContext {
        lang: app::i18n::Lang::Ja,
        person: app::record::PersonHeader {
            person_id: person.to_string(),
            name: "佐藤　健一".into(),
            birth_date: NaiveDate::from_ymd_opt(1974, 6, 12).unwrap(),
            insurer_number: Some("01130012".into()),
            symbol: Some("4131".into()),
            number: Some("20573".into()),
            branch: Some("00".into()),
            as_proxy: false,
        },
        today,
        created: chrono::Utc::now(),
    };
    let months = domain::visibility::retention_window(today);
    let doc = drugs_document(&ctx, months, &lines, None);
    let font = server::pdf::font::font().expect("IPAexGothic installed (scripts/setup.sh)");
    let out = server::pdf::layout::render(&doc, font).unwrap();
    assert!(out.bytes.len() < 400_000, "{} bytes", out.bytes.len());
    let pdf = read_pdf(&out.bytes);
    assert_eq!(pdf.pages, out.pages);
    assert!(pdf.pages > 50, "{} pages", pdf.pages);
    assert_pages(&pdf, "佐藤　健一");
    assert_font(&pdf);
    assert_metadata(&pdf, "お薬の情報");

    // Every body row's cells, in document order.
    let text = norm(&pdf.text);
    let mut at = 0;
    let mut rows = 0;
    for block in &doc.blocks {
        let server::pdf::layout::Block::Table(table) = block else {
            continue;
        };
        for row in &table.rows {
            let cells = norm(&row.cells.concat());
            let found = text[at..]
                .find(&cells)
                .unwrap_or_else(|| panic!("row {rows} {cells:?} missing after byte {at}"));
            at += found + cells.len();
            rows += 1;
        }
    }
    assert!(rows >= 2_000, "{rows} rows");
    assert!(pdf.has("2000件"), "the line count");
}
