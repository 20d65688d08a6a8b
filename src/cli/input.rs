//! Reading what `nianbao` is given: files of any supported format or standard input, never more
//! than the size limit (a FIFO or `/dev/zero` is read through a bound), in UTF-8, GB18030/GBK or
//! UTF-16 with a byte-order mark; and the state of the standard streams (closed ones are told
//! apart from empty ones).

use std::fs::Metadata;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// Files above this many MiB are refused unless `--max-file-mib` says otherwise.
pub(crate) const DEFAULT_MAX_MIB: u16 = 64;

/// The limit in bytes for a limit in MiB.
pub(crate) fn mib(n: u16) -> u64 {
    u64::from(n) << 20
}

/// The encoding a text input was in, to write it back the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Gb18030,
    /// With its byte-order mark (which is not part of the text).
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Gb18030 => "gb18030",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }
}

/// What identifies a file's content as it was read: a change to it (a write, an append, a
/// replacement by another file) changes at least one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    pub(crate) fn of(m: &Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        }
    }

    /// Whether `m` is the same file (device and inode), whatever its content.
    pub(crate) fn same_file(&self, m: &Metadata) -> bool {
        use std::os::unix::fs::MetadataExt;
        self.dev == m.dev() && self.ino == m.ino()
    }
}

/// Where a diagnostic of a converted file stands in the original, in words a person finds there
/// (表二第4行「行政规范性文件」「现行有效件数」列, 第7段「…」).
pub(crate) struct Described {
    pub at: String,
    /// Its related places in the same document, in the order of `Diagnostic::related` (empty for
    /// places in other files).
    pub related: Vec<String>,
}

/// What reading one input gave.
pub(crate) struct Input {
    /// The path as given (lossy for names that are not UTF-8), or `<标准输入>`.
    pub display: String,
    pub path: Option<PathBuf>,
    pub text: String,
    pub encoding: Encoding,
    /// A Word document, web page or PDF turned into text, with the places of its parts.
    pub converted: Option<crate::input::Converted>,
    /// For a converted file: where each diagnostic stands in the original (same order).
    pub places: Vec<Described>,
    /// With `--fix`: the bytes as read (to check that nothing changed them before the fixed
    /// text replaces them); for standard input, the bytes to give back on standard output
    /// (the fixed text once fixed).
    pub raw: Option<Vec<u8>>,
    /// The file as it was when read.
    pub stamp: Option<Stamp>,
    /// Places in other files (last year's report) that diagnostics point to: (diagnostic,
    /// related place, where).
    pub others: Vec<(usize, usize, super::previous::Place)>,
}

/// How standard input is named in messages.
pub(crate) const STDIN_NAME: &str = "<标准输入>";

/// Set when standard input was closed when the program started (it now reads as `/dev/null`).
static STDIN_CLOSED: AtomicBool = AtomicBool::new(false);
/// The standard streams closed at the start as the program's `main` found them (bit 0 input,
/// 1 output, 2 error).
static CLOSED_AT_START: AtomicU8 = AtomicU8::new(0);

/// Tells which standard streams were closed before the runtime replaced them by `/dev/null`.
pub fn streams_closed_at_start(mask: u8) {
    CLOSED_AT_START.store(mask, Ordering::Relaxed);
}

/// Which standard streams were closed when the program started.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ClosedStreams {
    pub stdout: bool,
}

/// Finds which of standard input, output and error are closed (as the program's start found
/// them, or now) and puts `/dev/null` in the place of any still closed, so that a file opened
/// later never takes their number (a report printed into a file being fixed). Rust's standard
/// streams read a closed descriptor as empty and drop what is written to it; the callers turn
/// this into a message instead.
pub(crate) fn guard_std_streams() -> ClosedStreams {
    let at_start = CLOSED_AT_START.load(Ordering::Relaxed);
    let closed_now = |fd: libc::c_int| {
        // SAFETY: F_GETFD only reads the descriptor's flags.
        let r = unsafe { libc::fcntl(fd, libc::F_GETFD) };
        r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
    };
    let mut closed = [false; 3];
    for fd in 0..3 {
        let now = closed_now(fd);
        closed[fd as usize] = now || at_start & (1 << fd) != 0;
        if now {
            // SAFETY: opening /dev/null takes the lowest free descriptor, which is `fd` as the
            // lower ones are open by now.
            let got = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
            if got >= 0 && got != fd {
                // SAFETY: `got` was just opened by us and is not used elsewhere.
                unsafe { libc::close(got) };
            }
        }
    }
    STDIN_CLOSED.store(closed[0], Ordering::Relaxed);
    ClosedStreams { stdout: closed[1] }
}

