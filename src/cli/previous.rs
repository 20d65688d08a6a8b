//! Last year's reports for `check`: the text reports among the given paths and in the folders of
//! the given files, indexed by body and year from their first lines only; a report is read whole
//! only when a checked report asks for its body's year before. `--previous FILE` names last
//! year's report explicitly; `--no-previous` turns the search off.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::diag::FileId;
use crate::prior::{self, Figures, PriorYear};
use crate::text::{Encoding, LineIndex, Position};

use super::input::read_input;

/// Extensions of the files read as last year's report without being named: text, whose first
/// lines are cheap to read (a Word document or PDF counts when it is given, see [`Previous`]).
const TEXT_EXTENSIONS: &[&str] = &["md", "markdown", "txt"];

/// A report read as last year's: its figures, and the places they stand at.
struct Loaded {
    id: FileId,
    path: PathBuf,
    display: String,
    reports: Vec<Figures>,
    /// Where each figure's range starts and ends in UTF-16 (JSON), and starts in characters
    /// (human output).
    places: HashMap<Range<usize>, [Position; 3]>,
}

/// A range of another file, as the output shows it.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub display: String,
    pub path: Option<PathBuf>,
    pub start16: Position,
    pub end16: Position,
    pub start32: Position,
}

/// The reports that can be last year's, and those read so far.
pub(crate) struct Previous {
    /// Candidates by body and year.
    index: HashMap<(String, i32), Vec<PathBuf>>,
    /// The candidates.
    indexed: HashSet<PathBuf>,
    /// `--previous FILE`, read at the start.
    explicit: Option<Arc<Loaded>>,
    /// Reports read whole, by path (`None`: could not be read).
    loaded: Mutex<HashMap<PathBuf, Option<Arc<Loaded>>>>,
    /// Paths by `FileId`.
    files: Mutex<Vec<(PathBuf, Arc<Loaded>)>>,
    limit: u64,
}

impl Previous {
    /// No search at all (`--no-previous`, or standard input alone).
    pub fn none(limit: u64) -> Previous {
        Previous {
            index: HashMap::new(),
            indexed: HashSet::new(),
            explicit: None,
            loaded: Mutex::new(HashMap::new()),
            files: Mutex::new(Vec::new()),
            limit,
        }
    }

