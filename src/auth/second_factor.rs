//! The second factor of a password login: a time-based one-time code (TOTP, RFC 6238) from an
//! authenticator app, or one of ten one-time recovery codes.
//!
//! The TOTP secret is sealed (XChaCha20-Poly1305, bound to the user's id) with a key kept out of
//! the database, and the recovery codes are kept as an HMAC under a key derived from the same
//! one: a copy of the database alone yields neither codes nor recovery codes.

use std::path::Path;

use anyhow::Context;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

use crate::config::SecondFactorSettings;
use crate::domain::ids::UserId;

/// The RFC 6238 parameters every authenticator app understands.
const STEP_SECONDS: i64 = 30;
const DIGITS: usize = 6;
/// A code is accepted one step either side of now, for a phone's clock that is a little off.
const SKEW_STEPS: i64 = 1;
pub const RECOVERY_CODES: usize = 10;
/// No 0/O, 1/I/L: recovery codes are read off paper.
const RECOVERY_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

crate::domain::code::code_enum! {
    /// How far a session has come with its second factor.
    pub enum SessionFactor {
        /// No second factor is needed (the roles do not require one, and none is set up).
        NotRequired => "not_required",
        /// The password was right; the code is still to come.
        Verify => "verify",
        /// The password was right, the roles require a factor, and none is set up yet.
        Enrol => "enrol",
        Totp => "totp",
        RecoveryCode => "recovery_code",
        /// The identity provider did the second factor (its `amr` says so).
        Provider => "provider",
    }
}

impl SessionFactor {
    /// Where a login that got past its first factor stands: the identity provider did a second
    /// factor; or the user has an app, whose code comes next; or the roles require one, to be set
    /// up next; or none is needed. The same rule for password and provider logins.
    pub fn after_first_factor(provider_mfa: bool, enrolled: bool, required: bool) -> SessionFactor {
        if provider_mfa {
            SessionFactor::Provider
        } else if enrolled {
            SessionFactor::Verify
        } else if required {
            SessionFactor::Enrol
        } else {
            SessionFactor::NotRequired
        }
    }

    /// Still on the way in: the session reaches only the second-factor pages and logout.
    pub fn is_pending(self) -> bool {
        matches!(self, SessionFactor::Verify | SessionFactor::Enrol)
    }
}

/// The keys derived from the configured secret key.
pub struct FactorKeys {
    seal: XChaCha20Poly1305,
    code_mac: [u8; 32],
}

impl std::fmt::Debug for FactorKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FactorKeys([redacted])")
    }
}

type HmacSha256 = Hmac<Sha256>;

fn derive(master: &[u8; 32], purpose: &str) -> [u8; 32] {
    // HMAC as a key derivation function: one key per purpose from the one configured key.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl FactorKeys {
    pub fn from_master(master: &[u8; 32]) -> FactorKeys {
        let seal_key = derive(master, "infohus second factor: seal TOTP secrets");
        FactorKeys {
            seal: XChaCha20Poly1305::new(&seal_key.into()),
            code_mac: derive(master, "infohus second factor: recovery codes"),
        }
    }

    /// The key from the settings, or from the key file (made, readable by the owner only, on
    /// first start when neither exists).
    pub fn load(settings: &SecondFactorSettings) -> anyhow::Result<FactorKeys> {
        let text = if settings.key.trim().is_empty() {
            read_or_make_key_file(&settings.key_file)?
        } else {
            settings.key.trim().to_owned()
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .context("second_factor.key is not base64")?;
        let master: [u8; 32] = bytes.try_into().map_err(|_| {
            anyhow::anyhow!("second_factor.key must be 32 bytes (base64 of 32 random bytes)")
        })?;
        Ok(FactorKeys::from_master(&master))
    }

    /// The secret sealed for this user: nonce then ciphertext.
    pub fn seal(&self, user: UserId, secret: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self
            .seal
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: user.0.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message of this size");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// `None` when the value was not sealed for this user under this key (a changed key, or a
    /// row copied between users).
    pub fn open(&self, user: UserId, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < 24 {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(24);
        self.seal
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: user.0.as_bytes(),
                },
            )
            .ok()
    }

    /// The stored form of a recovery code: typed in any case, with or without its dash.
    pub fn recovery_code_hash(&self, user: UserId, code: &str) -> Vec<u8> {
        let normal: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.code_mac).expect("HMAC takes any key length");
        mac.update(user.0.as_bytes());
        mac.update(normal.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

fn read_or_make_key_file(path: &Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut key);
            let text = base64::engine::general_purpose::STANDARD.encode(key);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("making {}", dir.display()))?;
            }
            match write_private(path, &text) {
                Ok(()) => {
                    tracing::info!(path = %path.display(), "made a new key for the second-factor secrets");
                    Ok(text)
                }
                // Another instance starting at the same moment made it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))
                }
                Err(e) => Err(e).with_context(|| {
                    format!("writing the second-factor key to {}", path.display())
                }),
            }
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// A new TOTP secret: 160 bits, as RFC 4226 recommends.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::thread_rng().fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], issuer: &str, account: &str) -> Option<TOTP> {
    // The otpauth label may not hold a colon.
    let account = account.replace(':', " ");
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECONDS.unsigned_abs(),
        secret.to_vec(),
        Some(issuer.replace(':', " ")),
        account,
    )
    .ok()
}

