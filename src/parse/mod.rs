//! Text to [`Document`]. The text is cut into blocks at section headings and report titles; each
//! block is parsed on its own (its tables), so an edit inside one block needs only that block
//! parsed again (see [`crate::incremental`]). The blocks are then grouped into reports (a
//! compilation holds several, each beginning at its title), and each report's own facts (title,
//! 统计期限, cited basis) are read by fast scans over its part of the text.

pub mod cells;
mod table;

use std::ops::Range;
use std::sync::Arc;

use memchr::memmem;

use crate::diag::Edit;
use crate::model::{
    Document, Period, Report, ReportContext, Section, Shape, Suppression, Table, Title,
};
use crate::spec::{self, SECTIONS, normed};
use crate::text::{self, Line, norm, split_numbering};
use cells::Item;

/// A block: a section heading line or a report title line and everything up to the next one (or
/// the text before the first of them).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// From the start of the heading line (or of the text) to the start of the next block.
    pub range: Range<usize>,
    pub heading: Option<Heading>,
    /// The block begins at a report title line (see [`is_title_line`]): in a compilation, where
    /// the next report begins.
    pub starts_report: bool,
    pub tables: Vec<Arc<Table>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub index: usize,
    pub line: Range<usize>,
    pub title_range: Range<usize>,
    pub is_standard: bool,
}

pub fn parse(text: &str) -> Document {
    let blocks = parse_blocks(text, 0..text.len());
    assemble(text, &blocks)
}

/// The lines of `range` (which starts at a line start), offsets into `text`.
pub fn lines_in(text: &str, range: Range<usize>) -> Vec<Line> {
    let base = range.start;
    let mut ls = text::lines(&text[range]);
    for l in &mut ls {
        l.content = l.content.start + base..l.content.end + base;
        l.full = l.full.start + base..l.full.end + base;
    }
    ls
}

/// Parses the blocks of `range` (a run of whole lines).
pub fn parse_blocks(text: &str, range: Range<usize>) -> Vec<Block> {
    parse_blocks_keeping_rows(text, range).0
}

/// Parses the blocks of `range`, and gives back the raw rows of the last one.
pub fn parse_blocks_keeping_rows(text: &str, range: Range<usize>) -> (Vec<Block>, Vec<Item>) {
    let base = range.start;
    // Line by line, each kept only in its block's list.
    let ls = text::lines_iter(&text[range.clone()]).map(|mut l| {
        l.content = l.content.start + base..l.content.end + base;
        l.full = l.full.start + base..l.full.end + base;
        l
    });
    let mut blocks = Vec::new();
    let mut start = range.start;
    let mut head: Option<Heading> = None;
    let mut title = false;
    let mut block_lines: Vec<Line> = Vec::new();
    for l in ls {
        let h = heading(text, &l.content);
        let is_title = h.is_none() && is_title_line(text, &l.content);
        if h.is_some() || is_title {
            if l.content.start > start || head.is_some() || title || !block_lines.is_empty() {
                blocks.push(
                    parse_block(text, start..l.full.start, head.take(), title, &block_lines).0,
                );
            }
            start = l.full.start;
            head = h;
            title = is_title;
            block_lines.clear();
            if is_title {
                block_lines.push(l);
            }
            continue;
        }
        block_lines.push(l);
    }
    let (last, rows) = parse_block(text, start..range.end, head, title, &block_lines);
    blocks.push(last);
    (blocks, rows)
}

fn parse_block(
    text: &str,
    range: Range<usize>,
    heading: Option<Heading>,
    starts_report: bool,
    lines: &[Line],
) -> (Block, Vec<Item>) {
    let rows = cells::raw_rows(text, lines);
    (
        Block {
            range,
            heading,
            starts_report,
            tables: tables_of(text, &rows),
        },
        rows,
    )
}

/// The tables of a block's raw rows.
pub fn tables_of(text: &str, rows: &[Item]) -> Vec<Arc<Table>> {
    table::tables(text, rows)
        .into_iter()
        .map(Arc::new)
        .collect()
}

/// Does this raw row announce a table (a table's reading starts at such a row)? Rows before the
/// first that does belong to no table.
pub fn announces_table(row: &cells::RawRow) -> bool {
    table::tag(row).is_some()
}

/// Is this line a report's title (`某局2024年政府信息公开工作年度报告`), which in a compilation begins
/// another report? Judged on the line alone: short, naming 政府信息公开 and 年度报告, not numbered,
/// not a sentence, not a table row, not a title quoted in prose.
pub fn is_title_line(text: &str, line: &Range<usize>) -> bool {
    let s = text[line.clone()].trim_matches([' ', '\u{3000}', '\t', '\u{0C}']);
    if s.len() > 240
        || REPORT.find(s.as_bytes()).is_none()
        || s.contains(['\t', '|'])
        || !title_shaped(s)
    {
        return false;
    }
    let n = norm(s.trim_start().trim_start_matches('#'));
    n.contains("政府信息公开")
        && n.contains("年度报告")
        && n.chars().count() <= 60
        && split_numbering(&n).0.is_empty()
        && !n.contains(['.', '!', '?'])
}

