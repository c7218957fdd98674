//! Monitor URLs: what an owner may register as the base URL of a monitor.
//!
//! The off-chain worker appends its own path and query
//! (`/v1/report?agreement=…`) to the base URL, so a base URL must not carry a
//! query or a fragment (an owner ending it in `?` or `#` would make every
//! validator fetch a URL of the owner's choosing), nor credentials.

/// Why a monitor URL is not a base URL.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UrlError {
	/// The URL is empty.
	Empty,
	/// The URL holds a space, a control character or a non-ASCII byte.
	BadCharacter,
	/// The scheme is not `http://` or `https://`.
	NotHttp,
	/// There is no host after the scheme.
	NoHost,
	/// The URL carries credentials (`user:password@`).
	HasCredentials,
	/// The port is not a number from 1 to 65535.
	BadPort,
	/// The URL carries a query (`?`) or a fragment (`#`).
	HasQueryOrFragment,
}

/// Checks that `url` is a base URL: `http` or `https`, a host, an optional
/// port and an optional path; no query, no fragment, no credentials, nothing
/// but printable ASCII.
pub fn check_base_url(url: &[u8]) -> Result<(), UrlError> {
	if url.is_empty() {
		return Err(UrlError::Empty);
	}
	if !url.iter().all(|b| (0x21..=0x7e).contains(b)) {
		return Err(UrlError::BadCharacter);
	}
	let rest = url.strip_prefix(b"http://").or_else(|| url.strip_prefix(b"https://")).ok_or(UrlError::NotHttp)?;
	if rest.iter().any(|b| *b == b'?' || *b == b'#') {
		return Err(UrlError::HasQueryOrFragment);
	}
	let authority_end = rest.iter().position(|b| *b == b'/').unwrap_or(rest.len());
	let authority = &rest[..authority_end];
	if authority.contains(&b'@') {
		return Err(UrlError::HasCredentials);
	}
	// An IPv6 literal is bracketed; its colons are not a port separator.
	let (host, port) = if let Some(inner) = authority.strip_prefix(b"[") {
		let close = inner.iter().position(|b| *b == b']').ok_or(UrlError::NoHost)?;
		let after = &inner[close + 1..];
		let port = match after {
			[] => None,
			[b':', port @ ..] => Some(port),
			_ => return Err(UrlError::BadPort),
		};
		(&inner[..close], port)
	} else {
		match authority.iter().position(|b| *b == b':') {
			Some(colon) => (&authority[..colon], Some(&authority[colon + 1..])),
			None => (authority, None),
		}
	};
	if host.is_empty() {
		return Err(UrlError::NoHost);
	}
	if let Some(port) = port {
		let digits_only = !port.is_empty() && port.len() <= 5 && port.iter().all(u8::is_ascii_digit);
		let number = port.iter().fold(0u32, |n, d| n * 10 + d.wrapping_sub(b'0') as u32);
		if !digits_only || !(1..=65_535).contains(&number) {
			return Err(UrlError::BadPort);
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn base_urls_with_host_port_and_path_pass() {
		for url in [
			"http://10.0.0.5:9616",
			"http://10.0.0.5:9616/",
			"https://monitor.example.com",
			"https://monitor.example.com:443/tenant-7/vm-3",
			"http://[fd00::1]:9616",
			"http://[fd00::1]",
			"http://localhost:1",
			"http://localhost:65535/a%20b",
			// An `@` in the path is not a credential.
			"http://monitor.example/@vm-3",
		] {
			assert_eq!(check_base_url(url.as_bytes()), Ok(()), "{url}");
		}
	}

	#[test]
	fn anything_else_is_refused_with_its_reason() {
		for (url, error) in [
			("", UrlError::Empty),
			("http://10.0.0.5:9616/ x", UrlError::BadCharacter),
			("http://10.0.0.5\n", UrlError::BadCharacter),
			("http://ex\u{e4}mple.com", UrlError::BadCharacter),
			("ftp://10.0.0.5", UrlError::NotHttp),
			("10.0.0.5:9616", UrlError::NotHttp),
			("HTTP://10.0.0.5", UrlError::NotHttp),
			("http://", UrlError::NoHost),
			("http:///path", UrlError::NoHost),
			("http://:9616", UrlError::NoHost),
			("http://[fd00::1", UrlError::NoHost),
			("http://user:pw@10.0.0.5", UrlError::HasCredentials),
			("http://10.0.0.5:0", UrlError::BadPort),
			("http://10.0.0.5:65536", UrlError::BadPort),
			("http://10.0.0.5:", UrlError::BadPort),
			("http://10.0.0.5:96a6", UrlError::BadPort),
			("http://[fd00::1]x", UrlError::BadPort),
			("http://10.0.0.5:9616/?", UrlError::HasQueryOrFragment),
			("http://evil.example/steal?x=", UrlError::HasQueryOrFragment),
			("http://10.0.0.5:9616#", UrlError::HasQueryOrFragment),
		] {
			assert_eq!(check_base_url(url.as_bytes()), Err(error), "{url:?}");
		}
	}
}
