//! OpenID Connect relying party (authorization code + PKCE S256, state, nonce), using the
//! `openidconnect` crate. The provider's metadata and keys are discovered on first use and
//! kept; a failed discovery is retried on the next sign-in.

use crate::settings::AuthSettings;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use tokio::sync::OnceCell;

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("OIDC sign-in is not configured")]
    NotConfigured,
    #[error("the identity provider could not be reached or described itself wrongly: {0}")]
    Discovery(String),
    #[error("the identity provider refused the code: {0}")]
    Exchange(String),
    #[error("the identity provider sent no ID token")]
    NoIdToken,
    #[error("the ID token failed verification: {0}")]
    Verification(String),
    #[error("bad configuration: {0}")]
    Config(String),
}

/// The identity of a signed-in person at their provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
}

/// An authorization request to send the browser to; `state`, `nonce` and `pkce_verifier` stay
/// on the server until the callback.
pub struct AuthRequest {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

pub struct Oidc {
    issuer: Option<String>,
    client_id: String,
    client_secret: Option<String>,
    redirect_url: String,
    http: openidconnect::reqwest::Client,
    metadata: OnceCell<CoreProviderMetadata>,
}

impl Oidc {
    pub fn new(settings: &AuthSettings, public_url: &str) -> Result<Self, OidcError> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects from the token endpoint would open SSRF holes.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| OidcError::Config(e.to_string()))?;
        Ok(Self {
            issuer: settings.oidc_issuer.clone(),
            client_id: settings.oidc_client_id.clone(),
            client_secret: settings
                .oidc_client_secret
                .as_ref()
                .map(|s| s.expose().to_owned()),
            redirect_url: format!("{}/auth/callback", public_url.trim_end_matches('/')),
            http,
            metadata: OnceCell::new(),
        })
    }

    pub fn enabled(&self) -> bool {
        self.issuer.is_some()
    }

    async fn metadata(&self) -> Result<&CoreProviderMetadata, OidcError> {
        let issuer = self.issuer.as_ref().ok_or(OidcError::NotConfigured)?;
        self.metadata
            .get_or_try_init(|| async {
                let url =
                    IssuerUrl::new(issuer.clone()).map_err(|e| OidcError::Config(e.to_string()))?;
                CoreProviderMetadata::discover_async(url, &self.http)
                    .await
                    .map_err(|e| OidcError::Discovery(e.to_string()))
            })
            .await
    }

    async fn client(
        &self,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        OidcError,
    > {
        let metadata = self.metadata().await?.clone();
        let redirect = RedirectUrl::new(self.redirect_url.clone())
            .map_err(|e| OidcError::Config(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.client_id.clone()),
            self.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    pub async fn start(&self) -> Result<AuthRequest, OidcError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("openid".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(AuthRequest {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code and verifies the ID token: signature (RS256/ES256 only, never
    /// `none`), issuer, audience, expiry, issue time and nonce.
    pub async fn finish(
        &self,
        code: String,
        pkce_verifier: String,
        nonce: String,
    ) -> Result<Identity, OidcError> {
        let client = self.client().await?;
        let token = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| OidcError::Config(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(e.to_string()))?;
        let id_token = token.id_token().ok_or(OidcError::NoIdToken)?;
        let verifier = client.id_token_verifier().set_allowed_algs([
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        ]);
        let claims = id_token
            .claims(&verifier, &Nonce::new(nonce))
            .map_err(|e| OidcError::Verification(e.to_string()))?;
        Ok(Identity {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
        })
    }
}
