//! Argon2id hashing off the async threads, and the rules for an acceptable password.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub const MIN_LENGTH: usize = 12;

/// Hashes with Argon2id and the crate's default (OWASP-recommended) parameters.
/// A new one-time link token (32 random bytes) and the hash of it that is stored: a leaked
/// table of links opens no account.
pub fn new_link_token() -> (String, String) {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = link_token_hash(&token);
    (token, hash)
}

pub fn link_token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A hash no password matches, for an account whose user has not yet set one.
pub async fn unusable_hash() -> anyhow::Result<String> {
    let (secret, _) = new_link_token();
    hash(secret).await
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Verifies on a blocking thread. A malformed stored hash counts as a mismatch.
pub async fn verify(password: String, stored_hash: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored_hash) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(Into::into)
}

/// Why a new password is refused, in Danish for the form or the terminal.
pub fn check_strength(password: &str, email: &str, name: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err("Adgangskoden skal være mindst 12 tegn.");
    }
    if length > 256 {
        return Err("Adgangskoden må højst være 256 tegn.");
    }
    let lower = password.to_lowercase();
    let mut distinct: Vec<char> = lower.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return Err("Adgangskoden består af for få forskellige tegn.");
    }
    if is_common(&lower) {
        return Err("Adgangskoden er for almindelig og let at gætte. Vælg en anden.");
    }
    let local_part = email.split('@').next().unwrap_or("").to_lowercase();
    if local_part.len() >= 4 && lower.contains(&local_part) {
        return Err("Adgangskoden må ikke indeholde din e-mailadresse.");
    }
    if name
        .split_whitespace()
        .filter(|w| w.chars().count() >= 4)
        .any(|w| lower.contains(&w.to_lowercase()))
    {
        return Err("Adgangskoden må ikke indeholde dit navn.");
    }
    Ok(())
}

/// Well-known passwords, and well-known words padded with digits or symbols to reach the length.
fn is_common(lower: &str) -> bool {
    const COMMON: &[&str] = &[
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456123456",
        "111111111111",
        "000000000000",
        "qwertyuiopå",
        "qwertyuiopasdf",
        "qwertyuiop123",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "zaq12wsxcde3",
        "asdfghjkl123",
        "abc123abc123",
        "abcdefghijkl",
        "iloveyou1234",
        "trustno1trustno1",
        "passwordpassword",
        "password1234",
        "password12345",
        "password123!",
        "p@ssw0rd1234",
        "adgangskode123",
        "adgangskode1234",
        "kodeordkodeord",
        "sommerfugl123",
        "football1234",
        "baseball1234",
        "superman1234",
        "letmeinletmein",
        "welcomewelcome",
        "changeme1234",
    ];
    const WORDS: &[&str] = &[
        "password",
        "passw0rd",
        "adgangskode",
        "kodeord",
        "qwerty",
        "letmein",
        "welcome",
        "velkommen",
        "sommer",
        "vinter",
        "efteraar",
        "efterår",
        "foraar",
        "forår",
        "infohus",
        "randers",
        "ballerup",
        "danmark",
        "admin",
        "administrator",
        "kommune",
        "politi",
        "changeme",
        "secret",
        "hemmelig",
    ];
    if COMMON.contains(&lower) {
        return true;
    }
    let core: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    WORDS
        .iter()
        .any(|w| core == *w || core == format!("{w}{w}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_personal_passwords_are_refused() {
        assert!(check_strength("kort", "a@b.dk", "A B").is_err());
        assert!(check_strength("password1234", "a@b.dk", "A B").is_err());
        assert!(check_strength("Sommer2026!!!", "a@b.dk", "A B").is_err());
        assert!(check_strength("aaaaaaaaaaaaaaaa", "a@b.dk", "A B").is_err());
        assert!(check_strength("mette.hansen-2026x", "mette.hansen@randers.dk", "Mette").is_err());
        assert!(check_strength("grøn hest spiser tidligt", "a@b.dk", "A B").is_ok());
    }

    #[test]
    fn a_hash_verifies_only_its_own_password() {
        let h = hash_blocking("grøn hest spiser tidligt").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        assert!(
            rt.block_on(verify("grøn hest spiser tidligt".into(), h.clone()))
                .expect("verify")
        );
        assert!(!rt.block_on(verify("forkert".into(), h)).expect("verify"));
        assert!(
            !rt.block_on(verify("x".into(), "not a hash".into()))
                .expect("verify")
        );
    }
}
