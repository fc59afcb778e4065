//! The institutions and drugs the demo people use. Names are shaped like real ones; every
//! institution is invented. Drug codes have the real layout (9-digit receipt code, 12-character
//! YJ code with the true 薬効分類 prefix) but invented serial parts: never look them up in the
//! 医薬品マスター. Prices are 薬価 per unit in tenths of a yen, close to recent 薬価基準 levels.

use domain::drugs::{DrugMark, QuantityUnit, UsageKind};

/// A clinic, hospital, dental clinic or pharmacy. `id` is a 10-digit 医療機関コード
/// (都道府県 2 + 点数表 1 [1 医科, 3 歯科, 4 調剤] + 7), invented.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Institution {
    pub id: &'static str,
    pub name: &'static str,
}

macro_rules! institutions {
    ($($name:ident = $id:literal, $label:literal;)*) => {
        $(pub(super) static $name: Institution = Institution { id: $id, name: $label };)*
    };
}

institutions! {
    // 佐藤 (Tokyo, 中央区)
    CHUO_NAIKA = "1310512347", "中央内科クリニック";
    SAKURA_CHUO = "1340512351", "さくら薬局 中央店";
    MINATO_HOSPITAL = "1310398765", "東京みなと病院";
    MINATO_PHARMACY = "1340398770", "みなと調剤薬局 病院前店";
    AOBA_DENTAL = "1330512366", "青葉歯科医院";
    // 鈴木 (Tokyo, 世田谷区)
    HIDAMARI_NAIKA = "1311247810", "ひだまり内科クリニック";
    SASAKI_GANKA = "1311247825", "佐々木眼科医院";
    AOZORA_PHARMACY = "1341247839", "あおぞら薬局 桜新町店";
    SAKURASHIN_DENTAL = "1331247844", "桜新町デンタルクリニック";
    // 田中 (Tokyo, 大田区)
    MIDORI_ENT = "1311133402", "みどり耳鼻咽喉科";
    KODOMO_NO_MORI = "1311133417", "こどもの森小児科";
    SUKOYAKA_PHARMACY = "1341133421", "すこやか薬局 蒲田店";
    NIKONIKO_DENTAL = "1331133436", "にこにこ歯科クリニック";
    // 高橋 (Yokohama)
    BAYSIDE_NAIKA = "1410307719", "横浜ベイサイド内科";
    MM_HIFUKA = "1410307724", "みなとみらい皮ふ科";
    SOYOKAZE_PHARMACY = "1440307738", "そよかぜ薬局 横浜西口店";
    YOKOHAMA_DENTAL = "1430307743", "横浜駅前歯科";
}

/// 調剤数量's unit, as a constant the catalog can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Days,
    Times,
    Sheets,
    /// 本, 袋, 管 …
    Pieces(&'static str),
}

impl Unit {
    pub fn quantity_unit(self) -> QuantityUnit {
        match self {
            Unit::Days => QuantityUnit::Days,
            Unit::Times => QuantityUnit::Times,
            Unit::Sheets => QuantityUnit::Sheets,
            Unit::Pieces(label) => QuantityUnit::Other(label.to_owned()),
        }
    }
}

/// One product as a prescription line uses it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct DrugSpec {
    pub name: &'static str,
    pub ingredient: &'static str,
    pub receipt_code: &'static str,
    pub yj_code: &'static str,
    pub usage: UsageKind,
    pub directions: &'static str,
    /// 用量 (per day); `None` for 屯服 and one-off items.
    pub daily_dose: Option<&'static str>,
    pub single_dose: &'static str,
    pub special: Option<&'static str>,
    pub unit: Unit,
    /// Priced units (tablets, g, mL, sheets, bottles) per one 調剤数量 unit, in tenths.
    pub units_per_quantity_tenths: i64,
    /// 薬価 per priced unit, in tenths of a yen.
    pub price_tenths: i64,
    /// For a brand drug with a generic on the market: the generic's price. Lines of such drugs
    /// carry 自己負担相当額 and 削減可能額 (except for 後期高齢者).
    pub generic_price_tenths: Option<i64>,
    pub mark: Option<DrugMark>,
}

impl DrugSpec {
    /// 薬価 of `quantity` in tenths of a yen.
    pub fn cost_tenths(&self, quantity: u32) -> i64 {
        self.price_tenths * self.units_per_quantity_tenths * i64::from(quantity) / 10
    }

    /// 薬剤料 in points (1 point = 10 yen), rounded 五捨五超入 as receipts do.
    pub fn points(&self, quantity: u32) -> i64 {
        // Tenths of a yen are hundredths of a point. 五捨五超入: x.5 rounds down, above rounds up.
        let hundredths_of_point = self.cost_tenths(quantity);
        let whole = hundredths_of_point / 100;
        if hundredths_of_point % 100 > 50 {
            whole + 1
        } else {
            whole.max(1)
        }
    }
}

