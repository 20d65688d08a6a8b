//! Edit builders: the text edits that fixes are made of, written in the document's own shape (a
//! cell set to a value, a label replaced, a heading, a row or a whole table inserted). They read
//! the report model and the format spec, never a check.

use std::ops::Range;

use crate::diag::Edit;
use crate::model::{Cell, Report, Row, RowFit, Shape, Table, Value};
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

/// Table 二 in the 2021 layout, in a shape, its lines: `cell(row, col)` is the text of a cell.
fn render_t2(shape: Shape, eol: &str, cell: &dyn Fn(usize, usize) -> String) -> Vec<String> {
    let spec = &spec::T2;
    let md = shape == Shape::Markdown;
    let mut lines: Vec<String> = Vec::new();
    for (i, rs) in spec.rows.iter().enumerate() {
        let cols = spec.cols_of(i);
        match rs.kind {
            RowKind::Item => {
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
                let texts: Vec<String> = (0..cols.len()).map(|c| cell(i, c)).collect();
                lines.push(render_row_texts(shape, 1, &[rs.label], &texts, eol));
            }
        }
    }
    lines
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
    render_row_texts(shape, label_cols, labels, &vals, eol)
}

/// One row in a shape, its cells' texts given (an empty text is a blank cell).
fn render_row_texts(
    shape: Shape,
    label_cols: usize,
    labels: &[&str],
    vals: &[String],
    eol: &str,
) -> String {
    let vals = vals.to_vec();
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
        TableId::T2 => lines = render_t2(shape, eol, &|_, _| "0".to_string()),
        TableId::T3 => {
            let cols = spec.col_sets[0];
            if md {
                // The official three header rows, a merged cell written once in its first cell:
                // 申请人情况 over all columns; 自然人, 法人或其他组织 (over five) and 总计; the five
                // kinds of 法人或其他组织.
                let mut h1 = vec![spec::T3_NOTE, "", "", spec::T3_APPLICANT];
                h1.extend(vec![""; cols.len() - 1]);
                lines.push(format!("| {} |", h1.join(" | ")));
                lines.push(format!(
                    "|{}{}",
                    "---|".repeat(3),
                    "---:|".repeat(cols.len())
                ));
                let (first, rest) = cols
                    .split_first()
                    .map_or((&cols[..0], cols), |(f, r)| (std::slice::from_ref(f), r));
                let (legal, total) = rest.split_at(rest.len().saturating_sub(1));
                let mut h2 = vec!["", "", ""];
                h2.extend(first.iter().map(|c| c.label));
                h2.push(spec::T3_LEGAL);
                h2.extend(vec![""; legal.len().saturating_sub(1)]);
                h2.extend(total.iter().map(|c| c.label));
                lines.push(format!("| {} |", h2.join(" | ")));
                let mut h3 = vec!["", "", "", ""];
                h3.extend(legal.iter().map(|c| c.label));
                h3.push("");
                lines.push(format!("| {} |", h3.join(" | ")));
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

/// The start of the line holding `at` when only `lead` characters stand before `at` on it (the
/// whole line is then the table's), else `at`.
fn widen_start(text: &str, at: usize, lead: &dyn Fn(char) -> bool) -> usize {
    let s = line_start(text, at);
    if text[s..at].chars().all(lead) { s } else { at }
}

/// The end of the line holding `at` when only `trail` characters follow `at` on it, else `at`.
fn widen_end(text: &str, at: usize, trail: &dyn Fn(char) -> bool) -> usize {
    let e = line_end(text, at);
    if text[at..e].chars().all(trail) {
        e
    } else {
        at
    }
}

/// What stands around a table's cells on their lines: spaces, pipes, Markdown emphasis.
fn table_debris(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '|' || c == '*'
}

/// The text of a cell as written; `None` for a blank or missing one.
fn written<'t>(text: &'t str, c: &Cell) -> Option<&'t str> {
    if c.missing || c.value == Value::Blank {
        return None;
    }
    text.get(c.range.clone())
}

/// Whether a table written one cell per line ends its lines with ` |` (web extraction) rather
/// than writing the bare cell (text copied from a page).
fn cell_lines_piped(text: &str, t: &Table) -> bool {
    t.rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter(|c| !c.missing)
        .any(|c| {
            text[c.range.end..line_end(text, c.range.end)]
                .trim_end()
                .ends_with('|')
        })
}

/// A table written one cell per line, its ` |` ends dropped.
fn unpipe(s: &str, eol: &str) -> String {
    s.split(eol)
        .map(|l| l.strip_suffix(" |").unwrap_or(l))
        .collect::<Vec<_>>()
        .join(eol)
}

/// A 2019 figure of table 二 that has no cell in the 2021 table.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    /// Row of [`spec::T2_2019`].
    pub row: usize,
    /// Column within the row; `None` when the row's cells cannot be told apart (the numbers are
    /// then given in the order written).
    pub col: Option<usize>,
    /// As written.
    pub text: String,
    /// Where it is written.
    pub range: Range<usize>,
}

