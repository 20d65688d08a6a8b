//! Last year's reports for the pair checks ([`crate::check::pair`]): where the server finds the
//! report of the same body and the year before. Open documents first, as they were last analysed
//! (unsaved edits count), then the files of the workspace: an index of (body, year) → path, built
//! in the background from the head of each file ([`prior::sniff`]) and kept up to date by watched
//! file events; a file is parsed in full only when a check asks for it, and its figures are kept
//! while its size and modification time stay the same.
//!
//! A check records what it found ([`Found`]): the texts its diagnostics' related places point
//! into, by [`FileId`] (an index into that list), so that those places are converted against the
//! very text they were read from; and which (body, year) it looked for, so that a change to that
//! report checks it again.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use crate::diag::FileId;
use crate::prior::{self, Figures, PriorYear};

/// What the background reading of the workspace obeys: the end of the session, and the analyses
/// of open documents, to which it gives way between two files (on a machine with few cores, the
/// first diagnostics of a document opened while the workspace is read are not delayed by it).
#[derive(Debug, Default)]
pub struct Background {
    /// Set when the session has ended: the reading stops.
    pub stop: AtomicBool,
    /// Analyses running now.
    busy: AtomicUsize,
}

/// An analysis running: the background reading waits until it is dropped.
pub struct Busy<'a>(&'a AtomicUsize);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Background {
    /// Marks an analysis as running until the guard is dropped.
    pub fn busy(&self) -> Busy<'_> {
        self.busy.fetch_add(1, Ordering::AcqRel);
        Busy(&self.busy)
    }

    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Waits while an analysis runs; false once the session has ended.
    fn pass(&self) -> bool {
        loop {
            if self.stopped() {
                return false;
            }
            if self.busy.load(Ordering::Acquire) == 0 {
                return true;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
    }
}

/// A report's body (its [`prior::body_key`]) and year.
pub type Identity = (String, i32);

/// Extensions of the files the workspace index reads.
pub const EXTENSIONS: &[&str] = &["md", "markdown", "txt"];
/// The glob of the watched files (the same files).
pub const WATCH_GLOB: &str = "**/*.{md,markdown,txt}";
/// Folders the index does not enter, besides hidden ones.
const SKIPPED: &[&str] = &["target", "node_modules"];
/// At most this many files of a workspace are read for the index.
pub const MAX_FILES: usize = 100_000;
/// At most this many files are kept parsed.
const MAX_CACHED: usize = 32;

/// A text last year's figures were read from, as they were read.
#[derive(Debug)]
pub struct Source {
    pub uri: lsp::Uri,
    /// The text, for positions in the client's encoding.
    pub rope: Rope,
    /// The file name, for people.
    pub name: String,
}

/// What one check found outside the checked text.
#[derive(Debug, Default)]
pub struct Found {
    /// The texts of last year's reports, by [`FileId`].
    pub sources: Vec<Arc<Source>>,
    /// The bodies and years looked for.
    pub wanted: Vec<Identity>,
}

/// An open document's figures as of its last analysis.
struct Open {
    path: Option<PathBuf>,
    figures: Vec<Figures>,
    source: Arc<Source>,
}

/// A file's size, modification time and inode: unchanged, its figures are still good.
type Stamp = (u64, Option<SystemTime>, u64);

struct Cached {
    stamp: Stamp,
    figures: Vec<Figures>,
    source: Arc<Source>,
    used: u64,
}

/// The workspace's reports by body and year.
#[derive(Debug, Default)]
pub struct Index {
    by_path: HashMap<PathBuf, Identity>,
    /// By body, then year (looked up by `&str`: a check looks for each of its reports' bodies).
    by_identity: HashMap<String, HashMap<i32, BTreeSet<PathBuf>>>,
    /// The first walk of the workspace has ended.
    pub ready: bool,
    /// Paths to read again (watched file events), once the first walk has ended.
    pub pending: BTreeSet<PathBuf>,
    /// A task is reading `pending`.
    pub refreshing: bool,
}

impl Index {
    /// The files of report `(key, year)`, in order.
    fn paths(&self, key: &str, year: i32) -> Option<&BTreeSet<PathBuf>> {
        self.by_identity.get(key)?.get(&year)
    }

    /// Sets the identity of `path` (`None`: not a report any more), adding to `affected` the
    /// identities whose files changed.
    fn set(&mut self, path: PathBuf, id: Option<Identity>, affected: &mut Vec<Identity>) {
        if let Some(old) = self.by_path.remove(&path) {
            if let Some(years) = self.by_identity.get_mut(&old.0) {
                if let Some(set) = years.get_mut(&old.1) {
                    set.remove(&path);
                    if set.is_empty() {
                        years.remove(&old.1);
                    }
                }
                if years.is_empty() {
                    self.by_identity.remove(&old.0);
                }
            }
            affected.push(old);
        }
        if let Some(id) = id {
            self.by_identity
                .entry(id.0.clone())
                .or_default()
                .entry(id.1)
                .or_default()
                .insert(path.clone());
            self.by_path.insert(path, id.clone());
            affected.push(id);
        }
    }

    /// Forgets `path` and every file below it.
    fn remove_under(&mut self, path: &Path, affected: &mut Vec<Identity>) {
        let gone: Vec<PathBuf> = self
            .by_path
            .keys()
            .filter(|p| p.starts_with(path))
            .cloned()
            .collect();
        for p in gone {
            self.set(p, None, affected);
        }
    }
}

/// What reading a path again found.
#[derive(Debug)]
pub enum Update {
    /// A file, and the body and year of its report (`None`: not a report, or gone).
    File(PathBuf, Option<Identity>),
    /// A folder (or a path that is gone): everything known below it is replaced by these.
    Folder(PathBuf, Vec<(PathBuf, Identity)>),
}

/// Where last year's reports are found: open documents and the workspace index, with the files
/// parsed on demand.
pub struct Priors {
    open: HashMap<lsp::Uri, Open>,
    pub index: Index,
    cache: HashMap<PathBuf, Cached>,
    /// Files larger than this are not read (the document size limit).
    pub max_file: u64,
    tick: u64,
}

impl Priors {
    pub fn new(max_file: u64) -> Priors {
        Priors {
            open: HashMap::new(),
            index: Index::default(),
            cache: HashMap::new(),
            max_file,
            tick: 0,
        }
    }

    /// Last year's report `(key, year)` for a check of the document `me`: an open document's (as
    /// last analysed; the smallest URI when several are), else an indexed file's that is not open
    /// (the first path in order).
    pub fn find(&mut self, me: &lsp::Uri, key: &str, year: i32) -> Option<(Arc<Source>, Figures)> {
        let wanted = Some((key, year));
        let mut best: Option<(&lsp::Uri, &Open, &Figures)> = None;
        for (uri, o) in &self.open {
            if uri == me || best.is_some_and(|(b, _, _)| b.as_str() <= uri.as_str()) {
                continue;
            }
            if let Some(f) = o.figures.iter().find(|f| f.identity() == wanted) {
                best = Some((uri, o, f));
            }
        }
        if let Some((_, o, f)) = best {
            return Some((Arc::clone(&o.source), f.clone()));
        }
        let paths = self.index.paths(key, year)?;
        let mine = file_path(me);
        let paths: Vec<PathBuf> = paths
            .iter()
            .filter(|p| {
                mine.as_ref() != Some(*p)
                    && !self.open.values().any(|o| o.path.as_ref() == Some(*p))
            })
            .cloned()
            .collect();
        paths.iter().find_map(|p| self.in_file(p, key, year))
    }

    /// The figures of report `(key, year)` in the file at `path`, parsed unless kept.
    fn in_file(&mut self, path: &Path, key: &str, year: i32) -> Option<(Arc<Source>, Figures)> {
        self.tick += 1;
        let stamp = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file() && m.len() <= self.max_file)
            .map(|m| stamp(&m));
        let Some(stamp) = stamp else {
            self.cache.remove(path);
            return None;
        };
        let fresh = self.cache.get(path).is_some_and(|c| c.stamp == stamp);
        if !fresh {
            let text = read_text(path, self.max_file)?;
            let doc = crate::parse::parse(&text);
            let figures: Vec<Figures> = doc
                .annual_reports()
                .map(Figures::of)
                .filter(|f| f.identity().is_some())
                .collect();
            let uri = lsp::Uri::from_file_path(path)?;
            let source = Arc::new(Source {
                name: super::file_name(&uri),
                uri,
                rope: Rope::from_str(&text),
            });
            if self.cache.len() >= MAX_CACHED
                && let Some(old) = self
                    .cache
                    .iter()
                    .min_by_key(|(_, c)| c.used)
                    .map(|(p, _)| p.clone())
            {
                self.cache.remove(&old);
            }
            self.cache.insert(
                path.to_path_buf(),
                Cached {
                    stamp,
                    figures,
                    source,
                    used: 0,
                },
            );
        }
        let c = self.cache.get_mut(path)?;
        c.used = self.tick;
        let f = c
            .figures
            .iter()
            .find(|f| f.identity() == Some((key, year)))?;
        Some((Arc::clone(&c.source), f.clone()))
    }

    /// Records an open document's figures after its analysis; returns the identities whose
    /// figures changed, sorted (the documents that looked for them are to be checked again).
    pub fn set_open(
        &mut self,
        uri: &lsp::Uri,
        figures: Vec<Figures>,
        rope: &Rope,
    ) -> Vec<Identity> {
        let now = identities(&figures);
        if now.is_empty() {
            return self.remove_open(uri);
        }
        let source = || {
            Arc::new(Source {
                uri: uri.clone(),
                rope: rope.clone(),
                name: super::file_name(uri),
            })
        };
        match self.open.get_mut(uri) {
            Some(o) if o.figures == figures => {
                // The same figures; the text around them may have changed.
                o.source = Arc::new(Source {
                    uri: o.source.uri.clone(),
                    rope: rope.clone(),
                    name: o.source.name.clone(),
                });
                Vec::new()
            }
            Some(o) => {
                let mut affected = identities(&o.figures);
                affected.extend(now);
                affected.sort();
                affected.dedup();
                o.figures = figures;
                o.source = source();
                affected
            }
            None => {
                self.open.insert(
                    uri.clone(),
                    Open {
                        path: file_path(uri),
                        figures,
                        source: source(),
                    },
                );
                now
            }
        }
    }

    /// Forgets an open document (closed, or no longer read); returns its identities.
    pub fn remove_open(&mut self, uri: &lsp::Uri) -> Vec<Identity> {
        match self.open.remove(uri) {
            Some(o) => identities(&o.figures),
            None => Vec::new(),
        }
    }

    /// Applies what reading paths again found; returns the identities whose files changed.
    pub fn apply(&mut self, updates: Vec<Update>) -> Vec<Identity> {
        let mut affected = Vec::new();
        for u in updates {
            match u {
                Update::File(path, id) => {
                    self.cache.remove(&path);
                    self.index.set(path, id, &mut affected);
                }
                Update::Folder(path, found) => {
                    self.cache.retain(|p, _| !p.starts_with(&path));
                    self.index.remove_under(&path, &mut affected);
                    for (p, id) in found {
                        self.index.set(p, Some(id), &mut affected);
                    }
                }
            }
        }
        affected.sort();
        affected.dedup();
        affected
    }

    /// Replaces the index with the first walk's entries (events that came meanwhile are read
    /// again after it).
    pub fn set_index(&mut self, entries: Vec<(PathBuf, Identity)>) -> Vec<Identity> {
        let mut affected = Vec::new();
        for (p, id) in entries {
            self.index.set(p, Some(id), &mut affected);
        }
        self.index.ready = true;
        affected.sort();
        affected.dedup();
        affected
    }
}

