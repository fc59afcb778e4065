//! Reading a person's drug and expense lines back into domain types. Every query is scoped
//! by `person_id` in SQL; visibility (publication date, supersession, the 3-year window) is
//! applied by the domain rules on the scoped rows.

use crate::db::{Db, DbError};
use crate::records::codes::{decode_err, from_code};
use crate::records::line_cache;
use crate::with_pool;
use chrono::NaiveDate;
use domain::claim::{ClaimId, ClaimSource, InstitutionId, ReceiptIdentity};
use domain::drugs::{DispensedQuantity, DrugLine, QuantityUnit, ReceiptDrugCode, YjCode};
use domain::expenses::{ExpenseLine, ServiceCategory};
use domain::insurance::InsurerNumber;
use domain::money::Yen;
use domain::people::PersonId;
use domain::period::{MonthRange, YearMonth};
use domain::visibility::main_view;

#[derive(sqlx::FromRow)]
struct ClaimCols {
    claim_id: String,
    institution_id: String,
    service_month: String,
    accepted_on: NaiveDate,
    sequence: i64,
    receipt_kind: String,
    care_setting: String,
    receipt_prescriber: Option<String>,
}

impl ClaimCols {
    fn into_claim(self, person: &PersonId) -> Result<ClaimSource, sqlx::Error> {
        Ok(ClaimSource {
            claim_id: ClaimId::parse(&self.claim_id).map_err(decode_err("claim_id"))?,
            person: person.clone(),
            institution: InstitutionId::parse(&self.institution_id)
                .map_err(decode_err("institution_id"))?,
            service_month: YearMonth::parse(&self.service_month)
                .map_err(decode_err("service_month"))?,
            receipt: ReceiptIdentity {
                kind: from_code("receipt_kind", &self.receipt_kind)?,
                setting: from_code("care_setting", &self.care_setting)?,
                prescriber: self
                    .receipt_prescriber
                    .map(|p| InstitutionId::parse(&p))
                    .transpose()
                    .map_err(decode_err("receipt_prescriber"))?,
            },
            accepted_on: self.accepted_on,
            sequence: u64::try_from(self.sequence).unwrap_or_default(),
            imported_by_you: self
                .claim_id
                .starts_with(domain::claim::SELF_IMPORTED_PREFIX),
        })
    }
}

/// A drug row: the columns of [`DRUG_COLUMNS`] in order, read by sqlx (PostgreSQL) or from
/// the JSON array SQLite's `json_array` writes (serde reads a struct from a sequence).
#[derive(sqlx::FromRow, serde::Deserialize)]
struct DrugRow {
    claim_id: String,
    institution_id: String,
    service_month: String,
    accepted_on: NaiveDate,
    sequence: i64,
    visible_from: NaiveDate,
    dispensed_on: NaiveDate,
    dispenser_name: String,
    prescriber_id: String,
    prescription: String,
    usage: String,
    drug_name: String,
    ingredient: Option<String>,
    receipt_code: Option<String>,
    yj_code: Option<String>,
    directions: Option<String>,
    daily_dose: Option<String>,
    single_dose: Option<String>,
    special_instructions: Option<String>,
    quantity_amount: i64,
    quantity_unit: String,
    mark: Option<String>,
    copay: Option<i64>,
    savings: Option<i64>,
    receipt_kind: String,
    care_setting: String,
    receipt_prescriber: Option<String>,
}