/// Table 二 of the 2019 layout rewritten in the 2021 layout.
#[derive(Debug, Clone, PartialEq)]
pub struct T2Rewrite {
    pub edit: Edit,
    /// The 2019 figures other than 0 that the 2021 table has no cell for.
    pub dropped: Vec<Dropped>,
    /// 2019 figures of 0 left out too.
    pub dropped_zeros: bool,
    /// Cells of the 2021 table that no 2019 figure fills are written blank (`false`: the shape
    /// has no blank cell — one cell per line, columns aligned by spaces — and they are written
    /// 0).
    pub blanks: bool,
}

/// Rewrites table 二 of the 2019 layout (`t.edition` is 2019) as the 2021 table in the table's
/// own shape, in place of the lines it stands on: the figures whose meaning the 2021 table keeps
/// ([`spec::T2_FROM_2019`]) carried over as written, 本年收费金额 0 when the 2019 table shows no
/// fee item ([`spec::T2_2019_NO_FEE_ITEMS`]), the other cells blank (or 0 where the shape has no
/// blank cell). A row whose cells do not fit its columns carries nothing; a table that shows a
/// column label of 2021 too is not rewritten.
pub fn t2_in_2021_layout(text: &str, t: &Table, eol: &str) -> Option<T2Rewrite> {
    if t.id != TableId::T2 || t.edition != spec::Edition::Y2019 || t.rows.is_empty() {
        return None;
    }
    let old = &spec::T2_2019;
    // The 2019 cells, by (row, column), of rows read with certainty.
    let cell_of = |row: usize, col: usize| -> Option<&Cell> {
        let r = t.row(row).filter(|r| r.fit.is_certain())?;
        r.cells.iter().find(|c| c.col == col)
    };
    let blanks = matches!(t.shape, Shape::Markdown | Shape::Tsv);
    let new = &spec::T2;
    let mut grid: Vec<Vec<String>> = (0..new.rows.len())
        .map(|i| {
            let fill = if blanks { "" } else { "0" };
            vec![fill.to_string(); new.cols_of(i).len()]
        })
        .collect();
    let mut used: Vec<(usize, usize)> = Vec::new();
    for &((r, c), (r21, c21)) in spec::T2_FROM_2019 {
        if let Some(s) = cell_of(r, c).and_then(|cell| written(text, cell)) {
            grid[r21][c21] = s.to_string();
            used.push((r, c));
        }
    }
    let (fees, [prev, change]) = spec::T2_2019_NO_FEE_ITEMS;
    let zero = |col: usize| cell_of(fees, col).is_some_and(|c| c.value == Value::Count(0));
    if zero(prev) && zero(change) {
        grid[spec::t2::FEES][0] = "0".to_string();
    }
    let mut dropped = Vec::new();
    let mut dropped_zeros = false;
    for r in &t.rows {
        if old.rows.get(r.spec).is_none_or(|s| s.kind != RowKind::Data) {
            continue;
        }
        let certain = r.fit.is_certain();
        for c in &r.cells {
            if certain && used.contains(&(r.spec, c.col)) {
                continue;
            }
            let Some(s) = written(text, c) else { continue };
            if matches!(c.value, Value::Count(0)) || c.value == Value::Money(0.0) {
                dropped_zeros = true;
                continue;
            }
            dropped.push(Dropped {
                row: r.spec,
                col: certain.then_some(c.col),
                text: s.to_string(),
                range: c.range.clone(),
            });
        }
    }
    // Every line the table stands on, and the words the parser took for part of it.
    let mut start = t.range.start;
    let mut end = t.range.end;
    let ranges = t
        .headers
        .iter()
        .map(|h| &h.range)
        .chain(t.rows.iter().map(|r| &r.range))
        .chain(&t.layout_2019);
    for r in ranges {
        start = start.min(r.start);
        end = end.max(r.end);
    }
    if start >= end || end > text.len() {
        return None;
    }
    let start = widen_start(text, start, &table_debris);
    let end = widen_end(text, end, &table_debris);
    // A column label of 2021 among the 2019 ones: the table mixes the two layouts, and which
    // figure means what cannot be told.
    let region = crate::text::norm(&text[start..end]);
    let old_labels: Vec<&str> = old
        .col_sets
        .iter()
        .flat_map(|c| c.iter())
        .map(|c| c.label)
        .collect();
    if new
        .col_sets
        .iter()
        .flat_map(|c| c.iter())
        .filter(|c| !old_labels.contains(&c.label))
        .any(|c| region.contains(&crate::text::norm(c.label)))
    {
        return None;
    }
    let body = render_t2(t.shape, eol, &|r, c| grid[r][c].clone()).join(eol);
    let body = if t.shape == Shape::CellPerLine && !cell_lines_piped(text, t) {
        unpipe(&body, eol)
    } else {
        body
    };
    Some(T2Rewrite {
        edit: Edit::replace(start..end, body),
        dropped,
        dropped_zeros,
        blanks,
    })
}

