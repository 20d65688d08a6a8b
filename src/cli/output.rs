//! What `nianbao check` prints: diagnostics for people (rustc/ruff style) or as JSON. Human
//! output never passes control characters through (a cell or a file name cannot move the cursor,
//! recolour the terminal or start a new line) and quotes a long cell or line only in part.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use anstyle::{AnsiColor, Style};

use super::input::STDIN_NAME;
use super::{Format, Outcome, Summary};
use crate::diag::{Applicability, Diagnostic, Severity};
use crate::spec::TableId;
use crate::stats;
use crate::text::{Encoding, LineIndex};

/// The longest quotation 「…」 from a document a message keeps, in characters.
const QUOTE_CHARS: usize = 40;
/// The longest message, in characters, after quotations are shortened.
const MESSAGE_CHARS: usize = 400;
/// The widest source line shown under a diagnostic, in terminal columns.
const LINE_COLS: usize = 160;
/// Columns kept before the marked part of a line that is cut.
const LEAD_COLS: usize = 40;

/// Whether a character must not reach a terminal as it is: controls (line breaks, escape,
/// C1 controls) and the characters that reorder text (bidirectional overrides and isolates).
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn push_escaped(out: &mut String, c: char, tab: &str) {
    match c {
        '\t' => out.push_str(tab),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// `s` with every character that must not reach a terminal written as an escape (`\n`,
/// `\x1b`, `\u{202e}`).
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    escape_with(s, "\\t")
}

fn escape_with<'a>(s: &'a str, tab: &str) -> Cow<'a, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            push_escaped(&mut out, c, tab);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A message with each quotation 「…」 longer than a short excerpt cut to its start and "…",
/// and the whole at most [`MESSAGE_CHARS`] characters.
pub(crate) fn shorten(msg: &str) -> Cow<'_, str> {
    if msg.chars().count() <= QUOTE_CHARS {
        return Cow::Borrowed(msg);
    }
    let mut out = String::new();
    let mut rest = msg;
    let mut changed = false;
    while let Some(open) = rest.find('「') {
        let inner_start = open + '「'.len_utf8();
        out.push_str(&rest[..inner_start]);
        let inner = &rest[inner_start..];
        let Some(close) = inner.find('」') else {
            rest = inner;
            break;
        };
        let quoted = &inner[..close];
        match quoted.char_indices().nth(QUOTE_CHARS) {
            Some((cut, _)) => {
                out.push_str(&quoted[..cut]);
                out.push('…');
                changed = true;
            }
            None => out.push_str(quoted),
        }
        out.push('」');
        rest = &inner[close + '」'.len_utf8()..];
    }
    out.push_str(rest);
    if let Some((cut, _)) = out.char_indices().nth(MESSAGE_CHARS) {
        out.truncate(cut);
        out.push('…');
        changed = true;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(msg)
    }
}

/// Display width of text already escaped.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
        .sum()
}

/// The longest start of `s` at most `cols` wide.
fn first_cols(s: &str, cols: usize) -> &str {
    let mut w = 0;
    for (i, c) in s.char_indices() {
        w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w > cols {
            return &s[..i];
        }
    }
    s
}

