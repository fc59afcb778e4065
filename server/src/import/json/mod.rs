//! Karte's canonical JSON batch (docs/import-format.md, docs/import-batch.schema.json).
//!
//! Two steps: serde reads the text into private "wire" structs that mirror the documented
//! format exactly (`deny_unknown_fields`, so a typo is an error, not silently dropped data);
//! then each wire value is converted into domain types, naming the JSON path of any bad field.
//! Arrays and nested objects are decoded one element at a time so an error can say
//! `people[0].drugs[12].dispensed_on` rather than just "somewhere in the file".

mod convert;
#[cfg(test)]
mod tests;
mod wire;

use super::batch::{ImportBatch, ImportError};
use super::options::ParseOptions;
use super::text::utf8_without_bom;
use convert::Converter;
use serde_json::Value;

/// The only version this parser reads.
pub const FORMAT_VERSION: u64 = 1;

/// Larger batches must be split: the whole batch is parsed in memory and stored in one
/// transaction.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// The batch read straight into the wire structs and converted, if nothing in it is wrong.
fn fast_pass(converter: &Converter<'_>, text: &str) -> Option<ImportBatch> {
    let root = wire::typed(|| serde_json::from_str::<wire::Nested<wire::WireBatch>>(text)).ok()?;
    converter.batch(root).ok()
}

/// Parses one canonical JSON batch. All or nothing: the first bad field refuses the batch.
pub fn parse(
    file_name: &str,
    bytes: &[u8],
    opts: &ParseOptions,
) -> Result<ImportBatch, ImportError> {
    let err = |field: &str, message: String| ImportError::new(file_name, None, field, message);
    if bytes.len() > MAX_BYTES {
        return Err(err(
            "(file)",
            format!(
                "the file is {} bytes; the limit is {MAX_BYTES} bytes, so split the batch",
                bytes.len()
            ),
        ));
    }
    let text = utf8_without_bom(bytes).map_err(|e| {
        err(
            "(file)",
            format!(
                "not UTF-8 text (invalid byte at offset {}); save the file as UTF-8",
                e.valid_up_to()
            ),
        )
    })?;
    // The fast pass: straight into the wire structs. Anything wrong anywhere, and the batch is
    // read again the exact way, which names the place (the same conversion either way).
    let converter = Converter {
        file: file_name,
        opts,
    };
    if let Some(batch) = fast_pass(&converter, text) {
        return Ok(batch);
    }
    let root: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::new(
            file_name,
            Some(e.line()),
            "(syntax)",
            format!("not valid JSON: {e}"),
        )
    })?;
    converter.batch(wire::Nested::Raw(root))
}
