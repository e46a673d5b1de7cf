//! A short, stable name for bytes, for the few places where a name must be
//! made unique without keeping it whole: a page name too long for a file
//! system (`render::site`).

/// The first 12 hex digits (48 bits) of the bytes' SHA-256: the same on
/// every machine and in every version. Unique enough to tell names apart;
/// where a collision would matter (two pages at one path) the writer
/// refuses it rather than trusting this.
pub fn short_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    use std::fmt::Write as _;
    sha2::Sha256::digest(bytes)[..6].iter().fold(String::with_capacity(12), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_hashes_are_sha256_prefixes() {
        assert_eq!(super::short_hash(b"abc"), "ba7816bf8f01");
    }
}