/// The longest end of `s` at most `cols` wide.
fn last_cols(s: &str, cols: usize) -> &str {
    let mut w = 0;
    for (i, c) in s.char_indices().rev() {
        w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w > cols {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// A source line as shown: tabs as four spaces, control characters escaped, cut around the
/// marked part when wider than [`LINE_COLS`]. Returns the line, the columns before the mark
/// and the mark's width.
fn shown_line(before: &str, mark: &str, after: &str) -> (String, usize, usize) {
    let before = escape_with(before, "    ");
    let mark = escape_with(mark, "    ");
    let after = escape_with(after.trim_end(), "    ");
    let after = after.as_ref();
    let (wb, wm, wa) = (width(&before), width(&mark), width(after));
    if wb + wm + wa <= LINE_COLS {
        let line = format!("{before}{mark}{after}");
        return (line.trim_end().to_string(), wb, wm);
    }
    let mut line = String::new();
    let lead = if wb > LEAD_COLS {
        line.push('…');
        line.push_str(last_cols(&before, LEAD_COLS - 1));
        1 + width(last_cols(&before, LEAD_COLS - 1))
    } else {
        line.push_str(&before);
        wb
    };
    let room = LINE_COLS - lead;
    let m = first_cols(&mark, room.saturating_sub(1));
    line.push_str(m);
    let marked = width(m).max(1);
    if m.len() < mark.len() {
        line.push('…');
    } else {
        let a = first_cols(after, room - width(m) - 1);
        line.push_str(a);
        if a.len() < after.len() {
            line.push('…');
        }
    }
    (line, lead, marked)
}

/// The path for a person: lossy for names that are not UTF-8, control characters escaped.
fn shown_path(display: &str) -> Cow<'_, str> {
    escape(display)
}

/// How a path that could not be read is named (`-` is standard input).
pub(super) fn failed_display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// How `nianbao check` shows its results: the same for every file of a run.
pub(super) struct Shown {
    pub format: Format,
    pub color: bool,
    /// `--fix`: the summary says how many problems were fixed.
    pub fixing: bool,
    /// `--quiet`: for people, only the diagnostics and the files that could not be read or
    /// fixed (no skipped files, no fix counts, no summary).
    pub quiet: bool,
    /// `--stats`: what was read of each report's tables.
    pub stats: bool,
}

/// The output of one file: for people, its lines; as JSON, its object, pretty-printed and
/// indented to its place in the document's `files` array.
pub(super) fn file(o: &Outcome, shown: &Shown) -> Vec<u8> {
    let mut out = Vec::new();
    match shown.format {
        Format::Human => {
            human_file(&mut out, o, shown).expect("writing to memory does not fail");
        }
        Format::Json => {
            let pretty = serde_json::to_string_pretty(&json_file(o, shown))
                .expect("a JSON value always serialises");
            indent(&mut out, &pretty, "    ", true);
        }
    }
    out
}

/// Writes `text` with each line after `indent`, the first line too when `first`.
fn indent(out: &mut Vec<u8>, text: &str, indent: &str, first: bool) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if i > 0 || first {
            out.extend_from_slice(indent.as_bytes());
        }
        out.extend_from_slice(line.as_bytes());
    }
}

/// Puts the files' outputs, as they come, between the start and the end of the whole output:
/// for JSON one document, `{"files": [...], "summary": {...}}`, byte for byte what serde_json
/// pretty-prints for it whole.
pub(super) struct Printer {
    format: Format,
    files: usize,
}

impl Printer {
    /// The printer and the start of the output.
    pub(super) fn start(format: Format) -> (Printer, Vec<u8>) {
        let head = match format {
            Format::Human => Vec::new(),
            Format::Json => b"{\n  \"files\": [".to_vec(),
        };
        (Printer { format, files: 0 }, head)
    }

    /// A file's output (from [`file`]) with what goes before it.
    pub(super) fn file(&mut self, shown: Vec<u8>) -> Vec<u8> {
        self.files += 1;
        match self.format {
            Format::Human => shown,
            Format::Json => {
                let sep: &[u8] = if self.files == 1 { b"\n" } else { b",\n" };
                [sep, &shown].concat()
            }
        }
    }

    /// The end of the output: the summary.
    pub(super) fn end(&self, s: &Summary, shown: &Shown) -> Vec<u8> {
        let mut out = Vec::new();
        match self.format {
            Format::Human => {
                if !shown.quiet {
                    human_summary(&mut out, s, shown).expect("writing to memory does not fail");
                }
            }
            Format::Json => {
                out.extend_from_slice(if self.files == 0 { b"]" } else { b"\n  ]" });
                out.extend_from_slice(b",\n  \"summary\": ");
                let pretty = serde_json::to_string_pretty(&json_summary(s))
                    .expect("a JSON value always serialises");
                indent(&mut out, &pretty, "  ", false);
                out.extend_from_slice(b"\n}\n");
            }
        }
        out
    }
}

