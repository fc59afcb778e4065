//! Conversion of the wire structs into domain types, naming the JSON path of any bad field.

use super::wire::*;
use super::FORMAT_VERSION;
use crate::import::batch::{
    BatchId, ImportBatch, ImportError, ImportFormat, InsurerInfo, PersonIdentity, PersonRecords,
};
use crate::import::options::ParseOptions;
use chrono::NaiveDate;
use domain::checkups::{
    Checkup, CheckupKind, CheckupRegistration, CheckupResult, CheckupValue, Decimal, ItemCode,
    NotMeasuredReason, RangeFlag,
};
use domain::claim::{
    CareSetting, ClaimId, ClaimSource, InstitutionId, ReceiptIdentity, ReceiptKind,
};
use domain::drugs::{
    DispensedQuantity, DrugLine, DrugMark, PrescriptionKind, QuantityUnit, ReceiptDrugCode,
    UsageKind, YjCode,
};
use domain::expenses::{ExpenseLine, ServiceCategory};
use domain::insurance::{CardIdentity, InsurerNumber};
use domain::money::Yen;
use domain::people::{PersonId, Sex};
use domain::period::YearMonth;
use domain::visibility::{drug_visible_from, expense_claim_visible_from};
use serde::de::DeserializeOwned;

/// `YYYY-MM-DD` exactly (what almost every date is), without chrono's format machinery; any
/// other shape, or a day that does not exist, is left to `parse_from_str` (the same answer).
fn plain_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

pub(super) struct Converter<'a> {
    pub(super) file: &'a str,
    pub(super) opts: &'a ParseOptions,
}

type Res<T> = Result<T, ImportError>;

/// Where a value sits in the batch (`people[0].drugs[3].claim.claim_id`), written out only
/// for an error message: a batch of 100,000 lines would otherwise format some three million
/// path strings that nobody reads (a sixth of the parse in a profile).
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

static ROOT: Path<'static> = Path::Root;

impl<'a> Path<'a> {
    fn at<'s>(&'s self, field: &'s str) -> Path<'s>
    where
        'a: 's,
    {
        Path::Field(self, field)
    }

    fn index<'s>(&'s self, i: usize) -> Path<'s>
    where
        'a: 's,
    {
        Path::Index(self, i)
    }

    fn is_root(&self) -> bool {
        matches!(self, Path::Root)
    }
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(parent, name) if parent.is_root() => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

