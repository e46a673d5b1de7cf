//! When open work will finish: p50 and p80 finish days for each open change
//! with tasks, each phase and the project, from the repository's own
//! throughput. Pure and deterministic (a fixed-seed generator).
//!
//! The pace is measured per open change and day: for every day of the
//! [`WINDOW`] days up to the forecast day (or since the first task checked
//! on open work, when that is later) and every change open on it, the tasks
//! checked on that change that day, zero on most ([`change_days`]). Tasks
//! checked on the day a change appears are left out: that is work that
//! arrived and finished at once, and it says nothing about how fast open
//! work moves. Measured so, the pace already holds what slows a backlog
//! down in practice: work spread over many open changes, and new work
//! arriving beside it. A Monte Carlo run draws, for each future day and
//! each open change that is not waiting, that change's progress from those
//! samples, recent ones more likely (weights halve every [`HALF_LIFE`]
//! days), and more and more from the change's own days as it has more of
//! them ([`OWN_DAYS`]), its recent days most ([`OWN_HALF_LIFE`]): a change
//! that stalled is forecast to go on slowly, one that moves to keep moving; a change takes no work until every change it waits for is
//! finished. Work also stops for good (changes left unfinished, archived
//! with open tasks, deleted): from the stretches without a task checked in
//! the history ([`Stall`]), a run may stop an idle change at the start
//! and any change after a day's work; it never finishes, nor what waits
//! for it. A change's finish day in a run is the day its last
//! task is checked; a phase's, the day its last change finishes. Over
//! [`RUNS`] runs, p50 and p80 are the days by which half and four fifths of
//! the runs had finished. Where history is too thin, or a change waits for
//! one that cannot finish (a draft with no tasks, a change that does not
//! exist), the days are `None` and `basis` says why.

use super::graph::Graph;
use super::history::History;
use super::roadmap::Roadmap;
use crate::model::{ChangeStatus, Day, Project};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Days of history the throughput is drawn from.
pub const WINDOW: i64 = 84;
/// Days of its own after which a change's pace is its own alone: its draws
/// come from its own samples with probability `min(1, n / OWN_DAYS)`, `n`
/// its change-days in the window, else from the pool of all open changes.
pub const OWN_DAYS: f64 = 14.0;
/// Days after which a day's weight halves in the pool of all open changes.
pub const HALF_LIFE: f64 = 28.0;
/// The same for a change's own days: its recent pace is what it will
/// likely keep (a change that stalled weeks ago is forecast to stay slow).
pub const OWN_HALF_LIFE: f64 = 3.5;
/// Monte Carlo runs.
pub const RUNS: usize = 1000;
/// Days simulated at most (three years); later is "beyond the horizon".
pub const HORIZON: i64 = 1096;
/// The least history that gives a forecast: tasks checked in the window,
/// and days since the first checked task.
pub const MIN_TASKS: u32 = 5;
pub const MIN_DAYS: i64 = 28;
/// The least stretches without a task checked, longer than a change has
/// been idle, that say whether it resumes (see [`Stall`]).
pub const MIN_STALLS: u32 = 5;

/// An open change as the forecast sees it.
#[derive(Debug, Clone)]
pub struct Work {
    pub id: String,
    pub done: u32,
    pub total: u32,
    /// The ids of the changes it waits for.
    pub waits_for: Vec<String>,
}

/// What a forecast is made from.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub as_of: Day,
    /// Tasks checked on one open change on one day, one entry per change
    /// and day it was open (days after `as_of` are ignored).
    pub samples: Vec<(Day, u32)>,
    /// The samples of each open change alone, by id, from its first
    /// checked task on.
    pub own: BTreeMap<String, Vec<(Day, u32)>>,
    /// Open changes at `as_of`, in roadmap order; drafts (no tasks) too,
    /// since others may wait for them.
    pub open: Vec<Work>,
    /// Changes finished (complete or archived) at `as_of`.
    pub finished: BTreeSet<String>,
    /// Phases: id, title and the ids of their changes.
    pub phases: Vec<(String, String, Vec<String>)>,
    /// Open changes idle for a day or more since their last checked task,
    /// and those with no task checked since they were created, by id.
    pub stalls: BTreeMap<String, Stall>,
    /// What became of every stretch without a task checked in the history
    /// (a [`Stall`] of 0 days): the chance a change stops for good after a
    /// day's work. `None`: not measured.
    pub hazard: Option<Stall>,
}

