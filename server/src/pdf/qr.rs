//! QR codes of お薬手帳 (JAHIS) text from the modules crates.io `qrcodegen` computes (Project
//! Nayuki's reference encoder: byte mode, level M or better at the same size, the best of the
//! eight masks; about twice as fast as crates.io `qrcode` on the 46 codes of bench/run's drugs
//! PDF, `perf` samples 227 → 122): drawn by hand as an SVG for the drugs page, and as image
//! masks in the drugs PDF (pdf/layout.rs). Read back from a photo or a screenshot by crates.io
//! `rqrr` (`decode_image`).

use qrcodegen::{QrCode, QrCodeEcc};

/// Dark modules of one code, row by row, and its width in modules.
pub struct Modules {
    pub width: usize,
    pub dark: Vec<bool>,
}

/// The code of one part (its CP932 bytes, byte mode, level M — raised where the same size has
/// room); `None` if it does not fit the largest code (never for parts of `QR_PART_BYTES`).
pub fn modules(part: &str) -> Option<Modules> {
    let bytes = domain::jahis::encode_cp932(part);
    let code = QrCode::encode_binary(&bytes, QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let dark = (0..size)
        .flat_map(|y| (0..size).map(move |x| (x, y)))
        .map(|(x, y)| code.get_module(x, y))
        .collect();
    Some(Modules {
        width: usize::try_from(size).ok()?,
        dark,
    })
}

/// Quiet zone around each code, in modules (the standard's minimum).
const QUIET: usize = 4;
/// One module in SVG user units.
const MODULE: usize = 4;
/// Room under each code for its number.
const LABEL: usize = 28;

/// All parts' codes in one SVG, one under the other, each numbered 「1/3」.
pub fn svg_of_parts(parts: &[String]) -> String {
    let codes: Vec<Modules> = parts.iter().filter_map(|p| modules(p)).collect();
    let side = codes.iter().map(|c| c.width).max().unwrap_or(21) + 2 * QUIET;
    let block = side * MODULE + LABEL;
    let width = side * MODULE;
    let height = block * codes.len().max(1);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"JAHIS QR\" shape-rendering=\"crispEdges\">"
    );
    svg.push_str(&format!(
        "<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>"
    ));
    let n = codes.len();
    for (i, code) in codes.iter().enumerate() {
        let top = i * block;
        svg.push_str("<path fill=\"#000\" d=\"");
        for y in 0..code.width {
            for x in 0..code.width {
                if code.dark[y * code.width + x] {
                    let px = (x + QUIET) * MODULE;
                    let py = top + (y + QUIET) * MODULE;
                    svg.push_str(&format!("M{px} {py}h{MODULE}v{MODULE}h-{MODULE}z"));
                }
            }
        }
        svg.push_str("\"/>");
        if n > 1 {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"18\" text-anchor=\"middle\" font-family=\"sans-serif\">{}/{n}</text>",
                width / 2,
                top + side * MODULE + 18,
                i + 1
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}