impl Converter<'_> {
    fn err(&self, field: impl std::fmt::Display, message: impl Into<String>) -> ImportError {
        ImportError::new(self.file, None, &field.to_string(), message)
    }

    /// serde's "missing field `x`" / "unknown field `x`" name the field; move it into the path.
    fn decode<T: DeserializeOwned>(&self, value: Nested<T>, path: &Path<'_>) -> Res<T> {
        let value = match value {
            Nested::Typed(t) => return Ok(t),
            Nested::Raw(value) => value,
        };
        let what = if path.is_root() {
            "the batch".to_owned()
        } else {
            path.to_string()
        };
        if !value.is_object() {
            return Err(self.err(
                if path.is_root() {
                    "(root)".to_owned()
                } else {
                    path.to_string()
                },
                format!("{what} must be a JSON object"),
            ));
        }
        serde_json::from_value(value).map_err(|e| {
            let message = e.to_string();
            let named = ["missing field `", "unknown field `"].iter().find_map(|prefix| {
                let rest = message.strip_prefix(prefix)?;
                rest.split_once('`').map(|(name, _)| name.to_owned())
            });
            match named {
                Some(name) if message.starts_with("unknown") => self.err(
                    &path.at(&name),
                    format!("is not part of format_version {FORMAT_VERSION} (check the spelling; see docs/import-format.md)"),
                ),
                Some(name) => self.err(&path.at(&name), "is required"),
                None => self.err(if path.is_root() { "(root)".to_owned() } else { path.to_string() }, message),
            }
        })
    }

    /// The text of a string field, trimmed and checked, borrowed: for the fields only parsed
    /// further (dates, codes, ids), which would otherwise copy every value once more.
    fn text_ref<'l>(&self, leaf: &'l Leaf, path: &Path<'_>) -> Res<&'l str> {
        match leaf {
            Leaf::Text(s) => match s.trim() {
                "" => Err(self.err(path, "must not be empty; leave the field out instead")),
                t => match crate::import::text::control_character(t) {
                    Some(c) => {
                        Err(self.err(path, crate::import::text::control_character_message(c)))
                    }
                    None => Ok(t),
                },
            },
            Leaf::Bool(b) => Err(self.err(path, format!("must be a string, not {b}"))),
            Leaf::Number(_) => Err(self.err(path, "must be a string (put it in quotes)")),
        }
    }

    fn text(&self, leaf: &Leaf, path: &Path<'_>) -> Res<String> {
        self.text_ref(leaf, path).map(str::to_owned)
    }

    fn opt_text(&self, leaf: &Option<Leaf>, path: &Path<'_>) -> Res<Option<String>> {
        leaf.as_ref().map(|l| self.text(l, path)).transpose()
    }

    /// [`Self::text`] of a leaf the caller is done with: its string is kept, not copied, when
    /// it needs no trimming (nearly always).
    fn text_owned(&self, leaf: Leaf, path: &Path<'_>) -> Res<String> {
        let trimmed = self.text_ref(&leaf, path)?.len();
        match leaf {
            Leaf::Text(s) if s.len() == trimmed => Ok(s),
            other => self.text(&other, path),
        }
    }

    fn opt_text_owned(&self, leaf: Option<Leaf>, path: &Path<'_>) -> Res<Option<String>> {
        leaf.map(|l| self.text_owned(l, path)).transpose()
    }

    fn opt_text_ref<'l>(&self, leaf: &'l Option<Leaf>, path: &Path<'_>) -> Res<Option<&'l str>> {
        leaf.as_ref().map(|l| self.text_ref(l, path)).transpose()
    }

    fn present<'l>(&self, leaf: &'l Option<Leaf>, path: &Path<'_>) -> Res<&'l Leaf> {
        leaf.as_ref().ok_or_else(|| self.err(path, "is required"))
    }

    fn date(&self, leaf: &Leaf, path: &Path<'_>) -> Res<NaiveDate> {
        let s = self.text_ref(leaf, path)?;
        if let Some(day) = plain_date(s) {
            return Ok(day);
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            self.err(
                path,
                format!("{s:?} is not a date; write it as YYYY-MM-DD, e.g. 2025-04-01"),
            )
        })
    }

    fn opt_date(&self, leaf: &Option<Leaf>, path: &Path<'_>) -> Res<Option<NaiveDate>> {
        leaf.as_ref().map(|l| self.date(l, path)).transpose()
    }

    fn month(&self, leaf: &Leaf, path: &Path<'_>) -> Res<YearMonth> {
        let s = self.text_ref(leaf, path)?;
        YearMonth::parse(s).map_err(|e| self.err(path, e.to_string()))
    }

    /// A 診療年月 ([`domain::visibility::claim_month`]: its publication must be datable).
    fn claim_month(&self, leaf: &Leaf, path: &Path<'_>) -> Res<YearMonth> {
        domain::visibility::claim_month(self.month(leaf, path)?)
            .map_err(|e| self.err(path, e.to_string()))
    }

    fn uint(&self, leaf: &Leaf, path: &Path<'_>) -> Res<u64> {
        match leaf {
            Leaf::Number(n) => n
                .as_u64()
                .ok_or_else(|| self.err(path, format!("{n} must be a whole number ≥ 0"))),
            _ => Err(self.err(path, "must be a number (not a string)")),
        }
    }

    fn yen(&self, leaf: &Leaf, path: &Path<'_>) -> Res<Yen> {
        match leaf {
            Leaf::Number(n) => n
                .as_i64()
                .map(Yen)
                .ok_or_else(|| self.err(path, format!("{n} must be a whole number of yen"))),
            _ => Err(self.err(path, "must be a number of yen (not a string)")),
        }
    }

    fn opt_yen(&self, leaf: &Option<Leaf>, path: &Path<'_>) -> Res<Option<Yen>> {
        leaf.as_ref().map(|l| self.yen(l, path)).transpose()
    }

    fn choice<T: Copy>(&self, leaf: &Leaf, path: &Path<'_>, options: &[(&str, T)]) -> Res<T> {
        let s = self.text_ref(leaf, path)?;
        options
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                self.err(path, format!("{s:?} is not one of {}", names.join(", ")))
            })
    }

    pub(super) fn batch(&self, root: Nested<WireBatch>) -> Res<ImportBatch> {
        let wire: WireBatch = self.decode(root, &ROOT)?;
        let (insurers_path, people_path) = (ROOT.at("insurers"), ROOT.at("people"));
        if self.uint(&wire.format_version, &ROOT.at("format_version"))? != FORMAT_VERSION {
            return Err(self.err(
                "format_version",
                format!("this Karte reads format_version {FORMAT_VERSION} only"),
            ));
        }
        let raw_id = self.text(&wire.batch_id, &ROOT.at("batch_id"))?;
        let batch_id = BatchId::parse(&raw_id).map_err(|e| self.err("batch_id", e))?;
        if wire.people.is_empty() {
            return Err(self.err(
                "people",
                "the batch holds no people; there is nothing to import",
            ));
        }
        if self.opts.person.is_some() && wire.people.len() > 1 {
            return Err(self.err(
                "people",
                format!("--person names one person but the batch holds {}; give each person an id instead", wire.people.len()),
            ));
        }
        let insurers = wire
            .insurers
            .into_iter()
            .enumerate()
            .map(|(i, v)| self.insurer(v, &insurers_path.index(i)))
            .collect::<Res<Vec<_>>>()?;
        let people = wire
            .people
            .into_iter()
            .enumerate()
            .map(|(i, v)| self.person_records(v, &people_path.index(i)))
            .collect::<Res<Vec<_>>>()?;
        Ok(ImportBatch {
            batch_id,
            format: ImportFormat::Json,
            insurers,
            people,
            warnings: Vec::new(),
        })
    }

    fn insurer(&self, value: Nested<WireInsurer>, path: &Path<'_>) -> Res<InsurerInfo> {
        let w: WireInsurer = self.decode(value, path)?;
        let number_path = path.at("number");
        let number = InsurerNumber::parse(self.text_ref(&w.number, &number_path)?)
            .map_err(|e| self.err(&number_path, e.to_string()))?;
        let name = self.text_owned(w.name, &path.at("name"))?;
        let checkup_registration = w
            .checkup_registration
            .map(|v| self.registration(v, &path.at("checkup_registration")))
            .transpose()?;
        Ok(InsurerInfo {
            number,
            name,
            checkup_registration,
        })
    }

    fn registration(
        &self,
        value: Nested<WireRegistration>,
        path: &Path<'_>,
    ) -> Res<CheckupRegistration> {
        let w: WireRegistration = self.decode(value, path)?;
        let status = self.text_owned(w.status, &path.at("status"))?;
        let since = self.opt_date(&w.since, &path.at("since"))?;
        let from = self.opt_date(&w.from, &path.at("from"))?;
        match status.as_str() {
            "registered" if from.is_none() => Ok(CheckupRegistration::Registered { since }),
            "expected" if since.is_none() => from
                .map(|from| CheckupRegistration::Expected { from })
                .ok_or_else(|| self.err(&path.at("from"), "is required when status is \"expected\"")),
            "not_participating" if since.is_none() && from.is_none() => Ok(CheckupRegistration::NotParticipating),
            "registered" | "expected" | "not_participating" => Err(self.err(
                path,
                "\"registered\" takes only since, \"expected\" only from, \"not_participating\" neither",
            )),
            other => Err(self.err(
                &path.at("status"),
                format!("{other:?} is not one of registered, expected, not_participating"),
            )),
        }
    }

    fn person_records(&self, value: Nested<WirePerson>, path: &Path<'_>) -> Res<PersonRecords> {
        let w: WirePerson = self.decode(value, path)?;
        let person = self.identity(w.person, &path.at("person"))?;
        let owner = self.opts.line_owner(person.id.as_ref());
        let (drugs_path, checkups_path, expenses_path) =
            (path.at("drugs"), path.at("checkups"), path.at("expenses"));
        let drugs = w
            .drugs
            .into_iter()
            .enumerate()
            .map(|(i, v)| self.drug(v, &drugs_path.index(i), &owner))
            .collect::<Res<Vec<_>>>()?;
        let checkups = w
            .checkups
            .into_iter()
            .enumerate()
            .map(|(i, v)| self.checkup(v, &checkups_path.index(i)))
            .collect::<Res<Vec<_>>>()?;
        let expenses = w
            .expenses
            .into_iter()
            .enumerate()
            .map(|(i, v)| self.expense(v, &expenses_path.index(i), &owner))
            .collect::<Res<Vec<_>>>()?;
        Ok(PersonRecords {
            person,
            drugs,
            checkups,
            expenses,
        })
    }

    fn identity(&self, value: Nested<WireIdentity>, path: &Path<'_>) -> Res<PersonIdentity> {
        let w: WireIdentity = self.decode(value, path)?;
        let id_path = path.at("id");
        let from_file =
            w.id.as_ref()
                .map(|l| {
                    let s = self.text(l, &id_path)?;
                    PersonId::parse(&s).map_err(|e| self.err(&id_path, e.to_string()))
                })
                .transpose()?;
        let sex = w
            .sex
            .as_ref()
            .map(|l| {
                self.choice(
                    l,
                    &path.at("sex"),
                    &[("male", Sex::Male), ("female", Sex::Female)],
                )
            })
            .transpose()?;
        let card = w.card.map(|v| self.card(v, &path.at("card"))).transpose()?;
        Ok(PersonIdentity {
            id: self.opts.person.clone().or(from_file),
            name: self.text_owned(w.name, &path.at("name"))?,
            name_kana: self.opt_text_owned(w.name_kana, &path.at("name_kana"))?,
            sex,
            birth_date: self.opt_date(&w.birth_date, &path.at("birth_date"))?,
            card,
            insurer_name: self.opt_text_owned(w.insurer_name, &path.at("insurer_name"))?,
            insured_since: self.opt_date(&w.insured_since, &path.at("insured_since"))?,
        })
    }

    fn card(&self, value: Nested<WireCard>, path: &Path<'_>) -> Res<CardIdentity> {
        let w: WireCard = self.decode(value, path)?;
        let insurer = self.text_owned(w.insurer_number, &path.at("insurer_number"))?;
        let symbol = self
            .opt_text(&w.symbol, &path.at("symbol"))?
            .unwrap_or_default();
        let number = self.text_owned(w.number, &path.at("number"))?;
        let branch = self
            .opt_text(&w.branch, &path.at("branch"))?
            .unwrap_or_default();
        CardIdentity::parse(&insurer, &symbol, &number, &branch)
            .map_err(|e| self.err(path, e.to_string()))
    }

    /// The claim of a line; `default` gives the receipt identity where the file leaves it out
    /// (from the line's 診療区分 or 処方区分; docs/import-format.md).
    fn claim(
        &self,
        value: Nested<WireClaim>,
        path: &Path<'_>,
        owner: &PersonId,
        default: impl FnOnce() -> ReceiptIdentity,
    ) -> Res<ClaimSource> {
        let w: WireClaim = self.decode(value, path)?;
        let id_path = path.at("claim_id");
        let inst_path = path.at("institution_id");
        Ok(ClaimSource {
            claim_id: ClaimId::parse(self.text_ref(&w.claim_id, &id_path)?)
                .map_err(|e| self.err(&id_path, e.to_string()))?,
            person: owner.clone(),
            institution: InstitutionId::parse(self.text_ref(&w.institution_id, &inst_path)?)
                .map_err(|e| self.err(&inst_path, e.to_string()))?,
            service_month: self.claim_month(&w.service_month, &path.at("service_month"))?,
            receipt: self.receipt(&w, path, default)?,
            accepted_on: self.date(&w.accepted_on, &path.at("accepted_on"))?,
            sequence: self.uint(&w.sequence, &path.at("sequence"))?,
            imported_by_you: false,
        })
    }

    fn receipt(
        &self,
        w: &WireClaim,
        path: &Path<'_>,
        default: impl FnOnce() -> ReceiptIdentity,
    ) -> Res<ReceiptIdentity> {
        let kind_path = path.at("receipt_kind");
        let kind = w
            .receipt_kind
            .as_ref()
            .map(|l| {
                self.choice(
                    l,
                    &kind_path,
                    &[
                        ("medical", ReceiptKind::Medical),
                        ("dental", ReceiptKind::Dental),
                        ("pharmacy", ReceiptKind::Pharmacy),
                        ("dpc", ReceiptKind::Dpc),
                        ("home_nursing", ReceiptKind::HomeNursing),
                    ],
                )
            })
            .transpose()?;
        let setting = w
            .care_setting
            .as_ref()
            .map(|l| {
                self.choice(
                    l,
                    &path.at("care_setting"),
                    &[
                        ("inpatient", CareSetting::Inpatient),
                        ("outpatient", CareSetting::Outpatient),
                    ],
                )
            })
            .transpose()?;
        let rx_path = path.at("prescribing_institution_id");
        let prescriber = self
            .opt_text_ref(&w.prescribing_institution_id, &rx_path)?
            .map(|s| InstitutionId::parse(s).map_err(|e| self.err(&rx_path, e.to_string())))
            .transpose()?;
        let default = default();
        let kind = kind.unwrap_or(default.kind);
        if prescriber.is_some() && kind != ReceiptKind::Pharmacy {
            return Err(self.err(
                &rx_path,
                "is only for 調剤 receipts (receipt_kind \"pharmacy\")",
            ));
        }
        let same_kind = kind == default.kind;
        Ok(ReceiptIdentity {
            kind,
            setting: setting.unwrap_or(match kind {
                ReceiptKind::Dpc => CareSetting::Inpatient,
                _ if same_kind => default.setting,
                _ => CareSetting::Outpatient,
            }),
            prescriber: prescriber.or(if same_kind { default.prescriber } else { None }),
        })
    }

    fn drug(&self, value: Nested<WireDrug>, path: &Path<'_>, owner: &PersonId) -> Res<DrugLine> {
        let w: WireDrug = self.decode(value, path)?;
        let p = |f: &'static str| path.at(f);
        let prescriber = InstitutionId::parse(self.text_ref(&w.prescriber, &p("prescriber"))?)
            .map_err(|e| self.err(&p("prescriber"), e.to_string()))?;
        let prescription = self.choice(
            &w.prescription,
            &p("prescription"),
            &[
                ("inpatient", PrescriptionKind::Inpatient),
                ("in_house", PrescriptionKind::InHouse),
                ("out_of_house", PrescriptionKind::OutOfHouse),
            ],
        )?;
        let claim = self.claim(w.claim, &p("claim"), owner, || {
            ReceiptIdentity::for_drug(prescription, &prescriber)
        })?;
        let visible_from = self
            .opt_date(&w.visible_from, &p("visible_from"))?
            .unwrap_or_else(|| drug_visible_from(claim.service_month, Some(claim.accepted_on)));
        let quantity: WireQuantity = self.decode(w.quantity, &p("quantity"))?;
        let amount = self.uint(&quantity.amount, &p("quantity.amount"))?;
        let amount =
            u32::try_from(amount).map_err(|_| self.err(&p("quantity.amount"), "is too large"))?;
        let mark = w
            .mark
            .as_ref()
            .map(|l| {
                self.choice(
                    l,
                    &p("mark"),
                    &[
                        ("narcotic", DrugMark::Narcotic),
                        ("poison", DrugMark::Poison),
                        ("stimulant_precursor", DrugMark::StimulantPrecursor),
                        ("psychotropic", DrugMark::Psychotropic),
                    ],
                )
            })
            .transpose()?;
        let receipt_code = self
            .opt_text_ref(&w.receipt_code, &p("receipt_code"))?
            .map(|s| {
                ReceiptDrugCode::parse(s).map_err(|e| self.err(&p("receipt_code"), e.to_string()))
            })
            .transpose()?;
        let yj_code = self
            .opt_text_ref(&w.yj_code, &p("yj_code"))?
            .map(|s| YjCode::parse(s).map_err(|e| self.err(&p("yj_code"), e.to_string())))
            .transpose()?;
        let savings = self.opt_yen(&w.savings, &p("savings"))?;
        let copay = self.opt_yen(&w.copay, &p("copay"))?;
        if savings.is_some() && copay.is_none() {
            return Err(self.err(
                &p("copay"),
                "is required with savings (削減可能額 is shown next to 自己負担相当額)",
            ));
        }
        Ok(DrugLine {
            visible_from,
            dispensed_on: self.date(&w.dispensed_on, &p("dispensed_on"))?,
            dispenser_name: self.text_owned(w.dispenser_name, &p("dispenser_name"))?,
            prescriber,
            prescription,
            usage: self.choice(
                &w.usage,
                &p("usage"),
                &[
                    ("oral", UsageKind::Oral),
                    ("external", UsageKind::External),
                    ("as_needed", UsageKind::AsNeeded),
                    ("injection", UsageKind::Injection),
                    ("home_care", UsageKind::HomeCare),
                ],
            )?,
            drug_name: self.text_owned(w.drug_name, &p("drug_name"))?,
            ingredient: self.opt_text_owned(w.ingredient, &p("ingredient"))?,
            receipt_code,
            yj_code,
            directions: self.opt_text_owned(w.directions, &p("directions"))?,
            daily_dose: self.opt_text_owned(w.daily_dose, &p("daily_dose"))?,
            single_dose: self.opt_text_owned(w.single_dose, &p("single_dose"))?,
            special_instructions: self
                .opt_text(&w.special_instructions, &p("special_instructions"))?,
            quantity: DispensedQuantity {
                amount,
                unit: QuantityUnit::parse(self.text_ref(&quantity.unit, &p("quantity.unit"))?),
            },
            mark,
            copay,
            savings,
            claim,
        })
    }

    fn checkup(&self, value: Nested<WireCheckup>, path: &Path<'_>) -> Res<Checkup> {
        let w: WireCheckup = self.decode(value, path)?;
        let p = |f: &'static str| path.at(f);
        let results_path = path.at("results");
        let insurer = InsurerNumber::parse(self.text_ref(&w.insurer_number, &p("insurer_number"))?)
            .map_err(|e| self.err(&p("insurer_number"), e.to_string()))?;
        let results = w
            .results
            .into_iter()
            .enumerate()
            .map(|(i, v)| self.result(v, &results_path.index(i)))
            .collect::<Res<Vec<_>>>()?;
        Ok(Checkup {
            performed_on: self.date(&w.performed_on, &p("performed_on"))?,
            institution_name: self.text_owned(w.institution_name, &p("institution_name"))?,
            kind: self.choice(
                &w.kind,
                &p("kind"),
                &[
                    (
                        "specific_health_checkup",
                        CheckupKind::SpecificHealthCheckup,
                    ),
                    ("late_stage_elderly", CheckupKind::LateStageElderly),
                ],
            )?,
            insurer,
            results,
        })
    }

    fn result(&self, value: Nested<WireResult>, path: &Path<'_>) -> Res<CheckupResult> {
        let w: WireResult = self.decode(value, path)?;
        let code_path = path.at("code");
        let code = ItemCode::parse(self.text_ref(&w.code, &code_path)?)
            .map_err(|e| self.err(&code_path, e.to_string()))?;
        let vp = path.at("value");
        let v: WireValue = self.decode(w.value, &vp)?;
        let p = |f: &'static str| vp.at(f);
        let kind = self.text(&v.kind, &p("type"))?;
        // Each type takes its own fields only, so a misplaced field is an error, not ignored.
        let allowed: &[&str] = match kind.as_str() {
            "numeric" => &["value", "unit", "out_of_range"],
            "coded" => &["code", "display"],
            "text" => &["text"],
            "not_measured" => &["reason", "reason_text"],
            other => {
                return Err(self.err(
                    &p("type"),
                    format!("{other:?} is not one of numeric, coded, text, not_measured"),
                ))
            }
        };
        let present = [
            ("value", v.value.is_some()),
            ("unit", v.unit.is_some()),
            ("out_of_range", v.out_of_range.is_some()),
            ("code", v.code.is_some()),
            ("display", v.display.is_some()),
            ("text", v.text.is_some()),
            ("reason", v.reason.is_some()),
            ("reason_text", v.reason_text.is_some()),
        ];
        if let Some((name, _)) = present
            .iter()
            .find(|(name, set)| *set && !allowed.contains(name))
        {
            return Err(self.err(&p(name), format!("does not belong to a {kind:?} value")));
        }
        let value = match kind.as_str() {
            "numeric" => {
                let raw = match self.present(&v.value, &p("value"))? {
                    Leaf::Text(s) => s.clone(),
                    Leaf::Number(n) => n.to_string(),
                    Leaf::Bool(_) => {
                        return Err(self.err(&p("value"), "must be a decimal number, e.g. \"5.6\""))
                    }
                };
                CheckupValue::Numeric {
                    value: Decimal::parse(&raw)
                        .map_err(|e| self.err(&p("value"), e.to_string()))?,
                    unit: v
                        .unit
                        .as_ref()
                        .map(|l| self.text(l, &p("unit")))
                        .transpose()?
                        .unwrap_or_default(),
                    out_of_range: v
                        .out_of_range
                        .as_ref()
                        .map(|l| {
                            self.choice(
                                l,
                                &p("out_of_range"),
                                &[("above", RangeFlag::Above), ("below", RangeFlag::Below)],
                            )
                        })
                        .transpose()?,
                }
            }
            "coded" => CheckupValue::Coded {
                code: self.text(self.present(&v.code, &p("code"))?, &p("code"))?,
                display: self.opt_text(&v.display, &p("display"))?,
            },
            "text" => {
                CheckupValue::Text(self.text(self.present(&v.text, &p("text"))?, &p("text"))?)
            }
            _ => {
                let reason = self.text(self.present(&v.reason, &p("reason"))?, &p("reason"))?;
                let reason_text = self.opt_text(&v.reason_text, &p("reason_text"))?;
                CheckupValue::NotMeasured(match (reason.as_str(), reason_text) {
                    ("not_performed", None) => NotMeasuredReason::NotPerformed,
                    ("unmeasurable", None) => NotMeasuredReason::Unmeasurable,
                    ("stated", Some(text)) => NotMeasuredReason::Stated(text),
                    ("stated", None) => {
                        return Err(
                            self.err(&p("reason_text"), "is required when reason is \"stated\"")
                        )
                    }
                    ("not_performed" | "unmeasurable", Some(_)) => {
                        return Err(self.err(&p("reason_text"), "is only for reason \"stated\""))
                    }
                    (other, _) => {
                        return Err(self.err(
                            &p("reason"),
                            format!("{other:?} is not one of not_performed, unmeasurable, stated"),
                        ))
                    }
                })
            }
        };
        Ok(CheckupResult { code, value })
    }

    fn expense(
        &self,
        value: Nested<WireExpense>,
        path: &Path<'_>,
        owner: &PersonId,
    ) -> Res<ExpenseLine> {
        let w: WireExpense = self.decode(value, path)?;
        let p = |f: &'static str| path.at(f);
        let category = ServiceCategory::parse(self.text_ref(&w.category, &p("category"))?);
        let claim = self.claim(w.claim, &p("claim"), owner, || {
            ReceiptIdentity::for_expense(&category)
        })?;
        if let Some(leaf) = &w.service_month {
            if self.month(leaf, &p("service_month"))? != claim.service_month {
                return Err(self.err(
                    &p("service_month"),
                    "differs from claim.service_month; leave it out or make them equal",
                ));
            }
        }
        // A late claim is published with the batch after its acceptance, never before the
        // regular date (the one rule in domain::visibility).
        let visible_from = self
            .opt_date(&w.visible_from, &p("visible_from"))?
            .unwrap_or_else(|| expense_claim_visible_from(claim.service_month, claim.accepted_on));
        let days = self.uint(&w.days, &p("days"))?;
        Ok(ExpenseLine {
            visible_from,
            service_month: claim.service_month,
            category,
            days: u32::try_from(days).map_err(|_| self.err(&p("days"), "is too large"))?,
            institution_name: self.text_owned(w.institution_name, &p("institution_name"))?,
            total: self.yen(&w.total, &p("total"))?,
            insurer_paid: self.yen(&w.insurer_paid, &p("insurer_paid"))?,
            public_paid: self.yen(&w.public_paid, &p("public_paid"))?,
            patient_paid: self.yen(&w.patient_paid, &p("patient_paid"))?,
            claim,
        })
    }
}
