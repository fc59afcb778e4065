//! Writes laid-out pages as a PDF directly: one content stream per page (fills, rules, then
//! the text as 2-byte glyph ids), deflated; the font embedded once per document as a subset
//! of exactly the glyphs used (printpdf / allsorts do the subsetting), as an Identity-H
//! Type0 font with a ToUnicode CMap so the text stays searchable and copyable.
//!
//! printpdf's own writer (`to_lopdf_doc`) built an operation tree and a lopdf object per
//! positioned run; on a 2,000-line drug history (~40,000 runs) that alone took 300+ ms.

use super::font::Font;
use super::layout::{Document, Item, PAGE_H, PAGE_W};
use super::PdfError;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

/// Writes `pages` (items in drawing order) as a complete PDF file.
pub(super) fn write_pdf(
    doc: &Document,
    pages: &[Vec<Item>],
    font: &Font,
) -> Result<Vec<u8>, PdfError> {
    // The glyphs used, each with the text it stands for (for ToUnicode).
    let mut used: BTreeMap<u16, String> = BTreeMap::new();
    for page in pages {
        for item in page {
            if let Item::Text { text, .. } = item {
                for c in text.chars() {
                    let gid = font.glyph(c);
                    if gid != 0 {
                        used.entry(gid).or_insert_with(|| c.to_string());
                    }
                }
            }
        }
    }
    let subset = printpdf::subset_font(&font.parsed, &used)
        .map_err(|e| PdfError::Render(format!("font subset: {e}")))?;
    // Original glyph id → subset glyph id (the code written in the content stream).
    let remap: BTreeMap<u16, u16> = subset
        .glyph_mapping
        .iter()
        .map(|(old, (new, _))| (*old, *new))
        .collect();

    let mut w = Writer::new();
    // Object numbers: 1 catalog, 2 pages, 3 info, 4 Type0 font, 5 CIDFont, 6 descriptor,
    // 7 font file, 8 ToUnicode, then two per page (page, content), then one per QR image.
    let first_page = 9;
    let page_ref = |i: usize| first_page + 2 * i;
    let mut next_image = first_page + 2 * pages.len();

    w.object(
        1,
        format!(
            "<< /Type /Catalog /Pages 2 0 R /Lang {} >>",
            literal(doc.lang.as_bytes())
        )
        .as_bytes(),
    );
    let kids: String = (0..pages.len())
        .map(|i| format!("{} 0 R ", page_ref(i)))
        .collect();
    w.object(
        2,
        format!("<< /Type /Pages /Count {} /Kids [ {kids}] >>", pages.len()).as_bytes(),
    );
    let date = doc.created.format("D:%Y%m%d%H%M%S+00'00'").to_string();
    w.object(
        3,
        format!(
            "<< /Title {} /Creator (Karte) /Producer (Karte) /CreationDate ({date}) /ModDate ({date}) >>",
            utf16_hex(&doc.title)
        )
        .as_bytes(),
    );

    let name = format!("{}+{}", subset_tag(&used), font.name());
    w.object(
        4,
        format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
             /DescendantFonts [5 0 R] /ToUnicode 8 0 R >>"
        )
        .as_bytes(),
    );
    let mut widths = String::new();
    let mut by_new: Vec<(u16, &str)> = subset
        .glyph_mapping
        .values()
        .map(|(new, text)| (*new, text.as_str()))
        .collect();
    by_new.sort_unstable();
    for (new, text) in &by_new {
        let c = text.chars().next().unwrap_or(' ');
        let _ = write!(widths, "{new} [{}] ", (font.advance(c) * 1000.0).round());
    }
    w.object(
        5,
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor 6 0 R /DW 1000 /W [ {widths}] /CIDToGIDMap /Identity >>"
        )
        .as_bytes(),
    );
    let ascent = (font.ascent * 1000.0).round();
    let descent = ascent - 1000.0;
    w.object(
        6,
        format!(
            "<< /Type /FontDescriptor /FontName /{name} /Flags 4 \
             /FontBBox [0 {descent} 1000 {ascent}] /ItalicAngle 0 /Ascent {ascent} \
             /Descent {descent} /CapHeight {ascent} /StemV 80 /FontFile2 7 0 R >>"
        )
        .as_bytes(),
    );
    w.stream(
        7,
        &format!("/Length1 {}", subset.bytes.len()),
        &subset.bytes,
    )?;
    w.stream(8, "", to_unicode(&by_new).as_bytes())?;

    let mut content = Vec::new();
    let mut images = Vec::new();
    for (i, items) in pages.iter().enumerate() {
        let (page, stream) = (page_ref(i), page_ref(i) + 1);
        // The page's QR codes: image XObjects /Q0, /Q1, … written after the pages.
        let first_image = next_image;
        let mut xobjects = String::new();
        for item in items {
            if let Item::Qr { width, bits, .. } = item {
                let _ = write!(xobjects, "/Q{} {next_image} 0 R ", next_image - first_image);
                images.push((next_image, *width, bits));
                next_image += 1;
            }
        }
        let xobjects = if xobjects.is_empty() {
            String::new()
        } else {
            format!(" /XObject << {xobjects}>>")
        };
        w.object(
            page,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources << /Font << /F1 4 0 R >>{xobjects} >> /Contents {stream} 0 R >>"
            )
            .as_bytes(),
        );
        content.clear();
        page_content(items, font, &remap, &mut content);
        w.stream(stream, "", &content)?;
    }
    // Each code is a 1-bit image mask painted black where a bit is 1, never smoothed when
    // scaled up (module edges stay sharp for a phone's camera).
    for (id, width, bits) in images {
        w.stream(
            id,
            &format!(
                "/Type /XObject /Subtype /Image /Width {width} /Height {width} /ImageMask true \
                 /BitsPerComponent 1 /Decode [1 0] /Interpolate false"
            ),
            bits,
        )?;
    }
    Ok(w.finish(next_image))
}

