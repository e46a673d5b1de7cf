//! Main specs: the parser, the structure checks and the full validation.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let spec = spec::parse::spec::parse("fuzz", "openspec/specs/fuzz/spec.md", text);
    if spec.parse_error.is_some() {
        assert!(spec.requirements.is_empty());
    }
    let _ = spec::parse::spec::structure_issues(text);
    let _ = spec::parse::spec::requirement_blocks(text);
    let report = spec::analyse::validate::validate_spec("fuzz", "openspec/specs/fuzz/spec.md", text, true);
    assert_eq!(report.valid, report.issues.iter().all(|i| i.level == spec::model::Level::Info));
});
