//! The files a command is given: folders expanded recursively (sorted by name), symbolic links
//! to files and folders followed, every file and folder taken once however it is reached (a path
//! given twice, two links to one file, a link back to a folder above).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::input::io_message;

/// A file or folder by device and inode.
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

/// Expands folders into the candidate files below them; a file named directly is taken
/// whatever its extension. `-` (standard input) is passed through as often as it is given.
/// Returns the files in order and the paths that could not be read, with why.
pub(crate) fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut seen_files = HashSet::new();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        if p.as_os_str() == "-" {
            files.push(p.clone());
            continue;
        }
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                errors.push((p.clone(), missing_target(p, &e)));
                continue;
            }
        };
        if !meta.is_dir() {
            if seen_files.insert(identity(&meta)) {
                files.push(p.clone());
            }
            continue;
        }
        let walk = walkdir::WalkDir::new(p)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                // A folder reached again (through a link, or given twice) is not walked again.
                !e.file_type().is_dir()
                    || e.metadata()
                        .map(|m| seen_dirs.insert(identity(&m)))
                        .unwrap_or(true)
            });
        for entry in walk {
            let entry = match entry {
                Ok(e) => e,
                // A link to a folder above: everything in it is walked already.
                Err(err) if err.loop_ancestor().is_some() => continue,
                Err(err) => {
                    let at = err.path().unwrap_or(p).to_path_buf();
                    let dangling = std::fs::symlink_metadata(&at)
                        .is_ok_and(|m| m.file_type().is_symlink())
                        && std::fs::metadata(&at).is_err();
                    if dangling {
                        // Only a link that looks like a report is worth a word.
                        if super::is_candidate(&at) {
                            errors.push((at, "符号链接指向的文件不存在".to_string()));
                        }
                    } else {
                        let why = err.io_error().map_or_else(|| err.to_string(), io_message);
                        errors.push((at, format!("无法读取文件夹：{why}")));
                    }
                    continue;
                }
            };
            if !entry.file_type().is_file() || !super::is_candidate(entry.path()) {
                continue;
            }
            let first = entry
                .metadata()
                .map(|m| seen_files.insert(identity(&m)))
                .unwrap_or(true);
            if first {
                files.push(entry.into_path());
            }
        }
    }
    (files, errors)
}

/// Why a path cannot be opened; a link whose target is gone says so.
fn missing_target(p: &Path, e: &std::io::Error) -> String {
    let link = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    if link && e.kind() == std::io::ErrorKind::NotFound {
        "符号链接指向的文件不存在".to_string()
    } else {
        io_message(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(files: &[PathBuf], root: &Path) -> Vec<String> {
        files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn links_are_followed_once_and_loops_end() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::create_dir(root.join("other")).unwrap();
        std::fs::write(root.join("a/b/r.md"), "x").unwrap();
        std::fs::write(root.join("other/o.md"), "x").unwrap();
        symlink(root.join("other/o.md"), root.join("a/link.md")).unwrap();
        symlink(root.join("other"), root.join("a/b/to-other")).unwrap();
        symlink(root.join("a"), root.join("a/b/up")).unwrap();
        symlink(root.join("gone.md"), root.join("a/dangling.md")).unwrap();
        symlink(root.join("gone.bin"), root.join("a/dangling.bin")).unwrap();
        let a = root.join("a");
        let (files, errors) = expand(&[a.clone(), a.join("b/r.md"), a.clone()]);
        // r.md once although given again; o.md once although reached by a file link and a
        // folder link; the link back up to `a` walks nothing twice.
        assert_eq!(names(&files, root), ["a/b/r.md", "a/b/to-other/o.md"]);
        let errors: Vec<(String, String)> = errors
            .into_iter()
            .map(|(p, e)| (p.strip_prefix(root).unwrap().display().to_string(), e))
            .collect();
        assert_eq!(
            errors,
            [(
                "a/dangling.md".to_string(),
                "符号链接指向的文件不存在".to_string()
            )]
        );
    }
}