/// The page's drawing operators: fills first, then QR codes, rules, and text on top.
fn page_content(items: &[Item], font: &Font, remap: &BTreeMap<u16, u16>, out: &mut Vec<u8>) {
    for item in items {
        if let Item::Fill { x, y, w, h, grey } = item {
            num(out, *grey);
            out.extend_from_slice(b"g ");
            for v in [x, y, w, h] {
                num(out, *v);
            }
            out.extend_from_slice(b"re f\n");
        }
    }
    // QR codes (image masks, painted in the fill colour), each /Qn in page order.
    let mut image = 0;
    for item in items {
        if let Item::Qr { x, y, side, .. } = item {
            out.extend_from_slice(b"q 0 g ");
            num(out, *side);
            out.extend_from_slice(b"0 0 ");
            num(out, *side);
            num(out, *x);
            num(out, *y);
            let _ = write!(out, "cm /Q{image} Do Q\n");
            image += 1;
        }
    }
    out.extend_from_slice(b"0.35 G\n");
    let mut width = -1;
    for rule in merged_rules(items) {
        if rule.width != width {
            hundredths(out, rule.width);
            out.extend_from_slice(b"w\n");
            width = rule.width;
        }
        hundredths(out, rule.x1);
        hundredths(out, rule.y1);
        out.extend_from_slice(b"m ");
        hundredths(out, rule.x2);
        hundredths(out, rule.y2);
        out.extend_from_slice(b"l S\n");
    }
    out.extend_from_slice(b"0 g\nBT\n");
    let mut size = -1.0;
    for item in items {
        let Item::Text {
            x,
            y,
            size: s,
            text,
        } = item
        else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        if *s != size {
            out.extend_from_slice(b"/F1 ");
            num(out, *s);
            out.extend_from_slice(b"Tf\n");
            size = *s;
        }
        out.extend_from_slice(b"1 0 0 1 ");
        num(out, *x);
        num(out, *y);
        out.extend_from_slice(b"Tm (");
        for c in text.chars() {
            let gid = remap.get(&font.glyph(c)).copied().unwrap_or(0);
            for b in gid.to_be_bytes() {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    // A bare CR would be read as an end of line.
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
        out.extend_from_slice(b") Tj\n");
    }
    out.extend_from_slice(b"ET\n");
}

/// A number with at most two decimals, then a space.
fn num(out: &mut Vec<u8>, v: f32) {
    hundredths(out, (f64::from(v) * 100.0).round() as i64);
}

/// A rule in hundredths of a point (as written), from its lower or left end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Stroke {
    width: i64,
    x1: i64,
    y1: i64,
    x2: i64,
    y2: i64,
}

/// The page's rules as they will be stroked: a table row's bottom is the next row's top and its
/// column lines continue the row above's, so exact repeats are dropped and vertical (or
/// horizontal) rules of one width that touch or overlap become one. All rules share one colour,
/// so the painted result is the same; a 2,000-line drugs PDF is a tenth smaller.
fn merged_rules(items: &[Item]) -> Vec<Stroke> {
    let h = |v: f32| (f64::from(v) * 100.0).round() as i64;
    let mut rules: Vec<Stroke> = items
        .iter()
        .filter_map(|item| match item {
            Item::Rule {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                let (a, b) = ((h(*x1), h(*y1)), (h(*x2), h(*y2)));
                let ((x1, y1), (x2, y2)) = if a <= b { (a, b) } else { (b, a) };
                Some(Stroke {
                    width: h(*width),
                    x1,
                    y1,
                    x2,
                    y2,
                })
            }
            _ => None,
        })
        .collect();
    // Vertical rules sort by (width, x) then from the bottom, horizontal ones by (width, y)
    // then from the left: a rule can only continue the one just before it.
    let line_key = |r: &Stroke| {
        if r.x1 == r.x2 {
            (r.width, 0, r.x1, r.y1, r.y2)
        } else if r.y1 == r.y2 {
            (r.width, 1, r.y1, r.x1, r.x2)
        } else {
            (r.width, 2, r.x1, r.y1, r.x2 * 1_000_000 + r.y2)
        }
    };
    rules.sort_by_key(line_key);
    let mut merged: Vec<Stroke> = Vec::with_capacity(rules.len());
    for r in rules {
        if let Some(last) = merged.last_mut() {
            let (a, b) = (line_key(last), line_key(&r));
            if a.0 == b.0 && a.1 == b.1 && a.1 < 2 && a.2 == b.2 && b.3 <= a.4 {
                if r.x1 == r.x2 {
                    last.y2 = last.y2.max(r.y2);
                } else {
                    last.x2 = last.x2.max(r.x2);
                }
                continue;
            }
            if *last == r {
                continue;
            }
        }
        merged.push(r);
    }
    merged
}

/// A number given in hundredths, written with at most two decimals, then a space.
fn hundredths(out: &mut Vec<u8>, hundredths: i64) {
    if hundredths < 0 {
        out.push(b'-');
    }
    let a = hundredths.unsigned_abs();
    let mut buf = itoa_buf(a / 100);
    out.append(&mut buf);
    let frac = a % 100;
    if frac != 0 {
        out.push(b'.');
        out.push(b'0' + (frac / 10) as u8);
        if !frac.is_multiple_of(10) {
            out.push(b'0' + (frac % 10) as u8);
        }
    }
    out.push(b' ');
}

fn itoa_buf(mut n: u64) -> Vec<u8> {
    let mut digits = Vec::with_capacity(8);
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    digits
}

/// A PDF literal string: `(ja)`.
fn literal(bytes: &[u8]) -> String {
    let mut s = String::from("(");
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                s.push('\\');
                s.push(b as char);
            }
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\{b:03o}");
            }
        }
    }
    s.push(')');
    s
}

