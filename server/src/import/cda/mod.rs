//! 特定健診 / 後期高齢者健診 results: one hc08 CDA `ClinicalDocument` (health-data.md §6).
//!
//! Safety first, because these files arrive from outside: the input is size-limited, any
//! `<!DOCTYPE` is refused (no DTD means no external entities and no entity expansion bombs),
//! and quick-xml itself expands only the five predefined entities and character references.
//! The streaming reader builds a small tree of the `urn:hl7-org:v3` elements only (elements
//! of other namespaces are skipped); the tree is bounded by the size limit and a depth limit.

mod reader;
#[cfg(test)]
mod tests;
mod tree;

use super::batch::{ImportBatch, ImportError};
use super::options::ParseOptions;
use super::text::{utf8_without_bom, LineIndex};
use reader::Reader;
use tree::read_tree;

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
/// 報告区分 (`ClinicalDocument/code`); 10 = 特定健診情報, the only kind Karte reads.
const OID_REPORT_KIND: &str = "1.2.392.200119.6.1001";
const REPORT_KIND_CHECKUP: &str = "10";
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
