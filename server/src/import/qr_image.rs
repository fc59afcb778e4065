//! お薬手帳 QR codes read from a picture (a photo of the pharmacy's paper, a phone camera
//! frame, a screenshot): PNG or JPEG decoded to grey, codes found and decoded by crates.io
//! `rqrr`, each code's bytes read as JAHIS text (CP932 or UTF-8) and split codes joined by their
//! 分割制御 record (911). All on the server: the browser bundle stays small.

/// The largest picture taken (a phone photo is 2–6 MB).
pub const MAX_IMAGE_BYTES: usize = 12 * 1024 * 1024;
/// The most pixels decoded (about a 24-megapixel photo), so a tiny file claiming a huge size
/// cannot make the server allocate gigabytes.
pub const MAX_PIXELS: usize = 24_000_000;

/// Why a picture gave no お薬手帳 data.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum QrImageError {
    #[error("the picture is not a PNG or JPEG image")]
    NotAnImage,
    #[error("the picture cannot be decoded: {0}")]
    Broken(String),
    #[error("the picture is larger than {MAX_PIXELS} pixels")]
    TooManyPixels,
    #[error("no QR code was found in the picture; hold the camera closer and keep the code flat")]
    NoCode,
    #[error("a QR code was found but cannot be read ({0}); take the picture again")]
    Unreadable(String),
    #[error("QR code {0}: {1}")]
    NotJahis(usize, String),
    #[error("{0}")]
    Parts(#[from] domain::jahis::SplitError),
}

/// A decoded picture in 8-bit grey, row by row.
pub struct Grey {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

fn check_size(width: usize, height: usize) -> Result<(), QrImageError> {
    if width.saturating_mul(height) > MAX_PIXELS {
        Err(QrImageError::TooManyPixels)
    } else {
        Ok(())
    }
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

pub fn decode_png(bytes: &[u8]) -> Result<Grey, QrImageError> {
    let broken = |e: png::DecodingError| QrImageError::Broken(e.to_string());
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let header = decoder.read_header_info().map_err(broken)?;
    check_size(header.width as usize, header.height as usize)?;
    let mut reader = decoder.read_info().map_err(broken)?;
    let size = reader
        .output_buffer_size()
        .ok_or(QrImageError::TooManyPixels)?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(broken)?;
    let (width, height) = (frame.width as usize, frame.height as usize);
    let data = &buf[..frame.buffer_size()];
    let channels = match frame.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err(QrImageError::Broken("palette not expanded".into())),
    };
    let pixels = data
        .chunks_exact(channels)
        .map(|p| match channels {
            1 | 2 => p[0],
            _ => luma(p[0], p[1], p[2]),
        })
        .collect();
    Ok(Grey {
        width,
        height,
        pixels,
    })
}

pub fn decode_jpeg(bytes: &[u8]) -> Result<Grey, QrImageError> {
    let mut decoder = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    decoder
        .read_info()
        .map_err(|e| QrImageError::Broken(e.to_string()))?;
    let info = decoder
        .info()
        .ok_or_else(|| QrImageError::Broken("no frame".into()))?;
    check_size(usize::from(info.width), usize::from(info.height))?;
    let data = decoder
        .decode()
        .map_err(|e| QrImageError::Broken(e.to_string()))?;
    let pixels = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => data,
        jpeg_decoder::PixelFormat::L16 => data.chunks_exact(2).map(|p| p[0]).collect(),
        jpeg_decoder::PixelFormat::RGB24 => data
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => data
            .chunks_exact(4)
            .map(|p| 255 - luma(p[0], p[1], p[2]).max(p[3]))
            .collect(),
    };
    Ok(Grey {
        width: usize::from(info.width),
        height: usize::from(info.height),
        pixels,
    })
}

/// The grey picture of `bytes`, by its magic number.
pub fn grey(bytes: &[u8]) -> Result<Grey, QrImageError> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        decode_jpeg(bytes)
    } else {
        Err(QrImageError::NotAnImage)
    }
}

/// The raw bytes of every QR code in the picture, in the order found.
pub fn codes(img: &Grey) -> Result<Vec<Vec<u8>>, QrImageError> {
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(img.width, img.height, |x, y| {
            img.pixels[y * img.width + x]
        });
    let grids = prepared.detect_grids();
    if grids.is_empty() {
        return Err(QrImageError::NoCode);
    }
    grids
        .iter()
        .map(|g| {
            let mut out = Vec::new();
            g.decode_to(&mut out)
                .map_err(|e| QrImageError::Unreadable(e.to_string()))?;
            Ok(out)
        })
        .collect()
}

