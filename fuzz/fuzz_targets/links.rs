//! Code mentions in Markdown: never panic, lines in range, paths normalised.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let lines = text.lines().count().max(1);
    for m in spec::parse::links::mentions(text) {
        assert!(m.line >= 1 && m.line <= lines, "line {} of {lines}", m.line);
        assert!(!m.path.is_empty() && !m.path.starts_with('/') && !m.path.contains(".."), "{}", m.path);
    }
});
