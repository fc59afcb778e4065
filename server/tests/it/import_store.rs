//! Storing import batches, on SQLite and PostgreSQL: all or nothing, idempotent, read back
//! exactly, people matched by card, supersession and publication dates applied when reading.

use crate::fixtures::{batch, checkup, claim, d, drug, identity};
use domain::people::PersonId;
use domain::period::{MonthRange, YearMonth};
use server::db::Db;
use server::import::PersonRecords;
use server::records::import::{store_batch, ImportOutcome, StoreError};
use server::records::{checkups, lines, people};

fn all_months() -> MonthRange {
    MonthRange::parse("2020-01", "2030-12").unwrap()
}

async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    server::with_pool!(db, pool => sqlx::query_scalar::<_, i64>(&sql).fetch_one(pool).await.unwrap())
}

async fn same_batch_twice_changes_nothing(db: &Db) {
    let b = batch("b-1", Some("test-a"), "100", 50);
    let first = store_batch(db, b.clone(), "test").await.unwrap();
    assert_eq!(
        first,
        ImportOutcome::Imported {
            lines: 50 + 6 + 1,
            people: vec![PersonId::parse("test-a").unwrap()]
        }
    );
    let before = (
        count(db, "drug_lines").await,
        count(db, "expense_lines").await,
        count(db, "checkup_results").await,
    );
    assert_eq!(
        store_batch(db, b, "test").await.unwrap(),
        ImportOutcome::AlreadyImported
    );
    let after = (
        count(db, "drug_lines").await,
        count(db, "expense_lines").await,
        count(db, "checkup_results").await,
    );
    assert_eq!(before, after);
    assert_eq!(before, (50, 6, 3));
}

async fn a_failing_batch_leaves_nothing_behind(db: &Db) {
    let mut b = batch("b-bad", Some("test-a"), "100", 20);
    // A second person Karte does not know, without a birth date: the batch must be refused
    // after the first person's lines were already written inside the transaction.
    let mut stranger = identity(Some("test-stranger"), "200");
    stranger.birth_date = None;
    b.people.push(PersonRecords {
        person: stranger,
        drugs: vec![],
        checkups: vec![],
        expenses: vec![],
    });
    let err = store_batch(db, b, "test").await.unwrap_err();
    assert!(
        matches!(err, StoreError::IncompletePerson(ref id) if id == "test-stranger"),
        "{err}"
    );
    for table in [
        "import_batches",
        "people",
        "insurances",
        "drug_lines",
        "expense_lines",
        "checkups",
        "checkup_results",
    ] {
        assert_eq!(
            count(db, table).await,
            0,
            "{table} was written by a refused batch"
        );
    }
}

async fn lines_read_back_exactly(db: &Db) {
    let b = batch("b-2", Some("test-a"), "100", 30);
    let written = b.people[0].clone();
    store_batch(db, b, "test").await.unwrap();
    let pid = PersonId::parse("test-a").unwrap();
    let mut stored = lines::all_drug_lines(db, &pid).await.unwrap();
    let mut expected = written.drugs.clone();
    let key = |l: &domain::drugs::DrugLine| {
        (
            l.dispensed_on,
            l.claim.claim_id.clone(),
            l.drug_name.clone(),
        )
    };
    stored.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(stored, expected);
    let today = d(2030, 1, 1);
    let expenses = lines::visible_expense_lines(db, &pid, all_months(), today).await;
    // 2030 is more than three years after 2024: the 3-year window hides everything.
    assert!(expenses.unwrap().is_empty());
    let today = d(2026, 1, 20);
    let expenses = lines::visible_expense_lines(db, &pid, all_months(), today)
        .await
        .unwrap();
    assert_eq!(expenses.len(), 6);
    assert_eq!(
        expenses[0].service_month,
        YearMonth::parse("2024-06").unwrap(),
        "newest month first"
    );
    let cks = checkups::checkups_for(db, &pid).await.unwrap();
    assert_eq!(cks, written.checkups);
    assert_eq!(
        cks[0].results[2].code.as_str(),
        "5C070000002306201",
        "unknown codes are kept"
    );
}