fn painter(color: bool) -> impl Fn(Style, &str) -> String {
    move |style: Style, text: &str| -> String {
        if color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }
}

fn human_file(out: &mut impl Write, o: &Outcome, shown: &Shown) -> std::io::Result<()> {
    let paint = painter(shown.color);
    let bold = Style::new().bold();
    let blue = Style::new().bold().fg_color(Some(AnsiColor::Blue.into()));
    let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    match o {
        Outcome::Failed { path, error } => {
            let shown = failed_display(path);
            writeln!(
                out,
                "{}：{}：{}",
                paint(red, "错误"),
                shown_path(&shown),
                escape(error)
            )?;
            writeln!(out)?;
        }
        Outcome::Checked {
            input,
            reports,
            diags,
            fixed,
            stats,
            ..
        } => {
            let display = shown_path(&input.display);
            if *reports == 0 {
                if !shown.quiet {
                    writeln!(
                        out,
                        "{}：{display}：不是政府信息公开工作年度报告，已跳过",
                        paint(bold, "跳过"),
                    )?;
                }
                return Ok(());
            }
            if let Some(f) = fixed {
                match &f.error {
                    None if f.applied.is_empty() || shown.quiet => {}
                    None => writeln!(
                        out,
                        "{}：{display}：修复了 {} 处问题",
                        paint(
                            Style::new().bold().fg_color(Some(AnsiColor::Green.into())),
                            "已修复"
                        ),
                        f.applied.len()
                    )?,
                    Some(e) => {
                        writeln!(out, "{}：{display}：{}", paint(red, "修复失败"), escape(e))?
                    }
                }
            }
            if shown.stats {
                for (n, r) in stats.iter().enumerate() {
                    let which = if stats.len() > 1 {
                        format!("（第 {} 份报告）", n + 1)
                    } else {
                        String::new()
                    };
                    writeln!(
                        out,
                        "{}：{display}{which}：{}",
                        paint(bold, "统计"),
                        stats_line(r)
                    )?;
                }
            }
            let idx = LineIndex::new(&input.text);
            for (i, d) in diags.iter().enumerate() {
                let place = input.places.get(i);
                let others: Vec<&super::previous::Place> = input
                    .others
                    .iter()
                    .filter(|(di, _, _)| *di == i)
                    .map(|(_, _, p)| p)
                    .collect();
                render(
                    out,
                    &display,
                    &input.text,
                    &idx,
                    d,
                    place,
                    &others,
                    &paint,
                    blue,
                )?;
            }
        }
    }
    Ok(())
}

/// What was read of a report, in a line: 表二 10/10 格，表三 175/175 格，表四未找到；格式 2021 年版.
fn stats_line(r: &stats::ReportStats) -> String {
    let tables: Vec<String> = stats::TABLES
        .iter()
        .zip(&r.tables)
        .map(|(id, t)| match t {
            Some(t) => format!("{} {}/{} 格", id.spec().short_name, t.read, t.cells),
            None => format!("{}未找到", id.spec().short_name),
        })
        .collect();
    let mut line = tables.join("，");
    if let Some(e) = r.edition() {
        line.push_str(&format!("；格式 {} 年版", stats::edition_year(e)));
    }
    line
}