/// The [`crate::check::Lookup`] of one check of the document `me`: finds last year's reports and
/// records what it found.
pub struct Lookup<'a> {
    priors: RefCell<&'a mut Priors>,
    me: &'a lsp::Uri,
    found: RefCell<Found>,
}

impl<'a> Lookup<'a> {
    pub fn new(priors: &'a mut Priors, me: &'a lsp::Uri) -> Lookup<'a> {
        Lookup {
            priors: RefCell::new(priors),
            me,
            found: RefCell::new(Found::default()),
        }
    }

    pub fn find(&self, key: &str, year: i32) -> Option<PriorYear> {
        let mut found = self.found.borrow_mut();
        // A compilation of one body's copies looks for the same report again and again.
        if found
            .wanted
            .last()
            .is_none_or(|(k, y)| k != key || *y != year)
        {
            found.wanted.push((key.to_string(), year));
        }
        let (source, figures) = self.priors.borrow_mut().find(self.me, key, year)?;
        let id = match found.sources.iter().position(|s| Arc::ptr_eq(s, &source)) {
            Some(i) => i,
            None => {
                found.sources.push(source);
                found.sources.len() - 1
            }
        };
        Some(PriorYear {
            file: Some(FileId(u32::try_from(id).ok()?)),
            figures,
        })
    }

    pub fn finish(self) -> Found {
        let mut found = self.found.into_inner();
        found.wanted.sort();
        found.wanted.dedup();
        found
    }
}

