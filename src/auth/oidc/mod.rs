//! The OpenID Connect side of single sign-on: discovery, the authorization request (code flow
//! with PKCE, `state` and `nonce`), the code exchange and the ID token's verification
//! (signature against the provider's published keys, asymmetric algorithms only, `iss`, `aud`,
//! `exp`, `nonce`). What the login then means for an Infohus account is decided in
//! [`crate::web::sso`].
//!
//! A provider's metadata and keys are fetched when first needed and kept for an hour; a token
//! signed with a key we do not know yet makes us fetch them again once (key rotation). A
//! provider that is down or slow costs at most `oidc.timeout_seconds` per call.

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, EndSessionUrl,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use tokio::sync::RwLock;

use crate::config::{OidcProvider, OidcSettings};

mod claims;

use claims::{claim_is_true, claim_values};

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Metadata and keys are fetched again after this long, whatever happens.
const METADATA_LIFETIME: Duration = Duration::from_secs(3600);

/// Only signatures by the provider's published keys: an HMAC with the client secret (`HS256`)
/// or no signature (`none`) is refused even where the provider advertises it.
const ALLOWED_ALGS: [CoreJwsSigningAlgorithm; 8] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
];

/// Why a sign-in through a provider failed: for the audit row, never shown (the user sees one
/// Danish message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The provider could not be reached, or answered too slowly or with nonsense.
    Unavailable,
    /// No login was started in this browser, or the `state` does not match it.
    State,
    /// The provider said no (the user cancelled, or was refused there).
    Refused,
    /// The code was not accepted at the token endpoint.
    Exchange,
    /// The ID token failed verification: signature, algorithm, issuer, audience, expiry, nonce.
    Token,
}

impl Failure {
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Unavailable => "provider_unavailable",
            Failure::State => "state",
            Failure::Refused => "provider_refused",
            Failure::Exchange => "code_exchange",
            Failure::Token => "id_token",
        }
    }
}

/// A login begun in this browser, kept in its session until the provider sends it back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub provider: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
}

/// What a verified ID token says about the person.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// The authentication methods (`amr`).
    pub methods: Vec<String>,
    /// The values of the provider's group claim, for the role mapping.
    pub groups: Vec<String>,
    /// The raw ID token: the hint for the provider's logout.
    pub id_token: String,
}

struct Discovered {
    client: Client,
    end_session: Option<EndSessionUrl>,
    fetched: Instant,
}

pub struct Provider {
    pub config: OidcProvider,
    redirect: RedirectUrl,
    cache: RwLock<Option<Arc<Discovered>>>,
}

/// Every configured provider, with one HTTP client for all of them.
pub struct Providers {
    http: openidconnect::reqwest::Client,
    list: Vec<Provider>,
    form_action: String,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.list.iter().map(|p| &p.config.slug))
            .finish()
    }
}

