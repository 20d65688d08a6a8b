//! Table alignment: the pipe tables of a text padded so that their columns line up by display
//! width (a CJK character is two columns wide), every cell's text kept as it is. The edits touch
//! only the spaces around cell texts (and the dashes of separator rows), so a cursor inside a
//! cell's text stays in that cell; aligning twice changes nothing the second time.

use std::ops::Range;

use unicode_width::UnicodeWidthStr;

use crate::diag::Edit;

/// One cell of a pipe-table line.
struct Cell {
    /// From just after the pipe before it to the pipe after it (or the line's end).
    span: Range<usize>,
    /// The cell's text, without the spaces around it (empty at the span's start when blank).
    content: Range<usize>,
}

/// One line of a pipe table.
struct Line {
    cells: Vec<Cell>,
    /// `|---|:---:|`: a separator row.
    separator: bool,
    /// The line has its closing pipe.
    closed: bool,
    /// Where the line's text ends (before its line break and trailing spaces).
    end: usize,
}

/// The edits that align every pipe table of `text` that overlaps `range` (the whole text when
/// `None`).
pub fn align_tables(text: &str, range: Option<Range<usize>>) -> Vec<Edit> {
    let mut out = Vec::new();
    for table in tables(text) {
        let (Some(first), Some(last)) = (table.first(), table.last()) else {
            continue;
        };
        let span = first.cells.first().map_or(0, |c| c.span.start)..last.end;
        if let Some(r) = &range
            && (r.end < span.start || span.end < r.start)
        {
            continue;
        }
        align(text, &table, &mut out);
    }
    out
}

