//! The one Japanese font: IPAexGothic (IPA Font License: embedding allowed), read and parsed
//! once per process. Debian's `fonts-ipaexfont-gothic` installs it (scripts/setup.sh);
//! `KARTE_PDF_FONT` points elsewhere.

use super::PdfError;
use printpdf::ParsedFont;
use std::sync::OnceLock;

/// Where Debian installs IPAexGothic.
pub const DEFAULT_FONT_PATH: &str = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";

/// Advance width (ems) and glyph id of 256 consecutive characters.
type GlyphBlock = Box<[(f32, u16)]>;

/// A parsed font and what layout needs from it.
pub struct Font {
    pub(crate) parsed: ParsedFont,
    /// Units per em as read (widths in the PDF are per 1000 em).
    pub(crate) units_per_em: f32,
    /// Advance widths (ems) and glyph ids of the Basic Multilingual Plane in blocks of 256
    /// characters, each looked up on first use, so measuring and encoding are an index instead
    /// of a cmap search per character.
    bmp: Vec<OnceLock<GlyphBlock>>,
    /// Ascent as a fraction of the em (baseline position inside a line).
    pub ascent: f32,
}

impl Font {
    /// Parses sfnt bytes (TrueType / OpenType).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PdfError> {
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| PdfError::Font("not a TrueType/OpenType font".into()))?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em.max(1));
        let ascent = (parsed.font_metrics.ascent / units_per_em).clamp(0.5, 1.2);
        Ok(Self {
            parsed,
            units_per_em,
            ascent,
            bmp: (0..256).map(|_| OnceLock::new()).collect(),
        })
    }

    fn lookup(&self, c: char) -> (f32, u16) {
        match self.parsed.lookup_glyph_index(c as u32) {
            Some(glyph) => (
                f32::from(self.parsed.get_horizontal_advance(glyph)) / self.units_per_em,
                glyph,
            ),
            None => (1.0, 0),
        }
    }

    /// Advance width of `c` in ems (from the font's `hmtx`); a character the font lacks is
    /// measured as one em, so wrapping stays on the safe side.
    pub fn advance(&self, c: char) -> f32 {
        self.metrics(c).0
    }

    /// The font's glyph id for `c`; 0 (.notdef) when the font lacks it.
    pub fn glyph(&self, c: char) -> u16 {
        self.metrics(c).1
    }

    /// The font's name (`IPAexGothic`), without spaces, for the PDF font dictionary.
    pub fn name(&self) -> String {
        let name: String = self
            .parsed
            .font_name
            .as_deref()
            .unwrap_or("IPAexGothic")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if name.is_empty() {
            "IPAexGothic".into()
        } else {
            name
        }
    }

    fn metrics(&self, c: char) -> (f32, u16) {
        let cp = c as usize;
        match self.bmp.get(cp >> 8) {
            Some(block) => block.get_or_init(|| {
                let base = (cp >> 8) << 8;
                (base..base + 256)
                    .map(|i| {
                        u32::try_from(i)
                            .ok()
                            .and_then(char::from_u32)
                            .map_or((1.0, 0), |c| self.lookup(c))
                    })
                    .collect()
            })[cp & 0xFF],
            None => self.lookup(c),
        }
    }

    /// Width of `text` at `size` points, in points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }
}

static FONT: OnceLock<Result<Font, PdfError>> = OnceLock::new();

/// The process-wide font, loaded on first use (about 6 MB read and parsed once).
pub fn font() -> Result<&'static Font, PdfError> {
    FONT.get_or_init(|| {
        let path = std::env::var("KARTE_PDF_FONT").unwrap_or_else(|_| DEFAULT_FONT_PATH.into());
        let bytes = std::fs::read(&path).map_err(|e| {
            PdfError::Font(format!(
                "{path}: {e} (install fonts-ipaexfont-gothic or set KARTE_PDF_FONT)"
            ))
        })?;
        Font::from_bytes(&bytes)
    })
    .as_ref()
    .map_err(Clone::clone)
}