impl DrugRow {
    fn into_line(self, person: &PersonId) -> Result<DrugLine, sqlx::Error> {
        let claim = ClaimCols {
            claim_id: self.claim_id,
            institution_id: self.institution_id,
            service_month: self.service_month,
            accepted_on: self.accepted_on,
            sequence: self.sequence,
            receipt_kind: self.receipt_kind,
            care_setting: self.care_setting,
            receipt_prescriber: self.receipt_prescriber,
        };
        Ok(DrugLine {
            claim: claim.into_claim(person)?,
            visible_from: self.visible_from,
            dispensed_on: self.dispensed_on,
            dispenser_name: self.dispenser_name,
            prescriber: InstitutionId::parse(&self.prescriber_id)
                .map_err(decode_err("prescriber_id"))?,
            prescription: from_code("prescription", &self.prescription)?,
            usage: from_code("usage", &self.usage)?,
            drug_name: self.drug_name,
            ingredient: self.ingredient,
            receipt_code: self
                .receipt_code
                .map(|c| ReceiptDrugCode::parse(&c))
                .transpose()
                .map_err(decode_err("receipt_code"))?,
            yj_code: self
                .yj_code
                .map(|c| YjCode::parse(&c))
                .transpose()
                .map_err(decode_err("yj_code"))?,
            directions: self.directions,
            daily_dose: self.daily_dose,
            single_dose: self.single_dose,
            special_instructions: self.special_instructions,
            quantity: DispensedQuantity {
                amount: u32::try_from(self.quantity_amount).unwrap_or_default(),
                unit: QuantityUnit::parse(&self.quantity_unit),
            },
            mark: self.mark.map(|m| from_code("mark", &m)).transpose()?,
            copay: self.copay.map(Yen),
            savings: self.savings.map(Yen),
        })
    }
}

#[derive(sqlx::FromRow)]
struct ExpenseRow {
    #[sqlx(flatten)]
    claim: ClaimCols,
    visible_from: NaiveDate,
    category: String,
    days: i64,
    institution_name: String,
    total: i64,
    insurer_paid: i64,
    public_paid: i64,
    patient_paid: i64,
}

/// An expense row as SQLite's `json_array` writes it, in the columns' order.
#[derive(serde::Deserialize)]
struct ExpenseJsonRow(
    String,
    String,
    String,
    NaiveDate,
    i64,
    String,
    String,
    Option<String>,
    NaiveDate,
    String,
    i64,
    String,
    i64,
    i64,
    i64,
    i64,
);

impl ExpenseJsonRow {
    fn into_row(self) -> ExpenseRow {
        let r = self;
        ExpenseRow {
            claim: ClaimCols {
                claim_id: r.0,
                institution_id: r.1,
                service_month: r.2,
                accepted_on: r.3,
                sequence: r.4,
                receipt_kind: r.5,
                care_setting: r.6,
                receipt_prescriber: r.7,
            },
            visible_from: r.8,
            category: r.9,
            days: r.10,
            institution_name: r.11,
            total: r.12,
            insurer_paid: r.13,
            public_paid: r.14,
            patient_paid: r.15,
        }
    }
}

impl ExpenseRow {
    fn into_line(self, person: &PersonId) -> Result<ExpenseLine, sqlx::Error> {
        let claim = self.claim.into_claim(person)?;
        Ok(ExpenseLine {
            service_month: claim.service_month,
            claim,
            visible_from: self.visible_from,
            category: ServiceCategory::parse(&self.category),
            days: u32::try_from(self.days).unwrap_or_default(),
            institution_name: self.institution_name,
            total: Yen(self.total),
            insurer_paid: Yen(self.insurer_paid),
            public_paid: Yen(self.public_paid),
            patient_paid: Yen(self.patient_paid),
        })
    }
}

const DRUG_COLUMNS: &str = "claim_id, institution_id, service_month, accepted_on, sequence, visible_from, dispensed_on,
    dispenser_name, prescriber_id, prescription, usage, drug_name, ingredient, receipt_code, yj_code, directions,
    daily_dose, single_dose, special_instructions, quantity_amount, quantity_unit, mark, copay, savings,
    receipt_kind, care_setting, receipt_prescriber";

/// The drug lines a person sees for `months` on `today`, newest first. Lines not yet
/// published are left out in SQL; supersession and the 3-year window by the domain rules.
/// Kept in [`line_cache`] while the person's record token stays the same.
pub async fn visible_drug_lines(
    db: &Db,
    person: &PersonId,
    months: MonthRange,
    today: NaiveDate,
) -> Result<Vec<DrugLine>, DbError> {
    Ok(std::sync::Arc::unwrap_or_clone(
        shared_visible_drug_lines(db, person, months, today).await?,
    ))
}