/// Text the bulk paths must carry through their own encodings unchanged (SQLite: one JSON text
/// per chunk; PostgreSQL: COPY's text format): quotes, backslashes, tabs, line breaks, control
/// characters (NUL is refused by every parser: PostgreSQL cannot store it), characters outside the BMP, and numbers at their limits. Stored for a new
/// person (all of a batch's new people at once) and again for a known one (per person).
async fn awkward_text_reads_back_exactly(db: &Db) {
    let awkward = [
        "\"引用\" と 'アポストロフィ'",
        "back\\slash \\N \\t",
        "tab\there\nnew line\r\nCRLF",
        "bell\u{7} unit\u{1f} del\u{7f}",
        "絵文字 💊🩺 \u{2028}\u{2029} \u{feff}",
        "{\"json\": [1, null]}",
    ];
    for (round, person_id) in [(0, "test-awkward-new"), (1, "test-awkward-new")] {
        let mut b = batch(
            &format!("b-awkward-{round}"),
            Some(person_id),
            "4242",
            awkward.len(),
        );
        let written = &mut b.people[0];
        for (i, d) in written.drugs.iter_mut().enumerate() {
            let text = awkward[i];
            d.drug_name = format!("{text} {round}");
            d.dispenser_name = text.into();
            d.ingredient = Some(text.into());
            d.directions = Some(text.into());
            d.daily_dose = (i % 2 == 0).then(|| text.into());
            d.single_dose = None;
            d.special_instructions = Some(text.into());
            d.copay = Some(domain::money::Yen(if i % 2 == 0 { i64::MAX } else { 0 }));
            d.savings = (i % 2 == 1).then_some(domain::money::Yen(i64::MIN + 1));
            d.quantity.amount = u32::MAX - i as u32;
        }
        for (i, e) in written.expenses.iter_mut().enumerate() {
            e.institution_name = awkward[i % awkward.len()].into();
            e.total = domain::money::Yen(i64::MAX - i as i64);
        }
        let written = written.clone();
        store_batch(db, b, "test").await.unwrap();
        let pid = PersonId::parse(person_id).unwrap();
        let stored = lines::all_drug_lines(db, &pid).await.unwrap();
        let this_round: Vec<_> = stored
            .into_iter()
            .filter(|l| l.drug_name.ends_with(&format!(" {round}")))
            .collect();
        assert_eq!(
            this_round, written.drugs,
            "round {round}: drug lines as written"
        );
        let mut expenses = lines::all_expense_lines(db, &pid).await.unwrap();
        expenses.sort_by_key(|e| e.service_month);
        let mut expected = written.expenses.clone();
        expected.sort_by_key(|e| e.service_month);
        assert_eq!(
            expenses, expected,
            "round {round}: expense lines as written"
        );
    }
}

