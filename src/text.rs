//! Plain-text helpers shared by the engine and its front ends: line splitting that honours LF, CRLF
//! and lone CR, offset ↔ (line, column) conversion in UTF-8, UTF-16 or UTF-32 units, and the label
//! normalisation every comparison with a standard label goes through.

use std::ops::Range;

/// A line of the source: `content` without its line break, `full` with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub content: Range<usize>,
    pub full: Range<usize>,
}

/// Splits `text` into lines at `\n`, `\r\n` and lone `\r`. An empty text has one empty line; a
/// text ending in a line break has a last empty line, as editors count them.
pub fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::with_capacity(text.len() / 40 + 1);
    out.extend(lines_iter(text));
    out
}

/// The lines of [`lines`], one at a time: reading the first few costs only as much text as they
/// take.
pub fn lines_iter(text: &str) -> impl Iterator<Item = Line> + '_ {
    let bytes = text.as_bytes();
    let mut breaks = memchr::memchr2_iter(b'\n', b'\r', bytes);
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let Some(i) = breaks.next() else {
            done = true;
            return Some(Line {
                content: start..bytes.len(),
                full: start..bytes.len(),
            });
        };
        let end = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            breaks.next(); // the \n of the \r\n
            i + 2
        } else {
            i + 1
        };
        let line = Line {
            content: start..i,
            full: start..end,
        };
        start = end;
        Some(line)
    })
}

/// The unit in which a column is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    pub fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }

    /// The length of a string in this encoding's units (the sum of [`Encoding::units`] of its
    /// characters), counted on its bytes.
    pub fn len_of(self, s: &str) -> usize {
        match self {
            Encoding::Utf8 => s.len(),
            // A character is one unit, two when it takes four bytes (outside the BMP).
            Encoding::Utf16 => s
                .bytes()
                .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
                .sum(),
            Encoding::Utf32 => s.chars().count(),
        }
    }
}

/// Line starts of a text, for converting byte offsets to positions and back.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset where each line's content starts.
    starts: Vec<usize>,
    /// Byte offset where each line's content ends (before its line break).
    ends: Vec<usize>,
}

/// A zero-based position: line and column in some [`Encoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let ls = lines(text);
        LineIndex {
            starts: ls.iter().map(|l| l.content.start).collect(),
            ends: ls.iter().map(|l| l.content.end).collect(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The line holding byte `offset` (an offset inside a line break belongs to its line).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte range of a line's content.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        self.starts[line]..self.ends[line]
    }

    /// Position of byte `offset`, clamped into the text and onto a character boundary.
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts[line];
        let end = offset.min(self.ends[line]);
        let character = enc.len_of(&text[start..end]);
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// Byte offset of a position. A line past the end maps to the end of the text; a column past
    /// the end of its line maps to the line's end (without its line break); a column inside a
    /// character (a surrogate pair, a UTF-8 sequence) maps to that character's start.
    pub fn offset(&self, text: &str, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let (start, end) = (self.starts[line], self.ends[line]);
        let mut units = 0usize;
        let want = pos.character as usize;
        for (i, c) in text[start..end].char_indices() {
            let next = units + enc.units(c);
            if next > want {
                return start + i;
            }
            units = next;
        }
        end
    }
}

/// The start of the line holding byte `at`.
pub fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// The end of the line holding byte `at` (before its line break).
pub fn line_end(text: &str, at: usize) -> usize {
    text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i)
}

/// The last line with content before byte `at` (a line start), within a few blank lines.
pub fn last_line_before(text: &str, at: usize) -> Option<&str> {
    let mut end = at.min(text.len());
    for _ in 0..4 {
        if end == 0 {
            return None;
        }
        let before = text[..end].trim_end_matches(['\n', '\r']);
        let start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = &before[start..];
        if !line.trim().is_empty() {
            return Some(line);
        }
        end = start;
    }
    None
}

/// The largest character boundary at or before byte `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Folds one character for label comparison: full-width forms to ASCII, the numbering marks
/// `、` and `．` to `.`, quotes and white space dropped.
fn fold(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => fold(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
        '、' | '。' => Some('.'),
        '“' | '”' | '"' | '‘' | '’' | '\'' | '「' | '」' | '『' | '』' | '*' => None,
        '—' | '–' => Some('-'),
        '〔' | '【' => Some('['),
        '〕' | '】' => Some(']'),
        c if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' => None,
        c => Some(c),
    }
}

