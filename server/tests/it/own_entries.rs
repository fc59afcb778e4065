//! 本人入力 (issue 19, part 3) over real HTTP on both backends. Abuse first: another person's
//! entry id in a form (404, nothing changed), a proxy posting (404, nothing changed), a post
//! without our origin (403, nothing stored). Then what the person sees: entries on the drugs
//! page and in its PDF marked 「本人入力」, the API, validation, an OTC medicine reaching the
//! セルフメディケーション calculation of its year, and ホーム's reminder of lines about to pass
//! the 3-year window.

use crate::helpers::{Backend, TestApp};
use crate::home::{part, text};
use crate::pdf::read_pdf;

const TODAY: &str = "2026-11-26";

fn app(backend: Backend) -> TestApp {
    TestApp::builder(backend).demo().today(TODAY).spawn()
}

/// The person on screen's entries through the API.
fn entries(app: &TestApp, cookie: &str) -> serde_json::Value {
    let (status, body, cache) = app.api("/api/v1/me/own-entries", cookie);
    assert_eq!(status, 200, "{body}");
    assert_eq!(cache.as_deref(), Some("no-store"));
    body
}

fn post(app: &TestApp, form: &[(&str, &str)], cookie: &str) -> (u16, String) {
    let r = app.post_form("/own/edit", form, Some(cookie));
    (
        r.status(),
        r.header("location").unwrap_or_default().to_owned(),
    )
}

const ALLERGY: &[(&str, &str)] = &[
    ("op", "add_allergy"),
    ("substance", "ペニシリン系抗菌薬"),
    ("reaction", "全身のじんましん"),
    ("since", "2019-05-01"),
    ("severity", "severe"),
];