/// More lines than one multi-row statement holds (SQLite: chunks of 400 and then single rows;
/// PostgreSQL: one COPY), every optional field both set and empty and every code of each
/// kind, for a new person (a batch's new people at once) and again for the same, known person
/// (per person): read back exactly as written.
async fn many_lines_read_back_exactly(db: &Db) {
    use domain::claim::{CareSetting, ClaimId, InstitutionId, ReceiptKind};
    use domain::drugs::{DrugMark, PrescriptionKind, ReceiptDrugCode, UsageKind, YjCode};
    use domain::expenses::ServiceCategory;
    use domain::money::Yen;
    let person = "test-many-lines";
    let pid = PersonId::parse(person).unwrap();
    let mut written_drugs = Vec::new();
    let mut written_expenses = Vec::new();
    for (round, lines) in [(0usize, 1_003usize), (1, 801)] {
        let mut b = batch(&format!("b-many-{round}"), Some(person), "5151", lines);
        let records = &mut b.people[0];
        for (i, d) in records.drugs.iter_mut().enumerate() {
            d.claim.claim_id = ClaimId::parse(&format!("many-{round}-{}", i / 7)).unwrap();
            d.claim.sequence = (i % 4) as u64;
            d.claim.receipt.kind = [
                ReceiptKind::Medical,
                ReceiptKind::Dental,
                ReceiptKind::Pharmacy,
                ReceiptKind::Dpc,
                ReceiptKind::HomeNursing,
            ][i % 5];
            d.claim.receipt.setting = if i % 2 == 0 {
                CareSetting::Inpatient
            } else {
                CareSetting::Outpatient
            };
            d.claim.receipt.prescriber =
                (i % 3 == 0).then(|| InstitutionId::parse("1310000009").unwrap());
            d.prescription = [
                PrescriptionKind::Inpatient,
                PrescriptionKind::InHouse,
                PrescriptionKind::OutOfHouse,
            ][i % 3];
            d.usage = [
                UsageKind::Oral,
                UsageKind::External,
                UsageKind::AsNeeded,
                UsageKind::Injection,
                UsageKind::HomeCare,
            ][i % 5];
            d.mark = [
                None,
                Some(DrugMark::Narcotic),
                Some(DrugMark::Poison),
                Some(DrugMark::StimulantPrecursor),
                Some(DrugMark::Psychotropic),
            ][i % 5];
            d.drug_name = format!("薬 {round}-{i}");
            d.ingredient = (i % 2 == 1).then(|| format!("成分 {i}"));
            d.receipt_code = (i % 3 == 1).then(|| ReceiptDrugCode::parse("620098801").unwrap());
            d.yj_code = (i % 4 == 2).then(|| YjCode::parse("1149019F1560").unwrap());
            d.directions = (i % 5 != 0).then(|| format!("1日{}回", i % 4 + 1));
            d.daily_dose = (i % 6 != 0).then(|| "3錠".into());
            d.single_dose = (i % 7 != 0).then(|| "1錠".into());
            d.special_instructions = (i % 8 == 0).then(|| "粉砕".into());
            d.quantity.amount = i as u32;
            d.copay = (i % 9 != 0).then_some(Yen(i as i64 * 10));
            d.savings = (i % 10 != 0).then_some(Yen(-(i as i64)));
        }
        let month = records.expenses[0].claim.clone();
        records.expenses = (0..lines / 2)
            .map(|i| {
                let mut c = month.clone();
                c.claim_id = ClaimId::parse(&format!("many-ex-{round}-{i}")).unwrap();
                c.service_month = c.service_month.add_months((i % 30) as i32);
                c.receipt.kind = [ReceiptKind::Medical, ReceiptKind::Pharmacy][i % 2];
                c.receipt.prescriber =
                    (i % 2 == 1).then(|| InstitutionId::parse("1310000009").unwrap());
                let mut e = crate::fixtures::expense(c, 100 + i as i64);
                e.category = [
                    ServiceCategory::MedicalInpatient,
                    ServiceCategory::Pharmacy,
                    ServiceCategory::DentalOutpatient,
                    ServiceCategory::MealsAndLiving,
                ][i % 4]
                    .clone();
                e.days = (i % 31) as u32;
                e.institution_name = format!("医療機関 {i}");
                e.public_paid = Yen(i as i64);
                e
            })
            .collect();
        written_drugs.extend(records.drugs.clone());
        written_expenses.extend(records.expenses.clone());
        store_batch(db, b, "test").await.unwrap();
        fn by_debug<T: std::fmt::Debug>(mut v: Vec<T>) -> Vec<T> {
            v.sort_by_cached_key(|l| format!("{l:?}"));
            v
        }
        let stored = lines::all_drug_lines(db, &pid).await.unwrap();
        assert_eq!(stored.len(), written_drugs.len(), "round {round}");
        assert!(
            by_debug(stored) == by_debug(written_drugs.clone()),
            "round {round}: drug lines as written"
        );
        let stored = lines::all_expense_lines(db, &pid).await.unwrap();
        assert_eq!(stored.len(), written_expenses.len(), "round {round}");
        assert!(
            by_debug(stored) == by_debug(written_expenses.clone()),
            "round {round}: expense lines as written"
        );
    }
}

