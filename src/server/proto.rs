//! Every conversion between engine data (byte ranges into the text, [`diag`] and [`ide`] values) and
//! protocol types (`tower_lsp_server::ls_types`). Positions are converted line-relative on the
//! document's rope, in the negotiated encoding, clamped, never panicking.

use std::collections::HashMap;
use std::ops::Range;

use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use crate::diag::{self, Severity};
use crate::ide;
use crate::text::{Encoding, LineIndex};

pub fn encoding_kind(enc: Encoding) -> lsp::PositionEncodingKind {
    match enc {
        Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        Encoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

/// The first encoding of the client's list that the server knows (it knows all three); UTF-16
/// when the client lists none.
pub fn negotiate_encoding(offered: Option<&[lsp::PositionEncodingKind]>) -> Encoding {
    offered
        .unwrap_or_default()
        .iter()
        .find_map(|k| match k.as_str() {
            "utf-8" => Some(Encoding::Utf8),
            "utf-16" => Some(Encoding::Utf16),
            "utf-32" => Some(Encoding::Utf32),
            _ => None,
        })
        .unwrap_or(Encoding::Utf16)
}

/// The chunks of the rope's text from byte `from` to byte `to`, as strings (found in one descent
/// of the rope; a `RopeSlice` would also measure the whole rest of the text).
fn chunks(rope: &Rope, from: usize, to: usize) -> impl Iterator<Item = (usize, &str)> + '_ {
    let (chunks, first, _, _) = rope.chunks_at_byte(from);
    let mut base = first;
    chunks
        .map(move |chunk| {
            let at = base;
            base += chunk.len();
            (at, chunk)
        })
        .take_while(move |(at, _)| *at < to)
        .map(move |(at, chunk)| {
            // Both ends fall on character boundaries of the chunk.
            let a = from.saturating_sub(at);
            let b = (to - at).min(chunk.len());
            (at + a, &chunk[a..b])
        })
}

/// The characters of a line from its start, with their byte offsets, up to its line break (read
/// chunk by chunk as strings: the rope's own character iterator is several times slower).
fn line_chars(rope: &Rope, line_start: usize) -> impl Iterator<Item = (usize, char)> + '_ {
    chunks(rope, line_start, rope.len_bytes())
        .flat_map(|(at, chunk)| chunk.char_indices().map(move |(i, c)| (at + i, c)))
        .take_while(|(_, c)| !matches!(c, '\n' | '\r'))
}

/// Where the content of line `line` ends (before its line break).
fn line_content_end(rope: &Rope, line: usize) -> usize {
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
    end
}

/// A byte offset, and whether the position had to be clamped (a line past the end, a column past
/// the line's end, a column inside a character).
pub fn offset(rope: &Rope, pos: lsp::Position, enc: Encoding) -> (usize, bool) {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return (rope.len_bytes(), true);
    }
    let want = pos.character as usize;
    let mut units = 0usize;
    let mut end = rope.line_to_byte(line);
    for (at, c) in line_chars(rope, end) {
        if units == want {
            return (at, false);
        }
        let next = units + enc.units(c);
        if next > want {
            return (at, true);
        }
        units = next;
        end = at + c.len_utf8();
    }
    (end, units != want)
}

/// The position of byte `offset` (clamped into the text, onto a character start, and before the
/// line break of its line): the line's text up to it is measured chunk by chunk.
pub fn position(rope: &Rope, offset: usize, enc: Encoding) -> lsp::Position {
    let offset = offset.min(rope.len_bytes());
    let line = rope.byte_to_line(offset);
    let start = rope.line_to_byte(line);
    let end = offset.min(line_content_end(rope, line));
    // Onto the start of the character holding `end`.
    let end = rope.char_to_byte(rope.byte_to_char(end)).max(start);
    let character: usize = chunks(rope, start, end).map(|(_, c)| enc.len_of(c)).sum();
    lsp::Position {
        line: line as u32,
        character: character as u32,
    }
}

pub fn range(rope: &Rope, r: &Range<usize>, enc: Encoding) -> lsp::Range {
    lsp::Range {
        start: position(rope, r.start, enc),
        end: position(rope, r.end.max(r.start), enc),
    }
}

/// A place in another text (`rope`), known to the client as `uri`.
pub fn location(rope: &Rope, uri: &lsp::Uri, r: &Range<usize>, enc: Encoding) -> lsp::Location {
    lsp::Location {
        uri: uri.clone(),
        range: range(rope, r, enc),
    }
}

