//! Rows whose cells cannot be read as written (`row-shape`): more or fewer cells than the header
//! has columns, a number written in words or two numbers in one cell, a row placed under another
//! group, a figure in a label column. Such a row's sums are not computed and none of its totals
//! is fixed; this says why.

use super::TableCtx;
use crate::diag::{Code, Diagnostic, Fix};
use crate::edit;
use crate::model::{Row, RowFit, Table, Value};
use crate::spec::{RowKind, TableSpec};

/// How a row's cells do not fit its columns: the cells found, and why that cannot be read.
fn misfit(fit: RowFit) -> Option<(usize, &'static str)> {
    match fit {
        RowFit::Exact | RowFit::Empty => None,
        RowFit::Short { found } => Some((found, "无法判断缺的是哪一列（没有数据的单元格请填 0）")),
        RowFit::Long { found } => Some((found, "多出的单元格中有内容")),
        RowFit::Ambiguous { found } => {
            Some((found, "两端都有多余的空白单元格，无法判断各数字属于哪一列"))
        }
        RowFit::Stray { .. } => None,
    }
}

/// The figure written in a label column of a row read as [`RowFit::Stray`]: between its label
/// and its first value, the text that is not a cell delimiter or white space.
fn stray(ctx: &TableCtx, row: &Row) -> Option<std::ops::Range<usize>> {
    let from = row.label.last().map_or(row.range.start, |l| l.end);
    let to = row.cells.iter().find(|c| !c.missing)?.range.start;
    let between = ctx.slice(from..to);
    let is_gap = |c: char| c == '|' || c.is_whitespace();
    let start = between.find(|c| !is_gap(c))?;
    let len = between[start..]
        .find(is_gap)
        .unwrap_or(between.len() - start);
    Some(from + start..from + start + len)
}

/// Rows whose cells do not fit the columns, and cells that break their row.
pub fn rows(ctx: &TableCtx, out: &mut Vec<Diagnostic>) {
    let t = ctx.table;
    let spec = t.spec();
    for row in &t.rows {
        let why = misfit(row.fit).map(|(found, explained)| {
            let k = spec.cols_of(row.spec).len();
            format!(
                "{}有 {found} 个单元格，表头有 {k} 列：{explained}",
                spec.row_name(row.spec)
            )
        });
        if let Some(why) = why {
            let mut range = row_range(row);
            if matches!(row.fit, RowFit::Long { .. }) {
                // The cells beyond the columns are in the row's line, not among its cells.
                let line = ctx.slice(row.range.clone());
                let end = row.range.start + line.trim_end_matches(['|', ' ', '\t']).len();
                range.end = range.end.max(end);
            }
            out.push(Diagnostic::new(Code::RowShape, range, why));
        }
        if matches!(row.fit, RowFit::Stray { .. })
            && let Some(at) = stray(ctx, row)
        {
            out.push(Diagnostic::new(
                Code::RowShape,
                at.clone(),
                format!(
                    "「{}」写在{}的标签列中，不在任何数据列，未计入：数字应填在右侧对应的列中（涉及本行的合计与勾稽关系因此不作检查）",
                    ctx.slice(at),
                    spec.row_name(row.spec)
                ),
            ));
        }
        let numbers = row.cells.iter().any(|c| c.value != Value::Blank);
        if numbers && !spec.has_subtotal(row.spec) {
            out.push(Diagnostic::new(
                Code::RowShape,
                row_range(row),
                format!(
                    "「{}」这一行不应有数字：数字应填在它下面的行中（是否缺少了某一行的标签？）",
                    spec.rows[row.spec].label
                ),
            ));
        } else if numbers && row.label.is_empty() && !spec.rows[row.spec].label.is_empty() {
            out.push(Diagnostic::new(
                Code::RowShape,
                row_range(row),
                format!(
                    "此行没有行标签，无法确定它是哪一行（按位置应为「{}」）",
                    spec.rows[row.spec].label
                ),
            ));
        }
        for c in &row.cells {
            if let Value::Malformed { why, meant } = &c.value {
                let mut d = Diagnostic::new(Code::RowShape, c.range.clone(), why.clone());
                if let Some(n) = meant {
                    d = d.with_fix(Fix::unsafe_edit(
                        format!("改为 {n}"),
                        edit::replace(c.range.clone(), &n.to_string()),
                    ));
                }
                out.push(d);
            }
        }
    }
    misplaced(ctx, out);
}

