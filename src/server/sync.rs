//! The text of an open document as the server keeps it in step with the client's. Normally a
//! rope (positions) and an incrementally parsed buffer (analysis). When a change leaves the
//! document not valid UTF-8 — Neovim sends a pasted chunk that ends inside a character as it is,
//! its raw bytes in the JSON string, and the rest of the character with the next change — or
//! larger than the size limit, the document is kept as bytes and edited at the byte level, and
//! becomes a text again once it is whole (checked after every notification).
//!
//! Positions on bytes follow the client's counting: in UTF-8 a column is a byte offset (exact,
//! which is why the server prefers UTF-8 when the client offers it); in UTF-16 and UTF-32 an
//! invalid byte counts as one unit and an incomplete sequence at the end of the line's prefix as
//! one character (Neovim's `str_utfindex`), and a column names the last byte offset that has it.

use std::ops::Range;

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use super::jsonrpc::{Change, NewText};
use super::proto;
use crate::incremental;
use crate::text::Encoding;

/// Documents larger than this are kept but not analysed.
pub const DEFAULT_MAX_DOCUMENT: usize = 64 << 20;

/// The size limits of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Messages declaring a longer body are skipped unread.
    pub max_message: usize,
    /// Documents above this size are not analysed.
    pub max_document: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message: super::framing::DEFAULT_MAX_MESSAGE,
            max_document: DEFAULT_MAX_DOCUMENT,
        }
    }
}

/// What the server can do with a document's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// A text the engine reads.
    Text,
    /// Larger than the limit (its size in bytes).
    TooLarge(usize),
    /// Not valid UTF-8 from this byte offset on.
    NotUtf8(usize),
}

/// A remark about a change that was applied, for the client's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A position past the end of its line or of the document, or inside a character.
    Clamped(lsp::Range),
    /// The range ends before it starts (applied with its ends swapped).
    Inverted(lsp::Range),
}

impl Note {
    pub fn message(&self) -> String {
        let show = |r: &lsp::Range| {
            format!(
                "{}:{}–{}:{}",
                r.start.line, r.start.character, r.end.line, r.end.character
            )
        };
        match self {
            Note::Clamped(r) => format!(
                "nianbao: 修改范围 {} 超出文档或落在字符中间，已截到最近的有效位置",
                show(r)
            ),
            Note::Inverted(r) => format!(
                "nianbao: 修改范围 {} 的起点在终点之后（范围颠倒），已按交换起止点后的范围应用",
                show(r)
            ),
        }
    }
}

/// The content of an open document.
pub struct Content {
    pub rope: Rope,
    pub buffer: incremental::Buffer,
    /// The document's bytes while they are not a text the engine reads (then `rope` and
    /// `buffer` are empty).
    bytes: Option<Vec<u8>>,
}

impl Content {
    pub fn new(text: NewText, max: usize) -> Content {
        let mut c = Content {
            rope: Rope::new(),
            buffer: incremental::Buffer::new(String::new()),
            bytes: None,
        };
        c.replace(text, max);
        c
    }

    pub fn state(&self, max: usize) -> State {
        match &self.bytes {
            None => State::Text,
            Some(b) if b.len() > max => State::TooLarge(b.len()),
            Some(b) => State::NotUtf8(std::str::from_utf8(b).err().map_or(0, |e| e.valid_up_to())),
        }
    }