/// Whether a line that names the report could be its title: not a sentence that mentions it
/// (`……已发布《2023年政府信息公开工作年度报告》。`), not a line in another language that does
/// (`# Corpus of real 政府信息公开工作年度报告 with annotated defects`). Titles name no English
/// words; `XX` or `XXX` stands in for a name.
fn title_shaped(s: &str) -> bool {
    let english_word = s
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.len() >= 3 && !w.chars().all(|c| matches!(c, 'X' | 'x')));
    !english_word && !s.contains(['《', '》', '…', '：', ':', '，', ',', '。', '；', ';'])
}

/// Is this line a section heading? A line is one only where its text (without Markdown marks) is a
/// standard title, a known variant, or a numbered title with the section's key word; table rows
/// (`三、本年度办理结果`, `四、结转下年度继续办理`) never are.
pub fn heading(text: &str, line: &Range<usize>) -> Option<Heading> {
    let s = &text[line.clone()];
    if s.len() > 200 {
        return None;
    }
    let lead = s.len() - s.trim_start().len();
    let mut t = s.trim_start();
    let md = t.starts_with('#');
    // A tab inside the line separates cells; tabs before or after the words only indent them
    // (web pages copied with every paragraph indented by a tab).
    let inner = t.trim_end_matches([' ', '\u{3000}', '\t', '\u{0C}']);
    if !md && (inner.contains('\t') || s.contains('|')) {
        return None;
    }
    let mut start = line.start + lead;
    let before = t.len();
    t = t
        .trim_start_matches('#')
        .trim_start_matches(['*', '_', ' ', '\u{3000}']);
    start += before - t.len();
    let t2 = t.trim_end_matches(['*', '_', ' ', '\u{3000}', '\t', '\u{0C}']);
    let title = start..start + t2.len();
    if t2.contains("  ") || t2.contains('\u{3000}') {
        return None; // columns aligned by spaces: a table row
    }
    let n = norm(t2);
    if n.is_empty() || n.chars().count() > 40 {
        return None;
    }
    let (num, body) = split_numbering(&n);
    let body = body.trim_start_matches('.');
    if num.starts_with('(') {
        return None;
    }
    let numeral = numeral_index(num);
    for (i, sec) in SECTIONS.iter().enumerate() {
        let std = normed(sec.title);
        let (snum, sbody) = split_numbering(std);
        if body == sbody {
            // A standard body under another section's numeral is still this section.
            return Some(Heading {
                index: i,
                line: line.clone(),
                title_range: title,
                is_standard: num == snum,
            });
        }
    }
    for (i, sec) in SECTIONS.iter().enumerate() {
        if sec.variants.iter().any(|v| normed(v) == body)
            && (numeral.is_none() || numeral == Some(i))
        {
            return Some(Heading {
                index: i,
                line: line.clone(),
                title_range: title,
                is_standard: false,
            });
        }
    }
    let i = numeral?;
    if num.starts_with(|c: char| c.is_ascii_digit()) {
        return None; // `3.补正后申请内容仍不明确` is a row label; only exact titles count with 1、
    }
    let sec = &SECTIONS[i];
    let short = body.chars().count() <= 30;
    // Judged on the words as printed: `、` between two items is a title's, `，` or `。` a sentence's.
    let prose = t2.contains([',', ';', '!', '?', '，', '；', '！', '？', '。']);
    if short && !prose && sec.keywords.iter().any(|k| body.contains(k)) && !is_table_row_label(&n) {
        return Some(Heading {
            index: i,
            line: line.clone(),
            title_range: title,
            is_standard: false,
        });
    }
    None
}

fn is_table_row_label(n: &str) -> bool {
    spec::T3
        .rows
        .iter()
        .any(|r| text::similarity(normed(r.label), n) > 0.6)
}

fn numeral_index(num: &str) -> Option<usize> {
    let d = num.trim_end_matches('.');
    match d {
        "一" | "1" => Some(0),
        "二" | "2" => Some(1),
        "三" | "3" => Some(2),
        "四" | "4" => Some(3),
        "五" | "5" => Some(4),
        "六" | "6" => Some(5),
        _ => None,
    }
}

/// A table competing to be the report's table of its kind: in its own section?, rows, start.
type Candidate<'a> = (bool, usize, usize, &'a Arc<Table>);

/// Builds the document from parsed blocks: the blocks grouped into reports, each report read,
/// and the suppression comments of the whole text.
pub fn assemble(text: &str, blocks: &[Block]) -> Document {
    let eol = dominant_eol(text);
    Document {
        reports: report_groups(blocks)
            .into_iter()
            .map(|g| {
                let blocks = &blocks[g];
                let range = blocks_range(text, blocks);
                report(text, blocks, &ReportContext::of(text, range, eol))
            })
            .collect(),
        suppressions: find_suppressions(text),
    }
}

