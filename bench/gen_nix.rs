//! Generate a synthetic NixOS flake repository for benchmarks, deterministically.
//!
//!     cargo run --release --example gen_nix -- <DIR> [MODULES]
//!
//! MODULES (10,000 by default) modules in groups of 100 (`modules/gNNN/`,
//! each with a `default.nix` importing most of its group), and 20 hosts in
//! every form `parse::nix` reads: `nixosConfigurations.<h> = nixosSystem`,
//! a `nixosConfigurations = { ... }` set of `nixosSystem` calls and of
//! `mkHost` helper calls, flake-parts files under `parts/` with
//! `flake.nixosConfigurations.${hostname}`, Home Manager and nix-darwin
//! configurations. Modules are enable-gated (`config = mkIf cfg.enable`),
//! import siblings, and switch other modules on; hosts import 10 to 29 groups
//! and switch some modules on. A few modules are orphans, a few imports
//! dangle and a few files have a syntax error. The same arguments always give
//! byte-identical files.

use std::fmt::Write as _;
use std::path::Path;

#[path = "common.rs"]
mod common;
use common::{Rng, WORDS};

const GROUP: usize = 100;
const HOSTS: usize = 20;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The option path of module `m` of group `g`.
fn option(g: usize, m: usize) -> String {
    format!("fleet.g{g:03}.m{m:02}")
}

fn module(rng: &mut Rng, g: usize, m: usize, groups: usize) -> String {
    let word = WORDS[(g * GROUP + m) % WORDS.len()];
    let mut s = String::from("{ config, lib, pkgs, ... }:\nlet\n");
    let _ = writeln!(s, "  cfg = config.{};\nin\n{{", option(g, m));
    let imports: Vec<String> = (0..rng.below(3))
        .map(|_| {
            let target = rng.below(GROUP as u64) as usize;
            if rng.below(400) == 0 { "./missing.nix".to_owned() } else { format!("./m{target:02}.nix") }
        })
        .collect();
    if !imports.is_empty() {
        let _ = writeln!(s, "  imports = [\n    {}\n  ];\n", imports.join("\n    "));
    }
    let _ = writeln!(
        s,
        "  options.{} = {{\n    enable = lib.mkEnableOption \"the {word} module\";\n    port = lib.mkOption {{\n      type = lib.types.port;\n      default = {};\n      description = \"Port of the {word} service.\";\n    }};\n  }};\n",
        option(g, m),
        1024 + rng.below(60000)
    );
    let _ = writeln!(s, "  config = lib.mkIf cfg.enable {{");
    for _ in 0..rng.below(3) {
        let (og, om) = (rng.below(groups as u64) as usize, rng.below(GROUP as u64) as usize);
        let _ = writeln!(s, "    {}.enable = lib.mkDefault true;", option(og, om));
    }
    let _ = writeln!(
        s,
        "    networking.firewall.allowedTCPPorts = [ cfg.port ];\n    environment.systemPackages = with pkgs; [ {word} git curl ];\n    systemd.services.{word}-{g}-{m} = {{\n      description = \"{word} {g} {m}\";\n      wantedBy = [ \"multi-user.target\" ];\n      serviceConfig = {{\n        ExecStart = \"${{pkgs.{word}}}/bin/{word} --port ${{toString cfg.port}}\";\n        Restart = \"always\";\n        DynamicUser = true;\n      }};\n    }};"
    );
    if rng.below(500) == 0 {
        // A syntax error: a missing semicolon.
        s.push_str("    services.broken.enable = true\n");
    }
    s.push_str("  };\n}\n");
    s
}

