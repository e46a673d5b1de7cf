# What the git benchmarks share (sourced from the repository root): the
# scratch folder, hyperfine (installed with apt when missing), and a release
# build of `spec` with the generators named as arguments. Sets `work`,
# `target` and `spec`.
work=${SPEC_BENCH_DIR:-/tmp/spec-bench}
mkdir -p "$work" bench/out
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
examples=()
for example in "$@"; do examples+=(--example "$example"); done
cargo build --release --locked --quiet --bin spec "${examples[@]}"
target=${CARGO_TARGET_DIR:-$PWD/target}
spec="$target/release/spec"