/// The bodies and years of reports' figures, sorted, each once.
fn identities(figures: &[Figures]) -> Vec<Identity> {
    let mut ids: Vec<Identity> = figures
        .iter()
        .filter_map(|f| f.identity().map(|(k, y)| (k.to_string(), y)))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The path of a `file:` URI.
pub fn file_path(uri: &lsp::Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// The paths of the workspace folders (or the root) of an initialize request.
pub fn roots(folders: Option<&[lsp::WorkspaceFolder]>, root: Option<&lsp::Uri>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match folders {
        Some(f) if !f.is_empty() => f.iter().filter_map(|f| file_path(&f.uri)).collect(),
        _ => root.and_then(file_path).into_iter().collect(),
    };
    out.retain(|p| p.is_absolute());
    out.dedup();
    out
}

fn stamp(m: &std::fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    (m.len(), m.modified().ok(), m.ino())
}

fn has_extension(path: &Path) -> bool {
    path.extension()
        .and_then(OsStr::to_str)
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// A folder the index does not enter: hidden, `target`, `node_modules`.
fn skipped_folder(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || SKIPPED.contains(&name.as_ref())
}

/// Whether a path of a watched file event is one the index reads: below a root, in no skipped
/// folder, and (for a file) with one of [`EXTENSIONS`].
pub fn in_scope(roots: &[PathBuf], path: &Path, is_file: bool) -> bool {
    let Some(rel) = roots.iter().find_map(|r| path.strip_prefix(r).ok()) else {
        return false;
    };
    let folders = if is_file {
        rel.parent().unwrap_or(Path::new(""))
    } else {
        rel
    };
    folders.iter().all(|c| !skipped_folder(c)) && (!is_file || has_extension(path))
}

/// Decodes a file's text as an editor shows it: a byte-order mark (UTF-8 or UTF-16) taken off,
/// else UTF-8, else GB18030; `None` when the bytes are none of these.
fn decode(bytes: &[u8]) -> Option<String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|t| t.into_owned());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
}

/// The text of a file no larger than `max`.
fn read_text(path: &Path, max: u64) -> Option<String> {
    let f = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    f.take(max.saturating_add(1)).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > max {
        return None;
    }
    decode(&bytes)
}

/// The body and year of the report a file starts with, read from its first [`prior::HEAD_BYTES`]
/// (a character cut at the end of that part is left out).
pub fn sniff_file(path: &Path) -> Option<Identity> {
    let f = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(prior::HEAD_BYTES + 4);
    f.take(prior::HEAD_BYTES as u64 + 4)
        .read_to_end(&mut head)
        .ok()?;
    let text = if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&head) {
        enc.decode_without_bom_handling(&head[bom..]).0.into_owned()
    } else {
        match std::str::from_utf8(&head) {
            Ok(s) => s.to_string(),
            // Cut inside a character at the end.
            Err(e) if e.error_len().is_none() => {
                String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned()
            }
            Err(_) => encoding_rs::GB18030
                .decode_without_bom_handling(&head)
                .0
                .into_owned(),
        }
    };
    prior::sniff(&text)
}

