//! The account pages (`app::services::AccountPages`): grants given and received, invitations,
//! and the access history, for the signed-in person.

use crate::audit;
use crate::db::Db;
use crate::records::{access, invitations};
use crate::settings::Clock;
use app::account::{AccessView, Actor, GrantView, InvitationView, OfferView};
use app::error::AppError;
use app::services::{AccountPages, BoxFuture};
use chrono::{FixedOffset, Utc};
use domain::access::AccessKinds;

/// The account pages over the database.
pub struct SqlAccount {
    pub db: Db,
    pub clock: Clock,
}

impl AccountPages for SqlAccount {
    fn grants(&self, person: String) -> BoxFuture<'_, Result<Vec<GrantView>, AppError>> {
        Box::pin(async move {
            let grants = access::grants_given(&self.db, &person, self.clock.today()).await?;
            Ok(grants
                .into_iter()
                .map(|g| GrantView {
                    id: g.id,
                    grantee_id: g.grantee_id,
                    grantee_name: g.grantee_name,
                    kinds: g.kinds.iter().collect(),
                    valid_until: g.valid_until,
                })
                .collect())
        })
    }

    fn invitations(&self, person: String) -> BoxFuture<'_, Result<Vec<InvitationView>, AppError>> {
        Box::pin(async move {
            let jst = FixedOffset::east_opt(9 * 3600).expect("JST");
            let pending = invitations::pending(&self.db, &person, Utc::now()).await?;
            Ok(pending
                .into_iter()
                .filter_map(|i| {
                    Some(InvitationView {
                        id: i.id,
                        kinds: AccessKinds::parse_list(&i.kinds)?.iter().collect(),
                        valid_until: i.valid_until,
                        expires_on: i.expires_at.with_timezone(&jst).date_naive(),
                    })
                })
                .collect())
        })
    }

    fn offer(&self, code: String) -> BoxFuture<'_, Result<Option<OfferView>, AppError>> {
        Box::pin(async move {
            let offer = invitations::offer(&self.db, &code, Utc::now()).await?;
            Ok(offer.map(|o| OfferView {
                grantor_name: o.grantor_name,
                kinds: o.kinds.iter().collect(),
                valid_until: o.valid_until,
            }))
        })
    }

    fn app_tokens(
        &self,
        person: String,
    ) -> BoxFuture<'_, Result<Vec<app::account::AppTokenView>, AppError>> {
        Box::pin(async move {
            let tokens =
                crate::records::app_tokens::issued(&self.db, &person, self.clock.today()).await?;
            Ok(tokens
                .into_iter()
                .map(|t| app::account::AppTokenView {
                    id: t.id,
                    app_name: t.app_name,
                    kinds: t.kinds.iter().collect(),
                    valid_until: t.valid_until,
                })
                .collect())
        })
    }

    fn history(&self, person: String) -> BoxFuture<'_, Result<Vec<AccessView>, AppError>> {
        Box::pin(async move {
            let rows = audit::history(&self.db, &person, 500).await?;
            let jst = FixedOffset::east_opt(9 * 3600).expect("JST");
            Ok(rows
                .into_iter()
                .map(|r| AccessView {
                    id: r.id,
                    at: r
                        .at
                        .with_timezone(&jst)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    actor: match (r.actor_person, r.actor_client) {
                        (Some(p), _) if p == person => Actor::Me,
                        (Some(_), _) => Actor::Person(r.actor_name.unwrap_or_default()),
                        (None, Some(c)) => Actor::Client(c),
                        (None, None) if r.actor_account.is_some() => Actor::Unlinked,
                        (None, None) => Actor::System,
                    },
                    action: r.action,
                    detail: app::audit::Detail::from_stored(r.detail),
                    reported: r.reported > 0,
                })
                .collect())
        })
    }
}