/// Row `r` written again as its table writes it: its own label replaced by `label`, the group
/// labels beside it (of the rows in `groups`) by their texts, and its cells by `cells` (one text
/// per cell) — everything else on its lines kept. `None` when a piece cannot be replaced for
/// certain: a label in several pieces, a group label not in `groups`, a cell the row does not
/// write.
fn rewrite_row(
    text: &str,
    r: &Row,
    label: Option<&str>,
    groups: &[(usize, &str)],
    cells: Option<&[String]>,
) -> Option<String> {
    let mut subs: Vec<(Range<usize>, &str)> = Vec::new();
    if let Some(l) = label {
        let [piece] = r.label.as_slice() else {
            return None;
        };
        subs.push((piece.clone(), l));
    }
    // Each group label beside the row is one of `groups`, in one piece.
    let mut seen: Vec<usize> = Vec::new();
    for g in &r.groups {
        let (_, s) = groups.iter().find(|(i, _)| *i == g.spec)?;
        if seen.contains(&g.spec) {
            return None;
        }
        seen.push(g.spec);
        subs.push((g.range.clone(), s));
    }
    if let Some(cells) = cells {
        if cells.len() != r.cells.len() || r.cells.iter().any(|c| c.missing) {
            return None;
        }
        for (c, s) in r.cells.iter().zip(cells) {
            subs.push((c.range.clone(), s));
        }
    }
    let Range {
        start: from,
        end: to,
    } = row_lines(text, r);
    subs.sort_by_key(|(x, _)| (x.start, x.end));
    let mut out = String::new();
    let mut at = from;
    for (x, s) in subs {
        if x.start < at || x.end > to {
            return None;
        }
        out.push_str(text.get(at..x.start)?);
        out.push_str(s);
        at = x.end;
    }
    out.push_str(text.get(at..to)?);
    Some(out)
}

/// The lines row `r` stands on (with the group labels written beside it).
fn row_lines(text: &str, r: &Row) -> Range<usize> {
    let first = r
        .label
        .iter()
        .chain(r.groups.iter().map(|g| &g.range))
        .map(|x| x.start)
        .fold(r.range.start, usize::min);
    let last = r
        .cells
        .iter()
        .map(|c| c.range.end)
        .fold(r.range.end, usize::max);
    line_start(text, first)..line_end(text, last)
}