/// A file or folder by device and inode.
fn identity_of(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

/// What a walk of folders found.
#[derive(Debug, Default)]
pub struct Walked {
    /// The reports' files with their bodies and years.
    pub entries: Vec<(PathBuf, Identity)>,
    /// How many files were read.
    pub files: usize,
    /// [`MAX_FILES`] were read and the walk stopped there.
    pub truncated: bool,
}

/// Walks folders as `nianbao check` does (sorted by name, links followed, every file and folder
/// once by device and inode) without entering hidden folders, `target` and `node_modules`, and
/// reads the head of every `.md`, `.markdown` and `.txt` file no larger than `max_file`. Stops
/// early when `stop` is set.
pub fn walk(roots: &[PathBuf], max_file: u64, gate: &Background) -> Walked {
    let mut out = Walked::default();
    let mut seen_dirs = HashSet::new();
    let mut seen_files = HashSet::new();
    'roots: for root in roots {
        let entries = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if !e.file_type().is_dir() {
                    return true;
                }
                if e.depth() > 0 && skipped_folder(e.file_name()) {
                    return false;
                }
                e.metadata()
                    .map(|m| seen_dirs.insert(identity_of(&m)))
                    .unwrap_or(true)
            });
        for entry in entries {
            if !gate.pass() {
                break 'roots;
            }
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() || !has_extension(entry.path()) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.len() > max_file || !seen_files.insert(identity_of(&meta)) {
                continue;
            }
            if out.files == MAX_FILES {
                out.truncated = true;
                break 'roots;
            }
            out.files += 1;
            if let Some(id) = sniff_file(entry.path()) {
                out.entries.push((entry.into_path(), id));
            }
        }
    }
    out
}