impl Providers {
    pub fn new(settings: &OidcSettings, public_url: &str) -> anyhow::Result<Providers> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer point us anywhere (SSRF).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(settings.timeout_seconds.max(1)))
            .build()?;
        let mut list = Vec::new();
        for config in &settings.providers {
            anyhow::ensure!(
                !config.slug.is_empty()
                    && config
                        .slug
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "oidc provider slug {:?}: use a-z, 0-9 and -",
                config.slug
            );
            IssuerUrl::new(config.issuer.clone())
                .map_err(|e| anyhow::anyhow!("oidc provider {}: issuer: {e}", config.slug))?;
            let redirect = RedirectUrl::new(format!(
                "{}/login/sso/{}/callback",
                public_url.trim_end_matches('/'),
                config.slug
            ))?;
            list.push(Provider {
                config: config.clone(),
                redirect,
                cache: RwLock::new(None),
            });
        }
        let form_action = list
            .iter()
            .filter_map(|p| openidconnect::url::Url::parse(&p.config.issuer).ok())
            .map(|u| format!(" {}", u.origin().ascii_serialization()))
            .collect();
        Ok(Providers {
            http,
            list,
            form_action,
        })
    }

    pub fn get(&self, slug: &str) -> Option<&Provider> {
        self.list.iter().find(|p| p.config.slug == slug)
    }

    pub fn all(&self) -> impl Iterator<Item = &Provider> {
        self.list.iter()
    }

    /// The provider's metadata and keys: cached, or fetched (again, when `refresh`).
    async fn discovered(
        &self,
        provider: &Provider,
        refresh: bool,
    ) -> Result<Arc<Discovered>, Failure> {
        if !refresh {
            if let Some(d) = provider.cache.read().await.as_ref() {
                if d.fetched.elapsed() < METADATA_LIFETIME {
                    return Ok(d.clone());
                }
            }
        }
        let issuer =
            IssuerUrl::new(provider.config.issuer.clone()).map_err(|_| Failure::Unavailable)?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| {
                tracing::warn!(provider = %provider.config.slug, error = %e, "OpenID Connect discovery failed");
                Failure::Unavailable
            })?;
        let end_session = metadata.additional_metadata().end_session_endpoint.clone();
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.config.client_id.clone()),
            Some(ClientSecret::new(provider.config.secret())),
        )
        .set_redirect_uri(provider.redirect.clone());
        let fresh = Arc::new(Discovered {
            client,
            end_session,
            fetched: Instant::now(),
        });
        *provider.cache.write().await = Some(fresh.clone());
        Ok(fresh)
    }

    /// Where to send the browser, and what to keep in its session until it comes back.
    pub async fn begin(
        &self,
        provider: &Provider,
        next: String,
    ) -> Result<(String, Pending), Failure> {
        let discovered = self.discovered(provider, false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = discovered
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        Ok((
            url.to_string(),
            Pending {
                provider: provider.config.slug.clone(),
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next,
            },
        ))
    }

    /// The provider's answer: the `state` checked against the login begun in this browser,
    /// the code exchanged, the ID token verified.
    pub async fn complete(
        &self,
        provider: &Provider,
        pending: Pending,
        code: &str,
        state: &str,
    ) -> Result<Identity, Failure> {
        let state_ok = pending.provider == provider.config.slug
            && bool::from(pending.state.as_bytes().ct_eq(state.as_bytes()));
        if !state_ok || code.is_empty() || code.len() > 4096 {
            return Err(Failure::State);
        }
        let discovered = self.discovered(provider, false).await?;
        let response = discovered
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|_| Failure::Unavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::warn!(provider = %provider.config.slug, error = %e, "the code was not exchanged");
                Failure::Exchange
            })?;
        let token = response.id_token().ok_or(Failure::Token)?;
        let nonce = Nonce::new(pending.nonce);
        let verify = |client: &Client| -> Result<Identity, ClaimsVerificationError> {
            let verifier = client.id_token_verifier().set_allowed_algs(ALLOWED_ALGS);
            let claims = token.claims(&verifier, &nonce)?;
            let raw = token.to_string();
            Ok(Identity {
                issuer: claims.issuer().as_str().to_owned(),
                subject: claims.subject().as_str().to_owned(),
                email: claims.email().map(|e| e.as_str().to_owned()),
                email_verified: claim_is_true(&raw, &provider.config.email_verified_claim),
                name: claims
                    .name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str().to_owned()),
                methods: claims
                    .auth_method_refs()
                    .map(|amr| amr.iter().map(|m| m.as_str().to_owned()).collect())
                    .unwrap_or_default(),
                groups: claim_values(&raw, &provider.config.roles_claim),
                id_token: raw,
            })
        };
        match verify(&discovered.client) {
            Ok(identity) => Ok(identity),
            // Signed with a key we have not seen: the provider may have rotated its keys.
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                let fresh = self.discovered(provider, true).await?;
                verify(&fresh.client).map_err(|e| {
                    tracing::warn!(provider = %provider.config.slug, error = %e, "ID token refused");
                    Failure::Token
                })
            }
            Err(e) => {
                tracing::warn!(provider = %provider.config.slug, error = %e, "ID token refused");
                Err(Failure::Token)
            }
        }
    }

    /// The provider's logout address for a session begun there, if it offers one.
    pub async fn end_session_url(
        &self,
        slug: &str,
        id_token: &str,
        return_to: &str,
    ) -> Option<String> {
        let provider = self.get(slug)?;
        let discovered = self.discovered(provider, false).await.ok()?;
        let mut url = discovered.end_session.as_ref()?.url().clone();
        url.query_pairs_mut()
            .append_pair("id_token_hint", id_token)
            .append_pair("post_logout_redirect_uri", return_to)
            .append_pair("client_id", &provider.config.client_id);
        Some(url.to_string())
    }

    /// The providers' origins, each after a space, for the Content-Security-Policy's
    /// `form-action` (the logout endpoint is on the issuer's host at Entra ID and AD FS).
    pub fn form_action(&self) -> &str {
        &self.form_action
    }
}

#[cfg(test)]
mod tests {
    use super::ALLOWED_ALGS;
    use base64::Engine;
    use hmac::Mac;
    use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier};
    use openidconnect::{ClientId, ClientSecret, IssuerUrl, JsonWebKeySet, Nonce};
    use std::str::FromStr;

    const SECRET: &str = "infohus-client-secret-long-enough-for-hs256";

    fn token(alg: &str, sign: bool) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let header = b64(&format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
        let payload = b64(&format!(
            r#"{{"iss":"https://idp.example","aud":"infohus","sub":"x","iat":{now},"exp":{},"nonce":"n"}}"#,
            now + 600
        ));
        let signing_input = format!("{header}.{payload}");
        let signature = if sign {
            let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(SECRET.as_bytes())
                .expect("any key length");
            mac.update(signing_input.as_bytes());
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        } else {
            String::new()
        };
        format!("{signing_input}.{signature}")
    }

    #[test]
    fn a_token_signed_with_the_client_secret_or_not_signed_is_refused() {
        // What `id_token_verifier()` gives a client with a secret, narrowed as `complete` does.
        let verifier = CoreIdTokenVerifier::new_confidential_client(
            ClientId::new("infohus".to_owned()),
            ClientSecret::new(SECRET.to_owned()),
            IssuerUrl::new("https://idp.example".to_owned()).expect("issuer"),
            JsonWebKeySet::new(Vec::new()),
        )
        .set_allowed_algs(ALLOWED_ALGS);
        let nonce = Nonce::new("n".to_owned());
        for (alg, sign) in [("HS256", true), ("none", false)] {
            let Ok(parsed) = CoreIdToken::from_str(&token(alg, sign)) else {
                continue; // refused before verification: as good
            };
            assert!(
                parsed.claims(&verifier, &nonce).is_err(),
                "an ID token with alg {alg} must be refused"
            );
        }
        // The same HS256 token passes a verifier that allowed it: the refusal is the list's.
        let lax = CoreIdTokenVerifier::new_confidential_client(
            ClientId::new("infohus".to_owned()),
            ClientSecret::new(SECRET.to_owned()),
            IssuerUrl::new("https://idp.example".to_owned()).expect("issuer"),
            JsonWebKeySet::new(Vec::new()),
        )
        .set_allowed_algs([openidconnect::core::CoreJwsSigningAlgorithm::HmacSha256]);
        let parsed = CoreIdToken::from_str(&token("HS256", true)).expect("parses");
        assert!(parsed.claims(&lax, &nonce).is_ok());
    }
}