fn human_summary(out: &mut impl Write, s: &Summary, shown: &Shown) -> std::io::Result<()> {
    let paint = painter(shown.color);
    let bold = Style::new().bold();
    let mut line = if s.reports > s.files {
        format!(
            "检查 {} 份报告（{} 个文件）：{} 个错误，{} 个警告",
            s.reports, s.files, s.errors, s.warnings
        )
    } else {
        format!(
            "检查 {} 份报告：{} 个错误，{} 个警告",
            s.reports, s.errors, s.warnings
        )
    };
    if s.infos > 0 {
        line.push_str(&format!("，{} 个提示", s.infos));
    }
    if s.skipped > 0 {
        line.push_str(&format!("；跳过 {} 个非报告文件", s.skipped));
    }
    if s.io_errors > 0 {
        line.push_str(&format!("；{} 个文件无法处理", s.io_errors));
    }
    writeln!(out, "{}", paint(bold, &line))?;
    if shown.fixing {
        writeln!(out, "已自动修复 {} 处问题", s.fixed)?;
    } else if s.fixable > 0 {
        writeln!(
            out,
            "其中 {} 处可用 `nianbao check --fix` 自动修复",
            s.fixable
        )?;
    }
    Ok(())
}

fn severity_style(sev: Severity) -> Style {
    let c = match sev {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        _ => AnsiColor::Cyan,
    };
    Style::new().bold().fg_color(Some(c.into()))
}