/// Reads paths of watched file events again: a file's head, a folder's files, nothing for what
/// is gone or out of scope.
pub fn read_again(
    roots: &[PathBuf],
    paths: Vec<PathBuf>,
    max_file: u64,
    gate: &Background,
) -> Vec<Update> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        if !gate.pass() {
            break;
        }
        let meta = std::fs::metadata(&path).ok();
        match meta {
            Some(m) if m.is_file() => {
                let id = (in_scope(roots, &path, true) && m.len() <= max_file)
                    .then(|| sniff_file(&path))
                    .flatten();
                out.push(Update::File(path, id));
            }
            Some(m) if m.is_dir() && in_scope(roots, &path, false) => {
                let found = walk(std::slice::from_ref(&path), max_file, gate).entries;
                out.push(Update::Folder(path, found));
            }
            _ => out.push(Update::Folder(path, Vec::new())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_skips_hidden_and_build_folders() {
        let roots = [PathBuf::from("/w")];
        assert!(in_scope(&roots, Path::new("/w/a/报告.md"), true));
        assert!(in_scope(&roots, Path::new("/w/报告.TXT"), true));
        assert!(!in_scope(&roots, Path::new("/w/报告.docx"), true));
        assert!(!in_scope(&roots, Path::new("/w/.git/x.md"), true));
        assert!(!in_scope(&roots, Path::new("/w/a/node_modules/x.md"), true));
        assert!(!in_scope(&roots, Path::new("/w/target/x.md"), true));
        assert!(!in_scope(&roots, Path::new("/elsewhere/x.md"), true));
        assert!(in_scope(&roots, Path::new("/w/a"), false));
        assert!(!in_scope(&roots, Path::new("/w/.hidden"), false));
    }

    #[test]
    fn text_is_decoded_as_an_editor_shows_it() {
        assert_eq!(decode("年报".as_bytes()).as_deref(), Some("年报"));
        assert_eq!(decode(b"\xEF\xBB\xBFab").as_deref(), Some("ab"));
        let (gbk, _, _) = encoding_rs::GB18030.encode("年度报告");
        assert_eq!(decode(&gbk).as_deref(), Some("年度报告"));
        assert_eq!(decode(&[0xFF, 0xFE, b'a', 0]).as_deref(), Some("a"));
    }

    #[test]
    fn the_walk_reads_report_heads_and_skips_what_it_should() {
        let (_, text) = crate::test_support::seeds().into_iter().next().unwrap();
        let want = prior::sniff(&text).expect("the seed names its body and year");
        let d = tempfile::tempdir().unwrap();
        let root = d.path().to_path_buf();
        for dir in ["a", ".git", "target", "node_modules", "b"] {
            std::fs::create_dir(root.join(dir)).unwrap();
        }
        for p in [
            "a/r.md",
            ".git/r.md",
            "target/r.txt",
            "node_modules/r.md",
            "b/r.docx",
        ] {
            std::fs::write(root.join(p), &text).unwrap();
        }
        std::fs::write(root.join("b/note.txt"), "hello").unwrap();
        // GB18030 with a character cut by the head's end.
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        std::fs::write(root.join("b/gbk.txt"), &gbk).unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("b/up")).unwrap();
        std::fs::write(root.join("big.md"), format!("{text}\n\n")).unwrap();
        let w = walk(
            std::slice::from_ref(&root),
            text.len() as u64,
            &Background::default(),
        );
        let got: Vec<(String, Identity)> = w
            .entries
            .iter()
            .map(|(p, id)| {
                (
                    p.strip_prefix(&root).unwrap().display().to_string(),
                    id.clone(),
                )
            })
            .collect();
        // big.md is over the limit; a/r.md is reached once although linked from b.
        assert_eq!(
            got,
            [
                ("a/r.md".to_string(), want.clone()),
                ("b/gbk.txt".to_string(), want)
            ]
        );
        let w = walk(std::slice::from_ref(&root), 1 << 20, &Background::default());
        let names: Vec<String> = w
            .entries
            .iter()
            .map(|(p, _)| p.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a/r.md", "b/gbk.txt", "big.md"]);
        assert_eq!(w.files, 4);
        // Stopped: nothing more is read.
        let stopped = Background::default();
        stopped.stop.store(true, Ordering::SeqCst);
        assert!(walk(&[root], 1 << 20, &stopped).entries.is_empty());
    }

    #[test]
    fn the_walk_gives_way_to_analyses() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let (_, text) = crate::test_support::seeds().into_iter().next().unwrap();
        std::fs::write(root.join("r.md"), text).unwrap();
        let background = Arc::new(Background::default());
        let busy = background.busy();
        let (tx, rx) = std::sync::mpsc::channel();
        let b = Arc::clone(&background);
        let r = root.clone();
        let t = std::thread::spawn(move || tx.send(walk(&[r], 1 << 20, &b).entries.len()));
        // While an analysis runs, the walk reads nothing.
        assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
        drop(busy);
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), 1);
        t.join().unwrap().unwrap();
        // An analysis that never ends does not keep a session's end waiting.
        let _busy = background.busy();
        background.stop.store(true, Ordering::SeqCst);
        assert!(walk(&[root], 1 << 20, &background).entries.is_empty());
    }
}
