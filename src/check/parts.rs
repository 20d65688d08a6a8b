//! A report in parts, and what report checks make of a part remembered by its text.
//!
//! A part runs from a heading's line to the next heading's (the part before the first heading is
//! one too). While a report is edited, every part but the one typed in is as it was, so a check
//! whose findings in a part depend only on the part's text (and a few values it names) makes
//! them once per text and finds them again at the next keystroke instead of reading the report
//! again ([`remembered`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::rc::Rc;
use std::thread::LocalKey;

use super::ReportCtx;

/// A part of a report, in which one section stands.
pub struct Part {
    pub range: Range<usize>,
    /// Index into [`crate::spec::SECTIONS`]; `None` before the first heading.
    pub section: Option<usize>,
}

impl ReportCtx<'_> {
    /// The parts of the report, in order; `None` if the headings are not in the order of the
    /// text.
    pub fn parts(&self) -> Option<Vec<Part>> {
        let r = self.report;
        let text = self.text();
        let mut out = vec![Part {
            range: r.range.start..r.range.end,
            section: None,
        }];
        for s in &r.sections {
            // The start of the heading's line.
            let at = crate::text::line_start(text, s.line.start.min(text.len())).max(r.range.start);
            let last = out.last_mut()?;
            if at < last.range.start || at > r.range.end || s.line.start < at {
                return None;
            }
            last.range.end = at;
            out.push(Part {
                range: at..r.range.end,
                section: Some(s.index),
            });
        }
        out.retain(|p| !p.range.is_empty());
        Some(out)
    }
}

/// What was made of texts, by a hash of each, with the bytes of text it holds: each entry is the
/// text, what else it was made with (`K`), and what was made.
pub struct Memory<K, T> {
    entries: HashMap<u64, Vec<Entry<K, T>>>,
    bytes: usize,
}

/// A memory as a thread keeps it.
pub type Memo<K, T> = RefCell<Memory<K, T>>;

struct Entry<K, T> {
    text: Box<str>,
    key: K,
    made: Rc<T>,
}

impl<K, T> Default for Memory<K, T> {
    fn default() -> Self {
        Memory {
            entries: HashMap::new(),
            bytes: 0,
        }
    }
}

/// The most text one memory holds (what it keeps for it is about ten times more); past it, the
/// memory starts again empty.
pub const MEMORY_BYTES: usize = 1 << 20;

/// What `make` makes of `text` with `key`, remembered in `memory` (per thread): made only when the
/// same text was not seen with the same key. `hashed` is the part of the key that is hashed (the
/// rest is only compared); the hash reads the text's length and ends, and the text is compared
/// in full.
pub fn remembered<K: PartialEq + 'static, T: 'static>(
    memory: &'static LocalKey<Memo<K, T>>,
    text: &str,
    key: K,
    hashed: impl Hash,
    make: impl FnOnce() -> T,
) -> Rc<T> {
    let mut h = rustc_hash::FxHasher::default();
    let b = text.as_bytes();
    (
        b.len(),
        &b[..b.len().min(32)],
        &b[b.len().saturating_sub(32)..],
        hashed,
    )
        .hash(&mut h);
    let hash = h.finish();
    let found = memory.with(|m| {
        m.borrow().entries.get(&hash).and_then(|v| {
            v.iter()
                .find(|e| e.key == key && &*e.text == text)
                .map(|e| Rc::clone(&e.made))
        })
    });
    if let Some(made) = found {
        return made;
    }
    let made = Rc::new(make());
    memory.with(|m| {
        let m = &mut *m.borrow_mut();
        if m.bytes + text.len() > MEMORY_BYTES {
            *m = Memory::default();
        }
        m.bytes += text.len();
        m.entries.entry(hash).or_default().push(Entry {
            text: text.into(),
            key,
            made: Rc::clone(&made),
        });
    });
    made
}

/// Forgets everything `memory` holds (for tests: what is remembered must be what is made afresh).
#[cfg(test)]
pub fn forget<K: 'static, T: 'static>(memory: &'static LocalKey<Memo<K, T>>) {
    memory.with(|m| *m.borrow_mut() = Memory::default());
}