    pub fn len(&self) -> usize {
        self.bytes.as_ref().map_or(self.rope.len_bytes(), Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes while the content is not a text.
    pub fn bytes(&self) -> Option<&[u8]> {
        self.bytes.as_deref()
    }

    fn replace(&mut self, text: NewText, max: usize) {
        match text {
            NewText::Str(s) if s.len() <= max => {
                self.bytes = None;
                self.rope = Rope::from_str(&s);
                self.buffer.replace_all(s);
            }
            other => {
                self.set_bytes(match other {
                    NewText::Str(s) => s.into_bytes(),
                    NewText::Bytes(b) => b,
                });
            }
        }
    }

    fn set_bytes(&mut self, b: Vec<u8>) {
        self.rope = Rope::new();
        self.buffer = incremental::Buffer::new(String::new());
        self.bytes = Some(b);
    }

    /// Applies one content change (on the result of the previous ones).
    pub fn apply(&mut self, change: Change, enc: Encoding, max: usize) -> Option<Note> {
        let Some(r) = change.range else {
            self.replace(change.text, max);
            return None;
        };
        if self.bytes.is_none() {
            let (a, ca, ia) = text_offset(&self.rope, r.start, enc);
            let (b, cb, ib) = text_offset(&self.rope, r.end, enc);
            let (range, note) = ordered(a, b, ca || cb, r);
            let new_len = self.rope.len_bytes() - range.len() + change.text.len();
            match change.text {
                NewText::Str(s) if !ia && !ib && new_len <= max => {
                    let (cs, ce) = (
                        self.rope.byte_to_char(range.start),
                        self.rope.byte_to_char(range.end),
                    );
                    self.rope.remove(cs..ce);
                    self.rope.insert(cs, &s);
                    self.buffer.edit(range, &s);
                    return note;
                }
                text => {
                    // Inside a character, not UTF-8 on its own, or too large: on to bytes.
                    let mut bytes = Vec::with_capacity(new_len);
                    for chunk in self.rope.chunks() {
                        bytes.extend_from_slice(chunk.as_bytes());
                    }
                    bytes.splice(range, text.as_bytes().iter().copied());
                    self.set_bytes(bytes);
                    return note;
                }
            }
        }
        let bytes = self.bytes.as_mut().expect("bytes");
        let (a, ca) = byte_offset(bytes, r.start, enc);
        let (b, cb) = byte_offset(bytes, r.end, enc);
        let (range, note) = ordered(a, b, ca || cb, r);
        bytes.splice(range, change.text.as_bytes().iter().copied());
        note
    }

    /// After a notification's changes: bytes that are whole UTF-8 again (surrogate halves sent
    /// apart joined) within the limit become a text the engine reads.
    pub fn settle(&mut self, max: usize) {
        let Some(bytes) = self.bytes.take() else {
            return;
        };
        let bytes = join_surrogates(bytes);
        if bytes.len() <= max {
            match String::from_utf8(bytes) {
                Ok(s) => {
                    self.rope = Rope::from_str(&s);
                    self.buffer.replace_all(s);
                }
                Err(e) => self.bytes = Some(e.into_bytes()),
            }
        } else {
            self.bytes = Some(bytes);
        }
    }

    /// The position of a byte offset of the bytes, in the client's counting.
    pub fn byte_position(&self, offset: usize, enc: Encoding) -> lsp::Position {
        match &self.bytes {
            Some(b) => byte_position(b, offset, enc),
            None => proto::position(&self.rope, offset, enc),
        }
    }
}

/// The byte range of a change, in order, and what to tell about it: an inverted range (as the
/// client wrote it) is applied with its ends swapped.
fn ordered(a: usize, b: usize, clamped: bool, r: lsp::Range) -> (Range<usize>, Option<Note>) {
    let inverted = (r.start.line, r.start.character) > (r.end.line, r.end.character);
    let range = if a <= b { a..b } else { b..a };
    let note = if inverted {
        Some(Note::Inverted(r))
    } else {
        clamped.then_some(Note::Clamped(r))
    };
    (range, note)
}

/// A byte offset of a position in a text, whether it was clamped, and whether it falls inside a
/// character (possible only in UTF-8, where a column is a byte offset: the change is then
/// applied at the byte level).
fn text_offset(rope: &Rope, pos: lsp::Position, enc: Encoding) -> (usize, bool, bool) {
    if enc != Encoding::Utf8 {
        let (at, clamped) = proto::offset(rope, pos, enc);
        return (at, clamped, false);
    }
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return (rope.len_bytes(), true, false);
    }
    let start = rope.line_to_byte(line);
    let mut end = if line + 1 < rope.len_lines() {
        rope.line_to_byte(line + 1)
    } else {
        rope.len_bytes()
    };
    if end > start && rope.byte(end - 1) == b'\n' {
        end -= 1;
    }
    if end > start && rope.byte(end - 1) == b'\r' {
        end -= 1;
    }
    let want = start + pos.character as usize;
    if want > end {
        return (end, true, false);
    }
    let inside = rope.char_to_byte(rope.byte_to_char(want)) != want;
    (want, false, inside)
}

/// The start of line `line` in bytes, and the end of its content (before its line break); line
/// breaks are `\n`, `\r\n` and `\r`, as in the rope.
fn line_bounds(bytes: &[u8], line: u32) -> Option<(usize, usize)> {
    let mut start = 0;
    for _ in 0..line {
        let i = memchr::memchr2(b'\n', b'\r', &bytes[start..])?;
        let at = start + i;
        start = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
    }
    let end = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |i| start + i);
    Some((start, end))
}

