//! Page notices: the `?ok=…` / `?error=…` a form handler redirects with and the page it lands on
//! reads. One enum for both sides, so the server cannot redirect with a code the page does not
//! know (a code without a message is a notice nobody sees), and each notice has its message.

use crate::i18n::Msg;

/// A page that shows notices from its query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticePage {
    SignIn,
    Link,
    Account,
    Proxies,
    Accept,
    Access,
    Deduction,
    Own,
}

impl NoticePage {
    pub const ALL: [NoticePage; 8] = [
        NoticePage::SignIn,
        NoticePage::Link,
        NoticePage::Account,
        NoticePage::Proxies,
        NoticePage::Accept,
        NoticePage::Access,
        NoticePage::Deduction,
        NoticePage::Own,
    ];

    pub fn path(self) -> &'static str {
        match self {
            NoticePage::SignIn => "/signin",
            NoticePage::Link => "/link",
            NoticePage::Account => "/account",
            NoticePage::Proxies => "/proxies",
            NoticePage::Accept => "/proxies/accept",
            NoticePage::Access => "/access",
            NoticePage::Deduction => "/deduction",
            NoticePage::Own => "/own",
        }
    }

    /// What an `error` code this page does not know shows, if anything (the sign-in pages
    /// say something rather than nothing).
    fn unknown_error(self) -> Option<Notice> {
        match self {
            NoticePage::SignIn => Some(Notice::SignInProvider),
            NoticePage::Link => Some(Notice::LinkUnavailable),
            NoticePage::Account => Some(Notice::AccountUnavailable),
            _ => None,
        }
    }
}

macro_rules! notices {
    ($($variant:ident => [$($page:ident),+] $key:ident $code:literal $msg:ident;)*) => {
        /// Every notice a page can show: where, under which key and code, and its message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Notice {
            $($variant,)*
        }

        impl Notice {
            pub const ALL: &'static [Notice] = &[$(Notice::$variant,)*];

            /// The pages that show it.
            pub fn pages(self) -> &'static [NoticePage] {
                match self {
                    $(Notice::$variant => &[$(NoticePage::$page),+],)*
                }
            }

            /// The value in the query string.
            pub fn code(self) -> &'static str {
                match self {
                    $(Notice::$variant => $code,)*
                }
            }

            /// An error (`?error=`, shown as an alert) or a confirmation (`?ok=`).
            pub fn is_error(self) -> bool {
                match self {
                    $(Notice::$variant => stringify!($key) == "error",)*
                }
            }

            /// What the person reads (through the i18n table).
            pub fn msg(self) -> Msg {
                match self {
                    $(Notice::$variant => Msg::$msg,)*
                }
            }
        }
    };
}

