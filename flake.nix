{
  description = "spec: the truth about your roadmap, read from OpenSpec folders";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      specFor = pkgs: self.packages.${pkgs.stdenv.hostPlatform.system}.default;

      # A check for a user's flake: fails when its ROADMAP.md is stale or
      # `spec check` finds an invalid item or an error.
      #   checks.${system}.roadmap = spec.lib.roadmapCheck { inherit pkgs; src = self; };
      roadmapCheck =
        {
          pkgs,
          src,
          root ? ".",
          project ? null,
          strict ? false,
        }:
        let
          args =
            [
              "--root"
              "${src}/${root}"
            ]
            ++ lib.optionals (project != null) [
              "--project"
              project
            ];
          global = lib.escapeShellArgs args;
        in
        pkgs.runCommand "spec-roadmap-check" { nativeBuildInputs = [ (specFor pkgs) ]; } ''
          spec ${global} check ${lib.optionalString strict "--strict"}
          spec ${global} roadmap --check
          touch $out
        '';
    in
    {
      packages = forAllSystems (pkgs: {
        default = pkgs.callPackage ./nix/package.nix { };
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = lib.getExe (specFor pkgs);
          meta.description = "spec, the OpenSpec roadmap tool";
        };
      });

      overlays.default = final: _prev: { spec = final.callPackage ./nix/package.nix { }; };

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ (specFor pkgs) ];
          packages =
            [
              pkgs.cargo
              pkgs.rustc
              pkgs.clippy
              pkgs.rustfmt
              pkgs.rust-analyzer
              pkgs.nodejs
            ]
            # The site and mermaid checks drive a headless Chromium.
            ++ lib.optionals pkgs.stdenv.hostPlatform.isLinux [ pkgs.chromium ];
        };
      });

      lib = { inherit roadmapCheck; };

      # For flake-parts users: `imports = [ spec.flakeModules.default ];`
      # adds checks.<system>.spec-roadmap on the importing flake's source.
      flakeModules.default =
        { self, ... }:
        {
          perSystem =
            { pkgs, ... }:
            {
              checks.spec-roadmap = roadmapCheck {
                inherit pkgs;
                src = self;
              };
            };
        };

      # This repository gates its own ROADMAP.md the same way.
      checks = forAllSystems (pkgs: {
        package = specFor pkgs;
        roadmap = roadmapCheck {
          inherit pkgs;
          src = self;
        };
      });

      formatter = forAllSystems (pkgs: pkgs.nixfmt-rfc-style);
    };
}