/// [`visible_drug_lines`] without a copy: the cached lines themselves while the person's
/// token is current (the page and the API only read them). The same `Arc` for every view of
/// one cache entry, so what is derived from the lines alone (the page's table) can be kept
/// beside it.
#[tracing::instrument(skip_all)]
pub async fn shared_visible_drug_lines(
    db: &Db,
    person: &PersonId,
    months: MonthRange,
    today: NaiveDate,
) -> Result<std::sync::Arc<Vec<DrugLine>>, DbError> {
    // The token is read before the lines: lines newer than their token only cost a miss later.
    let lookup = match line_cache::token(db, person).await? {
        Some(token) => match line_cache::get(db, person, months, today, token) {
            Ok(lines) => return Ok(lines),
            Err(lookup) => Some(lookup),
        },
        None => None,
    };
    let shown = std::sync::Arc::new(read_visible_drug_lines(db, person, months, today).await?);
    if let Some(lookup) = lookup {
        line_cache::put(lookup, std::sync::Arc::clone(&shown));
    }
    Ok(shown)
}

async fn read_visible_drug_lines(
    db: &Db,
    person: &PersonId,
    months: MonthRange,
    today: NaiveDate,
) -> Result<Vec<DrugLine>, DbError> {
    const FILTER: &str =
        "FROM drug_lines WHERE person_id = $1 AND service_month BETWEEN $2 AND $3 AND visible_from <= $4";
    let (from, to) = (months.from().to_string(), months.to().to_string());
    let rows: Vec<DrugRow> = match db {
        // sqlx hands SQLite rows over from its worker thread one at a time (~8 µs each): for a
        // page of thousands, one row of JSON that SQLite builds itself is several times faster.
        Db::Sqlite(pool) => {
            let sql = format!("SELECT json_group_array(json_array({DRUG_COLUMNS})) {FILTER}");
            let json: String = sqlx::query_scalar(&sql)
                .bind(person.as_str())
                .bind(&from)
                .bind(&to)
                .bind(today)
                .fetch_one(pool)
                .await?;
            serde_json::from_str::<Vec<DrugRow>>(&json)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?
        }
        Db::Postgres(pool) => {
            // The order SQLite's index gives (month, then insertion): the same lines always
            // come back in the same order, whatever plan PostgreSQL picks.
            sqlx::query_as(&format!(
                "SELECT {DRUG_COLUMNS} {FILTER} ORDER BY service_month, id"
            ))
            .bind(person.as_str())
            .bind(&from)
            .bind(&to)
            .bind(today)
            .fetch_all(pool)
            .await?
        }
    };
    let lines = rows
        .into_iter()
        .map(|r| r.into_line(person))
        .collect::<Result<Vec<_>, _>>()?;
    let mut shown = domain::visibility::into_main_view(lines, today);
    let insurances = insurer_history(db, person).await?;
    domain::drugs::hide_savings_under_late_stage_insurance(&mut shown, &insurances);
    domain::drugs::sort_newest_first(&mut shown);
    Ok(shown)
}

/// The person's insurances as (valid from, 保険者番号), for rules that depend on the insurer
/// in force on a day (削減可能額 is not shown under 後期高齢者医療). Numbers that no longer
/// parse are skipped.
async fn insurer_history(
    db: &Db,
    person: &PersonId,
) -> Result<Vec<(NaiveDate, InsurerNumber)>, DbError> {
    const SQL: &str = "SELECT valid_from, insurer_number FROM insurances WHERE person_id = $1";
    let rows: Vec<(NaiveDate, String)> =
        with_pool!(db, pool => sqlx::query_as(SQL).bind(person.as_str()).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .filter_map(|(from, n)| InsurerNumber::parse(&n).ok().map(|n| (from, n)))
        .collect())
}