    /// Indexes the text reports among `files` (the checked files) and beside them; reads
    /// `explicit` whole. An explicit file that cannot be read, or is not a report naming its year,
    /// is an error for the user.
    pub fn build(files: &[PathBuf], explicit: Option<&Path>, limit: u64) -> Result<Self, String> {
        let mut p = Previous::none(limit);
        if let Some(path) = explicit {
            let loaded = p
                .load(path)
                .map_err(|e| format!("无法读取上一年度报告 {}：{e}", path.display()))?;
            if !loaded.reports.iter().any(|f| f.year.is_some()) {
                return Err(format!(
                    "{} 不是注明年度的政府信息公开工作年度报告，不能作为上一年度报告",
                    path.display()
                ));
            }
            p.explicit = Some(loaded);
            return Ok(p);
        }
        let mut candidates: Vec<PathBuf> = files
            .iter()
            .filter(|f| f.as_os_str() != "-" && has_text_extension(f))
            .cloned()
            .collect();
        let mut folders: Vec<PathBuf> = files
            .iter()
            .filter(|f| f.as_os_str() != "-")
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        folders.sort();
        folders.dedup();
        for dir in folders {
            let dir = if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            };
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if has_text_extension(&path) && e.file_type().is_ok_and(|t| t.is_file()) {
                    candidates.push(path);
                }
            }
        }
        candidates.sort();
        candidates.dedup();
        use rayon::prelude::*;
        let found: Vec<(PathBuf, (String, i32))> = candidates
            .into_par_iter()
            .filter_map(|path| {
                let id = sniff(&path, limit)?;
                Some((path, id))
            })
            .collect();
        for (path, id) in found {
            p.indexed.insert(path.clone());
            p.index.entry(id).or_default().push(path);
        }
        Ok(p)
    }

    /// Last year's report of body `key` for a report of year `year + 1` in `checked`: the
    /// explicit one; else the only candidate in the checked file's folder; else the only one
    /// among the others. Two candidates at the same distance: none (which is meant cannot be
    /// told).
    pub fn find(&self, checked: Option<&Path>, key: &str, year: i32) -> Option<PriorYear> {
        if let Some(e) = &self.explicit {
            // The user named it: its body may be written differently, its year must be right.
            let mut years = e.reports.iter().filter(|f| f.year == Some(year));
            let f = years.next()?;
            if years.next().is_some() {
                return None;
            }
            let mut figures = f.clone();
            figures.key = Some(key.to_string());
            return Some(PriorYear {
                file: Some(e.id),
                figures,
            });
        }
        let paths = self.index.get(&(key.to_string(), year))?;
        let paths: Vec<&PathBuf> = paths
            .iter()
            .filter(|p| checked.is_none_or(|c| !same_file(c, p)))
            .collect();
        let folder = checked.and_then(Path::parent);
        let near: Vec<&PathBuf> = paths
            .iter()
            .copied()
            .filter(|p| folder.is_some_and(|f| p.parent() == Some(f)))
            .collect();
        let path = match (near.as_slice(), paths.as_slice()) {
            ([one], _) => *one,
            ([], [one]) => *one,
            _ => return None,
        };
        let loaded = self.loaded_or_load(path)?;
        let f = loaded
            .reports
            .iter()
            .find(|f| f.identity() == Some((key, year)))?;
        Some(PriorYear {
            file: Some(loaded.id),
            figures: f.clone(),
        })
    }

    /// A checked file's reports, offered as some other report's last year (read once: a file of
    /// a folder is often both).
    pub fn offer(&self, path: &Path, text: &str, doc: &crate::model::Document) {
        if self.explicit.is_some() || !self.indexed.contains(path) {
            return;
        }
        // Only a report that some report of the next year may ask for is kept.
        let asked = doc.reports.iter().any(|r| {
            Figures::of(r)
                .identity()
                .is_some_and(|(k, y)| self.index.contains_key(&(k.to_string(), y + 1)))
        });
        if !asked {
            return;
        }
        let Ok(mut loaded) = self.loaded.lock() else {
            return;
        };
        if loaded.contains_key(path) {
            return;
        }
        let l = self.register(path, &display_of(path), text, doc);
        loaded.insert(path.to_path_buf(), l);
    }

    /// Where a range of another file stands, for the output.
    pub fn place(&self, file: FileId, range: &Range<usize>) -> Option<Place> {
        let files = self.files.lock().ok()?;
        let (_, loaded) = files.get(file.0 as usize)?;
        let [start16, end16, start32] = *loaded.places.get(range)?;
        Some(Place {
            display: loaded.display.clone(),
            path: Some(loaded.path.clone()),
            start16,
            end16,
            start32,
        })
    }

    fn loaded_or_load(&self, path: &Path) -> Option<Arc<Loaded>> {
        if let Some(l) = self.loaded.lock().ok()?.get(path) {
            return l.clone();
        }
        let l = self.load(path).ok();
        self.loaded
            .lock()
            .ok()?
            .insert(path.to_path_buf(), l.clone());
        l
    }

    fn load(&self, path: &Path) -> Result<Arc<Loaded>, String> {
        let input = read_input(path, self.limit, false)?;
        let doc = crate::parse::parse(&input.text);
        self.register(path, &input.display, &input.text, &doc)
            .ok_or_else(|| "内部错误".to_string())
    }

    /// A report read whole, known from now on by a new `FileId`.
    fn register(
        &self,
        path: &Path,
        display: &str,
        text: &str,
        doc: &crate::model::Document,
    ) -> Option<Arc<Loaded>> {
        let reports: Vec<Figures> = doc.reports.iter().map(Figures::of).collect();
        let idx = LineIndex::new(text);
        let mut places = HashMap::new();
        for f in &reports {
            let mut f = f.clone();
            for r in f.ranges_mut() {
                let at = |o: usize, enc: Encoding| idx.position(text, o, enc);
                places.insert(
                    r.clone(),
                    [
                        at(r.start, Encoding::Utf16),
                        at(r.end, Encoding::Utf16),
                        at(r.start, Encoding::Utf32),
                    ],
                );
            }
        }
        let mut files = self.files.lock().ok()?;
        let loaded = Arc::new(Loaded {
            id: FileId(files.len() as u32),
            path: path.to_path_buf(),
            display: display.to_string(),
            reports,
            places,
        });
        files.push((path.to_path_buf(), Arc::clone(&loaded)));
        Some(loaded)
    }
}

/// A path as the output shows it (as given).
fn display_of(p: &Path) -> String {
    p.display().to_string()
}

fn has_text_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT_EXTENSIONS.iter().any(|t| e.eq_ignore_ascii_case(t)))
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// The body and year of a text file's first report, from its first bytes (UTF-8, or GB18030
/// for what is not).
fn sniff(path: &Path, limit: u64) -> Option<(String, i32)> {
    // Only a regular file: a pipe or a device would be consumed or block.
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > limit {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(prior::HEAD_BYTES);
    file.take(prior::HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    let text = match std::str::from_utf8(&head) {
        Ok(s) => s.to_string(),
        // Cut inside the last character: the rest is UTF-8.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&head[..e.valid_up_to()]).into_owned()
        }
        Err(_) => encoding_rs::GB18030.decode(&head).0.into_owned(),
    };
    prior::sniff(&text)
}
