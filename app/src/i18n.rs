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

    /// A person's name as the UI addresses them: 「佐藤　健一さん」 in Japanese, the bare name in English.
    /// Text in parentheses, with the brackets each language uses.
    pub fn parenthesized(self, inner: &str) -> String {
        match self {
            Lang::Ja => format!("（{inner}）"),
            Lang::En => format!(" ({inner})"),
        }
    }

    pub fn addressed(self, name: &str) -> String {
        match self {
            Lang::Ja => format!("{name}さん"),
            Lang::En => name.to_owned(),
        }
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
    NavImport => "取り込み", "Import";
    SelfImportedMark => "ご自身で取り込み", "Imported by you";
    PharmacyNotebookMark => "お薬手帳（薬局発行）", "Medication notebook (from the pharmacy)";
    NotebookSection => "お薬手帳（JAHIS形式）", "Medication notebook (JAHIS)";
    NotebookFile => "この期間をお薬手帳ファイルで保存", "Save this period as a notebook file";
    NotebookCurrentFile => "いま飲んでいる薬を保存", "Save current medicines";
    NotebookQr => "QRコードで見せる", "Show as QR codes";
    NotebookQrHint => "薬局やお薬手帳アプリで読み取れます。長いときは複数のコードに分かれます。番号順に読み取ってください。", "Pharmacies and notebook apps can read them. Long data is split over several codes; scan them in order.";
    NotebookQrAlt => "この期間のお薬のQRコード（JAHIS形式）", "QR codes of this period's medicines (JAHIS)";
    NotebookQrCurrent => "いま飲んでいる薬のQRコード", "QR codes of current medicines";
    NotebookQrPdf => "お薬手帳QRコード（JAHIS形式、この期間）", "Medication-notebook QR codes (JAHIS, this period)";
    NotebookQrPdfCurrent => "お薬手帳QRコード（JAHIS形式、いま飲んでいる薬）", "Medication-notebook QR codes (JAHIS, current medicines)";
    LangSwitch => "English", "日本語";
    LangSwitchLabel => "English（表示言語を英語に切り替える）", "日本語 (switch the display language to Japanese)";
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
    ListSeparator => "、", ", ";
    ErrorUnavailable => "ただいま情報を読み込めません。しばらくしてからもう一度お試しください。", "We cannot load your information right now. Please try again in a moment.";
    ErrorTooManyRequests => "短い時間に多くのリクエストがありました。しばらく待ってからもう一度お試しください。", "Too many requests in a short time. Please wait a little and try again.";
    ErrorExportsInFlight => "書き出しを同時にいくつも行うことはできません。前の書き出しが終わってからもう一度お試しください。", "Too many exports at once. Please wait for the ones already running to finish, then try again.";
    ErrorBusy => "ただいま混み合っています。数秒後にもう一度お試しください。", "Karte is busy right now. Please try again in a few seconds.";
    ErrorTimedOut => "時間内にお答えできませんでした。しばらくしてからもう一度お試しください。", "This took too long to answer. Please try again in a moment.";
    ErrorGeneric => "問題が発生しました。もう一度お試しください。", "Something went wrong. Please try again.";
    ErrorBadInput => "入力内容を確認してください。", "Please check what you entered.";
    NotFoundTitle => "ページが見つかりません", "Page not found";
    NotFoundBody => "アドレスが正しいか確認するか、メニューから選んでください。", "Check the address, or choose a page from the menu.";
    AuditReport => "まとめてPDF", "Full report";
    AuditHousehold => "（世帯）", "(household)";
    AuditViaApi => "連携アプリ経由", "via the API";
    AuditViaCli => "コマンド経由", "via the command line";
    AuditViaFhir => "FHIR（連携アプリ）経由", "via FHIR (connected app)";
    Loading => "読み込み中…", "Loading…";
    SignIn => "サインイン", "Sign in";
    SignOut => "サインアウト", "Sign out";
    SignOutEverywhere => "すべての端末でサインアウト", "Sign out on every device";
    SignInTitle => "サインイン", "Sign in";
    SignInIntro => "ご本人の確認のため、利用者証明のサービスでサインインしてください。", "Sign in with your identity provider so we know it is you.";
    SignInWithProvider => "利用者証明でサインイン", "Sign in with your identity provider";
    SignInNotConfigured => "このサーバーではサインインの方法が設定されていません。管理者に連絡してください。", "No sign-in method is set up on this server. Please contact the administrator.";
    DevSignInHeading => "開発用サインイン（デモの人を選ぶ）", "Development sign-in (pick a demo person)";
    DevSignInNote => "この方法はこのコンピューター上でだけ使えます。", "This works only on this computer.";
    DevSignInAs => "この人としてサインイン", "Sign in as this person";
    SignedOut => "サインアウトしました。", "You have signed out.";
    SignInErrorState => "サインインの有効期限が切れたか、要求が正しくありません。もう一度サインインしてください。", "The sign-in expired or the request was not valid. Please sign in again.";
    SignInErrorProvider => "利用者証明のサービスで本人確認ができませんでした。もう一度お試しください。", "Your identity provider could not confirm who you are. Please try again.";
    SignInErrorExpired => "一定時間操作がなかったため、サインアウトしました。もう一度サインインしてください。", "You were signed out after a period of inactivity. Please sign in again.";
    SignInErrorCancelled => "サインインが取り消されました。", "Sign-in was cancelled.";
    SignInErrorLinked => "この人はすでに別のサインインと結び付いています。", "This person is already linked to another sign-in.";
    SignInErrorUnavailable => "ただいまサインインできません。しばらくしてからもう一度お試しください。", "Sign-in is unavailable right now. Please try again in a moment.";
    SignedInAs => "サインイン中", "Signed in as";
    LinkTitle => "ご本人の確認", "Confirm who you are";
    LinkIntro => "はじめてサインインしたときだけ、保険証（資格確認書）の番号と生年月日で、あなたの記録と結び付けます。", "The first time you sign in, we link you to your records using the numbers on your health insurance card and your date of birth.";
    LinkInsurerNumber => "保険者番号（6桁または8桁）", "Insurer number (6 or 8 digits)";
    LinkNumber => "被保険者証等の番号", "Card number";
    LinkBranch => "枝番（2桁、ない場合は空欄）", "Branch number (2 digits, empty if none)";
    LinkBirthDate => "生年月日", "Date of birth";
    LinkSubmit => "確認する", "Confirm";
    LinkErrorNoMatch => "一致する記録が見つかりませんでした。番号と生年月日をご確認ください。", "No matching record was found. Please check the numbers and your date of birth.";
    LinkErrorBirthDate => "生年月日を正しく入力してください。", "Please enter a valid date of birth.";
    LinkSymbol => "記号（ない場合は空欄）", "Symbol (記号; empty if none)";
    LinkCode => "確認コード（保険者からの通知に記載）", "Confirmation code (printed on your insurer's notice)";
    LinkCodeNote => "保険者から郵送された通知に印刷されている確認コードも入力してください。コードは1回だけ使えます。", "Also enter the confirmation code printed on the notice your insurer posted to you. Each code works once.";
    LinkErrorCard => "保険証の番号の書き方をご確認ください（保険者番号は6桁または8桁、枝番は2桁の数字です）。", "Please check how the card numbers are written (the insurer number has 6 or 8 digits, the branch number 2 digits).";
    LinkErrorAccountLinked => "このサインインはすでにご本人と結び付いています。結び付け直すには、まず「アカウント」で解除してください。", "This sign-in is already linked to a person. To link it again, first remove the link under “Account”.";
    LinkErrorLocked => "確認に何度も失敗したため、受け付けを一時停止しています。次の日時（日本時間）以降にもう一度お試しください：", "Too many failed attempts, so linking is paused. Please try again after (Japan time):";
    LinkUnlinked => "結び付けを解除しました。", "The link was removed.";
    NavAccount => "アカウント", "Account";
    AccountTitle => "アカウント", "Account";
    AccountLinkedTo => "このサインインと結び付いている人", "This sign-in is linked to";
    AccountUnlinkHeading => "結び付けを解除する", "Remove the link";
    AccountUnlinkIntro => "解除すると、このサインインではどの記録も見られなくなります。解除はアクセス履歴に残ります。安全のため、サインインしてから5分以内だけ解除できます。", "After removing it, this sign-in shows no records. The removal is kept in the access history. For safety, it works only within 5 minutes of signing in.";
    AccountUnlink => "解除する", "Remove the link";
    AccountErrorReauth => "安全のため、解除の前にもう一度サインインしてください（サインインから5分以内なら解除できます）。", "For safety, please sign in again first (the link can be removed within 5 minutes of signing in).";
    AccountSignInAgain => "もう一度サインインする", "Sign in again";
    AccountArchiveHeading => "すべての記録をダウンロード", "Download all your records";
    AccountArchiveIntro => "お薬・健診・医療費のPDF、医療費通知のCSV、別のKarteに取り込めるJSONファイル、健診結果のXML（hc08形式）を1つのZIPファイルにまとめます。ダウンロードはアクセス履歴に残ります。", "One ZIP file with the PDFs of your medicines, checkups and medical costs, the notices as CSV, a JSON file another Karte can import, and your checkups as XML (hc08). The download is kept in your access history.";
    AccountArchiveButton => "ZIPファイルをダウンロード", "Download the ZIP file";
    AccountDeleteHeading => "アカウントと記録の削除", "Delete your account and records";
    AccountDeleteIntro => "アカウントと、あなたのすべての記録（お薬・健診・医療費・医療費控除の入力・代理人の設定）を削除します。元に戻せません。必要なら先にダウンロードしてください。アクセス履歴には「いつ・誰が・何の種類を削除したか」だけが残ります。安全のため、サインインしてから5分以内だけ削除できます。", "Deletes your account and all your records (medicines, checkups, medical costs, deduction entries, proxies). This cannot be undone; download them first if you need them. The access log keeps only when, who and what kind was deleted. For safety, this works only within 5 minutes of signing in.";
    AccountDeleteWordLabel => "確認のため「削除」と入力してください", "To confirm, type DELETE";
    AccountDeleteButton => "アカウントとすべての記録を削除する", "Delete my account and all records";
    AccountDeleteErrorWord => "確認の言葉が違います。「削除」（英語表示では DELETE）と入力してください。何も削除していません。", "The confirmation word does not match: type DELETE (削除 in Japanese). Nothing was deleted.";
    AccountDeleteErrorReauth => "安全のため、削除の前にもう一度サインインしてください（サインインから5分以内なら削除できます）。何も削除していません。", "For safety, please sign in again first (deletion works within 5 minutes of signing in). Nothing was deleted.";
    AccountDeleted => "アカウントとすべての記録を削除しました。ご利用ありがとうございました。", "Your account and all your records were deleted. Thank you for using Karte.";
    HomeSignedIn => "ようこそ", "Welcome";
    HomeSignInPrompt => "記録を見るにはサインインしてください。", "Sign in to see your records.";
    ExpiryWarning => "操作がないため、まもなく自動的にサインアウトします。", "You will be signed out soon because of inactivity.";
    StaySignedIn => "サインインを続ける", "Stay signed in";
    ViewingSelf => "（本人）", " (you)";
    ViewingProxy => "（代理で表示）", " (as their proxy)";
    SwitchPerson => "切り替える", "Switch";
    NavProxies => "代理人", "Proxies";
    DrugsTitle => "お薬の情報", "Medicines";
    PeriodLabel => "期間", "Period";
    PeriodFrom => "開始月", "From";
    PeriodTo => "終了月", "To";
    PeriodShow => "表示する", "Show";
    PeriodCustom => "期間を指定", "Custom period";
    PersonName => "氏名", "Name";
    PersonBirth => "生年月日", "Date of birth";
    PersonAge => "年齢", "Age";
    PersonAgeUnit => "歳", " years";
    PersonInsurer => "保険者番号", "Insurer number";
    PersonCard => "記号・番号・枝番", "Card symbol, number, branch";
    DrugColDate => "調剤年月日", "Dispensed";
    DrugColPlace => "病院・薬局名", "Clinic / pharmacy";
    DrugColKind => "処方区分・使用区分", "Prescription / use";
    DrugColName => "医薬品名（成分名）", "Medicine (ingredient)";
    DrugColUsage => "用法・用量・1回用量", "Directions, daily and single dose";
    SingleDosePrefix => "1回", "each time:";
    DrugColSpecial => "特別指示", "Special instructions";
    DrugColQuantity => "調剤数量", "Quantity";
    DrugColCost => "自己負担相当額／削減可能額", "Your share / possible savings";
    DrugsNone => "この期間のお薬の情報はありません。期間を変えてお試しください。", "No medicines in this period. Try another period.";
    DrugsSavingsTotal => "ジェネリック医薬品に切り替えた場合に削減できる金額（この期間の合計）", "What switching to generics could save (total for this period)";
    DrugsIncomplete => "次の月はまだすべてのレセプトが反映されていない可能性があります", "These months may not be complete yet";
    DrugsRetention => "3年より前のお薬の情報は表示されません。", "Medicines older than three years are no longer shown.";
    DrugsCount => "件", " lines";
    MarkLegend => "麻＝麻薬、毒＝毒薬、覚＝覚せい剤原料、向＝向精神薬", "麻 narcotic, 毒 poison, 覚 stimulant precursor, 向 psychotropic";
    AccountNavLabel => "アカウント", "Account";
    NavAccess => "アクセス履歴", "Access history";
    ProxiesTitle => "代理人の設定", "Proxies";
    ProxiesIntro => "ご家族や介護者など、あなたの記録を見てよい人を招待できます。見てよい情報と期限を決めて招待コードを作り、その人に伝えてください。その人がサインインして受け入れると代理人になります。いつでもすぐに取り消せます。", "Invite people who may see your records (family, carers): choose which kinds and until when, create an invitation code and give it to them. Once they sign in and accept it, they are your proxy. You can revoke at once, any time.";
    ProxiesNone => "代理人はまだいません。", "You have no proxies yet.";
    ProxiesColWho => "代理人", "Proxy";
    ProxiesColKinds => "見てよい情報", "May see";
    ProxiesColUntil => "期限", "Until";
    ProxiesColExpires => "受け入れの期限", "Accept by";
    ProxiesRevoke => "取り消す", "Revoke";
    ProxiesAddHeading => "代理人を招待する", "Invite a proxy";
    ProxiesKinds => "見てよい情報", "What they may see";
    ProxiesEditNote => "「医療費控除の編集」を選ぶと、あなたの医療費控除の内容（手入力の領収書、対象の選択、所得）を変更できます。選ばなければ見るだけです。", "With “Editing the deduction workbench” they can change your 医療費控除 (receipts added by hand, which lines count, income); without it they can only look.";
    ProxiesUntil => "期限（この日まで）", "Until (inclusive)";
    ProxiesAdd => "招待コードを作る", "Create an invitation code";
    ProxiesInvited => "招待コードを作りました。代理人になってほしい人にだけ伝えてください（7日間有効・1回限り）。その人はKarteにサインインし、「代理人」ページの「招待を受ける」でこのコードを入力します。", "The invitation code was created. Give it only to the person you want as your proxy (valid 7 days, once). They sign in to Karte and enter it under “Accept an invitation” on the Proxies page.";
    ProxiesInviteCode => "招待コード", "Invitation code";
    ProxiesInviteLink => "受け入れ用のページ", "Page to accept it";
    ProxiesPendingHeading => "受け入れを待っている招待", "Invitations waiting to be accepted";
    ProxiesCancelled => "招待を取り消しました。", "The invitation was cancelled.";
    ProxiesAccepted => "招待を受け入れました。画面上部の「表示中の人」で切り替えられます。", "Invitation accepted. Switch under “Showing records of” at the top.";
    ProxiesAcceptHeading => "招待を受ける", "Accept an invitation";
    ProxiesRevoked => "取り消しました。この人はもうあなたの記録を見られません。", "Revoked. This person can no longer see your records.";
    ProxiesErrorKinds => "見てよい情報を1つ以上選んでください。", "Choose at least one kind of record.";
    ProxiesErrorUntil => "期限は今日以降の日付にしてください。", "The end date must be today or later.";
    ProxiesErrorSelf => "ご自身を代理人にすることはできません。", "You cannot be your own proxy.";
    AppsHeading => "連携アプリ（FHIR）", "Connected apps (FHIR)";
    AppsIntro => "ほかの健康アプリに、あなたの記録を読み取り専用で渡せます。アプリの名前、渡す情報と期限を決めてトークンを作り、そのアプリに設定してください。トークンは作ったときに一度だけ表示されます。いつでもすぐに取り消せます。アプリが読むたびにアクセス履歴に残ります。", "Give another health app read-only access to your records: choose the app's name, which kinds and until when, create a token and enter it in that app. The token is shown once, when it is created. You can revoke it at once, any time. Each read by the app appears in your access history.";
    AppsNone => "連携アプリはまだありません。", "No connected apps yet.";
    AppsColName => "アプリ", "App";
    AppsName => "アプリの名前", "App name";
    AppsAdd => "トークンを作る", "Create a token";
    AppsAddHeading => "アプリにトークンを発行する", "Issue a token to an app";
    AppsIssued => "トークンを作りました。下に表示されているトークンを今コピーしてアプリに設定してください。この画面を離れると二度と表示されません。", "The token was created. Copy the token shown below into the app now: it is never shown again once you leave this page.";
    AppsToken => "トークン（一度だけ表示）", "Token (shown once)";
    AppsRevoked => "トークンを取り消しました。このアプリはもうあなたの記録を読めません。", "The token was revoked. This app can no longer read your records.";
    AppsErrorName => "アプリの名前を1〜60文字で入力してください。", "Enter the app's name (1 to 60 characters).";
    AppsErrorUntil => "期限は今日から1年以内の日付にしてください。", "The end date must be between today and one year from today.";
    AcceptTitle => "代理人の招待を受ける", "Accept a proxy invitation";
    AcceptIntro => "受け取った招待コードを入力してください。", "Enter the invitation code you were given.";
    AcceptShow => "内容を確認する", "Check the invitation";
    AcceptOffer => "次の方の代理人としての招待です", "An invitation to be the proxy of";
    AcceptSubmit => "受け入れる", "Accept";
    AcceptErrorUnusable => "この招待コードは使えません。期限切れ・使用済み・取り消し済みか、入力に誤りがあります。招待した方に新しいコードを頼んでください。", "This invitation code cannot be used: it expired, was used or cancelled, or was mistyped. Ask the person who invited you for a new one.";
    AcceptErrorOwn => "ご自身が作った招待は受け入れられません。", "You cannot accept your own invitation.";
    AccessTitle => "アクセス履歴", "Access history";
    AccessIntro => "あなたの記録が、いつ、誰に、どのように使われたかの一覧です。心当たりがないものは報告してください。", "Every access to your records: when, by whom and how. Report anything you do not recognise.";
    AccessNone => "まだ記録はありません。", "Nothing yet.";
    AccessColWhen => "日時", "When";
    AccessColWho => "誰が", "Who";
    AccessColWhat => "内容", "What";
    AccessByYou => "あなた", "You";
    AccessBySystem => "システム", "System";
    AccessNotMe => "心当たりがない", "This was not me";
    AccessReported => "報告済み", "Reported";
    AccessReportedNotice => "報告を受け付けました。担当者が確認します。", "Thank you. Your report was recorded and will be checked.";
    ActionSignIn => "サインイン", "Signed in";
    ActionSignInFailed => "サインイン失敗", "Failed sign-in";
    ActionSignOut => "サインアウト", "Signed out";
    ActionLink => "本人確認", "Identity confirmed";
    ActionLinkFailed => "本人確認の失敗（あなたの保険証の情報が入力されました）", "Failed identity check (your card details were entered)";
    ActionUnlink => "本人確認の解除", "Link removed";
    ActionLinkCode => "確認コードの発行", "Confirmation code issued";
    AccessByUnlinked => "本人確認前のサインイン", "A sign-in not linked to anyone";
    ActionView => "閲覧", "Viewed";
    ActionExport => "書き出し", "Exported";
    ActionImport => "取り込み", "Imported";
    ActionInvite => "代理人の招待", "Proxy invited";
    ActionGrant => "代理人の追加", "Proxy added";
    ActionRevoke => "代理人の取り消し", "Proxy revoked";
    ActionReport => "心当たりなしの報告", "Reported";
    ActionOther => "その他", "Other";
    // ── 健診結果 (checkups) ──
    CheckupsTitle => "健診結果", "Checkup results";
    CheckupsIntro => "令和2年度以降の、直近5回分の特定健診・後期高齢者健診の結果です。", "Your last five checkups (特定健診 / 後期高齢者健診) from fiscal 2020 on.";
    CheckupsItem => "項目", "Item";
    CheckupsTrend => "推移", "Trend";
    CheckupsLegendHeading => "判定の見方", "How to read the results";
    CheckupsLegendBands => "○ 基準範囲内　△ 保健指導判定値　▲ 受診勧奨判定値（色だけでなく記号と文字でも示しています）", "○ normal  △ health-guidance range  ▲ see-a-doctor range (shown by symbol and text, not only colour)";
    CheckupsLegendTap => "項目名を押すと、その項目の説明と判定値が表示されます。", "Tap an item's name to see what it measures and its limits.";
    CheckupsBandNormal => "基準内", "Normal";
    CheckupsBandGuidance => "保健指導", "Guidance";
    CheckupsBandReferral => "受診勧奨", "See a doctor";
    CheckupsGuidanceLimit => "保健指導判定値", "Health-guidance range";
    CheckupsReferralLimit => "受診勧奨判定値", "See-a-doctor range";
    CheckupsNoLimits => "この項目には判定値がありません。", "This item has no reference limits.";
    CheckupsComputed => "計算値", "Computed";
    CheckupsComputedNote => "「計算値」の判定は、保険者から判定が届いていないため、健診結果から国の基準に沿ってKarteが計算したものです。", "A “computed” judgement was not sent by your insurer: Karte worked it out from your results by the national rules.";
    CheckupsNotApplicable => "対象外", "n/a";
    CheckupsNotApplicableNote => "「対象外」：後期高齢者健診には腹囲・メタボ判定・保健指導レベルがなく、特定健診には後期高齢者の質問票がありません。", "“n/a”: the checkup for people 75 and over has no waist, metabolic-syndrome or guidance items, and the one for ages 40–74 has no late-stage questionnaire.";
    CheckupsAbsent => "記録なし", "No record";
    CheckupsUnknownItem => "Karteがまだ名前を知らない項目です。保険者から届いたとおり、項目コードで表示しています。", "Karte does not know this item's name yet; it is shown by its code, as your insurer sent it.";
    CheckupsMethod => "検査方法", "Method";
    CheckupsRegistrationHeading => "保険者ごとの登録状況", "What each insurer has registered";
    CheckupsRegistered => "健診結果は登録されています。", "Checkup results are registered.";
    CheckupsRegisteredSince => "登録開始日", "Registered since";
    CheckupsExpected => "健診結果はまだ登録されていません。登録予定日", "Checkup results are not registered yet. Expected from";
    CheckupsNotParticipating => "この保険者は健診結果の提供に参加していません。", "This insurer does not share checkup results.";
    CheckupsStatusUnknown => "保険者から登録状況の連絡がまだありません。前年度の結果の登録期限", "Your insurer has not told us yet. Last year's results are due by";
    CheckupsShownCount => "表示中の件数", "Shown here";
    CheckupsNone => "表示できる健診結果はまだありません。上の登録状況をご確認ください。", "There are no checkup results to show yet. See each insurer's status above.";
    CheckupsPicker => "表示する健診を選ぶ", "Choose a checkup";
    CheckupsTrendsHeading => "項目ごとの推移", "Trends by item";
    CheckupsInstitution => "健診機関", "Checkup centre";
    CheckupsInsurer => "保険者", "Insurer";
    CheckupsUnder40 => "特定健診は40歳から74歳の方、後期高齢者健診は75歳以上の方が対象です。", "The specific health checkup is for ages 40 to 74, and the late-stage checkup for 75 and over.";
    // ── 医療費通知情報 (expenses) ──
    ExpensesTitle => "医療費通知情報", "Medical-cost notices";
    ExpensesIntro => "健康保険に請求されたレセプトをもとにした、医療機関等ごと・月ごとの医療費のお知らせです。", "Monthly notices of your medical costs per clinic, hospital or pharmacy, from the claims sent to your health insurer.";
    ExpensesLinesHeading => "明細", "Notices";
    ExpensesCount => "件", " lines";
    ExpensesColPerson => "受診者", "Patient";
    ExpensesColMonth => "診療年月", "Month of care";
    ExpensesColCategory => "診療区分", "Type of care";
    ExpensesColInstitution => "医療機関等名称", "Clinic, hospital or pharmacy";
    ExpensesColDays => "診療実日数", "Days of care";
    ExpensesColTotal => "総額", "Total cost";
    ExpensesColInsurer => "保険者負担額", "Paid by the insurer";
    ExpensesColPublic => "公費負担額", "Paid by public programmes";
    ExpensesColPatient => "窓口負担相当額", "Your share (computed)";
    ExpensesColLines => "件数", "Lines";
    ExpensesNoteMark => "※1", "*1";
    ExpensesTotalsHeading => "この期間の合計", "Totals for this period";
    ExpensesYearsHeading => "年間の合計（医療費控除の基礎）", "Totals per calendar year (basis of the medical-expense deduction)";
    ExpensesColYear => "年", "Year";
    ExpensesColCovered => "対象の月", "Months counted";
    ExpensesWholeYear => "1月〜12月（1年分）", "January–December (whole year)";
    ExpensesPartialYear => "この期間に含まれる月だけの合計です。1年分は期間を「1月〜12月」にして確認してください。", "Only the months inside this period. For the whole year, choose January to December.";
    ExpensesDeductionLink => "医療費控除の書き出し", "Deduction export";
    ExpensesByInstitution => "医療機関等ごとの合計", "Totals per clinic, hospital or pharmacy";
    ExpensesByCategory => "診療区分ごとの合計", "Totals per type of care";
    ExpensesChartHeading => "月ごとの窓口負担相当額", "Your share per month";
    ExpensesChartDesc => "棒の高さが、その月の窓口負担相当額の合計です。", "Each bar is the total of your share for that month.";
    ExpensesChartHighest => "最も多い月", "Highest month";
    ExpensesChartPendingLegend => "点線の枠の月は、まだすべてそろっていない可能性があります。", "Months in a dotted frame may not be complete yet.";
    ExpensesChartTable => "グラフの数値を表で見る", "Show the chart as a table";
    ExpensesChartNote => "備考", "Note";
    ExpensesPendingHeading => "まだそろっていない月", "Months not complete yet";
    ExpensesPendingIntro => "次の月の医療費通知情報はまだ公開されていないため、合計に含まれていない可能性があります。", "Notices for these months are not published yet, so the totals may not include them.";
    ExpensesPendingOn => "公開予定", "Expected";
    ExpensesAllPublished => "この期間の月は、すべて公開済みです（遅れて請求されたレセプトが後から加わることはあります）。", "Every month of this period is published (claims sent late can still be added).";
    ExpensesRuleNote => "医療費通知情報は、診療月の翌々月11日から見られます（12月診療分は、確定申告に間に合うよう翌年2月9日から）。", "Notices appear from the 11th of the second month after the month of care (December care from 9 February, in time for the tax return).";
    ExpensesRoundingNote => "窓口負担相当額は、レセプトの点数から計算した金額（点数×10円×負担割合）です。窓口での端数の処理とは異なるため、領収書の金額と数円ずれることがあります。", "Your share is computed from the points on the claim (points × ¥10 × your co-payment rate). The counter rounds differently, so your receipts can differ by a few yen.";
    ExpensesNotIncludedNote => "柔道整復（接骨院・整骨院）、はり・きゅう、あん摩マッサージ指圧、訪問看護など、レセプト以外の費用や、審査で返戻されたレセプトは含まれません。医療費控除には、領収書などをもとに別に加えてください。", "Not included: costs outside medical claims, such as judo therapy (bone-setters), acupuncture and moxibustion, massage, home-visit nursing, and claims returned at review. Add those to your deduction from your receipts.";
    ExpensesSourceNote => "令和3年9月診療分以降のレセプト（医科・歯科・調剤・DPC、紙のレセプトを含む）が対象です。3年より前の分は表示されません。", "Covers claims (medical, dental, pharmacy and DPC, paper claims included) for care from September 2021; notices older than three years are not shown.";
    ExpensesNotesHeading => "この情報について", "About these numbers";
    ExpensesNone => "この期間に表示できる医療費通知情報はありません。期間を変えてお試しください（直近1〜2か月の診療分は、まだ公開されていないことがあります）。", "No notices to show for this period. Try another period (care in the last one or two months may not be published yet).";
    ExpensesHouseholdToggle => "家族の分もまとめて表示する", "Show my family's notices together";
    ExpensesHouseholdHint => "18歳未満の被扶養者（同じ保険証の枝番の人）と、あなたを代理人にした人の分を、一緒に表示できます。", "You can show together the notices of dependants under 18 on your card and of people who made you their proxy.";
    ExpensesHouseholdShowing => "まとめて表示している人", "Shown together";
    ExpensesNoAccess => "この人の医療費通知情報を表示する権限がありません。画面上部の「表示中の人」でご自身に切り替えるか、ご本人に代理人の設定で「医療費通知情報」を許可してもらってください。", "You may not see this person's medical-cost notices. Switch to yourself under “Showing records of” at the top, or ask them to allow “Medical costs” in their proxy settings.";
    ExpensesBadPeriod => "期間を読み取れませんでした。開始月と終了月を「2025-01」の形で、開始月が終了月より後にならないように選び直してください。", "We could not read the period. Choose the start and end months like “2025-01”, with the start not after the end.";
    ExpensesStartOver => "今年の分を表示する", "Show this year";
    ExpensesRetry => "もう一度読み込む", "Try again";
    // ── PDF ──
    PdfSave => "PDFで保存", "Save as PDF";
    PdfIssued => "発行日", "Issued";
    PdfByProxy => "代理人による出力", "Exported by a proxy";
    PdfReportTitle => "医療情報の記録（お薬・健診・医療費）", "Health record (medicines, checkups, medical costs)";
    PdfNoRecords => "この期間の記録はありません。", "No records in this period.";
    PdfCheckupsScope => "直近5回（令和2年度以降）", "Last five (from FY2020)";
    PdfCheckupsNone => "表示できる健診結果はありません。", "No checkup results to show.";
    PdfCheckupItem => "検査項目", "Item";
    PdfBandGuidance => "【指】", " [G]";
    PdfBandReferral => "【受】", " [R]";
    PdfBandLegend => "【指】＝保健指導判定値、【受】＝受診勧奨判定値。記号のない値は基準範囲内か、判定値のない項目です。「Karteによる計算値」は保険者の判定がないためKarteが計算した判定です。", "[G] health guidance range, [R] see-a-doctor range. Values without a mark are in the normal range or have no reference range. “Computed by Karte” marks judgements Karte computed because the insurer sent none.";
    PdfExpMonth => "診療年月", "Month";
    PdfExpInstitution => "医療機関等名称", "Clinic / pharmacy";
    PdfExpCategory => "診療区分", "Type of care";
    PdfExpDays => "日数", "Days";
    PdfExpTotal => "医療費の総額", "Total cost";
    PdfExpInsurer => "保険者負担額", "Paid by insurer";
    PdfExpPublic => "公費負担額", "Public funds";
    PdfExpPatient => "窓口負担相当額", "Your share (approx.)";
    PdfExpPatientNote => "窓口負担相当額は点数から計算した額のため、実際に窓口で支払った額と数円異なることがあります。", "Your share is computed from the points and can differ by a few yen from what you paid at the counter.";
    PdfExpByInstitution => "医療機関等ごとの合計", "Totals per clinic / pharmacy";
    PdfExpByCategory => "診療区分ごとの合計", "Totals per type of care";
    PdfTotal => "合計", "Total";
    PdfLines => "件数", "Lines";
    ExportIntro => "種類と期間を選んで、PDFで保存できます。医師や薬剤師、保険者、ご家族に見せるときにお使いください。", "Choose a kind of record and a period and save it as a PDF, to show a doctor, a pharmacist, your insurer or your family.";
    ExportAll => "まとめて（お薬・健診・医療費）", "All in one (medicines, checkups, medical costs)";
    ExportCheckupsNote => "健診結果は期間によらず、直近5回分です。", "Checkups are always the last five, whatever the period.";
    ExportAudited => "書き出しはアクセス履歴に記録されます。", "Every export is recorded in your access history.";
    ExportChosenPeriod => "選んだ期間", "Chosen period";
    // ── 医療費控除 (e-Tax) ──
    DeductionTitle => "医療費控除", "Medical-expense deduction";
    NavDeduction => "医療費控除", "Tax deduction";
    DedIntro => "医療費通知の明細と、手元の領収書の分をまとめて、医療費控除の金額を計算し、確定申告書等作成コーナーに読み込めるファイルを作ります。", "Combine your medical-cost notices with receipts you keep, work out the deduction, and make a file the National Tax Agency's filing site can load.";
    DedYearRule => "控除の対象は、その年に支払った医療費です。通知の明細は診療年月の年に数えます。実際に支払った年が違う明細（12月の受診を翌年1月に支払ったなど）は、支払った年へ移してください。", "The deduction counts what you paid during the year. A notice line counts in the year of its treatment month; if you paid it in another year (a December visit paid in January), move it to that year.";
    DedComputedNote => "通知の「窓口相当負担額」は計算上の金額で、領収書と数円違うことがあります。", "The notices' amount paid is computed and can differ from your receipt by a few yen.";
    DedYear => "対象の年（支払った年）", "Tax year (year paid)";
    DedHousehold => "生計を一にする家族の分も含める", "Include family members in the same household";
    DedShow => "表示する", "Show";
    DedLinesHeading => "明細", "Lines";
    DedColInclude => "控除に含める", "Included";
    DedColWho => "医療を受けた人", "Patient";
    DedColPayee => "病院・薬局などの名称", "Clinic / pharmacy / payee";
    DedColCategory => "医療費の区分", "Category";
    DedColPaid => "支払った医療費", "Paid";
    DedColReimbursed => "左のうち補填される金額", "Of which reimbursed";
    DedColSource => "出どころ", "Source";
    DedColYear => "数える年", "Counted in";
    DedFromNotice => "医療費通知", "Notice";
    DedByHand => "手入力", "Added by hand";
    DedMoved => "（年を移動済み）", " (moved)";
    DedUnknownCategory => "通知の診療区分がわからないため「診療・治療」として書き出します。違う場合は外して、手入力で追加してください", "Unknown 診療区分 on the notice: written as treatment. If that is wrong, leave it out and add it by hand";
    DedDecember => "12月の受診：支払いが翌年なら移してください", "December visit: move it if you paid next year";
    DedIncluded => "含める", "Included";
    DedExcluded => "含めない", "Left out";
    DedUntick => "外す", "Leave out";
    DedTick => "含める", "Include";
    DedSave => "保存", "Save";
    DedMove => "移す", "Move";
    DedDelete => "削除", "Delete";
    DedNone => "この年の明細はありません。年を変えるか、領収書の分を追加してください。", "No lines for this year. Choose another year or add receipts by hand.";
    DedTicked => "控除に含める明細", "Lines included";
    DedTotalPaid => "支払った医療費の合計", "Total paid";
    DedTotalReimbursed => "補填される金額の合計", "Total reimbursed";
    DedAddHeading => "領収書の分を追加する", "Add a receipt";
    DedAddIntro => "医療費通知にない支出（柔道整復、通院の交通費、市販薬、3年より前の分など）を追加できます。", "Add costs the notices do not hold: judo therapy, transport to hospital, over-the-counter medicines, costs older than three years.";
    DedFieldWho => "医療を受けた人（全角10文字以内）", "Patient (up to 10 characters)";
    DedFieldPayee => "病院・薬局などの名称（全角20文字以内）", "Clinic, pharmacy or payee (up to 20 characters)";
    DedFieldCategory => "医療費の区分", "Category";
    DedFieldAmount => "支払った金額（円）", "Amount paid (yen)";
    DedFieldReimbursed => "補填される金額（円、なければ空欄）", "Reimbursed (yen, empty if none)";
    DedFieldPaidOn => "支払年月日（任意）", "Date paid (optional)";
    DedFieldSelfMed => "セルフメディケーション税制の対象医薬品", "Qualifying OTC medicine (self-medication scheme)";
    DedFieldNote => "メモ（任意）", "Note (optional)";
    DedAdd => "追加する", "Add";
    DedIncomeHeading => "控除額の計算", "The deduction";
    DedIncomeLabel => "総所得金額等（円）", "Total income (yen, 総所得金額等)";
    DedIncomeHelp => "確定申告書の「総所得金額等」です。200万円未満の場合、足切り額が10万円ではなく所得の5%になります。", "The total income on your tax return. Below 2,000,000 yen the threshold is 5% of it instead of 100,000 yen.";
    DedCalculate => "計算する", "Calculate";
    DedIncomeNeeded => "総所得金額等を入力すると、医療費控除とセルフメディケーション税制の控除額を比べられます。", "Enter your total income to compare the medical-expense deduction with the self-medication scheme.";
    DedMedical => "医療費控除", "Medical-expense deduction";
    DedSelfMed => "セルフメディケーション税制", "Self-medication scheme";
    DedCalcPaid => "支払った医療費", "Paid";
    DedCalcReimbursed => "補填される金額", "Reimbursed";
    DedCalcThreshold => "足切り額（10万円または所得の5%）", "Threshold (100,000 yen or 5% of income)";
    DedCalcOtcPaid => "対象医薬品の購入額", "Qualifying OTC medicines";
    DedCalcOtcFloor => "足切り額", "Threshold";
    DedCalcAmount => "控除額", "Deduction";
    DedCalcCapMedical => "上限200万円", "Capped at 2,000,000 yen";
    DedCalcCapSelfMed => "上限8万8千円", "Capped at 88,000 yen";
    DedLargerMedical => "医療費控除のほうが大きくなります", "The medical-expense deduction is larger";
    DedLargerSelfMed => "セルフメディケーション税制のほうが大きくなります", "The self-medication scheme is larger";
    DedEqual => "どちらも同じ額です", "Both give the same amount";
    DedDifference => "差額", "Difference";
    DedOnlyOne => "医療費控除とセルフメディケーション税制は、どちらか一方しか申告できません。セルフメディケーション税制には、その年に健康診断などを受けていることが必要です。", "You may claim only one of the two. The self-medication scheme also needs a health check (such as a 特定健診) in that year.";
    DedExportsHeading => "書き出し", "Export";
    DedExportXlsx => "医療費集計フォーム（.xlsx）をダウンロード", "Download the 医療費集計フォーム (.xlsx)";
    DedExportXlsxHelp => "確定申告書等作成コーナーの医療費控除の画面で「医療費集計フォームを利用する」を選び、このファイルを読み込みます。セルフメディケーション税制には使えません。控除に含める明細だけが入ります。", "In the filing site's medical-deduction screen choose 医療費集計フォームを利用する and load this file. It cannot be used for the self-medication scheme. Only included lines are written.";
    DedExportCsv => "医療費通知情報（マイナポータル形式のCSV）をダウンロード", "Download the notices (Mynaportal CSV layout)";
    DedExportCsvHelp => "表示中の人の、この年に数える通知の明細だけが入ります（1ファイル1人、手入力の分は入りません）。", "Holds only the notice lines of the person on screen that count in this year (one file per person; lines added by hand are not in it).";
    DedTooManyRows => "医療費集計フォームに入るのは995行までで、医療を受けた人・名称・区分ごとにまとめても入りきりません。明細を外すか、家族を含めずに1人ずつ書き出して、作成コーナーで順に読み込んでください。", "The 医療費集計フォーム holds at most 995 rows, and the lines do not fit even grouped per person, payee and category. Leave lines out, or export each person separately (without the household) and load the files one after the other.";
    DedGrouped => "明細が995行を超えるため、フォームには医療を受けた人・病院や薬局の名称・区分ごとに合計して書き出します（合計額は変わりません）。", "There are more than 995 lines, so the form gets one row per person, payee and category with their sum (the totals do not change).";
    DedTruncated => "次の行は、フォームの文字数に合わせて名前を短くして書き出します", "These rows are written with names shortened to the form's length";
    DedReadOnly => "閲覧のみです。この医療費控除の内容を変更するには、ご本人に代理人の設定で「医療費控除の編集」を許可してもらってください。", "View only. To change this deduction workbench, ask them to allow “Editing the deduction workbench” in their proxy settings.";
    DedSaved => "保存しました。", "Saved.";
    DedAdded => "追加しました。", "Added.";
    DedDeleted => "削除しました。", "Deleted.";
    DedMovedNotice => "明細を移しました。移した先の年の画面に表示されます。", "The line was moved; it now shows under the year you chose.";
    DedErrorAmount => "金額は0以上の整数（円）で入力してください。", "Enter amounts as whole yen, 0 or more.";
    DedErrorFields => "医療を受けた人、名称、区分、金額を入力してください。", "Enter the patient, the payee, the category and the amount.";
    DedErrorDate => "支払年月日を正しく入力してください（対象の年の日付）。", "Enter a valid date paid, within the tax year.";
    DedErrorYear => "その年には移せません。診療年月の年から5年以内の年を選んでください。", "The line cannot be moved to that year: choose the treatment year or one of the five after it.";
    DedErrorLine => "その明細は見つかりませんでした。ページを開き直してください。", "That line was not found. Please reload the page.";
    DedErrorUnavailable => "ただいま保存できません。しばらくしてからもう一度お試しください。", "Cannot save right now. Please try again in a moment.";
    OwnErrorRequired => "必須の項目を入力してください。", "Fill in the required fields.";
    OwnErrorTooLong => "入力が長すぎます。文字数の上限を確かめてください。", "An entry is too long; check the character limits.";
    OwnErrorDate => "日付は年-月-日（例 2026-01-31）で入力し、飲み終えた日は飲み始めた日以降にしてください。", "Enter dates as year-month-day (e.g. 2026-01-31), the end on or after the start.";
    OwnErrorAmount => "価格は0〜9,999,999の整数（円）で入力してください。", "Enter the price as whole yen, 0 to 9,999,999.";
    OwnErrorSelfMed => "セルフメディケーション税制に入れるには、購入した店と価格を入力してください。", "To count it for the self-medication scheme, enter where it was bought and the price.";
    OwnErrorSeverity => "重さを選んでください。", "Choose a severity.";
    DedExportPdf => "医療費控除の明細書（集計）をPDFでダウンロード", "Download the deduction statement (summary, PDF)";
    DedExportPdfHelp => "医療を受けた人・医療機関等ごとの合計と控除額の計算を、印刷用にまとめます。控除に含める明細だけが入ります。", "A printable summary: totals per patient and payee, and the deduction worked out. Only included lines are counted.";
    PdfDedTitle => "医療費控除の明細書（集計）", "Medical-expense deduction statement (summary)";
    PdfDedLinesHeading => "医療を受けた人・医療機関等ごとの集計", "Totals per patient and payee";
    PdfDedColPayee => "医療機関等名称", "Clinic / pharmacy / payee";
    PdfDedColReimbursed => "補填される金額", "Reimbursed";
    PdfDedSubtotal => "計", "subtotal";
    PdfDedNone => "この年に控除に含める明細はありません。", "No lines are included for this year.";
    PdfDedScope => "控除に含める明細だけを集計しています。「手入力」は医療費通知にない、手元の領収書から追加した分です。補填される金額は、明細ごとに支払った額を上限に数えます。", "Only included lines are counted. Lines added by hand come from receipts, not from the notices. Each line's reimbursement counts up to what was paid for it.";
    PdfDedNoIncome => "総所得金額等が入力されていないため、控除額は計算していません。医療費控除の画面で入力してください。", "No total income has been entered, so the deduction is not worked out. Enter it on the deduction page.";
    ActionChange => "医療費控除の編集", "Deduction edited";
    // ── お薬の情報 (drugs, more) ──
    DrugsFilterHeading => "絞り込み", "Filter";
    DrugsFilterUsage => "使用区分", "How it is used";
    DrugsFilterAll => "すべて", "All";
    DrugsFilterSearch => "医薬品名・成分名で探す", "Search medicine or ingredient";
    DrugsFilterSearchHint => "例：ロキソ", "e.g. loxo";
    DrugsFilterApply => "絞り込む", "Apply";
    DrugsFilterNone => "条件に合うお薬はありません。使用区分を「すべて」にするか、検索語を短くしてみてください。", "No medicines match. Set the use to “All” or shorten the search.";
    DrugsBackToDefault => "直近3か月の表示に戻る", "Back to the last 3 months";
    DrugsTryAllYears => "3年間すべてを表示する", "Show all three years";
    DrugsViewLabel => "表示のしかた", "View";
    DrugsViewLines => "調剤ごと", "By dispensing";
    DrugsViewIngredients => "成分ごと", "By ingredient";
    IngredientTimes => "回", "×";
    IngredientUnit => "成分", " ingredients";
    PairSeparator => "・", " · ";
    IngredientOverlapTitle => "同じ成分が、異なる医療機関の処方で重なる期間に出ています：", "The same ingredient was prescribed by two institutions for overlapping days:";
    IngredientOverlapAdvice => "意図された処方のこともあります。気になるときは、医師または薬剤師にこの画面を見せてご相談ください。", "This may be intended. If in doubt, show this page to your doctor or pharmacist.";
    IngredientNote => "帯は調剤日から調剤数量（日分）の日数を表します。屯服や回数・枚数で出たお薬は調剤日のみを示します。", "Each bar runs from the dispensing day for the days supplied. Medicines taken as needed or counted in doses or sheets show the dispensing day only.";
    PeriodByDay => "日付で指定する", "Choose days";
    PeriodByMonth => "月で指定する", "Choose months";
}

