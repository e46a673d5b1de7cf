//! Task files: the official line rule and the section/depth structure must
//! agree on the counts and never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let file = spec::parse::tasks::parse("tasks.md", text);
    assert_eq!(spec::parse::tasks::count(text), (file.done, file.total));
    let in_sections: usize = file.sections.iter().map(|s| s.total).sum();
    assert!(in_sections <= file.total);
    for task in &file.tasks {
        assert!(task.line >= 1);
        assert!(task.section.is_none_or(|s| s < file.sections.len()));
    }
});