/// The JAHIS text in the picture: every code read, split codes joined in 連番 order.
pub fn decode_image(bytes: &[u8]) -> Result<String, QrImageError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(QrImageError::TooManyPixels);
    }
    let img = grey(bytes)?;
    let texts = codes(&img)?
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            domain::jahis::decode(raw).map_err(|e| QrImageError::NotJahis(i + 1, e.problem))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(domain::jahis::join_parts(&texts)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `parts`' codes side by side (what a photo of the paper looks like, cleanly).
    pub fn png_of_parts(parts: &[String], scale: usize) -> Vec<u8> {
        let codes: Vec<_> = parts
            .iter()
            .map(|p| crate::pdf::qr::modules(p).expect("fits"))
            .collect();
        let quiet = 4;
        let side = codes.iter().map(|c| c.width).max().unwrap() + 2 * quiet;
        let (w, h) = (side * scale * codes.len(), side * scale);
        let mut pixels = vec![255u8; w * h];
        for (i, c) in codes.iter().enumerate() {
            for y in 0..c.width {
                for x in 0..c.width {
                    if c.dark[y * c.width + x] {
                        for dy in 0..scale {
                            for dx in 0..scale {
                                let px = i * side * scale + (x + quiet) * scale + dx;
                                let py = (y + quiet) * scale + dy;
                                pixels[py * w + px] = 0;
                            }
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
            enc.set_color(png::ColorType::Grayscale);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().unwrap();
            writer.write_image_data(&pixels).unwrap();
        }
        out
    }

    const SAMPLE: &str = include_str!("../../../domain/src/jahis/fixtures/two-pharmacies.txt");

    #[test]
    fn a_written_code_reads_back_to_the_same_text() {
        let book = domain::jahis::parse(SAMPLE.as_bytes()).unwrap();
        let text = domain::jahis::write(&book);
        let parts = domain::jahis::split_text(&text, 10_000, 1);
        assert_eq!(parts.len(), 1);
        let png = png_of_parts(&parts, 4);
        assert_eq!(decode_image(&png).unwrap(), text);
    }

    #[test]
    fn split_codes_in_one_picture_are_joined_in_order() {
        let book = domain::jahis::parse(SAMPLE.as_bytes()).unwrap();
        let text = domain::jahis::write(&book);
        let mut parts =
            domain::jahis::split_text(&text, domain::jahis::QR_PART_BYTES, 20261126000001);
        assert!(parts.len() >= 3, "{}", parts.len());
        parts.reverse(); // photographed in any order
        let png = png_of_parts(&parts, 3);
        assert_eq!(decode_image(&png).unwrap(), text);
        assert_eq!(domain::jahis::parse_text(&text).unwrap(), book);
    }

    /// The picture the browser test uploads (`e2e/tests/jahis.test.mjs`): 高橋 美咲's notebook
    /// (born 1979-11-30), dispensed 2026-11-20 and 2026-11-25, split over codes. Rewritten
    /// with `KARTE_WRITE_FIXTURES=1`; otherwise it must decode to exactly this text.
    #[test]
    fn the_browser_tests_picture_decodes_to_its_notebook() {
        let text = SAMPLE
            .replace("見本　花子", "高橋　美咲")
            .replace("ミホン　ハナコ", "タカハシ　ミサキ")
            .replace("S330303", "19791130")
            .replace("5,R070410,1", "5,20261120,1")
            .replace("5,20250422,1", "5,20261125,1");
        let text = domain::jahis::write(&domain::jahis::parse(text.as_bytes()).unwrap());
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/import/jahis-qr-takahashi.png"
        );
        if std::env::var_os("KARTE_WRITE_FIXTURES").is_some() {
            let parts =
                domain::jahis::split_text(&text, domain::jahis::QR_PART_BYTES, 20261125000001);
            std::fs::write(path, png_of_parts(&parts, 3)).unwrap();
        }
        let png = std::fs::read(path).expect("fixture written with KARTE_WRITE_FIXTURES=1");
        assert_eq!(decode_image(&png).unwrap(), text);
    }

    #[test]
    fn pictures_without_a_code_are_refused_clearly() {
        assert_eq!(
            decode_image(b"hello").unwrap_err(),
            QrImageError::NotAnImage
        );
        let blank = {
            let mut out = Vec::new();
            let mut enc = png::Encoder::new(&mut out, 64, 64);
            enc.set_color(png::ColorType::Grayscale);
            enc.write_header()
                .unwrap()
                .write_image_data(&[255; 64 * 64])
                .unwrap();
            out
        };
        assert_eq!(decode_image(&blank).unwrap_err(), QrImageError::NoCode);
        assert!(matches!(
            decode_image(b"\x89PNG\r\n\x1a\nbroken").unwrap_err(),
            QrImageError::Broken(_)
        ));
    }

    #[test]
    fn a_bomb_is_refused_from_its_header() {
        // 68 bytes claiming 100,000 × 100,000 pixels, 17 bytes claiming 65,535 × 65,535: the
        // fuzz seeds (fuzz/corpus/qr_image/) built for it, refused before any pixel is decoded.
        for bomb in [
            &include_bytes!("../../../fuzz/corpus/qr_image/seed-bomb-header.png")[..],
            &include_bytes!("../../../fuzz/corpus/qr_image/seed-bomb-header.jpg")[..],
        ] {
            assert_eq!(decode_image(bomb).unwrap_err(), QrImageError::TooManyPixels);
        }
    }
}
