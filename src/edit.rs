//! Edit builders: the text edits that fixes are made of, written in the document's own shape (a
//! cell set to a value, a label replaced, a heading, a row or a whole table inserted). They read
//! the report model and the format spec, never a check.

use std::ops::Range;

use crate::diag::Edit;
use crate::model::{Cell, Report, Shape, Table, Value};
use crate::spec::{self, RowKind, SECTIONS, TableId};

pub use crate::text::{line_end, line_start};

/// Replaces `range` by `new_text` (a label, a title, a value).
pub fn replace(range: Range<usize>, new_text: &str) -> Edit {
    Edit::replace(range, new_text)
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
    Edit::replace(c.range.clone(), text)
}

/// The text between a heading line's start and its title (`## `), to write new headings alike.
fn heading_prefix(r: &Report, text: &str) -> String {
    r.sections.first().map_or(String::new(), |s| {
        text[s.line.start..s.title_range.start].to_string()
    })
}

/// Inserts section `index`'s standard heading at `at` (a line start, or the end of the report's
/// part of the text, which ends the text when `ends_text`).
pub fn insert_heading(r: &Report, text: &str, index: usize, at: usize, ends_text: bool) -> Edit {
    let eol = r.eol;
    let prefix = heading_prefix(r, text);
    let title = SECTIONS[index].title;
    let new_text = if ends_text && at >= r.range.end {
        let part = &text[r.range.clone()];
        let lead = if part.is_empty() || part.ends_with(['\n', '\r']) {
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
pub fn insert_table(r: &Report, id: TableId, at: usize) -> Edit {
    let eol = r.eol;
    let body = render_table(id, r.shape, eol);
    Edit {
        range: at..at,
        new_text: format!("{eol}{body}{eol}"),
    }
}

/// Inserts a missing row (zeros) before the next row present, in the table's shape.
pub fn insert_row(text: &str, t: &Table, spec_row: usize, eol: &str) -> Option<Edit> {
    let spec = t.spec();
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
            let start = line_start(text, n.range.start);
            Some(Edit {
                range: start..start,
                new_text: format!("{row}{eol}"),
            })
        }
        None => {
            let last = t.rows.last()?;
            let end = line_end(text, last.range.end);
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
                        let mut header = vec![spec::T2_ITEM_HEADER];
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
                let mut h1 = vec![spec::T3_NOTE, "", ""];
                h1.extend(cols.iter().map(|c| c.label));
                lines.push(format!("| {} |", h1.join(" | ")));
                lines.push(format!(
                    "|{}{}",
                    "---|".repeat(3),
                    "---:|".repeat(cols.len())
                ));
            } else {
                lines.push(spec::T3_NOTE.to_string());
                let mut h: Vec<&str> = vec![spec::T3_APPLICANT];
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
                // The merged headers over their first column, the rest of their span empty.
                let over = |col: usize| match col {
                    spec::t4::REVIEW => spec::T4_REVIEW,
                    spec::t4::DIRECT => spec::T4_LITIGATION,
                    _ => "",
                };
                let top: Vec<&str> = (0..cols.len()).map(over).collect();
                lines.push(format!("| {} |", top.join(" | ")));
                lines.push(format!("|{}", "---:|".repeat(cols.len())));
                let sub: Vec<&str> = (0..cols.len())
                    .map(|col| match col {
                        spec::t4::DIRECT => spec::T4_DIRECT,
                        spec::t4::AFTER => spec::T4_AFTER,
                        _ => "",
                    })
                    .collect();
                lines.push(format!("| {} |", sub.join(" | ")));
                let labels: Vec<&str> = cols.iter().map(|c| c.label).collect();
                lines.push(format!("| {} |", labels.join(" | ")));
                let zeros = vec!["0"; cols.len()];
                lines.push(format!("| {} |", zeros.join(" | ")));
            } else {
                lines.push(render_header(
                    shape,
                    &[spec::T4_REVIEW, spec::T4_LITIGATION],
                    eol,
                ));
                lines.push(render_header(
                    shape,
                    &[spec::T4_DIRECT, spec::T4_AFTER],
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