/// A label reduced to what distinguishes it: `（一） 予以公开` and `(一)予以公开` are equal, and so
/// are `商业 企业` and `商业企业`, `3.危及"三安全一稳定"` and `3、危及“三安全一稳定”`.
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter_map(fold) {
        out.push(c);
    }
    while out.ends_with(['.', ':', ',', ';']) {
        out.pop();
    }
    out
}

/// Splits a normalised label into its numbering (`一.`, `(一)`, `1.`) and the rest.
pub fn split_numbering(n: &str) -> (&str, &str) {
    let (open, close) = if n.starts_with('(') {
        ("(", ')')
    } else {
        ("", '.')
    };
    let rest = &n[open.len()..];
    let digits = rest
        .find(|c: char| !("一二三四五六七八九十".contains(c) || c.is_ascii_digit()))
        .unwrap_or(rest.len());
    if digits > 0 && rest[digits..].starts_with(close) {
        let at = open.len() + digits + close.len_utf8();
        return (&n[..at], &n[at..]);
    }
    ("", n)
}

/// Similarity of two normalised labels in [0, 1], by characters.
pub fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn lengths_in_each_encoding() {
        let s = "总计a𠀀\té";
        let lens = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32].map(|e| e.len_of(s));
        expect!["[14, 7, 6]"].assert_eq(&format!("{lens:?}"));
        for e in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            assert_eq!(e.len_of(s), s.chars().map(|c| e.units(c)).sum::<usize>());
        }
    }

    #[test]
    fn splits_all_line_breaks() {
        let t = "a\nb\r\nc\rd";
        let got: Vec<&str> = lines(t).iter().map(|l| &t[l.content.clone()]).collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
        assert_eq!(lines("x\n").len(), 2);
        assert_eq!(lines("").len(), 1);
    }

    #[test]
    fn positions_count_units() {
        let t = "总计\t𠀀5\r\nx";
        let idx = LineIndex::new(t);
        let five = t.find('5').unwrap();
        assert_eq!(
            idx.position(t, five, Encoding::Utf16),
            Position {
                line: 0,
                character: 5
            }
        );
        assert_eq!(
            idx.position(t, five, Encoding::Utf8),
            Position {
                line: 0,
                character: 11
            }
        );
        assert_eq!(
            idx.position(t, five, Encoding::Utf32),
            Position {
                line: 0,
                character: 4
            }
        );
        assert_eq!(
            idx.offset(
                t,
                Position {
                    line: 0,
                    character: 5
                },
                Encoding::Utf16
            ),
            five
        );
        // Inside the surrogate pair: the character's start.
        assert_eq!(
            idx.offset(
                t,
                Position {
                    line: 0,
                    character: 4
                },
                Encoding::Utf16
            ),
            five - 4
        );
        // Past the line's end: the line's end, not the next line.
        assert_eq!(
            idx.offset(
                t,
                Position {
                    line: 0,
                    character: 99
                },
                Encoding::Utf16
            ),
            five + 1
        );
        assert_eq!(
            idx.offset(
                t,
                Position {
                    line: 7,
                    character: 0
                },
                Encoding::Utf16
            ),
            t.len()
        );
        assert_eq!(
            idx.position(t, t.len(), Encoding::Utf16),
            Position {
                line: 1,
                character: 1
            }
        );
    }

    #[test]
    fn normalises_labels() {
        expect!["(一)予以公开"].assert_eq(&norm("（一） 予以公开"));
        expect!["3.危及三安全一稳定"].assert_eq(&norm("3、危及\"三安全一稳定\""));
        expect!["商业企业"].assert_eq(&norm("商业 企业"));
        expect!["(二)部分公开(区分处理的,只计这一情形,不计其他情形)"].assert_eq(&norm(
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ));
        assert_eq!(split_numbering("(三)不予公开"), ("(三)", "不予公开"));
        assert_eq!(split_numbering("1.属于国家秘密"), ("1.", "属于国家秘密"));
        assert_eq!(split_numbering("一.总体情况"), ("一.", "总体情况"));
        assert_eq!(split_numbering("规章"), ("", "规章"));
    }
}
