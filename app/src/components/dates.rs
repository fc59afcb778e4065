//! Date display, by language. (和暦 comes with the domain's calendar module.)

use crate::i18n::Lang;
use chrono::{Datelike, NaiveDate};

/// 1975年4月1日 / 1 Apr 1975.
pub fn long_date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_both_languages() {
        let d = NaiveDate::from_ymd_opt(1975, 4, 1).unwrap();
        assert_eq!(long_date(d, Lang::Ja), "1975年4月1日");
        assert_eq!(long_date(d, Lang::En), "1 Apr 1975");
    }
}
