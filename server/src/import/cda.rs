//! 特定健診 / 後期高齢者健診 results: one hc08 CDA `ClinicalDocument` (health-data.md §6).
//!
//! Safety first, because these files arrive from outside: the input is size-limited, any
//! `<!DOCTYPE` is refused (no DTD means no external entities and no entity expansion bombs),
//! and quick-xml itself expands only the five predefined entities and character references.
//! The streaming reader builds a small tree of the `urn:hl7-org:v3` elements only (elements
//! of other namespaces are skipped); the tree is bounded by the size limit and a depth limit.

use super::batch::{
    BatchId, ImportBatch, ImportError, ImportFormat, ImportWarning, PersonIdentity, PersonRecords,
};
use super::options::ParseOptions;
use super::text::{utf8_without_bom, LineIndex};
use chrono::NaiveDate;
use domain::checkups::{
    Checkup, CheckupKind, CheckupResult, CheckupValue, Decimal, ItemCode, NotMeasuredReason,
    RangeFlag,
};
use domain::insurance::{CardIdentity, InsurerNumber};
use domain::people::Sex;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

pub const HL7_NS: &str = "urn:hl7-org:v3";
const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// One person's document is a few kB; anything this big is not one.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Real documents nest about 12 deep; this only stops pathological input.
const MAX_DEPTH: usize = 64;

const OID_INSURER: &str = "1.2.392.200119.6.101";
const OID_SYMBOL: &str = "1.2.392.200119.6.204";
const OID_NUMBER: &str = "1.2.392.200119.6.205";
const OID_BRANCH: &str = "1.2.392.200119.6.211";
const OID_INSTITUTION: &str = "1.2.392.200119.6.102";
/// HL7 ObservationInterpretation: the CD after a PQ that says "beyond the measuring range".
const OID_INTERPRETATION: &str = "2.16.840.1.113883.5.83";

/// Parses one hc08 document into a batch holding one person with one checkup.
pub fn parse(
    file_name: &str,
    bytes: &[u8],
    opts: &ParseOptions,
) -> Result<ImportBatch, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::new(
            file_name,
            None,
            "(file)",
            format!(
                "the file is {} bytes; one checkup document is at most {MAX_BYTES} bytes. Import the DATA/h*.xml files one by one, not the zip or index",
                bytes.len()
            ),
        ));
    }
    let text = utf8_without_bom(bytes).map_err(|e| {
        ImportError::new(
            file_name,
            None,
            "(file)",
            format!(
                "not UTF-8 (invalid byte at offset {}); hc08 files are UTF-8",
                e.valid_up_to()
            ),
        )
    })?;
    let lines = LineIndex::new(text);
    let root = read_tree(file_name, text, &lines)?;
    Reader {
        file: file_name,
        lines: &lines,
        warnings: Vec::new(),
    }
    .document(&root, bytes, opts)
}

// ---- the element tree --------------------------------------------------------------------

struct Node {
    name: String,
    /// Unqualified attributes by local name; `xsi:` ones as "xsi:type" etc.
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
    offset: usize,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn path(&self, names: &[&str]) -> Option<&Node> {
        names.iter().try_fold(self, |node, name| node.child(name))
    }
}