const fn oral(
    name: &'static str,
    ingredient: &'static str,
    codes: (&'static str, &'static str),
    directions: &'static str,
    doses: (&'static str, &'static str),
    per_day_tenths: i64,
    price_tenths: i64,
) -> DrugSpec {
    DrugSpec {
        name,
        ingredient,
        receipt_code: codes.0,
        yj_code: codes.1,
        usage: UsageKind::Oral,
        directions,
        daily_dose: Some(doses.0),
        single_dose: doses.1,
        special: None,
        unit: Unit::Days,
        units_per_quantity_tenths: per_day_tenths,
        price_tenths,
        generic_price_tenths: None,
        mark: None,
    }
}

// 佐藤: blood pressure, lipids, glucose, sleep, back pain.
pub(super) static AMLODIPINE: DrugSpec = oral(
    "アムロジピン錠5mg「サワイ」",
    "アムロジピンベシル酸塩",
    ("622081801", "2171022F2170"),
    "1日1回朝食後",
    ("1錠", "1錠"),
    10,
    101,
);
pub(super) static CRESTOR: DrugSpec = DrugSpec {
    generic_price_tenths: Some(101),
    ..oral(
        "クレストール錠2.5mg",
        "ロスバスタチンカルシウム",
        ("610463099", "2189017F1024"),
        "1日1回夕食後",
        ("1錠", "1錠"),
        10,
        234,
    )
};
pub(super) static ROSUVASTATIN: DrugSpec = oral(
    "ロスバスタチン錠2.5mg「DSEP」",
    "ロスバスタチンカルシウム",
    ("622590701", "2189017F1210"),
    "1日1回夕食後",
    ("1錠", "1錠"),
    10,
    101,
);
pub(super) static METFORMIN: DrugSpec = oral(
    "メトホルミン塩酸塩錠250mgMT「DSEP」",
    "メトホルミン塩酸塩",
    ("622256101", "3962002F1178"),
    "1日2回朝夕食後",
    ("2錠", "1錠"),
    20,
    101,
);
pub(super) static ZOLPIDEM: DrugSpec = DrugSpec {
    mark: Some(DrugMark::Psychotropic),
    ..oral(
        "ゾルピデム酒石酸塩錠5mg「サワイ」",
        "ゾルピデム酒石酸塩",
        ("622043401", "1129009F1286"),
        "1日1回就寝前",
        ("1錠", "1錠"),
        10,
        109,
    )
};
pub(super) static LOXOPROFEN: DrugSpec = DrugSpec {
    usage: UsageKind::AsNeeded,
    directions: "疼痛時",
    daily_dose: None,
    special: Some("1日2回まで。6時間以上あけて服用"),
    unit: Unit::Times,
    ..oral(
        "ロキソプロフェンNa錠60mg「サワイ」",
        "ロキソプロフェンナトリウム水和物",
        ("620098801", "1149019F1595"),
        "",
        ("", "1錠"),
        10,
        98,
    )
};
pub(super) static MOHRUS_PAP: DrugSpec = DrugSpec {
    name: "モーラスパップXR120mg",
    ingredient: "ケトプロフェン",
    receipt_code: "620008915",
    yj_code: "2649729S3023",
    usage: UsageKind::External,
    directions: "1日1回 腰に貼付",
    daily_dose: Some("1枚"),
    single_dose: "1枚",
    special: None,
    unit: Unit::Sheets,
    units_per_quantity_tenths: 10,
    price_tenths: 259,
    generic_price_tenths: Some(133),
    mark: None,
};
pub(super) static NEUROTROPIN_INJ: DrugSpec = DrugSpec {
    name: "ノイロトロピン注射液3.6単位",
    ingredient: "ワクシニアウイルス接種家兎炎症皮膚抽出液",
    receipt_code: "640454024",
    yj_code: "1149400A2033",
    usage: UsageKind::Injection,
    directions: "静脈内注射",
    daily_dose: None,
    single_dose: "1管",
    special: None,
    unit: Unit::Pieces("管"),
    units_per_quantity_tenths: 10,
    price_tenths: 1180,
    generic_price_tenths: None,
    mark: None,
};
pub(super) static NIFLEC: DrugSpec = DrugSpec {
    directions: "検査前日 2時間かけて服用",
    daily_dose: None,
    single_dose: "1袋",
    unit: Unit::Pieces("袋"),
    ..oral(
        "ニフレック配合内用剤",
        "塩化ナトリウム・塩化カリウム・炭酸水素ナトリウム・無水硫酸ナトリウム",
        ("620001207", "7990101X1033"),
        "",
        ("", ""),
        10,
        9440,
    )
};
pub(super) static SOLACET_F: DrugSpec = DrugSpec {
    name: "ソルアセトF輸液 500mL",
    ingredient: "酢酸リンゲル液（ブドウ糖加）",
    receipt_code: "620004571",
    yj_code: "3319559A2038",
    usage: UsageKind::Injection,
    directions: "点滴静注",
    daily_dose: None,
    single_dose: "500mL",
    special: None,
    unit: Unit::Pieces("袋"),
    units_per_quantity_tenths: 10,
    price_tenths: 1930,
    generic_price_tenths: None,
    mark: None,
};