/// How long an open change has gone without a task checked, and the
/// chance, measured on the history, that a change idle so long never
/// resumes: a Kaplan-Meier estimate over the stretches without a task
/// checked (how it is computed is on the private `stall`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stall {
    pub idle: i64,
    /// Idle since a checked task (else since the change was created).
    pub started: bool,
    /// The stretches without a task checked in the history that lasted
    /// longer than `idle` days (or are still going on past it).
    pub longer: u32,
    /// The chance a change idle `idle` days never resumes; `None` when
    /// fewer than [`MIN_STALLS`] stretches lasted as long.
    pub never: Option<f64>,
}

impl Stall {
    /// The chance the change never resumes, when measured and not nil.
    pub fn quit_chance(&self) -> Option<f64> {
        self.never.filter(|p| *p > 0.0)
    }
}

/// One stretch without a task checked on a change, up to `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gap {
    days: i64,
    /// It began with a checked task (else with the change's creation: the
    /// work had not started, which is not the same as having stopped).
    started: bool,
    /// Ended by a checked task.
    resumed: bool,
    /// Ended by archiving or deleting the change unfinished.
    quit: bool,
}

/// The stretches without a task checked of every change up to `as_of`,
/// from its creation (or last checked task) to its next checked task, its
/// end unfinished, or `as_of`; and, by id, the idle days of each change at
/// `as_of` that is still open and not complete.
fn gaps(history: &History, as_of: Day) -> (Vec<Gap>, BTreeMap<String, (i64, bool)>) {
    let mut out = Vec::new();
    let mut idle = BTreeMap::new();
    for c in &history.changes {
        let Some(born) = c.created.day.filter(|d| *d <= as_of) else { continue };
        let on = |e: &Option<crate::analyse::history::Event>| e.as_ref().and_then(|e| e.day).filter(|d| *d <= as_of);
        let completed = on(&c.completed);
        let quit_on = [on(&c.archived), on(&c.removed)].into_iter().flatten().min();
        let (mut last, mut started, mut before) = (born, false, 0);
        for p in &c.series {
            let Some(day) = p.at.day.filter(|d| *d <= as_of) else { continue };
            if p.done > before {
                if day > last {
                    out.push(Gap { days: day.number() - last.number(), started, resumed: true, quit: false });
                }
                (last, started) = (day, true);
            }
            before = p.done;
        }
        if completed.is_some() {
            continue;
        }
        let end = quit_on.unwrap_or(as_of);
        let days = (end.number() - last.number()).max(0);
        out.push(Gap { days, started, resumed: false, quit: quit_on.is_some() });
        if quit_on.is_none() {
            idle.insert(c.id.clone(), (days, started));
        }
    }
    (out, idle)
}

/// What the stretches of `gaps` say of a change idle `idle` days: the
/// Kaplan-Meier estimate of the days a stretch lasts before a task is
/// checked, where a stretch still going on at the forecast day is censored
/// at its length so far and one that ended with the change archived or
/// deleted unfinished never ends. The chance a change idle `idle` days
/// never resumes is the estimate's survival past the longest stretch that
/// did end with a task checked, given survival past `idle`, with one more
/// resumption assumed (`n / (n + 1)`, `n` the stretches longer than
/// `idle`), so that a few stretches never make it certain. A change that
/// has started is measured against the stretches that began with a
/// checked task; one that has not, against the stretches from creation to
/// a first checked task.
fn stall(gaps: &[Gap], idle: i64, started: bool) -> Stall {
    let gaps: Vec<&Gap> = gaps.iter().filter(|g| g.started == started).collect();
    let longer = gaps.iter().filter(|g| g.quit || g.days > idle).count() as u32;
    let mut s = Stall { idle, started, longer, never: None };
    if longer < MIN_STALLS {
        return s;
    }
    let mut ends: BTreeMap<i64, u32> = BTreeMap::new();
    for g in gaps.iter().filter(|g| g.resumed && g.days > idle) {
        *ends.entry(g.days).or_default() += 1;
    }
    let mut survival = f64::from(longer) / f64::from(longer + 1);
    for (&t, &ended) in &ends {
        let at_risk = gaps.iter().filter(|g| g.quit || g.days >= t).count() as u32;
        survival *= 1.0 - f64::from(ended) / f64::from(at_risk);
    }
    s.never = Some(survival);
    s
}

