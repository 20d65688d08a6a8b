//! Writing files so that nothing is lost: a temporary file beside the target renamed over it,
//! the target's identity kept (through symbolic links to the real file; owner, group, mode,
//! extended attributes and ACLs copied; a file with several hard links, or whose identity cannot
//! be copied, written in place after a full backup), an advisory lock held and the file's state
//! checked again immediately before it is replaced, and every temporary file removed when the
//! program is interrupted (SIGINT, SIGTERM, SIGHUP).

use std::fs::{File, Metadata};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{FileExt as _, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

use xattr::FileExt as _;

use super::input::{Stamp, os_message};

/// Said when the file changed between reading it and replacing it.
pub(crate) const CHANGED: &str = "文件在修复期间被其他程序修改，未写入";

/// How long to wait for another program's lock on the file.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Temporary files that exist now, removed by the signal handler. Renaming one into place and
/// writing a file in place happen while this is held, so an interruption comes either before
/// (the temporary file is removed, the target untouched) or after (the write is complete).
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static HANDLER: Once = Once::new();

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// On SIGINT, SIGTERM or SIGHUP: remove the pending temporary files, then end as the signal
/// would have ended the program.
fn install_handler() {
    HANDLER.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    // Held until the process ends: nothing is renamed or written after this.
                    let files = pending();
                    for f in files.iter() {
                        let _ = std::fs::remove_file(f);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            });
    });
}

