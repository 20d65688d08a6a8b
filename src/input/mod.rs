//! Reports in the files people receive: Word (.docx), web pages (.html/.htm) and PDF, turned into
//! the text shape the parser reads best (paragraphs as lines, table rows as tab-separated cells,
//! merged cells once, as a copy from Word gives them), with a map from every part of that text
//! back to its place in the original (第N段, the N-th table's row and column, 第N页).
//!
//! Plain data in, plain data out: no printing. Messages are Chinese, for the people who read them.

mod docx;
mod html;
mod pdf;

use std::ops::Range;
use std::path::Path;

use crate::model::{Document, Value};
use crate::spec::TableId;

/// What kind of file a path names, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text or Markdown (UTF-8 or GB18030).
    Text,
    Docx,
    Html,
    Pdf,
    /// A format nianbao cannot read (.doc, .wps, .et …): the message says what to do.
    Unsupported(&'static str),
}

/// Extensions of files a folder check picks up (text, Word, web pages, PDF, and the old Word and
/// WPS formats, which are reported as unreadable with what to do).
pub const EXTENSIONS: &[&str] = &[
    "md", "markdown", "txt", "docx", "html", "htm", "pdf", "doc", "wps",
];

pub fn format_of(path: &Path) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "docx" | "docm" => Format::Docx,
        "html" | "htm" | "xhtml" | "shtml" => Format::Html,
        "pdf" => Format::Pdf,
        "doc" | "dot" => Format::Unsupported(
            "这是旧版 Word 文档（.doc），nianbao 无法直接读取：请用 Word 或 WPS 打开后「另存为」Word 文档（.docx）再检查",
        ),
        "wps" => Format::Unsupported(
            "这是 WPS 文字文档（.wps），nianbao 无法直接读取：请用 WPS 打开后「另存为」Word 文档（.docx）再检查",
        ),
        "rtf" | "odt" => Format::Unsupported(
            "nianbao 无法直接读取这种文档：请用 Word、WPS 或 LibreOffice 打开后「另存为」Word 文档（.docx）再检查",
        ),
        _ => Format::Text,
    }
}

/// Is this a file a folder check looks at?
pub fn is_candidate(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
}

/// Why a file could not be read. The text is for the user (Chinese) and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

impl InputError {
    fn new(s: impl Into<String>) -> Self {
        InputError(s.into())
    }
}

/// Where a part of the converted text stands in the original file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The N-th paragraph with text (1-based), outside tables.
    Paragraph(usize),
    /// A cell of the N-th table (all 1-based): its row in the table as the file has it (header
    /// rows included) and its column in the table's grid.
    Cell {
        table: usize,
        row: usize,
        col: usize,
    },
    /// A page of a PDF (1-based).
    Page(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Bytes of the converted text.
    pub range: Range<usize>,
    pub place: Place,
}

/// The original kind of a converted file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Docx,
    Html,
    Pdf,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Docx => "Word 文档",
            Source::Html => "网页",
            Source::Pdf => "PDF",
        }
    }
}

/// A file turned into text, with where each part of the text came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    pub text: String,
    pub source: Source,
    /// Sorted by start, not overlapping.
    pub spans: Vec<Span>,
}

/// Reads a file of any supported format into text. `Ok(None)` for plain text (the caller decodes
/// it as it always has).
pub fn read(path: &Path, bytes: &[u8]) -> Result<Option<Converted>, InputError> {
    match format_of(path) {
        Format::Text => Ok(None),
        Format::Docx => docx::read(bytes).map(Some),
        Format::Html => Ok(Some(html::read(bytes))),
        Format::Pdf => pdf::read(path).map(Some),
        Format::Unsupported(msg) => Err(InputError::new(msg)),
    }
}

/// Converts bytes of a given format (for callers that hold the bytes, such as tests and
/// benchmarks). PDF needs a file: use [`read`].
pub fn convert_bytes(format: Format, bytes: &[u8]) -> Result<Option<Converted>, InputError> {
    match format {
        Format::Text => Ok(None),
        Format::Docx => docx::read(bytes).map(Some),
        Format::Html => Ok(Some(html::read(bytes))),
        Format::Pdf => Err(InputError::new("PDF 需要从文件读取")),
        Format::Unsupported(msg) => Err(InputError::new(msg)),
    }
}

impl Converted {
    /// The span holding byte `at` (the last one starting at or before it).
    pub fn place_at(&self, at: usize) -> Option<&Place> {
        let i = self.spans.partition_point(|s| s.range.start <= at);
        let s = self.spans.get(i.checked_sub(1)?)?;
        // A byte between spans (a line break) belongs to the span before it on the same line.
        Some(&s.place)
    }