/// A p50 and p80 finish day, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    pub p50: Option<Day>,
    pub p80: Option<Day>,
    /// How it was computed, or why it could not be.
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeForecast {
    pub id: String,
    #[serde(flatten)]
    pub estimate: Estimate,
    /// Tasks left at `as_of` (not part of the JSON).
    #[serde(skip)]
    pub left: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseForecast {
    pub id: String,
    pub title: String,
    #[serde(flatten)]
    pub estimate: Estimate,
    /// Its open changes with tasks left (not part of the JSON).
    #[serde(skip)]
    pub open: usize,
}

/// The whole forecast (`spec forecast --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub as_of: Day,
    pub changes: Vec<ChangeForecast>,
    pub phases: Vec<PhaseForecast>,
    pub project: Estimate,
    /// The throughput it drew from, in words (not part of the JSON).
    #[serde(skip)]
    pub throughput: Option<String>,
}

/// The pace samples ([`Inputs::samples`]) of the days up to `as_of`: for
/// each change and each day from the day after it appeared to the day it
/// finished (or `as_of`), the rise of its checked count that day.
pub fn change_days(history: &History, as_of: Day) -> BTreeMap<String, Vec<(Day, u32)>> {
    let mut out: BTreeMap<String, Vec<(Day, u32)>> = BTreeMap::new();
    for c in &history.changes {
        let Some(born) = c.created.day else { continue };
        let mut per_day: BTreeMap<Day, u32> = BTreeMap::new();
        let mut before = 0;
        for p in &c.series {
            let Some(day) = p.at.day else { continue };
            if p.done > before && day > born {
                *per_day.entry(day).or_default() += p.done - before;
            }
            before = p.done;
        }
        let ended =
            [&c.completed, &c.archived, &c.removed].into_iter().filter_map(|e| e.as_ref().and_then(|e| e.day)).min();
        let last = ended.unwrap_or(as_of).min(as_of);
        let days = out.entry(c.id.clone()).or_default();
        for n in born.number() + 1..=last.number() {
            let day = Day::from_number(n);
            days.push((day, per_day.get(&day).copied().unwrap_or(0)));
        }
    }
    out
}

/// The forecast's inputs as of `as_of`. With `from_history` the open work
/// is what git shows on that day (each change's last commit up to it);
/// else it is the project as it is now. Dependencies come from the graph
/// of now; the order is the roadmap's (phases, then unplanned work).
pub fn inputs(
    project: &Project,
    roadmap: &Roadmap,
    graph: &Graph,
    history: &History,
    as_of: Day,
    from_history: bool,
) -> Inputs {
    let mut states: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut finished = BTreeSet::new();
    if from_history {
        let by =
            |e: &Option<crate::analyse::history::Event>| e.as_ref().and_then(|e| e.day).is_some_and(|d| d <= as_of);
        for c in &history.changes {
            if c.created.day.is_none_or(|d| d > as_of) || by(&c.removed) {
                continue;
            }
            let last = c.series.iter().rev().find(|p| p.at.day.is_some_and(|d| d <= as_of));
            let (done, total) = last.map_or((0, 0), |p| (p.done, p.total));
            if by(&c.archived) || (total > 0 && done >= total) {
                finished.insert(c.id.clone());
            } else {
                states.insert(c.id.clone(), (done, total));
            }
        }
    } else {
        for c in project.real_changes() {
            match c.status {
                ChangeStatus::Complete | ChangeStatus::Archived => {
                    finished.insert(c.id.clone());
                }
                _ => {
                    states.insert(c.id.clone(), (c.tasks.done as u32, c.tasks.total as u32));
                }
            }
        }
    }
    let mut order: Vec<&str> = roadmap
        .phases
        .iter()
        .flat_map(|p| p.changes.iter().map(|c| c.id.as_str()))
        .chain(roadmap.unplanned.iter().map(|c| c.id.as_str()))
        .filter(|id| states.contains_key(*id))
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    order.retain(|id| seen.insert(id));
    order.extend(states.keys().map(String::as_str).filter(|id| !seen.contains(id)).collect::<Vec<_>>());
    let open = order
        .iter()
        .map(|id| {
            let (done, total) = states[*id];
            let mut waits_for: Vec<String> = graph.dependencies(id).iter().map(|e| e.to.clone()).collect();
            waits_for.sort();
            waits_for.dedup();
            Work { id: (*id).to_owned(), done, total, waits_for }
        })
        .collect();
    let phases = if roadmap.planned {
        roadmap
            .phases
            .iter()
            .map(|p| (p.id.clone(), p.title.clone(), p.changes.iter().map(|c| c.id.clone()).collect()))
            .collect()
    } else {
        Vec::new()
    };
    let mut own = change_days(history, as_of);
    let mut samples: Vec<(Day, u32)> = own.values().flatten().copied().collect();
    samples.sort();
    own.retain(|id, _| states.contains_key(id));
    // A change's own pace starts with its first checked task: before that
    // it had not started (waiting its turn), which is not the same as stalled.
    for days in own.values_mut() {
        let started = days.iter().position(|(_, n)| *n > 0).unwrap_or(days.len());
        days.drain(..started);
    }
    let (gaps, idle) = gaps(history, as_of);
    let stalls = idle
        .into_iter()
        .filter(|(id, (days, started))| (*days > 0 || !started) && states.contains_key(id))
        .map(|(id, (days, started))| (id, stall(&gaps, days, started)))
        .collect();
    let hazard = Some(stall(&gaps, 0, true));
    Inputs { as_of, samples, own, open, finished, phases, stalls, hazard }
}