/// A text string as UTF-16BE with a byte order mark: `<FEFF…>`.
fn utf16_hex(text: &str) -> String {
    let mut s = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(s, "{unit:04X}");
    }
    s.push('>');
    s
}

/// Six capital letters naming this subset (`ABCDEF+`), derived from the glyphs in it.
fn subset_tag(used: &BTreeMap<u16, String>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for gid in used.keys() {
        for b in gid.to_be_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8))
        .collect()
}

/// The ToUnicode CMap: subset glyph id → the text it stands for.
fn to_unicode(glyphs: &[(u16, &str)]) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in glyphs.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (gid, text) in chunk {
            let _ = write!(s, "<{gid:04X}> <");
            for unit in text.encode_utf16() {
                let _ = write!(s, "{unit:04X}");
            }
            s.push_str(">\n");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// The file being written: the bytes and where each object starts (for the xref table).
struct Writer {
    out: Vec<u8>,
    offsets: BTreeMap<usize, usize>,
}

impl Writer {
    fn new() -> Self {
        Self {
            // A binary file (the comment's high bytes say so to transfer tools).
            out: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            offsets: BTreeMap::new(),
        }
    }

    fn object(&mut self, id: usize, body: &[u8]) {
        self.offsets.insert(id, self.out.len());
        let _ = writeln!(self.out, "{id} 0 obj");
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    /// A deflated stream object; `extra` goes into its dictionary.
    fn stream(&mut self, id: usize, extra: &str, data: &[u8]) -> Result<(), PdfError> {
        let mut z = ZlibEncoder::new(Vec::with_capacity(data.len() / 3), Compression::new(6));
        z.write_all(data)
            .map_err(|e| PdfError::Render(e.to_string()))?;
        let packed = z.finish().map_err(|e| PdfError::Render(e.to_string()))?;
        self.offsets.insert(id, self.out.len());
        let _ = write!(
            self.out,
            "{id} 0 obj\n<< /Length {} /Filter /FlateDecode {extra} >>\nstream\n",
            packed.len()
        );
        self.out.extend_from_slice(&packed);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
        Ok(())
    }

    /// The cross-reference table and trailer; `size` is one past the highest object number.
    fn finish(mut self, size: usize) -> Vec<u8> {
        let xref = self.out.len();
        let _ = write!(self.out, "xref\n0 {size}\n0000000000 65535 f \n");
        for id in 1..size {
            match self.offsets.get(&id) {
                Some(at) => {
                    let _ = writeln!(self.out, "{at:010} 00000 n ");
                }
                None => self.out.extend_from_slice(b"0000000000 65535 f \n"),
            }
        }
        let _ = write!(
            self.out,
            "trailer\n<< /Size {size} /Root 1 0 R /Info 3 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(x1: f32, y1: f32, x2: f32, y2: f32, width: f32) -> Item {
        Item::Rule {
            x1,
            y1,
            x2,
            y2,
            width,
        }
    }

    #[test]
    fn table_rules_are_stroked_once() {
        // Two table rows of one column each, drawn as the layout draws them: top, bottom, left
        // and right per row (the second row's top is the first row's bottom, drawn right to
        // left here), and a thicker header rule on the same line.
        let items = vec![
            rule(36.0, 700.0, 560.0, 700.0, 0.3),
            rule(36.0, 680.0, 560.0, 680.0, 0.3),
            rule(36.0, 680.0, 36.0, 700.0, 0.3),
            rule(560.0, 680.0, 560.0, 700.0, 0.3),
            rule(560.0, 680.0, 36.0, 680.0, 0.3),
            rule(36.0, 660.0, 560.0, 660.0, 0.3),
            rule(36.0, 660.0, 36.0, 680.0, 0.3),
            rule(560.0, 660.0, 560.0, 680.0, 0.3),
            rule(36.0, 700.0, 560.0, 700.0, 0.9),
            // A column line further down that does not touch the others stays apart.
            rule(36.0, 600.0, 36.0, 640.0, 0.3),
            // A diagonal is kept as it is, once.
            rule(40.0, 40.0, 50.0, 50.0, 0.3),
            rule(50.0, 50.0, 40.0, 40.0, 0.3),
        ];
        let s = |width, x1, y1, x2, y2| Stroke {
            width,
            x1,
            y1,
            x2,
            y2,
        };
        assert_eq!(
            merged_rules(&items),
            vec![
                s(30, 3600, 60000, 3600, 64000),
                s(30, 3600, 66000, 3600, 70000),
                s(30, 56000, 66000, 56000, 70000),
                s(30, 3600, 66000, 56000, 66000),
                s(30, 3600, 68000, 56000, 68000),
                s(30, 3600, 70000, 56000, 70000),
                s(30, 4000, 4000, 5000, 5000),
                s(90, 3600, 70000, 56000, 70000),
            ]
        );
    }

    #[test]
    fn numbers_are_written_with_at_most_two_decimals() {
        let mut out = Vec::new();
        for v in [0.0, 12.5, -3.25, 559.284, 0.006] {
            num(&mut out, v);
        }
        assert_eq!(String::from_utf8(out).unwrap(), "0 12.5 -3.25 559.28 0.01 ");
    }
}