/// 取り込み (`/import`, bring your own files). Server-rendered only, like `home`.
pub mod byo {
    use super::Lang;

    messages! {
        Title => "ファイルの取り込み", "Import your files";
        Intro => "マイナポータルからダウンロードした医療費通知情報（CSV）、特定健診の結果（XML, hc08形式）、薬局のお薬手帳データ（JAHIS形式）、KarteのJSONファイルを取り込めます。まず内容を確認し、「保存する」を押すまで何も保存されません。", "Bring in the medical-cost notices (CSV) you downloaded from マイナポータル, checkup results (XML, hc08), a pharmacy's medication-notebook data (JAHIS) or a Karte JSON file. You see what it holds first; nothing is stored until you press “Store”.";
        ForWhom => "取り込み先", "Records of";
        ProxyNote => "代理人として取り込みます。許可された種類の記録だけを取り込めます。", "You import as a proxy: only the kinds of records you have been granted.";
        NotAllowed => "この人の記録を取り込む許可はありません。", "You may not import records for this person.";
        FileLabel => "ファイル（CSV・XML・JSON・お薬手帳TXT、16MBまで）", "File (CSV, XML, JSON or notebook TXT, up to 16 MB)";
        NotebookHeading => "お薬手帳のデータを貼り付ける", "Paste medication-notebook data";
        QrLabel => "お薬の説明書のQRコードの写真（PNG・JPEG、分かれたコードは1枚に並べて）", "A photo of the QR code(s) on the drug information sheet (PNG or JPEG; split codes side by side in one picture)";
        NotebookLabel => "薬局のお薬手帳データ（JAHIS形式、「JAHISTC」で始まるテキスト）", "A pharmacy's medication-notebook data (JAHIS text starting with “JAHISTC”)";
        NotebookHint => "お薬の説明書のQRコードを読み取ったテキストや、お薬手帳アプリから書き出したテキストです。保険者のデータが届くと、そちらに置き換わります。", "The text of the QR code on the pharmacy's drug information sheet, or a notebook app's export. When your insurer's data for that pharmacy and month arrives, it takes over.";
        Check => "内容を確認する", "Check the file";
        PreviewHeading => "取り込む内容の確認（まだ保存されていません）", "What the file holds (not stored yet)";
        ColKind => "記録", "Records";
        ColNew => "新しく追加", "New";
        ColDup => "すでにある（追加しません）", "Already stored (not added)";
        Period => "期間", "Period";
        Format => "形式", "Format";
        FileName => "ファイル名", "File";
        Warnings => "注意", "Warnings";
        NameDiffers => "ファイルの氏名が、取り込み先の氏名と一致しません。ご本人のファイルか確かめてください。", "The name in the file is not the name of the person you import for. Check that the file is theirs.";
        Already => "このファイルはすでに取り込まれています。保存しても何も変わりません。", "This file has been imported before; storing it again changes nothing.";
        NothingNew => "新しく追加される記録はありません。", "There is nothing new to add.";
        Store => "保存する", "Store";
        Discard => "取り消す", "Cancel";
        ProblemHeading => "このファイルは取り込めません（何も保存されていません）", "This file cannot be imported (nothing was stored)";
        ProblemFormat => "マイナポータルの医療費通知情報（CSV）、特定健診のXML（hc08形式）、お薬手帳データ（JAHIS形式）、KarteのJSONファイルのいずれでもありません。", "It is none of: a マイナポータル medical-cost notice CSV, a checkup XML (hc08), medication-notebook data (JAHIS) or a Karte JSON file.";
        ProblemTooLarge => "ファイルが大きすぎます（16MBまで）。期間を分けてダウンロードしてください。", "The file is too large (16 MB at most). Download shorter periods.";
        ProblemInvalid => "ファイルの中に読めない箇所があります：", "Part of the file cannot be read:";
        ProblemEmpty => "ファイルに記録がありません。", "The file holds no records.";
        ProblemSeveral => "複数の人の記録が入っています。1人分ずつ取り込んでください。", "It holds the records of several people. Import one person at a time.";
        ProblemOther => "取り込み先とは別の人（生年月日または番号が違う人）の記録です。", "These are the records of someone else (another birth date or id) than the person you import for.";
        ProblemNoGrant => "次の種類の記録を取り込む許可がありません：", "You have not been granted these kinds of records:";
        ProblemExpired => "確認した内容の有効期限が切れました（30分）。もう一度ファイルを選んでください。", "The checked file has expired (30 minutes). Choose the file again.";
        BatchesHeading => "取り込んだファイル", "Files you imported";
        BatchesNone => "まだ取り込んだファイルはありません。", "You have not imported any file yet.";
        ColWhen => "取り込んだ日時", "Imported";
        ColLines => "件数", "Lines";
        Remove => "取り除く", "Remove";
        RemoveHeading => "取り込んだファイルを取り除く", "Remove an imported file";
        RemoveText => "このファイルで取り込んだ記録をすべて削除します。保険者から届いた記録は残ります。元に戻せません。", "Every record this file brought in will be deleted. Records from your insurer stay. This cannot be undone.";
        RemoveConfirm => "取り除く", "Remove";
        Stored => "取り込みました。取り込んだ記録には「ご自身で取り込み」と表示されます。", "Imported. The records are marked “Imported by you”.";
        StoredNothing => "新しく追加される記録はなかったため、何も保存していません。", "There was nothing new to add; nothing was stored.";
        Removed => "取り込んだファイルを取り除きました。", "The imported file was removed.";
        ErrorUnavailable => "いまは処理できません。しばらくしてからもう一度お試しください。", "This cannot be done right now. Please try again later.";
        ErrorNoFile => "ファイルを選んでください。", "Choose a file.";
    }

