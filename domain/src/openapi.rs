//! OpenAPI schemas of the types that serialize as text through their own parser (the derive
//! would describe their fields, not their text). Only with the `openapi` feature: the server
//! builds its document from them; the browser bundle never carries this.

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// A text schema with a description and, where the text has a fixed shape, its pattern.
pub fn text(description: &str, pattern: Option<&str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(pattern)
        .into()
}

/// A positive whole-number id.
pub fn serial(description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Int64,
        )))
        .minimum(Some(1))
        .description(Some(description))
        .into()
}

macro_rules! text_schema {
    ($($ty:ty => $description:literal, $pattern:expr;)*) => {
        $(
            impl PartialSchema for $ty {
                fn schema() -> RefOr<Schema> {
                    text($description, $pattern)
                }
            }
            impl ToSchema for $ty {}
        )*
    };
}

text_schema! {
    crate::period::YearMonth => "A calendar month, YYYY-MM.", Some(r"^\d{4}-\d{2}$");
    crate::checkups::Decimal => "An exact decimal as the file sent it (\"5.60\" stays 5.60).", Some(r"^-?\d+(\.\d+)?$");
    crate::drugs::ReceiptDrugCode => "レセプト電算処理システム用コード (9 digits).", Some(r"^\d{9}$");
    crate::drugs::YjCode => "YJコード (12 characters).", None;
}
