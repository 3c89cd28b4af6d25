//! Figure by figure differences between two versions of an announcement: what `history`
//! prints and what a superseded or conflicting figure reports to the caller.

use std::collections::BTreeMap;

use crate::model::{Announcement, Name, Stage};

/// One figure that differs between two versions: `(stage, category, holder)`, before, after.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub stage: Stage,
    pub category: Name,
    pub holder: Name,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// The rows of `after` that differ from `before`, added and removed ones included, in
/// stage, category, holder order.
pub fn changes(before: &Announcement, after: &Announcement) -> Vec<Change> {
    let rows = |a: &Announcement| -> BTreeMap<(Stage, Name, Name), f64> {
        a.quotas.iter().map(|r| ((r.stage, r.category.clone(), r.holder.clone()), r.tonnes)).collect()
    };
    let (old, new) = (rows(before), rows(after));
    let mut keys: Vec<_> = old.keys().chain(new.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|key| {
            let (b, a) = (old.get(&key).copied(), new.get(&key).copied());
            (b != a).then_some(Change { stage: key.0, category: key.1, holder: key.2, before: b, after: a })
        })
        .collect()
}