async fn people_are_matched_by_card_and_birth_date(db: &Db) {
    let first = store_batch(db, batch("b-3", None, "300", 2), "test")
        .await
        .unwrap();
    let ImportOutcome::Imported { people: p1, .. } = first else {
        panic!("not imported")
    };
    let second = store_batch(db, batch("b-4", None, "300", 2), "test")
        .await
        .unwrap();
    let ImportOutcome::Imported { people: p2, .. } = second else {
        panic!("not imported")
    };
    assert_eq!(p1, p2, "the same card and birth date is the same person");
    assert!(p1[0].as_str().starts_with("p-"));
    let listed = people::list_people(db).await.unwrap();
    assert_eq!(listed.len(), 1);
    // Another card number is another person.
    let third = store_batch(db, batch("b-5", None, "301", 2), "test")
        .await
        .unwrap();
    let ImportOutcome::Imported { people: p3, .. } = third else {
        panic!("not imported")
    };
    assert_ne!(p3, p1);
}

async fn a_later_claim_supersedes_when_published(db: &Db) {
    let month = YearMonth::parse("2025-03").unwrap();
    let pid = "test-b";
    let mut b = batch("b-6", Some(pid), "400", 0);
    let original = claim(pid, "rx-original", "1319876543", month, 7);
    b.people[0].drugs = vec![
        drug(original.clone(), 3, "アムロジピン錠5mg「サワイ」"),
        drug(original, 3, "ロスバスタチン錠2.5mg「DSEP」"),
    ];
    store_batch(db, b, "test").await.unwrap();
    // A re-claim for the same institution and month, accepted two months later.
    let mut late = claim(pid, "rx-reclaim", "1319876543", month, 7);
    late.accepted_on = month.add_months(3).day(12).unwrap();
    let mut b2 = batch("b-7", Some(pid), "400", 0);
    b2.people[0].drugs = vec![drug(late, 3, "アムロジピン錠2.5mg「サワイ」")];
    b2.people[0].checkups = vec![checkup(d(2025, 7, 1), "128")];
    store_batch(db, b2, "test").await.unwrap();

    let person = PersonId::parse(pid).unwrap();
    let range = MonthRange::single(month);
    let before_reclaim =
        lines::visible_drug_lines(db, &person, range, month.add_months(3).day(1).unwrap())
            .await
            .unwrap();
    assert_eq!(
        before_reclaim.len(),
        2,
        "until the re-claim is published the original shows"
    );
    let after = lines::visible_drug_lines(db, &person, range, month.add_months(3).day(20).unwrap())
        .await
        .unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].drug_name, "アムロジピン錠2.5mg「サワイ」");
    let too_early = lines::visible_drug_lines(db, &person, range, month.day(31).unwrap())
        .await
        .unwrap();
    assert!(
        too_early.is_empty(),
        "nothing shows before its publication date"
    );
}

async fn queries_are_scoped_to_the_person(db: &Db) {
    store_batch(db, batch("b-8", Some("test-c"), "500", 10), "test")
        .await
        .unwrap();
    store_batch(db, batch("b-9", Some("test-d"), "501", 3), "test")
        .await
        .unwrap();
    let c = PersonId::parse("test-c").unwrap();
    let today = d(2026, 6, 1);
    let shown = lines::visible_drug_lines(db, &c, all_months(), today)
        .await
        .unwrap();
    assert_eq!(shown.len(), 10);
    assert!(shown.iter().all(|l| l.claim.person == c));
    let nobody = PersonId::parse("test-nobody").unwrap();
    assert!(lines::visible_drug_lines(db, &nobody, all_months(), today)
        .await
        .unwrap()
        .is_empty());
    assert!(checkups::checkups_for(db, &nobody)
        .await
        .unwrap()
        .is_empty());
}