// 鈴木: blood pressure, bones, constipation, eyes, sleep.
pub(super) static MICARDIS: DrugSpec = DrugSpec {
    generic_price_tenths: Some(101),
    ..oral(
        "ミカルディス錠40mg",
        "テルミサルタン",
        ("610432032", "2149042F2020"),
        "1日1回朝食後",
        ("1錠", "1錠"),
        10,
        312,
    )
};
pub(super) static MAGNESIUM_OXIDE: DrugSpec = oral(
    "酸化マグネシウム錠330mg「ケンエー」",
    "酸化マグネシウム",
    ("620008508", "2344009F2073"),
    "1日3回毎食後",
    ("3錠", "1錠"),
    30,
    57,
);
pub(super) static ALENDRONATE: DrugSpec = DrugSpec {
    special: Some("週1回 起床時。服用後30分は横にならないこと"),
    ..oral(
        "アレンドロン酸錠35mg「サワイ」",
        "アレンドロン酸ナトリウム水和物",
        ("622074901", "3999018F2107"),
        "週1回起床時",
        ("1錠", "1錠"),
        10,
        1640,
    )
};
pub(super) static EDIROL: DrugSpec = oral(
    "エディロールカプセル0.75μg",
    "エルデカルシトール",
    ("622061801", "3112004M2023"),
    "1日1回朝食後",
    ("1カプセル", "1カプセル"),
    10,
    411,
);
pub(super) static HYALEIN: DrugSpec = DrugSpec {
    name: "ヒアレイン点眼液0.1% 5mL",
    ingredient: "精製ヒアルロン酸ナトリウム",
    receipt_code: "620006602",
    yj_code: "1319720Q1080",
    usage: UsageKind::External,
    directions: "1日5回 両眼に点眼",
    daily_dose: None,
    single_dose: "1滴",
    special: None,
    unit: Unit::Pieces("本"),
    units_per_quantity_tenths: 10,
    price_tenths: 2850,
    generic_price_tenths: Some(1320),
    mark: None,
};
pub(super) static BROTIZOLAM: DrugSpec = DrugSpec {
    mark: Some(DrugMark::Psychotropic),
    ..oral(
        "ブロチゾラムOD錠0.25mg「サワイ」",
        "ブロチゾラム",
        ("622030801", "1124009F2079"),
        "1日1回就寝前",
        ("1錠", "1錠"),
        10,
        101,
    )
};

// 田中: hay fever (father), colds (daughter).
pub(super) static FEXOFENADINE: DrugSpec = oral(
    "フェキソフェナジン塩酸塩錠60mg「サワイ」",
    "フェキソフェナジン塩酸塩",
    ("622206401", "4490023F1248"),
    "1日2回朝夕食後",
    ("2錠", "1錠"),
    20,
    145,
);
pub(super) static ALLERMIST: DrugSpec = DrugSpec {
    name: "アラミスト点鼻液27.5μg56噴霧用",
    ingredient: "フルチカゾンフランカルボン酸エステル",
    receipt_code: "620007303",
    yj_code: "1329710Q3021",
    usage: UsageKind::External,
    directions: "1日1回 各鼻腔に2噴霧",
    daily_dose: Some("4噴霧"),
    single_dose: "各2噴霧",
    special: None,
    unit: Unit::Pieces("本"),
    units_per_quantity_tenths: 10,
    price_tenths: 12_640,
    generic_price_tenths: Some(6_380),
    mark: None,
};
pub(super) static CARBOCISTEINE_DS: DrugSpec = oral(
    "カルボシステインDS50%「タカタ」",
    "L-カルボシステイン",
    ("620009110", "2233002R2062"),
    "1日3回毎食後",
    ("1.2g", "0.4g"),
    12,
    92,
);
pub(super) static AMBROXOL_SYRUP: DrugSpec = DrugSpec {
    special: Some("シロップ剤。よく振ってから服用"),
    ..oral(
        "アンブロキソール塩酸塩シロップ小児用0.3%「タカタ」",
        "アンブロキソール塩酸塩",
        ("620009902", "2239001Q1145"),
        "1日3回毎食後",
        ("6mL", "2mL"),
        60,
        39,
    )
};
pub(super) static CALONAL_FINE: DrugSpec = DrugSpec {
    usage: UsageKind::AsNeeded,
    directions: "発熱時（38.5℃以上）",
    daily_dose: None,
    special: Some("4時間以上あけて服用"),
    unit: Unit::Times,
    ..oral(
        "カロナール細粒20%",
        "アセトアミノフェン",
        ("620002013", "1141007C1075"),
        "",
        ("", "1.25g"),
        13,
        88,
    )
};

