//! The one i18n layer: every user-facing string comes from here, Japanese first.
//!
//! A message is a `Msg` key; `Msg::text(lang)` gives its text. The table is a macro so that
//! a key without both languages does not compile.

use serde::{Deserialize, Serialize};

/// The UI language. Japanese is the default; English is a toggle kept in a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    /// Name of the cookie that remembers the choice.
    pub const COOKIE: &'static str = "karte_lang";

    /// BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// Parses a cookie or query value; anything unknown is Japanese.
    pub fn from_tag(tag: &str) -> Self {
        match tag {
            "en" => Lang::En,
            _ => Lang::Ja,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self)
    }
}

/// The language of the current request: the `karte_lang` cookie, Japanese by default.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<leptos_actix::Request>()
            .and_then(|req| req.cookie(Lang::COOKIE))
            .map(|c| Lang::from_tag(c.value()))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Lang::default()
    }
}

macro_rules! messages {
    ($($key:ident => $ja:literal, $en:literal;)*) => {
        /// Every user-facing message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Ja) => $ja, (Msg::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    ProductName => "Karte", "Karte";
    Tagline => "あなたの医療情報を、ひとつの場所で", "Your health records in one place";
    SkipToContent => "本文へ移動", "Skip to content";
    NavLabel => "メインメニュー", "Main menu";
    NavHome => "ホーム", "Home";
    NavDrugs => "お薬", "Medicines";
    NavCheckups => "健診", "Checkups";
    NavExpenses => "医療費", "Medical costs";
    NavExport => "書き出し", "Export";
    LangSwitch => "English", "日本語";
    LangSwitchLabel => "表示言語を英語に切り替える", "Switch the display language to Japanese";
    PersonSwitcherLabel => "表示中の人", "Showing records of";
    PersonSwitcherNone => "サインインすると選べます", "Available after sign-in";
    DataAsOf => "データ更新日時", "Data as of";
    DataAsOfUnknown => "まだデータがありません", "No data yet";
    FooterNote => "表示される情報は保険者から提供されたものです。", "The information shown is provided by your insurer.";
    HomeTitle => "ようこそ", "Welcome";
    HomeIntro => "お薬の情報、特定健診の結果、医療費通知情報を、期間を選んで確認できます。", "See your medicines, checkup results and medical-cost notices for any period you choose.";
    PeopleHeading => "デモ用の人", "Demo people";
    PeopleIntro => "架空の人のデータです。実在の人物とは関係ありません。", "Invented people with synthetic data. Any resemblance to real people is coincidental.";
    PeopleEmpty => "まだ登録された人がいません。「karte demo」でデモデータを読み込めます。", "Nobody is registered yet. Load the demo data with “karte demo”.";
    PeopleColName => "氏名", "Name";
    PeopleColBirth => "生年月日", "Date of birth";
    PeopleColInsurer => "保険者", "Insurer";
    PeopleRefresh => "最新の情報に更新", "Refresh";
    PeopleRefreshing => "更新しています…", "Refreshing…";
    PeopleRefreshed => "更新しました", "Refreshed";
    PeopleCount => "人", " people";
    ErrorUnavailable => "ただいま情報を読み込めません。しばらくしてからもう一度お試しください。", "We cannot load your information right now. Please try again in a moment.";
    ErrorGeneric => "問題が発生しました。もう一度お試しください。", "Something went wrong. Please try again.";
    ErrorBadInput => "入力内容を確認してください。", "Please check what you entered.";
    NotFoundTitle => "ページが見つかりません", "Page not found";
    NotFoundBody => "アドレスが正しいか確認するか、メニューから選んでください。", "Check the address, or choose a page from the menu.";
    ComingSoon => "この画面は準備中です。", "This page is being prepared.";
    Loading => "読み込み中…", "Loading…";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for m in Msg::ALL {
            assert!(!m.text(Lang::Ja).is_empty(), "{m:?} has no Japanese text");
            assert!(!m.text(Lang::En).is_empty(), "{m:?} has no English text");
        }
    }

    #[test]
    fn unknown_tag_falls_back_to_japanese() {
        assert_eq!(Lang::from_tag("fr"), Lang::Ja);
        assert_eq!(Lang::from_tag("en"), Lang::En);
        assert_eq!(Lang::En.other(), Lang::Ja);
    }
}
