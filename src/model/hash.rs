//! A short, stable name for bytes, for the few places where a name must be
//! made unique without keeping it whole: a folder name that is not UTF-8
//! (discovery, git history), a page name too long for a file system
//! (`render::site`).

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

/// A file or folder name's bytes as text. A name that is not valid UTF-8 is
/// read with U+FFFD for its invalid bytes and `~` and the [`short_hash`] of
/// its bytes after it (`x\xff` is `x\u{fffd}~<hash>`), so that names that
/// differ only in those bytes stay distinct ids, paths and pages instead of
/// collapsing into one. Discovery and git history read names through it
/// alike.
pub fn name_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => format!("{}~{}", String::from_utf8_lossy(bytes), short_hash(bytes)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_hashes_are_sha256_prefixes() {
        assert_eq!(super::short_hash(b"abc"), "ba7816bf8f01");
    }

    #[test]
    fn names_that_are_not_utf8_stay_apart() {
        let names = [&b"x\xff"[..], b"x\xfe", "x\u{fffd}".as_bytes()].map(super::name_text);
        assert_eq!(names[2], "x\u{fffd}");
        assert!(names[0].starts_with("x\u{fffd}~") && names[0] != names[1], "{names:?}");
    }
}