/// Rewrites the single-row （六）其他处理 of a 2019 table 三 as the three rows of 2021, in place of
/// that row's lines (the rest of the table untouched): 1 and 2 with 0, 3.其他 with the row's
/// figures. The new rows are written like the rows of another group of the same table (its label
/// on a line of its own or beside its first row, the cells as that table writes them), else as
/// the table's shape writes a row.
pub fn t3_other_in_2021_layout(text: &str, t: &Table, eol: &str) -> Option<Edit> {
    use spec::t3;
    let spec = &spec::T3;
    if t.id != TableId::T3 || t.layout_2019.is_empty() {
        return None;
    }
    let old = t.row(t3::OTHER)?;
    let kids: Vec<usize> = spec.children(t3::OTHER).collect();
    if kids.len() != 3 || kids.iter().any(|&k| t.row(k).is_some()) {
        return None;
    }
    let ncols = spec.cols_of(kids[0]).len();
    let zeros = vec!["0".to_string(); ncols];
    let carried: Option<Vec<String>> =
        (old.fit == RowFit::Exact && old.cells.len() == ncols).then(|| {
            old.cells
                .iter()
                .map(|c| written(text, c).unwrap_or("").to_string())
                .collect()
        });
    let group_label = spec.rows[t3::OTHER].label;
    let labels: Vec<&str> = kids.iter().map(|&k| spec.rows[k].label).collect();
    // The last row, with the figures of the old one: a template's line when they fit its cells,
    // else the old row with its label replaced.
    let last_row = |tpl: &Row| -> Option<String> {
        match &carried {
            Some(vals) => rewrite_row(text, tpl, Some(labels[2]), &[], Some(vals)),
            None => rewrite_row(text, old, Some(labels[2]), &[], None),
        }
    };
    let mut lines: Option<Vec<String>> = None;
    if t.shape == Shape::Layout {
        // Columns aligned by spaces, labels wrapped over lines and group labels written down a
        // column: only the old row's own line is certain to be a row of its own.
        let n = old.cells.len();
        let zeros = vec!["0".to_string(); n];
        let first = format!("{group_label}   {}", labels[0]);
        lines = (|| {
            Some(vec![
                rewrite_row(text, old, Some(&first), &[], Some(&zeros))?,
                rewrite_row(text, old, Some(labels[1]), &[], Some(&zeros))?,
                rewrite_row(text, old, Some(labels[2]), &[], None)?,
            ])
        })();
    }
    let groups = match t.shape {
        Shape::Layout => &[][..],
        _ => &[t3::NOT_HANDLED, t3::UNAVAILABLE, t3::WITHHELD][..],
    };
    for &g in groups {
        let data: Vec<usize> = spec.children(g).collect();
        // Its first row, and a later one (the last written).
        let (Some(first), Some(later)) = (
            data.first().and_then(|&i| t.row(i)),
            data.iter().skip(1).rev().find_map(|&i| t.row(i)),
        ) else {
            continue;
        };
        if !first.fit.is_certain() || !later.fit.is_certain() {
            continue;
        }
        let built = (|| {
            let mut v = Vec::new();
            if let Some(own) = t.row(g) {
                let blanks = vec![String::new(); own.cells.len()];
                v.push(rewrite_row(
                    text,
                    own,
                    Some(group_label),
                    &[],
                    Some(&blanks),
                )?);
            }
            v.push(rewrite_row(
                text,
                first,
                Some(labels[0]),
                &[(g, group_label)],
                Some(&zeros),
            )?);
            v.push(rewrite_row(
                text,
                later,
                Some(labels[1]),
                &[],
                Some(&zeros),
            )?);
            v.push(last_row(later)?);
            Some(v)
        })();
        if built.is_some() {
            lines = built;
            break;
        }
    }
    let lines = match lines {
        Some(l) => l,
        None => {
            // No row of the table to write the new ones like: the shape's own rows.
            let mut v = Vec::new();
            let md = t.shape == Shape::Markdown;
            if md {
                let mut cells = label_cells(spec, t3::OTHER);
                cells.resize(3, "");
                cells.extend(vec![""; ncols]);
                v.push(format!("| {} |", cells.join(" | ")));
            } else {
                v.push(render_header(t.shape, &[group_label], eol));
            }
            for (i, &k) in kids.iter().enumerate() {
                let vals = match (i, &carried) {
                    (2, Some(c)) => c.clone(),
                    (2, None) => {
                        v.push(rewrite_row(text, old, Some(labels[2]), &[], None)?);
                        continue;
                    }
                    _ => zeros.clone(),
                };
                v.push(render_row_texts(
                    t.shape,
                    3,
                    &label_cells(spec, k),
                    &vals,
                    eol,
                ));
            }
            if t.shape == Shape::CellPerLine && !cell_lines_piped(text, t) {
                v = v.iter().map(|l| unpipe(l, eol)).collect();
            }
            v
        }
    };
    Some(Edit::replace(row_lines(text, old), lines.join(eol)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn table(text: &str, id: TableId) -> Table {
        let doc = crate::parse::parse(text);
        let t = doc.reports[0].table(id).expect("the table");
        t.clone()
    }

    /// The 2019 table 二 of 平潭综合实验区's 2020 report, tab-separated.
    const T2_2019_TSV: &str = "二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t7
规范性文件\t77\t77\t166
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t396\t442\t278
其他对外管理服务事项\t10\t7\t105
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t2648\t-18\t538
行政强制\t126\t26\t29
第二十条第（八）项
信息内容\t上一年项目数量\t本年增/减
行政事业性收费\t0\t0
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t395\t73802895.90元
三、收到和处理政府信息公开申请情况
";

    #[test]
    fn table_2_of_2019_written_in_2021() {
        let t = table(T2_2019_TSV, TableId::T2);
        let rw = t2_in_2021_layout(T2_2019_TSV, &t, "\n").unwrap();
        // The whole table, from its first line to its last, and nothing else.
        assert_eq!(
            &T2_2019_TSV[rw.edit.range.clone()],
            T2_2019_TSV
                .strip_prefix("二、主动公开政府信息情况\n")
                .unwrap()
                .strip_suffix("\n三、收到和处理政府信息公开申请情况\n")
                .unwrap()
        );
        // 本年新制作数量 and 处理决定数量 carried; 本年收费金额 0, as no fee item was there; the rest
        // blank.
        expect![[r#"
            第二十条第（一）项
            信息内容	本年制发件数	本年废止件数	现行有效件数
            规章	0		
            行政规范性文件	77		
            第二十条第（五）项
            信息内容	本年处理决定数量
            行政许可	278
            第二十条第（六）项
            信息内容	本年处理决定数量
            行政处罚	538
            行政强制	29
            第二十条第（八）项
            信息内容	本年收费金额（单位：万元）
            行政事业性收费	0"#]]
        .assert_eq(&rw.edit.new_text);
        assert!(rw.blanks && rw.dropped_zeros);
        let dropped: Vec<String> = rw
            .dropped
            .iter()
            .map(|d| format!("{} {:?} {}", d.row, d.col, d.text))
            .collect();
        expect![[r#"
            [
                "1 Some(2) 7",
                "2 Some(1) 77",
                "2 Some(2) 166",
                "4 Some(0) 396",
                "4 Some(1) 442",
                "5 Some(0) 10",
                "5 Some(1) 7",
                "5 Some(2) 105",
                "7 Some(0) 2648",
                "7 Some(1) -18",
                "8 Some(0) 126",
                "8 Some(1) 26",
                "12 Some(0) 395",
                "12 Some(1) 73802895.90元",
            ]
        "#]]
        .assert_debug_eq(&dropped);
        // A fee item: no 0 for the amount.
        let text = T2_2019_TSV.replace("行政事业性收费\t0\t0", "行政事业性收费\t3\t0");
        let rw = t2_in_2021_layout(&text, &table(&text, TableId::T2), "\n").unwrap();
        assert!(rw.edit.new_text.ends_with("\n行政事业性收费\t"));
    }

    #[test]
    fn a_row_whose_cells_cannot_be_told_apart_carries_nothing() {
        // One cell per line, a blank left no trace: 行政许可 has two numbers for three columns.
        let text: String = T2_2019_TSV
            .replace("行政许可\t396\t442\t278", "行政许可\t442\t278")
            .replace('\t', "\n");
        let t = table(&text, TableId::T2);
        assert_eq!(t.shape, Shape::CellPerLine);
        let rw = t2_in_2021_layout(&text, &t, "\n").unwrap();
        assert!(!rw.blanks);
        assert!(
            rw.edit.new_text.contains("\n行政许可\n0\n"),
            "{}",
            rw.edit.new_text
        );
        assert!(
            rw.edit.new_text.contains("\n行政强制\n29\n"),
            "{}",
            rw.edit.new_text
        );
        // The figures of a 2019 row that the 2021 layout has no place for: (column, text).
        let dropped_of = |row: usize| -> Vec<(Option<usize>, &str)> {
            rw.dropped
                .iter()
                .filter(|d| d.row == row)
                .map(|d| (d.col, d.text.as_str()))
                .collect()
        };
        let licensing = dropped_of(spec::t2_2019::LICENSING);
        assert_eq!(licensing, [(None, "442"), (None, "278")]);
        // 行政处罚's 本年增/减 of -18 on a line of its own is its cell, not a page number: the row
        // is read whole and its 处理决定数量 carried.
        assert!(
            rw.edit.new_text.contains("\n行政处罚\n538\n"),
            "{}",
            rw.edit.new_text
        );
        let penalty = dropped_of(spec::t2_2019::PENALTY);
        assert_eq!(
            penalty,
            [
                (Some(spec::t2_2019::PREVIOUS), "2648"),
                (Some(spec::t2_2019::CHANGE), "-18")
            ]
        );
    }

    #[test]
    fn a_2021_table_is_not_rewritten() {
        let text = crate::draft::new_report("某某市某某局", 2022);
        let doc = crate::parse::parse(&text);
        let r = &doc.reports[0];
        let t2 = r.table(TableId::T2).unwrap();
        let t3 = r.table(TableId::T3).unwrap();
        assert!(t2_in_2021_layout(&text, t2, "\n").is_none());
        assert!(t3_other_in_2021_layout(&text, t3, "\n").is_none());
    }

    #[test]
    fn a_table_mixing_the_layouts_is_not_rewritten() {
        // The 2021 columns, and the 2019 row 其他对外管理服务事项: a 2021 table with a row it does
        // not have, nothing to rewrite (read with the 2019 columns, 规章's 本年废止件数 would pass
        // for 本年新公开数量).
        let text = crate::draft::new_report("某某市某某局", 2022)
            .replace("| 规章 | 0 | 0 | 0 |", "| 规章 | 1 | 2 | 3 |")
            .replace(
                "| 行政许可 | 0 |",
                "| 行政许可 | 5 |\n| 其他对外管理服务事项 | 3 |",
            );
        let t = table(&text, TableId::T2);
        assert_eq!(t.edition, spec::Edition::Y2021);
        assert_eq!(t.layout_2019.len(), 1);
        assert!(t2_in_2021_layout(&text, &t, "\n").is_none());
        // The 2019 columns of 第二十条第（一）项 and the 2021 ones of （五）: read with the 2019
        // columns, and not rewritten either.
        let text = text.replace(
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
            "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
        );
        let t = table(&text, TableId::T2);
        assert_eq!(t.edition, spec::Edition::Y2019);
        assert!(t2_in_2021_layout(&text, &t, "\n").is_none());
    }

    /// Table 三 of 2019 with the rows of （五）不予处理 and （六）其他处理, tab-separated: the group
    /// label beside its first row.
    const T3_2019_TSV: &str =
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况
自然人\t法人或其他组织\t总计
商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他
一、本年新收政府信息公开申请数量\t6\t0\t0\t0\t0\t1\t7
二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0
三、本年度办理结果\t（一）予以公开\t2\t0\t0\t0\t0\t1\t3
（五）不予处理\t1.信访举报投诉类申请\t0\t0\t0\t0\t0\t0\t0
2.重复申请\t0\t0\t0\t0\t0\t0\t0
（六）其他处理\t4\t0\t0\t0\t0\t0\t4
（七）总计\t6\t0\t0\t0\t0\t1\t7
四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0
";

    #[test]
    fn other_processing_of_2019_written_as_the_rows_around_it() {
        let t = table(T3_2019_TSV, TableId::T3);
        assert!(!t.layout_2019.is_empty());
        let e = t3_other_in_2021_layout(T3_2019_TSV, &t, "\n").unwrap();
        assert_eq!(
            &T3_2019_TSV[e.range.clone()],
            "（六）其他处理\t4\t0\t0\t0\t0\t0\t4"
        );
        expect![[r#"
            （六）其他处理	1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请	0	0	0	0	0	0	0
            2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请	0	0	0	0	0	0	0
            3.其他	4	0	0	0	0	0	4"#]]
        .assert_eq(&e.new_text);
    }

    #[test]
    fn other_processing_of_2019_with_no_group_to_follow() {
        // No group of the table has two rows to write the new ones like: the shape's own rows.
        let text = T3_2019_TSV.replace("2.重复申请\t0\t0\t0\t0\t0\t0\t0\n", "");
        let t = table(&text, TableId::T3);
        let e = t3_other_in_2021_layout(&text, &t, "\n").unwrap();
        expect![[r#"
            （六）其他处理
            1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请	0	0	0	0	0	0	0
            2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请	0	0	0	0	0	0	0
            3.其他	4	0	0	0	0	0	4"#]]
        .assert_eq(&e.new_text);
        let fixed = crate::fix::apply_edits(&text, &[e]);
        let t = table(&fixed, TableId::T3);
        assert!(t.layout_2019.is_empty());
        let other: Vec<_> = t
            .row(spec::T3.children(spec::t3::OTHER).last().unwrap())
            .unwrap()
            .cells
            .iter()
            .map(|c| c.value.clone())
            .collect();
        assert_eq!(other[0], Value::Count(4));
        assert_eq!(other[6], Value::Count(4));
    }
}