/// The pipe tables of a text: runs of two or more lines that start with a pipe.
fn tables(text: &str) -> Vec<Vec<Line>> {
    let mut out: Vec<Vec<Line>> = Vec::new();
    let mut current: Vec<Line> = Vec::new();
    for l in crate::text::lines(text) {
        match split(text, l.content.clone()) {
            Some(line) => current.push(line),
            None => {
                if current.len() >= 2 {
                    out.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        out.push(current);
    }
    out
}

/// Splits a line that starts with a pipe into its cells (`\|` is a pipe inside a cell).
fn split(text: &str, line: Range<usize>) -> Option<Line> {
    let s = &text[line.clone()];
    let lead = s.len() - s.trim_start().len();
    if !s[lead..].starts_with('|') {
        return None;
    }
    // A suppression comment after the last `|` (`<!-- nianbao-disable-line CODE -->`) is kept as
    // it is, outside the cells.
    let body = match crate::parse::trailing_suppression(s) {
        Some(open) => s[..open].trim_end(),
        None => s.trim_end(),
    };
    let end = line.start + body.len();
    let mut pipes: Vec<usize> = Vec::new();
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate().skip(lead) {
        if b == b'|' && (i == 0 || bytes[i - 1] != b'\\') {
            pipes.push(line.start + i);
        }
    }
    let closed = pipes.len() > 1 && pipes.last() == Some(&(end - 1));
    let mut bounds = pipes.clone();
    if !closed {
        bounds.push(end);
    }
    let cells: Vec<Cell> = bounds
        .windows(2)
        .map(|w| {
            let span = w[0] + 1..w[1];
            let raw = &text[span.clone()];
            let lead = raw.len() - raw.trim_start().len();
            let trimmed = raw.trim();
            let start = if trimmed.is_empty() {
                span.start
            } else {
                span.start + lead
            };
            Cell {
                content: start..start + trimmed.len(),
                span,
            }
        })
        .collect();
    if cells.is_empty() {
        return None;
    }
    let separator = cells.iter().all(|c| {
        let t = text[c.content.clone()].trim();
        !t.is_empty() && t.contains('-') && t.chars().all(|ch| matches!(ch, '-' | ':'))
    });
    Some(Line {
        cells,
        separator,
        closed,
        end,
    })
}

fn align(text: &str, table: &[Line], out: &mut Vec<Edit>) {
    let columns = table.iter().map(|l| l.cells.len()).max().unwrap_or(0);
    let mut widths = vec![3usize; columns];
    // Right-aligned columns (`---:` in the separator row) keep their texts to the right.
    let mut right = vec![false; columns];
    if let Some(sep) = table.iter().find(|l| l.separator) {
        for (i, c) in sep.cells.iter().enumerate() {
            let t = text[c.content.clone()].trim();
            right[i] = t.ends_with(':') && !t.starts_with(':');
        }
    }
    for l in table.iter().filter(|l| !l.separator) {
        for (i, c) in l.cells.iter().enumerate() {
            widths[i] = widths[i].max(text[c.content.clone()].width());
        }
    }
    for l in table {
        for (i, c) in l.cells.iter().enumerate() {
            let content = &text[c.content.clone()];
            if l.separator {
                let t = content.trim();
                let left = if t.starts_with(':') { ":" } else { "" };
                let right = if t.ends_with(':') && t.len() > 1 {
                    ":"
                } else {
                    ""
                };
                let dashes = widths[i].saturating_sub(left.len() + right.len()).max(1);
                let new = format!(" {left}{}{right} ", "-".repeat(dashes));
                push(text, out, c.span.clone(), new);
                continue;
            }
            if content.is_empty() {
                push(text, out, c.span.clone(), " ".repeat(widths[i] + 2));
                continue;
            }
            // The spaces before and after the text, kept apart from the text itself.
            let pad = widths[i].saturating_sub(content.width());
            let (before, after) = if right[i] { (pad + 1, 1) } else { (1, pad + 1) };
            push(text, out, c.span.start..c.content.start, " ".repeat(before));
            push(text, out, c.content.end..c.span.end, " ".repeat(after));
        }
        if !l.closed {
            push(text, out, l.end..l.end, "|".to_string());
        }
    }
}

/// Adds an edit unless it changes nothing.
fn push(text: &str, out: &mut Vec<Edit>, range: Range<usize>, new_text: String) {
    if text[range.clone()] != new_text {
        out.push(Edit::replace(range, new_text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_edits;

    fn aligned(text: &str) -> String {
        apply_edits(text, &align_tables(text, None))
    }

    #[test]
    fn columns_line_up_by_display_width() {
        let text = "前言\n| 信息内容 | 本年制发件数 |\n|---|---:|\n| 规章 | 0 |\n|行政规范性文件|12\n正文\n";
        let once = aligned(text);
        expect_test::expect![[r#"
            前言
            | 信息内容       | 本年制发件数 |
            | -------------- | -----------: |
            | 规章           |            0 |
            | 行政规范性文件 |           12 |
            正文
        "#]]
        .assert_eq(&once);
        // Twice changes nothing; every cell's text is kept.
        assert!(align_tables(&once, None).is_empty());
        let cells = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.starts_with('|') && !l.contains("---"))
                .flat_map(|l| {
                    l.split('|')
                        .map(|c| c.trim().to_string())
                        .collect::<Vec<_>>()
                })
                .filter(|c| !c.is_empty())
                .collect()
        };
        assert_eq!(cells(text), cells(&once));
    }

    #[test]
    fn aligned_reports_read_the_same() {
        let md = crate::test_support::fixtures().join("markdown/000_745ac7de65919f15.md");
        let texts = [
            crate::draft::new_report("某某县某某局", 2025),
            std::fs::read_to_string(md).expect("the Markdown seed"),
        ];
        for text in texts {
            let once = aligned(&text);
            assert!(align_tables(&once, None).is_empty());
            let settings = crate::settings::Settings::default();
            let show = |t: &str| -> Vec<String> {
                let doc = crate::parse::parse(t);
                let mut v: Vec<String> = crate::check::check(&doc, t, &settings)
                    .iter()
                    .map(|d| format!("{} {}", d.code, d.message))
                    .collect();
                for r in &doc.reports {
                    for t in &r.tables {
                        for row in &t.rows {
                            v.push(format!(
                                "{:?}",
                                row.cells.iter().map(|c| &c.value).collect::<Vec<_>>()
                            ));
                        }
                    }
                }
                v
            };
            assert_eq!(show(&text), show(&once));
        }
    }

    #[test]
    fn a_suppression_ending_a_row_stays_outside_the_cells() {
        let text = "| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 | <!-- nianbao-disable-line total-mismatch -->\n|行政规范性文件|12 <!-- nianbao-disable-line x -->\n";
        let once = aligned(text);
        expect_test::expect![[r#"
            | 信息内容       | 本年制发件数 |
            | -------------- | ------------ |
            | 规章           | 0            | <!-- nianbao-disable-line total-mismatch -->
            | 行政规范性文件 | 12           | <!-- nianbao-disable-line x -->
        "#]]
        .assert_eq(&once);
        assert!(align_tables(&once, None).is_empty());
    }

    #[test]
    fn only_tables_in_the_range() {
        let text = "| a | b |\n|---|---|\n\n| 甲 | 乙乙 |\n|--|--|\n";
        let second = text.find("| 甲").unwrap();
        let edits = align_tables(text, Some(second..second + 1));
        assert!(edits.iter().all(|e| e.range.start >= second));
        assert!(!edits.is_empty());
    }
}
