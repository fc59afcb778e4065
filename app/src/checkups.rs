//! 健診結果: the page's view model, built on the server from the domain's checkups (and served
//! as is by `GET /api/v1/me/checkups`, so the page and the API cannot disagree), plus the
//! geometry of the small trend charts. Plain data and pure functions: unit-tested here.
//!
//! Shape: one column per checkup (oldest first, left to right, like the trends), rows grouped
//! by section; each row holds one cell per column.

use crate::error::AppError;
use crate::i18n::Lang;
use crate::record::PersonHeader;
use chrono::NaiveDate;
use domain::checkups::{
    band_limits, guidance_judgement, metabolic_judgement, Band, BandLimits, Checkup, CheckupKind,
    CheckupRegistration, CheckupResult, CheckupValue, Decimal, ItemGroup, JudgementSource,
    KnownItem, RangeFlag,
};
use domain::people::Sex;
use serde::Serialize;
use std::collections::BTreeMap;

/// The whole page: who, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckupPage {
    pub person: PersonHeader,
    pub today: NaiveDate,
    pub view: CheckupsView,
}

/// What the page, the API and the PDF show.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckupsView {
    /// The shown checkups (the last five from FY2020 on), oldest first.
    pub checkups: Vec<CheckupColumn>,
    /// Sections in display order, each with its items.
    pub groups: Vec<RowGroup>,
    /// Every insurer of the person and whether it has registered checkup results.
    pub insurers: Vec<InsurerStatus>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckupColumn {
    /// 実施年月日
    pub performed_on: NaiveDate,
    pub kind: CheckupKind,
    /// 健診機関名称
    pub institution_name: String,
    /// The insurer that registered it.
    pub insurer_number: String,
    /// Age on the checkup date.
    pub age: Option<u32>,
    /// Brought in by the person (or a proxy for them) through `/import`, not registered by an
    /// insurer: marked 「ご自身で取り込み」 / "Imported by you".
    pub imported_by_you: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowGroup {
    pub group: ItemGroup,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub items: Vec<ItemRow>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CheckupItem))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemRow {
    /// The known item, or `None` for a code Karte does not know (shown by its code).
    pub item: Option<KnownItem>,
    /// The item code (for a known item, the code of its first value).
    pub code: String,
    pub label_ja: String,
    pub label_en: String,
    /// UCUM unit of the numbers (`None` for coded and text items).
    pub unit: Option<String>,
    pub explanation_ja: Option<&'static str>,
    pub explanation_en: Option<&'static str>,
    /// 保健指導 / 受診勧奨 limits, for items with bands.
    pub limits: Option<BandLimits>,
    /// One per checkup, in the order of `checkups`.
    pub values: Vec<Cell>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// There is a value (or a stated reason it was not measured).
    Value,
    /// The checkup has no such item.
    Absent,
    /// This kind of checkup never has the item (腹囲 in 後期高齢者健診, its 質問票 in 特定健診).
    NotApplicable,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CheckupCell))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub state: CellState,
    /// The number, for numeric values.
    pub number: Option<Decimal>,
    /// The value as shown: the number (with ≧/≦ when beyond the analyser's range, see `RangeFlag::show`), the
    /// answer, the text, the judgement, or why it was not measured.
    pub text_ja: Option<String>,
    pub text_en: Option<String>,
    /// The code sent, for coded values.
    pub code: Option<String>,
    pub unit: Option<String>,
    pub band: Option<Band>,
    /// Judgements only: who judged (the insurer, or computed by Karte).
    pub source: Option<JudgementSource>,
    /// Computed by Karte because the insurer sent no judgement.
    pub computed: bool,
    /// 検査方法 or reading, when the code says.
    pub method: Option<&'static str>,
}

impl Cell {
    fn empty(state: CellState) -> Self {
        Self {
            state,
            number: None,
            text_ja: None,
            text_en: None,
            code: None,
            unit: None,
            band: None,
            source: None,
            computed: false,
            method: None,
        }
    }
}

