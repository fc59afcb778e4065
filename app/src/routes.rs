use crate::components::layout::Frame;
use crate::i18n::Msg;
use crate::pages::account::AccessPage;
use crate::pages::checkups::CheckupsPage;
use crate::pages::deduction::DeductionPage;
use crate::pages::drugs::DrugsPage;
use crate::pages::expenses::ExpensesPage;
use crate::pages::export::ExportPageView;
use crate::pages::import::ImportPageView;
use crate::pages::own::OwnPageView;
use crate::pages::proxies::{AcceptInvitationPage, ProxiesPage};
use crate::pages::signin::{AccountPage, LinkPage, SignInPage};
use crate::pages::{home::HomePage, not_found::NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = crate::i18n::request_lang();
    provide_context(lang);
    // Async mode: the whole page arrives as complete HTML (no streaming scripts), so it works
    // without JavaScript and under a strict CSP.
    view! {
        <Title formatter=move |t: String| format!("{t} | {}", lang.t(Msg::ProductName))/>
        <Router>
            <Frame>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("signin") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("link") view=LinkPage ssr=SsrMode::Async/>
                    <Route path=path!("proxies") view=ProxiesPage ssr=SsrMode::Async/>
                    <Route path=path!("proxies/accept") view=AcceptInvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("access") view=AccessPage ssr=SsrMode::Async/>
                    <Route path=path!("account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("drugs") view=DrugsPage ssr=SsrMode::Async/>
                    <Route path=path!("own") view=OwnPageView ssr=SsrMode::Async/>
                    <Route path=path!("checkups") view=CheckupsPage ssr=SsrMode::Async/>
                    <Route path=path!("expenses") view=ExpensesPage ssr=SsrMode::Async/>
                    <Route path=path!("deduction") view=DeductionPage ssr=SsrMode::Async/>
                    <Route path=path!("export") view=ExportPageView ssr=SsrMode::Async/>
                    <Route path=path!("import") view=ImportPageView ssr=SsrMode::Async/>
                </Routes>
            </Frame>
        </Router>
    }
}
