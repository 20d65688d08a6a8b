//! `nianbao check --fix` on a real file system: the fixed file keeps its identity (links,
//! owner, group, mode, extended attributes, ACLs), read-only files and files changed meanwhile
//! are not written, an interruption leaves no temporary file, and a file that would not come
//! back byte for byte is refused with the reason.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

fn seed() -> String {
    support::seed("000")
}

/// Seed 000 with the 总计 of row 一 changed from 4 to 5 (one safe fix).
fn broken() -> String {
    seed().replace(
        "一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t4\t",
        "一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t5\t",
    )
}

fn fix(path: &Path) -> Output {
    bin()
        .args(["check", "--fix", "--color", "never"])
        .arg(path)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Spawns `nianbao check --fix` on `path` while this test holds the file's advisory lock, and
/// returns once its temporary file exists (it then waits for the lock). The caller waits for the
/// child.
#[allow(clippy::zombie_processes)]
fn fix_while_locked(path: &Path) -> (Child, File, PathBuf) {
    let lock = File::open(path).unwrap();
    lock.lock().unwrap();
    let mut child = bin()
        .args(["check", "--fix", "--color", "never"])
        .arg(path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let dir = path.parent().unwrap_or(Path::new("."));
    let start = Instant::now();
    loop {
        let temp = std::fs::read_dir(dir).ok().and_then(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.to_string_lossy().contains("/.nianbao-"))
        });
        if let Some(t) = temp {
            return (child, lock, t);
        }
        if start.elapsed() > Duration::from_secs(8) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no temporary file appeared");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn fix_through_a_symlink_writes_its_target() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("real")).unwrap();
    let target = d.path().join("real/report.txt");
    std::fs::write(&target, broken()).unwrap();
    let link = d.path().join("link.txt");
    std::os::unix::fs::symlink("real/report.txt", &link).unwrap();
    let o = fix(&link);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("已修复"), "{}", stdout(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("real/report.txt")
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), seed());
    assert_eq!(names(d.path()), ["link.txt", "real"]);
    assert_eq!(names(&d.path().join("real")), ["report.txt"]);
}

#[test]
fn fix_keeps_hard_links() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.txt");
    let b = d.path().join("b.txt");
    std::fs::write(&a, broken()).unwrap();
    std::fs::hard_link(&a, &b).unwrap();
    let ino = std::fs::metadata(&a).unwrap().ino();
    let o = fix(&a);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&b).unwrap(), seed());
    let (ma, mb) = (
        std::fs::metadata(&a).unwrap(),
        std::fs::metadata(&b).unwrap(),
    );
    assert_eq!((ma.ino(), mb.ino(), ma.nlink()), (ino, ino, 2));
    // The backup is gone.
    assert_eq!(names(d.path()), ["a.txt", "b.txt"]);
}

#[test]
fn fix_keeps_owner_group_and_mode() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("report.txt");
    std::fs::write(&p, broken()).unwrap();
    let (uid, gid) = if is_root() {
        (1234, 5678)
    } else {
        let m = std::fs::metadata(&p).unwrap();
        eprintln!("not root: owner and group are the running user's, only the mode is changed");
        (m.uid(), m.gid())
    };
    std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = fix(&p);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), seed());
    let m = std::fs::metadata(&p).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o7777), (uid, gid, 0o640));
    assert_eq!(names(d.path()), ["report.txt"]);
}

#[test]
fn fix_keeps_extended_attributes() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("report.txt");
    std::fs::write(&p, broken()).unwrap();
    if let Err(e) = xattr::set(&p, "user.nianbao.note", b"reviewed") {
        eprintln!("skipped: the file system takes no user attributes here ({e})");
        return;
    }
    let o = fix(&p);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), seed());
    assert_eq!(
        xattr::get(&p, "user.nianbao.note").unwrap().as_deref(),
        Some(&b"reviewed"[..])
    );
}