/// 削減可能額 is hidden by insurer kind: lines dispensed while the person is insured by a
/// 後期高齢者医療広域連合 (39…) show none, even when the source sent one (issue 16).
async fn savings_are_hidden_under_late_stage_insurance(db: &Db) {
    let mut b = batch("b-late", Some("test-late"), "600", 6);
    let person = &mut b.people[0].person;
    person.card =
        Some(domain::insurance::CardIdentity::parse("39139993", "", "12345678", "").unwrap());
    person.insured_since = Some(d(2024, 3, 1));
    assert!(b.people[0].drugs.iter().all(|l| l.savings.is_some()));
    store_batch(db, b, "test").await.unwrap();
    store_batch(db, batch("b-young", Some("test-young"), "601", 6), "test")
        .await
        .unwrap();
    let today = d(2026, 6, 1);
    let late = lines::visible_drug_lines(
        db,
        &PersonId::parse("test-late").unwrap(),
        all_months(),
        today,
    )
    .await
    .unwrap();
    assert_eq!(late.len(), 6);
    let before: Vec<_> = late
        .iter()
        .filter(|l| l.dispensed_on < d(2024, 3, 1))
        .collect();
    assert!(!before.is_empty() && before.iter().all(|l| l.savings.is_some()));
    assert!(late
        .iter()
        .filter(|l| l.dispensed_on >= d(2024, 3, 1))
        .all(|l| l.savings.is_none() && l.copay.is_some()));
    let young = lines::visible_drug_lines(
        db,
        &PersonId::parse("test-young").unwrap(),
        all_months(),
        today,
    )
    .await
    .unwrap();
    assert!(young.iter().all(|l| l.savings.is_some()));
}

/// The per-person cache of read lines (issue 17) never outlives an import: a re-sent claim that
/// changes the lines, and a later re-claim, show on the next read, however often it was read.
async fn a_cached_read_sees_the_next_import(db: &Db) {
    let month = YearMonth::parse("2025-03").unwrap();
    let pid = "test-cache";
    let person = PersonId::parse(pid).unwrap();
    let range = MonthRange::single(month);
    let today = d(2026, 6, 1);
    let first = claim(pid, "rx-cache", "1319876543", month, 7);
    let mut b = batch("b-cache-1", Some(pid), "700", 0);
    b.people[0].drugs = vec![drug(first.clone(), 3, "薬A"), drug(first.clone(), 3, "薬B")];
    store_batch(db, b, "test").await.unwrap();
    for _ in 0..3 {
        let shown = lines::visible_drug_lines(db, &person, range, today)
            .await
            .unwrap();
        assert_eq!(shown.len(), 2);
    }
    // The same claim sent again with one line: it replaces the stored lines.
    let mut b = batch("b-cache-2", Some(pid), "700", 0);
    b.people[0].drugs = vec![drug(first, 3, "薬C")];
    store_batch(db, b, "test").await.unwrap();
    let shown = lines::visible_drug_lines(db, &person, range, today)
        .await
        .unwrap();
    let names: Vec<&str> = shown.iter().map(|l| l.drug_name.as_str()).collect();
    assert_eq!(names, ["薬C"]);
    // A later re-claim of the same receipt supersedes it.
    let mut late = claim(pid, "rx-cache-re", "1319876543", month, 7);
    late.accepted_on = month.add_months(3).day(12).unwrap();
    let mut b = batch("b-cache-3", Some(pid), "700", 0);
    b.people[0].drugs = vec![drug(late, 3, "薬D")];
    store_batch(db, b, "test").await.unwrap();
    let shown = lines::visible_drug_lines(db, &person, range, today)
        .await
        .unwrap();
    let names: Vec<&str> = shown.iter().map(|l| l.drug_name.as_str()).collect();
    assert_eq!(names, ["薬D"]);
    // Another person's import leaves this person's lines as they are.
    store_batch(
        db,
        batch("b-cache-4", Some("test-cache-other"), "701", 4),
        "test",
    )
    .await
    .unwrap();
    let again = lines::visible_drug_lines(db, &person, range, today)
        .await
        .unwrap();
    assert_eq!(again, shown);
}