notices! {
    // /signin (`expired` comes from the session timer in the browser).
    SignInState => [SignIn] error "state" SignInErrorState;
    SignInExpired => [SignIn] error "expired" SignInErrorExpired;
    SignInCancelled => [SignIn] error "cancelled" SignInErrorCancelled;
    SignInLinked => [SignIn] error "linked" SignInErrorLinked;
    SignInUnavailable => [SignIn] error "unavailable" SignInErrorUnavailable;
    SignInNotConfigured => [SignIn] error "not_configured" SignInNotConfigured;
    SignInProvider => [SignIn] error "provider" SignInErrorProvider;
    SignInDev => [SignIn] error "dev" SignInErrorProvider;
    // /link (`locked` comes with `until=`, which the page appends).
    LinkNoMatch => [Link] error "no_match" LinkErrorNoMatch;
    LinkBirthDate => [Link] error "birth_date" LinkErrorBirthDate;
    LinkCard => [Link] error "card" LinkErrorCard;
    LinkLinked => [Link] error "linked" SignInErrorLinked;
    LinkAccountLinked => [Link] error "account_linked" LinkErrorAccountLinked;
    LinkLocked => [Link] error "locked" LinkErrorLocked;
    LinkUnavailable => [Link] error "unavailable" SignInErrorUnavailable;
    LinkUnlinked => [Link] ok "unlinked" LinkUnlinked;
    // /account
    AccountReauth => [Account] error "reauth" AccountErrorReauth;
    AccountUnavailable => [Account] error "unavailable" SignInErrorUnavailable;
    AccountDeleteWord => [Account] error "word" AccountDeleteErrorWord;
    AccountDeleteReauth => [Account] error "reauth_delete" AccountDeleteErrorReauth;
    AccountDeleted => [SignIn] ok "deleted" AccountDeleted;
    // /proxies, /proxies/accept, /access
    ProxyInvited => [Proxies] ok "invited" ProxiesInvited;
    ProxyAccepted => [Proxies] ok "accepted" ProxiesAccepted;
    ProxyCancelled => [Proxies] ok "cancelled" ProxiesCancelled;
    ProxyRevoked => [Proxies] ok "revoked" ProxiesRevoked;
    GrantKinds => [Proxies] error "kinds" ProxiesErrorKinds;
    GrantUntil => [Proxies] error "until" ProxiesErrorUntil;
    GrantSelf => [Proxies] error "self" ProxiesErrorSelf;
    AppIssued => [Proxies] ok "app_issued" AppsIssued;
    AppRevoked => [Proxies] ok "app_revoked" AppsRevoked;
    AppName => [Proxies] error "app_name" AppsErrorName;
    AppKinds => [Proxies] error "app_kinds" ProxiesErrorKinds;
    AppUntil => [Proxies] error "app_until" AppsErrorUntil;
    AcceptUnusable => [Accept] error "unusable" AcceptErrorUnusable;
    AcceptOwn => [Accept] error "own" AcceptErrorOwn;
    AccessReported => [Access] ok "reported" AccessReportedNotice;
    Unavailable => [Proxies, Accept, Access] error "unavailable" ErrorUnavailable;
    // /deduction
    DedSaved => [Deduction] ok "saved" DedSaved;
    DedAdded => [Deduction] ok "added" DedAdded;
    DedDeleted => [Deduction] ok "deleted" DedDeleted;
    DedMoved => [Deduction] ok "moved" DedMovedNotice;
    DedAmount => [Deduction] error "amount" DedErrorAmount;
    DedFields => [Deduction] error "fields" DedErrorFields;
    DedDate => [Deduction] error "date" DedErrorDate;
    DedYear => [Deduction] error "year" DedErrorYear;
    DedLine => [Deduction] error "line" DedErrorLine;
    DedUnavailable => [Deduction] error "unavailable" DedErrorUnavailable;
    // /own
    OwnAdded => [Own] ok "added" DedAdded;
    OwnSaved => [Own] ok "saved" DedSaved;
    OwnDeleted => [Own] ok "deleted" DedDeleted;
    OwnRequired => [Own] error "required" OwnErrorRequired;
    OwnTooLong => [Own] error "too_long" OwnErrorTooLong;
    OwnDate => [Own] error "date" OwnErrorDate;
    OwnAmount => [Own] error "amount" OwnErrorAmount;
    OwnSelfMed => [Own] error "self_medication" OwnErrorSelfMed;
    OwnSeverity => [Own] error "severity" OwnErrorSeverity;
    OwnUnavailable => [Own] error "unavailable" DedErrorUnavailable;
}

impl Notice {
    /// `ok=<code>` or `error=<code>`, for a redirect's query string.
    pub fn query(self) -> String {
        let key = if self.is_error() { "error" } else { "ok" };
        format!("{key}={}", self.code())
    }

    /// `<page path>?<query>`: the redirect target when nothing else goes in the query.
    pub fn location(self) -> String {
        let page = self.pages().first().map_or("/", |p| p.path());
        format!("{page}?{}", self.query())
    }

    /// The notice `page` shows for its `ok` and `error` query values (`ok` wins).
    pub fn read(page: NoticePage, ok: Option<&str>, error: Option<&str>) -> Option<Notice> {
        let find = |code: &str, is_error: bool| {
            Notice::ALL
                .iter()
                .copied()
                .find(|n| n.is_error() == is_error && n.code() == code && n.pages().contains(&page))
        };
        if let Some(n) = ok.and_then(|c| find(c, false)) {
            return Some(n);
        }
        let error = error?;
        find(error, true).or_else(|| page.unknown_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_reads_back_on_each_of_its_pages() {
        for n in Notice::ALL {
            for page in n.pages() {
                let q = n.code();
                let (ok, error) = if n.is_error() {
                    (None, Some(q))
                } else {
                    (Some(q), None)
                };
                assert_eq!(
                    Notice::read(*page, ok, error),
                    Some(*n),
                    "{n:?} on {page:?}"
                );
            }
        }
    }

    #[test]
    fn codes_are_unique_per_page_and_key() {
        for page in NoticePage::ALL {
            let mut seen = std::collections::HashSet::new();
            for n in Notice::ALL.iter().filter(|n| n.pages().contains(&page)) {
                assert!(seen.insert((n.is_error(), n.code())), "{n:?} on {page:?}");
            }
        }
    }

    #[test]
    fn unknown_codes() {
        assert_eq!(Notice::read(NoticePage::Proxies, None, Some("nope")), None);
        assert_eq!(
            Notice::read(NoticePage::SignIn, None, Some("nope")),
            Some(Notice::SignInProvider)
        );
        // An error code under `ok` is not a confirmation.
        assert_eq!(
            Notice::read(NoticePage::Deduction, Some("amount"), None),
            None
        );
        assert_eq!(Notice::GrantKinds.location(), "/proxies?error=kinds");
        assert_eq!(Notice::DedSaved.query(), "ok=saved");
    }
}
