//! The claims the `openidconnect` crate does not model (the group claim, Entra ID's `xms_edov`),
//! read from the payload of an ID token after the crate has verified it.

use base64::Engine;

/// A claim of an ID token that has been verified, read from its payload (the claims the crate
/// does not model: the group claim, Entra ID's `xms_edov`).
fn claim(token: &str, claim: &str) -> Option<serde_json::Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let mut json = serde_json::from_slice::<serde_json::Value>(&bytes).ok()?;
    json.get_mut(claim).map(serde_json::Value::take)
}

/// `true`, or the string "true" as some providers send booleans.
pub(super) fn claim_is_true(token: &str, name: &str) -> bool {
    match claim(token, name) {
        Some(serde_json::Value::Bool(b)) => b,
        Some(serde_json::Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// A claim's string values: one string, or an array of them.
pub(super) fn claim_values(token: &str, name: &str) -> Vec<String> {
    match claim(token, name) {
        Some(serde_json::Value::String(one)) => vec![one.clone()],
        Some(serde_json::Value::Array(many)) => many
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{claim_is_true, claim_values};
    use base64::Engine;

    #[test]
    fn group_claims_are_read_as_one_or_many_strings() {
        let encode = |json: &str| {
            format!(
                "e30.{}.sig",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
            )
        };
        assert_eq!(
            claim_values(&encode(r#"{"groups":["a","b",3]}"#), "groups"),
            vec!["a", "b"]
        );
        assert_eq!(claim_values(&encode(r#"{"role":"x"}"#), "role"), vec!["x"]);
        assert!(claim_values(&encode(r#"{}"#), "groups").is_empty());
        assert!(claim_values("not a token", "groups").is_empty());
        let verified = encode(r#"{"email_verified":true,"xms_edov":"true","no":false}"#);
        assert!(claim_is_true(&verified, "email_verified"));
        assert!(claim_is_true(&verified, "xms_edov"));
        assert!(!claim_is_true(&verified, "no"));
        assert!(!claim_is_true(&verified, "missing"));
    }
}