/// A temporary file (`.nianbao-XXXXXX.tmp`) in a folder, removed when dropped or when the
/// program is interrupted.
pub(crate) struct TempFile {
    file: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl TempFile {
    pub(crate) fn new_in(dir: &Path) -> std::io::Result<TempFile> {
        install_handler();
        let mut list = pending();
        let file = tempfile::Builder::new()
            .prefix(".nianbao-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        let path = file.path().to_path_buf();
        list.push(path.clone());
        Ok(TempFile {
            file: Some(file),
            path,
        })
    }

    pub(crate) fn as_file(&self) -> &File {
        self.file
            .as_ref()
            .expect("present until consumed")
            .as_file()
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the temporary file to `to` if `check` passes just before.
    fn persist_if(
        mut self,
        to: &Path,
        check: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), String> {
        let mut list = pending();
        check()?;
        let file = self.file.take().expect("present until consumed");
        list.retain(|p| p != &self.path);
        match file.persist(to) {
            Ok(_) => Ok(()),
            Err(e) => {
                // Dropping the returned file removes it.
                Err(format!("无法替换原文件：{}", os_message(&e.error)))
            }
        }
    }

    /// Leaves the file where it is (a backup the user is told about).
    fn keep(mut self) -> PathBuf {
        let mut list = pending();
        list.retain(|p| p != &self.path);
        if let Some(f) = self.file.take() {
            let _ = f.keep();
        }
        self.path.clone()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(f) = self.file.take() {
            let mut list = pending();
            list.retain(|p| p != &self.path);
            drop(f);
        }
    }
}

/// The folder of `path` ("." for a bare name).
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// What the file held when it was read, to refuse writing over anything else.
pub(crate) struct Expected<'a> {
    pub bytes: &'a [u8],
    pub stamp: Stamp,
}

/// Writes `bytes` to `path`, replacing what is there (or creating it, rw-r--r--). An existing
/// file keeps its identity (see the module's description); with `expected`, the file must still
/// hold those bytes, unchanged since they were read, or nothing is written.
pub(crate) fn replace(path: &Path, bytes: &[u8], expected: Option<Expected>) -> Result<(), String> {
    // Through symbolic links to the file they name.
    let target = match std::fs::canonicalize(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && expected.is_none() => {
            return create(&resolve_dangling(path), bytes);
        }
        Err(e) => return Err(format!("无法打开文件：{}", os_message(&e))),
    };
    let meta =
        std::fs::metadata(&target).map_err(|e| format!("无法打开文件：{}", os_message(&e)))?;
    if !meta.is_file() {
        return Err("不是普通文件，未写入".to_string());
    }
    refuse_unwritable(&target, &meta)?;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&target)
        .map_err(|e| format!("无法打开文件：{}", os_message(&e)))?;
    let meta = file.metadata().map_err(|e| os_message(&e))?;
    if let Some(x) = &expected
        && Stamp::of(&meta) != x.stamp
    {
        return Err(CHANGED.to_string());
    }
    let dir = folder(&target);
    // Over the new content, when the rename keeps the file's identity; else the old content,
    // kept while the file is written in place.
    let by_rename = meta.nlink() == 1;
    let temp = TempFile::new_in(dir)
        .map_err(|e| format!("无法在文件所在的文件夹中创建临时文件：{}", os_message(&e)))?;
    let mut by_rename = by_rename
        && write_synced(temp.as_file(), bytes).is_ok()
        && copy_identity(&file, &meta, temp.as_file()).is_ok();
    if !by_rename {
        let original = match &expected {
            Some(x) => x.bytes.to_vec(),
            None => read_all(&mut file, &meta)?,
        };
        // Start over: the temporary file may hold part of the new content.
        temp.as_file().set_len(0).map_err(|e| os_message(&e))?;
        write_synced(temp.as_file(), &original)
            .map_err(|e| format!("无法写入备份：{}", os_message(&e)))?;
        by_rename = false;
    }
    lock(&file)?;
    if let Some(x) = &expected {
        let now = file.metadata().map_err(|e| os_message(&e))?;
        if Stamp::of(&now) != x.stamp || read_all(&mut file, &now)? != x.bytes {
            return Err(CHANGED.to_string());
        }
    }
    // Immediately before the file is replaced: still the file we read, as we read it.
    let unchanged = || -> Result<(), String> {
        let Some(x) = &expected else {
            return Ok(());
        };
        let now = file.metadata().map_err(|e| os_message(&e))?;
        let at_path = std::fs::metadata(&target).map_err(|_| CHANGED.to_string())?;
        if Stamp::of(&now) != x.stamp || !x.stamp.same_file(&at_path) {
            return Err(CHANGED.to_string());
        }
        Ok(())
    };
    if by_rename {
        temp.persist_if(&target, unchanged)?;
        // The rename itself survives a crash once the folder is synced.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        return Ok(());
    }
    write_in_place(&file, bytes, temp, unchanged)
}

/// Writes the file in place (keeping its inode: hard links, owner, attributes), with its
/// previous content in `backup`: restored on failure, kept and named if even that fails.
fn write_in_place(
    file: &File,
    bytes: &[u8],
    backup: TempFile,
    check: impl FnOnce() -> Result<(), String>,
) -> Result<(), String> {
    let list = pending();
    check()?;
    let write = |content: &[u8]| -> std::io::Result<()> {
        file.write_all_at(content, 0)?;
        file.set_len(content.len() as u64)?;
        file.sync_all()
    };
    let Err(e) = write(bytes) else {
        drop(list);
        drop(backup);
        return Ok(());
    };
    let mut original = Vec::new();
    let restored = (|| {
        let mut b = backup.as_file();
        b.rewind()?;
        b.read_to_end(&mut original)?;
        write(&original)
    })();
    drop(list);
    match restored {
        Ok(()) => Err(format!("写入失败（原文件未改变）：{}", os_message(&e))),
        Err(_) => {
            let kept = backup.keep();
            Err(format!(
                "写入失败：{}；原文件的内容保存在 {}",
                os_message(&e),
                kept.display()
            ))
        }
    }
}

/// A new file at `path` (rw-r--r--), through a temporary file.
fn create(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = folder(path);
    let temp =
        TempFile::new_in(dir).map_err(|e| format!("无法创建临时文件：{}", os_message(&e)))?;
    write_synced(temp.as_file(), bytes).map_err(|e| format!("写入失败：{}", os_message(&e)))?;
    let _ = temp
        .as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644));
    temp.persist_if(path, || Ok(()))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Where a link whose target does not exist yet points (written there, as `cp` does), or the
/// path itself.
fn resolve_dangling(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&p) {
            Ok(t) => p = folder(&p).join(t),
            Err(_) => break,
        }
    }
    p
}

fn write_synced(f: &File, bytes: &[u8]) -> std::io::Result<()> {
    let mut w = f;
    w.write_all(bytes)?;
    f.sync_all()
}