/// The row from its label to its last cell (its label alone when it has no cell).
fn row_range(row: &Row) -> std::ops::Range<usize> {
    let first_cell = row.cells.iter().find(|c| !c.missing).map(|c| c.range.start);
    let start = row
        .label
        .first()
        .map(|l| l.start)
        .or(first_cell)
        .unwrap_or(row.range.start);
    let end = row
        .cells
        .iter()
        .filter(|c| !c.missing)
        .map(|c| c.range.end)
        .max()
        .unwrap_or(row.range.end)
        .max(row.label.last().map_or(start, |l| l.end));
    start..end
}

/// A row out of the standard order.
pub(super) struct Misplaced {
    /// Index into `Table::rows`.
    pub row: usize,
    /// The spec rows of the rows in order before and after it.
    pub before: Option<usize>,
    pub after: Option<usize>,
    /// The one standard row missing where it stands, whose label it probably should have.
    pub stands_for: Option<usize>,
}

/// The rows out of the standard order: those not in a longest run of rows in order (a （六）
/// item among the rows of （五）, a second row of one kind).
pub(super) fn misplaced_rows(t: &Table) -> Vec<Misplaced> {
    let spec = t.spec();
    let order = t.rows_in_order();
    let rows: Vec<usize> = (0..t.rows.len())
        .filter(|&i| spec.rows[t.rows[i].spec].kind == RowKind::Data)
        .collect();
    let keys: Vec<usize> = rows.iter().map(|&i| t.rows[i].spec).collect();
    let mut out = Vec::new();
    for (j, &i) in rows.iter().enumerate() {
        if order[i] {
            continue;
        }
        let before = (0..j).rev().find(|&x| order[rows[x]]).map(|x| keys[x]);
        let after = (j + 1..rows.len())
            .find(|&x| order[rows[x]])
            .map(|x| keys[x]);
        let lo = before.map_or(0, |b| b + 1);
        let hi = after.unwrap_or(spec.rows.len());
        let missing: Vec<usize> = (lo..hi)
            .filter(|&s| spec.rows[s].kind == RowKind::Data && !keys.contains(&s))
            .collect();
        out.push(Misplaced {
            row: i,
            before,
            after,
            stands_for: match missing.as_slice() {
                [one] => Some(*one),
                _ => None,
            },
        });
    }
    out
}

/// Rows out of the standard order. When exactly one standard row is missing where the row
/// stands, the label is probably that row's, mistyped: the fix writes it.
fn misplaced(ctx: &TableCtx, out: &mut Vec<Diagnostic>) {
    let t = ctx.table;
    let spec = t.spec();
    for m in misplaced_rows(t) {
        let row = &t.rows[m.row];
        let own_group = group_of(spec, row.spec);
        let here = m.before.or(m.after).and_then(|s| group_of(spec, s));
        let message = match (own_group, here) {
            (Some(g), Some(h)) if g != h => format!(
                "此行「{}」属于「{}」，不应出现在「{}」之下",
                spec.short_label(row.spec),
                spec.rows[g].label,
                spec.rows[h].label
            ),
            _ if t.rows.iter().filter(|r| r.spec == row.spec).count() > 1 => {
                format!("「{}」行出现了不止一次", spec.short_label(row.spec))
            }
            _ => format!(
                "此行「{}」不在标准位置，应在表中它自己的位置",
                spec.short_label(row.spec)
            ),
        };
        let mut d = Diagnostic::new(Code::RowShape, row_range(row), message);
        if let (Some(expected), [label]) = (m.stands_for, row.label.as_slice()) {
            let standard = spec.rows[expected].label;
            d = d.with_fix(Fix::unsafe_edit(
                format!("改为此处缺少的「{standard}」"),
                edit::replace(label.clone(), standard),
            ));
        }
        out.push(d);
    }
}

/// The group row a row stands under (its parent), if any.
fn group_of(spec: &TableSpec, row: usize) -> Option<usize> {
    spec.rows[row]
        .parent
        .filter(|&p| spec.rows[p].kind == RowKind::Group)
}

#[cfg(test)]
mod tests {
    use crate::model::longest_increasing;

    #[test]
    fn longest_run_in_order() {
        let keep = longest_increasing(&[19, 20, 21, 25, 23]);
        assert_eq!(keep, [true, true, true, false, true]);
        assert!(longest_increasing(&[1, 2, 3]).iter().all(|k| *k));
        assert!(longest_increasing(&[]).is_empty());
    }
}
