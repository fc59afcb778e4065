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
    // 7 font file, 8 ToUnicode, then two per page (page, content).
    let first_page = 9;
    let page_ref = |i: usize| first_page + 2 * i;

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
    for (i, items) in pages.iter().enumerate() {
        let (page, stream) = (page_ref(i), page_ref(i) + 1);
        w.object(
            page,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources << /Font << /F1 4 0 R >> >> /Contents {stream} 0 R >>"
            )
            .as_bytes(),
        );
        content.clear();
        page_content(items, font, &remap, &mut content);
        w.stream(stream, "", &content)?;
    }
    Ok(w.finish(first_page + 2 * pages.len()))
}

/// The page's drawing operators: fills first, then rules, then text on top.
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
    out.extend_from_slice(b"0.35 G\n");
    let mut width = -1.0;
    for item in items {
        if let Item::Rule {
            x1,
            y1,
            x2,
            y2,
            width: lw,
        } = item
        {
            if *lw != width {
                num(out, *lw);
                out.extend_from_slice(b"w\n");
                width = *lw;
            }
            num(out, *x1);
            num(out, *y1);
            out.extend_from_slice(b"m ");
            num(out, *x2);
            num(out, *y2);
            out.extend_from_slice(b"l S\n");
        }
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
    let hundredths = (f64::from(v) * 100.0).round() as i64;
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
