# Sourced by the bench scripts: the scratch folder, hyperfine, and a release
# build of `spec` with the generators named as arguments.
#
#   . bench/setup.sh gen_nix nix_bench      # sets $work, $target, $spec
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${SPEC_BENCH_DIR:-/tmp/spec-bench}
mkdir -p "$work" bench/out
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release --locked --quiet --bin spec $(printf -- '--example %s ' "$@")
target=${CARGO_TARGET_DIR:-$PWD/target}
spec="$target/release/spec"