    impl Lang {
        /// An import page message.
        pub fn b(self, msg: Msg) -> &'static str {
            msg.text(self)
        }
    }
}

/// 本人入力 (the person's own entries): a table of its own, like ホーム's — only server-rendered
/// pages and the PDF use it, so none of it reaches the browser bundle.
pub mod own {
    use super::Lang;

    messages! {
        Title => "本人入力（市販薬・アレルギー・メモ）", "Entered by you (OTC medicines, allergies, notes)";
        Badge => "本人入力", "Entered by you";
        Intro => "保険者から届く情報とは別に、ご自身で記録する情報です。お薬の情報の画面とPDFに「本人入力」として表示されます。", "Information you keep yourself, apart from what your insurer sends. It appears on the drug page and in its PDF, marked “Entered by you”.";
        ReadOnly => "閲覧のみです。本人入力の情報は、ご本人だけが追加・変更できます。", "View only. Only the person themself can add or change these entries.";
        Manage => "本人入力を追加・編集する", "Add or edit your own entries";
        MedicinesHeading => "市販薬", "Over-the-counter medicines";
        AllergiesHeading => "アレルギー・副作用", "Allergies and side effects";
        MemosHeading => "お薬手帳メモ", "Medicine notebook notes";
        FieldName => "薬の名前（100文字以内）", "Medicine name (up to 100 characters)";
        FieldIngredient => "成分名（任意）", "Ingredient (optional)";
        FieldFrom => "飲み始めた日（購入した日）", "Taken from (day bought)";
        FieldTo => "飲み終えた日（任意）", "Taken until (optional)";
        FieldBoughtAt => "購入した店（任意）", "Where bought (optional)";
        FieldPrice => "価格（円、任意、0〜9,999,999）", "Price (yen, optional, 0–9,999,999)";
        FieldSelfMed => "セルフメディケーション税制の計算に入れる（飲み始めた日の年の医療費控除の画面に入ります。店と価格が必要です）", "Count it for the self-medication scheme (it goes to the deduction workbench of the year it was started; needs where bought and the price)";
        FieldSubstance => "原因（薬・食べ物など、100文字以内）", "Cause (medicine, food …, up to 100 characters)";
        FieldReaction => "症状（任意、200文字以内）", "Reaction (optional, up to 200 characters)";
        FieldSince => "いつから（任意）", "Since (optional)";
        FieldSeverity => "重さ", "Severity";
        FieldDispensing => "調剤（調剤日と薬局）", "Dispensing (date and pharmacy)";
        FieldMemo => "メモ（1000文字以内）", "Note (up to 1000 characters)";
        AddMedicine => "市販薬を追加する", "Add an OTC medicine";
        AddAllergy => "アレルギー・副作用を追加する", "Add an allergy or side effect";
        AddMemo => "調剤にメモを付ける", "Add a note to a dispensing";
        Edit => "編集する", "Edit";
        NoMedicines => "市販薬の記録はありません。", "No OTC medicines recorded.";
        NoAllergies => "アレルギー・副作用の記録はありません。", "No allergies or side effects recorded.";
        NoMemos => "メモはありません。", "No notes.";
        NoDispensings => "メモを付けられる調剤がまだありません。", "There is no dispensing yet to attach a note to.";
        SelfMedOn => "セルフメディケーション税制の計算に入れています", "Counted for the self-medication scheme";
        ToWorkbench => "医療費控除の画面へ", "Open the deduction workbench";
        ColPeriod => "期間", "Taken";
        ColBoughtAt => "購入した店", "Where bought";
        ColPrice => "価格", "Price";
        ColReaction => "症状", "Reaction";
        ColSince => "いつから", "Since";
        ColSeverity => "重さ", "Severity";
        ColIngredient => "成分名", "Ingredient";
        Ongoing => "（継続中）", " (ongoing)";
    }