fn read_all(file: &mut File, meta: &Metadata) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(meta.len() as usize);
    file.rewind()
        .and_then(|_| file.read_to_end(&mut out))
        .map_err(|e| format!("无法读取：{}", os_message(&e)))?;
    Ok(out)
}

/// Whether the running user may write the file (root may write a file without write bits; the
/// caller refuses those by their mode).
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// A file without write permission bits is read-only (for root too); one the running user
/// may not write is not written either, although a rename could replace it.
fn refuse_unwritable(path: &Path, meta: &Metadata) -> Result<(), String> {
    if meta.permissions().readonly() {
        return Err("文件是只读的，未写入（确需修改时先改为可写）".to_string());
    }
    if !writable(path) {
        return Err("没有写入这个文件的权限，未写入".to_string());
    }
    Ok(())
}

/// Takes the file's advisory lock, waiting a while for another holder.
fn lock(file: &File) -> Result<(), String> {
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err("文件被其他程序锁定，未写入".to_string());
            }
            // A file system without locks: the checks before the rename still apply.
            Err(std::fs::TryLockError::Error(_)) => return Ok(()),
        }
    }
}

/// Gives `to` the owner, group, extended attributes (ACLs among them) and mode of `from`.
/// An error means the identity could not be copied (the caller then writes in place).
fn copy_identity(from: &File, meta: &Metadata, to: &File) -> std::io::Result<()> {
    let mine = to.metadata()?;
    if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
        std::os::unix::fs::fchown(to, Some(meta.uid()), Some(meta.gid()))?;
    }
    let names: Vec<std::ffi::OsString> = match from.list_xattr() {
        Ok(l) => l.collect(),
        Err(e) if unsupported(&e) => Vec::new(),
        Err(e) => return Err(e),
    };
    for name in &names {
        if let Some(value) = from.get_xattr(name)? {
            to.set_xattr(name, &value)?;
        }
    }
    // What the new file got on its own (an ACL inherited from the folder's default) goes.
    if let Ok(own) = to.list_xattr() {
        for name in own.filter(|n| !names.contains(n)) {
            match to.remove_xattr(&name) {
                Ok(()) => {}
                // A security label the system sets on every file stays.
                Err(_) if name.to_string_lossy().starts_with("security.") => {}
                Err(e) => return Err(e),
            }
        }
    }
    // Last: a change of owner clears the set-user-ID and set-group-ID bits.
    to.set_permissions(std::fs::Permissions::from_mode(meta.mode() & 0o7777))?;
    let now = to.metadata()?;
    if (now.uid(), now.gid(), now.mode()) != (meta.uid(), meta.gid(), meta.mode()) {
        return Err(std::io::Error::other("identity not copied"));
    }
    Ok(())
}

fn unsupported(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(libc::ENOTSUP) || e.kind() == std::io::ErrorKind::Unsupported
}

/// Writes `bytes` to `path` atomically (see [`replace`]), without checking what was there.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    replace(path, bytes, None)
}

/// Puts a finished temporary file in the place of `path`, keeping an existing file's identity
/// when it can be copied.
pub(crate) fn install(temp: TempFile, path: &Path) -> Result<(), String> {
    temp.as_file()
        .sync_all()
        .map_err(|e| format!("写入失败：{}", os_message(&e)))?;
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| resolve_dangling(path));
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_file() && meta.nlink() == 1 => {
            refuse_unwritable(&target, &meta)?;
            let same_fs = std::fs::metadata(temp.path()).is_ok_and(|t| t.dev() == meta.dev());
            let from = File::open(&target).map_err(|e| os_message(&e))?;
            if same_fs && copy_identity(&from, &meta, temp.as_file()).is_ok() {
                return temp.persist_if(&target, || Ok(()));
            }
        }
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Err("不是普通文件，未写入".to_string()),
        Err(_) => {
            let _ = temp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
            return temp.persist_if(&target, || Ok(()));
        }
    }
    // Several links or an identity that cannot be copied: the content goes in place.
    let mut content = Vec::new();
    let mut f = temp.as_file();
    f.rewind()
        .and_then(|_| f.read_to_end(&mut content))
        .map_err(|e| os_message(&e))?;
    drop(temp);
    replace(&target, &content, None)
}