pub(crate) fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件不存在".to_string(),
        K::PermissionDenied => "没有读取权限".to_string(),
        K::IsADirectory => "这是文件夹，不是文件".to_string(),
        _ => format!("无法读取：{}", os_message(e)),
    }
}

/// A system error in Chinese where a user is likely to meet it.
pub(crate) fn os_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull => "磁盘空间不足".to_string(),
        K::BrokenPipe => "管道已关闭".to_string(),
        K::PermissionDenied => "没有权限".to_string(),
        K::ReadOnlyFilesystem => "文件系统是只读的".to_string(),
        K::NotFound => "文件不存在".to_string(),
        _ if e.raw_os_error() == Some(libc::EBADF) => "文件描述符已关闭".to_string(),
        _ => e.to_string(),
    }
}

fn too_large(size: Option<u64>, limit: u64) -> String {
    let limit_mib = limit >> 20;
    match size {
        Some(n) => format!(
            "文件有 {:.1} MiB，超过 {limit_mib} MiB 的上限，未读取（`nianbao check --max-file-mib` 可调整上限）",
            n as f64 / (1u64 << 20) as f64
        ),
        None => format!(
            "输入超过 {limit_mib} MiB 的上限，未读取（`nianbao check --max-file-mib` 可调整上限）"
        ),
    }
}

/// Reads at most `limit` bytes; more is an error naming the limit.
fn read_bounded(r: impl Read, limit: u64, hint: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(hint.min(limit) as usize);
    r.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(None, limit));
    }
    Ok(bytes)
}

/// Decodes bytes as UTF-8, as UTF-16 when they start with its byte-order mark, or else as
/// GB18030 (a superset of GBK and GB2312). Nothing is replaced: bytes that are not valid in the
/// encoding make the file unreadable rather than silently changed.
pub(crate) fn decode(bytes: &[u8]) -> Result<(String, Encoding), String> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), Encoding::Utf8));
    }
    let utf16 = match bytes {
        [0xFF, 0xFE, ..] => Some((encoding_rs::UTF_16LE, Encoding::Utf16Le)),
        [0xFE, 0xFF, ..] => Some((encoding_rs::UTF_16BE, Encoding::Utf16Be)),
        _ => None,
    };
    if let Some((enc, which)) = utf16 {
        return enc
            .decode_without_bom_handling_and_without_replacement(&bytes[2..])
            .map(|t| (t.into_owned(), which))
            .ok_or_else(|| "UTF-16 文件中有无效的字节，无法读取".to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| (t.into_owned(), Encoding::Gb18030))
        .ok_or_else(|| "无法识别文件编码（既不是 UTF-8，也不是 GB18030/GBK）".to_string())
}

/// The bytes of `text` in `encoding`.
pub(crate) fn encode(text: &str, encoding: Encoding) -> Result<Vec<u8>, String> {
    Ok(match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Gb18030 => {
            let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
            if unmappable {
                return Err("修复后的文本无法按 GB18030 编码写回".to_string());
            }
            bytes.into_owned()
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let le = encoding == Encoding::Utf16Le;
            let mut out = Vec::with_capacity(2 + text.len() * 2);
            for u in std::iter::once(0xFEFF).chain(text.encode_utf16()) {
                out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            out
        }
    })
}

