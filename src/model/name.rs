//! Category and holder names, interned: each distinct text is kept once for the life of the
//! process, and a [`Name`] is its 4-byte id. A million quota rows name the same few hundred
//! holders over and over; with 4-byte names a [`super::QuotaRow`] takes 24 bytes instead of
//! 48 (two 16-byte `Arc<str>`), and copying or dropping a name touches no reference count.
//!
//! Names are never freed. What the ledger accepts it keeps for the whole run anyway (every
//! version of every announcement), so interning adds only the names of documents that were
//! parsed and then rejected, and a source polled again names the same texts again: the
//! table grows with the distinct names seen, not with the polls.
//!
//! The table is append-only and read without a lock: segment `k` holds `FIRST << k` slots,
//! allocated when the first id in it is handed out; a slot is filled before its id leaves the
//! interner's lock, so every id a [`Name`] holds resolves.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Mutex, OnceLock, PoisonError};

use serde::Serialize;

/// Slots in the first segment; each later segment doubles.
const FIRST: usize = 256;
/// 256 x (2^24 - 1) slots in all: every `u32` id but the last 256.
const SEGMENTS: usize = 24;

static TABLE: [OnceLock<Box<[OnceLock<&'static str>]>>; SEGMENTS] = [const { OnceLock::new() }; SEGMENTS];
static INDEX: OnceLock<Mutex<Interner>> = OnceLock::new();

#[derive(Default)]
struct Interner {
    ids: foldhash::HashMap<&'static str, u32>,
    next: u32,
}

/// The segment and the slot in it of `id`.
fn locate(id: u32) -> (usize, usize) {
    let n = id as usize / FIRST + 1;
    let segment = (usize::BITS - 1 - n.leading_zeros()) as usize;
    (segment, id as usize - FIRST * ((1 << segment) - 1))
}

/// The id of `text`, interning it (with `own` making the leaked copy) when it is new.
fn intern(text: &str, own: impl FnOnce() -> Box<str>) -> u32 {
    let index = INDEX.get_or_init(Mutex::default);
    // A panic elsewhere while holding the lock leaves the table consistent: every step below
    // that can fail comes before the id is recorded.
    let mut interner = index.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&id) = interner.ids.get(text) {
        return id;
    }
    let id = interner.next;
    let (segment, slot) = locate(id);
    // 4 billion distinct names would take hundreds of GB first; the assert cannot be reached by data.
    assert!(segment < SEGMENTS, "more than {} distinct names", u32::MAX);
    let slots = TABLE[segment].get_or_init(|| (0..FIRST << segment).map(|_| OnceLock::new()).collect());
    let leaked: &'static str = Box::leak(own());
    // Only this thread, under the lock, fills slot `id`: it is empty.
    let _ = slots[slot].set(leaked);
    interner.ids.insert(leaked, id);
    interner.next = id + 1;
    id
}

/// A category slug or a holder name, interned (see the module documentation). Compares,
/// orders and hashes as its text.
#[derive(Clone)]
pub struct Name(u32);

impl Name {
    pub fn as_str(&self) -> &'static str {
        let (segment, slot) = locate(self.0);
        // Always filled: an id exists only once its slot is (see `intern`).
        TABLE[segment].get().and_then(|slots| slots.get(slot)).and_then(OnceLock::get).copied().unwrap_or("")
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        // One id per distinct text.
        self.0 == other.0
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        if self.0 == other.0 { Ordering::Equal } else { self.as_str().cmp(other.as_str()) }
    }
}

impl Hash for Name {
    /// As the text, so a map keyed by names can be searched by `&str` ([`Borrow`]).
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Name(intern(text, || Box::from(text)))
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Name::from(text.as_str())
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_the_ids_in_order_without_gaps() {
        let mut expected = (0, 0);
        for id in 0..FIRST as u32 * 20 {
            assert_eq!(locate(id), expected, "id {id}");
            expected.1 += 1;
            if expected.1 == FIRST << expected.0 {
                expected = (expected.0 + 1, 0);
            }
        }
        // The last id that fits, and the first that does not.
        let last = (FIRST * ((1 << SEGMENTS) - 1) - 1) as u32;
        assert_eq!(locate(last), (SEGMENTS - 1, (FIRST << (SEGMENTS - 1)) - 1));
        assert_eq!(locate(last + 1).0, SEGMENTS);
    }

    #[test]
    fn the_same_text_is_one_name_and_names_order_as_their_text() {
        let texts: Vec<String> = (0..3000).map(|i| format!("name-test holder {i:05}")).collect();
        let names: Vec<Name> = texts.iter().map(|t| Name::from(t.as_str())).collect();
        for (text, name) in texts.iter().zip(&names) {
            assert_eq!(name.as_str(), text);
            assert_eq!(Name::from(text.clone()), *name);
        }
        let mut sorted = names.clone();
        sorted.reverse();
        sorted.sort();
        assert_eq!(sorted, names, "textual order (the texts were made in order)");
        let (a, b, ab) = (Name::from("a"), Name::from("b"), Name::from("ab"));
        assert!(b > a && a < ab && ab < b);
        assert_eq!(format!("{:?}", Name::from("x\"y")), "\"x\\\"y\"");
    }

    #[test]
    fn names_interned_on_several_threads_resolve_everywhere() {
        let threads: Vec<_> = (0..4)
            .map(|t| {
                std::thread::spawn(move || {
                    (0..2000)
                        .map(|i| (i, Name::from(format!("name-thread {}", (i * 7 + t) % 2500))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all = Vec::new();
        for thread in threads {
            all.extend(thread.join().expect("thread"));
        }
        for (_, name) in &all {
            assert!(name.as_str().starts_with("name-thread "));
            assert_eq!(Name::from(name.as_str()), *name);
        }
    }

    #[test]
    fn a_map_of_names_is_searched_by_text() {
        let mut map = std::collections::HashMap::new();
        map.insert(Name::from("light"), 1);
        assert_eq!(map.get("light"), Some(&1));
        assert_eq!(map.get("heavy"), None);
    }
}