/// `(person, drug lines, expense lines, checkups, insurance rows)` for every stored person.
async fn per_person(db: &Db) -> Vec<(String, i64, i64, i64, i64)> {
    let sql = "SELECT p.id,
        (SELECT COUNT(*) FROM drug_lines l WHERE l.person_id = p.id),
        (SELECT COUNT(*) FROM expense_lines e WHERE e.person_id = p.id),
        (SELECT COUNT(*) FROM checkups c WHERE c.person_id = p.id),
        (SELECT COUNT(*) FROM insurances i WHERE i.person_id = p.id)
        FROM people p ORDER BY p.id";
    server::with_pool!(db, pool => sqlx::query_as(sql).fetch_all(pool).await.unwrap())
}

/// A batch naming many people stores the new ones together (a few statements for all of them)
/// and the rest one by one; the outcome is what one-by-one storing in file order gives: a card
/// already stored, a card twice in the batch, and a person id given once with a card and then
/// only the card all land on one person each, and new people get their lines and card.
async fn many_people_in_one_batch_match_as_one_by_one(db: &Db) {
    store_batch(db, batch("b-many-0", None, "400", 5), "test")
        .await
        .unwrap();
    let known = people::list_people(db).await.unwrap()[0].id.clone();
    let part = |number: &str, person: Option<&str>, n: usize| {
        batch("b-part", person, number, n).people.remove(0)
    };
    let mut b = batch("b-many-1", None, "401", 7);
    b.people.insert(0, part("400", None, 3)); // stored card: the known person
    b.people.push(part("402", None, 4)); // the same card twice: one person,
    b.people.push(part("402", None, 4)); // the second re-sends the same claims
    b.people.push(part("403", Some("test-bulk-x"), 6)); // an id with a card,
    b.people.push(part("403", None, 2)); // then the card alone: the same person
    let ImportOutcome::Imported { people: ids, lines } = store_batch(db, b, "test").await.unwrap()
    else {
        panic!("not imported")
    };
    assert_eq!(lines, 3 + 7 + 4 + 4 + 6 + 2 + 6 * 7);
    let id = |i: usize| ids[i].as_str().to_owned();
    assert_eq!(id(0), known.as_str(), "a stored card is the stored person");
    assert_eq!(id(2), id(3), "one card twice in a batch is one person");
    assert_eq!(id(4), "test-bulk-x");
    assert_eq!(
        id(5),
        "test-bulk-x",
        "a card given with an id earlier in the batch is that person"
    );
    assert_ne!(id(1), id(0));
    assert!(id(1).starts_with("p-") && id(2).starts_with("p-"));
    let rows = per_person(db).await;
    let row = |who: &str| rows.iter().find(|r| r.0 == who).cloned().unwrap();
    // The known person: 5 lines of the first batch; the 3 of this one share claim ids with
    // them (rx-<month>-<n>), so the claims re-sent replace theirs.
    assert_eq!(row(&id(0)), (id(0), 5, 6, 1, 1));
    assert_eq!(
        row(&id(1)),
        (id(1), 7, 6, 1, 1),
        "a new person: lines, notices, checkup, card"
    );
    assert_eq!(row(&id(2)), (id(2), 4, 6, 1, 1));
    // test-bulk-x: 6 lines, then 2 that re-send two of those claims (rx-2024-01-0, rx-2024-02-1).
    assert_eq!(
        row("test-bulk-x"),
        ("test-bulk-x".to_owned(), 2 + 4, 6, 1, 1)
    );
    assert_eq!(rows.len(), 4);
}

