//! The client's address for per-IP limits. Behind a TLS-terminating load balancer every request
//! comes from the balancer, so one attacker could use up everyone's limit; the address is then
//! taken from `X-Forwarded-For`, but only when the connection comes from a proxy the settings
//! trust, since anyone can send that header.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::AppState;

/// The client's address as text; "unknown" where the server was not started with connection
/// info (tests driving the router directly).
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(
            peer.map(|p| client_address(p, &parts.headers, &state.settings.server.trusted_proxies))
                .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        ))
    }
}

/// The right-most address in `X-Forwarded-For` that is not one of our proxies, when the peer
/// is one; otherwise the peer. Each proxy appends the address it received from, so addresses
/// to the left of the first untrusted one may have been written by the client itself.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in forwarded.iter().rev() {
        // A garbled entry cannot be trusted, nor anything left of it.
        let Ok(ip) = entry.parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().expect("cidr")).collect()
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let h = headers(&["203.0.113.9"]);
        assert_eq!(
            client_address(ip("198.51.100.7"), &h, &[]),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("198.51.100.7"), &h, &nets(&["10.0.0.0/8"])),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_address_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "2001:db8::/32"]);
        // The client forged the first entry; the balancer appended the real one.
        let h = headers(&["6.6.6.6, 203.0.113.9", "10.1.2.3"]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &h, &trusted),
            ip("203.0.113.9")
        );
        let h = headers(&["203.0.113.9"]);
        assert_eq!(
            client_address(ip("2001:db8::1"), &h, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_garbled_or_missing_header_falls_back_to_what_can_be_trusted() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("10.0.0.1"), &headers(&[]), &trusted),
            ip("10.0.0.1")
        );
        let h = headers(&["203.0.113.9, not-an-ip"]);
        assert_eq!(client_address(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.1"));
        let h = headers(&["10.9.9.9"]);
        assert_eq!(client_address(ip("10.0.0.1"), &h, &trusted), ip("10.9.9.9"));
    }
}
