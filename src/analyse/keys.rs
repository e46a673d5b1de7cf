//! Insertion-ordered sets of requirement keys with constant-time lookup.
//!
//! The official validator keeps names in JavaScript `Set`s and `Map`s, which
//! remember insertion order; issues are reported in that order. These types
//! keep the order and make membership tests O(1), so a delta with hundreds of
//! thousands of requirements is checked in linear time.

use std::collections::{HashMap, HashSet};

/// A set that iterates in insertion order.
#[derive(Debug, Default, Clone)]
pub struct OrderedSet {
    order: Vec<String>,
    seen: HashSet<String>,
}

impl OrderedSet {
    /// Insert a key; false when it was already there (the order is unchanged).
    pub fn insert(&mut self, key: String) -> bool {
        if self.seen.contains(&key) {
            return false;
        }
        self.seen.insert(key.clone());
        self.order.push(key);
        true
    }

    pub fn contains(&self, key: &str) -> bool {
        self.seen.contains(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.order.iter()
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// First key seen for each folded spelling.
#[derive(Debug, Default, Clone)]
pub struct FoldIndex {
    first: HashMap<String, String>,
}

impl FoldIndex {
    /// Build from keys in order with a folding function.
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a String>, fold: impl Fn(&str) -> String) -> Self {
        let mut first = HashMap::new();
        for key in keys {
            first.entry(fold(key)).or_insert_with(|| key.clone());
        }
        FoldIndex { first }
    }

    /// The first key whose fold is `folded`.
    pub fn first(&self, folded: &str) -> Option<&str> {
        self.first.get(folded).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_insertion_order() {
        let mut set = OrderedSet::default();
        assert!(set.insert("b".into()));
        assert!(set.insert("a".into()));
        assert!(!set.insert("b".into()));
        assert_eq!(set.iter().collect::<Vec<_>>(), ["b", "a"]);
        assert!(set.contains("a"));
        let folds = FoldIndex::new(set.iter(), |s| s.to_uppercase());
        assert_eq!(folds.first("A"), Some("a"));
    }
}