/// Imports of every kind — new people together, known people one by one, re-sent claims and a
/// replaced checkup — leave no row pointing at a missing parent (SQLite stores batches with
/// foreign keys off: the import guarantees them itself), and the connections other queries
/// get still check foreign keys afterwards.
async fn import_leaves_no_dangling_keys(db: &Db) {
    let mut first = batch("b-keys-1", Some("test-keys"), "500", 30);
    first
        .people
        .push(batch("b-part", None, "501", 4).people.remove(0));
    store_batch(db, first, "test").await.unwrap();
    // The same person again: claims re-sent (their lines replaced) and the same checkup (its
    // results replaced), through the one-by-one path.
    let again = batch("b-keys-2", Some("test-keys"), "500", 12);
    store_batch(db, again, "test").await.unwrap();
    assert_eq!(count(db, "checkups").await, 2);
    assert_eq!(
        count(db, "checkup_results").await,
        6,
        "the replaced checkup's results went with it"
    );
    let dangling = "SELECT
        (SELECT COUNT(*) FROM drug_lines l WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = l.person_id))
      + (SELECT COUNT(*) FROM drug_lines l WHERE NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.id = l.batch_id))
      + (SELECT COUNT(*) FROM expense_lines e WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = e.person_id))
      + (SELECT COUNT(*) FROM expense_lines e WHERE NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.id = e.batch_id))
      + (SELECT COUNT(*) FROM checkups c WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = c.person_id))
      + (SELECT COUNT(*) FROM checkup_results r WHERE NOT EXISTS (SELECT 1 FROM checkups c WHERE c.id = r.checkup_id))
      + (SELECT COUNT(*) FROM insurances i WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = i.person_id))
      + (SELECT COUNT(*) FROM record_versions v WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = v.person_id))";
    let n: i64 =
        server::with_pool!(db, pool => sqlx::query_scalar(dangling).fetch_one(pool).await.unwrap());
    assert_eq!(n, 0, "rows pointing at a missing parent");
    if let Db::Sqlite(pool) = db {
        let problems: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(pool)
                .await
                .unwrap();
        assert_eq!(problems, vec![], "PRAGMA foreign_key_check");
    }
    // SQLite: every connection of the pool still refuses a line of a person nobody knows (the
    // import's connection, with foreign keys off, was closed). PostgreSQL's lines have no
    // per-line foreign key (migration 20261207000100): the import checks once per batch.
    let Db::Sqlite(pool) = db else { return };
    for _ in 0..4 {
        let orphan = "INSERT INTO expense_lines (person_id, batch_id, claim_id, institution_id,
            service_month, accepted_on, sequence, visible_from, category, days, institution_name,
            total, insurer_paid, public_paid, patient_paid)
            VALUES ('test-nobody', 'b-keys-1', 'c', '1310000001', '2025-01', '2025-02-10', 1,
            '2025-02-10', '調剤', 1, 'x', 10, 7, 0, 3)";
        let refused = sqlx::query(orphan).execute(pool).await;
        assert!(refused.is_err(), "a line of an unknown person was stored");
    }
}