/// Which blocks form each report (ranges of block indices, in order, covering all blocks). A
/// report title begins another report when the report so far has sections and the numbering
/// starts again after the title (the next heading's section is not later than the one the title
/// stands in): a title-like line inside a report (a sub-heading naming last year's report, before
/// the next section) leaves it whole.
pub fn report_groups(blocks: &[Block]) -> Vec<Range<usize>> {
    // The index of the next section heading at or after each block.
    let mut next_heading = vec![None; blocks.len()];
    let mut next = None;
    for (i, b) in blocks.iter().enumerate().rev() {
        if let Some(h) = &b.heading {
            next = Some(h.index);
        }
        next_heading[i] = next;
    }
    let mut out = Vec::new();
    let mut start = 0;
    // The section of the last heading of the report so far.
    let mut current: Option<usize> = None;
    for (i, b) in blocks.iter().enumerate() {
        if let Some(h) = &b.heading {
            current = Some(h.index);
        } else if b.starts_report
            && let (Some(c), Some(n)) = (current, next_heading[i])
            && n <= c
        {
            out.push(start..i);
            start = i;
            current = None;
        }
    }
    out.push(start..blocks.len());
    out
}

/// The part of the text that blocks cover.
pub fn blocks_range(text: &str, blocks: &[Block]) -> Range<usize> {
    match (blocks.first(), blocks.last()) {
        (Some(a), Some(b)) => a.range.start..b.range.end,
        _ => 0..text.len(),
    }
}

/// Reads one report from its blocks. Of the text outside them it reads only what `context`
/// holds.
pub fn report(text: &str, blocks: &[Block], context: &ReportContext) -> Report {
    let range = blocks_range(text, blocks);
    let mut r = Report {
        range: range.clone(),
        eol: context.eol,
        ..Default::default()
    };
    // For each table, the best candidate: the one in its own section, then the one with the most
    // rows, then the first.
    let mut best: [Option<Candidate>; 3] = [None, None, None];
    for b in blocks {
        if let Some(h) = &b.heading {
            let body_start = line_end_full(text, h.line.end);
            r.sections.push(Section {
                index: h.index,
                line: h.line.clone(),
                title_range: h.title_range.clone(),
                title_text: text[h.title_range.clone()].to_string(),
                is_standard: h.is_standard,
                body: body_start.min(b.range.end)..b.range.end,
            });
        }
        for t in &b.tables {
            let own = b.heading.as_ref().map(|h| h.index) == Some(t.id.section());
            let slot = &mut best[t.id as usize];
            let better = match slot {
                None => true,
                Some((o, rows, start, _)) => {
                    (!own, usize::MAX - t.rows.len(), t.range.start)
                        < (!*o, usize::MAX - *rows, *start)
                }
            };
            if better {
                *slot = Some((own, t.rows.len(), t.range.start, t));
            }
        }
    }
    r.tables = best
        .into_iter()
        .flatten()
        .map(|(_, _, _, t)| Arc::clone(t))
        .collect();
    r.tables.sort_by_key(|t| t.range.start);
    r.shape = r.tables.first().map_or(Shape::Markdown, |t| t.shape);

    let first_heading = blocks
        .iter()
        .find_map(|b| b.heading.as_ref().map(|h| h.line.start))
        .unwrap_or(range.end);
    let (title, org, year) = find_title(
        text,
        range.start..first_heading,
        context.line_before.as_deref(),
    );
    // A title without the body's name: the name on its own line just below it, or the
    // signature above the date at the end.
    let org = org
        .or_else(|| {
            title
                .as_ref()
                .and_then(|t| org_below(text, t.range.end..first_heading))
        })
        .or_else(|| {
            title
                .as_ref()
                .and_then(|_| org_in_signature(text, range.clone()))
        });
    r.title = title;
    r.org = org;
    r.period = find_period(text, range.clone());
    r.year = year.or(r.period.as_ref().and_then(|p| p.end_year));
    r.basis_2019 = find_basis_2019(text, range);
    let standard_titles = r.sections.iter().filter(|s| s.is_standard).count();
    if r.title.is_some() || standard_titles >= 3 || r.sections.len() >= 4 {
        r.kind = crate::model::ReportKind::AnnualReport;
    }
    r
}

/// A line that holds nothing but a body's name: short, no sentence punctuation, no figures,
/// ending as body names end (`某某镇人民政府`, `某某县财政局`).
fn org_line(s: &str) -> Option<String> {
    let t = s.trim().trim_start_matches('#').trim();
    let n = t.chars().count();
    if !(3..=30).contains(&n)
        || t.contains([
            '，', '。', '：', ':', '；', ',', '、', '（', '(', '《', '|', '\t',
        ])
        || t.chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return None;
    }
    spec::ORG_ENDINGS
        .iter()
        .any(|e| t.ends_with(e))
        .then(|| t.to_string())
}