/// What an authenticator app needs: the otpauth URI (for the QR code) and the secret as text.
pub struct Provisioning {
    pub uri: String,
    /// Base32, in groups of four for typing.
    pub secret_text: String,
}

pub fn provisioning(secret: &[u8], issuer: &str, account: &str) -> Option<Provisioning> {
    let totp = totp(secret, issuer, account)?;
    let base32 = totp.get_secret_base32();
    let secret_text = base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Some(Provisioning {
        uri: totp.get_url(),
        secret_text,
    })
}

/// The time step a code matches, if it matches one within the allowed skew that is later than
/// `after` (the last step used): a code used once cannot be used again, nor an older one.
pub fn matching_step(secret: &[u8], code: &str, unix_time: i64, after: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "Infohus", "x")?;
    let now_step = unix_time.div_euclid(STEP_SECONDS);
    (now_step - SKEW_STEPS..=now_step + SKEW_STEPS)
        .filter(|step| after.is_none_or(|last| *step > last))
        .find(|step| {
            let expected = totp.generate((step * STEP_SECONDS).unsigned_abs());
            bool::from(expected.as_bytes().ct_eq(code.as_bytes()))
        })
}

/// The code an authenticator shows at this time: for the tests and the demo documentation.
pub fn code_at(secret: &[u8], unix_time: i64) -> String {
    totp(secret, "Infohus", "x")
        .map(|t| t.generate(unix_time.unsigned_abs()))
        .unwrap_or_default()
}

/// Ten new recovery codes, as shown once to the user: `ABCDE-FGHJK`.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..10)
                .map(|_| {
                    let i = usize::try_from(rng.next_u32()).unwrap_or(0) % RECOVERY_ALPHABET.len();
                    char::from(RECOVERY_ALPHABET[i])
                })
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// Does this look like a recovery code rather than a six-digit code?
pub fn looks_like_recovery_code(input: &str) -> bool {
    input.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 10
}

/// The QR code of a provisioning URI as inline SVG, drawn on the server: no script, no
/// external service ever sees the secret.
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline in HTML: no XML declaration, and a name for screen readers.
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR-kode til din godkendelsesapp\" ",
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_providers_mfa_spares_ours_and_an_app_is_asked_for_whenever_set_up() {
        use SessionFactor::*;
        assert_eq!(
            SessionFactor::after_first_factor(true, true, true),
            Provider
        );
        assert_eq!(
            SessionFactor::after_first_factor(false, true, false),
            Verify
        );
        assert_eq!(SessionFactor::after_first_factor(false, false, true), Enrol);
        assert_eq!(
            SessionFactor::after_first_factor(false, false, false),
            NotRequired
        );
    }

    #[test]
    fn a_code_matches_its_step_once_and_not_an_older_one() {
        let secret = b"12345678901234567890".to_vec();
        // RFC 6238 appendix B, SHA-1, at T = 59: 94287082 (eight digits); six digits: 287082.
        assert_eq!(code_at(&secret, 59), "287082");
        let step = matching_step(&secret, "287082", 59, None);
        assert_eq!(step, Some(1));
        assert_eq!(matching_step(&secret, "287082", 59, step), None, "replay");
        assert_eq!(
            matching_step(&secret, "287 082", 60, None),
            Some(1),
            "a step late"
        );
        assert_eq!(
            matching_step(&secret, "287082", 59 + 90, None),
            None,
            "too late"
        );
        assert_eq!(matching_step(&secret, "28708", 59, None), None);
        assert_eq!(matching_step(&secret, "abcdef", 59, None), None);
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_user_and_key() {
        let keys = FactorKeys::from_master(&[7u8; 32]);
        let user = UserId(uuid::Uuid::new_v4());
        let sealed = keys.seal(user, b"secret");
        assert_eq!(keys.open(user, &sealed).as_deref(), Some(&b"secret"[..]));
        assert_eq!(keys.open(UserId(uuid::Uuid::new_v4()), &sealed), None);
        assert_eq!(
            FactorKeys::from_master(&[8u8; 32]).open(user, &sealed),
            None
        );
        assert_eq!(keys.open(user, &sealed[..10]), None);
    }

    #[test]
    fn recovery_codes_are_read_forgivingly() {
        let keys = FactorKeys::from_master(&[7u8; 32]);
        let user = UserId(uuid::Uuid::new_v4());
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let code = &codes[0];
        assert!(looks_like_recovery_code(code));
        assert_eq!(
            keys.recovery_code_hash(user, code),
            keys.recovery_code_hash(user, &code.to_lowercase().replace('-', " "))
        );
    }

    #[test]
    fn the_qr_code_is_inline_svg_with_a_name() {
        let secret = new_secret();
        let p = provisioning(&secret, "Infohus", "a@b.dk").expect("provisioning");
        assert!(p.uri.starts_with("otpauth://totp/"));
        let svg = qr_svg(&p.uri).expect("svg");
        assert!(svg.starts_with("<svg role=\"img\""));
    }
}