/// Bytes a sequence starting with `b` claims (Neovim's `utf8len_tab`).
fn claimed(b: u8) -> usize {
    match b {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        0xF8..=0xFB => 5,
        0xFC..=0xFD => 6,
        _ => 1,
    }
}

/// The value of the sequence at the start of `s` when it is complete (its continuation bytes
/// present), else its first byte (Neovim's `utf_ptr2char`).
fn decoded(s: &[u8]) -> u32 {
    let len = claimed(s[0]);
    if len == 1 || s.len() < len || s[1..len].iter().any(|&c| c & 0xC0 != 0x80) {
        return u32::from(s[0]);
    }
    let lead = u32::from(s[0]) & (0x7F >> len);
    s[1..len]
        .iter()
        .fold(lead, |v, &c| (v << 6) | u32::from(c & 0x3F))
}

/// Units of the first `n` bytes of `line` (Neovim's `mb_utflen`: a sequence cut off by the end
/// of the prefix is one character, an invalid byte one unit; a character above U+FFFF is two
/// UTF-16 units, judged on the whole line).
fn units(line: &[u8], n: usize, enc: Encoding) -> usize {
    if enc == Encoding::Utf8 {
        return n;
    }
    let (mut i, mut count) = (0, 0);
    while i < n {
        let len = claimed(line[i]);
        let m = len.min(n - i);
        let step = if len == 1 || line[i + 1..i + m].iter().any(|&c| c & 0xC0 != 0x80) {
            1
        } else {
            len
        };
        count += 1;
        if enc == Encoding::Utf16 && step > 1 && decoded(&line[i..]) > 0xFFFF {
            count += 1;
        }
        i += step;
    }
    count
}

/// A byte offset of a position in bytes that are not a text, and whether it was clamped.
fn byte_offset(bytes: &[u8], pos: lsp::Position, enc: Encoding) -> (usize, bool) {
    let Some((start, end)) = line_bounds(bytes, pos.line) else {
        return (bytes.len(), true);
    };
    let line = &bytes[start..];
    let want = pos.character as usize;
    if enc == Encoding::Utf8 {
        return if start + want > end {
            (end, true)
        } else {
            (start + want, false)
        };
    }
    // The last offset whose prefix has at most `want` units (the count never decreases as the
    // prefix grows).
    let (mut lo, mut hi) = (0, end - start);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if units(line, mid, enc) <= want {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    (start + lo, units(line, lo, enc) != want)
}

/// The position of a byte offset in bytes that are not a text.
fn byte_position(bytes: &[u8], offset: usize, enc: Encoding) -> lsp::Position {
    let offset = offset.min(bytes.len());
    let (mut line, mut start) = (0u32, 0usize);
    while let Some(i) = memchr::memchr2(b'\n', b'\r', &bytes[start..offset]) {
        let at = start + i;
        let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            at + 2
        } else {
            at + 1
        };
        if next > offset {
            break;
        }
        line += 1;
        start = next;
    }
    let character = units(&bytes[start..], offset - start, enc) as u32;
    lsp::Position { line, character }
}