/// The body's name on the first non-empty line below the title (within `range`, before the
/// first section).
fn org_below(text: &str, range: Range<usize>) -> Option<String> {
    let first = lines_in(text, range)
        .into_iter()
        .map(|l| text[l.content].trim())
        .find(|s| !s.is_empty())?;
    org_line(first)
}

/// The body's name in the signature: the line above the date that ends the report
/// (`某某镇人民政府` / `2024年1月15日`).
fn org_in_signature(text: &str, range: Range<usize>) -> Option<String> {
    let lines: Vec<&str> = lines_in(text, range)
        .into_iter()
        .map(|l| text[l.content].trim())
        .filter(|s| !s.is_empty())
        .collect();
    let tail = &lines[lines.len().saturating_sub(4)..];
    let date = tail.iter().rposition(|s| {
        let n = norm(s);
        n.chars().count() <= 16 && year_in(&n).is_some() && n.contains('月')
    })?;
    org_line(tail.get(date.checked_sub(1)?)?)
}

/// The line break most used in the text (its first 64 KiB tell).
pub fn dominant_eol(text: &str) -> &'static str {
    let sample = &text.as_bytes()[..text.len().min(64 * 1024)];
    let cr = memchr::memchr_iter(b'\r', sample).count();
    if cr == 0 {
        return "\n";
    }
    let crlf = memmem::find_iter(sample, b"\r\n").count();
    let lf = memchr::memchr_iter(b'\n', sample).count() - crlf;
    let cr = cr - crlf;
    if crlf > lf && crlf >= cr {
        "\r\n"
    } else if cr > lf && cr > crlf {
        "\r"
    } else {
        "\n"
    }
}

fn line_end_full(text: &str, content_end: usize) -> usize {
    let b = text.as_bytes();
    match b.get(content_end) {
        Some(b'\r') if b.get(content_end + 1) == Some(&b'\n') => content_end + 2,
        Some(b'\r') | Some(b'\n') => content_end + 1,
        _ => content_end,
    }
}

fn year_in(n: &str) -> Option<(i32, usize)> {
    // n is normalised (ASCII digits, no spaces).
    let b = n.as_bytes();
    let mut i = 0;
    while i + 4 <= b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && n[i + 4..].starts_with('年')
        {
            let y: i32 = n[i..i + 4].parse().ok()?;
            if (1990..=2100).contains(&y) {
                return Some((y, i));
            }
        }
        i += 1;
    }
    None
}

/// The title line: the first line of `region` (a report's text before its first heading) that
/// names 政府信息公开 and 年度报告, with the reporting body and the year.
fn find_title<'a>(
    text: &'a str,
    region: Range<usize>,
    line_before: Option<&'a str>,
) -> (Option<Title>, Option<String>, Option<i32>) {
    let base = region.start;
    let region = &text[..region.end.min(text.len())];
    // The title stands in the first 80 lines (and may wrap onto the 81st): only those are split.
    let ls: Vec<Line> = text::lines_iter(&region[base.min(region.len())..])
        .take(81)
        .map(|l| Line {
            content: l.content.start + base..l.content.end + base,
            full: l.full.start + base..l.full.end + base,
        })
        .collect();
    // The body's name may stand on the line before the title, even before the report's range
    // (in a compilation it is the last line of the previous block).
    let mut prev_nonempty: Option<&str> = line_before;
    for (li, l) in ls.iter().enumerate().take(80) {
        let s = &region[l.content.clone()];
        if s.len() > 400 {
            continue; // a paragraph, not a title (nor a body's name)
        }
        if !s.contains('报') {
            // Not (the first line of) a title, whatever its spacing.
            if !s.trim().is_empty() {
                prev_nonempty = Some(s);
            }
            if !s.contains('公') {
                continue;
            }
        }
        let mut n = norm(s);
        let mut end_line = l;
        // A title wrapped over two lines (`…工作年度` / `报告`).
        if n.contains("政府信息公开")
            && !n.contains("年度报告")
            && let Some(next) = ls.get(li + 1)
        {
            let joined = format!("{n}{}", norm(&region[next.content.clone()]));
            if joined.contains("年度报告") {
                n = joined;
                end_line = next;
            }
        }
        if n.contains("政府信息公开")
            && n.contains("年度报告")
            && n.chars().count() <= 80
            && title_shaped(&n)
        {
            let start = l.content.start + (s.len() - s.trim_start().len());
            let end = end_line.content.start + region[end_line.content.clone()].trim_end().len();
            let range = start..end.max(start);
            let trimmed = region[range.clone()].trim();
            let year = year_in(&n);
            let org = match year {
                // Words before the year name the body (a Markdown title's `#` does not).
                Some((_, at)) if !n[..at].trim_start_matches('#').is_empty() => {
                    let before = n[..at].trim_start_matches('#');
                    // A covering letter's title: 某局关于报送2020年度…年度报告的函.
                    let before = before.split("关于").next().unwrap_or(before);
                    Some(before.to_string())
                }
                _ => prev_nonempty.map(|p| p.trim().trim_start_matches('#').trim().to_string()),
            }
            .filter(|o| !o.is_empty() && o.chars().count() <= 40 && year_in(o).is_none());
            return (
                Some(Title {
                    range,
                    text: trimmed.to_string(),
                }),
                org,
                year.map(|y| y.0),
            );
        }
        if !n.is_empty() {
            prev_nonempty = Some(s);
        }
    }
    (None, None, None)
}

