//! Proposals and designs (pulldown-cmark), including line numbers.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let lines = text.split('\n').count();
    let proposal = spec::parse::proposal::proposal("proposal.md", text);
    for section in &proposal.sections {
        assert!(section.line >= 1 && section.line <= lines);
    }
    if let Some(impact) = &proposal.impact {
        for line in impact.code.iter().chain(&impact.other) {
            assert!(line.line >= 1 && line.line <= lines);
        }
    }
    let _ = spec::parse::proposal::title(text);
});