impl Cell {
    /// The value as written in `lang` — the number (≧/≦ beyond the analyser's range), the
    /// answer, the text, the judgement, or why it was not measured — without its unit. The page
    /// and the PDF both write values through this.
    pub fn text(&self, lang: Lang) -> String {
        let ja = self.text_ja.as_deref().unwrap_or_default();
        match lang {
            Lang::Ja => ja.to_owned(),
            Lang::En => self.text_en.as_deref().unwrap_or(ja).to_owned(),
        }
    }

    /// The unit of a number as people read it.
    pub fn display_unit(&self) -> Option<String> {
        self.number.and(self.unit.as_deref()).map(display_unit)
    }

    /// The value with its unit (`≧120 mg/dL`).
    pub fn text_with_unit(&self, lang: Lang) -> String {
        let text = self.text(lang);
        match self.display_unit() {
            Some(u) if !text.is_empty() => format!("{text} {u}"),
            _ => text,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = InsurerCheckupStatus))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InsurerStatus {
    pub insurer_number: String,
    pub name: String,
    /// What the insurer says; `None` when it has said nothing.
    pub registration: Option<CheckupRegistration>,
    /// How many of the shown checkups it registered.
    pub shown: usize,
    /// Last fiscal year's results are due by this date (法定報告, Nov 1 of the next year).
    pub due_by: NaiveDate,
}

/// The person facts the rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub birth_date: NaiveDate,
    /// Unknown for some imports: then a sex-dependent band or judgement is shown only when
    /// both sexes give the same answer.
    pub sex: Option<Sex>,
}

/// An insurer of the person, as the server reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insurer {
    pub number: String,
    pub name: String,
    pub registration: Option<CheckupRegistration>,
}

/// The same answer for the person's sex, or for both when it is unknown.
fn by_sex<T: PartialEq>(sex: Option<Sex>, f: impl Fn(Sex) -> Option<T>) -> Option<T> {
    match sex {
        Some(s) => f(s),
        None => {
            let (m, w) = (f(Sex::Male), f(Sex::Female));
            (m == w).then_some(m).flatten()
        }
    }
}

/// One value of `checkup`; its band as the checkup judges it (blood pressure on the mean of
/// two readings, 尿蛋白 by its code).
fn value_cell(checkup: &Checkup, result: &CheckupResult, sex: Option<Sex>) -> Cell {
    let item = result.item();
    let mut cell = Cell::empty(CellState::Value);
    cell.method = result.method();
    match &result.value {
        CheckupValue::Numeric {
            value,
            unit,
            out_of_range,
        } => {
            let shown = RangeFlag::show(*out_of_range, value);
            cell.number = Some(*value);
            cell.text_ja = Some(shown.clone());
            cell.text_en = Some(shown);
            cell.unit = (!unit.is_empty())
                .then(|| unit.clone())
                .or_else(|| item.and_then(KnownItem::unit).map(str::to_owned));
            cell.band = by_sex(sex, |s| checkup.band_of(result, s));
        }
        CheckupValue::Coded { code, display } => {
            let answer = item.and_then(|i| i.answer(code));
            cell.code = Some(code.clone());
            cell.band = by_sex(sex, |s| checkup.band_of(result, s));
            cell.text_ja = Some(
                answer
                    .map(|a| a.ja.to_owned())
                    .or_else(|| display.clone())
                    .unwrap_or_else(|| code.clone()),
            );
            cell.text_en = Some(
                answer
                    .map(|a| a.en.to_owned())
                    .or_else(|| display.clone())
                    .unwrap_or_else(|| code.clone()),
            );
        }
        CheckupValue::Text(text) => {
            cell.text_ja = Some(text.clone());
            cell.text_en = Some(text.clone());
        }
        CheckupValue::NotMeasured(reason) => {
            cell.text_ja = Some(reason.label_ja().to_owned());
            cell.text_en = Some(reason.label_en().to_owned());
        }
    }
    cell
}