/// Byte range of a protocol range (ends swapped into order), and whether it was clamped.
pub fn byte_range(rope: &Rope, r: lsp::Range, enc: Encoding) -> (Range<usize>, bool) {
    let (a, ca) = offset(rope, r.start, enc);
    let (b, cb) = offset(rope, r.end, enc);
    if a <= b {
        (a..b, ca || cb)
    } else {
        (b..a, true)
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// Converts byte offsets of one text to positions: through a line index of the text when there
/// are many to convert for its size (building the index reads the whole text once; a rope
/// look-up descends the rope and measures part of one line), through the rope otherwise.
pub struct Positions<'a> {
    rope: &'a Rope,
    index: Option<(LineIndex, &'a str)>,
    enc: Encoding,
}

impl<'a> Positions<'a> {
    /// `text` is the rope's text; `expected` how many offsets will be converted.
    pub fn new(rope: &'a Rope, text: &'a str, enc: Encoding, expected: usize) -> Self {
        let index =
            (expected.saturating_mul(512) >= text.len()).then(|| (LineIndex::new(text), text));
        Positions { rope, index, enc }
    }

    pub fn position(&self, offset: usize) -> lsp::Position {
        match &self.index {
            Some((idx, text)) => {
                let p = idx.position(text, offset, self.enc);
                lsp::Position {
                    line: p.line,
                    character: p.character,
                }
            }
            None => position(self.rope, offset, self.enc),
        }
    }

    pub fn range(&self, r: &Range<usize>) -> lsp::Range {
        lsp::Range {
            start: self.position(r.start),
            end: self.position(r.end.max(r.start)),
        }
    }
}

/// The diagnostics that will be converted, with their severities, as LSP diagnostics.
/// Where a related place in another document is, for the client (`None` when that document is
/// not known any more).
pub type OtherFiles<'a> = &'a dyn Fn(diag::FileId, &Range<usize>) -> Option<lsp::Location>;

/// No other documents.
pub fn no_other_files(_: diag::FileId, _: &Range<usize>) -> Option<lsp::Location> {
    None
}

pub fn diagnostics(
    rope: &Rope,
    text: &str,
    uri: &lsp::Uri,
    diags: &[diag::Diagnostic],
    enc: Encoding,
    others: OtherFiles,
) -> Vec<lsp::Diagnostic> {
    let offsets: usize = diags.iter().map(|d| 2 + 2 * d.related.len()).sum();
    let at = Positions::new(rope, text, enc, offsets);
    diags
        .iter()
        .map(|d| diagnostic(&at, uri, d, others))
        .collect()
}

pub fn diagnostic(
    at: &Positions,
    uri: &lsp::Uri,
    d: &diag::Diagnostic,
    others: OtherFiles,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let location = match r.file {
                None => lsp::Location {
                    uri: uri.clone(),
                    range: at.range(&r.range),
                },
                Some(file) => others(file, &r.range)?,
            };
            Some(lsp::DiagnosticRelatedInformation {
                location,
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: at.range(&d.range),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        code_description: None,
        source: Some("nianbao".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

pub fn text_edit(rope: &Rope, e: &diag::Edit, enc: Encoding) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(rope, &e.range, enc),
        new_text: e.new_text.clone(),
    }
}

/// A workspace edit of one document: versioned `documentChanges` when the client supports them
/// (a stale edit is then rejected by the client), `changes` otherwise.
pub fn workspace_edit(
    rope: &Rope,
    uri: &lsp::Uri,
    version: i32,
    edits: &[diag::Edit],
    enc: Encoding,
    document_changes: bool,
) -> lsp::WorkspaceEdit {
    let edits: Vec<lsp::TextEdit> = edits.iter().map(|e| text_edit(rope, e, enc)).collect();
    if document_changes {
        lsp::WorkspaceEdit {
            changes: None,
            document_changes: Some(lsp::DocumentChanges::Edits(vec![lsp::TextDocumentEdit {
                text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(version),
                },
                edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
            }])),
            change_annotations: None,
        }
    } else {
        lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            document_changes: None,
            change_annotations: None,
        }
    }
}

pub fn hover(rope: &Rope, h: &ide::Hover, enc: Encoding) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown.clone(),
        }),
        range: Some(range(rope, &h.range, enc)),
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written
pub fn symbol(rope: &Rope, s: &ide::Symbol, enc: Encoding) -> lsp::DocumentSymbol {
    let r = range(rope, &s.range, enc);
    let mut sel = range(rope, &s.selection, enc);
    if sel.start < r.start || sel.end > r.end {
        sel = lsp::Range {
            start: r.start,
            end: r.start,
        };
    }
    lsp::DocumentSymbol {
        name: if s.name.trim().is_empty() {
            "（无标题）".to_string()
        } else {
            s.name.clone()
        },
        detail: s.detail.clone(),
        // A section is a heading, as Markdown's own outline shows headings (VS Code: the `abc`
        // icon); a table is a grid of values; a report of a compilation a document of its own.
        kind: match s.kind {
            ide::SymbolKind::Report => lsp::SymbolKind::FILE,
            ide::SymbolKind::Section => lsp::SymbolKind::STRING,
            ide::SymbolKind::Table => lsp::SymbolKind::ARRAY,
        },
        tags: None,
        deprecated: None,
        range: r,
        selection_range: sel,
        children: Some(s.children.iter().map(|c| symbol(rope, c, enc)).collect()),
    }
}

