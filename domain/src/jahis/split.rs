//! 分割制御レコード (911): a notebook too long for one QR code is cut between lines into parts,
//! each a JAHIS text of its own (the version record first) ending in `911,データ固有ID,分割数,
//! データ連番`. Readers join the parts by the ID, in 連番 order, before parsing.

/// The CP932 bytes one QR code carries at most when Karte splits a notebook: a version-10 code
/// at level M holds 213 bytes; smaller codes are easier to scan on a phone.
pub const QR_PART_BYTES: usize = 200;

/// Why scanned parts cannot be joined.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SplitError {
    #[error("part {0} has no version record (JAHISTC…) on its first line")]
    NoHeader(usize),
    #[error("part {0} is one of several but has no 分割制御 record (911) at its end")]
    NoControl(usize),
    #[error("part {0}: the 分割制御 record (911) is malformed: {1}")]
    BadControl(usize, String),
    #[error("the parts belong to different notebooks (データ固有ID differ)")]
    Mixed,
    #[error("part {0} of {1} is missing; scan every code of the paper")]
    Missing(u16, u16),
    #[error("part {0} was given twice")]
    Twice(u16),
}

struct Part<'a> {
    header: &'a str,
    body: Vec<&'a str>,
    control: Option<(String, u16, u16)>,
}

fn lines(text: &str) -> Vec<&str> {
    text.split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn part(index: usize, text: &str) -> Result<Part<'_>, SplitError> {
    let mut ls = lines(text);
    if ls.is_empty() || !ls[0].trim_start().starts_with("JAHISTC") {
        return Err(SplitError::NoHeader(index + 1));
    }
    let header = ls.remove(0);
    let control = match ls.last() {
        Some(l) if l.trim_start().starts_with("911,") => {
            let f: Vec<&str> = l.trim().split(',').map(str::trim).collect();
            let bad = |why: &str| SplitError::BadControl(index + 1, why.to_owned());
            if f.len() < 4 {
                return Err(bad("fewer than 3 fields"));
            }
            let count: u16 = f[2].parse().map_err(|_| bad("分割数 is not a number"))?;
            let seq: u16 = f[3]
                .parse()
                .map_err(|_| bad("データ連番 is not a number"))?;
            if count == 0 || seq == 0 || seq > count {
                return Err(bad("データ連番 is not within 1…分割数"));
            }
            ls.pop();
            Some((f[1].to_owned(), count, seq))
        }
        _ => None,
    };
    Ok(Part {
        header,
        body: ls,
        control,
    })
}

/// Joins the texts of scanned codes (in any order) into one JAHIS text. One text without a
/// 分割制御 record is returned as it is.
pub fn join_parts(texts: &[String]) -> Result<String, SplitError> {
    let parts = texts
        .iter()
        .enumerate()
        .map(|(i, t)| part(i, t))
        .collect::<Result<Vec<_>, _>>()?;
    if parts.len() == 1 && parts[0].control.is_none() {
        return Ok(texts[0].clone());
    }
    let mut numbered = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let (id, count, seq) = p.control.clone().ok_or(SplitError::NoControl(i + 1))?;
        numbered.push((id, count, seq, p));
    }
    let (id, count) = (numbered[0].0.clone(), numbered[0].1);
    if numbered.iter().any(|(i, c, ..)| *i != id || *c != count) {
        return Err(SplitError::Mixed);
    }
    numbered.sort_by_key(|(_, _, seq, _)| *seq);
    for w in numbered.windows(2) {
        if w[0].2 == w[1].2 {
            return Err(SplitError::Twice(w[0].2));
        }
    }
    for want in 1..=count {
        if !numbered.iter().any(|(_, _, seq, _)| *seq == want) {
            return Err(SplitError::Missing(want, count));
        }
    }
    let mut out = vec![numbered[0].3.header];
    for (.., p) in &numbered {
        out.extend(p.body.iter().copied());
    }
    let mut text = out.join("\r\n");
    text.push_str("\r\n");
    Ok(text)
}

/// Cuts `text` into parts of at most `max_bytes` CP932 bytes each (a line longer than that
/// gets a part of its own), each with the header and a 911 record carrying `data_id` (14
/// digits). Fits in one part: returned as it is, without 911.
pub fn split_text(text: &str, max_bytes: usize, data_id: u64) -> Vec<String> {
    let mut ls = lines(text);
    if ls.is_empty() || text.len() <= max_bytes && super::encode_cp932(text).len() <= max_bytes {
        return vec![text.to_owned()];
    }
    let header = ls.remove(0);
    let id = format!("{:014}", data_id % 100_000_000_000_000);
    // 911 line: "911," + 14 + ",NNN,NNN" + CRLF at most.
    let overhead = header.len() + 2 + 4 + 14 + 8 + 2;
    let budget = max_bytes.saturating_sub(overhead).max(1);
    let mut chunks: Vec<Vec<&str>> = vec![Vec::new()];
    let mut used = 0;
    for l in ls {
        let n = super::encode_cp932(l).len() + 2;
        let last = chunks.last_mut().expect("never empty");
        if !last.is_empty() && used + n > budget {
            chunks.push(vec![l]);
            used = n;
        } else {
            last.push(l);
            used += n;
        }
    }
    let count = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let mut part = vec![header.to_owned()];
            part.extend(body.into_iter().map(str::to_owned));
            part.push(format!("911,{id},{count},{}", i + 1));
            let mut s = part.join("\r\n");
            s.push_str("\r\n");
            s
        })
        .collect()
}
