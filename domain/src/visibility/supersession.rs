use crate::claim::{ClaimSource, ClaimedLine};
use std::collections::HashMap;

/// Keeps only the lines of the latest claim per receipt ([`ClaimSource::supersession_key`]:
/// person, institution, month, kind, 入院・入院外, 処方医療機関). A late claim or a
/// re-claim after 返戻 repeats the lines it bills for, and the spec says the LATER claim's lines
/// replace the earlier ones, so a whole earlier claim drops out, not line by line.
///
/// Pure: input order is kept, and "later" is decided by [`ClaimSource::recency`], never by
/// position. Apply it to visible lines only, so an unpublished re-claim does not hide the
/// published original.
pub fn current_lines<L: ClaimedLine>(lines: &[L]) -> Vec<&L> {
    let mut latest: HashMap<_, &ClaimSource> = HashMap::new();
    for line in lines {
        let claim = line.claim();
        latest
            .entry(claim.supersession_key())
            .and_modify(|best| {
                if claim.recency() > best.recency() {
                    *best = claim;
                }
            })
            .or_insert(claim);
    }
    lines
        .iter()
        .filter(|line| {
            let claim = line.claim();
            latest[&claim.supersession_key()].claim_id == claim.claim_id
        })
        .collect()
}

/// Drops the lines a person brought in from a pharmacy's お薬手帳 (JAHIS) once a claim from
/// the insurer covers the same pharmacy and month (same person, institution and service
/// month): the claim lines take over and the hand-brought ones are never shown twice. Pure;
/// input order is kept. Apply it to visible lines, so an unpublished claim retires nothing.
pub fn retire_notebook_lines<L: ClaimedLine>(lines: Vec<L>) -> Vec<L> {
    if !lines.iter().any(|l| l.claim().from_pharmacy_notebook()) {
        return lines;
    }
    let claimed: std::collections::HashSet<_> = lines
        .iter()
        .map(ClaimedLine::claim)
        .filter(|c| !c.self_imported())
        .map(|c| (c.person.clone(), c.institution.clone(), c.service_month))
        .collect();
    lines
        .into_iter()
        .filter(|l| {
            let c = l.claim();
            !(c.from_pharmacy_notebook()
                && claimed.contains(&(c.person.clone(), c.institution.clone(), c.service_month)))
        })
        .collect()
}