/// A folding range over whole lines; `None` for a region on a single line.
pub fn folding(rope: &Rope, r: &Range<usize>) -> Option<lsp::FoldingRange> {
    let start = rope.byte_to_line(r.start.min(rope.len_bytes()));
    // The last line holding a character of the region (not the line after its final line break).
    let end_byte = r.end.min(rope.len_bytes());
    let mut end = rope.byte_to_line(end_byte);
    if end > start && end_byte == rope.line_to_byte(end) {
        end -= 1;
    }
    (end > start).then_some(lsp::FoldingRange {
        start_line: start as u32,
        start_character: None,
        end_line: end as u32,
        end_character: None,
        kind: Some(lsp::FoldingRangeKind::Region),
        collapsed_text: None,
    })
}

pub fn completion(rope: &Rope, c: &ide::Completion, enc: Encoding) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: c.label.clone(),
        kind: Some(match c.kind {
            ide::CompletionKind::RowLabel => lsp::CompletionItemKind::FIELD,
            ide::CompletionKind::SectionTitle => lsp::CompletionItemKind::MODULE,
        }),
        detail: Some(c.detail.clone()),
        sort_text: Some(c.sort.clone()),
        filter_text: Some(if c.filter.is_empty() {
            c.label.clone()
        } else {
            c.filter.clone()
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(rope, &c.replace, enc),
            new_text: c.label.clone(),
        })),
        ..Default::default()
    }
}

/// The `nianbao/status` notification: whether the document is an annual report, how many reports
/// it holds, what the last check found (with the severities in force), and where its tables are
/// (a status line can then name the table under the cursor).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub uri: lsp::Uri,
    pub version: i32,
    pub is_report: bool,
    pub reports: usize,
    pub errors: usize,
    pub warnings: usize,
    pub information: usize,
    pub hints: usize,
    pub tables: Vec<StatusTable>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StatusTable {
    /// `表二`, `表三` or `表四`.
    pub name: &'static str,
    pub range: lsp::Range,
}