/// Why `raw` (decoded as `text` in `encoding`) would not come back byte for byte if written
/// out again, or `None` when it would.
pub(crate) fn round_trip_problem(raw: &[u8], text: &str, encoding: Encoding) -> Option<String> {
    let again = match encode(text, encoding) {
        Ok(b) => b,
        Err(e) => return Some(e),
    };
    if again == raw {
        return None;
    }
    let at = raw
        .iter()
        .zip(&again)
        .position(|(a, b)| a != b)
        .unwrap_or(raw.len().min(again.len()));
    // The differing bytes: between the common start and the common end.
    let same_end = raw[at..]
        .iter()
        .rev()
        .zip(again[at..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let hex = |b: &[u8]| -> String {
        let mut s = b
            .iter()
            .take(8)
            .map(|x| format!("{x:02X}"))
            .collect::<Vec<_>>()
            .join(" ");
        if b.len() > 8 {
            s.push_str(" …");
        }
        s
    };
    Some(format!(
        "按 {} 读入后，第 {} 字节起的「{}」写回时会变成「{}」，可能是混用了多种编码",
        encoding.name().to_uppercase(),
        at + 1,
        hex(&raw[at..raw.len() - same_end]),
        hex(&again[at..again.len() - same_end])
    ))
}

/// Reads one input: a file of any supported format, or standard input for `-`. `keep_raw`
/// keeps the bytes as read (for `--fix`).
pub(crate) fn read_input(p: &Path, limit: u64, keep_raw: bool) -> Result<Input, String> {
    if p.as_os_str() == "-" {
        if STDIN_CLOSED.load(Ordering::Relaxed) {
            return Err("标准输入已关闭，没有可读的内容".to_string());
        }
        let bytes = read_bounded(std::io::stdin().lock(), limit, 0)?;
        let (text, encoding) = decode(&bytes)?;
        return Ok(Input {
            display: STDIN_NAME.to_string(),
            path: None,
            text,
            encoding,
            converted: None,
            places: Vec::new(),
            others: Vec::new(),
            raw: keep_raw.then_some(bytes),
            stamp: None,
        });
    }
    let file = std::fs::File::open(p).map_err(|e| io_message(&e))?;
    let meta = file.metadata().map_err(|e| io_message(&e))?;
    if meta.is_dir() {
        return Err("这是文件夹，不是文件".to_string());
    }
    if meta.is_file() && meta.len() > limit {
        return Err(too_large(Some(meta.len()), limit));
    }
    let stamp = meta.is_file().then(|| Stamp::of(&meta));
    let bytes = read_bounded(&file, limit, meta.len())?;
    let converted = crate::input::read(p, &bytes).map_err(|e| e.to_string())?;
    let (text, encoding) = match &converted {
        Some(c) => (c.text.clone(), Encoding::Utf8),
        None => decode(&bytes)?,
    };
    Ok(Input {
        display: p.display().to_string(),
        path: Some(p.to_path_buf()),
        text,
        encoding,
        converted,
        places: Vec::new(),
        others: Vec::new(),
        raw: keep_raw.then_some(bytes),
        stamp,
    })
}

/// The text of a file of any supported format (or of standard input for `-`), within the
/// default size limit.
pub(crate) fn read_text(p: &Path) -> Result<String, String> {
    read_input(p, mib(DEFAULT_MAX_MIB), false).map(|i| i.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip_or_say_where_they_do_not() {
        for enc in [Encoding::Utf16Le, Encoding::Utf16Be] {
            let bytes = encode("表三\r\n总计", enc).unwrap();
            let (text, got) = decode(&bytes).unwrap();
            assert_eq!((text.as_str(), got), ("表三\r\n总计", enc));
            assert_eq!(round_trip_problem(&bytes, &text, enc), None);
        }
        // GB18030 reads 0x80 as the euro sign, which it writes as A2 E3.
        let raw = b"\xb1\xed\x80";
        let (text, enc) = decode(raw).unwrap();
        assert_eq!((text.as_str(), enc), ("表€", Encoding::Gb18030));
        expect_test::expect![
            "按 GB18030 读入后，第 3 字节起的「80」写回时会变成「A2 E3」，可能是混用了多种编码"
        ]
        .assert_eq(&round_trip_problem(raw, &text, enc).unwrap());
        assert!(decode(b"\xff\xfe\x00\xd8").is_err(), "a lone surrogate");
    }

    #[test]
    fn reads_stop_at_the_limit() {
        assert_eq!(read_bounded(&[1u8; 10][..], 10, 0).unwrap().len(), 10);
        expect_test::expect![
            "输入超过 0 MiB 的上限，未读取（`nianbao check --max-file-mib` 可调整上限）"
        ]
        .assert_eq(&read_bounded(&[1u8; 11][..], 10, 0).unwrap_err());
        // An endless source is read only up to the limit.
        let zero = std::fs::File::open("/dev/zero").unwrap();
        assert!(read_bounded(zero, 1 << 20, 0).is_err());
    }
}