fn judgement_cell<T: Copy>(
    judgement: Option<domain::checkups::Judgement<T>>,
    label: impl Fn(T) -> (&'static str, &'static str),
    code: impl Fn(T) -> u8,
) -> Cell {
    let Some(j) = judgement else {
        return Cell::empty(CellState::Absent);
    };
    let (ja, en) = label(j.value);
    let mut cell = Cell::empty(CellState::Value);
    cell.text_ja = Some(ja.to_owned());
    cell.text_en = Some(en.to_owned());
    cell.code = Some(code(j.value).to_string());
    cell.source = Some(j.source);
    cell.computed = j.source == JudgementSource::Computed;
    cell
}

/// Which row a result belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum RowKey {
    Known(KnownItem),
    Unknown(String),
}

fn known_row(item: KnownItem, code: String, values: Vec<Cell>, sex: Option<Sex>) -> ItemRow {
    let explanation = item.explanation();
    ItemRow {
        item: Some(item),
        code,
        label_ja: item.label_ja().to_owned(),
        label_en: item.label_en().to_owned(),
        unit: item.unit().map(str::to_owned),
        explanation_ja: Some(explanation.ja),
        explanation_en: Some(explanation.en),
        limits: by_sex(sex, |s| band_limits(item, s)),
        values,
    }
}

/// The view of `shown` (the domain's selection, newest first) for `subject`.
impl CheckupsView {
    /// Marks the checkups the person brought in themselves (day and kind, as stored: one
    /// checkup per person, day and kind).
    pub fn mark_imported_by_you(&mut self, own: &[(NaiveDate, CheckupKind)]) {
        for c in &mut self.checkups {
            c.imported_by_you = own.contains(&(c.performed_on, c.kind));
        }
    }
}

pub fn build_view(
    shown: &[&Checkup],
    subject: Subject,
    insurers: Vec<Insurer>,
    today: NaiveDate,
) -> CheckupsView {
    let columns: Vec<&Checkup> = shown.iter().rev().copied().collect();
    let sex = subject.sex;

    // Every row any checkup has, by section.
    let mut rows: BTreeMap<ItemGroup, BTreeMap<RowKey, String>> = BTreeMap::new();
    for c in &columns {
        for r in &c.results {
            let key = match r.item() {
                // Judgements get their own rows below (insurer's or computed).
                Some(KnownItem::MetabolicJudgement | KnownItem::GuidanceLevel) => continue,
                Some(item) => RowKey::Known(item),
                None => RowKey::Unknown(r.code.to_string()),
            };
            rows.entry(r.group())
                .or_default()
                .entry(key)
                .or_insert_with(|| r.code.to_string());
        }
    }

    let applicable = |item: KnownItem, kind: CheckupKind| match kind {
        CheckupKind::LateStageElderly => !item.specific_checkup_only(),
        CheckupKind::SpecificHealthCheckup => !item.late_stage_only(),
    };

    let mut groups: Vec<RowGroup> = rows
        .into_iter()
        .map(|(group, keys)| {
            let items = keys
                .into_iter()
                .map(|(key, first_code)| match key {
                    RowKey::Known(item) => {
                        let values = columns
                            .iter()
                            .map(|c| match c.result(item) {
                                Some(r) => value_cell(c, r, sex),
                                None if !applicable(item, c.kind) => {
                                    Cell::empty(CellState::NotApplicable)
                                }
                                None => Cell::empty(CellState::Absent),
                            })
                            .collect();
                        known_row(item, first_code, values, sex)
                    }
                    RowKey::Unknown(code) => ItemRow {
                        item: None,
                        label_ja: code.clone(),
                        label_en: code.clone(),
                        unit: columns.iter().find_map(|c| {
                            c.results.iter().find(|r| r.code.as_str() == code).and_then(
                                |r| match &r.value {
                                    CheckupValue::Numeric { unit, .. } if !unit.is_empty() => {
                                        Some(unit.clone())
                                    }
                                    _ => None,
                                },
                            )
                        }),
                        explanation_ja: None,
                        explanation_en: None,
                        limits: None,
                        values: columns
                            .iter()
                            .map(|c| {
                                c.results
                                    .iter()
                                    .find(|r| r.code.as_str() == code)
                                    .map(|r| value_cell(c, r, sex))
                                    .unwrap_or_else(|| Cell::empty(CellState::Absent))
                            })
                            .collect(),
                        code,
                    },
                })
                .collect();
            RowGroup {
                group,
                label_ja: group.label_ja(),
                label_en: group.label_en(),
                items,
            }
        })
        .collect();

    // メタボ判定 and 特定保健指導レベル: only when a 特定健診 is shown; the insurer's, or computed.
    if columns
        .iter()
        .any(|c| c.kind == CheckupKind::SpecificHealthCheckup)
    {
        let na = |c: &Checkup| c.kind == CheckupKind::LateStageElderly;
        let metabolic = columns
            .iter()
            .map(|c| {
                if na(c) {
                    return Cell::empty(CellState::NotApplicable);
                }
                judgement_cell(
                    by_sex(sex, |s| metabolic_judgement(c, s)),
                    |v| (v.label_ja(), v.label_en()),
                    |v| v.code(),
                )
            })
            .collect();
        let guidance = columns
            .iter()
            .map(|c| {
                if na(c) {
                    return Cell::empty(CellState::NotApplicable);
                }
                judgement_cell(
                    by_sex(sex, |s| guidance_judgement(c, s, Some(subject.birth_date))),
                    |v| (v.label_ja(), v.label_en()),
                    |v| v.code(),
                )
            })
            .collect();
        for (item, values, code) in [
            (
                KnownItem::MetabolicJudgement,
                metabolic,
                "9N501000000000011",
            ),
            (KnownItem::GuidanceLevel, guidance, "9N506000000000011"),
        ] {
            groups.push(RowGroup {
                group: item.group(),
                label_ja: item.group().label_ja(),
                label_en: item.group().label_en(),
                items: vec![known_row(item, code.to_owned(), values, sex)],
            });
        }
        groups.sort_by_key(|g| g.group);
    }

    let due_by = domain::checkups::registration_due(domain::wareki::FiscalYear(
        domain::wareki::FiscalYear::of(today).0 - 1,
    ));
    let insurers = insurers
        .into_iter()
        .map(|i| InsurerStatus {
            shown: columns
                .iter()
                .filter(|c| c.insurer.as_str() == i.number)
                .count(),
            insurer_number: i.number,
            name: i.name,
            registration: i.registration,
            due_by,
        })
        .collect();

    CheckupsView {
        checkups: columns
            .iter()
            .map(|c| CheckupColumn {
                performed_on: c.performed_on,
                kind: c.kind,
                institution_name: c.institution_name.clone(),
                insurer_number: c.insurer.as_str().to_owned(),
                age: domain::wareki::age_on(subject.birth_date, c.performed_on),
                imported_by_you: false,
            })
            .collect(),
        groups,
        insurers,
    }
}

