//! Code lists a UKE file refers to (receipts.md §6).

use domain::drugs::{QuantityUnit, UsageKind};

/// 用法コード (調剤 SH.4; the 2019 list of 別表): code → wording. Unknown codes are shown as
/// the code.
const DIRECTIONS: [(&str, &str); 49] = [
    ("001", "1日3回食前服用"),
    ("002", "1日3回食間服用"),
    ("003", "1日3回食後服用"),
    ("004", "1日1回朝服用"),
    ("005", "1日1回朝食前服用"),
    ("006", "1日1回朝食後服用"),
    ("007", "1日1回昼服用"),
    ("008", "1日1回昼食前服用"),
    ("009", "1日1回昼食後服用"),
    ("010", "1日1回夕服用"),
    ("011", "1日1回夕食前服用"),
    ("012", "1日1回夕食後服用"),
    ("013", "1日1回就寝前服用"),
    ("014", "授乳時服用"),
    ("015", "1日2回朝昼食前服用"),
    ("016", "1日2回朝昼食後服用"),
    ("017", "1日2回朝夕食前服用"),
    ("018", "1日2回朝夕食後服用"),
    ("019", "1日2回昼夕食前服用"),
    ("020", "1日2回昼夕食後服用"),
    ("021", "1日4回食後寝前服用"),
    ("022", "毎1時間"),
    ("023", "毎2時間"),
    ("024", "毎3時間"),
    ("025", "毎4時間"),
    ("026", "毎5時間"),
    ("027", "毎6時間"),
    ("028", "毎7時間"),
    ("029", "毎8時間"),
    ("030", "毎9時間"),
    ("031", "毎10時間"),
    ("032", "毎11時間"),
    ("033", "毎12時間"),
    ("034", "毎24時間"),
    ("035", "1日2回朝食前寝前服用"),
    ("036", "1日2回朝食後寝前服用"),
    ("037", "1日2回昼食前寝前服用"),
    ("038", "1日2回昼食後寝前服用"),
    ("039", "1日2回夕食前寝前服用"),
    ("040", "1日2回夕食後寝前服用"),
    ("041", "1日3回朝昼食前寝前服用"),
    ("042", "1日3回朝昼食後寝前服用"),
    ("043", "1日3回朝夕食前寝前服用"),
    ("044", "1日3回朝夕食後寝前服用"),
    ("045", "1日3回昼夕食前寝前服用"),
    ("046", "1日3回昼夕食後寝前服用"),
    ("047", "1日4回食前寝前服用"),
    ("048", "起床時服用"),
    ("900", "（未コード化用法）"),
];

/// The wording of a 用法コード, or the code itself when the list does not have it.
pub(super) fn directions(code: &str) -> String {
    DIRECTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, text)| (*text).to_owned())
}

/// 剤形コード (調剤 SH.3, 別表11) → 使用区分 and the unit of 調剤数量: 1 内服, 2 内滴, 6 浸煎,
/// 7 湯 → 内服 (日分); 3 屯服 (回分); 4 注射; 5 外用. 9 材料 is not a drug (`None`).
pub(super) fn pharmacy_form(code: &str) -> Option<Option<(UsageKind, QuantityUnit)>> {
    Some(match code {
        "1" | "2" | "6" | "7" => Some((UsageKind::Oral, QuantityUnit::Days)),
        "3" => Some((UsageKind::AsNeeded, QuantityUnit::Times)),
        "4" => Some((UsageKind::Injection, QuantityUnit::Times)),
        "5" => Some((UsageKind::External, QuantityUnit::Times)),
        "9" => None,
        _ => return None,
    })
}

/// The unit of a 医科 IY day column: 内服 are days, everything else times.
pub(super) fn medical_unit(usage: UsageKind) -> QuantityUnit {
    match usage {
        UsageKind::Oral => QuantityUnit::Days,
        _ => QuantityUnit::Times,
    }
}

/// 患者負担の割合 (percent) from the レセプト種別 where the receipt gives no 給付割合:
/// digit 2 (1 医保, 3 後期高齢者, 4 退職者) and digit 4 (本人/家族/未就学者/高齢受給者).
/// `None` for 公費単独 (digit 2 = 2) and codes not in 別表5.
pub(super) fn patient_share_percent(kind: &[u8; 4]) -> Option<u64> {
    match (kind[1], kind[3]) {
        (b'1' | b'4', b'1' | b'2' | b'5' | b'6' | b'9' | b'0') => Some(30),
        (b'1' | b'4', b'3' | b'4' | b'7' | b'8') => Some(20),
        (b'3', b'7' | b'8') => Some(10),
        (b'3', b'9' | b'0') => Some(30),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lists() {
        assert_eq!(directions("003"), "1日3回食後服用");
        assert_eq!(directions("013"), "1日1回就寝前服用");
        assert_eq!(directions("777"), "777");
        assert_eq!(
            pharmacy_form("3"),
            Some(Some((UsageKind::AsNeeded, QuantityUnit::Times)))
        );
        assert_eq!(pharmacy_form("9"), Some(None));
        assert_eq!(pharmacy_form("8"), None);
        assert_eq!(patient_share_percent(b"1112"), Some(30));
        assert_eq!(patient_share_percent(b"1114"), Some(20));
        assert_eq!(patient_share_percent(b"1318"), Some(10));
        assert_eq!(patient_share_percent(b"4110"), Some(30));
        assert_eq!(patient_share_percent(b"1212"), None);
    }
}
