//! Fixes as text edits: computed totals, standard labels and titles, inserted headings, rows and
//! tables written in the document's own shape, and the standard draft of `nianbao new`.

use std::ops::Range;

use crate::check;
use crate::diag::{Diagnostic, Edit};
use crate::model::{Cell, Report, Shape, Table, Value};
use crate::spec::{self, RowKind, SECTIONS, TableId};

pub fn replace(range: Range<usize>, new_text: &str) -> Edit {
    Edit {
        range,
        new_text: new_text.to_string(),
    }
}

/// Sets a cell to `n`, inserting the cell (and its delimiter) when the row has none.
pub fn set_cell(t: &Table, c: &Cell, n: i64, eol: &str) -> Edit {
    if !c.missing {
        return replace(c.range.clone(), &n.to_string());
    }
    let text = match t.shape {
        Shape::Tsv => format!("\t{n}"),
        Shape::Markdown => format!(" {n} |"),
        Shape::CellPerLine => format!("{eol}{n} |"),
        Shape::Layout => format!("  {n}"),
    };
    Edit {
        range: c.range.clone(),
        new_text: text,
    }
}

/// Applies non-overlapping edits (in any order) to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut es: Vec<&Edit> = edits.iter().collect();
    es.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in es {
        if e.range.start < at || e.range.end > text.len() || e.range.start > e.range.end {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.new_text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Keeps the first of any edits that overlap (or insert at the same point), in source order.
pub fn non_overlapping(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup();
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for e in edits {
        if let Some(last) = out.last()
            && (e.range.start < last.range.end
                || (e.range.start == last.range.start && e.range.start == e.range.end))
        {
            continue;
        }
        out.push(e);
    }
    out
}

/// 填入本表全部总计: every 总计 of one table that differs from its computed value.
pub fn fill_table_totals(report: &Report, id: TableId) -> Vec<Edit> {
    let Some(t) = report.table(id) else {
        return Vec::new();
    };
    if !t.layout_2019.is_empty() && id == TableId::T2 {
        return Vec::new();
    }
    let edits = check::targets(t)
        .into_iter()
        .filter(|tc| tc.actual != Some(tc.target) && (tc.actual.is_some() || tc.parts_filled))
        .map(|tc| set_cell(t, &t.rows[tc.row].cells[tc.col], tc.target, report.eol))
        .collect();
    non_overlapping(edits)
}

/// Every safe fix of the diagnostics (computed totals, standard labels and titles), without
/// overlaps. Applying the result and checking again reports none of the fixed problems.
pub fn fix_all(diags: &[Diagnostic]) -> Vec<Edit> {
    let edits = diags
        .iter()
        .filter_map(|d| d.fixes.iter().find(|f| f.is_safe()))
        .flat_map(|f| f.edits.iter().cloned())
        .collect();
    non_overlapping(edits)
}

/// The text between a heading line's start and its title (`## `), to write new headings alike.
fn heading_prefix(r: &Report, text: &str) -> String {
    r.sections.first().map_or(String::new(), |s| {
        text[s.line.start..s.title.start].to_string()
    })
}

/// Inserts section `index`'s standard heading at `at` (a line start, or the end of the text).
pub fn insert_heading(r: &Report, text: &str, index: usize, at: usize) -> Edit {
    let eol = r.eol;
    let prefix = heading_prefix(r, text);
    let title = SECTIONS[index].title;
    let new_text = if at >= text.len() {
        let lead = if text.is_empty() || text.ends_with(['\n', '\r']) {
            ""
        } else {
            eol
        };
        format!("{lead}{eol}{prefix}{title}{eol}")
    } else {
        format!("{prefix}{title}{eol}{eol}")
    };
    Edit {
        range: at..at,
        new_text,
    }
}

/// Inserts a standard table, zeros everywhere, after a section heading.
pub fn insert_table(r: &Report, _text: &str, id: TableId, at: usize) -> Edit {
    let eol = r.eol;
    let body = render_table(id, r.shape, eol);
    Edit {
        range: at..at,
        new_text: format!("{eol}{body}{eol}"),
    }
}

/// Inserts a missing row (zeros) before the next row present, in the table's shape.
pub fn insert_row(r: &Report, text: &str, t: &Table, spec_row: usize) -> Option<Edit> {
    let spec = t.spec();
    let eol = r.eol;
    let next = t.rows.iter().find(|x| x.spec > spec_row);
    let zeros = vec![Value::Count(0); spec.cols_of(spec_row).len()];
    let row = render_row(
        t.shape,
        id_label_cols(t.id),
        &label_cells(spec, spec_row),
        &zeros,
        eol,
    );
    match next {
        Some(n) => {
            let start = text[..n.range.start]
                .rfind(['\n', '\r'])
                .map_or(0, |i| i + 1);
            Some(Edit {
                range: start..start,
                new_text: format!("{row}{eol}"),
            })
        }
        None => {
            let last = t.rows.last()?;
            let end = text[last.range.end..]
                .find(['\n', '\r'])
                .map_or(text.len(), |i| last.range.end + i);
            Some(Edit {
                range: end..end,
                new_text: format!("{eol}{row}"),
            })
        }
    }
}

/// Number of label columns of a table in the Markdown shape.
fn id_label_cols(id: TableId) -> usize {
    match id {
        TableId::T2 => 1,
        TableId::T3 => 3,
        TableId::T4 => 0,
    }
}

/// The label cells of a row in the canonical Markdown shape: one column per level.
fn label_cells(spec: &spec::TableSpec, row: usize) -> Vec<&'static str> {
    let rs = &spec.rows[row];
    if spec.id != TableId::T3 {
        return vec![rs.label];
    }
    let depth = spec.row_path(row).len();
    let mut cells = vec![""; depth - 1];
    cells.push(rs.label);
    cells
}

fn render_value(v: &Value) -> String {
    match v {
        Value::Count(n) => n.to_string(),
        Value::Money(_) => "0".to_string(),
        _ => String::new(),
    }
}

/// One row in a shape. `label_cols` is the number of label columns of the Markdown shape.
pub fn render_row(
    shape: Shape,
    label_cols: usize,
    labels: &[&str],
    values: &[Value],
    eol: &str,
) -> String {
    let vals: Vec<String> = values.iter().map(render_value).collect();
    // Outside Markdown a row has one label cell: its own label, the innermost one given.
    let label = labels
        .iter()
        .rev()
        .find(|s| !s.is_empty())
        .copied()
        .unwrap_or("");
    match shape {
        Shape::Markdown => {
            let mut cells: Vec<String> = labels.iter().map(|s| s.to_string()).collect();
            while cells.len() < label_cols {
                cells.push(String::new());
            }
            cells.extend(vals);
            format!("| {} |", cells.join(" | "))
        }
        Shape::Tsv => {
            let mut cells = vec![label.to_string()];
            cells.extend(vals);
            cells.join("\t")
        }
        Shape::CellPerLine => {
            let mut lines = Vec::new();
            if !label.is_empty() {
                lines.push(format!("{label} |"));
            }
            lines.extend(vals.iter().map(|v| format!("{v} |")));
            lines.join(eol)
        }
        Shape::Layout => {
            let mut s = label.to_string();
            for v in vals {
                s.push_str("    ");
                s.push_str(&v);
            }
            s
        }
    }
}

/// A whole standard table with zeros, in a shape.
pub fn render_table(id: TableId, shape: Shape, eol: &str) -> String {
    let spec = id.spec();
    let mut lines: Vec<String> = Vec::new();
    let md = shape == Shape::Markdown;
    match id {
        TableId::T2 => {
            for (i, rs) in spec.rows.iter().enumerate() {
                match rs.kind {
                    RowKind::Item => {
                        let cols = spec.cols_of(i);
                        let mut header = vec!["信息内容"];
                        header.extend(cols.iter().map(|c| c.label));
                        if md {
                            if !lines.is_empty() {
                                lines.push(String::new());
                            }
                            lines.push(format!("**{}**", rs.label));
                            lines.push(String::new());
                            lines.push(format!("| {} |", header.join(" | ")));
                            lines.push(format!("|{}", "---|".repeat(header.len())));
                        } else {
                            lines.push(rs.label.to_string());
                            lines.push(render_header(shape, &header, eol));
                        }
                    }
                    _ => {
                        let zeros = vec![Value::Count(0); spec.cols_of(i).len()];
                        lines.push(render_row(shape, 1, &[rs.label], &zeros, eol));
                    }
                }
            }
        }
        TableId::T3 => {
            let cols = spec.col_sets[0];
            if md {
                let mut h1 = vec![
                    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                    "",
                    "",
                ];
                h1.extend(cols.iter().map(|c| c.label));
                lines.push(format!("| {} |", h1.join(" | ")));
                lines.push(format!(
                    "|{}{}",
                    "---|".repeat(3),
                    "---:|".repeat(cols.len())
                ));
            } else {
                lines.push(
                    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
                        .to_string(),
                );
                let mut h: Vec<&str> = vec!["申请人情况"];
                h.extend(cols.iter().map(|c| c.label));
                lines.push(render_header(shape, &h, eol));
            }
            for (i, rs) in spec.rows.iter().enumerate() {
                let zeros = vec![Value::Count(0); cols.len()];
                match rs.kind {
                    RowKind::Data => {
                        lines.push(render_row(shape, 3, &label_cells(spec, i), &zeros, eol))
                    }
                    _ if md => {
                        let mut cells = label_cells(spec, i);
                        while cells.len() < 3 {
                            cells.push("");
                        }
                        let blanks = vec![""; cols.len()];
                        cells.extend(blanks);
                        lines.push(format!("| {} |", cells.join(" | ")));
                    }
                    _ => lines.push(render_header(shape, &[rs.label], eol)),
                }
            }
        }
        TableId::T4 => {
            let cols = spec.col_sets[0];
            if md {
                lines.push("| 行政复议 | | | | | 行政诉讼 | | | | | | | | | |".to_string());
                lines.push(format!("|{}", "---:|".repeat(cols.len())));
                let sub: Vec<&str> = [
                    "",
                    "",
                    "",
                    "",
                    "",
                    "未经复议直接起诉",
                    "",
                    "",
                    "",
                    "",
                    "复议后起诉",
                    "",
                    "",
                    "",
                    "",
                ]
                .to_vec();
                lines.push(format!("| {} |", sub.join(" | ")));
                let labels: Vec<&str> = cols.iter().map(|c| c.label).collect();
                lines.push(format!("| {} |", labels.join(" | ")));
                let zeros = vec!["0"; cols.len()];
                lines.push(format!("| {} |", zeros.join(" | ")));
            } else {
                lines.push(render_header(shape, &["行政复议", "行政诉讼"], eol));
                lines.push(render_header(
                    shape,
                    &["未经复议直接起诉", "复议后起诉"],
                    eol,
                ));
                let labels: Vec<&str> = cols.iter().map(|c| c.label).collect();
                lines.push(render_header(shape, &labels, eol));
                let zeros = vec![Value::Count(0); cols.len()];
                lines.push(render_row(shape, 0, &[], &zeros, eol));
            }
        }
    }
    lines.join(eol)
}

fn render_header(shape: Shape, cells: &[&str], eol: &str) -> String {
    match shape {
        Shape::Markdown => format!("| {} |", cells.join(" | ")),
        Shape::Tsv => cells.join("\t"),
        Shape::CellPerLine => cells
            .iter()
            .map(|c| format!("{c} |"))
            .collect::<Vec<_>>()
            .join(eol),
        Shape::Layout => cells.join("    "),
    }
}

/// The complete standard draft that `nianbao new` prints: it checks clean.
pub fn new_report(org: &str, year: i32) -> String {
    let eol = "\n";
    let mut s = String::new();
    s.push_str(&format!("# {org}{year}年政府信息公开工作年度报告\n\n"));
    s.push_str(&format!(
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。\n\n"
    ));
    let bodies: [&str; 6] = [
        "（一）主动公开\n\n（填写主动公开工作情况。）\n\n（二）依申请公开\n\n（填写依申请公开工作情况。）\n\n（三）政府信息管理\n\n（填写政府信息管理情况。）\n\n（四）政府信息公开平台建设\n\n（填写平台建设情况。）\n\n（五）监督保障\n\n（填写监督保障情况。）\n",
        "",
        "",
        "",
        "（一）存在的主要问题\n\n（填写存在的主要问题。）\n\n（二）改进情况\n\n（填写改进情况。）\n",
        "本年度未收取信息处理费。（如有收取，写明收取金额和依据。）\n",
    ];
    for (i, sec) in SECTIONS.iter().enumerate() {
        s.push_str(&format!("## {}\n\n", sec.title));
        if let Some(id) = sec.table {
            s.push_str(&render_table(id, Shape::Markdown, eol));
            s.push('\n');
        } else {
            s.push_str(bodies[i]);
        }
        s.push('\n');
    }
    s.push_str(&format!("{org}\n\n{}年1月  日\n", year + 1));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::parse::parse;

    #[test]
    fn new_report_checks_clean() {
        let t = new_report("某某市某某局", 2025);
        let doc = parse(&t);
        let r = &doc.reports[0];
        assert!(r.is_report);
        let d = check(&doc, &t);
        assert!(
            d.is_empty(),
            "{:#?}",
            d.iter().map(|d| (&d.code, &d.message)).collect::<Vec<_>>()
        );
        assert_eq!(r.tables.len(), 3);
        assert_eq!(r.table(TableId::T3).map(|t| t.rows.len()), Some(25));
    }

    #[test]
    fn rendered_tables_parse_back_in_every_shape() {
        for shape in [
            Shape::Markdown,
            Shape::Tsv,
            Shape::CellPerLine,
            Shape::Layout,
        ] {
            for id in [TableId::T2, TableId::T3, TableId::T4] {
                let body = render_table(id, shape, "\n");
                let sec = SECTIONS[id.section()].title;
                let text = format!("某局2025年政府信息公开工作年度报告\n\n{sec}\n\n{body}\n");
                let doc = parse(&text);
                let t = doc.reports[0]
                    .table(id)
                    .unwrap_or_else(|| panic!("{shape:?} {id:?}\n{text}"));
                let want = id
                    .spec()
                    .rows
                    .iter()
                    .filter(|x| x.kind == RowKind::Data)
                    .count();
                let got = t
                    .rows
                    .iter()
                    .filter(|x| id.spec().rows[x.spec].kind == RowKind::Data)
                    .count();
                assert_eq!(got, want, "{shape:?} {id:?}\n{text}");
                assert!(t.rows.iter().all(|x| x.exact), "{shape:?} {id:?}");
            }
        }
    }
}