fn read_tree(file: &str, text: &str, lines: &LineIndex) -> Result<Node, ImportError> {
    let err_at = |offset: usize, field: &str, message: String| {
        ImportError::new(file, Some(lines.line_of(offset)), field, message)
    };
    // Checked on the raw text too, so the refusal does not depend on where the parser stops.
    if let Some(pos) = text.find("<!DOCTYPE").or_else(|| text.find("<!doctype")) {
        return Err(err_at(pos, "<!DOCTYPE>", doctype_message()));
    }
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut skip_depth = 0usize;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            err_at(
                reader.error_position() as usize,
                "(xml)",
                format!("malformed XML: {e}"),
            )
        })?;
        let in_hl7 = match &event {
            Event::Start(e) | Event::Empty(e) => {
                matches!(reader.resolve_element(e.name()).0, ResolveResult::Bound(n) if n.as_ref() == HL7_NS.as_bytes())
            }
            _ => false,
        };
        match event {
            Event::DocType(_) => return Err(err_at(at, "<!DOCTYPE>", doctype_message())),
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                if skip_depth > 0 || (!in_hl7 && !stack.is_empty()) {
                    // Foreign element (extension): ignored with everything inside it.
                    if !is_empty {
                        skip_depth += 1;
                    }
                    continue;
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if stack.is_empty() {
                    if root.is_some() {
                        return Err(err_at(at, &name, "more than one root element".into()));
                    }
                    if name != "ClinicalDocument" {
                        return Err(err_at(
                            at,
                            &name,
                            "not a checkup file: the root element must be ClinicalDocument".into(),
                        ));
                    }
                    if !in_hl7 {
                        return Err(err_at(
                            at,
                            "ClinicalDocument/@xmlns",
                            format!("wrong namespace: hc08 files use xmlns=\"{HL7_NS}\""),
                        ));
                    }
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(err_at(
                        at,
                        &name,
                        format!("elements nest deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let node = Node {
                    attrs: attributes(&reader, e, file, lines, at)?,
                    name,
                    children: Vec::new(),
                    text: String::new(),
                    offset: at,
                };
                if is_empty {
                    attach(&mut stack, &mut root, node);
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                } else if let Some(node) = stack.pop() {
                    attach(&mut stack, &mut root, node);
                }
            }
            Event::Text(t) => {
                if skip_depth == 0 {
                    if let Some(top) = stack.last_mut() {
                        let s = t.unescape().map_err(|e| {
                            err_at(
                                at,
                                &top.name,
                                format!("bad entity or character reference: {e}"),
                            )
                        })?;
                        top.text.push_str(&s);
                    }
                }
            }
            Event::CData(t) => {
                if let (0, Some(top)) = (skip_depth, stack.last_mut()) {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    root.ok_or_else(|| {
        ImportError::new(
            file,
            None,
            "ClinicalDocument",
            "the file holds no ClinicalDocument element",
        )
    })
}

fn doctype_message() -> String {
    "<!DOCTYPE> is not allowed in checkup files (hc08 files never have one; DTDs can pull in outside content)".into()
}

fn attach(stack: &mut [Node], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *root = Some(node),
    }
}

fn attributes(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    file: &str,
    lines: &LineIndex,
    at: usize,
) -> Result<Vec<(String, String)>, ImportError> {
    let mut out = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| {
            ImportError::new(
                file,
                Some(lines.line_of(at)),
                "(xml)",
                format!("malformed attribute: {err}"),
            )
        })?;
        let (ns, local) = reader.resolve_attribute(attr.key);
        let local = String::from_utf8_lossy(local.as_ref()).into_owned();
        let key = match ns {
            ResolveResult::Unbound => local,
            ResolveResult::Bound(n) if n.as_ref() == XSI_NS.as_bytes() => format!("xsi:{local}"),
            _ => continue, // xmlns declarations and foreign attributes
        };
        let value = attr.unescape_value().map_err(|err| {
            ImportError::new(
                file,
                Some(lines.line_of(at)),
                &format!("@{key}"),
                format!("bad entity or character reference: {err}"),
            )
        })?;
        out.push((key, value.into_owned()));
    }
    Ok(out)
}

// ---- reading the document ----------------------------------------------------------------

struct Reader<'a> {
    file: &'a str,
    lines: &'a LineIndex,
    warnings: Vec<ImportWarning>,
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

    fn document(mut self, root: &Node, bytes: &[u8], opts: &ParseOptions) -> Res<ImportBatch> {
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
                return Err(self.err(
                    first,
                    &format!("{field}/@xsi:type"),
                    format!(
                        "value type {other:?} is not one hc08 uses for results (PQ, CD, CO, ST)"
                    ),
                ))
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

#[cfg(test)]
mod tests {
    use super::*;
    use domain::checkups::KnownItem;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/import/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn parse_fixture(name: &str) -> Result<ImportBatch, ImportError> {
        parse(name, &fixture(name), &ParseOptions::default())
    }

    fn checkup(batch: &ImportBatch) -> &Checkup {
        &batch.people[0].checkups[0]
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn specific_health_checkup() {
        let batch = parse_fixture("hc08-tokutei.xml").unwrap();
        assert_eq!(batch.format, ImportFormat::Cda);
        let person = &batch.people[0].person;
        assert_eq!(person.sex, Some(Sex::Male));
        assert_eq!(person.birth_date, Some(d(1968, 7, 15)));
        let card = person.card.as_ref().unwrap();
        assert_eq!(
            (card.insurer().as_str(), card.number().as_str()),
            ("06139992", "1052")
        );
        assert_eq!(card.branch().map(|b| b.as_str()), Some("01"));
        let c = checkup(&batch);
        // 実施日 from serviceEvent, not the file's creation date (20241105).
        assert_eq!(c.performed_on, d(2024, 10, 3));
        assert_eq!(c.kind, CheckupKind::SpecificHealthCheckup);
        assert_eq!(c.institution_name, "サンプル健診クリニック");
        assert_eq!(
            c.numeric(KnownItem::Waist)
                .map(|v| v.to_string())
                .as_deref(),
            Some("88.5")
        );
        assert_eq!(
            c.numeric(KnownItem::Systolic)
                .map(|v| v.to_string())
                .as_deref(),
            Some("138")
        );
        assert_eq!(
            c.numeric(KnownItem::HbA1c)
                .map(|v| v.to_string())
                .as_deref(),
            Some("5.9")
        );
        assert_eq!(
            c.numeric(KnownItem::Ldl).map(|v| v.to_string()).as_deref(),
            Some("142")
        );
        assert_eq!(c.coded(KnownItem::MetabolicJudgement), Some("2"));
        assert_eq!(c.coded(KnownItem::GuidanceLevel), Some("2"));
        assert_eq!(c.coded(KnownItem::UrineGlucose), Some("1"));
        let doctor = c
            .results
            .iter()
            .find(|r| r.code.as_str() == "9N511000000000049")
            .unwrap();
        assert_eq!(doctor.value, CheckupValue::Text("異常所見なし".into()));
        assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
    }

    #[test]
    fn late_stage_elderly_checkup_with_questionnaire() {
        let batch = parse_fixture("hc08-kouki.xml").unwrap();
        let c = checkup(&batch);
        assert_eq!(c.kind, CheckupKind::LateStageElderly);
        assert_eq!(c.performed_on, d(2024, 6, 18));
        assert_eq!(batch.people[0].person.sex, Some(Sex::Female));
        // 後期高齢者医療 cards have no 記号 / 枝番.
        let card = batch.people[0].person.card.as_ref().unwrap();
        assert!(card.symbol().is_none() && card.branch().is_none());
        assert!(c.result(KnownItem::Waist).is_none());
        assert!(c.result(KnownItem::MetabolicJudgement).is_none());
        let questionnaire: Vec<_> = c
            .results
            .iter()
            .filter(|r| ("9N932".."9N947").contains(&&r.code.as_str()[..5]))
            .collect();
        assert_eq!(questionnaire.len(), 15);
        // CR-only line ends still give correct line numbers in warnings and errors.
        assert!(
            fixture("hc08-kouki.xml").contains(&b'\r')
                && !fixture("hc08-kouki.xml").contains(&b'\n')
        );
    }

    #[test]
    fn nested_groups_out_of_range_and_unknown_codes() {
        let batch = parse_fixture("hc08-nested.xml").unwrap();
        let c = checkup(&batch);
        let fpg = c.result(KnownItem::FastingGlucose).unwrap();
        assert_eq!(
            fpg.value,
            CheckupValue::Numeric {
                value: Decimal::parse("600").unwrap(),
                unit: "mg/dL".into(),
                out_of_range: Some(RangeFlag::Above)
            }
        );
        // Inside the nested COMP group.
        assert_eq!(
            c.numeric(KnownItem::Systolic)
                .map(|v| v.to_string())
                .as_deref(),
            Some("152")
        );
        assert_eq!(
            c.numeric(KnownItem::Diastolic)
                .map(|v| v.to_string())
                .as_deref(),
            Some("94")
        );
        let unknown = c
            .results
            .iter()
            .find(|r| r.code.as_str() == "5C070000002306101")
            .unwrap();
        assert!(unknown.item().is_none());
        assert_eq!(unknown.label_ja(), "5C070000002306101");
        let not_done = c.result(KnownItem::Creatinine).unwrap();
        assert_eq!(
            not_done.value,
            CheckupValue::NotMeasured(NotMeasuredReason::NotPerformed)
        );
        let hb = c.result(KnownItem::Hemoglobin).unwrap();
        assert_eq!(
            hb.value,
            CheckupValue::NotMeasured(NotMeasuredReason::Unmeasurable)
        );
        let egfr = c.result(KnownItem::Egfr).unwrap();
        assert_eq!(
            egfr.value,
            CheckupValue::NotMeasured(NotMeasuredReason::Stated("検体不良".into()))
        );
        // Only 01990 and 01010 sections; codeSystem omitted on most codes.
        assert_eq!(c.kind, CheckupKind::SpecificHealthCheckup);
    }

    #[test]
    fn refuses_doctype_and_external_entities() {
        let e = parse_fixture("bad-hc08-doctype.xml").unwrap_err();
        assert_eq!((e.at.line, e.at.field.as_str()), (Some(2), "<!DOCTYPE>"));
        assert!(
            e.to_string()
                .starts_with("bad-hc08-doctype.xml:2: <!DOCTYPE>: "),
            "{e}"
        );
    }

    #[test]
    fn refuses_placeholder_template() {
        let e = parse_fixture("bad-hc08-placeholder.xml").unwrap_err();
        assert_eq!(
            e.at.field,
            "ClinicalDocument/recordTarget/patientRole/id[@root='1.2.392.200119.6.101']/@extension"
        );
        assert_eq!(e.at.line, Some(11));
        assert!(e.message.contains("placeholder 99999999"), "{e}");
    }

    #[test]
    fn refuses_malformed_xml_with_its_line() {
        let e = parse_fixture("bad-hc08-malformed.xml").unwrap_err();
        assert_eq!(e.at.field, "(xml)");
        assert_eq!(e.at.line, Some(18));
        assert!(e.message.starts_with("malformed XML"), "{e}");
    }

    #[test]
    fn refuses_wrong_namespace() {
        let e = parse_fixture("bad-hc08-namespace.xml").unwrap_err();
        assert_eq!(
            (e.at.field.as_str(), e.at.line),
            ("ClinicalDocument/@xmlns", Some(2))
        );
    }

    #[test]
    fn refuses_unknown_entities_and_oversize() {
        let xml =
            format!("<ClinicalDocument xmlns=\"{HL7_NS}\"><title>&xxe;</title></ClinicalDocument>");
        let e = parse("x.xml", xml.as_bytes(), &ParseOptions::default()).unwrap_err();
        assert!(e.message.contains("entity"), "{e}");
        let big = vec![b' '; MAX_BYTES + 1];
        let e = parse("big.xml", &big, &ParseOptions::default()).unwrap_err();
        assert!(e.message.contains("at most"), "{e}");
    }

    #[test]
    fn same_file_same_batch() {
        let a = parse_fixture("hc08-tokutei.xml").unwrap();
        let b = parse_fixture("hc08-tokutei.xml").unwrap();
        assert_eq!(a.batch_id, b.batch_id);
        assert!(a.batch_id.as_str().starts_with("hc08-"));
    }
}
