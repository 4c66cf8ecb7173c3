//! Client addresses: the trusted reverse proxies (`KIRJAAMO_TRUSTED_PROXIES`, addresses and
//! CIDR ranges), the client address read from `Forwarded` / `X-Forwarded-For` only behind them,
//! and the key rate limits count an address under. No HTTP types here: the web layer passes the
//! peer address and the header values in.

use std::net::IpAddr;

/// One address or CIDR range (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    pub fn parse(s: &str) -> Option<IpRange> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let network: IpAddr = addr.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpRange { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// Parses `KIRJAAMO_TRUSTED_PROXIES`: addresses and ranges separated by commas or spaces.
pub fn parse_ranges(list: &str) -> Result<Vec<IpRange>, String> {
    list.split([',', ' ', '\t', '\n'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| IpRange::parse(s).ok_or_else(|| s.trim().to_string()))
        .collect()
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.7`, as a dual-stack socket reports it) is
/// the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

fn trusted(proxies: &[IpRange], ip: IpAddr) -> bool {
    proxies.iter().any(|r| r.contains(ip))
}

/// One hop of `Forwarded: for=…` or `X-Forwarded-For`: an address, perhaps quoted, bracketed
/// and with a port (`"[2001:db8::1]:4711"`, `192.0.2.7:80`); anything else (`unknown`, an
/// obfuscated name) is None.
fn parse_hop(raw: &str) -> Option<IpAddr> {
    let s = raw.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = s.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The hops a `Forwarded` header lists, in order (RFC 7239: `for=` of each element).
fn forwarded_hops(values: &[&str]) -> Vec<Option<IpAddr>> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|element| {
            element
                .split(';')
                .find_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("for").then(|| parse_hop(v))
                })
                .flatten()
        })
        .collect()
}

/// The client's address. The peer is the client unless it is a trusted proxy; then the hops
/// the proxies recorded (`Forwarded` if present, else `X-Forwarded-For`) are read from the
/// right, skipping trusted proxies: the first address that is not one is the client. A hop that
/// cannot be read stops the walk at the last trusted address, which is then the best we know.
pub fn client_address(
    peer: Option<IpAddr>,
    proxies: &[IpRange],
    forwarded: &[&str],
    x_forwarded_for: &[&str],
) -> Option<IpAddr> {
    let peer = canonical(peer?);
    if !trusted(proxies, peer) {
        return Some(peer);
    }
    let hops = if forwarded.iter().any(|v| !v.trim().is_empty()) {
        forwarded_hops(forwarded)
    } else {
        x_forwarded_for
            .iter()
            .flat_map(|v| v.split(','))
            .filter(|h| !h.trim().is_empty())
            .map(parse_hop)
            .collect()
    };
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        match hop.map(canonical) {
            Some(ip) => {
                client = ip;
                if !trusted(proxies, ip) {
                    break;
                }
            }
            None => break,
        }
    }
    Some(client)
}

/// The key per-address limits count under: the address itself for IPv4, the /64 network for
/// IPv6 (one household or office is given a whole /64, and could otherwise step around a limit).
pub fn address_key(ip: Option<IpAddr>) -> String {
    match ip.map(canonical) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        None => "unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_match_their_addresses() {
        let r = IpRange::parse("10.0.0.0/8").unwrap();
        assert!(r.contains(ip("10.200.3.4")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!(r.contains(ip("::ffff:10.1.2.3")));
        let one = IpRange::parse("192.0.2.7").unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6 = IpRange::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")) && !v6.contains(ip("2001:db9::1")));
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0/8", "::1/129", ""] {
            assert!(IpRange::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(parse_ranges("10.0.0.1, 172.16.0.0/12").unwrap().len(), 2);
        assert_eq!(parse_ranges("10.0.0.1, bad").unwrap_err(), "bad");
    }

    #[test]
    fn forwarding_headers_count_only_behind_a_trusted_proxy() {
        let proxies = parse_ranges("10.0.0.0/8").unwrap();
        let peer = Some(ip("10.0.0.2"));
        // Behind the proxy: the address it recorded.
        assert_eq!(
            client_address(peer, &proxies, &[], &["198.51.100.4"]),
            Some(ip("198.51.100.4"))
        );
        // A client's own forged entry stays to the left of what the proxy appended.
        assert_eq!(
            client_address(peer, &proxies, &[], &["1.2.3.4, 198.51.100.4"]),
            Some(ip("198.51.100.4"))
        );
        // Two proxies of ours in a row are skipped.
        assert_eq!(
            client_address(peer, &proxies, &[], &["203.0.113.9, 10.0.0.7"]),
            Some(ip("203.0.113.9"))
        );
        // Forwarded wins over X-Forwarded-For; quoted IPv6 with a port.
        assert_eq!(
            client_address(
                peer,
                &proxies,
                &["for=\"[2001:db8::7]:4711\";proto=https"],
                &["198.51.100.4"]
            ),
            Some(ip("2001:db8::7"))
        );
        // An unreadable hop: the last trusted address is all we know.
        assert_eq!(
            client_address(peer, &proxies, &["for=unknown"], &[]),
            Some(ip("10.0.0.2"))
        );
        // From anyone else, the headers are ignored.
        assert_eq!(
            client_address(Some(ip("198.51.100.9")), &proxies, &[], &["1.2.3.4"]),
            Some(ip("198.51.100.9"))
        );
        assert_eq!(
            client_address(Some(ip("198.51.100.9")), &[], &["for=1.2.3.4"], &[]),
            Some(ip("198.51.100.9"))
        );
    }

    #[test]
    fn an_ipv6_client_counts_as_its_network() {
        assert_eq!(
            address_key(Some(ip("2001:db8:1:2:aaaa::1"))),
            address_key(Some(ip("2001:db8:1:2:bbbb::9")))
        );
        assert_eq!(address_key(Some(ip("::ffff:192.0.2.1"))), "192.0.2.1");
        assert_eq!(address_key(None), "unknown");
    }
}