/// Joins the three-byte forms of a high and a low surrogate that stand side by side (the halves
/// of a character outside the BMP sent in two changes, each a lone `\u` escape) into the
/// character's four bytes.
fn join_surrogates(mut b: Vec<u8>) -> Vec<u8> {
    let mut i = 0;
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    while let Some(j) = memchr::memchr(0xED, &b[i..]) {
        let at = i + j;
        let pair = b.get(at..at + 6).filter(|p| {
            (0xA0..=0xAF).contains(&p[1])
                && p[2] & 0xC0 == 0x80
                && p[3] == 0xED
                && (0xB0..=0xBF).contains(&p[4])
                && p[5] & 0xC0 == 0x80
        });
        match pair {
            Some(p) => {
                let hi = 0xD000 | (u32::from(p[1] & 0x3F) << 6) | u32::from(p[2] & 0x3F);
                let lo = 0xD000 | (u32::from(p[4] & 0x3F) << 6) | u32::from(p[5] & 0x3F);
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                let o = out.get_or_insert_with(|| Vec::with_capacity(b.len()));
                o.extend_from_slice(&b[copied..at]);
                let ch = char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
                o.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                i = at + 6;
                copied = i;
            }
            None => i = at + 1,
        }
    }
    if let Some(mut o) = out {
        o.extend_from_slice(&b[copied..]);
        b = o;
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pos(line: u32, character: u32) -> lsp::Position {
        lsp::Position { line, character }
    }

    fn change(a: (u32, u32), b: (u32, u32), text: &[u8]) -> Change {
        Change {
            range: Some(lsp::Range {
                start: pos(a.0, a.1),
                end: pos(b.0, b.1),
            }),
            text: NewText::from_bytes(text.to_vec()),
        }
    }

    fn text_of(c: &Content) -> String {
        assert!(c.bytes.is_none(), "still bytes: {:?}", c.bytes);
        assert_eq!(c.rope.to_string(), c.buffer.text());
        c.rope.to_string()
    }

    /// Neovim's counting, as measured in Neovim 0.11.4 (`vim.str_utfindex(s, enc, i, false)`).
    #[test]
    fn units_follow_neovim() {
        let cases: [(&[u8], &[usize], &[usize]); 6] = [
            (b"ab\xe6\x96", &[0, 1, 2, 3, 3], &[0, 1, 2, 3, 3]),
            (b"ab\xe6\x96X", &[0, 1, 2, 3, 3, 5], &[0, 1, 2, 3, 3, 5]),
            (b"\xf0\x9f\x98\x80", &[0, 2, 2, 2, 2], &[0, 1, 1, 1, 1]),
            (b"\xf0\x9f\x98", &[0, 1, 1, 1], &[0, 1, 1, 1]),
            (b"\xf0\x9f\x98X", &[0, 1, 1, 1, 4], &[0, 1, 1, 1, 4]),
            (b"\xed\xa0\x81", &[0, 1, 1, 1], &[0, 1, 1, 1]),
        ];
        for (s, u16s, u32s) in cases {
            for i in 0..=s.len() {
                assert_eq!(units(s, i, Encoding::Utf16), u16s[i], "{s:?} {i} utf-16");
                assert_eq!(units(s, i, Encoding::Utf32), u32s[i], "{s:?} {i} utf-32");
            }
        }
        let line = b"a\xf0\x9f\x98\x80b";
        let got: Vec<usize> = (0..=line.len())
            .map(|i| units(line, i, Encoding::Utf16))
            .collect();
        assert_eq!(got, [0, 1, 3, 3, 3, 3, 4]);
    }

    /// A CJK character split between two changes of one notification, and between
    /// notifications, in every encoding, as Neovim 0.11 sends it.
    #[test]
    fn split_character_is_applied_at_the_byte_level() {
        // Neovim's columns for "ab" + "\xe4" then + "\xb8\xad\xe6\x96", then + "\x87\n…".
        let cols = [
            (Encoding::Utf8, 3, 7),
            (Encoding::Utf16, 3, 4),
            (Encoding::Utf32, 3, 4),
        ];
        for (enc, second, third) in cols {
            let mut c = Content::new(NewText::Str(String::new()), 1 << 20);
            c.apply(change((0, 0), (0, 0), b"ab\xe4"), enc, 1 << 20);
            c.settle(1 << 20);
            assert_eq!(c.state(1 << 20), State::NotUtf8(2));
            c.apply(
                change((0, second), (0, second), b"\xb8\xad\xe6\x96"),
                enc,
                1 << 20,
            );
            c.apply(
                change((0, third), (0, third), b"\x87\n\xe7\xac\xac\xe4\xba\x8c\tx"),
                enc,
                1 << 20,
            );
            c.settle(1 << 20);
            assert_eq!(text_of(&c), "ab中文\n第二\tx", "{enc:?}");
            // Positions after it are right: replace 二 (line 1, after 第).
            let col = match enc {
                Encoding::Utf8 => 3,
                _ => 1,
            };
            let end = match enc {
                Encoding::Utf8 => 6,
                _ => 2,
            };
            c.apply(change((1, col), (1, end), "三".as_bytes()), enc, 1 << 20);
            assert_eq!(text_of(&c), "ab中文\n第三\tx");
        }
    }

    #[test]
    fn utf8_columns_inside_a_character_are_bytes() {
        let mut c = Content::new(NewText::Str("中文".to_string()), 100);
        // Delete the last byte of 中, then put it back: whole again.
        c.apply(change((0, 2), (0, 3), b""), Encoding::Utf8, 100);
        c.settle(100);
        assert_eq!(c.state(100), State::NotUtf8(0));
        c.apply(change((0, 2), (0, 2), b"\xad"), Encoding::Utf8, 100);
        c.settle(100);
        assert_eq!(text_of(&c), "中文");
    }

    #[test]
    fn surrogate_halves_sent_apart_are_joined() {
        let mut c = Content::new(NewText::Str("a".to_string()), 100);
        c.apply(
            change((0, 1), (0, 1), b"\xed\xa0\xbd"),
            Encoding::Utf16,
            100,
        );
        c.settle(100);
        assert_eq!(c.state(100), State::NotUtf8(1));
        c.apply(
            change((0, 2), (0, 2), b"\xed\xb8\x80b"),
            Encoding::Utf16,
            100,
        );
        c.settle(100);
        assert_eq!(text_of(&c), "a\u{1F600}b");
    }

    #[test]
    fn too_large_documents_are_bytes_until_they_shrink() {
        let mut c = Content::new(NewText::Str("0123456789".to_string()), 12);
        c.apply(change((0, 10), (0, 10), b"abc"), Encoding::Utf16, 12);
        c.settle(12);
        assert_eq!(c.state(12), State::TooLarge(13));
        assert_eq!(c.len(), 13);
        c.apply(change((0, 0), (0, 5), b""), Encoding::Utf16, 12);
        c.settle(12);
        assert_eq!(text_of(&c), "56789abc");
    }

    #[test]
    fn inverted_and_clamped_ranges_are_told_apart() {
        let mut c = Content::new(NewText::Str("一二三\n四".to_string()), 100);
        let n = c.apply(change((0, 2), (0, 1), b"X"), Encoding::Utf16, 100);
        assert!(matches!(n, Some(Note::Inverted(_))), "{n:?}");
        assert_eq!(text_of(&c), "一X三\n四");
        let n = c.apply(change((5, 0), (9, 9), b"!"), Encoding::Utf16, 100);
        assert!(matches!(n, Some(Note::Clamped(_))), "{n:?}");
        assert_eq!(text_of(&c), "一X三\n四!");
        assert!(n.unwrap().message().contains("超出文档"));
    }

    #[test]
    fn positions_on_bytes() {
        let b = b"x\r\nab\xe6\x96Y\rz";
        assert_eq!(byte_position(b, 7, Encoding::Utf16), pos(1, 3));
        assert_eq!(byte_position(b, 7, Encoding::Utf8), pos(1, 4));
        assert_eq!(byte_position(b, 9, Encoding::Utf8), pos(2, 0));
        assert_eq!(byte_offset(b, pos(1, 5), Encoding::Utf16), (8, false));
        assert_eq!(byte_offset(b, pos(1, 4), Encoding::Utf16), (7, true));
        assert_eq!(byte_offset(b, pos(1, 9), Encoding::Utf8), (8, true));
        assert_eq!(byte_offset(b, pos(7, 0), Encoding::Utf8), (b.len(), true));
    }

    proptest! {
        /// Any text cut into changes at any byte offsets and sent as Neovim does (each change
        /// appended at the end, its column counted on the bytes so far) arrives whole.
        #[test]
        fn any_chunking_arrives_whole(
            text in "([a-z\\t\\n]|[一-龥]|[😀-🙏]|\r\n){0,40}",
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
            enc in prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16), Just(Encoding::Utf32)],
            per_notification in 1usize..4,
        ) {
            let bytes = text.as_bytes();
            let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
            at.push(0);
            at.push(bytes.len());
            at.sort();
            at.dedup();
            let mut c = Content::new(NewText::Str(String::new()), 1 << 20);
            let mut sent = 0;
            for (k, w) in at.windows(2).enumerate() {
                let so_far = &bytes[..w[0]];
                let line = so_far.iter().filter(|&&b| b == b'\n').count()
                    + so_far.iter().filter(|&&b| b == b'\r').count()
                    - so_far.windows(2).filter(|p| p == b"\r\n").count();
                let line_start = so_far
                    .iter()
                    .rposition(|&b| b == b'\n' || b == b'\r')
                    .map_or(0, |i| i + 1);
                let col = units(&so_far[line_start..], so_far.len() - line_start, enc);
                let p = (line as u32, col as u32);
                c.apply(change(p, p, &bytes[w[0]..w[1]]), enc, 1 << 20);
                sent += 1;
                if sent % per_notification == 0 || k + 2 == at.len() {
                    c.settle(1 << 20);
                }
            }
            c.settle(1 << 20);
            prop_assert_eq!(text_of(&c), text);
        }
    }
}
