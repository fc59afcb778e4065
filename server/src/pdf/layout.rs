//! A small, generic document layout for A4 portrait reports: a title, a header block of
//! label/value pairs, notes (issue date, "data as of", period), then headings, paragraphs and
//! tables. Every page repeats the title, header block and notes, and ends with 「i / N」.
//! Table rows are never split across pages (the column header row is repeated on each page),
//! and cell text is wrapped by the font's real advance widths with 禁則処理 (see `wrap`).
//!
//! Layout is two passes: place everything on pages (so the page count N is known), then emit
//! the PDF (`writer`).

use super::font::Font;
use super::wrap::wrap;
use super::PdfError;
use chrono::{DateTime, Utc};

/// A document to render. Build one with the report builders in `reports`, or directly.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Title on every page and in the PDF metadata.
    pub title: String,
    /// BCP 47 language tag written as the document language (`/Lang`), e.g. `ja`.
    pub lang: String,
    /// Label/value pairs shown in a box under the title on every page (受診者情報).
    pub header: Vec<(String, String)>,
    /// Short lines under the header on every page (発行日, データ時点, 期間).
    pub notes: Vec<String>,
    /// The content, in order.
    pub blocks: Vec<Block>,
    /// Creation date written to the metadata.
    pub created: DateTime<Utc>,
}

/// 「1 / 3」.
pub fn page_of(page: usize, pages: usize) -> String {
    format!("{page} / {pages}")
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading (kept with at least the start of what follows).
    Heading(String),
    /// A paragraph, wrapped to the page width.
    Text(String),
    Table(Table),
    /// QR codes, side by side and wrapped, each with a caption under it.
    Qr(Vec<QrImage>),
}

/// One QR code: its modules (dark or light, row by row) and a caption (「1/3」).
#[derive(Debug, Clone, PartialEq)]
pub struct QrImage {
    pub width: usize,
    pub dark: Vec<bool>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Header text (wrapped like any cell).
    pub label: String,
    /// Relative width: a column gets `weight / sum(weights)` of the content width.
    pub weight: f32,
    pub align: Align,
}

impl Column {
    pub fn new(label: impl Into<String>, weight: f32) -> Self {
        Self {
            label: label.into(),
            weight,
            align: Align::Left,
        }
    }

    /// Right-aligned (amounts, counts).
    pub fn right(mut self) -> Self {
        self.align = Align::Right;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One text per column (`Group` rows use only the first, across the whole table).
    pub cells: Vec<String>,
    pub kind: RowKind,
}

impl Row {
    pub fn body(cells: Vec<String>) -> Self {
        Self {
            cells,
            kind: RowKind::Body,
        }
    }

    /// A group caption across all columns (e.g. 「2025年3月4日　さくら薬局」).
    pub fn group(text: impl Into<String>) -> Self {
        Self {
            cells: vec![text.into()],
            kind: RowKind::Group,
        }
    }

    /// A totals row: shaded, with a heavier rule above.
    pub fn total(cells: Vec<String>) -> Self {
        Self {
            cells,
            kind: RowKind::Total,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Body,
    Group,
    Total,
}

// ── geometry (points; origin bottom left) ──
pub(super) const PAGE_W: f32 = 595.276;
pub(super) const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 36.0;
const MARGIN_TOP: f32 = 34.0;
const MARGIN_BOTTOM: f32 = 40.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const TITLE_SIZE: f32 = 14.0;
const HEADER_SIZE: f32 = 8.5;
const NOTE_SIZE: f32 = 7.5;
const HEADING_SIZE: f32 = 10.5;
const TEXT_SIZE: f32 = 8.0;
const CELL_SIZE: f32 = 7.0;
const LEADING: f32 = 1.3;
const PAD: f32 = 2.5;

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// A QR code: `width` × `width` modules packed as by [`pack_modules`], drawn black as a
    /// `side` × `side` square whose lower left corner is at (`x`, `y`).
    Qr {
        x: f32,
        y: f32,
        side: f32,
        width: usize,
        bits: Vec<u8>,
    },
}

struct Pager<'f> {
    font: &'f Font,
    pages: Vec<Vec<Item>>,
    /// Top of the content area (below the repeated header).
    content_top: f32,
    y: f32,
}

impl<'f> Pager<'f> {
    fn page(&mut self) -> &mut Vec<Item> {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.content_top;
    }

