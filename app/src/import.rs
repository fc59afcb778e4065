//! Bring your own files (`/import`): the page's view model and loader (server side).

use crate::error::AppError;
use chrono::NaiveDate;
use domain::access::AccessKind;

/// What the page is asked to show, from its query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportQuery {
    /// A previewed upload (`?preview=`).
    pub preview: Option<String>,
    /// A batch to confirm the removal of (`?remove=`).
    pub remove: Option<String>,
}

/// New and already-stored lines of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindCount {
    pub kind: AccessKind,
    pub new: usize,
    pub duplicates: usize,
}

/// Step 1: what storing the upload would add. Nothing is stored yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPreview {
    pub token: String,
    pub file_name: String,
    /// `json`, `cda`, `mynaportal-csv`.
    pub format: String,
    pub kinds: Vec<KindCount>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// The parsers' warnings (file, line, field and what), e.g. a masked id.
    pub warnings: Vec<String>,
    /// The file's name is not the name of the person on screen.
    pub name_differs: bool,
    /// This very file was brought in before.
    pub already: bool,
}

/// Why an upload cannot be brought in (nothing was stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    Format,
    TooLarge,
    /// The parser's words: file, line, field and why.
    Invalid(String),
    Empty,
    SeveralPeople(usize),
    OtherPerson,
    NoGrant(Vec<AccessKind>),
    /// The preview is gone (stored, replaced or older than 30 minutes).
    Expired,
}

/// One batch the person brought in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnBatchView {
    pub id: String,
    pub format: String,
    pub lines: i64,
    /// Japanese time, `YYYY-MM-DD HH:MM`.
    pub at: String,
    /// Uploaded by the signed-in account (only those can be removed by a proxy).
    pub removable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPage {
    pub person_name: String,
    pub as_proxy: bool,
    /// The kinds the signed-in person may bring in for the person on screen.
    pub kinds: Vec<AccessKind>,
    pub preview: Option<Result<ImportPreview, ImportProblem>>,
    pub batches: Vec<OwnBatchView>,
    /// The batch whose removal is being confirmed.
    pub confirm_remove: Option<OwnBatchView>,
}

pub async fn load_import_page(query: ImportQuery) -> Result<ImportPage, AppError> {
    #[cfg(feature = "ssr")]
    {
        crate::services::services()?.import.import_page(query).await
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = query;
        Err(AppError::Internal)
    }
}
