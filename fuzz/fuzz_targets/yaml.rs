//! `.openspec.yaml`, `config.yaml` and schema files: errors, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(meta) = spec::parse::yaml::metadata(".openspec.yaml", text) {
        let _ = serde_json::to_string(&meta);
    }
    let _ = spec::parse::yaml::project_config("config.yaml", text);
    let _ = spec::parse::yaml::schema_tracked_glob(text);
    let _ = spec::parse::yaml::read_marker(text, "skip_specs", |s| if s == "spec-driven" { Ok(()) } else { Err(format!("unknown schema {s}")) });
});