/// The latest publication day of a person's drug information that is visible today: what
/// the page calls "data as of".
pub async fn drug_data_as_of(
    db: &Db,
    person: &PersonId,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, DbError> {
    const SQL: &str =
        "SELECT max(visible_from) FROM drug_lines WHERE person_id = $1 AND visible_from <= $2";
    let token = line_cache::token(db, person).await?;
    if let Some(day) = token.and_then(|t| line_cache::get_as_of(db, person, today, t)) {
        return Ok(day);
    }
    let day: Option<NaiveDate> = with_pool!(db, pool => sqlx::query_scalar(SQL)
        .bind(person.as_str())
        .bind(today)
        .fetch_one(pool)
        .await?);
    if let Some(t) = token {
        line_cache::put_as_of(db, person, today, t, day);
    }
    Ok(day)
}

/// The expense lines a person sees for `months` on `today`, newest month first.
#[tracing::instrument(skip_all)]
pub async fn visible_expense_lines(
    db: &Db,
    person: &PersonId,
    months: MonthRange,
    today: NaiveDate,
) -> Result<Vec<ExpenseLine>, DbError> {
    const COLUMNS: &str =
        "claim_id, institution_id, service_month, accepted_on, sequence, receipt_kind,
            care_setting, receipt_prescriber, visible_from, category,
            days, institution_name, total, insurer_paid, public_paid, patient_paid";
    const FILTER: &str =
        "FROM expense_lines WHERE person_id = $1 AND service_month BETWEEN $2 AND $3 AND visible_from <= $4";
    let (from, to) = (months.from().to_string(), months.to().to_string());
    let rows: Vec<ExpenseRow> = match db {
        // As for drug lines: one row of JSON instead of a row at a time from sqlx's worker
        // thread (a year of 995 lines is the 集計フォーム's read).
        Db::Sqlite(pool) => {
            let sql = format!("SELECT json_group_array(json_array({COLUMNS})) {FILTER}");
            let json: String = sqlx::query_scalar(&sql)
                .bind(person.as_str())
                .bind(&from)
                .bind(&to)
                .bind(today)
                .fetch_one(pool)
                .await?;
            serde_json::from_str::<Vec<ExpenseJsonRow>>(&json)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?
                .into_iter()
                .map(ExpenseJsonRow::into_row)
                .collect()
        }
        Db::Postgres(pool) => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} {FILTER} ORDER BY service_month, id"
            ))
            .bind(person.as_str())
            .bind(&from)
            .bind(&to)
            .bind(today)
            .fetch_all(pool)
            .await?
        }
    };
    let lines = rows
        .into_iter()
        .map(|r| r.into_line(person))
        .collect::<Result<Vec<_>, _>>()?;
    let mut shown = main_view(&lines, today);
    shown.sort_by(|a, b| {
        b.service_month
            .cmp(&a.service_month)
            .then_with(|| a.institution_name.cmp(&b.institution_name))
    });
    Ok(shown)
}

/// Every stored drug line of a person, unfiltered (for export/archive and tests).
pub async fn all_drug_lines(db: &Db, person: &PersonId) -> Result<Vec<DrugLine>, DbError> {
    let sql = format!("SELECT {DRUG_COLUMNS} FROM drug_lines WHERE person_id = $1 ORDER BY id");
    let rows: Vec<DrugRow> =
        with_pool!(db, pool => sqlx::query_as(&sql).bind(person.as_str()).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|r| r.into_line(person))
        .collect::<Result<Vec<_>, _>>()?)
}

/// Every stored expense line of a person, unfiltered (for the archive, which re-imports to the
/// same pages).
pub async fn all_expense_lines(db: &Db, person: &PersonId) -> Result<Vec<ExpenseLine>, DbError> {
    const SQL: &str = "SELECT claim_id, institution_id, service_month, accepted_on, sequence,
        receipt_kind, care_setting, receipt_prescriber, visible_from, category, days,
        institution_name, total, insurer_paid, public_paid, patient_paid
        FROM expense_lines WHERE person_id = $1 ORDER BY id";
    let rows: Vec<ExpenseRow> =
        with_pool!(db, pool => sqlx::query_as(SQL).bind(person.as_str()).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|r| r.into_line(person))
        .collect::<Result<Vec<_>, _>>()?)
}
