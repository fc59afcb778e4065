//! Links to the PDF exports, for any page that shows records.

use crate::components::layout::use_lang;
use crate::i18n::Msg;
use leptos::prelude::*;

/// Which PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfKind {
    Drugs,
    Checkups,
    Expenses,
    /// All kinds the viewer may see, in one report.
    Report,
}

impl PdfKind {
    pub const ALL: [PdfKind; 4] = [
        PdfKind::Drugs,
        PdfKind::Checkups,
        PdfKind::Expenses,
        PdfKind::Report,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PdfKind::Drugs => "drugs",
            PdfKind::Checkups => "checkups",
            PdfKind::Expenses => "expenses",
            PdfKind::Report => "report",
        }
    }

    /// What the PDF contains, as the pages title it.
    pub fn title(self) -> Msg {
        match self {
            PdfKind::Drugs => Msg::DrugsTitle,
            PdfKind::Checkups => Msg::CheckupsTitle,
            PdfKind::Expenses => Msg::ExpensesTitle,
            PdfKind::Report => Msg::ExportAll,
        }
    }

    /// Checkups are always the last five: no period in the URL.
    pub fn has_period(self) -> bool {
        self != PdfKind::Checkups
    }
}

/// `/api/v1/me/drugs/pdf?from=2024-04&to=2025-03` (the period only where it applies and given).
pub fn pdf_url(kind: PdfKind, from: Option<&str>, to: Option<&str>) -> String {
    let mut url = format!("/api/v1/me/{}/pdf", kind.code());
    if kind.has_period() {
        let params: Vec<String> = [("from", from), ("to", to)]
            .into_iter()
            .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| format!("{k}={v}")))
            .collect();
        if !params.is_empty() {
            url.push('?');
            url.push_str(&params.join("&"));
        }
    }
    url
}

/// 「PDFで保存」: a plain download link (works without JavaScript) to the PDF of `kind` for the
/// period shown. `label` replaces the default text; the accessible name always says which PDF.
#[component]
pub fn PdfLink(
    kind: PdfKind,
    #[prop(optional, into)] from: Option<String>,
    #[prop(optional, into)] to: Option<String>,
    #[prop(optional)] label: Option<Msg>,
) -> impl IntoView {
    let lang = use_lang();
    let href = pdf_url(kind, from.as_deref(), to.as_deref());
    let text = lang.t(label.unwrap_or(Msg::PdfSave));
    // The name starts with the visible text (WCAG 2.5.3, "label in name"; axe's
    // label-content-name-mismatch), then says which records.
    let aria = format!("{text}{}", lang.parenthesized(lang.t(kind.title())));
    view! {
        <a class="button pdf-link" href=href download="" aria-label=aria
            data-testid=format!("pdf-{}", kind.code())>{text}</a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            pdf_url(PdfKind::Drugs, Some("2024-04"), Some("2025-03")),
            "/api/v1/me/drugs/pdf?from=2024-04&to=2025-03"
        );
        assert_eq!(
            pdf_url(PdfKind::Checkups, Some("2024-04"), Some("2025-03")),
            "/api/v1/me/checkups/pdf"
        );
        assert_eq!(
            pdf_url(PdfKind::Report, None, None),
            "/api/v1/me/report/pdf"
        );
        assert_eq!(
            pdf_url(PdfKind::Expenses, Some("2024-04"), Some("")),
            "/api/v1/me/expenses/pdf?from=2024-04"
        );
    }
}