/// Whether `line` is replaced by a later claim among `others` (which may include itself).
pub fn is_superseded<L: ClaimedLine>(line: &L, others: &[L]) -> bool {
    let claim = line.claim();
    others.iter().map(ClaimedLine::claim).any(|other| {
        other.supersession_key() == claim.supersession_key() && other.recency() > claim.recency()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_retires_the_notebook_lines_of_its_pharmacy_and_month() {
        let notebook = line("self-jahis-1", "1341234567", 4, 10, "notebook");
        let other_month = line("self-jahis-2", "1341234567", 5, 10, "notebook, May");
        let other_pharmacy = line(
            "self-jahis-3",
            "1349999999",
            4,
            10,
            "notebook, other pharmacy",
        );
        let own_file = line("self-0001", "1341234567", 4, 10, "マイナポータル upload");
        let lines = vec![
            notebook.clone(),
            other_month.clone(),
            other_pharmacy.clone(),
            own_file.clone(),
        ];
        // Before the claim: everything shown.
        assert_eq!(retire_notebook_lines(lines.clone()).len(), 4);
        // Another self-imported file does not retire a notebook line.
        let claim = line("rcpt-9", "1341234567", 4, 20, "claim");
        let mut with_claim = lines;
        with_claim.push(claim);
        let kept: Vec<_> = retire_notebook_lines(with_claim)
            .into_iter()
            .map(|l| l.label)
            .collect();
        assert_eq!(
            kept,
            [
                "notebook, May",
                "notebook, other pharmacy",
                "マイナポータル upload",
                "claim"
            ]
        );
    }
    use crate::claim::{ClaimId, InstitutionId};
    use crate::people::PersonId;
    use crate::period::YearMonth;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Line {
        claim: ClaimSource,
        label: &'static str,
    }

    impl ClaimedLine for Line {
        fn claim(&self) -> &ClaimSource {
            &self.claim
        }
        fn visible_from(&self) -> NaiveDate {
            self.claim.accepted_on
        }
    }

    fn line(claim: &str, inst: &str, month: u32, accepted_day: u32, label: &'static str) -> Line {
        Line {
            claim: ClaimSource {
                claim_id: ClaimId::parse(claim).unwrap(),
                person: PersonId::parse("demo-sato").unwrap(),
                institution: InstitutionId::parse(inst).unwrap(),
                service_month: YearMonth::new(2025, month).unwrap(),
                receipt: Default::default(),
                accepted_on: NaiveDate::from_ymd_opt(2025, 6, accepted_day).unwrap(),
                sequence: 0,
                imported_by_you: false,
            },
            label,
        }
    }

    #[test]
    fn later_claim_replaces_all_lines_of_the_earlier() {
        let lines = vec![
            line("c1", "clinic", 1, 5, "old A"),
            line("c1", "clinic", 1, 5, "old B"),
            line("c2", "clinic", 1, 20, "new A"),
            line("c3", "other", 1, 5, "other clinic"),
            line("c4", "clinic", 2, 5, "other month"),
        ];
        let kept: Vec<_> = current_lines(&lines).iter().map(|l| l.label).collect();
        assert_eq!(kept, ["new A", "other clinic", "other month"]);
        assert!(is_superseded(&lines[0], &lines));
        assert!(!is_superseded(&lines[2], &lines));
    }

    /// receipts.md §2: a hospital's 入院 and 入院外 receipts, its 医科 and 歯科 receipts, and a
    /// pharmacy's receipts for two 処方医療機関 are separate receipts; only a re-claim of the
    /// same receipt replaces it.
    #[test]
    fn only_a_reclaim_of_the_same_receipt_supersedes() {
        use crate::claim::{CareSetting, ReceiptIdentity, ReceiptKind};
        let with = |mut l: Line, kind, setting, rx: Option<&str>| {
            l.claim.receipt = ReceiptIdentity {
                kind,
                setting,
                prescriber: rx.map(|r| InstitutionId::parse(r).unwrap()),
            };
            l
        };
        use CareSetting::{Inpatient, Outpatient};
        use ReceiptKind::{Dental, Medical, Pharmacy};
        let lines = vec![
            with(line("c1", "hosp", 1, 5, "入院"), Medical, Inpatient, None),
            with(
                line("c2", "hosp", 1, 6, "入院外"),
                Medical,
                Outpatient,
                None,
            ),
            with(line("c3", "hosp", 1, 7, "歯科"), Dental, Outpatient, None),
            with(
                line("c4", "ph", 1, 5, "rx A"),
                Pharmacy,
                Outpatient,
                Some("a"),
            ),
            with(
                line("c5", "ph", 1, 6, "rx B"),
                Pharmacy,
                Outpatient,
                Some("b"),
            ),
            with(
                line("c6", "hosp", 1, 20, "入院外 再請求"),
                Medical,
                Outpatient,
                None,
            ),
        ];
        let kept: Vec<_> = current_lines(&lines).iter().map(|l| l.label).collect();
        assert_eq!(kept, ["入院", "歯科", "rx A", "rx B", "入院外 再請求"]);
    }

    #[test]
    fn same_day_claims_use_sequence() {
        let mut a = line("c1", "clinic", 1, 5, "first");
        let mut b = line("c2", "clinic", 1, 5, "second");
        a.claim.sequence = 2;
        b.claim.sequence = 1;
        let lines = [a, b];
        let kept: Vec<_> = current_lines(&lines).iter().map(|l| l.label).collect();
        assert_eq!(kept, ["first"]);
    }

    proptest! {
        #[test]
        fn result_does_not_depend_on_order(days in proptest::collection::vec((1u32..28, 0usize..2), 1..12)) {
            let lines: Vec<Line> = days
                .iter()
                .enumerate()
                .map(|(i, (day, inst))| {
                    let mut l = line("c", ["a", "b"][*inst], 1, *day, "x");
                    l.claim.claim_id = ClaimId::parse(&format!("c{i}")).unwrap();
                    l
                })
                .collect();
            let mut reversed = lines.clone();
            reversed.reverse();
            let mut forward: Vec<_> = current_lines(&lines).iter().map(|l| l.claim.claim_id.clone()).collect();
            let mut backward: Vec<_> = current_lines(&reversed).iter().map(|l| l.claim.claim_id.clone()).collect();
            forward.sort();
            backward.sort();
            prop_assert_eq!(&forward, &backward);
            // Exactly one claim survives per institution present.
            let institutions: std::collections::HashSet<_> = days.iter().map(|(_, i)| *i).collect();
            prop_assert_eq!(forward.len(), institutions.len());
        }
    }
}
