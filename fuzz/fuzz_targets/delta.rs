//! Delta specs: the plan reader, and archive's merge checks against a main
//! spec made of the second half of the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (delta, main) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(text.len(), |(i, _)| i));
    let plan = spec::parse::delta::parse_plan(delta);
    let _ = spec::parse::delta::parse("fuzz", "specs/fuzz/spec.md", delta);
    let _ = spec::analyse::merge::scenario_loss(&plan.modified, &plan.renamed, main);
    let _ = spec::analyse::merge::archive_blocker("fuzz", "change", &plan, Some(main));
    let _ = spec::analyse::merge::archive_blocker("fuzz", "change", &plan, None);
});