/// splitmix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The samples to draw from: `(tasks, cumulative weight)`, and the pace in
/// words; or why there are too few.
fn pace(inputs: &Inputs) -> Result<(Vec<(u32, f64)>, String), String> {
    let upto: Vec<&(Day, u32)> = inputs.samples.iter().filter(|(d, _)| *d <= inputs.as_of).collect();
    let Some(first) = upto.iter().filter(|(_, n)| *n > 0).map(|(d, _)| *d).min() else {
        return Err(format!("no task of open work was checked in git history up to {}", inputs.as_of));
    };
    let span = inputs.as_of.number() - first.number() + 1;
    let from = Day::from_number(inputs.as_of.number() - span.min(WINDOW) + 1);
    let window: Vec<&&(Day, u32)> = upto.iter().filter(|(d, _)| *d >= from).collect();
    let tasks: u32 = window.iter().map(|(_, n)| n).sum();
    if span < MIN_DAYS || tasks < MIN_TASKS {
        let days = span.min(WINDOW);
        return Err(format!(
            "too little history: {tasks} task{} of open work checked over the {days} day{} up to {} (a forecast needs at least {MIN_TASKS} tasks over {MIN_DAYS} days)",
            if tasks == 1 { "" } else { "s" },
            if days == 1 { "" } else { "s" },
            inputs.as_of
        ));
    }
    let mut cumulative = 0.0;
    let mut out = Vec::with_capacity(window.len());
    for (day, n) in &window {
        cumulative += 0.5f64.powf((inputs.as_of.number() - day.number()) as f64 / HALF_LIFE);
        out.push((*n, cumulative));
    }
    let days = inputs.as_of.number() - from.number() + 1;
    let words = format!(
        "{tasks} tasks checked over {} change-days of open work in the {days} days up to {}, recent weeks weighted more, each change's own pace more as it has more; {RUNS} runs",
        window.len(),
        inputs.as_of
    );
    Ok((out, words))
}

/// The p50 and p80 of finish offsets (`None`: not within the horizon).
fn percentiles(mut finishes: Vec<Option<i64>>, as_of: Day) -> (Option<Day>, Option<Day>) {
    finishes.sort_by_key(|f| f.unwrap_or(i64::MAX));
    let at = |q: f64| {
        let i = ((q * finishes.len() as f64).ceil() as usize).saturating_sub(1);
        finishes.get(i).copied().flatten().map(|d| Day::from_number(as_of.number() + d))
    };
    (at(0.5), at(0.8))
}

