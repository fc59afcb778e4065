//! Reading the document: person, checkup date, institution and results.

use super::tree::Node;
use super::*;
use crate::import::batch::{BatchId, ImportFormat, ImportWarning, PersonIdentity, PersonRecords};
use chrono::NaiveDate;
use domain::checkups::{
    Checkup, CheckupKind, CheckupResult, CheckupValue, Decimal, ItemCode, NotMeasuredReason,
    RangeFlag,
};
use domain::insurance::{CardIdentity, InsurerNumber};
use domain::people::Sex;

pub(super) struct Reader<'a> {
    pub(super) file: &'a str,
    pub(super) lines: &'a LineIndex,
    pub(super) warnings: Vec<ImportWarning>,
}

type Res<T> = Result<T, ImportError>;

/// Converter templates ship with 99999999 in every date and code; such a file is not data.
fn is_placeholder(value: &str) -> bool {
    value.len() >= 8 && value.bytes().all(|b| b == b'9')
}

impl Reader<'_> {
    fn err(&self, node: &Node, field: &str, message: impl Into<String>) -> ImportError {
        ImportError::new(
            self.file,
            Some(self.lines.line_of(node.offset)),
            field,
            message,
        )
    }

    fn warn(&mut self, node: &Node, field: &str, message: impl Into<String>) {
        let w = ImportWarning::new(
            self.file,
            Some(self.lines.line_of(node.offset)),
            field,
            message,
        );
        self.warnings.push(w);
    }

    fn require<'n>(&self, parent: &'n Node, path: &[&str], field: &str) -> Res<&'n Node> {
        parent
            .path(path)
            .ok_or_else(|| self.err(parent, field, "is missing"))
    }

    fn required_attr<'n>(&self, node: &'n Node, attr: &str, field: &str) -> Res<&'n str> {
        let value = node
            .attr(attr)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| self.err(node, field, "is missing"))?;
        if is_placeholder(value) {
            return Err(self.err(node, field, format!("holds the placeholder {value}; this looks like a converter template, not a real checkup")));
        }
        Ok(value)
    }

    /// HL7 TS: YYYYMMDD, optionally followed by a time; only the date is used.
    fn date(&self, node: &Node, field: &str) -> Res<NaiveDate> {
        let raw = self.required_attr(node, "value", field)?;
        raw.get(..8)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok())
            .ok_or_else(|| {
                self.err(
                    node,
                    field,
                    format!("{raw:?} is not a date; expected YYYYMMDD"),
                )
            })
    }

    pub(super) fn document(
        mut self,
        root: &Node,
        bytes: &[u8],
        opts: &ParseOptions,
    ) -> Res<ImportBatch> {
        self.report_kind(root)?;
        const PATIENT_ROLE: &str = "ClinicalDocument/recordTarget/patientRole";
        let role = self.require(root, &["recordTarget", "patientRole"], PATIENT_ROLE)?;
        let mut ids = [
            (OID_INSURER, None),
            (OID_SYMBOL, None),
            (OID_NUMBER, None),
            (OID_BRANCH, None),
        ];
        for id in role.children_named("id") {
            if let Some(slot) = ids
                .iter_mut()
                .find(|(oid, _)| Some(*oid) == id.attr("root"))
            {
                let field = format!("{PATIENT_ROLE}/id[@root='{}']/@extension", slot.0);
                slot.1 = Some((
                    id,
                    self.required_attr(id, "extension", &field)?.to_owned(),
                    field,
                ));
            }
        }
        let [insurer_id, symbol_id, number_id, branch_id] = ids.map(|(_, v)| v);
        let (insurer_node, insurer_raw, insurer_field) = insurer_id.ok_or_else(|| {
            self.err(
                role,
                &format!("{PATIENT_ROLE}/id[@root='{OID_INSURER}']"),
                "保険者番号 is missing",
            )
        })?;
        let insurer = InsurerNumber::parse(&insurer_raw)
            .map_err(|e| self.err(insurer_node, &insurer_field, e.to_string()))?;
        let card = match &number_id {
            Some((node, number, _)) => {
                let text = |v: &Option<(&Node, String, String)>| {
                    v.as_ref().map(|(_, s, _)| s.clone()).unwrap_or_default()
                };
                match CardIdentity::parse(
                    insurer.as_str(),
                    &text(&symbol_id),
                    number,
                    &text(&branch_id),
                ) {
                    Ok(card) => Some(card),
                    Err(e) => {
                        self.warn(
                            node,
                            &format!("{PATIENT_ROLE}/id"),
                            format!("card kept as unknown: {e}"),
                        );
                        None
                    }
                }
            }
            None => None,
        };

        const PATIENT: &str = "ClinicalDocument/recordTarget/patientRole/patient";
        let patient = self.require(role, &["patient"], PATIENT)?;
        let sex = match patient.child("administrativeGenderCode") {
            Some(node) => {
                let field = format!("{PATIENT}/administrativeGenderCode/@code");
                let code = self.required_attr(node, "code", &field)?;
                Some(Sex::from_code(code).map_err(|e| self.err(node, &field, e.to_string()))?)
            }
            None => None,
        };
        let birth = self.require(patient, &["birthTime"], &format!("{PATIENT}/birthTime"))?;
        let birth_date = self.date(birth, &format!("{PATIENT}/birthTime/@value"))?;
        // hc08 usually carries no name (the insurer matches by card); a kana name may be sent.
        let name = patient
            .child("name")
            .map(|n| n.text.trim().to_owned())
            .unwrap_or_default();

        const EVENT: &str = "ClinicalDocument/documentationOf/serviceEvent";
        let event = self.require(root, &["documentationOf", "serviceEvent"], EVENT)?;
        let when = self.require(event, &["effectiveTime"], &format!("{EVENT}/effectiveTime"))?;
        let performed_on = self.date(when, &format!("{EVENT}/effectiveTime/@value"))?;
        if let Some(program) = event.child("code") {
            self.required_attr(program, "code", &format!("{EVENT}/code/@code"))?;
        }
        const ORG: &str = "ClinicalDocument/documentationOf/serviceEvent/performer/assignedEntity/representedOrganization";
        let org = self.require(
            event,
            &["performer", "assignedEntity", "representedOrganization"],
            ORG,
        )?;
        if let Some(id) = org
            .children_named("id")
            .find(|i| i.attr("root") == Some(OID_INSTITUTION))
        {
            // Checked (placeholder files put 9999999999 here too) though `Checkup` keeps only the name.
            self.required_attr(id, "extension", &format!("{ORG}/id/@extension"))?;
        }
        let institution_name = org
            .child("name")
            .map(|n| n.text.trim().to_owned())
            .filter(|n| !n.is_empty());
        let institution_name = institution_name
            .ok_or_else(|| self.err(org, &format!("{ORG}/name"), "健診機関名称 is missing"))?;

        let (kind, results) = self.results(root, &insurer)?;
        let person = PersonIdentity {
            id: opts.person.clone(),
            name,
            name_kana: None,
            sex,
            birth_date: Some(birth_date),
            card,
            insurer_name: None,
            insured_since: None,
        };
        let checkup = Checkup {
            performed_on,
            institution_name,
            kind,
            insurer,
            results,
        };
        Ok(ImportBatch {
            batch_id: BatchId::from_content("hc08", bytes),
            format: ImportFormat::Cda,
            insurers: Vec::new(),
            people: vec![PersonRecords {
                person,
                drugs: Vec::new(),
                checkups: vec![checkup],
                expenses: Vec::new(),
            }],
            warnings: self.warnings,
        })
    }

    /// 報告区分 must be 10 (特定健診情報): a 特定保健指導 file (hg08) or any other report has
    /// the same envelope and would otherwise be read as a checkup.
    fn report_kind(&self, root: &Node) -> Res<()> {
        const FIELD: &str = "ClinicalDocument/code/@code";
        let node = self.require(root, &["code"], "ClinicalDocument/code (報告区分)")?;
        let code = self.required_attr(node, "code", FIELD)?;
        let system = node.attr("codeSystem").unwrap_or(OID_REPORT_KIND);
        if system != OID_REPORT_KIND || code != REPORT_KIND_CHECKUP {
            return Err(self.err(
                node,
                FIELD,
                format!("報告区分 {code:?} (codeSystem {system}) is not 10 = 特定健診情報; this file is not a checkup result (e.g. a 特定保健指導 hg08 file) and Karte imports checkup results only"),
            ));
        }
        Ok(())
    }

    fn results(
        &mut self,
        root: &Node,
        insurer: &InsurerNumber,
    ) -> Res<(CheckupKind, Vec<CheckupResult>)> {
        const BODY: &str = "ClinicalDocument/component/structuredBody";
        let body = self.require(root, &["component", "structuredBody"], BODY)?;
        let mut kind = None;
        let mut results = Vec::new();
        for section in body
            .children_named("component")
            .filter_map(|c| c.child("section"))
        {
            let field = format!("{BODY}/component/section/code/@code");
            let code_node = self.require(section, &["code"], &field)?;
            let code = self.required_attr(code_node, "code", &field)?;
            match (CheckupKind::from_section_code(code), code) {
                (Some(k), _) => kind = kind.or(Some(k)),
                (None, "01990") => {}
                (None, other) => self.warn(
                    code_node,
                    &field,
                    format!("unknown section {other}; its items are kept"),
                ),
            }
            for entry in section.children_named("entry") {
                for obs in entry.children_named("observation") {
                    self.observation(obs, &mut results)?;
                }
            }
        }
        // A file with only 01990 (任意追加項目) still belongs to a checkup; 法別39 says which.
        let kind = kind.unwrap_or_else(|| {
            if insurer.kind() == domain::insurance::InsurerKind::LateStageElderly {
                CheckupKind::LateStageElderly
            } else {
                CheckupKind::SpecificHealthCheckup
            }
        });
        Ok((kind, results))
    }

    fn observation(&mut self, obs: &Node, out: &mut Vec<CheckupResult>) -> Res<()> {
        const FIELD: &str = "observation/code/@code";
        let code_node = self.require(obs, &["code"], "observation/code")?;
        if code_node.attr("nullFlavor") == Some("NA") {
            // A group: its results are the COMP children.
            for rel in obs
                .children_named("entryRelationship")
                .filter(|r| r.attr("typeCode") == Some("COMP"))
            {
                for child in rel.children_named("observation") {
                    self.observation(child, out)?;
                }
            }
            return Ok(());
        }
        let raw = self.required_attr(code_node, "code", FIELD)?;
        let code = ItemCode::parse(raw).map_err(|e| self.err(code_node, FIELD, e.to_string()))?;
        let value = match self.value(obs, &code)? {
            Some(v) => v,
            None => {
                self.warn(
                    obs,
                    FIELD,
                    format!("item {code} has no value and is not marked 未実施; skipped"),
                );
                return Ok(());
            }
        };
        out.push(CheckupResult { code, value });
        Ok(())
    }

    fn value(&mut self, obs: &Node, code: &ItemCode) -> Res<Option<CheckupValue>> {
        let field = format!("observation[{code}]/value");
        let values: Vec<&Node> = obs.children_named("value").collect();
        if obs.attr("negationInd") == Some("true") && values.is_empty() {
            return Ok(Some(CheckupValue::NotMeasured(
                self.stated_reason(obs)
                    .unwrap_or(NotMeasuredReason::NotPerformed),
            )));
        }
        let Some(first) = values.first() else {
            return Ok(None);
        };
        if first.attr("nullFlavor").is_some() {
            return Ok(Some(CheckupValue::NotMeasured(
                self.stated_reason(obs)
                    .unwrap_or(NotMeasuredReason::Unmeasurable),
            )));
        }
        let xsi_type = first.attr("xsi:type").unwrap_or_default();
        let value = match xsi_type {
            "PQ" => {
                let raw = self.required_attr(first, "value", &format!("{field}/@value"))?;
                let value = Decimal::parse(raw)
                    .map_err(|e| self.err(first, &format!("{field}/@value"), e.to_string()))?;
                let unit = first.attr("unit").unwrap_or_default().trim().to_owned();
                // Out of measuring range: PQ followed by CD H/L (keep both: "≥ 500", not 500).
                let out_of_range = values[1..]
                    .iter()
                    .filter(|v| v.attr("xsi:type") == Some("CD"))
                    .filter(|v| v.attr("codeSystem").is_none_or(|s| s == OID_INTERPRETATION))
                    .find_map(|v| match v.attr("code") {
                        Some("H") => Some(RangeFlag::Above),
                        Some("L") => Some(RangeFlag::Below),
                        _ => None,
                    });
                CheckupValue::Numeric {
                    value,
                    unit,
                    out_of_range,
                }
            }
            "CD" | "CO" => {
                let code = self.required_attr(first, "code", &format!("{field}/@code"))?;
                let display = first
                    .attr("displayName")
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_owned);
                CheckupValue::Coded {
                    code: code.to_owned(),
                    display,
                }
            }
            "ST" => CheckupValue::Text(first.text.trim().to_owned()),
            other => {
                // A type Karte does not interpret (e.g. IVL_PQ): keep what it says as text,
                // shown as sent, rather than refuse the whole checkup.
                let text = uninterpreted_text(first);
                self.warn(
                    first,
                    &format!("{field}/@xsi:type"),
                    format!("value type {other:?} is not one Karte interprets (PQ, CD, CO, ST); kept as the text {text:?}, not judged"),
                );
                CheckupValue::Text(text)
            }
        };
        Ok(Some(value))
    }

    /// A reason sent under `entryRelationship typeCode="RSON"` (9N512…, from FY2024).
    fn stated_reason(&self, obs: &Node) -> Option<NotMeasuredReason> {
        let reason = obs
            .children_named("entryRelationship")
            .filter(|r| r.attr("typeCode") == Some("RSON"))
            .flat_map(|r| r.children_named("observation"))
            .flat_map(|o| o.children_named("value"))
            .next()?;
        let text = reason
            .attr("displayName")
            .map(str::to_owned)
            .or_else(|| reason.attr("code").map(str::to_owned))
            .or_else(|| Some(reason.text.trim().to_owned()).filter(|t| !t.is_empty()))?;
        Some(NotMeasuredReason::Stated(text))
    }
}

/// A value of a type Karte does not interpret, as readable text: its type, its own attributes
/// and text, and those of its parts (`IVL_PQ` → `IVL_PQ low 3.8 g/dL high 5.2 g/dL`).
fn uninterpreted_text(node: &Node) -> String {
    fn describe(node: &Node, out: &mut Vec<String>) {
        for key in ["value", "unit", "code", "displayName"] {
            if let Some(v) = node.attr(key).map(str::trim).filter(|v| !v.is_empty()) {
                out.push(v.to_owned());
            }
        }
        let text = node.text.trim();
        if !text.is_empty() {
            out.push(text.to_owned());
        }
        for child in &node.children {
            out.push(child.name.clone());
            describe(child, out);
        }
    }
    let mut out = vec![node.attr("xsi:type").unwrap_or("?").to_owned()];
    describe(node, &mut out);
    out.join(" ")
}