#[allow(clippy::too_many_arguments)]
fn render(
    out: &mut impl Write,
    path: &str,
    text: &str,
    idx: &LineIndex,
    d: &Diagnostic,
    place: Option<&super::input::Described>,
    others: &[&super::previous::Place],
    paint: &impl Fn(Style, &str) -> String,
    blue: Style,
) -> std::io::Result<()> {
    let sev = severity_style(d.severity);
    writeln!(
        out,
        "{}: {}",
        paint(sev, &format!("{}[{}]", d.severity.chinese(), d.code)),
        paint(Style::new().bold(), &escape(&shorten(&d.message)))
    )?;
    let start = idx.position(text, d.range.start, Encoding::Utf32);
    let line_no = (start.line + 1).to_string();
    let pad = " ".repeat(line_no.len());
    match place {
        // A Word document, web page or PDF: the place in words a person finds there.
        Some(place) => writeln!(
            out,
            "{pad}{} {path}：{}",
            paint(blue, "-->"),
            escape(&shorten(&place.at))
        )?,
        None => writeln!(
            out,
            "{pad}{} {path}:{}:{}",
            paint(blue, "-->"),
            start.line + 1,
            start.character + 1
        )?,
    }
    let lr = idx.line_range(start.line as usize);
    // The line without its break.
    let end = lr.start + text[lr.clone()].trim_end_matches(['\n', '\r']).len();
    let from = d.range.start.clamp(lr.start, end);
    let to = d.range.end.clamp(from, end);
    let (line, lead, len) = shown_line(&text[lr.start..from], &text[from..to], &text[to..end]);
    writeln!(out, "{pad} {}", paint(blue, "|"))?;
    writeln!(
        out,
        "{} {} {}",
        paint(blue, &line_no),
        paint(blue, "|"),
        line
    )?;
    writeln!(
        out,
        "{pad} {} {}{}",
        paint(blue, "|"),
        " ".repeat(lead),
        paint(sev, &"^".repeat(len.max(1)))
    )?;
    for (j, r) in related_shown(text, idx, d) {
        // A converted file's place in words names the cell already; a line and column do not.
        let at = match place
            .and_then(|p| p.related.get(j))
            .filter(|p| !p.is_empty())
        {
            Some(p) => format!("{path}：{}", escape(&shorten(p))),
            None => {
                let p = idx.position(text, r.range.start, Encoding::Utf32);
                format!(
                    "{path}:{}:{}（{}）",
                    p.line + 1,
                    p.character + 1,
                    escape(&shorten(&r.message))
                )
            }
        };
        writeln!(out, "{pad} {} 见 {at}", paint(blue, "="))?;
    }
    for o in others {
        writeln!(
            out,
            "{pad} {} 上一年度报告：{}:{}:{}",
            paint(blue, "="),
            shown_path(&o.display),
            o.start32.line + 1,
            o.start32.character + 1
        )?;
    }
    if let Some(f) = d.fixes.iter().min_by_key(|f| f.applicability) {
        let how = match f.applicability {
            Applicability::Safe => "可自动修复",
            Applicability::Unsafe => "建议（需确认，`--fix --unsafe-fixes` 可应用）",
            Applicability::DisplayOnly => "可能的修改",
        };
        writeln!(
            out,
            "{pad} {} {how}：{}",
            paint(blue, "="),
            escape(&shorten(&f.title))
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// Most related places shown under a diagnostic: more (the parts of a column's total) are
/// left to the JSON output and the editor.
const MAX_RELATED_SHOWN: usize = 3;

/// The related places of a diagnostic in its own document that stand on other lines than it
/// (the cell a sentence of the prose restates; not the parts of a row's total, shown in the
/// line printed), with their indices; none when there are more than [`MAX_RELATED_SHOWN`].
fn related_shown<'d>(
    text: &str,
    idx: &LineIndex,
    d: &'d Diagnostic,
) -> Vec<(usize, &'d crate::diag::Related)> {
    let line = |at: usize| idx.position(text, at, Encoding::Utf32).line;
    let own = line(d.range.start);
    let found: Vec<_> = d
        .related
        .iter()
        .enumerate()
        .filter(|(_, r)| r.file.is_none() && line(r.range.start) != own)
        .collect();
    if found.len() > MAX_RELATED_SHOWN {
        return Vec::new();
    }
    found
}

/// The path as JSON fields: `path` (lossy, as before) and, for a name that is not UTF-8,
/// `path_bytes_hex` with its exact bytes.
fn json_path(file: &mut serde_json::Value, path: Option<&Path>, display: &str) {
    file["path"] = serde_json::json!(display);
    if let Some(p) = path
        && p.to_str().is_none()
    {
        use std::os::unix::ffi::OsStrExt;
        let hex: String = p
            .as_os_str()
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        file["path_bytes_hex"] = serde_json::json!(hex);
    }
}

fn json_file(o: &Outcome, shown: &Shown) -> serde_json::Value {
    use serde_json::{Value as J, json};
    match o {
        Outcome::Failed { path, error } => {
            let mut file = json!({});
            json_path(&mut file, Some(path), &failed_display(path));
            file["error"] = json!(error);
            file
        }
        Outcome::Checked {
            input,
            reports,
            diags,
            fixed,
            stats,
            ..
        } => {
            let idx = LineIndex::new(&input.text);
            let range = |r: &std::ops::Range<usize>| -> J {
                let a = idx.position(&input.text, r.start, Encoding::Utf16);
                let b = idx.position(&input.text, r.end, Encoding::Utf16);
                json!({"start": {"line": a.line, "character": a.character}, "end": {"line": b.line, "character": b.character}})
            };
            let ds: Vec<J> = diags
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let mut j = json!({
                        "code": d.code.as_str(),
                        "severity": d.severity.as_str(),
                        "message": shorten(&d.message),
                        "range": range(&d.range),
                        "related": d.related.iter().enumerate().map(|(j, r)| {
                            match input.others.iter().find(|(di, rj, _)| *di == i && *rj == j) {
                                // A place in another file (last year's report): its path, and the
                                // range in that file.
                                Some((_, _, p)) => {
                                    let mut o = json!({
                                        "range": {"start": {"line": p.start16.line, "character": p.start16.character}, "end": {"line": p.end16.line, "character": p.end16.character}},
                                        "message": shorten(&r.message),
                                    });
                                    json_path(&mut o, p.path.as_deref(), &p.display);
                                    o
                                }
                                None => {
                                    let mut o = json!({"range": range(&r.range), "message": shorten(&r.message)});
                                    // A converted file: the place in words, as for the diagnostic.
                                    if let Some(p) = input.places.get(i).and_then(|p| p.related.get(j)).filter(|p| !p.is_empty()) {
                                        o["place"] = json!(shorten(p));
                                    }
                                    o
                                }
                            }
                        }).collect::<Vec<_>>(),
                        "fixes": d.fixes.iter().map(|f| json!({
                            "title": shorten(&f.title),
                            "applicability": f.applicability.as_str(),
                            "safe": f.is_safe(),
                            "edits": f.edits.iter().map(|e| json!({"range": range(&e.range), "new_text": e.new_text})).collect::<Vec<_>>(),
                        })).collect::<Vec<_>>(),
                    });
                    if let Some(p) = input.places.get(i) {
                        j["place"] = json!(shorten(&p.at));
                    }
                    j
                })
                .collect();
            let mut file = json!({});
            json_path(&mut file, input.path.as_deref(), &input.display);
            file["is_report"] = json!(*reports > 0);
            file["reports"] = json!(reports);
            file["diagnostics"] = J::Array(ds);
            if let Some(f) = fixed {
                file["fixed"] = json!({
                    "applied": f.applied.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                    "error": f.error,
                });
                // Standard input: the text after the fixes (the text as read when none
                // applied).
                if input.path.is_none() {
                    file["fixed"]["text"] = json!(input.text);
                    file["fixed"]["encoding"] = json!(input.encoding.name());
                }
            }
            if shown.stats {
                file["stats"] = stats.iter().enumerate().map(json_stats).collect();
            }
            file
        }
    }
}

