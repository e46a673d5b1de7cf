#!/usr/bin/env bash
# The minimum supported Rust version (`rust-version` in Cargo.toml), checked
# as far as this machine allows.
#
# 1. No locked dependency needs a newer Rust than ours (each crate's own
#    `rust-version`, from `cargo metadata`).
# 2. If a toolchain of exactly that version is installed, the crate builds
#    with it (`cargo +<version> check --locked --all-targets`).
#    CI machines have one toolchain and cannot fetch another, so there this
#    step is skipped with a note; what the code itself uses is still held to
#    the MSRV by clippy's `incompatible_msrv` lint (on by default, run with
#    `-D warnings` in step 2 of .ci/run), which reads `rust-version` and
#    rejects std APIs stabilised after it.
set -euo pipefail
cd "$(dirname "$0")/.."
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$msrv" ] || { echo "error: Cargo.toml has no rust-version" >&2; exit 1; }
cargo metadata --locked --format-version 1 | python3 -c '
import json, sys
msrv = sys.argv[1]
key = lambda v: tuple(int(x) for x in v.split("."))
packages = json.load(sys.stdin)["packages"]
newer = sorted(f"{p['"'"'name'"'"']} {p['"'"'version'"'"']} needs Rust {p['"'"'rust_version'"'"']}"
               for p in packages if p.get("rust_version") and key(p["rust_version"]) > key(msrv))
if newer:
    print(f"error: rust-version is {msrv}, but locked dependencies need newer:", *newer, sep="\n  ", file=sys.stderr)
    print("raise rust-version in Cargo.toml, or pin the dependency to an older release", file=sys.stderr)
    sys.exit(1)
print(f"msrv {msrv}: all {len(packages)} locked packages declare rust-version <= {msrv} (or none)")
' "$msrv"
if rustup toolchain list 2>/dev/null | grep -q "^$msrv"; then
  cargo "+$msrv" check --locked --all-targets --quiet
  echo "msrv $msrv: the crate builds with Rust $msrv"
else
  echo "msrv $msrv: no Rust $msrv toolchain installed here (CI machines cannot fetch one); clippy's incompatible_msrv lint holds std API use to $msrv"
fi