fn host(rng: &mut Rng, h: usize, groups: usize) -> String {
    let mut s = String::from("{ lib, ... }:\n{\n  imports = [\n    ./hardware.nix\n");
    for _ in 0..(10 + rng.below(20)) {
        let _ = writeln!(s, "    ../../modules/g{:03}", rng.below(groups as u64));
    }
    s.push_str("  ];\n\n");
    for _ in 0..(5 + rng.below(20)) {
        let (g, m) = (rng.below(groups as u64) as usize, rng.below(GROUP as u64) as usize);
        let _ = writeln!(s, "  {}.enable = true;", option(g, m));
    }
    let _ = writeln!(s, "\n  networking.hostName = \"h{h:02}\";\n  system.stateVersion = \"24.11\";\n}}");
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 || args.len() > 3 {
        eprintln!("usage: gen_nix <DIR> [MODULES]");
        std::process::exit(2);
    }
    let root = Path::new(&args[1]);
    let n: usize = args.get(2).map_or(10_000, |a| a.parse().expect("MODULES is a number"));
    if root.join("flake.nix").exists() {
        eprintln!("{} has a flake.nix; choose an empty folder", root.display());
        std::process::exit(2);
    }
    let mut rng = Rng(0x5eed);
    let groups = n.div_ceil(GROUP);
    for g in 0..groups {
        let members = GROUP.min(n - g * GROUP);
        let mut listed = String::new();
        for m in 0..members {
            write(&root.join(format!("modules/g{g:03}/m{m:02}.nix")), &module(&mut rng, g, m, groups));
            // About one module in a hundred is listed nowhere (an orphan, unless a sibling imports it).
            if rng.below(100) != 0 {
                let _ = writeln!(listed, "    ./m{m:02}.nix");
            }
        }
        write(&root.join(format!("modules/g{g:03}/default.nix")), &format!("{{\n  imports = [\n{listed}  ];\n}}\n"));
    }
    for h in 0..HOSTS {
        write(&root.join(format!("hosts/h{h:02}/default.nix")), &host(&mut rng, h, groups));
        write(
            &root.join(format!("hosts/h{h:02}/hardware.nix")),
            "{ lib, ... }:\n{\n  boot.initrd.availableKernelModules = [ \"nvme\" \"xhci_pci\" ];\n  hardware.cpu.amd.updateMicrocode = lib.mkDefault true;\n}\n",
        );
    }
    // Hosts 0-5: one attribute each; 6-9: a set of builder calls; 10-13: the
    // helper; 14-16: flake-parts files; 17-18: Home Manager; 19: nix-darwin.
    let mut flake = String::from(
        "{\n  inputs = {\n    nixpkgs.url = \"github:NixOS/nixpkgs/nixos-unstable\";\n    flake-parts.url = \"github:hercules-ci/flake-parts\";\n    home-manager.url = \"github:nix-community/home-manager\";\n    nix-darwin.url = \"github:nix-darwin/nix-darwin\";\n    disko.url = \"github:nix-community/disko\";\n  };\n\n  outputs =\n    { self, nixpkgs, flake-parts, home-manager, nix-darwin, disko, ... }@inputs:\n    let\n      mkHost =\n        hostname:\n        nixpkgs.lib.nixosSystem {\n          specialArgs = { inherit inputs; };\n          modules = [\n            ./hosts/${hostname}\n            disko.nixosModules.disko\n          ];\n        };\n    in\n    flake-parts.lib.mkFlake { inherit inputs; } {\n      systems = [ \"x86_64-linux\" ];\n      imports = [\n",
    );
    for h in 14..17 {
        let _ = writeln!(flake, "        ./parts/h{h:02}.nix");
    }
    flake.push_str("      ];\n      flake = {\n");
    for h in 0..6 {
        let _ = writeln!(
            flake,
            "        nixosConfigurations.h{h:02} = nixpkgs.lib.nixosSystem {{\n          modules = [ ./hosts/h{h:02} disko.nixosModules.disko ];\n        }};"
        );
    }
    flake.push_str("        nixosConfigurations = {\n");
    for h in 6..10 {
        let _ = writeln!(flake, "          h{h:02} = nixpkgs.lib.nixosSystem {{ modules = [ ./hosts/h{h:02} ]; }};");
    }
    for h in 10..14 {
        let _ = writeln!(flake, "          h{h:02} = mkHost \"h{h:02}\";");
    }
    flake.push_str("        };\n");
    for h in 17..19 {
        let _ = writeln!(
            flake,
            "        homeConfigurations.\"alice@h{h:02}\" = home-manager.lib.homeManagerConfiguration {{\n          pkgs = nixpkgs.legacyPackages.x86_64-linux;\n          modules = [ ./hosts/h{h:02} ];\n        }};"
        );
    }
    let _ = writeln!(
        flake,
        "        darwinConfigurations.h19 = nix-darwin.lib.darwinSystem {{ modules = [ ./hosts/h19 ]; }};\n      }};\n    }};\n}}"
    );
    write(&root.join("flake.nix"), &flake);
    for h in 14..17 {
        write(
            &root.join(format!("parts/h{h:02}.nix")),
            &format!(
                "{{ inputs, ... }}:\nlet\n  hostname = \"h{h:02}\";\nin\n{{\n  flake.nixosConfigurations.${{hostname}} = inputs.nixpkgs.lib.nixosSystem {{\n    modules = [ ../hosts/${{hostname}} ];\n  }};\n}}\n"
            ),
        );
    }
    eprintln!("generated {n} modules in {groups} groups and {HOSTS} hosts in {}", root.display());
}