    /// Where a diagnostic at `range` of the converted text stands in the original, in words a
    /// person finds there: 表三第6行「（一）予以公开」「自然人」列, 第12段「六、其他…」, 第3页.
    pub fn describe(&self, doc: &Document, range: &Range<usize>) -> String {
        let at = range.start.min(self.text.len());
        let in_table = table_words(doc, &self.text, at);
        match self.place_at(at) {
            Some(Place::Cell { table, row, col }) => match in_table {
                Some(w) => format!("{}第{row}行{}", w.table, w.rest),
                None => format!("第{table}个表格第{row}行第{col}列"),
            },
            Some(Place::Paragraph(n)) => {
                let excerpt = excerpt(&self.text, at);
                if excerpt.is_empty() {
                    format!("第{n}段")
                } else {
                    format!("第{n}段「{excerpt}」")
                }
            }
            Some(Place::Page(p)) => match in_table {
                Some(w) => format!("第{p}页，{}{}", w.table, w.rest),
                None => format!("第{p}页「{}」", excerpt(&self.text, at)),
            },
            None => match self.source {
                Source::Pdf => "第1页".to_string(),
                _ => "文档开头".to_string(),
            },
        }
    }
}

/// The text of the line holding `at`, from its start, cut short.
fn excerpt(text: &str, at: usize) -> String {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[start..end].trim_start_matches('#').trim();
    let mut out: String = line.chars().take(16).collect();
    if line.chars().count() > 16 {
        out.push('…');
    }
    out
}

struct TableWords {
    /// 表三
    table: String,
    /// 「（一）予以公开」「自然人」列
    rest: String,
}

/// 表二 … 表四: the table's name in messages up to its explanation.
pub fn short_name(id: TableId) -> &'static str {
    let name = id.spec().name;
    name.split('（').next().unwrap_or(name)
}

/// The table, row and column of the model at byte `at`, in words.
fn table_words(doc: &Document, text: &str, at: usize) -> Option<TableWords> {
    let report = doc.reports.first().map(|_| doc.report_at(at))?;
    let t = report.table_at(at)?;
    let spec = t.spec();
    let table = short_name(t.id).to_string();
    // A header cell is named by its own words.
    if let Some(h) = t
        .headers
        .iter()
        .find(|h| h.range.start <= at && at < h.range.end.max(h.range.start + 1))
    {
        return Some(TableWords {
            table,
            rest: format!("表头「{}」", h.text.trim()),
        });
    }
    let line_of = |at: usize| {
        let s = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
        let e = text[at.min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| at + i);
        s..e
    };
    let line = line_of(at);
    // The row whose label or cells hold the place, or else the row whose cells stand on its line.
    let row = t
        .rows
        .iter()
        .find(|r| {
            r.label.iter().any(|l| l.start <= at && at <= l.end)
                || r.cells
                    .iter()
                    .any(|c| c.span.start <= at && at <= c.span.end.max(c.range.end))
        })
        .or_else(|| {
            t.rows.iter().find(|r| {
                r.cells
                    .first()
                    .is_some_and(|c| line.start <= c.range.start && c.range.start <= line.end)
            })
        });
    let Some(row) = row else {
        return Some(TableWords {
            table,
            rest: String::new(),
        });
    };
    let label = if row.label_text.is_empty() {
        String::new()
    } else {
        format!("「{}」", row.label_text)
    };
    let cell = row
        .cells
        .iter()
        .find(|c| c.span.start <= at && at <= c.span.end.max(c.range.end));
    let rest = match cell {
        Some(c) => {
            let cols = spec.cols_of(row.spec);
            let col = cols.get(c.col).map_or(String::new(), |cs| {
                let mut p: Vec<&str> = cs.parents.to_vec();
                // Table 三's columns are known by their own names; table 四's repeat under
                // each parent.
                if t.id != TableId::T4 {
                    p.clear();
                }
                p.push(cs.label);
                p.join("·")
            });
            let blank = if matches!(c.value, Value::Blank) {
                "（空白）"
            } else {
                ""
            };
            format!("{label}「{col}」列{blank}")
        }
        None => label,
    };
    Some(TableWords { table, rest })
}

// ---------------------------------------------------------------- building the text

/// A cell of a table as the file gives it.
#[derive(Debug, Clone, Default)]
pub(crate) struct GridCell {
    pub text: String,
    /// Columns of the grid it covers.
    pub colspan: usize,
    /// It continues a cell merged from the row above (Word's vMerge, HTML's rowspan): empty in
    /// the text, as a copy from Word gives it.
    pub continued: bool,
}

/// Builds the converted text and its spans.
#[derive(Default)]
pub(crate) struct Builder {
    text: String,
    spans: Vec<Span>,
    paragraphs: usize,
    tables: usize,
}