    fn room(&self) -> f32 {
        self.y - MARGIN_BOTTOM
    }

    fn lines(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let font = self.font;
        wrap(text, width, &|c| font.advance(c) * size)
    }

    /// A text line whose box top is at `top`.
    fn text_at(&self, x: f32, top: f32, size: f32, text: String) -> Item {
        Item::Text {
            x,
            y: top - size * self.font.ascent - (LEADING - 1.0) * size / 2.0,
            size,
            text,
        }
    }
}

/// Column x positions (left edges) and widths.
fn column_geometry(columns: &[Column]) -> Vec<(f32, f32)> {
    let total: f32 = columns
        .iter()
        .map(|c| c.weight.max(0.0))
        .sum::<f32>()
        .max(1e-3);
    let mut x = MARGIN_X;
    columns
        .iter()
        .map(|c| {
            let w = CONTENT_W * c.weight.max(0.0) / total;
            let out = (x, w);
            x += w;
            out
        })
        .collect()
}

/// Places the repeated page header; returns the y below it.
fn header_items(doc: &Document, font: &Font) -> (Vec<Item>, f32) {
    let pager = Pager {
        font,
        pages: Vec::new(),
        content_top: 0.0,
        y: 0.0,
    };
    let mut items = Vec::new();
    let mut y = PAGE_H - MARGIN_TOP;
    for line in pager.lines(&doc.title, TITLE_SIZE, CONTENT_W) {
        items.push(pager.text_at(MARGIN_X, y, TITLE_SIZE, line));
        y -= TITLE_SIZE * LEADING;
    }
    y -= 4.0;
    if !doc.header.is_empty() {
        // Two columns of "label　value", in reading order left then right.
        let half = CONTENT_W / 2.0;
        let label_w = doc
            .header
            .iter()
            .map(|(l, _)| font.width(l, HEADER_SIZE))
            .fold(0.0, f32::max)
            .min(half * 0.45);
        let top = y;
        let rows = doc.header.len().div_ceil(2);
        let row_gap = HEADER_SIZE * LEADING * 0.15;
        let mut row_top = top - PAD * 2.0;
        for r in 0..rows {
            // Left pair r, right pair r + rows; the row is as tall as its taller value.
            let mut height = HEADER_SIZE * LEADING;
            for (col, i) in [r, r + rows].into_iter().enumerate() {
                let Some((label, value)) = doc.header.get(i) else {
                    continue;
                };
                let x = MARGIN_X + PAD * 2.0 + col as f32 * half;
                items.push(pager.text_at(x, row_top, HEADER_SIZE, label.clone()));
                let lines = pager.lines(value, HEADER_SIZE, half - label_w - PAD * 6.0);
                height = height.max(lines.len() as f32 * HEADER_SIZE * LEADING);
                let mut line_top = row_top;
                for line in lines {
                    items.push(pager.text_at(x + label_w + PAD * 3.0, line_top, HEADER_SIZE, line));
                    line_top -= HEADER_SIZE * LEADING;
                }
            }
            row_top -= height + row_gap;
        }
        let bottom = row_top - PAD;
        items.push(Item::Fill {
            x: MARGIN_X,
            y: bottom,
            w: CONTENT_W,
            h: top - bottom,
            grey: 0.95,
        });
        items.extend(box_rules(MARGIN_X, bottom, CONTENT_W, top - bottom, 0.6));
        y = bottom - 4.0;
    }
    for note in &doc.notes {
        for line in pager.lines(note, NOTE_SIZE, CONTENT_W) {
            items.push(pager.text_at(MARGIN_X, y, NOTE_SIZE, line));
            y -= NOTE_SIZE * LEADING;
        }
    }
    y -= 6.0;
    (items, y)
}

fn box_rules(x: f32, y: f32, w: f32, h: f32, width: f32) -> [Item; 4] {
    [
        Item::Rule {
            x1: x,
            y1: y,
            x2: x + w,
            y2: y,
            width,
        },
        Item::Rule {
            x1: x,
            y1: y + h,
            x2: x + w,
            y2: y + h,
            width,
        },
        Item::Rule {
            x1: x,
            y1: y,
            x2: x,
            y2: y + h,
            width,
        },
        Item::Rule {
            x1: x + w,
            y1: y,
            x2: x + w,
            y2: y + h,
            width,
        },
    ]
}

/// A row laid out: its wrapped lines per cell and its height.
struct LaidRow {
    lines: Vec<Vec<String>>,
    height: f32,
    kind: RowKind,
}

fn lay_row(pager: &Pager<'_>, geometry: &[(f32, f32)], row: &Row) -> LaidRow {
    let lh = CELL_SIZE * LEADING;
    let lines: Vec<Vec<String>> = match row.kind {
        RowKind::Group => vec![pager.lines(
            row.cells.first().map(String::as_str).unwrap_or(""),
            CELL_SIZE,
            CONTENT_W - 2.0 * PAD,
        )],
        _ => geometry
            .iter()
            .enumerate()
            .map(|(i, (_, w))| {
                pager.lines(
                    row.cells.get(i).map(String::as_str).unwrap_or(""),
                    CELL_SIZE,
                    (w - 2.0 * PAD).max(CELL_SIZE),
                )
            })
            .collect(),
    };
    let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    LaidRow {
        lines,
        height: n as f32 * lh + 2.0 * PAD,
        kind: row.kind,
    }
}

fn draw_row(
    pager: &mut Pager<'_>,
    geometry: &[(f32, f32)],
    columns: &[Column],
    row: &LaidRow,
    head: bool,
) {
    let top = pager.y;
    let bottom = top - row.height;
    let lh = CELL_SIZE * LEADING;
    let shade = match (head, row.kind) {
        (true, _) => Some(0.85),
        (_, RowKind::Group) => Some(0.93),
        (_, RowKind::Total) => Some(0.9),
        _ => None,
    };
    let mut items = Vec::new();
    if let Some(grey) = shade {
        items.push(Item::Fill {
            x: MARGIN_X,
            y: bottom,
            w: CONTENT_W,
            h: row.height,
            grey,
        });
    }
    let top_rule = if row.kind == RowKind::Total || head {
        0.9
    } else {
        0.3
    };
    items.push(Item::Rule {
        x1: MARGIN_X,
        y1: top,
        x2: MARGIN_X + CONTENT_W,
        y2: top,
        width: top_rule,
    });
    items.push(Item::Rule {
        x1: MARGIN_X,
        y1: bottom,
        x2: MARGIN_X + CONTENT_W,
        y2: bottom,
        width: if head { 0.9 } else { 0.3 },
    });
    items.push(Item::Rule {
        x1: MARGIN_X,
        y1: bottom,
        x2: MARGIN_X,
        y2: top,
        width: 0.3,
    });
    items.push(Item::Rule {
        x1: MARGIN_X + CONTENT_W,
        y1: bottom,
        x2: MARGIN_X + CONTENT_W,
        y2: top,
        width: 0.3,
    });
    if row.kind == RowKind::Group {
        let mut line_top = top - PAD;
        for line in &row.lines[0] {
            items.push(pager.text_at(MARGIN_X + PAD, line_top, CELL_SIZE, line.clone()));
            line_top -= lh;
        }
    } else {
        for (i, ((x, w), lines)) in geometry.iter().zip(&row.lines).enumerate() {
            if i > 0 {
                items.push(Item::Rule {
                    x1: *x,
                    y1: bottom,
                    x2: *x,
                    y2: top,
                    width: 0.3,
                });
            }
            let mut line_top = top - PAD;
            for line in lines {
                let lx = match columns[i].align {
                    Align::Left => x + PAD,
                    Align::Right => x + w - PAD - pager.font.width(line, CELL_SIZE),
                };
                items.push(pager.text_at(lx, line_top, CELL_SIZE, line.clone()));
                line_top -= lh;
            }
        }
    }
    pager.page().extend(items);
    pager.y = bottom;
}

fn place_table(pager: &mut Pager<'_>, table: &Table) {
    let geometry = column_geometry(&table.columns);
    let head = lay_row(
        pager,
        &geometry,
        &Row::body(table.columns.iter().map(|c| c.label.clone()).collect()),
    );
    let rows: Vec<LaidRow> = table
        .rows
        .iter()
        .map(|r| lay_row(pager, &geometry, r))
        .collect();
    // The header with at least the first row, or a new page.
    let first = rows.first().map_or(0.0, |r| r.height);
    if pager.room() < head.height + first && pager.y < pager.content_top {
        pager.new_page();
    }
    draw_row(pager, &geometry, &table.columns, &head, true);
    for (i, row) in rows.iter().enumerate() {
        // A group caption is kept with the row after it.
        let next = match row.kind {
            RowKind::Group => rows.get(i + 1).map_or(0.0, |r| r.height),
            _ => 0.0,
        };
        if pager.room() < row.height + next {
            pager.new_page();
            draw_row(pager, &geometry, &table.columns, &head, true);
        }
        draw_row(pager, &geometry, &table.columns, row, false);
    }
    pager.y -= 8.0;
}

/// One QR module, in points: a version-10 code (57 modules) is 28 mm wide, easy for a phone.
const QR_MODULE: f32 = 1.4;
/// The quiet zone around each code, in modules.
const QR_QUIET: usize = 4;

/// A code's modules as a 1-bit image, row by row from the top, each row padded to a whole
/// byte, most significant bit first, 1 for a dark module.
fn pack_modules(code: &QrImage) -> Vec<u8> {
    let row_bytes = code.width.div_ceil(8);
    let mut bits = vec![0u8; row_bytes * code.width];
    for (row, modules) in code.dark.chunks(code.width.max(1)).enumerate() {
        for (x, _) in modules.iter().enumerate().filter(|(_, dark)| **dark) {
            bits[row * row_bytes + x / 8] |= 0x80 >> (x % 8);
        }
    }
    bits
}

/// QR codes in rows across the page; each code is one image mask (a few hundred bytes, drawn
/// with sharp module edges), its caption under it.
fn place_qr(pager: &mut Pager<'_>, codes: &[QrImage]) {
    let side = |c: &QrImage| (c.width + 2 * QR_QUIET) as f32 * QR_MODULE;
    let label_h = TEXT_SIZE * LEADING;
    let mut x = MARGIN_X;
    let mut row_h: f32 = 0.0;
    for code in codes {
        let s = side(code);
        if x > MARGIN_X && x + s > MARGIN_X + CONTENT_W {
            pager.y -= row_h;
            x = MARGIN_X;
            row_h = 0.0;
        }
        if pager.room() < s + label_h {
            pager.new_page();
            x = MARGIN_X;
            row_h = 0.0;
        }
        let top = pager.y;
        let inner = code.width as f32 * QR_MODULE;
        let item = Item::Qr {
            x: x + QR_QUIET as f32 * QR_MODULE,
            y: top - (code.width + QR_QUIET) as f32 * QR_MODULE,
            side: inner,
            width: code.width,
            bits: pack_modules(code),
        };
        pager.page().push(item);
        let label = pager.text_at(
            x + QR_QUIET as f32 * QR_MODULE,
            top - s,
            TEXT_SIZE,
            code.label.clone(),
        );
        pager.page().push(label);
        x += s + 6.0;
        row_h = row_h.max(s + label_h);
    }
    pager.y -= row_h + 4.0;
}

/// Lays the document out into pages of drawn items.
fn paginate(doc: &Document, font: &Font) -> Vec<Vec<Item>> {
    let (header, content_top) = header_items(doc, font);
    let mut pager = Pager {
        font,
        pages: Vec::new(),
        content_top,
        y: content_top,
    };
    pager.new_page();
    for (i, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Heading(text) => {
                let lines = pager.lines(text, HEADING_SIZE, CONTENT_W);
                let h = lines.len() as f32 * HEADING_SIZE * LEADING + 4.0;
                // Keep the heading with some of what follows.
                let keep = match doc.blocks.get(i + 1) {
                    Some(Block::Table(_)) => 40.0,
                    Some(_) => 20.0,
                    None => 0.0,
                };
                if pager.room() < h + keep && pager.y < pager.content_top {
                    pager.new_page();
                }
                for line in lines {
                    let item = pager.text_at(MARGIN_X, pager.y, HEADING_SIZE, line);
                    pager.page().push(item);
                    pager.y -= HEADING_SIZE * LEADING;
                }
                pager.y -= 4.0;
            }
            Block::Text(text) => {
                for line in pager.lines(text, TEXT_SIZE, CONTENT_W) {
                    if pager.room() < TEXT_SIZE * LEADING {
                        pager.new_page();
                    }
                    let item = pager.text_at(MARGIN_X, pager.y, TEXT_SIZE, line);
                    pager.page().push(item);
                    pager.y -= TEXT_SIZE * LEADING;
                }
                pager.y -= 4.0;
            }
            Block::Table(table) => place_table(&mut pager, table),
            Block::Qr(codes) => place_qr(&mut pager, codes),
        }
    }
    let n = pager.pages.len();
    let mut pages = pager.pages;
    for (i, page) in pages.iter_mut().enumerate() {
        let mut all = header.clone();
        all.append(page);
        let label = page_of(i + 1, n);
        let w = font.width(&label, NOTE_SIZE);
        all.push(Item::Text {
            x: (PAGE_W - w) / 2.0,
            y: MARGIN_BOTTOM / 2.0,
            size: NOTE_SIZE,
            text: label,
        });
        *page = all;
    }
    pages
}