/// A report's stats: `{"report": 1, "edition": "2021", "tables": [{"table": "t2", "found": true,
/// "cells_read": 10, "cells": 10, "edition": "2021"}, …]}` (`null`s for a table not found).
fn json_stats((n, r): (usize, &stats::ReportStats)) -> serde_json::Value {
    use serde_json::json;
    let year = |e| stats::edition_year(e).to_string();
    let tables: Vec<_> = stats::TABLES
        .iter()
        .zip(&r.tables)
        .map(|(id, t)| {
            json!({
                "table": match id {
                    TableId::T2 => "t2",
                    TableId::T3 => "t3",
                    TableId::T4 => "t4",
                },
                "found": t.is_some(),
                "cells_read": t.map(|t| t.read),
                "cells": t.map(|t| t.cells),
                "edition": t.map(|t| year(t.edition)),
            })
        })
        .collect();
    json!({"report": n + 1, "edition": r.edition().map(year), "tables": tables})
}

fn json_summary(s: &Summary) -> serde_json::Value {
    serde_json::json!({
        "files": s.files,
        "reports": s.reports,
        "skipped": s.skipped,
        "errors": s.errors,
        "warnings": s.warnings,
        "information": s.infos,
        "fixable": s.fixable,
        "fixed": s.fixed,
        "io_errors": s.io_errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        expect_test::expect![[r#"a\nb\x1b[31m\u{9b}\u{202e}表\tc"#]]
            .assert_eq(&escape("a\nb\x1b[31m\u{9b}\u{202e}表\tc"));
        assert!(matches!(escape("表三 总计"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_quotes_and_lines_are_cut() {
        let long = "7".repeat(100_000);
        let msg = format!("「行政规范性文件」「本年制发件数」列：「{long}」超出了合理的件数范围");
        expect_test::expect!["「行政规范性文件」「本年制发件数」列：「7777777777777777777777777777777777777777…」超出了合理的件数范围"]
            .assert_eq(&shorten(&msg));
        let (line, lead, len) = shown_line("行政规范性文件\t", &long, "\t1\t7");
        expect_test::expect![[r#"
            (
                160,
                18,
                141,
            )
        "#]]
        .assert_debug_eq(&(width(&line), lead, len));
        assert!(line.starts_with("行政规范性文件    777") && line.ends_with("7…"));
        let (line, lead, len) = shown_line(&"甲".repeat(100), "12", &"乙".repeat(100));
        // The lead is cut to 39 columns: 19 wide characters after the "…".
        assert_eq!((lead, len), (39, 2));
        assert!(line.starts_with('…') && line.ends_with('…') && width(&line) <= LINE_COLS + 1);
        // Short lines as they are.
        assert_eq!(shown_line("a\tb", "1", "  \n").0, "a    b1");
    }
}
