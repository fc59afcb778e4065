//! The hashes and one-time codes, once: FNV-1a for ids derived from content (stable across
//! runs, platforms and Rust versions, unlike `DefaultHasher`) and SHA-256 for what the database
//! keeps instead of a secret (session tokens, one-time codes). A leaf: uses no other module.

use sha2::{Digest, Sha256};

/// FNV-1a 64 of `bytes`: derived ids (batch ids, receipt identities, demo seeds) must come out
/// the same on every run so a re-import yields the same ids. Not for anything secret.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SHA-256 in lower-case hex: what the database keeps instead of a token or code.
pub fn sha256_hex(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Letters and digits that cannot be mistaken for one another on paper.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";

/// A fresh one-time code, printed as XXXX-XXXX-XXXX (12 characters, about 59 bits).
pub fn one_time_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let raw: String = (0..12)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
}

/// What the database keeps of a one-time code, however it was typed (case, spaces, hyphens).
pub fn code_hash(typed: &str) -> String {
    let normalized: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    sha256_hex(&normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_known_values() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn codes_are_random_and_hashed_however_typed() {
        let (a, b) = (one_time_code(), one_time_code());
        assert_ne!(a, b);
        assert_eq!(a.len(), 14);
        assert!(a.bytes().all(|c| c == b'-' || CODE_ALPHABET.contains(&c)));
        assert_eq!(
            code_hash(&a),
            code_hash(&a.to_lowercase().replace('-', " "))
        );
        assert_ne!(code_hash(&a), code_hash(&b));
    }
}
