//! Reports to the canonical Markdown draft (the shape `nianbao new` writes): `nianbao convert`
//! keeps every label, number and sentence as the report has them; `nianbao new --from` starts
//! this year's draft from last year's report (carried-over figures, zeros elsewhere, last year's
//! prose marked for revision). Tables are written from the parsed model, everything else line by
//! line from the text.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use crate::model::{Document, Report, Table, Value};
use crate::parse::cells;
use crate::spec::{self, RowKind, SECTIONS, TableId, t3};

/// The texts of a table in the canonical shape: a label and the cells of each row present.
#[derive(Debug, Clone)]
pub struct TableText {
    pub id: TableId,
    /// The layout its rows follow (a 2019 table 二 keeps its 2019 rows).
    pub edition: spec::Edition,
    /// Per row of the spec: `None` where the report has no such row.
    pub rows: Vec<Option<RowText>>,
    /// Column header texts by standard label, in the order the report writes them.
    headers: HashMap<&'static str, VecDeque<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RowText {
    pub label: String,
    /// One text per column; empty for a blank cell (and for a group row without numbers).
    pub values: Vec<String>,
}

impl TableText {
    /// Every standard row with its standard label and zeros (group rows without numbers).
    pub fn standard(id: TableId) -> TableText {
        let spec = id.spec();
        let rows = spec
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let values = match r.kind {
                    RowKind::Data => vec!["0".to_string(); spec.cols_of(i).len()],
                    _ => Vec::new(),
                };
                Some(RowText {
                    label: r.label.to_string(),
                    values,
                })
            })
            .collect();
        TableText {
            id,
            edition: spec::Edition::Y2021,
            rows,
            headers: HashMap::new(),
        }
    }

    /// The table as the report has it: labels and cells as written.
    pub fn from_model(t: &Table, text: &str) -> TableText {
        let spec = t.spec();
        // PDF layout text wraps table 三's labels around the numbers: its rows are known by place,
        // and their labels are the standard ones (the checks do not judge them either).
        let positional = t.shape == crate::model::Shape::Layout && t.id == TableId::T3;
        let mut rows: Vec<Option<RowText>> = vec![None; spec.rows.len()];
        for r in &t.rows {
            let label = if r.label_text.is_empty() {
                spec.rows[r.spec].label.to_string()
            } else if positional {
                // The standard label, numbered as the report numbers it (`1、` or `1.`).
                let standard = spec.rows[r.spec].label;
                let digits = r.label_text.len()
                    - r.label_text
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .len();
                match standard.split_once('.') {
                    Some((n, rest))
                        if digits > 0
                            && r.label_text[..digits] == *n
                            && r.label_text[digits..].starts_with('、') =>
                    {
                        format!("{n}、{rest}")
                    }
                    _ => standard.to_string(),
                }
            } else if spec.rows[r.spec].kind == RowKind::Item {
                // Table 二's item headings are written in bold (`**第二十条第（一）项**`).
                r.label_text.trim_matches(['*', '_', ' ']).to_string()
            } else {
                r.label_text.clone()
            };
            // A row with no cell at all (a one-cell-per-line copy that lost them) keeps none.
            let values = r
                .cells
                .iter()
                .filter(|_| !r.cells.iter().all(|c| c.missing))
                .map(|c| match c.value {
                    Value::Blank => String::new(),
                    _ => text[c.range.clone()].trim().to_string(),
                })
                .collect();
            if rows[r.spec].is_none() {
                rows[r.spec] = Some(RowText { label, values });
            }
            for g in &r.groups {
                if rows[g.spec].is_none() && !positional {
                    rows[g.spec] = Some(RowText {
                        label: g.text.trim().to_string(),
                        values: Vec::new(),
                    });
                }
            }
        }
        // Groups (and table 二's items) stand wherever a row below them does.
        for i in (0..spec.rows.len()).rev() {
            if rows[i].is_none()
                && spec.rows[i].kind != RowKind::Data
                && spec.data_descendants(i).iter().any(|&d| rows[d].is_some())
            {
                rows[i] = Some(RowText {
                    label: spec.rows[i].label.to_string(),
                    values: Vec::new(),
                });
            }
        }
        if spec.id == TableId::T2 {
            for i in 0..spec.rows.len() {
                if spec.rows[i].kind == RowKind::Item
                    && rows[i].is_none()
                    && spec.children(i).any(|c| rows[c].is_some())
                {
                    rows[i] = Some(RowText {
                        label: spec.rows[i].label.to_string(),
                        values: Vec::new(),
                    });
                }
            }
        }
        let mut headers: HashMap<&'static str, VecDeque<String>> = HashMap::new();
        for h in t.headers.iter().filter(|_| !positional) {
            headers
                .entry(h.standard_text)
                .or_default()
                .push_back(text[h.range.clone()].trim().to_string());
        }
        TableText {
            id: t.id,
            edition: t.edition,
            rows,
            headers,
        }
    }

    pub(crate) fn header(&mut self, standard: &'static str) -> String {
        self.headers
            .get_mut(standard)
            .and_then(|q| q.pop_front())
            .unwrap_or_else(|| standard.to_string())
    }

    /// The table in Markdown, as `nianbao new` lays it out.
    pub fn markdown(mut self) -> String {
        let spec = self.id.spec().in_edition(self.edition);
        let mut lines: Vec<String> = Vec::new();
        let row = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
        match self.id {
            TableId::T2 => {
                for i in 0..spec.rows.len() {
                    if spec.rows[i].kind != RowKind::Item {
                        continue;
                    }
                    let Some(item) = self.rows[i].clone() else {
                        continue;
                    };
                    let cols = spec.cols_of(i);
                    let mut header = vec![self.header(spec::T2_ITEM_HEADER)];
                    for c in cols {
                        header.push(self.header(c.label));
                    }
                    if !lines.is_empty() {
                        lines.push(String::new());
                    }
                    lines.push(format!("**{}**", item.label));
                    lines.push(String::new());
                    lines.push(row(header));
                    lines.push(format!("|---|{}", "---:|".repeat(cols.len())));
                    for c in spec.children(i) {
                        if let Some(r) = &self.rows[c] {
                            let mut cells = vec![r.label.clone()];
                            if !r.values.is_empty() {
                                cells.extend(pad(&r.values, cols.len()));
                            }
                            lines.push(row(cells));
                        }
                    }
                }
            }
            TableId::T3 => {
                let cols = spec.col_sets[0];
                let mut h1 = vec![self.header(spec::T3_NOTE), String::new(), String::new()];
                for c in cols {
                    h1.push(self.header(c.label));
                }
                lines.push(row(h1));
                lines.push(format!(
                    "|{}{}",
                    "---|".repeat(3),
                    "---:|".repeat(cols.len())
                ));
                for (i, rs) in spec.rows.iter().enumerate() {
                    let Some(r) = &self.rows[i] else {
                        continue;
                    };
                    let depth = spec.row_path(i).len();
                    let mut cells = vec![String::new(); depth - 1];
                    cells.push(r.label.clone());
                    while cells.len() < 3 {
                        cells.push(String::new());
                    }
                    if !r.values.is_empty() {
                        cells.extend(pad(&r.values, cols.len()));
                    } else if rs.kind != RowKind::Data {
                        cells.extend(vec![String::new(); cols.len()]);
                    }
                    lines.push(row(cells));
                }
            }
            TableId::T4 => {
                let cols = spec.col_sets[0];
                let mut top = vec![String::new(); cols.len()];
                top[0] = self.header(spec::T4_REVIEW);
                top[5] = self.header(spec::T4_LITIGATION);
                lines.push(row(top));
                lines.push(format!("|{}", "---:|".repeat(cols.len())));
                let mut sub = vec![String::new(); cols.len()];
                sub[5] = self.header(spec::T4_DIRECT);
                sub[10] = self.header(spec::T4_AFTER);
                lines.push(row(sub));
                let labels: Vec<String> = cols.iter().map(|c| self.header(c.label)).collect();
                lines.push(row(labels));
                let values = self.rows[0].as_ref().map_or_else(
                    || vec![String::new(); cols.len()],
                    |r| pad(&r.values, cols.len()),
                );
                lines.push(row(values));
            }
        }
        lines.join("\n")
    }
}