pub use crate::text::last_line_before;

fn find_period(text: &str, range: Range<usize>) -> Option<Period> {
    let hay = &text.as_bytes()[range.clone()];
    let at = range.start + PERIOD.find(hay).or_else(|| PERIOD_ALT.find(hay))?;
    let rest = &text[at..range.end];
    let end = rest
        .char_indices()
        .find(|(_, c)| matches!(c, '。' | '\n' | '\r' | '；' | ';'))
        .map_or(rest.len(), |(i, _)| i)
        .min(240);
    let end = text::floor_char_boundary(rest, end);
    let s = &rest[..end];
    let n = norm(s);
    let mut years = Vec::new();
    let mut from = 0;
    while let Some((y, i)) = year_in(&n[from..]) {
        years.push(y);
        from += i + 4;
    }
    Some(Period {
        range: at..at + end,
        start_year: years.first().copied(),
        end_year: years.last().copied(),
    })
}

fn find_basis_2019(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for at in BASIS.find_iter(&text.as_bytes()[range.clone()]) {
        let at = range.start + at;
        let rest = &text[at..range.end];
        let end = text::floor_char_boundary(rest, rest.len().min(48));
        let window = &rest[..end];
        let Some(hao) = window.find('号') else {
            continue;
        };
        let cited = &window[..hao + '号'.len_utf8()];
        let n = norm(cited);
        if spec::BASIS_2019.iter().any(|b| normed(b) == n) {
            out.push(at..at + cited.len());
        }
    }
    // By its title alone; a title followed by its number is one citation, found above.
    let region = &text[range.clone()];
    for title in spec::BASIS_2019_TITLES {
        for (at, _) in region.match_indices(title) {
            let start = range.start + at;
            let end = start + title.len();
            if !out.iter().any(|r| r.start >= end && r.start <= end + 24) {
                out.push(start..end);
            }
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

const DISABLE: &str = "nianbao-disable";

/// Substring searchers, built once.
type Finder = std::sync::LazyLock<memmem::Finder<'static>>;
static REPORT: Finder = Finder::new(|| memmem::Finder::new("报告"));
static PERIOD: Finder = Finder::new(|| memmem::Finder::new("统计期限"));
static PERIOD_ALT: Finder = Finder::new(|| memmem::Finder::new("统计时限"));
static BASIS: Finder = Finder::new(|| memmem::Finder::new("国办公开办函"));
static DISABLE_FINDER: Finder = Finder::new(|| memmem::Finder::new(DISABLE));

/// Does a suppression comment's keyword overlap bytes `range` of the text?
pub fn mentions_suppression(text: &str, range: Range<usize>) -> bool {
    let b = text.as_bytes();
    let from = range.start.saturating_sub(DISABLE.len() - 1).min(b.len());
    let to = (range.end + DISABLE.len() - 1).min(b.len()).max(from);
    DISABLE_FINDER.find(&b[from..to]).is_some()
}

/// Where a suppression comment that ends a line begins (`| 规章 | 0 | <!-- nianbao-disable-line
/// CODE -->`): no cell of the row, which ends before it. `None` when the line does not end so.
pub fn trailing_suppression(line: &str) -> Option<usize> {
    let t = line.trim_end();
    if !t.ends_with("-->") {
        return None;
    }
    let open = t.rfind("<!--")?;
    let inner = t[open + 4..].trim_start();
    (open > 0 && inner.starts_with(DISABLE)).then_some(open)
}

/// How far a suppression comment reaches.
enum Reach {
    /// From the comment to the end of the text (`nianbao-disable`).
    Rest,
    /// The next line that is not blank (`nianbao-disable-next-line`).
    NextLine,
    /// The line the comment ends (`nianbao-disable-line`, written after a table row's last `|`).
    Line,
}

pub fn find_suppressions(text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    for at in DISABLE_FINDER.find_iter(text.as_bytes()) {
        let line_start = text::line_start(text, at);
        let line_end = text::line_end(text, at);
        let line = &text[line_start..line_end];
        let after = &text[at + DISABLE.len()..line_end];
        let (reach, rest) = if let Some(r) = after.strip_prefix("-next-line") {
            (Reach::NextLine, r)
        } else if let Some(r) = after.strip_prefix("-line") {
            (Reach::Line, r)
        } else {
            (Reach::Rest, after)
        };
        let placed = match reach {
            // An HTML comment, anywhere in the line (after a row's cells).
            Reach::Line => text[line_start..at].trim_end().ends_with("<!--"),
            _ => {
                let lead = line.trim_start();
                lead.starts_with("<!--")
                    || lead.starts_with("//")
                    || lead.starts_with('#')
                    || lead.starts_with(DISABLE)
            }
        };
        if !placed
            || !(rest.is_empty() || rest.starts_with([' ', '\t', ':', '-']))
            || rest.starts_with("-line")
        {
            continue;
        }
        let rest = rest.split("-->").next().unwrap_or("");
        let codes: Vec<String> = rest
            .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == ':')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let applies = match reach {
            Reach::NextLine => {
                // The next line that is not blank.
                let mut pos = crate::parse::line_end_full(text, line_end);
                loop {
                    let e = text[pos..]
                        .find(['\n', '\r'])
                        .map_or(text.len(), |i| pos + i);
                    if !text[pos..e].trim().is_empty() || e >= text.len() {
                        break pos..e;
                    }
                    pos = line_end_full(text, e);
                }
            }
            Reach::Line => line_start..line_end,
            Reach::Rest => line_end..text.len(),
        };
        out.push(Suppression {
            codes,
            applies,
            line: line_start..line_end,
        });
    }
    out
}

/// Is this line a row of a pipe table (it starts with `|`), not its separator row?
fn is_pipe_row(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('|') && !cells::is_md_separator(t)
}

/// The edit that silences diagnostic `code` on the line holding byte `at`. Inside a pipe table
/// (a row after the table's first line) the comment ends the row, after its last `|`, where a
/// Markdown renderer shows nothing and keeps the table whole: `| 规章 | 0 | <!--
/// nianbao-disable-line CODE -->` (a row that has such a comment already gets the code added to
/// it). Anywhere else it is a line of its own before the line: `<!-- nianbao-disable-next-line
/// CODE -->` (before a table's first line, it stands before the table).
pub fn suppression_edit(text: &str, at: usize, code: &str) -> Edit {
    let at = text::floor_char_boundary(text, at.min(text.len()));
    let start = text::line_start(text, at);
    let end = text::line_end(text, at);
    let line = &text[start..end];
    // The line just before (`start` follows its line break).
    let previous = (start > 0).then(|| {
        let prev_end = start
            - if text[..start].ends_with("\r\n") {
                2
            } else {
                1
            };
        &text[text::line_start(text, prev_end)..prev_end]
    });
    if is_pipe_row(line) && previous.is_some_and(|p| p.trim_start().starts_with('|')) {
        if trailing_suppression(line).is_some() {
            // Add the code to the row's comment: before its `-->`.
            let close = start + line.trim_end().len() - 3;
            let pad = if text[..close].ends_with(' ') {
                ""
            } else {
                " "
            };
            return Edit::insert(close, format!("{pad}{code} "));
        }
        let content_end = start + line.trim_end().len();
        return Edit::insert(content_end, format!(" <!-- {DISABLE}-line {code} -->"));
    }
    Edit::insert(
        start,
        format!("<!-- {DISABLE}-next-line {code} -->{}", dominant_eol(text)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Option<(usize, bool)> {
        heading(s, &(0..s.len())).map(|h| (h.index, h.is_standard))
    }

    #[test]
    fn headings_and_table_rows() {
        assert_eq!(h("一、总体情况"), Some((0, true)));
        assert_eq!(h("## 二、主动公开政府信息情况"), Some((1, true)));
        assert_eq!(h("1、 总体情况"), Some((0, false)));
        assert_eq!(h("、主动公开政府信息情况"), Some((1, false)));
        assert_eq!(h("六、其他需报告的事项"), Some((5, false)));
        assert_eq!(h("五、存在主要问题及改进情况"), Some((4, false)));
        assert_eq!(h("六、其他事项的报告"), Some((5, false)));
        assert_eq!(h("四、结转下年度继续办理"), None);
        assert_eq!(h("三、本年度办理结果"), None);
        assert_eq!(h("一、本年新收政府信息公开申请数量"), None);
        assert_eq!(h("二、上年结转政府信息公开申请数量"), None);
        assert_eq!(h("（一）主动公开情况。"), None);
        assert_eq!(h("四、结转下年度继续办理\t\t0"), None);
        // Web pages copied with every paragraph indented by a tab.
        assert_eq!(h("\t一、总体情况"), Some((0, true)));
        assert_eq!(h("\t五、存在的主要问题及改进情况\t"), Some((4, true)));
        assert_eq!(h("\t四、结转下年度继续办理\t0\t0"), None);
        // A slip inside a title that lists two items with 、 is still the title.
        assert_eq!(
            h("四、政府信息公开行政法复议、行政诉讼情况"),
            Some((3, false))
        );
        assert_eq!(h("四、行政复议的情况，全年共收到2件。"), None);
    }

    fn seed(n: &str) -> String {
        crate::test_support::seed(n)
    }

    fn outline(text: &str) -> String {
        parse(text)
            .reports
            .iter()
            .map(|r| {
                format!(
                    "{:?} {:?} {:?} {} sections, {} tables, period {:?}",
                    r.org,
                    r.year,
                    r.title.as_ref().map(|t| &t.text),
                    r.sections.len(),
                    r.tables.len(),
                    r.period.as_ref().and_then(|p| p.end_year),
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_compilation_is_read_report_by_report() {
        let text = format!("{}\n{}\n{}", seed("000"), seed("001"), seed("004"));
        expect_test::expect![[r#"
            Some("攀枝花市西区人民政府办公室") Some(2024) Some("2024 年政府信息公开工作年度报告") 6 sections, 3 tables, period Some(2024)
            Some("攀枝花市东区经济和信息化局") Some(2023) Some("2023 年政府信息公开工作年度报告") 6 sections, 3 tables, period None
            Some("攀枝花市西区") Some(2022) Some("攀枝花市西区2022年政府信息公开工作年度报告") 6 sections, 3 tables, period None"#]]
        .assert_eq(&outline(&text));
        let doc = parse(&text);
        // The reports cover the text, each from its title block to the next one.
        assert_eq!(doc.reports[0].range.start, 0);
        assert_eq!(doc.reports[2].range.end, text.len());
        for w in doc.reports.windows(2) {
            assert_eq!(w[0].range.end, w[1].range.start);
        }
        // Each report's facts come from its own part of the text.
        let second = &doc.reports[1];
        assert!(
            second
                .tables
                .iter()
                .all(|t| second.range.contains(&t.range.start))
        );
    }

    #[test]
    fn a_title_like_line_inside_a_report_does_not_split_it() {
        let text = "某局2024年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n\
            三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n\
            五、存在的主要问题及改进情况\n某局2023年政府信息公开工作年度报告所列问题整改情况\n\
            六、其他需要报告的事项\n本年度未收取信息处理费。\n";
        assert!(is_title_line(
            text,
            &(text.find("某局2023").unwrap()..text.find("整改情况").unwrap() + "整改情况".len())
        ));
        assert_eq!(parse(text).reports.len(), 1);
        // A repeated report without a title stays one report (its sections are out of order).
        let twice = format!("{text}{}", &text[text.find("一、").unwrap()..]);
        assert_eq!(parse(&twice).reports.len(), 1);
        // With its title, the second copy is a report of its own.
        assert_eq!(parse(&format!("{text}{text}")).reports.len(), 2);
    }

    #[test]
    fn title_lines() {
        let t = |s: &str| is_title_line(s, &(0..s.len()));
        assert!(t("某局2024年政府信息公开工作年度报告"));
        assert!(t("## 西塞山区 2024 年政府信息公开工作 年度报告"));
        assert!(!t("现将《某局2024年政府信息公开工作年度报告》公布如下"));
        assert!(!t("关于报送2024年政府信息公开工作年度报告的通知，请查收。"));
        assert!(!t("（三）2023年政府信息公开工作年度报告问题整改情况"));
        assert!(!t("某局2024年政府信息公开工作年度报告\t1\t2"));
        assert!(!t("一、总体情况"));
        assert!(t("XXX县2024年政府信息公开工作年度报告"));
        assert!(!t(
            "# Corpus of real 政府信息公开工作年度报告 with annotated defects"
        ));
    }

    /// A text that only mentions the report (a README in English, a notice that one was
    /// published) is no report; a draft whose body is still a stand-in is one.
    #[test]
    fn a_text_that_mentions_the_report_is_not_one() {
        let kind = |t: &str| parse(t).reports.first().map(|r| r.kind);
        let other = Some(crate::model::ReportKind::Other);
        let report = Some(crate::model::ReportKind::AnnualReport);
        assert_eq!(
            kind(
                "# Corpus of real 政府信息公开工作年度报告 with annotated defects\n\nEach file is a report.\n"
            ),
            other
        );
        assert_eq!(
            kind("本机关已于2024年1月发布《2023年政府信息公开工作年度报告》。\n"),
            other
        );
        assert_eq!(
            kind("XXX县2024年政府信息公开工作年度报告\n\n正文。\n"),
            report
        );
        assert_eq!(
            kind("某某片区管理局关于报送2020年度政府信息公开工作年度报告的函\n\n正文。\n"),
            report
        );
    }

    #[test]
    fn suppressions() {
        let t = "a\n<!-- nianbao-disable-next-line total-mismatch -->\n\nrow\nz";
        let s = find_suppressions(t);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].codes, ["total-mismatch"]);
        assert_eq!(&t[s[0].applies.clone()], "row");
    }

    #[test]
    fn a_suppression_ending_a_row_applies_to_its_line() {
        let t = "| 规章 | 1 |\n| 行政规范性文件 | 5 | <!-- nianbao-disable-line total-mismatch, cell-blank -->\n| 总计 | 9 |\n";
        let s = find_suppressions(t);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].codes, ["total-mismatch", "cell-blank"]);
        assert_eq!(
            &t[s[0].applies.clone()],
            "| 行政规范性文件 | 5 | <!-- nianbao-disable-line total-mismatch, cell-blank -->"
        );
        // Only as an HTML comment: words in prose or a cell are not one.
        for t in [
            "| 规章 | nianbao-disable-line total-mismatch |\n",
            "正文写到 nianbao-disable-line 的用法\n",
            "| 规章 | 1 | <!-- nianbao-disable-lines x -->\n",
        ] {
            assert!(find_suppressions(t).is_empty(), "{t}");
        }
        assert_eq!(
            trailing_suppression("| a | 1 | <!-- nianbao-disable-line x -->  "),
            Some(10)
        );
        assert_eq!(trailing_suppression("| a | 1 | <!-- other -->"), None);
        assert_eq!(
            trailing_suppression("<!-- nianbao-disable-line x -->"),
            None
        );
    }

    #[test]
    fn suppression_edits_keep_tables_whole() {
        let t = "前言\n| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 1 |  \n| 行政规范性文件 | 5 | <!-- nianbao-disable-line cell-blank -->\n正文\n";
        let edited =
            |at: usize| crate::fix::apply_edits(t, &[suppression_edit(t, at, "total-mismatch")]);
        expect_test::expect![[r#"
            前言
            | 信息内容 | 本年制发件数 |
            |---|---|
            | 规章 | 1 | <!-- nianbao-disable-line total-mismatch -->  
            | 行政规范性文件 | 5 | <!-- nianbao-disable-line cell-blank -->
            正文
        "#]]
        .assert_eq(&edited(t.find("1 |").unwrap()));
        // A row that has a comment gets the code added to it.
        expect_test::expect![[r#"
            前言
            | 信息内容 | 本年制发件数 |
            |---|---|
            | 规章 | 1 |  
            | 行政规范性文件 | 5 | <!-- nianbao-disable-line cell-blank total-mismatch -->
            正文
        "#]]
        .assert_eq(&edited(t.find("5 |").unwrap()));
        // The table's first line and lines outside tables get a line of their own before them.
        expect_test::expect![[r#"
            前言
            <!-- nianbao-disable-next-line total-mismatch -->
            | 信息内容 | 本年制发件数 |
            |---|---|
            | 规章 | 1 |  
            | 行政规范性文件 | 5 | <!-- nianbao-disable-line cell-blank -->
            正文
        "#]]
        .assert_eq(&edited(t.find("本年").unwrap()));
        expect_test::expect![[r#"
            前言
            | 信息内容 | 本年制发件数 |
            |---|---|
            | 规章 | 1 |  
            | 行政规范性文件 | 5 | <!-- nianbao-disable-line cell-blank -->
            <!-- nianbao-disable-next-line total-mismatch -->
            正文
        "#]]
        .assert_eq(&edited(t.find("正文").unwrap()));
        // Each edit silences what it names, on that row only.
        let once = edited(t.find("1 |").unwrap());
        let s = find_suppressions(&once);
        let row = once.find("| 规章").unwrap();
        assert!(crate::model::suppressed(
            &s,
            "total-mismatch",
            &(row + 9..row + 10)
        ));
        assert!(!crate::model::suppressed(
            &s,
            "total-mismatch",
            &(once.find("| 行政").unwrap()..once.len())
        ));
    }
}

#[cfg(test)]
mod org_tests {
    use super::*;

    fn org(text: &str) -> Option<String> {
        parse(text).reports.first().and_then(|r| r.org.clone())
    }

    #[test]
    fn a_covering_letter_names_the_body_before_its_subject() {
        let body = "一、总体情况\n文字。\n六、其他需要报告的事项\n无。\n";
        assert_eq!(
            org(&format!(
                "某某片区管理局关于报送2020年度政府信息公开工作年度报告的函\n{body}"
            ))
            .as_deref(),
            Some("某某片区管理局")
        );
    }

    #[test]
    fn the_body_is_named_where_the_title_does_not_name_it() {
        let body = "一、总体情况\n文字。\n六、其他需要报告的事项\n无。\n";
        // In the title.
        assert_eq!(
            org(&format!(
                "某某镇人民政府2023年政府信息公开工作年度报告\n{body}"
            ))
            .as_deref(),
            Some("某某镇人民政府")
        );
        // On the line above or below a title that lacks it.
        assert_eq!(
            org(&format!(
                "某某镇人民政府\n2023年政府信息公开工作年度报告\n{body}"
            ))
            .as_deref(),
            Some("某某镇人民政府")
        );
        assert_eq!(
            org(&format!(
                "2023年政府信息公开工作年度报告\n\n某某街道办事处\n\n{body}"
            ))
            .as_deref(),
            Some("某某街道办事处")
        );
        // In the signature above the date.
        assert_eq!(
            org(&format!(
                "2023年政府信息公开工作年度报告\n{body}\n某某县财政局\n2024年1月15日\n"
            ))
            .as_deref(),
            Some("某某县财政局")
        );
        // A sentence below the title or before the date is not a name.
        assert_eq!(
            org(&format!(
                "2023年政府信息公开工作年度报告\n本报告由某某局编制。\n{body}\n特此报告。\n2024年1月15日\n"
            )),
            None
        );
    }
}
