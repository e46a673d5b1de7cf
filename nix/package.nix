# The spec package: `callPackage ./nix/package.nix { }` (the flake's
# packages.default and overlays.default use it).
{
  lib,
  stdenv,
  rustPlatform,
  installShellFiles,
  git,
}:
let
  manifest = (lib.importTOML ../Cargo.toml).package;
  # Tests that read ../shared/corpus, the real-world corpus beside a
  # development checkout; a Nix build has only this repository.
  corpusTests = lib.filter (line: line != "" && !lib.hasPrefix "#" line) (
    lib.splitString "\n" (builtins.readFile ./corpus-tests.txt)
  );
in
rustPlatform.buildRustPackage {
  pname = manifest.name;
  inherit (manifest) version;
  src = lib.fileset.toSource {
    root = ../.;
    # What cargo builds and tests; a flake's source is already only the
    # tracked files, a checkout may also hold target/ and a built site/.
    fileset = lib.fileset.unions [
      ../Cargo.toml
      ../Cargo.lock
      ../src
      ../templates
      ../assets
      ../tests
      ../bench
      ../examples
      ../openspec
      ../roadmap
      ../ROADMAP.md
      ../README.md
    ];
  };
  cargoLock.lockFile = ../Cargo.lock;

  nativeBuildInputs = [ installShellFiles ];
  # The history tests build repositories with libgit2; the flake tests
  # clone corpus bundles with git (and are skipped here, see corpusTests).
  nativeCheckInputs = [ git ];
  doCheck = true;
  checkFlags = map (name: "--skip=${name}") corpusTests;

  postInstall = lib.optionalString (stdenv.buildPlatform.canExecute stdenv.hostPlatform) ''
    installShellCompletion --cmd spec \
      --bash <($out/bin/spec completions bash) \
      --zsh <($out/bin/spec completions zsh) \
      --fish <($out/bin/spec completions fish)
    $out/bin/spec man --dir man1
    installManPage man1/*.1
  '';

  meta = {
    inherit (manifest) description homepage;
    license = with lib.licenses; [
      mit
      asl20
    ];
    mainProgram = "spec";
  };
}
