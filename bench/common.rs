//! What the benchmark generators share: a deterministic random source (a
//! linear congruential generator, no dependency) and a vocabulary. The same
//! arguments always give the same output.

#![allow(dead_code)] // each generator uses a different part

/// A small linear congruential generator.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True `p` times in a hundred.
    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len() as u64) as usize]
    }
}

/// Words of a NixOS configuration repository, for ids and prose.
pub const WORDS: &[&str] = &[
    "flake",
    "host",
    "module",
    "secrets",
    "disko",
    "btrfs",
    "niri",
    "shell",
    "monitoring",
    "backup",
    "network",
    "firewall",
    "cache",
    "deploy",
    "editor",
    "terminal",
    "theme",
    "kernel",
    "podman",
    "tailscale",
    "audio",
    "printer",
    "wayland",
    "greeter",
];