    impl Lang {
        /// A 本人入力 message.
        pub fn o(self, msg: Msg) -> &'static str {
            msg.text(self)
        }
    }
}

/// ホーム (the dashboard) and the footer. A table of its own: only server-rendered pages use it,
/// so none of it reaches the browser bundle.
pub mod home {
    use super::Lang;

    messages! {
        Title => "ホーム", "Home";
        NotGranted => "この記録を見る許可はありません。", "You have not been granted these records.";
        ChangesHeading => "前回のサインインからの変化", "Since your last sign-in";
        ChangesSince => "前回のサインイン", "Last sign-in";
        ChangesFirst => "はじめてのサインインです。次からは、前回のサインインのあとに届いた記録と代理人による閲覧をここでお知らせします。", "This is your first sign-in. From the next one on, records that arrived since your last sign-in and views by your proxies are listed here.";
        ChangesDrugLines => "新しいお薬の明細", "New medicine lines";
        ChangesExpenseLines => "新しい医療費通知の明細", "New medical-cost lines";
        ChangesCheckups => "新しい健診結果", "New checkup results";
        ChangesNone => "前回のサインインのあとに届いた記録はありません。", "Nothing new has arrived since your last sign-in.";
        ProxyHeading => "代理人による閲覧", "Views by your proxies";
        ProxyIntro => "前回のサインインのあと、代理人があなたの記録を見たり書き出したりしました。心当たりがない場合は「心当たりがない」を押してください（アクセス履歴にも残ります）。", "Since your last sign-in, a proxy viewed or exported your records. If you do not recognise it, press “This was not me” (it is also on your access history).";
        ProxyAll => "アクセス履歴をすべて見る", "See the whole access history";
        MedsHeading => "最近のお薬", "Medicines taken recently";
        MedsIntro => "直近3か月に調剤されたお薬を、成分ごとにまとめています。", "Medicines dispensed in the last three months, by ingredient.";
        MedsColIngredient => "成分", "Ingredient";
        MedsColNames => "医薬品名", "Medicine";
        MedsColLast => "最後の調剤日", "Last dispensed";
        MedsColDispenser => "病院・薬局", "Pharmacy or clinic";
        MedsColLeft => "残り（目安）", "Left (estimate)";
        MedsNoneLeft => "—", "—";
        MedsNote => "残りは、日分で出たお薬について調剤日から数えた目安です。屯服や外用などは「—」と表示します。", "What is left is counted from the dispensing day for medicines supplied in days; medicines taken as needed, for external use and the like show “—”.";
        MedsNone => "直近3か月に調剤されたお薬はありません。", "No medicines were dispensed in the last three months.";
        MedsMore => "お薬の情報をすべて見る", "See all medicines";
        CheckHeading => "最新の健診結果", "Latest checkup";
        CheckIntro => "基準範囲を外れた値と、前回の健診からの変化です。", "Values outside the normal range, and how they moved since the previous checkup.";
        CheckAllNormal => "基準範囲を外れた値はありません。", "No value is outside the normal range.";
        CheckNone => "健診結果はまだ届いていません。", "No checkup results have arrived yet.";
        CheckNotOfAge => "健診（特定健診・後期高齢者健診）は40歳以上が対象のため、健診結果はありません。", "Checkups (特定健診 and 後期高齢者健診) start at age 40, so there are no checkup results.";
        CheckColItem => "項目", "Item";
        CheckColLatest => "今回", "This time";
        CheckColPrevious => "前回", "Previous";
        CheckColMove => "変化", "Change";
        CheckNoPrevious => "前回の値なし", "No previous value";
        MoveUp => "↑ 上がった", "↑ Up";
        MoveDown => "↓ 下がった", "↓ Down";
        MoveSame => "→ 変わらず", "→ Same";
        CheckMore => "健診結果をすべて見る", "See all checkup results";
        CostHeading => "今年の医療費", "Medical costs this year";
        CostPaid => "支払った医療費（控除に含める分）", "Paid (lines included in the deduction)";
        CostEstimate => "医療費控除の見込み額", "Estimated medical-expense deduction";
        CostAssumed => "総所得金額等が未入力のため、200万円以上（足切り額10万円）として計算しています。", "No total income has been entered: worked out assuming 2,000,000 yen or more (a 100,000 yen threshold).";
        CostWorkbench => "医療費控除の画面で確かめる・調整する", "Check and adjust on the deduction page";
        CostNotFinal => "まだ届いていない月の分は含まれません。", "Months that have not arrived yet are not included.";
        FreshHeading => "データの更新状況", "How up to date the data is";
        FreshColKind => "記録", "Records";
        FreshColToCome => "まだ届いていない月", "Months still to come";
        FreshNothingToCome => "なし", "None";
        FreshNoData => "まだデータがありません", "No data yet";
        LeavingHeading => "まもなく3年を過ぎる記録", "Records about to pass three years";
        LeavingIntro => "Karteで見られるのは直近3年間の記録です。次の月の記録は、この日から表示されなくなります", "Karte shows the last three years. The records of this month are no longer shown from";
        LeavingDrugLines => "お薬の明細", "Medicine lines";
        LeavingExpenseLines => "医療費通知の明細", "Medical-cost lines";
        LeavingExport => "いまのうちにPDFで保存する", "Save them as a PDF now";
    }