fn others_ids_and_proxies_change_nothing(backend: Backend) {
    let app = app(backend);
    let sato = app.dev_sign_in("demo-sato");
    let suzuki = app.dev_sign_in("demo-suzuki");
    assert_eq!(post(&app, ALLERGY, &suzuki), (303, "/own?ok=added".into()));
    let before = entries(&app, &suzuki);
    let id = before["allergies"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(before["entered_by"], "person");

    // 佐藤 sends 鈴木's id: 404, and 鈴木's entry is as it was.
    let edit = [
        ("op", "edit_allergy"),
        ("id", id.as_str()),
        ("substance", "書き換え"),
        ("severity", "mild"),
    ];
    assert_eq!(post(&app, &edit, &sato).0, 404);
    assert_eq!(
        post(
            &app,
            &[("op", "delete_allergy"), ("id", id.as_str())],
            &sato
        )
        .0,
        404
    );
    for op in ["delete_medicine", "delete_memo"] {
        assert_eq!(post(&app, &[("op", op), ("id", id.as_str())], &sato).0, 404);
    }
    assert_eq!(entries(&app, &suzuki), before);
    assert_eq!(entries(&app, &sato)["allergies"], serde_json::json!([]));

    // Without our origin (a cross-site post): 403, nothing stored.
    let r = TestApp::agent()
        .post(&app.url("/own/edit"))
        .set("Cookie", &sato)
        .send_form(ALLERGY);
    let status = match r {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(status, 403);
    assert_eq!(entries(&app, &sato)["allergies"], serde_json::json!([]));

    // A proxy with the drugs grant reads 鈴木's entries, read-only, and cannot change them.
    app.grant(&suzuki, &sato, &["drugs"], "2099-12-31");
    app.view_as(&sato, "demo-suzuki");
    let seen = entries(&app, &sato);
    assert_eq!(seen["person_id"], "demo-suzuki");
    assert_eq!(seen["allergies"], before["allergies"]);
    let page = app.page("/own", &sato);
    assert!(part(&page, "read-only").is_some(), "read-only for a proxy");
    assert!(
        !page.contains("action=\"/own/edit\""),
        "no forms for a proxy"
    );
    assert!(text(&page).contains("ペニシリン系抗菌薬"));
    let drugs = app.page("/drugs", &sato);
    let allergies = part(&drugs, "drugs-allergies").expect("allergies on the drugs page");
    assert!(text(&allergies).contains("本人入力"), "{allergies}");
    assert!(!drugs.contains("data-testid=\"own-manage\""));
    for form in [
        ALLERGY,
        &edit[..],
        &[("op", "delete_allergy"), ("id", id.as_str())],
    ] {
        assert_eq!(post(&app, form, &sato).0, 404, "{form:?}");
    }
    assert_eq!(entries(&app, &suzuki), before);
    // Back on their own screen, 佐藤's entries are still empty.
    app.view_as(&sato, "demo-sato");
    assert_eq!(entries(&app, &sato)["allergies"], serde_json::json!([]));

    // A proxy without the drugs grant sees none of it.
    let takahashi = app.dev_sign_in("demo-takahashi");
    app.grant(&suzuki, &takahashi, &["expenses"], "2099-12-31");
    app.view_as(&takahashi, "demo-suzuki");
    assert_eq!(app.fetch("/own", Some(&takahashi)).status, 404);
    assert_eq!(app.api("/api/v1/me/own-entries", &takahashi).0, 404);
    assert_eq!(post(&app, ALLERGY, &takahashi).0, 404);
    assert_eq!(entries(&app, &suzuki), before);

    // Signed out: to the sign-in page, nothing read.
    let r = app.post_form("/own/edit", ALLERGY, None);
    assert_eq!(r.header("location"), Some("/signin"));
    assert_eq!(app.fetch("/api/v1/me/own-entries", None).status, 401);
}
crate::both_backends!(fn others_ids_and_proxies_change_nothing as own_entries_refuse_others_on);

fn bad_input_is_said_and_nothing_is_stored(backend: Backend) {
    let app = app(backend);
    let sato = app.dev_sign_in("demo-sato");
    let medicine = |extra: &[(&'static str, &'static str)]| {
        let mut form = vec![
            ("op", "add_medicine"),
            ("name", "かぜ薬"),
            ("from", "2026-02-01"),
        ];
        form.extend_from_slice(extra);
        form
    };
    let long = "あ".repeat(101);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (medicine(&[("price", "10000000")]), "amount"),
        (medicine(&[("price", "-1")]), "amount"),
        (medicine(&[("to", "2026-01-31")]), "date"),
        (
            vec![
                ("op", "add_medicine"),
                ("name", "x"),
                ("from", "2026-02-30"),
            ],
            "date",
        ),
        (
            vec![
                ("op", "add_medicine"),
                ("name", "\u{1} \u{7}"),
                ("from", "2026-02-01"),
            ],
            "required",
        ),
        (
            vec![
                ("op", "add_medicine"),
                ("name", long.as_str()),
                ("from", "2026-02-01"),
            ],
            "too_long",
        ),
        (
            medicine(&[("self_medication", "1"), ("price", "1000")]),
            "self_medication",
        ),
        (
            vec![
                ("op", "add_allergy"),
                ("substance", "卵"),
                ("severity", "fatal"),
            ],
            "severity",
        ),
        (
            vec![
                ("op", "add_memo"),
                ("dispensing", "2026-13-01~薬局"),
                ("memo", "x"),
            ],
            "date",
        ),
    ];
    for (form, code) in &cases {
        let (status, to) = post(&app, form, &sato);
        assert_eq!(status, 303, "{form:?}");
        assert_eq!(to, format!("/own?error={code}"), "{form:?}");
    }
    let page = app.page("/own?error=amount", &sato);
    let notice = text(&part(&page, "notice").expect("the notice"));
    assert!(notice.contains("9,999,999"), "{notice}");
    let e = entries(&app, &sato);
    for kind in ["medicines", "allergies", "memos"] {
        assert_eq!(
            e[kind],
            serde_json::json!([]),
            "{kind}: nothing half-written"
        );
    }
    // The largest price is accepted, control characters gone before the trim.
    let ok = medicine(&[("price", "9999999"), ("bought_at", "\u{1} 駅前薬局 ")]);
    assert_eq!(post(&app, &ok, &sato), (303, "/own?ok=added".into()));
    let m = &entries(&app, &sato)["medicines"][0];
    assert_eq!(m["price"], 9_999_999);
    assert_eq!(m["bought_at"], "駅前薬局");
}
crate::both_backends!(fn bad_input_is_said_and_nothing_is_stored as own_entries_validate_on);

fn entries_reach_the_pages_the_deduction_and_the_pdf(backend: Backend) {
    let app = app(backend);
    let sato = app.dev_sign_in("demo-sato");
    // An OTC medicine with the switch on, in 2026: on the workbench of 2026.
    let otc = [
        ("op", "add_medicine"),
        ("name", "ロキソニンS"),
        ("ingredient", "ロキソプロフェン"),
        ("from", "2026-03-10"),
        ("to", "2026-03-12"),
        ("bought_at", "駅前ドラッグ"),
        ("price", "20000"),
        ("self_medication", "1"),
    ];
    assert_eq!(post(&app, &otc, &sato), (303, "/own?ok=added".into()));
    assert_eq!(post(&app, ALLERGY, &sato).0, 303);
    let income = [("op", "income"), ("income", "5000000")];
    let r = app.post_form("/deduction/2026/edit", &income, Some(&sato));
    assert_eq!(r.status(), 303);
    let wb = app.page("/deduction?year=2026", &sato);
    assert!(
        text(&wb).contains("駅前ドラッグ"),
        "the OTC line is on the workbench"
    );
    let amount = text(&part(&wb, "self-medication-amount").expect("the calculator"));
    assert_eq!(amount, "8,000円", "20,000 − 12,000");
    assert!(!text(&app.page("/deduction?year=2025", &sato)).contains("駅前ドラッグ"));

    // The drugs page: the allergy first, the medicine after the claims, both marked.
    let drugs = app.page("/drugs", &sato);
    let allergies = text(&part(&drugs, "drugs-allergies").expect("allergies"));
    assert!(allergies.contains("ペニシリン系抗菌薬") && allergies.contains("重い"));
    assert!(allergies.contains("本人入力"));
    assert!(
        drugs.find("drugs-allergies") < drugs.find("drug-list"),
        "allergies first"
    );
    let own = text(&part(&drugs, "drugs-own").expect("own medicines"));
    assert!(
        own.contains("ロキソニンS") && own.contains("20,000円"),
        "{own}"
    );

    // A memo on one of the person's dispensings: its choices come from the drug lines.
    let page = app.page("/own", &sato);
    let form = part(&page, "own-add-memo").expect("memo form");
    let at = form.find("<option value=\"").expect("a dispensing") + "<option value=\"".len();
    let key = form[at..at + form[at..].find('"').unwrap()].to_owned();
    let memo = [
        ("op", "add_memo"),
        ("dispensing", key.as_str()),
        ("memo", "眠くなった"),
    ];
    assert_eq!(post(&app, &memo, &sato), (303, "/own?ok=added".into()));
    let e = entries(&app, &sato);
    assert_eq!(e["memos"][0]["memo"], "眠くなった");

    // The drugs PDF has the allergy section, in both languages.
    let pdf = app.pdf("/api/v1/me/drugs/pdf?from=2026-01&to=2026-11", &sato);
    assert_eq!(pdf.status, 200);
    let read = read_pdf(&pdf.body);
    assert!(read.has("アレルギー・副作用（本人入力）"), "{}", read.text);
    assert!(read.has("ペニシリン系抗菌薬") && read.has("全身のじんましん"));
    assert!(read.has("ロキソニンS") && read.has("眠くなった"));
    let en = app.pdf(
        "/api/v1/me/drugs/pdf?from=2026-01&to=2026-11",
        &format!("{sato}; karte_lang=en"),
    );
    assert_eq!(en.status, 200);
    let read = read_pdf(&en.body);
    assert!(
        read.has("Allergies and side effects (Entered by you)"),
        "{}",
        read.text
    );

    // Edit: the switch off takes the line off the workbench; on again puts it back.
    let id = e["medicines"][0]["id"].as_i64().unwrap().to_string();
    let mut off: Vec<(&str, &str)> = otc
        .iter()
        .copied()
        .filter(|(k, _)| *k != "self_medication" && *k != "op")
        .collect();
    off.push(("op", "edit_medicine"));
    off.push(("id", id.as_str()));
    assert_eq!(post(&app, &off, &sato), (303, "/own?ok=saved".into()));
    let wb = app.page("/deduction?year=2026", &sato);
    assert!(!text(&wb).contains("駅前ドラッグ"));
    assert_eq!(
        entries(&app, &sato)["medicines"][0]["self_medication"],
        false
    );
    let mut on = off.clone();
    on.push(("self_medication", "1"));
    assert_eq!(post(&app, &on, &sato).0, 303);
    assert!(text(&app.page("/deduction?year=2026", &sato)).contains("駅前ドラッグ"));
    // Delete: the entry and its workbench line go together.
    assert_eq!(
        post(
            &app,
            &[("op", "delete_medicine"), ("id", id.as_str())],
            &sato
        ),
        (303, "/own?ok=deleted".into())
    );
    assert!(!text(&app.page("/deduction?year=2026", &sato)).contains("駅前ドラッグ"));
    assert_eq!(entries(&app, &sato)["medicines"], serde_json::json!([]));

    // Reading the entries is in the access log like any drugs view.
    let access = text(&app.page("/access", &sato));
    assert!(access.contains("お薬の情報"), "{access}");
}
crate::both_backends!(fn entries_reach_the_pages_the_deduction_and_the_pdf as own_entries_shown_on);

fn home_reminds_of_lines_leaving_the_window(backend: Backend) {
    let app = app(backend);
    let sato = app.dev_sign_in("demo-sato");
    let html = app.page("/", &sato);
    let card = part(&html, "home-leaving").expect("the reminder");
    let t = text(&card);
    // Today 2026-11-26: the window is 2023-12..2026-11; 2023-12 leaves on 2026-12-01.
    assert!(t.contains("2026年12月1日") && t.contains("2023-12"), "{t}");
    assert!(
        card.contains("/export?from=2023-12&amp;to=2023-12")
            || card.contains("/export?from=2023-12&to=2023-12"),
        "{card}"
    );
    // A proxy's view of the dashboard has no reminder.
    let takahashi = app.dev_sign_in("demo-takahashi");
    app.grant(&sato, &takahashi, &["drugs", "expenses"], "2099-12-31");
    app.view_as(&takahashi, "demo-sato");
    assert!(part(&app.page("/", &takahashi), "home-leaving").is_none());
}
crate::both_backends!(fn home_reminds_of_lines_leaving_the_window as home_leaving_reminder_on);