fn pad(values: &[String], n: usize) -> Vec<String> {
    let mut v: Vec<String> = values.iter().take(n).cloned().collect();
    v.resize(n, String::new());
    v
}

/// Lines of a report's text that a table stands on (its rows, headers and the words around them
/// that the parser took for part of it), as a byte range of whole lines.
fn table_region(t: &Table, text: &str) -> Range<usize> {
    let mut start = t.range.start;
    let mut end = t.range.end;
    for h in &t.headers {
        start = start.min(h.range.start);
        end = end.max(h.range.end);
    }
    for r in &t.layout_2019 {
        start = start.min(r.start);
        end = end.max(r.end);
    }
    for r in &t.rows {
        start = start.min(r.range.start);
        end = end.max(r.range.end);
    }
    let start = text[..start.min(text.len())]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let end = text[end.min(text.len())..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| end + i);
    start..end
}

/// A line of a report, as the draft writer sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Line {
    Title(String),
    Heading(usize, String),
    Text(String),
    Blank,
    /// A table of the report, written from the model (or its lines as they are: `Verbatim`).
    Table(TableId),
    Verbatim(String),
}

/// The report's lines: tables in place of the lines they stand on, page furniture dropped.
pub(crate) fn lines_of(report: &Report, text: &str) -> Vec<Line> {
    let mut regions: Vec<(Range<usize>, &Table)> = report
        .tables
        .iter()
        .map(|t| (table_region(t, text), &**t))
        .collect();
    regions.sort_by_key(|(r, _)| r.start);
    let mut out = Vec::new();
    let mut title_done = false;
    for l in crate::parse::lines_in(text, report.range.clone()) {
        let at = l.content.start;
        if let Some((_, t)) = regions.iter().find(|(r, _)| r.start <= at && at <= r.end) {
            // 2019 table 二 keeps its own lines: its columns are not those of the 2021 table (and
            // the rows of 2019 among 2021 columns have no place in the 2021 one).
            if t.id == TableId::T2 && !t.layout_2019.is_empty() {
                let line = text[l.content.clone()].trim_end();
                if !line.trim().is_empty() {
                    out.push(Line::Verbatim(line.to_string()));
                }
            } else if !out.contains(&Line::Table(t.id)) {
                out.push(Line::Table(t.id));
            }
            continue;
        }
        let s = text[l.content.clone()].replace('\u{0C}', "");
        let trimmed = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
        if let Some(title) = &report.title
            && title.range.start <= l.content.end
            && l.content.start < title.range.end.max(title.range.start + 1)
        {
            if !title_done {
                title_done = true;
                let t: String = title
                    .text
                    .lines()
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join("");
                out.push(Line::Title(t.trim_start_matches('#').trim().to_string()));
            }
            continue;
        }
        if let Some(sec) = report.sections.iter().find(|s| s.line == l.content) {
            out.push(Line::Heading(sec.index, sec.title_text.trim().to_string()));
            continue;
        }
        if trimmed.is_empty() {
            out.push(Line::Blank);
            continue;
        }
        if cells::is_page_furniture(trimmed) {
            continue;
        }
        out.push(Line::Text(trimmed.to_string()));
    }
    out
}