/// A POSIX access ACL as the kernel stores it in `system.posix_acl_access`: owner rw-, user
/// 1234 r--, group r--, mask r--, others ---.
fn acl_bytes() -> Vec<u8> {
    const UNDEFINED: u32 = u32::MAX;
    let mut v = 2u32.to_le_bytes().to_vec();
    for (tag, perm, id) in [
        (0x01u16, 6u16, UNDEFINED),
        (0x02, 4, 1234),
        (0x04, 4, UNDEFINED),
        (0x10, 4, UNDEFINED),
        (0x20, 0, UNDEFINED),
    ] {
        v.extend_from_slice(&tag.to_le_bytes());
        v.extend_from_slice(&perm.to_le_bytes());
        v.extend_from_slice(&id.to_le_bytes());
    }
    v
}

#[test]
fn fix_keeps_the_acl() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("report.txt");
    std::fs::write(&p, broken()).unwrap();
    if let Err(e) = xattr::set(&p, "system.posix_acl_access", &acl_bytes()) {
        eprintln!("skipped: the file system takes no ACLs here ({e})");
        return;
    }
    let acl = xattr::get(&p, "system.posix_acl_access").unwrap().unwrap();
    let mode = std::fs::metadata(&p).unwrap().mode();
    let o = fix(&p);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), seed());
    assert_eq!(
        xattr::get(&p, "system.posix_acl_access").unwrap(),
        Some(acl)
    );
    assert_eq!(std::fs::metadata(&p).unwrap().mode(), mode);
}

#[test]
fn fix_refuses_a_read_only_file() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("report.txt");
    std::fs::write(&p, broken()).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = fix(&p);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("修复失败") && stdout(&o).contains("文件是只读的，未写入"),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read_to_string(&p).unwrap(), broken());
    assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o444);
    assert_eq!(names(d.path()), ["report.txt"]);
}

/// Another program appends to the file while the fix waits for the lock: the fix is refused
/// and the appended line stays.
#[test]
fn fix_refuses_a_file_appended_meanwhile() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("report.txt");
    std::fs::write(&p, broken()).unwrap();
    let (child, lock, _) = fix_while_locked(&p);
    OpenOptions::new()
        .append(true)
        .open(&p)
        .unwrap()
        .write_all("附：补充说明\n".as_bytes())
        .unwrap();
    drop(lock);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("文件在修复期间被其他程序修改，未写入"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        broken() + "附：补充说明\n"
    );
    assert_eq!(names(d.path()), ["report.txt"]);
}

/// SIGTERM while the fixed text waits in its temporary file: the temporary file goes, the
/// report is untouched, and the program ends by the signal.
#[test]
fn sigterm_removes_the_temporary_file() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("report.txt");
    std::fs::write(&p, broken()).unwrap();
    let (child, lock, temp) = fix_while_locked(&p);
    // The fixed text is written out and waits for the lock.
    let start = Instant::now();
    while std::fs::read_to_string(&temp).ok() != Some(seed()) {
        assert!(start.elapsed() < Duration::from_secs(8), "no fixed text");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: sending a signal to our own child.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    let o = child.wait_with_output().unwrap();
    drop(lock);
    assert_eq!(o.status.signal(), Some(libc::SIGTERM), "{:?}", o.status);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), broken());
    assert_eq!(names(d.path()), ["report.txt"]);
}

/// GB18030 reads the byte 0x80 as "€" but writes "€" as A2 E3: the fix would change a byte it
/// was not asked to, so it is refused, saying so (not "changed meanwhile").
#[test]
fn fix_refuses_a_file_that_does_not_re_encode_to_the_same_bytes() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("report.txt");
    let text = broken();
    let mut bytes = encoding_rs::GB18030.encode(&text).0.into_owned();
    bytes.splice(0..0, [0x80, b'\n']);
    std::fs::write(&p, &bytes).unwrap();
    let o = fix(&p);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("文件的编码无法原样写回（"), "{out}");
    assert!(out.contains("「80」写回时会变成「A2 E3」"), "{out}");
    assert!(!out.contains("被其他程序修改"), "{out}");
    assert_eq!(std::fs::read(&p).unwrap(), bytes);
}

/// UTF-16 with a byte-order mark is read and written back in UTF-16.
#[test]
fn fix_writes_utf16_back_as_utf16() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("report.txt");
    let utf16le = |s: &str| -> Vec<u8> {
        [0xFF, 0xFE]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    };
    std::fs::write(&p, utf16le(&broken())).unwrap();
    let o = fix(&p);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(std::fs::read(&p).unwrap(), utf16le(&seed()));
}
