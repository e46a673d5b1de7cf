//! What the pages look up about other things of the project, indexed once
//! per build: a change page finds its roadmap view, its history, its
//! overlaps and the specs its deltas name, a spec page the changes whose
//! deltas name it and where its requirements came from, each in a map
//! instead of a scan of every change (which made 10,000 pages quadratic).
//! Every list keeps the order the scan it replaces found things in.

use super::SiteInput;
use crate::analyse::history::{ChangeHistory, Presence};
use crate::analyse::overlaps::Overlap;
use crate::analyse::provenance::{self, Step};
use crate::analyse::roadmap::ChangeView;
use crate::model::{Change, DeltaSpec, Spec};
use std::collections::HashMap;

pub(super) struct Lookup<'a> {
    /// The roadmap's views of each id: phases, then unplanned, then archived.
    views: HashMap<&'a str, Vec<&'a ChangeView>>,
    /// The histories, by folder (`x`, `archive/2026-01-02-x`): the first
    /// one of each that is not of a removed folder, with its place.
    histories: HashMap<&'a str, (usize, &'a ChangeHistory)>,
    /// The first spec of each id.
    specs: HashMap<&'a str, &'a Spec>,
    /// The first change at each path.
    by_path: HashMap<&'a str, &'a Change>,
    /// Each capability's deltas, in change order.
    deltas: HashMap<&'a str, Vec<(&'a Change, &'a DeltaSpec)>>,
    /// The overlaps each change is a side of, in their order.
    overlaps: HashMap<&'a str, Vec<&'a Overlap>>,
    provenance: provenance::Archive<'a>,
}

impl<'a> Lookup<'a> {
    pub(super) fn new(input: &SiteInput<'a>) -> Self {
        let project = input.project;
        let roadmap = input.roadmap;
        let mut views: HashMap<&str, Vec<&ChangeView>> = HashMap::new();
        let all =
            roadmap.phases.iter().flat_map(|p| p.changes.iter()).chain(&roadmap.unplanned).chain(&roadmap.archived);
        for v in all {
            views.entry(v.id.as_str()).or_default().push(v);
        }
        let mut histories = HashMap::new();
        if let Ok(h) = &input.history {
            for (i, c) in h.changes.iter().enumerate().filter(|(_, c)| c.presence != Presence::Removed) {
                histories.entry(c.folder.as_str()).or_insert((i, c));
            }
        }
        let mut specs = HashMap::new();
        for s in &project.specs {
            specs.entry(s.id.as_str()).or_insert(s);
        }
        let mut by_path = HashMap::new();
        let mut deltas: HashMap<&str, Vec<(&Change, &DeltaSpec)>> = HashMap::new();
        for c in &project.changes {
            by_path.entry(c.path.as_str()).or_insert(c);
            for d in &c.deltas {
                deltas.entry(d.capability.as_str()).or_default().push((c, d));
            }
        }
        let mut overlaps: HashMap<&str, Vec<&Overlap>> = HashMap::new();
        for o in input.overlaps {
            overlaps.entry(o.a.as_str()).or_default().push(o);
            if o.b != o.a {
                overlaps.entry(o.b.as_str()).or_default().push(o);
            }
        }
        Lookup { views, histories, specs, by_path, deltas, overlaps, provenance: provenance::Archive::new(project) }
    }

    /// The roadmap's view of a change: of its id, with its status.
    pub(super) fn view(&self, c: &Change) -> Option<&'a ChangeView> {
        self.views.get(c.id.as_str())?.iter().copied().find(|v| v.status == Some(c.status))
    }

    /// The history of the folder a change was read from
    /// ([`ChangeHistory::folder_is`]): its path ends in `changes/<folder>`.
    pub(super) fn history(&self, c: &Change) -> Option<&'a ChangeHistory> {
        // Each place the path could end in `changes/<folder>`; the first
        // history in the history's order wins, as a scan would find it.
        c.path
            .match_indices("changes/")
            .filter_map(|(i, m)| self.histories.get(&c.path[i + m.len()..]).copied())
            .min_by_key(|(i, _)| *i)
            .map(|(_, h)| h)
    }

    pub(super) fn spec(&self, id: &str) -> Option<&'a Spec> {
        self.specs.get(id).copied()
    }

    pub(super) fn change_at(&self, path: &str) -> Option<&'a Change> {
        self.by_path.get(path).copied()
    }

    /// The deltas that name a capability, with their changes, in change order.
    pub(super) fn deltas_of(&self, capability: &str) -> &[(&'a Change, &'a DeltaSpec)] {
        self.deltas.get(capability).map_or(&[], Vec::as_slice)
    }

    /// The overlaps a change (by id) is a side of.
    pub(super) fn overlaps_of(&self, id: &str) -> &[&'a Overlap] {
        self.overlaps.get(id).map_or(&[], Vec::as_slice)
    }

    /// Where each requirement of a spec came from ([`provenance::of_spec`]).
    pub(super) fn provenance(&self, s: &Spec) -> Vec<Vec<Step>> {
        self.provenance.of(s)
    }
}