/// Joins a layout text's wrapped lines into paragraphs: a paragraph ends at a blank line, at a
/// line ending a sentence, or at a line clearly shorter than the text's usual width.
pub(crate) fn paragraphs(lines: &[Line], wrapped: bool) -> Vec<Line> {
    if !wrapped {
        return lines.to_vec();
    }
    let width = lines
        .iter()
        .filter_map(|l| match l {
            Line::Text(s) => Some(unicode_width::UnicodeWidthStr::width(s.as_str())),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let mut out: Vec<Line> = Vec::new();
    let mut open = false;
    for l in lines {
        match l {
            Line::Text(s) => {
                let w = unicode_width::UnicodeWidthStr::width(s.as_str());
                if open && let Some(Line::Text(prev)) = out.last_mut() {
                    prev.push_str(s);
                } else {
                    out.push(l.clone());
                }
                open = w * 10 >= width * 8 && !s.ends_with(['。', '！', '？', '：', '；']);
            }
            other => {
                open = false;
                out.push(other.clone());
            }
        }
    }
    out
}

/// `nianbao convert`: the canonical Markdown draft of a text (any shape), with the same labels,
/// numbers and sentences. Every report of a compilation in turn.
pub fn to_markdown(doc: &Document, text: &str) -> String {
    let mut out = String::new();
    for report in &doc.reports {
        let wrapped = report.shape == crate::model::Shape::Layout;
        // PDF layout text wraps its paragraphs: each becomes one line again.
        let lines = paragraphs(&lines_of(report, text), wrapped);
        write_lines(&mut out, report, &lines, |t| TableText::from_model(t, text));
    }
    finish(out)
}

fn write_lines(
    out: &mut String,
    report: &Report,
    lines: &[Line],
    table: impl Fn(&Table) -> TableText,
) {
    let mut prev_verbatim = false;
    for l in lines {
        match l {
            Line::Title(t) => block(out, &format!("# {t}")),
            Line::Heading(_, t) => block(out, &format!("## {t}")),
            Line::Text(s) => block(out, s),
            Line::Blank => {}
            Line::Table(id) => {
                if let Some(t) = report.table(*id) {
                    block(out, &table(t).markdown());
                }
            }
            // The lines of a table kept as they are, together.
            Line::Verbatim(s) if prev_verbatim => {
                out.push_str(s);
                out.push('\n');
            }
            Line::Verbatim(s) => block(out, s),
        }
        prev_verbatim = matches!(l, Line::Verbatim(_));
    }
}

/// Appends a block (a paragraph, a heading, a table) after a blank line.
fn block(out: &mut String, s: &str) {
    if !out.is_empty() {
        if !out.ends_with('\n') {
            out.push('\n');
        }
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
    }
    out.push_str(s);
    out.push('\n');
}

fn finish(mut out: String) -> String {
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------- this year's draft

/// Why a draft could not be started from a text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DraftError(pub String);

/// What `nianbao new --from` needs besides last year's report.
#[derive(Debug, Clone, Default)]
pub struct DraftOptions {
    /// The year of the new report (default: last year's plus one).
    pub year: Option<i32>,
    /// A new name of the body (default: last year's).
    pub org: Option<String>,
}

/// `nianbao new --from`: this year's draft from last year's report. Body and year updated in the
/// title, the 统计期限 and dates; table 三's 二、上年结转 = last year's 四、结转下年度继续办理 column
/// by column (and 四 starts equal to it, so the balance holds until results are entered); table
/// 二's 现行有效件数 carried over (本年制发/本年废止 0); every other number 0; each paragraph of
/// the sections marked with [`spec::REVISION_MARK`]; the 2021 tables and standard titles whatever
/// last year's format.
pub fn draft_from(doc: &Document, text: &str, opts: &DraftOptions) -> Result<String, DraftError> {
    let reports: Vec<&Report> = doc
        .reports
        .iter()
        .filter(|r| r.is_annual_report())
        .collect();
    let report = match reports.as_slice() {
        [] => {
            return Err(DraftError(
                "这不是政府信息公开工作年度报告（没有报告标题，标准部分标题也少于三个）"
                    .to_string(),
            ));
        }
        [one] => *one,
        many => {
            return Err(DraftError(format!(
                "这个文件是 {} 份报告的汇编：请给出单份的上一年度报告",
                many.len()
            )));
        }
    };
    let Some(last_year) = report.year else {
        return Err(DraftError(
            "看不出上一年度报告的年度（标题和统计期限中都没有年份）：请用 --year 指定新报告的年度，并确认给出的是年度报告".to_string(),
        ));
    };
    let year = opts.year.unwrap_or(last_year + 1);
    let old_org = report.org.clone().unwrap_or_default();
    let org = opts.org.clone().unwrap_or_else(|| old_org.clone());
    let renew = |s: &str| -> String {
        let mut s = shift_years(s, last_year, year);
        if !old_org.is_empty() && org != old_org {
            s = s.replace(&old_org, &org);
        }
        for b in spec::BASIS_2019 {
            s = s.replace(b, spec::BASIS_2021);
        }
        s
    };
    let wrapped = report.shape == crate::model::Shape::Layout;
    let lines = paragraphs(&lines_of(report, text), wrapped);

    let mut out = String::new();
    // Title, then what stands before the first section (preamble), renewed.
    let mut title = None;
    let mut preamble: Vec<String> = Vec::new();
    let first_heading = lines
        .iter()
        .position(|l| matches!(l, Line::Heading(..)))
        .unwrap_or(lines.len());
    for l in &lines[..first_heading] {
        match l {
            Line::Title(t) => title = Some(renew(t)),
            Line::Text(s) => preamble.push(renew(s)),
            _ => {}
        }
    }
    let title = title.unwrap_or_else(|| format!("{org}{year}年政府信息公开工作年度报告"));
    let title_has_org =
        !org.is_empty() && crate::text::norm(&title).contains(&crate::text::norm(&org));
    // A body's name on its own line before the title stays there.
    if !title_has_org && !org.is_empty() && !preamble.iter().any(|p| p.trim() == org) {
        block(&mut out, &org);
    }
    let mut before_title: Vec<String> = Vec::new();
    let mut after_title: Vec<String> = Vec::new();
    let mut seen_title = false;
    for l in &lines[..first_heading] {
        match l {
            Line::Title(_) => seen_title = true,
            Line::Text(s) if !seen_title => before_title.push(renew(s)),
            Line::Text(s) => after_title.push(renew(s)),
            _ => {}
        }
    }
    // Site chrome or a cover letter before the title is not part of this year's draft, except a
    // line naming the body.
    for s in &before_title {
        if s.trim() == org {
            block(&mut out, s);
        }
    }
    block(&mut out, &format!("# {title}"));
    let period = format!("本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。");
    let mut has_period = false;
    for s in &after_title {
        has_period |= s.contains("统计期限") || s.contains("统计时限");
        block(&mut out, s);
    }
    if !has_period {
        block(&mut out, &period);
    }

    // The sections, in the standard order, with standard titles.
    let mut bodies: Vec<Vec<&Line>> = vec![Vec::new(); SECTIONS.len()];
    let mut cur: Option<usize> = None;
    for l in &lines[first_heading..] {
        match l {
            Line::Heading(i, _) => cur = Some(*i),
            _ => {
                if let Some(i) = cur {
                    bodies[i].push(l);
                }
            }
        }
    }
    // The signature: short lines at the very end (the body's name, the date), renewed, unmarked.
    let mut signature: Vec<String> = Vec::new();
    if let Some(last) = bodies.iter_mut().rev().find(|b| !b.is_empty()) {
        while let Some(Line::Text(s)) = last.last().copied() {
            if s.chars().count() > 40 || s.ends_with('。') {
                break;
            }
            signature.insert(0, renew(s));
            last.pop();
            while matches!(last.last(), Some(Line::Blank)) {
                last.pop();
            }
        }
    }
    for (i, sec) in SECTIONS.iter().enumerate() {
        block(&mut out, &format!("## {}", sec.title));
        let mut wrote_table = false;
        let mut wrote_text = false;
        for l in &bodies[i] {
            match l {
                Line::Text(s) => {
                    let s = renew(s);
                    if is_subheading(&s) {
                        block(&mut out, &s);
                    } else {
                        block(&mut out, &format!("{}{s}", spec::REVISION_MARK));
                        wrote_text = true;
                    }
                }
                Line::Table(id) if sec.table == Some(*id) && !wrote_table => {
                    block(&mut out, &carried_table(*id, report, text).markdown());
                    wrote_table = true;
                }
                _ => {}
            }
        }
        if let Some(id) = sec.table {
            if !wrote_table {
                block(&mut out, &carried_table(id, report, text).markdown());
            }
            if id == TableId::T2
                && report
                    .table(id)
                    .is_some_and(|t| t.edition == spec::Edition::Y2019)
            {
                block(
                    &mut out,
                    &format!(
                        "{}上一年度报告使用 2019 年版表二，现行有效件数未能结转，请按实际填写。",
                        spec::REVISION_MARK
                    ),
                );
            }
        } else if !wrote_text {
            block(
                &mut out,
                &format!(
                    "{}（上一年度报告此部分没有内容，请填写。）",
                    spec::REVISION_MARK
                ),
            );
        }
        if i == 5 {
            let fee = bodies[i].iter().any(
                |l| matches!(l, Line::Text(s) if spec::FEE_WORDS.iter().any(|w| s.contains(w))),
            );
            if !fee {
                block(
                    &mut out,
                    &format!(
                        "{}本年度未收取信息处理费。（如有收取，写明收取金额和依据。）",
                        spec::REVISION_MARK
                    ),
                );
            }
        }
    }
    if signature.is_empty() {
        signature.push(org.clone());
        signature.push(format!("{}年1月  日", year + 1));
    }
    for s in signature {
        block(&mut out, &s);
    }
    Ok(finish(out))
}

/// A short numbered sub-heading (`（一）主动公开情况`), kept without a revision mark.
pub(crate) fn is_subheading(s: &str) -> bool {
    let n = crate::text::norm(s);
    let (num, body) = crate::text::split_numbering(&n);
    let body = body.trim_end_matches(['。', '.']);
    !num.is_empty()
        && body.chars().count() <= 20
        && !body.contains(['。', '，', '；', '：', ',', ';', ':'])
}

/// This year's table `id`: standard labels, zeros, and what carries over from last year.
fn carried_table(id: TableId, report: &Report, text: &str) -> TableText {
    let mut out = TableText::standard(id);
    let Some(last) = report.table(id) else {
        return out;
    };
    let written = |t: &Table, row: usize| -> Option<Vec<String>> {
        t.row(row).map(|r| {
            r.cells
                .iter()
                .map(|c| match &c.value {
                    Value::Count(n) => n.to_string(),
                    _ => "0".to_string(),
                })
                .collect()
        })
    };
    match id {
        TableId::T2 if last.edition == spec::Edition::Y2021 => {
            // 现行有效件数 of 规章 and 行政规范性文件 (the third column of item （一）).
            for (i, rs) in spec::T2.rows.iter().enumerate() {
                if rs.kind != RowKind::Data || rs.cols != 0 {
                    continue;
                }
                if let (Some(vals), Some(Some(row))) = (written(last, i), out.rows.get_mut(i))
                    && let Some(v) = vals.get(2)
                {
                    row.values[2] = v.clone();
                }
            }
        }
        TableId::T3 => {
            if let Some(vals) = written(last, t3::CARRY_NEXT) {
                for r in [t3::CARRIED, t3::CARRY_NEXT] {
                    if let Some(Some(row)) = out.rows.get_mut(r) {
                        row.values = vals.clone();
                    }
                }
            }
        }
        _ => {}
    }
    let _ = text;
    out
}

/// Moves the report's year (and the next, when the report was published) forward to `year`:
/// `2024年` → `2025年`, `2025年1月20日` → `2026年1月20日`. Other years stay.
pub fn shift_years(s: &str, last_year: i32, year: i32) -> String {
    let delta = year - last_year;
    if delta == 0 {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while i + 4 <= b.len() {
        let digits = b[i..i + 4].iter().all(u8::is_ascii_digit);
        let before_ok = i == 0 || !b[i - 1].is_ascii_digit();
        let after_ok = b.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
        if digits && before_ok && after_ok {
            let rest = s[i + 4..].trim_start_matches(' ');
            let dated = rest.starts_with('年')
                || rest.starts_with(['-', '.', '/'])
                    && rest[1..].starts_with(|c: char| c.is_ascii_digit());
            if let Ok(y) = s[i..i + 4].parse::<i32>()
                && dated
                && (y == last_year || y == last_year + 1)
            {
                out.push_str(&s[copied..i]);
                out.push_str(&(y + delta).to_string());
                i += 4;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&s[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn years_move_forward() {
        assert_eq!(
            shift_years(
                "统计期限为2024年1月1日至2024 年12月31日，2023年结转",
                2024,
                2025
            ),
            "统计期限为2025年1月1日至2025 年12月31日，2023年结转"
        );
        assert_eq!(
            shift_years("2025年1月20日；电话 20241234", 2024, 2025),
            "2026年1月20日；电话 20241234"
        );
        assert_eq!(shift_years("2025-01-20", 2024, 2025), "2026-01-20");
    }

    #[test]
    fn the_standard_draft_converts_to_a_draft_that_checks_clean() {
        let draft = crate::draft::new_report("某某县财政局", 2025);
        let md = to_markdown(&parse(&draft), &draft);
        let doc = parse(&md);
        // The same findings as the draft itself (its prompts, for draft-todo).
        let found = |t: &str| -> Vec<(String, String)> {
            crate::check::check(&parse(t), t, &Default::default())
                .into_iter()
                .map(|d| (d.code.as_str().to_string(), d.message))
                .collect()
        };
        assert_eq!(found(&md), found(&draft), "{md}");
        assert_eq!(doc.reports[0].org.as_deref(), Some("某某县财政局"));
        // Text outside the tables stays as it was, line by line.
        for line in draft
            .lines()
            .filter(|l| !l.starts_with('|') && !l.starts_with("**"))
        {
            assert!(md.lines().any(|m| m == line), "{line}");
        }
        assert_eq!(to_markdown(&parse(&md), &md), md);
    }
}