/// PostgreSQL: a person removed (leaving) while a batch naming them is being stored. The batch
/// waits for the removal to commit, finds the person gone and stores nothing — not lines
/// without a person (they have no per-line foreign key).
#[tokio::test]
async fn a_person_removed_during_an_import_fails_it_whole() {
    let tdb = crate::helpers::TestDb::new(crate::helpers::Backend::Postgres);
    let db = tdb.open().await;
    store_batch(&db, batch("b-race-0", Some("test-race"), "600", 3), "test")
        .await
        .unwrap();
    let Db::Postgres(pool) = &db else {
        unreachable!()
    };
    // Leaving, half-way: the person's row locked and their records deleted, not yet committed.
    let mut leaving = pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM people WHERE id = 'test-race' FOR UPDATE")
        .execute(&mut *leaving)
        .await
        .unwrap();
    for table in [
        "drug_lines",
        "expense_lines",
        "checkup_results",
        "checkups",
        "insurances",
        "record_versions",
        "people",
    ] {
        let column = if table == "people" { "id" } else { "person_id" };
        sqlx::query(&format!("DELETE FROM {table} WHERE {column} = 'test-race'"))
            .execute(&mut *leaving)
            .await
            .unwrap();
    }
    let import = {
        let db = db.clone();
        // Lines and notices only: a checkup keeps its own foreign key (which would refuse the
        // batch too, with a database error).
        let mut b = batch("b-race-1", Some("test-race"), "600", 9);
        b.people[0].checkups.clear();
        tokio::spawn(async move { store_batch(&db, b, "test").await })
    };
    // Until the import waits for a row the leaving transaction holds.
    let mut waited = 0;
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if waiting > 0 {
            break;
        }
        waited += 1;
        assert!(
            waited < 600,
            "the import never waited for the leaving transaction"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    leaving.commit().await.unwrap();
    let outcome = import.await.unwrap();
    assert!(
        matches!(outcome, Err(StoreError::PersonRemoved)),
        "{outcome:?}"
    );
    for table in [
        "drug_lines",
        "expense_lines",
        "checkups",
        "people",
        "import_batches",
    ] {
        let n = count(&db, table).await;
        let expected = if table == "import_batches" { 1 } else { 0 };
        assert_eq!(n, expected, "{table} after the refused batch");
    }
    db.close().await;
}

/// An insurer's row across batches: a batch that says nothing new leaves it as it is (and
/// unlocked, `records::import`), one without a registration keeps the stored one, and one
/// naming the insurer twice is applied in file order.
async fn insurers_change_only_when_a_batch_says_something_new(db: &Db) {
    use domain::checkups::CheckupRegistration;
    use domain::insurance::InsurerNumber;
    use server::import::InsurerInfo;
    let insurer = |name: &str, registration: Option<CheckupRegistration>| InsurerInfo {
        number: InsurerNumber::parse("06130017").unwrap(),
        name: name.to_owned(),
        checkup_registration: registration,
    };
    let registered = CheckupRegistration::Registered {
        since: Some(d(2024, 11, 1)),
    };
    let expected = CheckupRegistration::Expected {
        from: d(2026, 4, 1),
    };
    let steps: [(Vec<InsurerInfo>, (&str, Option<&str>, Option<&str>)); 5] = [
        (
            vec![insurer("健保A", Some(registered))],
            ("健保A", Some("registered"), Some("2024-11-01")),
        ),
        (
            vec![insurer("健保A", None)],
            ("健保A", Some("registered"), Some("2024-11-01")),
        ),
        (
            vec![insurer("健保B", None)],
            ("健保B", Some("registered"), Some("2024-11-01")),
        ),
        (
            vec![insurer("健保B", Some(expected))],
            ("健保B", Some("expected"), Some("2026-04-01")),
        ),
        (
            vec![
                insurer("健保B", Some(CheckupRegistration::NotParticipating)),
                insurer("健保B", None),
            ],
            ("健保B", Some("not_participating"), None),
        ),
    ];
    for (i, (insurers, want)) in steps.into_iter().enumerate() {
        let mut b = batch(&format!("ins-{i}"), Some("test-a"), "100", 1);
        b.insurers = insurers;
        store_batch(db, b, "test").await.unwrap();
        let row: (String, Option<String>, Option<String>) = server::with_pool!(db, pool => sqlx::query_as(
            "SELECT name, checkup_registration, CAST(checkup_registration_on AS TEXT) FROM insurers WHERE number = '06130017'",
        )
        .fetch_one(pool)
        .await
        .unwrap());
        assert_eq!(
            (row.0.as_str(), row.1.as_deref(), row.2.as_deref()),
            want,
            "after batch {i}"
        );
    }
}

crate::both_backends!(
    insurers_change_only_when_a_batch_says_something_new,
    awkward_text_reads_back_exactly,
    many_lines_read_back_exactly,
    import_leaves_no_dangling_keys,
    a_cached_read_sees_the_next_import,
    savings_are_hidden_under_late_stage_insurance,
    same_batch_twice_changes_nothing,
    a_failing_batch_leaves_nothing_behind,
    lines_read_back_exactly,
    people_are_matched_by_card_and_birth_date,
    many_people_in_one_batch_match_as_one_by_one,
    a_later_claim_supersedes_when_published,
    queries_are_scoped_to_the_person,
);
