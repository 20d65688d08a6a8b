//! Checks: reads a [`Report`] and the format spec, and says what is wrong, where, and how to fix
//! what can be computed. Every label, title and relation comes from [`crate::spec`].

use std::ops::Range;

use crate::diag::{Code, Diagnostic, Fix, FixKind, Related};
use crate::fix;
use crate::model::{Cell, Document, Report, Table, Value};
use crate::spec::{self, RelationKind, RowKind, SECTIONS, TableId, t3};

/// All diagnostics of a text, in source order, with inline suppressions applied: each report's
/// (a compilation's reports are checked one by one); a text that is not a report gets none.
pub fn check(doc: &Document, text: &str) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = doc.reports.iter().flat_map(|r| report(r, text)).collect();
    out.retain(|d| !doc.is_suppressed(d.code.as_str(), &d.range));
    out
}

/// The diagnostics of one report, in source order, before suppressions; none when its part of the
/// text is not a report.
pub fn report(report: &Report, text: &str) -> Vec<Diagnostic> {
    report_with(report, text, |t| table_diagnostics(report, t, text))
}

/// [`report`], with the diagnostics of each table given by `of_table` (which may have kept them
/// from an earlier check of the same table: they depend only on the table, its lines and the
/// report's line break, see [`table_diagnostics`]).
pub fn report_with(
    report: &Report,
    text: &str,
    mut of_table: impl FnMut(&Table) -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if !report.is_report {
        return Vec::new();
    }
    let mut out = Vec::new();
    sections(report, text, &mut out);
    for t in &report.tables {
        out.extend(of_table(t));
    }
    tables_missing(report, text, &mut out);
    document(report, text, &mut out);
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    out
}

/// The diagnostics of one table of a report (labels, rows, totals, balance). They read nothing
/// but the table, the text of its own lines and the report's line break (`Report::eol`).
pub fn table_diagnostics(report: &Report, t: &Table, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    table(report, t, text, &mut out);
    out
}

fn diag(code: Code, range: Range<usize>, message: String) -> Diagnostic {
    Diagnostic {
        code,
        severity: code.severity(),
        message,
        range,
        related: Vec::new(),
        fixes: Vec::new(),
    }
}

// ------------------------------------------------------------------ sections