impl Builder {
    /// A paragraph: one line, Markdown `#` marks for a heading level.
    pub fn paragraph(&mut self, s: &str, heading: Option<u8>) {
        let s = clean_line(s);
        if s.is_empty() {
            return;
        }
        self.paragraphs += 1;
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        let start = self.text.len();
        if let Some(level) = heading {
            for _ in 0..level.clamp(1, 6) {
                self.text.push('#');
            }
            self.text.push(' ');
        }
        self.text.push_str(&s);
        self.spans.push(Span {
            range: start..self.text.len(),
            place: Place::Paragraph(self.paragraphs),
        });
        self.text.push('\n');
    }

    /// A table: one line per row, cells separated by tabs, a merged cell once (in the first row
    /// and column it covers), continued cells empty.
    pub fn table(&mut self, rows: &[Vec<GridCell>]) {
        if rows
            .iter()
            .all(|r| r.iter().all(|c| c.text.trim().is_empty()))
        {
            return;
        }
        self.tables += 1;
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        for (ri, row) in rows.iter().enumerate() {
            let mut col = 1;
            let line_start = self.text.len();
            for (ci, c) in row.iter().enumerate() {
                if ci > 0 {
                    self.text.push('\t');
                }
                let start = self.text.len();
                if !c.continued {
                    self.text.push_str(&clean_cell(&c.text));
                }
                self.spans.push(Span {
                    range: start..self.text.len(),
                    place: Place::Cell {
                        table: self.tables,
                        row: ri + 1,
                        col,
                    },
                });
                col += c.colspan.max(1);
            }
            if self.text[line_start..].trim().is_empty() {
                // A row with nothing in it: leave no line (and no spans) for it.
                self.text.truncate(line_start);
                while self
                    .spans
                    .last()
                    .is_some_and(|s| s.range.start >= line_start)
                {
                    self.spans.pop();
                }
                continue;
            }
            self.text.push('\n');
        }
    }

    pub fn finish(self, source: Source) -> Converted {
        Converted {
            text: self.text,
            source,
            spans: self.spans,
        }
    }
}

/// A paragraph's text on one line: line breaks and tabs become spaces, runs of spaces one.
fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{A0}' => ' ',
            c => c,
        };
        if c == ' ' {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.push(c);
    }
    let t = out.trim_end();
    t.to_string()
}

/// A cell's text on one line: its lines joined (nothing between two Chinese characters, a space
/// between two Latin letters or digits), tabs and runs of spaces one space.
fn clean_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for part in s.split(['\n', '\r']) {
        let p = clean_line(part.trim());
        if p.is_empty() {
            continue;
        }
        let join = out
            .chars()
            .next_back()
            .zip(p.chars().next())
            .is_some_and(|(a, b)| a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric());
        if join {
            out.push(' ');
        }
        out.push_str(&p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a/报告.DOCX")), Format::Docx);
        assert_eq!(format_of(Path::new("报告.htm")), Format::Html);
        assert_eq!(format_of(Path::new("报告.pdf")), Format::Pdf);
        assert_eq!(format_of(Path::new("报告.md")), Format::Text);
        assert!(
            matches!(format_of(Path::new("报告.doc")), Format::Unsupported(m) if m.contains("另存为"))
        );
        assert!(
            matches!(format_of(Path::new("报告.wps")), Format::Unsupported(m) if m.contains(".docx"))
        );
        assert!(is_candidate(Path::new("x.Docx")));
        assert!(!is_candidate(Path::new("x.xlsx")));
    }

    #[test]
    fn cells_join_their_lines() {
        assert_eq!(clean_cell("商业\n企业"), "商业企业");
        assert_eq!(
            clean_cell(" 2.其他法律行政法规\n禁止公开 "),
            "2.其他法律行政法规禁止公开"
        );
        assert_eq!(clean_cell("Word\n2024"), "Word 2024");
        assert_eq!(clean_line("一、\t总体\u{a0}\u{a0}情况"), "一、 总体 情况");
    }

    #[test]
    fn builder_keeps_places() {
        let mut b = Builder::default();
        b.paragraph("标题", Some(1));
        b.paragraph("  ", None);
        b.paragraph("正文", None);
        let cell = |t: &str, span: usize, cont: bool| GridCell {
            text: t.to_string(),
            colspan: span,
            continued: cont,
        };
        b.table(&[
            vec![cell("甲", 2, false), cell("乙", 1, false)],
            vec![cell("", 1, true), cell("丙", 1, false), cell("1", 1, false)],
        ]);
        let c = b.finish(Source::Docx);
        assert_eq!(c.text, "# 标题\n\n正文\n\n甲\t乙\n\t丙\t1\n");
        let at = c.text.find('乙').unwrap();
        assert_eq!(
            c.place_at(at),
            Some(&Place::Cell {
                table: 1,
                row: 1,
                col: 3
            })
        );
        let at = c.text.find('正').unwrap();
        assert_eq!(c.place_at(at), Some(&Place::Paragraph(2)));
    }
}