/// Forecast the open work of `inputs`.
pub fn forecast(inputs: &Inputs) -> Forecast {
    let with_tasks: Vec<usize> =
        (0..inputs.open.len()).filter(|&i| inputs.open[i].total > inputs.open[i].done).collect();
    let index: BTreeMap<&str, usize> = inputs.open.iter().enumerate().map(|(i, w)| (w.id.as_str(), i)).collect();
    // Why a change cannot finish: it waits, directly or not, for a draft or
    // for a change that is neither open nor finished.
    let mut stuck: BTreeMap<usize, String> = BTreeMap::new();
    for &i in &with_tasks {
        let mut seen = BTreeSet::new();
        let mut queue = vec![i];
        while let Some(j) = queue.pop() {
            for dep in &inputs.open[j].waits_for {
                if inputs.finished.contains(dep) {
                    continue;
                }
                match index.get(dep.as_str()) {
                    Some(&k) if inputs.open[k].total == 0 => {
                        stuck
                            .entry(i)
                            .or_insert_with(|| format!("waits for `{dep}`, a draft with no tasks to forecast"));
                    }
                    Some(&k) => {
                        if seen.insert(k) {
                            queue.push(k);
                        }
                    }
                    None => {
                        stuck.entry(i).or_insert_with(|| format!("waits for `{dep}`, which is not a change"));
                    }
                }
            }
        }
    }
    let (days, words) = match pace(inputs) {
        Ok(found) => (Some(found.0), Some(found.1)),
        Err(why) => (None, Some(why)),
    };
    let mut finishes: Vec<Vec<Option<i64>>> = vec![Vec::with_capacity(RUNS); inputs.open.len()];
    // The runs in which each change stopped for good.
    let mut stopped: Vec<usize> = vec![0; inputs.open.len()];
    let hazard = inputs.hazard.as_ref().and_then(Stall::quit_chance).unwrap_or(0.0);
    if let Some(days) = &days {
        // Each open change's own samples in the window, weighted the same way.
        let from = inputs.as_of.number() - WINDOW + 1;
        let own: Vec<(Vec<(u32, f64)>, f64)> = inputs
            .open
            .iter()
            .map(|w| {
                let mut cumulative = 0.0;
                let list: Vec<(u32, f64)> = inputs
                    .own
                    .get(&w.id)
                    .into_iter()
                    .flatten()
                    .filter(|(d, _)| d.number() >= from && *d <= inputs.as_of)
                    .map(|(d, n)| {
                        cumulative += 0.5f64.powf((inputs.as_of.number() - d.number()) as f64 / OWN_HALF_LIFE);
                        (*n, cumulative)
                    })
                    .collect();
                let share = (list.len() as f64 / OWN_DAYS).min(1.0);
                (list, share)
            })
            .collect();
        let draw = |list: &[(u32, f64)], rng: &mut Rng| {
            let pick = rng.unit() * list.last().map_or(1.0, |d| d.1);
            list[list.partition_point(|d| d.1 <= pick).min(list.len() - 1)].0
        };
        let order: Vec<usize> = with_tasks.iter().copied().filter(|i| !stuck.contains_key(i)).collect();
        // The chance a change stops for good after a day's work, and the
        // chance each open change, as idle as it is now, never resumes.
        let quits: Vec<f64> = inputs
            .open
            .iter()
            .map(|w| {
                // One that waits for open work is not idle but waiting.
                let waiting = w.waits_for.iter().any(|d| !inputs.finished.contains(d));
                match inputs.stalls.get(&w.id) {
                    _ if waiting => 0.0,
                    Some(s) => s.quit_chance().unwrap_or(0.0),
                    None => hazard,
                }
            })
            .collect();
        // Who waits for whom, to stop what waits for a change that stops.
        let mut waiting: Vec<Vec<usize>> = vec![Vec::new(); inputs.open.len()];
        for (i, w) in inputs.open.iter().enumerate() {
            for k in w.waits_for.iter().filter_map(|d| index.get(d.as_str())) {
                waiting[*k].push(i);
            }
        }
        // Stop `i` and what waits for it; how many of the open ones stopped.
        let stop = |i: usize, quit: &mut Vec<bool>, done_on: &Vec<Option<i64>>| -> usize {
            let mut n = 0;
            let mut queue = vec![i];
            while let Some(j) = queue.pop() {
                if quit[j] || done_on[j].is_some() {
                    continue;
                }
                quit[j] = true;
                n += usize::from(inputs.open[j].total > inputs.open[j].done && !stuck.contains_key(&j));
                queue.extend(waiting[j].iter().copied());
            }
            n
        };
        let mut rng = Rng(0x5EED_u64 ^ inputs.as_of.number() as u64);
        for _ in 0..RUNS {
            let mut left: Vec<u32> = inputs.open.iter().map(|w| w.total.saturating_sub(w.done)).collect();
            let mut done_on: Vec<Option<i64>> = vec![None; inputs.open.len()];
            // A change that, in this run, stops for good: it takes no more
            // work and never finishes, nor what waits for it. A stalled one
            // may never resume; one that moves may stop after any day's work.
            let mut quit: Vec<bool> = vec![false; inputs.open.len()];
            let mut open = order.len();
            for &i in &order {
                if quits[i] > 0.0 && rng.unit() < quits[i] {
                    open -= stop(i, &mut quit, &done_on);
                }
            }
            let mut day = 0;
            while open > 0 && day < HORIZON {
                day += 1;
                for &i in &order {
                    if done_on[i].is_some() || quit[i] {
                        continue;
                    }
                    // Waiting until what it waits for finished on an earlier day.
                    let ready = inputs.open[i].waits_for.iter().all(|dep| {
                        inputs.finished.contains(dep)
                            || index.get(dep.as_str()).is_some_and(|&k| done_on[k].is_some_and(|d| d < day))
                    });
                    if !ready {
                        continue;
                    }
                    let (mine, share) = &own[i];
                    let take = if !mine.is_empty() && rng.unit() < *share {
                        draw(mine, &mut rng)
                    } else {
                        draw(days, &mut rng)
                    };
                    left[i] = left[i].saturating_sub(take);
                    if left[i] == 0 {
                        done_on[i] = Some(day);
                        open -= 1;
                    } else if take > 0 && hazard > 0.0 && rng.unit() < hazard {
                        open -= stop(i, &mut quit, &done_on);
                    }
                }
            }
            for &i in &order {
                finishes[i].push(done_on[i]);
                stopped[i] += usize::from(quit[i]);
            }
        }
    }
    let estimate = |runs: Option<Vec<Option<i64>>>, why: Option<String>| -> Estimate {
        match (runs, &words, &days) {
            (_, Some(thin), None) => Estimate { p50: None, p80: None, basis: thin.clone() },
            (Some(runs), Some(words), Some(_)) if why.is_none() => {
                let (p50, p80) = percentiles(runs, inputs.as_of);
                let basis = match (p50, p80) {
                    (_, Some(_)) => words.clone(),
                    _ => format!("not within {} years at this pace ({words})", HORIZON / 365),
                };
                Estimate { p50, p80, basis }
            }
            _ => Estimate { p50: None, p80: None, basis: why.unwrap_or_default() },
        }
    };
    let changes: Vec<ChangeForecast> = with_tasks
        .iter()
        .map(|&i| {
            let mut estimate = estimate(Some(finishes[i].clone()), stuck.get(&i).cloned());
            if stopped[i] > 0 && !stuck.contains_key(&i) {
                let mut why =
                    format!("after a day's work, a change stops for good with a chance of {:.0}%", hazard * 100.0);
                if let Some((s, q)) = inputs.stalls.get(&inputs.open[i].id).and_then(|s| Some((s, s.quit_chance()?))) {
                    let days = format!("{} day{}", s.idle, if s.idle == 1 { "" } else { "s" });
                    let what = if s.started {
                        format!("of changes idle {days} since a checked task, {:.0}% never resume", q * 100.0)
                    } else {
                        format!(
                            "of changes with no task checked {days} after they were proposed, {:.0}% never start",
                            q * 100.0
                        )
                    };
                    why = format!("{what}; {why}");
                }
                let rest = match (&words, estimate.p80) {
                    (Some(words), None) if stopped[i] * 5 >= RUNS => words.clone(),
                    _ => estimate.basis,
                };
                estimate.basis =
                    format!("{:.0}% of runs never finish it ({why}); {rest}", stopped[i] as f64 * 100.0 / RUNS as f64);
            }
            ChangeForecast { id: inputs.open[i].id.clone(), estimate, left: inputs.open[i].total - inputs.open[i].done }
        })
        .collect();
    // A group finishes in a run when its last change does.
    // Drafts have no tasks to forecast: a group is its changes with tasks,
    // and says how many drafts it leaves out.
    let group = |members: &[usize]| -> Estimate {
        if let (None, Some(thin)) = (&days, &words) {
            return Estimate { p50: None, p80: None, basis: thin.clone() };
        }
        if let Some(i) = members.iter().find(|i| stuck.contains_key(i)) {
            return estimate(None, Some(format!("`{}` {}", inputs.open[*i].id, stuck[i])));
        }
        let drafts = members.iter().filter(|&&i| inputs.open[i].total == 0).count();
        let members: Vec<usize> =
            members.iter().copied().filter(|&i| inputs.open[i].total > inputs.open[i].done).collect();
        if members.is_empty() {
            let basis = if drafts == 0 {
                "no open work".to_owned()
            } else {
                format!("only drafts ({drafts}), no tasks to forecast")
            };
            return Estimate { p50: None, p80: None, basis };
        }
        let runs = (0..finishes[members[0]].len())
            .map(|r| members.iter().map(|&i| finishes[i][r]).try_fold(0, |m, f| f.map(|f| f.max(m))))
            .collect();
        let mut e = estimate(Some(runs), None);
        if drafts > 0 && e.p80.is_some() {
            e.basis
                .push_str(&format!("; {drafts} draft{} without tasks not counted", if drafts == 1 { "" } else { "s" }));
        }
        e
    };
    let phases = inputs
        .phases
        .iter()
        .map(|(id, title, ids)| {
            let members: Vec<usize> = ids.iter().filter_map(|c| index.get(c.as_str()).copied()).collect();
            let open = members.iter().filter(|&&i| inputs.open[i].total > inputs.open[i].done).count();
            PhaseForecast { id: id.clone(), title: title.clone(), estimate: group(&members), open }
        })
        .collect();
    let all: Vec<usize> = (0..inputs.open.len()).collect();
    Forecast {
        as_of: inputs.as_of,
        changes,
        phases,
        project: group(&all),
        throughput: days.as_ref().and(words.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    /// One open change with exactly `per_day` tasks checked on it every day
    /// for 60 days up to `as_of`.
    fn steady(per_day: u32, as_of: &str) -> Vec<(Day, u32)> {
        let end = day(as_of).number();
        (0..60).map(|i| (Day::from_number(end - i), per_day)).collect()
    }

    fn work(id: &str, done: u32, total: u32, waits: &[&str]) -> Work {
        Work { id: id.into(), done, total, waits_for: waits.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn a_known_pace_gives_the_arithmetic_answer_and_respects_dependencies() {
        let inputs = Inputs {
            as_of: day("2026-03-01"),
            samples: steady(2, "2026-03-01"),
            own: BTreeMap::new(),
            open: vec![work("a", 0, 10, &[]), work("b", 2, 6, &["a"]), work("c", 0, 4, &[])],
            finished: BTreeSet::new(),
            stalls: BTreeMap::new(),
            hazard: None,
            phases: vec![("p".into(), "P".into(), vec!["a".into(), "b".into()])],
        };
        let f = forecast(&inputs);
        let got: Vec<(&str, Option<Day>, Option<Day>)> =
            f.changes.iter().map(|c| (c.id.as_str(), c.estimate.p50, c.estimate.p80)).collect();
        // Two tasks a day on each open change: a takes days 1-5; b waits for
        // a, then takes days 6-7; c, in parallel, days 1-2.
        assert_eq!(
            got,
            [
                ("a", Some(day("2026-03-06")), Some(day("2026-03-06"))),
                ("b", Some(day("2026-03-08")), Some(day("2026-03-08"))),
                ("c", Some(day("2026-03-03")), Some(day("2026-03-03"))),
            ]
        );
        assert_eq!(f.phases[0].estimate.p80, Some(day("2026-03-08")));
        assert_eq!(f.project.p50, Some(day("2026-03-08")));
        assert!(
            f.project
                .basis
                .starts_with("120 tasks checked over 60 change-days of open work in the 60 days up to 2026-03-01"),
            "{}",
            f.project.basis
        );
    }

    #[test]
    fn an_uneven_pace_spreads_p50_and_p80_and_is_deterministic() {
        // Ten tasks one day a week, nothing on the other six.
        let end = day("2026-03-01").number();
        let samples = (0..84).map(|i| (Day::from_number(end - i), if i % 7 == 0 { 10 } else { 0 })).collect();
        let inputs = Inputs {
            as_of: day("2026-03-01"),
            samples,
            own: BTreeMap::new(),
            open: vec![work("a", 0, 30, &[])],
            finished: BTreeSet::new(),
            stalls: BTreeMap::new(),
            hazard: None,
            phases: Vec::new(),
        };
        let f = forecast(&inputs);
        let (p50, p80) = (f.changes[0].estimate.p50.unwrap(), f.changes[0].estimate.p80.unwrap());
        assert!(p50 < p80, "{p50} {p80}");
        // About three weeks at ten tasks a week.
        assert!((14..=28).contains(&(p50.number() - end)), "{p50}");
        assert_eq!(forecast(&inputs), f);
    }

    #[test]
    fn a_stalled_change_is_forecast_later_than_a_moving_one() {
        let end = day("2026-03-01").number();
        // Both had 30 days open; `moving` got 1 task a day throughout,
        // `stalled` 1 a day in its first ten days and nothing since.
        let days = |f: &dyn Fn(i64) -> u32| -> Vec<(Day, u32)> {
            (0..30).map(|i| (Day::from_number(end - i), f(i))).collect()
        };
        let moving = days(&|_| 1);
        let stalled = days(&|i| u32::from(i >= 20));
        let mut samples: Vec<(Day, u32)> = moving.iter().chain(&stalled).copied().collect();
        samples.sort();
        let inputs = Inputs {
            as_of: day("2026-03-01"),
            samples,
            own: [("moving".to_owned(), moving), ("stalled".to_owned(), stalled)].into(),
            open: vec![work("moving", 0, 5, &[]), work("stalled", 0, 5, &[])],
            finished: BTreeSet::new(),
            stalls: BTreeMap::new(),
            hazard: None,
            phases: Vec::new(),
        };
        let f = forecast(&inputs);
        let p50 = |i: usize| f.changes[i].estimate.p50.map_or(i64::MAX, |d| d.number() - end);
        assert!(p50(0) <= 6, "moving: {:?}", f.changes[0]);
        assert!(p50(1) > 3 * p50(0), "stalled: {:?} vs {:?}", f.changes[1], f.changes[0]);
    }

    fn gap(days: i64, resumed: bool, quit: bool) -> Gap {
        Gap { days, started: true, resumed, quit }
    }

    #[test]
    fn stretches_say_how_likely_an_idle_change_resumes() {
        // Twenty stretches of 1 to 4 days that ended with a checked task,
        // five that ended with the change archived unfinished, two still
        // going on (censored at 2 and 30 days).
        let mut gaps: Vec<Gap> = (0..20).map(|i| gap(1 + i % 4, true, false)).collect();
        gaps.extend((0..5).map(|i| gap(i, false, true)));
        gaps.extend([gap(2, false, false), gap(30, false, false)]);
        // Idle longer than any stretch that resumed: 6 longer (5 quit, 1
        // still going on), none of which ended with a task: 6/7.
        let long = stall(&gaps, 10, true);
        assert_eq!((long.longer, long.never), (6, Some(6.0 / 7.0)));
        // Just worked: the share of stretches that never end, from the
        // Kaplan-Meier estimate: well below, above zero.
        let fresh = stall(&gaps, 0, true).quit_chance().unwrap();
        assert!((0.1..0.4).contains(&fresh), "{fresh}");
        // Stretches that ended with the change archived unfinished are as
        // long as any: past 30 days, those five alone.
        assert_eq!(stall(&gaps, 40, true).never, Some(5.0 / 6.0));
        // Too few stretches say nothing; born stretches are apart.
        assert_eq!(stall(&gaps[..4], 0, true).never, None);
        assert_eq!(stall(&gaps, 0, false).never, None);
    }

    #[test]
    fn a_change_that_may_stop_for_good_has_no_p80_and_says_why() {
        let stalled = Stall { idle: 20, started: true, longer: 9, never: Some(0.9) };
        let inputs = Inputs {
            as_of: day("2026-03-01"),
            samples: steady(1, "2026-03-01"),
            own: BTreeMap::new(),
            open: vec![work("a", 0, 3, &[]), work("b", 0, 2, &["a"]), work("c", 0, 2, &[])],
            finished: BTreeSet::new(),
            stalls: [("a".to_owned(), stalled)].into(),
            hazard: Some(Stall { idle: 0, started: true, longer: 50, never: Some(0.01) }),
            phases: Vec::new(),
        };
        let f = forecast(&inputs);
        let basis = &f.changes[0].estimate.basis;
        assert_eq!((f.changes[0].estimate.p50, f.changes[0].estimate.p80), (None, None), "{basis}");
        assert!(basis.starts_with("9"), "{basis}");
        assert!(basis.contains("% of runs never finish it (of changes idle 20 days since a checked task, 90% never resume; after a day's work, a change stops for good with a chance of 1%)"), "{basis}");
        // What waits for it stops with it; work of its own does not.
        assert_eq!(f.changes[1].estimate.p80, None);
        assert!(f.changes[2].estimate.p80.is_some(), "{:?}", f.changes[2]);
    }

    #[test]
    fn thin_history_and_stuck_changes_say_why() {
        let mut inputs = Inputs {
            as_of: day("2026-03-01"),
            samples: vec![(day("2026-02-28"), 2), (day("2026-03-01"), 0)],
            own: BTreeMap::new(),
            open: vec![work("a", 0, 3, &["idea"]), work("idea", 0, 0, &[]), work("b", 0, 2, &["gone"])],
            finished: BTreeSet::new(),
            stalls: BTreeMap::new(),
            hazard: None,
            phases: Vec::new(),
        };
        let thin = forecast(&inputs);
        assert_eq!(thin.project.p50, None);
        assert!(
            thin.project.basis.starts_with("too little history: 2 tasks of open work checked over the 2 days"),
            "{}",
            thin.project.basis
        );
        inputs.samples = steady(1, "2026-03-01");
        let f = forecast(&inputs);
        assert_eq!(f.changes[0].estimate.basis, "waits for `idea`, a draft with no tasks to forecast");
        assert_eq!(f.changes[1].estimate.basis, "waits for `gone`, which is not a change");
        assert_eq!(f.project.p80, None);
    }
}