fn sections(r: &Report, text: &str, out: &mut Vec<Diagnostic>) {
    let mut seen = [false; 6];
    let mut max_seen: Option<usize> = None;
    for s in &r.sections {
        let std = SECTIONS[s.index].title;
        if seen[s.index] {
            out.push(diag(
                Code::SectionOrder,
                s.title.clone(),
                format!("第{}部分「{}」重复出现", SECTIONS[s.index].numeral, std),
            ));
        } else if max_seen.is_some_and(|m| m > s.index) {
            let m = max_seen.unwrap_or(0);
            out.push(diag(
                Code::SectionOrder,
                s.title.clone(),
                format!("「{}」应在「{}」之前，部分顺序错误", std, SECTIONS[m].title),
            ));
        }
        seen[s.index] = true;
        max_seen = Some(max_seen.map_or(s.index, |m| m.max(s.index)));
        if !s.standard {
            let mut d = diag(
                Code::SectionTitle,
                s.title.clone(),
                format!("部分标题「{}」不是标准标题，应为「{}」", s.title_text, std),
            );
            d.fixes.push(Fix {
                title: format!("改为标准标题「{std}」"),
                kind: FixKind::Label,
                edits: vec![fix::replace(s.title.clone(), std)],
            });
            out.push(d);
        }
    }
    for i in 0..6 {
        if seen[i] {
            continue;
        }
        let std = SECTIONS[i].title;
        let next = r.sections.iter().find(|s| s.index > i);
        let (range, at) = match next {
            Some(n) => (n.title.clone(), line_start(text, n.line.start)),
            None => match r.sections.last() {
                Some(l) => (l.title.clone(), r.range.end),
                None => (
                    r.title
                        .as_ref()
                        .map_or(r.range.start..r.range.start, |t| t.range.clone()),
                    r.range.end,
                ),
            },
        };
        let where_ = match next {
            Some(n) => format!("，应在「{}」之前", SECTIONS[n.index].title),
            None => String::new(),
        };
        let mut d = diag(
            Code::SectionMissing,
            range,
            format!("缺少第{}部分「{}」{}", SECTIONS[i].numeral, std, where_),
        );
        d.fixes.push(Fix {
            title: format!("插入标题「{std}」"),
            kind: FixKind::Insert,
            edits: vec![fix::insert_heading(r, text, i, at)],
        });
        out.push(d);
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

// ------------------------------------------------------------------ tables

fn tables_missing(r: &Report, text: &str, out: &mut Vec<Diagnostic>) {
    for id in [TableId::T2, TableId::T3, TableId::T4] {
        let Some(sec) = r.section(id.section()) else {
            continue;
        };
        let t = r.table(id);
        if t.is_some_and(Table::has_numbers) {
            continue;
        }
        let what = if t.is_some() {
            "表格中没有数字"
        } else {
            "缺少表格"
        };
        let mut d = diag(
            Code::TableMissing,
            sec.title.clone(),
            format!("「{}」{}：应有{}", sec.title_text, what, id.spec().name),
        );
        if t.is_none() {
            d.fixes.push(Fix {
                title: format!("插入标准的{}（全部填 0）", id.spec().name),
                kind: FixKind::Insert,
                edits: vec![fix::insert_table(r, text, id, sec.body.start)],
            });
        }
        out.push(d);
    }
}

fn row_name(t: &Table, row: usize) -> String {
    let spec = t.spec();
    match spec.id {
        TableId::T4 => "表四".to_string(),
        _ => format!("「{}」", spec.rows[row].label),
    }
}

fn col_name(t: &Table, row: usize, col: usize) -> String {
    let c = &t.spec().cols_of(row)[col];
    match t.id {
        TableId::T4 => format!("{}·{}", c.parents.last().copied().unwrap_or(""), c.label),
        _ => c.label.to_string(),
    }
}

fn show(v: &Value, text: &str, c: &Cell) -> String {
    match v {
        Value::Blank => "空白".to_string(),
        _ => text[c.range.clone()].to_string(),
    }
}

/// Where each row of a table's spec is in the table (its first row of that kind), by spec index.
fn row_index(t: &Table) -> Vec<Option<usize>> {
    let mut at = vec![None; t.spec().rows.len()];
    for (i, r) in t.rows.iter().enumerate() {
        if let Some(slot @ None) = at.get_mut(r.spec) {
            *slot = Some(i);
        }
    }
    at
}

fn table(r: &Report, t: &Table, text: &str, out: &mut Vec<Diagnostic>) {
    let spec = t.spec();
    let fmt2019 = !t.layout_2019.is_empty();
    let at = row_index(t);
    let has = |i: usize| at[i].is_some();
    // Rows present.
    for (i, rs) in spec.rows.iter().enumerate() {
        let present = match rs.kind {
            RowKind::Data => has(i),
            RowKind::Group | RowKind::Item => {
                has(i) || spec.data_descendants(i).iter().any(|&c| has(c))
            }
        };
        if present || rs.label.is_empty() {
            continue;
        }
        if fmt2019 && (rs.parent == Some(t3::OTHER) && t.id == TableId::T3 || t.id == TableId::T2) {
            continue; // reported once as format-outdated
        }
        if rs.kind == RowKind::Group && t.id == TableId::T3 {
            continue; // its children are reported
        }
        let anchor = t.rows.iter().find(|x| x.spec > i).or(t.rows.last());
        let range = anchor.map_or(t.range.clone(), |x| {
            x.label.first().cloned().unwrap_or(x.range.clone())
        });
        let parent = rs
            .parent
            .map(|p| format!("（{} 之下）", spec.rows[p].label))
            .unwrap_or_default();
        let mut d = diag(
            Code::RowMissing,
            range,
            format!("{}缺少「{}」行{}", spec.name, rs.label, parent),
        );
        if rs.kind != RowKind::Group
            && let Some(e) = fix::insert_row(r, text, t, i)
        {
            d.fixes.push(Fix {
                title: format!("插入「{}」行（填 0）", rs.label),
                kind: FixKind::Insert,
                edits: vec![e],
            });
        }
        out.push(d);
    }
    // Labels.
    for row in &t.rows {
        let std = spec.rows[row.spec].label;
        if !row.exact && !std.is_empty() {
            let range = match (row.label.first(), row.label.last()) {
                (Some(a), Some(b)) => a.start..b.end,
                _ => row.range.start..row.range.start,
            };
            let shown = if row.label_text.is_empty() {
                "（空）".to_string()
            } else {
                row.label_text.clone()
            };
            let mut d = diag(
                Code::RowLabel,
                range.clone(),
                format!("行标签「{shown}」不是标准标签，应为「{std}」"),
            );
            if row.label.len() == 1 {
                d.fixes.push(Fix {
                    title: format!("改为「{std}」"),
                    kind: FixKind::Label,
                    edits: vec![fix::replace(range, std)],
                });
            }
            out.push(d);
        }
        for g in &row.groups {
            if !g.exact {
                let std = spec.rows[g.spec].label;
                let mut d = diag(
                    Code::RowLabel,
                    g.range.clone(),
                    format!("标签「{}」不是标准标签，应为「{std}」", g.text),
                );
                d.fixes.push(Fix {
                    title: format!("改为「{std}」"),
                    kind: FixKind::Label,
                    edits: vec![fix::replace(g.range.clone(), std)],
                });
                out.push(d);
            }
        }
    }
    for h in &t.headers {
        if !h.exact {
            let mut d = diag(
                Code::RowLabel,
                h.range.clone(),
                format!("列标签「{}」不是标准标签，应为「{}」", h.text, h.standard),
            );
            d.fixes.push(Fix {
                title: format!("改为「{}」", h.standard),
                kind: FixKind::Label,
                edits: vec![fix::replace(h.range.clone(), h.standard)],
            });
            out.push(d);
        }
    }
    if fmt2019 && t.id == TableId::T2 {
        // 2019 columns: values cannot be read against the 2021 columns.
        cells_valid(t, &[], out);
        return;
    }
    // The parts are named only when some total is wrong.
    let mut totals = targets(t);
    if totals.iter().any(|tc| tc.actual != Some(tc.target)) {
        totals = self::totals(t);
    }
    cells_valid(t, &totals, out);
    for tc in &totals {
        if tc.actual == Some(tc.target) {
            continue;
        }
        let row = &t.rows[tc.row];
        let cell = &row.cells[tc.col];
        let mut parts = String::new();
        let shown_parts: Vec<&Part> = if tc.parts.len() > 8 {
            tc.parts.iter().filter(|p| p.value != 0).collect()
        } else {
            tc.parts.iter().collect()
        };
        for (i, p) in shown_parts.iter().enumerate() {
            if i > 0 {
                parts.push_str(" + ");
            }
            parts.push_str(&format!("{} {}", p.name, p.value));
        }
        if tc.parts.len() > 8 {
            parts = if shown_parts.is_empty() {
                format!("{}均为 0", tc.what)
            } else {
                format!("{}：{}，其余为 0", tc.what, parts)
            };
        }
        let subject = tc.subject(t);
        let actual = show(&cell.value, text, cell);
        let mut d = diag(
            Code::TotalMismatch,
            cell.range.clone(),
            format!("{subject}应为 {}（{parts}），实为 {actual}", tc.target),
        );
        d.related = tc
            .parts
            .iter()
            .filter_map(|p| {
                p.range.clone().map(|range| Related {
                    range,
                    message: format!("{} {}", p.name, p.value),
                })
            })
            .collect();
        d.fixes.push(Fix {
            title: if cell.value == Value::Blank {
                format!("填入总计 {}", tc.target)
            } else {
                format!("将总计改为 {}", tc.target)
            },
            kind: FixKind::Total,
            edits: vec![fix::set_cell(t, cell, tc.target, r.eol)],
        });
        out.push(d);
    }
    if t.id == TableId::T3 {
        balance(t, text, out);
    }
}

fn cells_valid(t: &Table, totals: &[TotalCell], out: &mut Vec<Diagnostic>) {
    for (ri, row) in t.rows.iter().enumerate() {
        for c in &row.cells {
            if !matches!(c.value, Value::Invalid(_) | Value::Blank) {
                continue;
            }
            let where_ = if t.id == TableId::T4 {
                format!("表四「{}」", col_name(t, row.spec, c.col))
            } else {
                format!(
                    "{}「{}」列",
                    row_name(t, row.spec),
                    col_name(t, row.spec, c.col)
                )
            };
            match &c.value {
                Value::Invalid(why) => out.push(diag(
                    Code::ValueInvalid,
                    c.range.clone(),
                    format!("{where_}：{why}"),
                )),
                Value::Blank => {
                    // A blank total whose parts are filled is a total-mismatch with a fill-in.
                    let fill = totals
                        .iter()
                        .any(|tc| tc.row == ri && tc.col == c.col && tc.parts_filled);
                    if !fill {
                        let msg = if c.missing {
                            format!("{where_}缺少单元格（按 0 计算）")
                        } else {
                            format!("{where_}为空，应填数字（没有数据时填 0）")
                        };
                        let mut d = diag(Code::CellBlank, c.range.clone(), msg);
                        if !c.missing {
                            d.fixes.push(Fix {
                                title: "填入 0".to_string(),
                                kind: FixKind::Insert,
                                edits: vec![fix::replace(c.range.clone(), "0")],
                            });
                        }
                        out.push(d);
                    }
                }
                _ => {}
            }
        }
    }
}

/// One term of a sum.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: &'static str,
    pub value: i64,
    pub range: Option<Range<usize>>,
}

/// A 总计 cell and what it must hold.
#[derive(Debug, Clone)]
pub struct TotalCell {
    /// Index into `Table::rows`.
    pub row: usize,
    /// Column index within the row.
    pub col: usize,
    pub target: i64,
    /// `None` when the cell is blank.
    pub actual: Option<i64>,
    pub parts: Vec<Part>,
    /// At least one part is filled in (not blank).
    pub parts_filled: bool,
    /// Relation id of the format document (T3-ROW …).
    pub relation: &'static str,
    /// What the cell is, for the message.
    pub subject: Subject,
    /// Words for the parts when listed briefly: 各项办理结果.
    pub what: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The 总计 column of a row (T3-ROW, and （七）总计's own 总计).
    RowTotal,
    /// A column of （七）总计 (T3-SUM).
    ColumnTotal,
    /// A printed group subtotal (T3-GRP).
    GroupSubtotal,
    /// A 总计 of table 四.
    T4Total,
}

impl TotalCell {
    /// Words for the message: 「（一）予以公开」行的总计, （七）总计「自然人」列 …
    pub fn subject(&self, t: &Table) -> String {
        let row = &t.rows[self.row];
        let spec = t.spec();
        let col = &spec.cols_of(row.spec)[self.col];
        match self.subject {
            Subject::RowTotal => format!("{}行的总计", row_name(t, row.spec)),
            Subject::ColumnTotal => format!("（七）总计「{}」列", col.label),
            Subject::GroupSubtotal => {
                format!("「{}」的小计「{}」", spec.rows[row.spec].label, col.label)
            }
            Subject::T4Total => format!("{}的总计", col.parents.last().copied().unwrap_or("")),
        }
    }
}

/// Every 总计 cell of a table with its target and the parts it adds up. Targets are computed from
/// the non-total cells only, so they agree with one another: filling them all makes every relation
/// hold.
pub fn totals(t: &Table) -> Vec<TotalCell> {
    compute_totals(t, true)
}

/// [`totals`] without the parts (empty), for when only the targets matter.
pub fn targets(t: &Table) -> Vec<TotalCell> {
    compute_totals(t, false)
}

fn compute_totals(t: &Table, keep: bool) -> Vec<TotalCell> {
    let spec = t.spec();
    // A total per row, a row of them per group and for （七）总计: rarely more than this.
    let mut out = Vec::with_capacity(2 * t.rows.len() + 8);
    let at = row_index(t);
    let idx = |spec_row: usize| at[spec_row];
    for rel in spec::RELATIONS.iter().filter(|r| r.table == t.id) {
        match &rel.kind {
            RelationKind::RowSum { total, parts, .. } => {
                for (ri, row) in t.rows.iter().enumerate() {
                    if spec.rows[row.spec].kind != RowKind::Data || row.cells.len() <= *total {
                        continue;
                    }
                    if t.id == TableId::T3 && row.spec == t3::TOTAL {
                        continue; // its total is the sum of its own targets, below
                    }
                    let cols = spec.cols_of(row.spec);
                    let Some(sum) = gather(
                        parts.iter().map(|&p| (cols[p].label, row.cells.get(p))),
                        keep,
                    ) else {
                        continue;
                    };
                    let c = &row.cells[*total];
                    if matches!(c.value, Value::Invalid(_)) {
                        continue;
                    }
                    out.push(TotalCell {
                        row: ri,
                        col: *total,
                        target: sum.value,
                        actual: actual(c),
                        parts: sum.parts,
                        parts_filled: sum.filled,
                        relation: rel.id,
                        subject: if t.id == TableId::T4 {
                            Subject::T4Total
                        } else {
                            Subject::RowTotal
                        },
                        what: "各项",
                    });
                }
            }
            RelationKind::ColumnSum { total, under } => {
                let Some(ti) = idx(*total) else { continue };
                let leaves = result_rows(t, &at, *under, *total);
                let ncols = spec.cols_of(*total).len();
                let mut col_targets = Vec::with_capacity(ncols);
                for col in 0..ncols.saturating_sub(1) {
                    let sum = gather(
                        leaves.iter().map(|&li| {
                            let r = &t.rows[li];
                            (spec.rows[r.spec].label, r.cells.get(col))
                        }),
                        keep,
                    );
                    col_targets.push(sum.as_ref().map(|s| (s.value, s.filled)));
                    let Some(c) = t.rows[ti].cells.get(col) else {
                        continue;
                    };
                    let Some(sum) = sum else { continue };
                    if matches!(c.value, Value::Invalid(_)) {
                        continue;
                    }
                    out.push(TotalCell {
                        row: ti,
                        col,
                        target: sum.value,
                        actual: actual(c),
                        parts: sum.parts,
                        parts_filled: sum.filled,
                        relation: rel.id,
                        subject: Subject::ColumnTotal,
                        what: "各项办理结果",
                    });
                }
                // The corner: sum of the column targets.
                let tc = ncols - 1;
                if let (Some(c), true) = (
                    t.rows[ti].cells.get(tc),
                    col_targets.iter().all(Option::is_some),
                ) && !matches!(c.value, Value::Invalid(_))
                {
                    let ps: Vec<Part> = if keep {
                        col_targets
                            .iter()
                            .enumerate()
                            .map(|(col, v)| Part {
                                name: spec.cols_of(*total)[col].label,
                                value: v.map_or(0, |x| x.0),
                                range: t.rows[ti].cells.get(col).map(|c| c.range.clone()),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    out.push(TotalCell {
                        row: ti,
                        col: tc,
                        target: col_targets.iter().map(|v| v.map_or(0, |x| x.0)).sum(),
                        actual: actual(c),
                        parts_filled: col_targets.iter().any(|v| v.is_some_and(|x| x.1)),
                        parts: ps,
                        relation: "T3-SUM",
                        subject: Subject::RowTotal,
                        what: "各列",
                    });
                }
            }
            RelationKind::GroupSum => {
                for (ri, row) in t.rows.iter().enumerate() {
                    if spec.rows[row.spec].kind != RowKind::Group || row.cells.is_empty() {
                        continue;
                    }
                    let kids: Vec<usize> = spec
                        .data_descendants(row.spec)
                        .iter()
                        .filter_map(|&k| idx(k))
                        .collect();
                    if kids.is_empty() {
                        continue; // a 2019 single-row group: nothing to add up
                    }
                    let ncols = row.cells.len();
                    let mut sub = Vec::with_capacity(ncols);
                    for col in 0..ncols {
                        let c = &row.cells[col];
                        if c.value == Value::Blank && col + 1 < ncols {
                            sub.push(None);
                            continue;
                        }
                        let mut ps = Vec::new();
                        let mut ok = true;
                        let mut filled = false;
                        let mut target = 0;
                        if col + 1 == ncols {
                            for (k, v) in sub.iter().enumerate() {
                                let v: &Option<i64> = v;
                                target += v.unwrap_or(0);
                                ps.push(Part {
                                    name: spec.cols_of(row.spec)[k].label,
                                    value: v.unwrap_or(0),
                                    range: Some(row.cells[k].range.clone()),
                                });
                                filled = true;
                            }
                        } else {
                            match gather(
                                kids.iter().map(|&k| {
                                    let r = &t.rows[k];
                                    (spec.rows[r.spec].label, r.cells.get(col))
                                }),
                                keep,
                            ) {
                                Some(sum) => {
                                    target = sum.value;
                                    ps = sum.parts;
                                    filled = sum.filled;
                                }
                                None => ok = false,
                            }
                        }
                        sub.push(ok.then_some(target));
                        if !ok || matches!(c.value, Value::Invalid(_)) || c.value == Value::Blank {
                            continue;
                        }
                        out.push(TotalCell {
                            row: ri,
                            col,
                            target,
                            actual: c.value.count(),
                            parts: ps,
                            parts_filled: filled,
                            relation: rel.id,
                            subject: Subject::GroupSubtotal,
                            what: "各子项",
                        });
                    }
                }
            }
            RelationKind::Balance { .. } => {}
        }
    }
    out
}

/// A sum: its value, its parts (when asked for) and whether any part is filled in; `None` when a
/// part is missing or not a number (the sum is then unknown).
struct Sum {
    value: i64,
    parts: Vec<Part>,
    filled: bool,
}

fn gather<'a>(
    cells: impl Iterator<Item = (&'static str, Option<&'a Cell>)>,
    keep: bool,
) -> Option<Sum> {
    let mut parts = Vec::with_capacity(if keep { cells.size_hint().0 } else { 0 });
    let mut filled = false;
    let mut value = 0;
    for (name, c) in cells {
        let c = c?;
        filled |= c.value != Value::Blank;
        let v = c.value.count()?;
        value += v;
        if keep {
            parts.push(Part {
                name,
                value: v,
                range: Some(c.range.clone()),
            });
        }
    }
    Some(Sum {
        value,
        parts,
        filled,
    })
}

/// A total cell's value, `None` when blank.
fn actual(c: &Cell) -> Option<i64> {
    c.value.count().filter(|_| c.value != Value::Blank)
}

/// Rows (indices into `Table::rows`) whose values add up to （七）总计: the data rows under
/// 三、本年度办理结果, with a group standing for its children when only the group is printed (the
/// 2019 single-row （六）).
fn result_rows(t: &Table, at: &[Option<usize>], under: usize, total: usize) -> Vec<usize> {
    let spec = t.spec();
    let mut out = Vec::new();
    for c in spec.children(under) {
        if c == total {
            continue;
        }
        match spec.rows[c].kind {
            RowKind::Data => out.extend(at[c]),
            _ => {
                let kids: Vec<usize> = spec
                    .data_descendants(c)
                    .iter()
                    .filter_map(|&k| at[k])
                    .collect();
                if kids.is_empty() {
                    out.extend(
                        t.rows
                            .iter()
                            .position(|r| r.spec == c && !r.cells.is_empty()),
                    );
                } else {
                    out.extend(kids);
                }
            }
        }
    }
    out
}

fn balance(t: &Table, text: &str, out: &mut Vec<Diagnostic>) {
    let spec = t.spec();
    let Some(RelationKind::Balance { lhs, rhs }) = spec::RELATIONS
        .iter()
        .find(|r| r.table == t.id && matches!(r.kind, RelationKind::Balance { .. }))
        .map(|r| &r.kind)
    else {
        return;
    };
    let ncols = spec.col_sets[0].len();
    let at = row_index(t);
    for col in 0..ncols {
        let cell = |r: usize| -> Option<(&Cell, i64)> {
            let c = t.rows[at[r]?].cells.get(col)?;
            Some((c, c.value.count()?))
        };
        let sum =
            |rows: &[usize]| -> Option<i64> { rows.iter().map(|&r| cell(r).map(|(_, v)| v)).sum() };
        let (Some(l), Some(rv)) = (sum(lhs), sum(rhs)) else {
            continue;
        };
        if l == rv {
            continue;
        }
        // The relation fails: name its parts.
        let parts = |rows: &[usize]| -> Vec<Part> {
            rows.iter()
                .filter_map(|&r| {
                    cell(r).map(|(c, v)| Part {
                        name: short(spec.rows[r].label),
                        value: v,
                        range: Some(c.range.clone()),
                    })
                })
                .collect()
        };
        let (lp, rp) = (parts(lhs), parts(rhs));
        let Some(anchor) = t
            .row(*rhs.last().unwrap_or(&0))
            .and_then(|r| r.cells.get(col))
        else {
            continue;
        };
        let fmt = |ps: &[Part]| {
            ps.iter()
                .map(|p| format!("{} {}", p.name, p.value))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let col_label = spec.col_sets[0][col].label;
        let mut d = diag(
            Code::BalanceMismatch,
            anchor.range.clone(),
            format!(
                "「{col_label}」列勾稽关系不成立：{} = {l}，而 {} = {rv}（第一项加第二项之和应等于第三项加第四项之和）",
                fmt(&lp),
                fmt(&rp)
            ),
        );
        d.related = lp
            .iter()
            .chain(rp.iter())
            .filter_map(|p| {
                p.range.clone().map(|range| Related {
                    range,
                    message: format!("{} {}", p.name, p.value),
                })
            })
            .collect();
        let carry = l - (rv - rp.last().map_or(0, |p| p.value));
        if carry >= 0 && !text[anchor.range.clone()].is_empty() {
            d.fixes.push(Fix {
                title: format!("将「结转下年度继续办理」改为 {carry}"),
                kind: FixKind::Insert,
                edits: vec![fix::replace(anchor.range.clone(), &carry.to_string())],
            });
        }
        out.push(d);
    }
}

/// A label without its trailing parenthetical: （二）部分公开（区分处理的…） → （二）部分公开.
fn short(label: &'static str) -> &'static str {
    let skip = if label.starts_with('（') {
        label.find('）').map_or(0, |i| i + '）'.len_utf8())
    } else {
        0
    };
    match label[skip..].find('（') {
        Some(i) => &label[..skip + i],
        None => label,
    }
}

// ------------------------------------------------------------------ document

fn document(r: &Report, text: &str, out: &mut Vec<Diagnostic>) {
    let anchor = r
        .title
        .as_ref()
        .map_or(r.range.start..r.range.start, |t| t.range.clone());
    let current = r.year.is_none_or(|y| y >= spec::FORMAT_2021_FROM);
    if let Some(y) = r.year
        && y >= spec::FORMAT_2021_FROM
    {
        for b in &r.basis_2019 {
            out.push(diag(
                    Code::BasisOutdated,
                    b.clone(),
                    format!("{y} 年度报告应依据国办公开办函〔2021〕30号，而不是已被取代的国办公开办函〔2019〕60号"),
                ));
        }
        for t in &r.tables {
            for range in &t.layout_2019 {
                out.push(diag(
                    Code::FormatOutdated,
                    range.clone(),
                    format!(
                        "{y} 年度报告应使用 2021 年版{}格式，这里是 2019 年版的格式",
                        t.spec().name
                    ),
                ));
            }
        }
    }
    if current && let Some(s6) = r.section(5) {
        let body = &text[s6.body.clone()];
        if !spec::FEE_WORDS.iter().any(|w| body.contains(w)) {
            out.push(diag(
                    Code::FeeMissing,
                    s6.title.clone(),
                    "第六部分未说明信息处理费收取情况（如「本年度未收取信息处理费」），2021 年起为必报内容".to_string(),
                ));
        }
    }
    match (&r.period, r.year) {
        (None, y) => {
            let y = y.map_or("YYYY".to_string(), |y| y.to_string());
            out.push(diag(
                Code::PeriodMismatch,
                anchor.clone(),
                format!(
                    "未写明统计期限（如「本报告所列数据的统计期限为{y}年1月1日至{y}年12月31日」）"
                ),
            ));
        }
        (Some(p), Some(y))
            if (p.start_year.is_some_and(|s| s != y) || p.end_year.is_some_and(|e| e != y)) =>
        {
            out.push(diag(
                Code::PeriodMismatch,
                p.range.clone(),
                format!("统计期限应为报告年度 {y} 年1月1日至12月31日"),
            ));
        }
        _ => {}
    }
    if let (Some(org), Some(t2)) = (&r.org, r.table(TableId::T2)) {
        let township = spec::TOWNSHIP_SUFFIXES.iter().any(|s| org.ends_with(s))
            && !org.ends_with("区")
            && !org.contains("县人民政府");
        if township && let Some(row) = t2.row(1) {
            for c in &row.cells {
                if let Value::Count(n) = c.value
                    && n > 0
                {
                    out.push(diag(
                        Code::GuizhangLevel,
                        c.range.clone(),
                        format!("「{org}」是乡镇（街道），不能制定规章，规章数应为 0，实为 {n}"),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn codes(text: &str) -> Vec<String> {
        let doc = parse(text);
        check(&doc, text)
            .iter()
            .map(|d| format!("{} {} {}", d.code, &text[d.range.clone()], d.message))
            .collect()
    }

    #[test]
    fn short_labels() {
        assert_eq!(short("（七）总计"), "（七）总计");
        assert_eq!(
            short("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
            "（二）部分公开"
        );
        assert_eq!(
            short("一、本年新收政府信息公开申请数量"),
            "一、本年新收政府信息公开申请数量"
        );
    }

    #[test]
    fn not_a_report_is_silent() {
        assert!(codes("hello\nworld").is_empty());
    }
}
