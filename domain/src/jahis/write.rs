use super::model::*;
use chrono::NaiveDate;

/// The JAHIS text of `book` (CRLF line ends; encode with [`super::encode_cp932`] for a file).
/// Text fields are made safe: a half-width comma becomes a full-width one (the spec's rule),
/// line breaks become spaces, and surrounding spaces are trimmed.
pub fn write(book: &Notebook) -> String {
    let mut out = Vec::new();
    out.push(format!("JAHISTC{:02},{}", book.version, book.output.code()));
    if let Some(p) = &book.patient {
        out.push(rec(
            1,
            &[
                t(&p.name),
                match p.sex {
                    Sex::Male => "1".into(),
                    Sex::Female => "2".into(),
                },
                date(p.birth_date),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                o(&p.kana),
            ],
        ));
    }
    for d in &book.dispensings {
        out.push(rec(5, &[date(d.date), d.creator.code().to_string()]));
        if let Some(i) = &d.institution {
            out.push(rec(
                11,
                &[
                    t(&i.name),
                    o(&i.prefecture),
                    i.table.map(|x| x.to_string()).unwrap_or_default(),
                    o(&i.code),
                    o(&i.postal_code),
                    o(&i.address),
                    o(&i.phone),
                    "1".into(),
                ],
            ));
        }
        if let Some(s) = &d.staff {
            out.push(rec(15, &[t(&s.name), o(&s.contact), "1".into()]));
        }
        if let Some(p) = &d.prescriber {
            out.push(rec(
                51,
                &[
                    t(&p.name),
                    o(&p.prefecture),
                    p.table.map(|x| x.to_string()).unwrap_or_default(),
                    o(&p.code),
                    "1".into(),
                ],
            ));
        }
        for g in &d.groups {
            if let Some((name, dept)) = &g.doctor {
                out.push(rec(55, &[t(name), o(dept), "1".into()]));
            }
            for rp in &g.rps {
                let n = rp.number.to_string();
                for drug in &rp.drugs {
                    let (kind, code) = match &drug.code {
                        None => (String::new(), String::new()),
                        Some(c) => (c.kind().to_string(), c.code().map(t).unwrap_or_default()),
                    };
                    out.push(rec(
                        201,
                        &[
                            n.clone(),
                            t(&drug.name),
                            o(&drug.dose),
                            o(&drug.unit),
                            kind,
                            code,
                            "1".into(),
                        ],
                    ));
                    for note in &drug.notes {
                        out.push(rec(281, &[n.clone(), t(note), "1".into()]));
                    }
                    for c in &drug.cautions {
                        out.push(rec(291, &[n.clone(), t(c), "1".into()]));
                    }
                }
                if let Some(u) = &rp.usage {
                    out.push(rec(
                        301,
                        &[
                            n.clone(),
                            o(&u.name),
                            u.quantity.map(|q| q.to_string()).unwrap_or_default(),
                            o(&u.unit),
                            u.form.map(|f| f.code().to_string()).unwrap_or_default(),
                            if u.code.is_some() { "2" } else { "1" }.into(),
                            o(&u.code),
                            "1".into(),
                        ],
                    ));
                }
                for note in &rp.usage_notes {
                    out.push(rec(311, &[n.clone(), t(note), "1".into()]));
                }
                for c in &rp.cautions {
                    out.push(rec(391, &[n.clone(), t(c), "1".into()]));
                }
            }
        }
        for c in &d.cautions {
            out.push(rec(401, &[t(c), "1".into()]));
        }
        for r in &d.remarks {
            out.push(rec(501, &[t(r), "1".into()]));
        }
    }
    let mut text = out.join("\r\n");
    text.push_str("\r\n");
    text
}

fn rec(no: u16, fields: &[String]) -> String {
    let mut s = no.to_string();
    for f in fields {
        s.push(',');
        s.push_str(f);
    }
    s
}

/// A text field as the format allows it.
fn t(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ',' => '，',
            '\r' | '\n' | '\u{1a}' => ' ',
            c => c,
        })
        .collect()
}

fn o(s: &Option<String>) -> String {
    s.as_deref().map(t).unwrap_or_default()
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}
