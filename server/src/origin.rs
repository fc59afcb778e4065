//! The public origin (scheme, host, port) Karte is reached at, from `KARTE_PUBLIC_URL` or the
//! bound address. Redirect targets and the `Origin` of state-changing requests are compared
//! with it, never with the `Host`/`X-Forwarded-Host` a request brings.

use std::net::SocketAddr;
use url::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrigin {
    main: Url,
    /// Other names of the same listener (`localhost` for a loopback address with no
    /// configured URL).
    aliases: Vec<Url>,
}

#[derive(Debug, thiserror::Error)]
#[error("KARTE_PUBLIC_URL {0:?} is not an http(s) URL with a host, like https://karte.example")]
pub struct BadPublicUrl(String);

impl PublicOrigin {
    pub fn parse(public_url: &str) -> Result<Self, BadPublicUrl> {
        let bad = || BadPublicUrl(public_url.to_owned());
        let url = Url::parse(public_url).map_err(|_| bad())?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(bad());
        }
        // Only the origin counts; a path in the setting is not part of it.
        let origin = url.origin().ascii_serialization();
        let main = Url::parse(&origin).map_err(|_| bad())?;
        Ok(Self {
            main,
            aliases: Vec::new(),
        })
    }

    /// The configured public URL, or else `http://` plus the listen address (and, on a
    /// loopback address, `http://localhost` on the same port too).
    pub fn for_listener(
        public_url: Option<&str>,
        addr: SocketAddr,
        port: u16,
    ) -> Result<Self, BadPublicUrl> {
        if let Some(url) = public_url {
            return Self::parse(url);
        }
        let host = SocketAddr::new(addr.ip(), port);
        let mut origin = Self::parse(&format!("http://{host}"))?;
        if addr.ip().is_loopback() {
            origin
                .aliases
                .push(Self::parse(&format!("http://localhost:{port}"))?.main);
        } else {
            tracing::warn!(
                "KARTE_PUBLIC_URL is not set: form posts are accepted only from http://{host}"
            );
        }
        Ok(origin)
    }

    /// "https://karte.example" (the default port left out, as browsers send `Origin`).
    pub fn as_str(&self) -> &str {
        self.main.as_str().trim_end_matches('/')
    }

    /// Whether an `Origin` header names this origin: scheme, host and port all equal.
    pub fn matches(&self, origin: &str) -> bool {
        let Ok(o) = Url::parse(origin) else {
            return false;
        };
        std::iter::once(&self.main)
            .chain(&self.aliases)
            .any(|ours| ours.origin() == o.origin())
    }

    /// Where to send the browser after a redirect-bearing request (`/lang?next=`, the sign-in's
    /// return): a path on this origin, else "/". The text is parsed against this origin as a
    /// browser would; control characters (which browsers drop, turning `/\t/evil.example` into
    /// `//evil.example`) and backslashes refuse it outright. The answer is the parsed path and
    /// query, so it is always a valid `Location`.
    pub fn local_path(&self, raw: Option<&str>) -> String {
        let Some(raw) = raw else {
            return "/".to_owned();
        };
        let plain = raw.starts_with('/')
            && !raw.starts_with("//")
            && !raw.chars().any(|c| c.is_control() || c == '\\');
        let joined = plain.then(|| self.main.join(raw).ok()).flatten();
        match joined {
            Some(url) if url.origin() == self.main.origin() => match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            },
            _ => "/".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> PublicOrigin {
        PublicOrigin::parse("https://karte.example").unwrap()
    }

    #[test]
    fn paths_on_this_origin_are_kept() {
        let o = origin();
        assert_eq!(
            o.local_path(Some("/drugs?from=2025-01")),
            "/drugs?from=2025-01"
        );
        assert_eq!(o.local_path(Some("/")), "/");
        assert_eq!(o.local_path(Some("/a/../drugs")), "/drugs");
        assert_eq!(o.local_path(None), "/");
    }

    #[test]
    fn anything_that_could_leave_is_refused() {
        let o = origin();
        for raw in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            "/drugs\nSet-Cookie: x=1",
            "evil.example",
            "javascript:alert(1)",
            "/\u{0}/x",
            "",
        ] {
            assert_eq!(o.local_path(Some(raw)), "/", "{raw:?}");
        }
    }

    #[test]
    fn origin_header_must_match_scheme_host_and_port() {
        let o = PublicOrigin::parse("https://karte.example/some/path").unwrap();
        assert_eq!(o.as_str(), "https://karte.example");
        assert!(o.matches("https://karte.example"));
        assert!(o.matches("https://karte.example:443"));
        assert!(!o.matches("http://karte.example"));
        assert!(!o.matches("https://karte.example:8443"));
        assert!(!o.matches("https://karte.example.evil"));
        assert!(!o.matches("null"));
        let local = PublicOrigin::parse("http://127.0.0.1:3000").unwrap();
        assert!(local.matches("http://127.0.0.1:3000"));
        assert!(!local.matches("http://127.0.0.1:3001"));
        assert!(PublicOrigin::parse("karte.example").is_err());
        let unset = PublicOrigin::for_listener(None, "127.0.0.1:0".parse().unwrap(), 3000).unwrap();
        assert!(unset.matches("http://127.0.0.1:3000") && unset.matches("http://localhost:3000"));
        assert!(!unset.matches("http://localhost:3001"));
    }
}