// 高橋: migraine, dry skin.
pub(super) static SUMATRIPTAN: DrugSpec = DrugSpec {
    usage: UsageKind::AsNeeded,
    directions: "片頭痛発作時",
    daily_dose: None,
    special: Some("2時間以上あけて追加可。1日2錠まで"),
    unit: Unit::Times,
    ..oral(
        "スマトリプタン錠50mg「トーワ」",
        "スマトリプタンコハク酸塩",
        ("622203001", "2160003F1119"),
        "",
        ("", "1錠"),
        10,
        1372,
    )
};
pub(super) static REBAMIPIDE: DrugSpec = oral(
    "レバミピド錠100mg「サワイ」",
    "レバミピド",
    ("620004911", "2329021F1250"),
    "1日3回毎食後",
    ("3錠", "1錠"),
    30,
    101,
);
pub(super) static HIRUDOID_SOFT: DrugSpec = DrugSpec {
    name: "ヒルドイドソフト軟膏0.3%",
    ingredient: "ヘパリン類似物質",
    receipt_code: "620009401",
    yj_code: "3339950M1029",
    usage: UsageKind::External,
    directions: "1日2回 患部に塗布",
    daily_dose: None,
    single_dose: "適量",
    special: None,
    unit: Unit::Pieces("g"),
    units_per_quantity_tenths: 10,
    price_tenths: 185,
    generic_price_tenths: Some(62),
    mark: None,
};

/// Everything above, for the benchmark generator.
pub(super) static ALL_DRUGS: &[&DrugSpec] = &[
    &AMLODIPINE,
    &CRESTOR,
    &ROSUVASTATIN,
    &METFORMIN,
    &ZOLPIDEM,
    &LOXOPROFEN,
    &MOHRUS_PAP,
    &MICARDIS,
    &MAGNESIUM_OXIDE,
    &ALENDRONATE,
    &EDIROL,
    &HYALEIN,
    &BROTIZOLAM,
    &FEXOFENADINE,
    &ALLERMIST,
    &CARBOCISTEINE_DS,
    &AMBROXOL_SYRUP,
    &CALONAL_FINE,
    &SUMATRIPTAN,
    &REBAMIPIDE,
    &HIRUDOID_SOFT,
];

/// Pharmacies and prescribers for the benchmark generator.
pub(super) static ALL_PHARMACIES: &[&Institution] = &[
    &SAKURA_CHUO,
    &MINATO_PHARMACY,
    &AOZORA_PHARMACY,
    &SUKOYAKA_PHARMACY,
    &SOYOKAZE_PHARMACY,
];
pub(super) static ALL_PRESCRIBERS: &[&Institution] = &[
    &CHUO_NAIKA,
    &MINATO_HOSPITAL,
    &HIDAMARI_NAIKA,
    &SASAKI_GANKA,
    &MIDORI_ENT,
    &KODOMO_NO_MORI,
    &BAYSIDE_NAIKA,
    &MM_HIFUKA,
];

#[cfg(test)]
mod tests {
    use super::*;
    use domain::claim::InstitutionId;
    use domain::drugs::{ReceiptDrugCode, YjCode};

    #[test]
    fn codes_parse_and_are_unique() {
        for d in ALL_DRUGS
            .iter()
            .chain([&&NEUROTROPIN_INJ, &&NIFLEC, &&SOLACET_F])
        {
            ReceiptDrugCode::parse(d.receipt_code).unwrap();
            YjCode::parse(d.yj_code).unwrap();
            assert!(
                d.price_tenths > 0 && d.units_per_quantity_tenths > 0,
                "{}",
                d.name
            );
            assert!(
                d.generic_price_tenths.is_none_or(|g| g < d.price_tenths),
                "{}",
                d.name
            );
        }
        let mut codes: Vec<_> = ALL_DRUGS.iter().map(|d| d.receipt_code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ALL_DRUGS.len());
        for i in ALL_PHARMACIES.iter().chain(ALL_PRESCRIBERS) {
            let id = InstitutionId::parse(i.id).unwrap();
            assert_eq!(id.as_str().len(), 10);
        }
    }

    #[test]
    fn drug_points_round_like_receipts() {
        // 28 tablets × 10.1 yen = 282.8 yen = 28.28 points → 28.
        assert_eq!(AMLODIPINE.points(28), 28);
        // 14 sheets × 25.9 yen = 362.6 yen = 36.26 points → 36.
        assert_eq!(MOHRUS_PAP.points(14), 36);
    }
}