/// A UCUM unit as people read it.
pub fn display_unit(ucum: &str) -> String {
    match ucum {
        "mm[Hg]" => "mmHg".to_owned(),
        "kg/m2" => "kg/m²".to_owned(),
        "ml/min/1.73m2" | "mL/min/{1.73_m2}" => "mL/min/1.73m²".to_owned(),
        other => other.to_owned(),
    }
}

/// The drawing of one trend chart, in the chart's own coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    pub width: f64,
    pub height: f64,
    /// Band areas behind the line, top to bottom.
    pub areas: Vec<BandArea>,
    /// One point per checkup that has a number: (column index, x, y, the value's band).
    pub points: Vec<TrendPoint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BandArea {
    pub band: Band,
    pub y: f64,
    pub height: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub column: usize,
    pub x: f64,
    pub y: f64,
    pub band: Option<Band>,
}

impl TrendChart {
    pub const WIDTH: f64 = 120.0;
    pub const HEIGHT: f64 = 40.0;
    const PAD_X: f64 = 6.0;

    /// `x,y x,y …` for an SVG polyline.
    pub fn polyline(&self) -> String {
        self.points
            .iter()
            .map(|p| format!("{:.1},{:.1}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The trend of a numeric row across `columns` checkups, or `None` with fewer than two numbers.
/// The value axis spans the values and the band limits (so every band shows), plus a margin.
pub fn trend_chart(row: &ItemRow) -> Option<TrendChart> {
    let numbers: Vec<(usize, f64, Option<Band>)> = row
        .values
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.number.map(|n| (i, n.to_f64(), c.band)))
        .collect();
    if numbers.len() < 2 {
        return None;
    }
    let limits: Vec<f64> = row
        .limits
        .iter()
        .flat_map(|l| [l.guidance, l.referral])
        .flatten()
        .map(|l| l.value.to_f64())
        .collect();
    let all = numbers.iter().map(|n| n.1).chain(limits.iter().copied());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let margin = ((hi - lo) * 0.15).max(1.0);
    let (lo, hi) = (lo - margin, hi + margin);
    let (w, h) = (TrendChart::WIDTH, TrendChart::HEIGHT);
    let y_of = |v: f64| h - (v - lo) / (hi - lo) * h;
    let columns = row.values.len().max(2);
    let x_of = |i: usize| {
        TrendChart::PAD_X + i as f64 * (w - 2.0 * TrendChart::PAD_X) / (columns - 1) as f64
    };

    let areas = match row.limits {
        None => Vec::new(),
        Some(l) => {
            let mut edges: Vec<f64> = limits.clone();
            edges.sort_by(f64::total_cmp);
            edges.dedup();
            let bounds: Vec<f64> = std::iter::once(lo)
                .chain(edges)
                .chain(std::iter::once(hi))
                .collect();
            let mut areas: Vec<BandArea> = bounds
                .windows(2)
                .map(|seg| {
                    let mid = (seg[0] + seg[1]) / 2.0;
                    let band = l.band_of(Decimal::from_parts((mid * 1000.0).round() as i64, 3));
                    BandArea {
                        band,
                        y: y_of(seg[1]),
                        height: y_of(seg[0]) - y_of(seg[1]),
                    }
                })
                .collect();
            areas.reverse();
            areas
        }
    };
    Some(TrendChart {
        width: w,
        height: h,
        areas,
        points: numbers
            .into_iter()
            .map(|(i, v, band)| TrendPoint {
                column: i,
                x: x_of(i),
                y: y_of(v),
                band,
            })
            .collect(),
    })
}

pub async fn load_checkup_page() -> Result<CheckupPage, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.checkups.checkup_page().await
    }
    #[cfg(not(feature = "ssr"))]
    {
        Err(AppError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::checkups::ItemCode;
    use domain::insurance::InsurerNumber;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn num(code: &str, v: &str) -> CheckupResult {
        CheckupResult {
            code: ItemCode::parse(code).unwrap(),
            value: CheckupValue::Numeric {
                value: Decimal::parse(v).unwrap(),
                unit: String::new(),
                out_of_range: None,
            },
        }
    }

    #[test]
    fn beyond_range_values_read_as_in_the_pdf() {
        let mut above = num("3D046000001906202", "120");
        if let CheckupValue::Numeric { out_of_range, .. } = &mut above.value {
            *out_of_range = Some(RangeFlag::Above);
        }
        let on = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let c = checkup(on, CheckupKind::SpecificHealthCheckup, vec![above.clone()]);
        let cell = value_cell(&c, &above, None);
        assert_eq!(cell.text(Lang::Ja), "≧120");
        assert_eq!(cell.text(Lang::En), "≧120");
    }

    fn coded(code: &str, v: &str) -> CheckupResult {
        CheckupResult {
            code: ItemCode::parse(code).unwrap(),
            value: CheckupValue::Coded {
                code: v.into(),
                display: None,
            },
        }
    }

    fn checkup(on: NaiveDate, kind: CheckupKind, results: Vec<CheckupResult>) -> Checkup {
        Checkup {
            performed_on: on,
            institution_name: "健診センター".into(),
            kind,
            insurer: InsurerNumber::parse("01130012").unwrap(),
            results,
        }
    }

    fn subject() -> Subject {
        Subject {
            birth_date: d(1950, 10, 1),
            sex: Some(Sex::Female),
        }
    }

    fn row(v: &CheckupsView, item: KnownItem) -> Option<&ItemRow> {
        v.groups
            .iter()
            .flat_map(|g| &g.items)
            .find(|r| r.item == Some(item))
    }

    #[test]
    fn columns_oldest_first_with_bands_and_not_applicable_rows() {
        let specific = checkup(
            d(2024, 9, 3),
            CheckupKind::SpecificHealthCheckup,
            vec![
                num("9A751000000000001", "134"),
                num("9N016160100000001", "80.0"),
                coded("9N501000000000011", "3"),
            ],
        );
        let late = checkup(
            d(2025, 9, 2),
            CheckupKind::LateStageElderly,
            vec![
                num("9A751000000000001", "142"),
                coded("9N939000000000011", "1"),
                num("3C025000002327101", "15.0"),
            ],
        );
        let v = build_view(&[&late, &specific], subject(), vec![], d(2026, 11, 26));
        assert_eq!(
            v.checkups.iter().map(|c| c.kind).collect::<Vec<_>>(),
            [
                CheckupKind::SpecificHealthCheckup,
                CheckupKind::LateStageElderly
            ]
        );
        assert_eq!(v.checkups[1].age, Some(74));
        let sbp = row(&v, KnownItem::Systolic).unwrap();
        assert_eq!(
            sbp.values.iter().map(|c| c.band).collect::<Vec<_>>(),
            [Some(Band::Guidance), Some(Band::Referral)]
        );
        assert_eq!(sbp.unit.as_deref(), Some("mm[Hg]"));
        let waist = row(&v, KnownItem::Waist).unwrap();
        assert_eq!(waist.values[1].state, CellState::NotApplicable);
        let falls = row(&v, KnownItem::LateFalls).unwrap();
        assert_eq!(falls.values[0].state, CellState::NotApplicable);
        assert_eq!(falls.values[1].text_ja.as_deref(), Some("はい"));
        let metabolic = row(&v, KnownItem::MetabolicJudgement).unwrap();
        assert_eq!(metabolic.values[0].source, Some(JudgementSource::Insurer));
        assert_eq!(metabolic.values[1].state, CellState::NotApplicable);
        // The guidance level was not sent: computed, and flagged so.
        let guidance = row(&v, KnownItem::GuidanceLevel).unwrap();
        assert!(guidance.values[0].computed);
        // The unknown code is a row of its own, by its code, under その他.
        let other = v
            .groups
            .iter()
            .find(|g| g.group == ItemGroup::Other)
            .unwrap();
        assert_eq!(other.items[0].label_ja, "3C025000002327101");
        assert_eq!(other.items[0].values[0].state, CellState::Absent);
        // Sections in display order.
        let order: Vec<_> = v.groups.iter().map(|g| g.group).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    }

    /// The page shows the band the checkup is judged on: blood pressure on the mean of two
    /// readings (142 and 136 → 139, 保健指導, not the first reading's 受診勧奨), 尿蛋白 by its
    /// code (± → 保健指導), 腹囲 by sex (90 cm for a woman).
    #[test]
    fn bands_follow_the_mean_of_two_readings_and_coded_urine_protein() {
        let c = checkup(
            d(2025, 6, 3),
            CheckupKind::SpecificHealthCheckup,
            vec![
                num("9A751000000000001", "142"),
                num("9A752000000000001", "136"),
                coded("1A010000000191111", "2"),
                num("9N016160100000001", "89.9"),
                num("3F070000002327101", "34"),
            ],
        );
        let v = build_view(&[&c], subject(), vec![], d(2026, 11, 26));
        let band = |item| row(&v, item).unwrap().values[0].band;
        assert_eq!(band(KnownItem::Systolic), Some(Band::Guidance));
        assert_eq!(band(KnownItem::UrineProtein), Some(Band::Guidance));
        assert_eq!(band(KnownItem::Waist), Some(Band::Normal));
        assert_eq!(band(KnownItem::Hdl), Some(Band::Referral));
    }

    #[test]
    fn only_late_stage_checkups_have_no_judgement_rows() {
        let late = checkup(
            d(2025, 9, 2),
            CheckupKind::LateStageElderly,
            vec![num("9A751000000000001", "120")],
        );
        let v = build_view(&[&late], subject(), vec![], d(2026, 11, 26));
        assert!(row(&v, KnownItem::MetabolicJudgement).is_none());
        assert!(row(&v, KnownItem::GuidanceLevel).is_none());
        assert!(row(&v, KnownItem::Waist).is_none());
    }

    #[test]
    fn unknown_sex_keeps_only_answers_both_sexes_agree_on() {
        let c = checkup(
            d(2025, 6, 3),
            CheckupKind::SpecificHealthCheckup,
            vec![
                num("2A030000001930101", "12.5"),
                num("9A751000000000001", "150"),
            ],
        );
        let s = Subject {
            sex: None,
            ..subject()
        };
        let v = build_view(&[&c], s, vec![], d(2026, 11, 26));
        assert_eq!(row(&v, KnownItem::Hemoglobin).unwrap().values[0].band, None);
        assert_eq!(
            row(&v, KnownItem::Systolic).unwrap().values[0].band,
            Some(Band::Referral)
        );
    }

    #[test]
    fn registration_status_counts_shown_checkups_and_says_when_due() {
        let c = checkup(d(2025, 6, 3), CheckupKind::SpecificHealthCheckup, vec![]);
        let insurers = vec![
            Insurer {
                number: "01130012".into(),
                name: "協会けんぽ".into(),
                registration: None,
            },
            Insurer {
                number: "39131015".into(),
                name: "広域連合".into(),
                registration: Some(CheckupRegistration::Expected {
                    from: d(2027, 1, 1),
                }),
            },
        ];
        let v = build_view(&[&c], subject(), insurers, d(2026, 11, 26));
        assert_eq!(v.insurers[0].shown, 1);
        assert_eq!(v.insurers[1].shown, 0);
        assert_eq!(v.insurers[0].due_by, d(2026, 11, 1));
    }

    #[test]
    fn trend_puts_bands_behind_the_line() {
        let cs: Vec<Checkup> = ["128", "134", "146"]
            .iter()
            .enumerate()
            .map(|(i, v)| {
                checkup(
                    d(2022 + i as i32, 6, 1),
                    CheckupKind::SpecificHealthCheckup,
                    vec![num("9A751000000000001", v)],
                )
            })
            .collect();
        let refs: Vec<&Checkup> = cs.iter().rev().collect();
        let v = build_view(&refs, subject(), vec![], d(2026, 11, 26));
        let chart = trend_chart(row(&v, KnownItem::Systolic).unwrap()).unwrap();
        assert_eq!(
            chart.areas.iter().map(|a| a.band).collect::<Vec<_>>(),
            [Band::Referral, Band::Guidance, Band::Normal],
            "top to bottom"
        );
        let total: f64 = chart.areas.iter().map(|a| a.height).sum();
        assert!(
            (total - TrendChart::HEIGHT).abs() < 1e-6,
            "areas fill the chart"
        );
        assert_eq!(chart.points.len(), 3);
        assert!(
            chart.points[0].y > chart.points[2].y,
            "higher values higher up"
        );
        assert!(chart
            .points
            .iter()
            .all(|p| (0.0..=TrendChart::WIDTH).contains(&p.x)));
        assert_eq!(chart.points[2].band, Some(Band::Referral));
        // Lower limits (eGFR) put the referral band at the bottom.
        let e: Vec<Checkup> = ["62.4", "58.2"]
            .iter()
            .enumerate()
            .map(|(i, v)| {
                checkup(
                    d(2023 + i as i32, 6, 1),
                    CheckupKind::SpecificHealthCheckup,
                    vec![num("8A065000002391901", v)],
                )
            })
            .collect();
        let refs: Vec<&Checkup> = e.iter().rev().collect();
        let v = build_view(&refs, subject(), vec![], d(2026, 11, 26));
        let chart = trend_chart(row(&v, KnownItem::Egfr).unwrap()).unwrap();
        assert_eq!(chart.areas.last().unwrap().band, Band::Referral);
        // One value is no trend.
        let one = build_view(&[&cs[0]], subject(), vec![], d(2026, 11, 26));
        assert!(trend_chart(row(&one, KnownItem::Systolic).unwrap()).is_none());
    }
}