/// The number of pages `doc` takes (lays it out without writing the PDF).
pub fn page_count(doc: &Document, font: &Font) -> usize {
    paginate(doc, font).len()
}

/// A rendered PDF and its page count.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Renders `doc` with `font`: A4 portrait, the font embedded as a subset, title, language and
/// creation date in the metadata.
pub fn render(doc: &Document, font: &Font) -> Result<Rendered, PdfError> {
    let pages = paginate(doc, font);
    Ok(Rendered {
        bytes: super::writer::write_pdf(doc, &pages, font)?,
        pages: pages.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::font::font;

    fn doc(rows: usize) -> Document {
        let long = "レバミピド錠100mg「オーツカ」（ムコスタ錠100mgの後発品）、1日3回毎食後に服用してください。";
        Document {
            title: "テスト文書".into(),
            lang: "ja".into(),
            header: vec![
                ("氏名".into(), "佐藤　健一".into()),
                ("生年月日".into(), "昭和49年6月12日 (1974-06-12)".into()),
                ("年齢".into(), "50歳".into()),
            ],
            notes: vec!["発行日: 2025年6月1日".into()],
            blocks: vec![
                Block::Heading("見出し".into()),
                Block::Table(Table {
                    columns: vec![
                        Column::new("番号", 0.6).right(),
                        Column::new("名前", 2.0),
                        Column::new("金額", 1.0).right(),
                    ],
                    rows: (0..rows)
                        .map(|i| {
                            if i % 7 == 0 {
                                Row::group(format!("グループ{i}"))
                            } else {
                                Row::body(vec![
                                    format!("row-{i}"),
                                    long.repeat(1 + i % 3),
                                    format!("{i},000円"),
                                ])
                            }
                        })
                        .chain(std::iter::once(Row::total(vec![
                            "合計".into(),
                            String::new(),
                            "1円".into(),
                        ])))
                        .collect(),
                }),
                Block::Text("おわり".into()),
            ],
            created: Utc::now(),
        }
    }

    #[test]
    fn qr_modules_pack_row_by_row_most_significant_bit_first() {
        // A 10-module code: each row takes two bytes, the last six bits of each row unused.
        let mut dark = vec![false; 100];
        dark[0] = true; // row 0, column 0
        dark[9] = true; // row 0, column 9
        dark[10 + 8] = true; // row 1, column 8
        dark[99] = true; // row 9, column 9
        let code = QrImage {
            width: 10,
            dark,
            label: String::new(),
        };
        let bits = pack_modules(&code);
        assert_eq!(bits.len(), 20);
        assert_eq!(&bits[0..4], &[0b1000_0000, 0b0100_0000, 0, 0b1000_0000]);
        assert_eq!(&bits[18..20], &[0, 0b0100_0000]);
        assert!(bits[4..18].iter().all(|b| *b == 0));
    }

    #[test]
    fn widths_come_from_the_font() {
        let f = font().expect("IPAexGothic installed (scripts/setup.sh)");
        assert!((f.advance('あ') - 1.0).abs() < 0.01, "{}", f.advance('あ'));
        assert!((f.width("薬局", 10.0) - 20.0).abs() < 0.1);
        // IPAexGothic's Latin is proportional: i is narrower than W.
        assert!(f.advance('i') < f.advance('W'));
        assert!(f.advance('1') < 1.0);
    }

    #[test]
    fn pages_are_numbered_rows_stay_whole_and_text_stays_inside() {
        let f = font().expect("font");
        let d = doc(300);
        let pages = paginate(&d, f);
        let n = pages.len();
        assert!(n > 3, "{n} pages");
        let mut seen = Vec::new();
        for (i, page) in pages.iter().enumerate() {
            let texts: Vec<(&f32, &f32, &f32, &String)> = page
                .iter()
                .filter_map(|it| match it {
                    Item::Text { x, y, size, text } => Some((x, y, size, text)),
                    _ => None,
                })
                .collect();
            assert!(
                texts.iter().any(|t| *t.3 == format!("{} / {n}", i + 1)),
                "page {i} number"
            );
            assert!(
                texts.iter().any(|t| t.3 == "テスト文書"),
                "title on page {i}"
            );
            assert!(
                texts.iter().any(|t| t.3 == "佐藤　健一"),
                "header on page {i}"
            );
            assert!(
                texts.iter().any(|t| t.3 == "名前"),
                "column header on page {i}"
            );
            for (x, y, size, text) in &texts {
                let right = **x + f.width(text, **size);
                assert!(
                    right <= PAGE_W - MARGIN_X + 0.01,
                    "{text} overflows to {right}"
                );
                if !text.contains(" / ") {
                    assert!(**y >= MARGIN_BOTTOM - 0.01, "{text} below the margin");
                }
            }
            // Row boxes (rules) never cross the bottom margin.
            for it in page.iter() {
                if let Item::Rule { y1, y2, .. } = it {
                    assert!(y1.min(*y2) >= MARGIN_BOTTOM - 0.01);
                }
            }
            seen.extend(
                texts
                    .iter()
                    .filter(|t| t.3.starts_with("row-"))
                    .map(|t| t.3.clone()),
            );
        }
        // Every row once: none lost, none split over two pages (the id cell is one line).
        let expected: Vec<String> = (0..300)
            .filter(|i| i % 7 != 0)
            .map(|i| format!("row-{i}"))
            .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn renders_a_pdf_with_language_and_subset_font() {
        let f = font().expect("font");
        let out = render(&doc(20), f).unwrap();
        assert!(out.bytes.starts_with(b"%PDF-"));
        let raw = String::from_utf8_lossy(&out.bytes);
        assert!(
            raw.contains("/Lang(ja)") || raw.contains("/Lang (ja)"),
            "document language"
        );
        assert!(
            out.bytes.len() < 200_000,
            "a subset, not the 6 MB font: {}",
            out.bytes.len()
        );
        assert_eq!(out.pages, 1);
    }

    #[test]
    fn columns_share_the_content_width_by_weight() {
        let g = column_geometry(&[Column::new("a", 1.0), Column::new("b", 3.0)]);
        assert!((g[0].0 - MARGIN_X).abs() < 1e-3);
        assert!((g[0].1 - CONTENT_W / 4.0).abs() < 1e-3);
        assert!((g[1].0 - (MARGIN_X + CONTENT_W / 4.0)).abs() < 1e-3);
        assert!((g[0].1 + g[1].1 - CONTENT_W).abs() < 1e-3);
    }
}