    impl Lang {
        /// A dashboard message.
        pub fn h(self, msg: Msg) -> &'static str {
            msg.text(self)
        }

        /// A count of lines: 「3件」 / "3".
        pub fn count(self, n: i64) -> String {
            match self {
                Lang::Ja => format!("{n}件"),
                Lang::En => n.to_string(),
            }
        }

        /// Days of a supply left: 「あと5日分」 / "5 days".
        pub fn days_left(self, n: i64) -> String {
            match self {
                Lang::Ja => format!("あと{n}日分"),
                Lang::En if n == 1 => "1 day".to_owned(),
                Lang::En => format!("{n} days"),
            }
        }

        /// A month with the day its data is expected: 「2026-11（2027年1月11日公開予定）」.
        pub fn month_expected(self, month: &str, day: &str) -> String {
            match self {
                Lang::Ja => format!("{month}（{day}公開予定）"),
                Lang::En => format!("{month} (expected {day})"),
            }
        }

        /// A statement about someone: 「田中　結衣さん：…」 / "Tanaka Yui: …".
        pub fn about(self, name: &str, text: &str) -> String {
            match self {
                Lang::Ja => format!("{}：{text}", self.addressed(name)),
                Lang::En => format!("{name}: {text}"),
            }
        }

        /// A calendar year: 「2026年」 / "2026".
        pub fn year(self, y: i32) -> String {
            match self {
                Lang::Ja => format!("{y}年"),
                Lang::En => y.to_string(),
            }
        }
    }
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
    fn every_own_message_has_both_languages() {
        for m in own::Msg::ALL {
            assert!(!m.text(Lang::Ja).is_empty(), "{m:?} has no Japanese text");
            assert!(!m.text(Lang::En).is_empty(), "{m:?} has no English text");
        }
    }

    #[test]
    fn every_home_message_has_both_languages() {
        for m in home::Msg::ALL {
            assert!(!m.text(Lang::Ja).is_empty(), "{m:?} has no Japanese text");
            assert!(!m.text(Lang::En).is_empty(), "{m:?} has no English text");
        }
        assert_eq!(Lang::Ja.count(3), "3件");
        assert_eq!(Lang::En.days_left(1), "1 day");
        assert_eq!(
            Lang::Ja.month_expected("2026-11", "2027年1月11日"),
            "2026-11（2027年1月11日公開予定）"
        );
    }

    #[test]
    fn every_import_message_has_both_languages() {
        for m in byo::Msg::ALL {
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