pub fn status(
    rope: &Rope,
    uri: &lsp::Uri,
    version: i32,
    doc: &crate::model::Document,
    shown: &[diag::Diagnostic],
    enc: Encoding,
) -> Status {
    let count = |s: Severity| shown.iter().filter(|d| d.severity == s).count();
    let reports: Vec<_> = doc.annual_reports().collect();
    Status {
        uri: uri.clone(),
        version,
        is_report: !reports.is_empty(),
        reports: reports.len(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        information: count(Severity::Information),
        hints: count(Severity::Hint),
        tables: reports
            .iter()
            .flat_map(|r| &r.tables)
            .map(|t| StatusTable {
                name: t.spec().short_name,
                range: range(rope, &t.range, enc),
            })
            .collect(),
    }
}

pub fn inlay_hint(rope: &Rope, h: &ide::InlayHint, enc: Encoding) -> lsp::InlayHint {
    lsp::InlayHint {
        position: position(rope, h.at, enc),
        label: lsp::InlayHintLabel::String(h.label.clone()),
        kind: None,
        text_edits: None,
        tooltip: Some(lsp::InlayHintTooltip::String(h.tooltip.clone())),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{LineIndex, Position};
    use proptest::prelude::*;

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("a".to_string()),
            Just("总".to_string()),
            Just("，".to_string()),
            Just("\u{20000}".to_string()),
            Just("\u{2A6D6}".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just("\t".to_string()),
            Just("\u{2028}".to_string()),
            Just("é".to_string()),
        ]
    }

    fn encs() -> impl Strategy<Value = Encoding> {
        prop_oneof![
            Just(Encoding::Utf8),
            Just(Encoding::Utf16),
            Just(Encoding::Utf32)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// The rope conversions agree with the engine's line index on every byte offset and on
        /// positions anywhere (past line ends, past the last line, inside characters).
        #[test]
        fn rope_conversions_match_line_index(
            parts in prop::collection::vec(piece(), 0..40),
            enc in encs(),
            probes in prop::collection::vec((0u32..12, 0u32..30), 1..20),
        ) {
            let text: String = parts.concat();
            let rope = Rope::from_str(&text);
            let idx = LineIndex::new(&text);
            prop_assert_eq!(rope.len_lines(), idx.line_count());
            for off in 0..=text.len() {
                let p = position(&rope, off, enc);
                let q = idx.position(&text, off, enc);
                prop_assert_eq!((p.line, p.character), (q.line, q.character), "offset {}", off);
                if text.is_char_boundary(off) {
                    // Round trip from a character start (clamped before a line break).
                    let (back, _) = offset(&rope, p, enc);
                    prop_assert_eq!(back, idx.offset(&text, Position { line: q.line, character: q.character }, enc));
                }
            }
            for (line, character) in probes {
                let (o, _) = offset(&rope, lsp::Position { line, character }, enc);
                prop_assert_eq!(o, idx.offset(&text, Position { line, character }, enc));
            }
        }
    }

    /// The position of a byte offset, counted character by character on the string.
    fn naive_position(text: &str, offset: usize, enc: Encoding) -> (u32, u32) {
        let (mut line, mut character) = (0, 0);
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if at + c.len_utf8() > offset {
                break;
            }
            match c {
                '\n' => (line, character) = (line + 1, 0),
                // A CRLF ends its line at the LF; an offset inside it is still the line's end.
                '\r' if chars.peek().is_some_and(|&(_, n)| n == '\n') => {
                    if at + 2 > offset {
                        break;
                    }
                }
                '\r' => (line, character) = (line + 1, 0),
                c => character += enc.units(c) as u32,
            }
        }
        (line, character)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// On texts of many rope chunks (lines crossing chunk boundaries), both conversions agree
        /// with counting character by character.
        #[test]
        fn conversions_across_rope_chunks(
            parts in prop::collection::vec(piece(), 0..400),
            repeat in 1usize..12,
            enc in encs(),
            probes in prop::collection::vec(any::<prop::sample::Index>(), 1..40),
        ) {
            // Long lines: the pieces without their line breaks, then the whole, repeated.
            let flat: String = parts.concat().replace(['\n', '\r'], "");
            let text = format!("{flat}\n{}", parts.concat()).repeat(repeat);
            let rope = Rope::from_str(&text);
            let idx = LineIndex::new(&text);
            for probe in probes {
                let off = probe.index(text.len() + 1);
                let want = naive_position(&text, off, enc);
                let p = position(&rope, off, enc);
                prop_assert_eq!((p.line, p.character), want, "offset {}", off);
                let q = idx.position(&text, off, enc);
                prop_assert_eq!((q.line, q.character), want, "offset {}", off);
                if text.is_char_boundary(off) {
                    let (back, _) = offset(&rope, p, enc);
                    prop_assert_eq!(back, idx.offset(&text, q, enc));
                }
            }
        }
    }

    #[test]
    fn surrogate_pairs_crlf_and_lone_cr() {
        let t = "总计\t𠀀5\r\nx\ry";
        let rope = Rope::from_str(t);
        let five = t.find('5').unwrap_or_default();
        let p = |line, character| lsp::Position { line, character };
        assert_eq!(position(&rope, five, Encoding::Utf16), p(0, 5));
        assert_eq!(position(&rope, five, Encoding::Utf8), p(0, 11));
        assert_eq!(position(&rope, five, Encoding::Utf32), p(0, 4));
        // Inside the surrogate pair: clamped to the character's start, flagged.
        assert_eq!(offset(&rope, p(0, 4), Encoding::Utf16), (five - 4, true));
        assert_eq!(offset(&rope, p(0, 5), Encoding::Utf16), (five, false));
        // Past the line end: the line end, before the CRLF.
        assert_eq!(offset(&rope, p(0, 99), Encoding::Utf16), (five + 1, true));
        assert_eq!(offset(&rope, p(2, 1), Encoding::Utf16), (t.len(), false));
        assert_eq!(offset(&rope, p(9, 0), Encoding::Utf16), (t.len(), true));
        assert_eq!(position(&rope, t.len() + 10, Encoding::Utf16), p(2, 1));
        // Inside the CRLF: the end of its line.
        assert_eq!(position(&rope, five + 2, Encoding::Utf16), p(0, 6));
    }

    #[test]
    fn negotiation_follows_the_client_order() {
        use lsp::PositionEncodingKind as K;
        assert_eq!(negotiate_encoding(None), Encoding::Utf16);
        assert_eq!(
            negotiate_encoding(Some(&[K::UTF8, K::UTF16, K::UTF32])),
            Encoding::Utf8
        );
        assert_eq!(
            negotiate_encoding(Some(&[K::new("x-utf-7"), K::UTF32, K::UTF8])),
            Encoding::Utf32
        );
        assert_eq!(negotiate_encoding(Some(&[])), Encoding::Utf16);
    }
}
