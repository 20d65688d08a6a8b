//! The values in a table's cells: `value-invalid` for a cell that is not a number of the right
//! kind, `cell-blank` once per row for the cells left blank.

use super::TableCtx;
use crate::diag::{Code, Diagnostic, Edit, Fix};
use crate::edit;
use crate::model::{Row, Table, Value};
use crate::totals::TotalCell;

/// Cells that are not numbers of the right kind, and the blank cells of each row. A blank total
/// whose parts are filled is not a blank cell but a wrong total (`total-mismatch`, with the
/// computed fill-in); the cells of a row that cannot be read as written are explained by
/// `row-shape` instead.
pub fn values(ctx: &TableCtx, out: &mut Vec<Diagnostic>) {
    let t = ctx.table;
    let spec = t.spec();
    let totals = ctx.targets();
    let table_fill = fill_blanks(ctx, totals, None);
    for (ri, row) in t.rows.iter().enumerate() {
        for c in &row.cells {
            if let Value::Invalid(why) = &c.value {
                let place = cell_place(t, row, c.col);
                out.push(Diagnostic::new(
                    Code::ValueInvalid,
                    c.range.clone(),
                    format!("{place}：{why}"),
                ));
            }
        }
        if !row.fit.is_certain() {
            continue;
        }
        let blanks: Vec<&crate::model::Cell> = row
            .cells
            .iter()
            .filter(|c| c.value == Value::Blank)
            .filter(|c| {
                !totals
                    .iter()
                    .any(|tc| tc.row == ri && tc.col == c.col && tc.is_wrong())
            })
            .collect();
        let Some(first) = blanks.first() else {
            continue;
        };
        let cols: Vec<String> = blanks
            .iter()
            .map(|c| spec.col_name(row.spec, c.col))
            .collect();
        let whole_row = blanks.len() == row.cells.len();
        let message = if blanks.iter().all(|c| c.missing) && whole_row {
            format!(
                "{}没有填写任何数字（{} 列都为空，计算时按 0）",
                row_place(t, row),
                blanks.len()
            )
        } else {
            format!(
                "{}「{}」为空，应填数字（没有数据时填 0）",
                row_place(t, row),
                cols.join("、")
            )
        };
        let range = if blanks.iter().all(|c| c.missing) {
            row.label.first().map_or(row.range.clone(), |l| {
                l.start..row.label.last().map_or(l.end, |e| e.end)
            })
        } else {
            let last = blanks.iter().rev().find(|c| !c.missing).unwrap_or(first);
            first.range.start..last.range.end
        };
        let mut d = Diagnostic::new(Code::CellBlank, range, message);
        if let Some(edits) = fill_blanks(ctx, totals, Some(ri)) {
            d = d.with_fix(Fix::unsafe_edits(
                format!("本行空白单元格填 0（{} 处）", edits.len()),
                edits,
            ));
        }
        if let Some(edits) = &table_fill {
            d = d.with_fix(Fix::unsafe_edits(
                format!("本表空白单元格全部填 0（{} 处）", edits.len()),
                edits.clone(),
            ));
        }
        out.push(d);
    }
}

/// The edits that write 0 into the blank cells of row `only` (or of every row), where that is
/// harmless: a row whose cells cannot be read as written, a blank total whose parts are filled
/// (it gets its computed value instead) and a row with a filled total over blank parts (0 would
/// make it wrong) are left alone. `None` when there is nothing to fill.
fn fill_blanks(ctx: &TableCtx, totals: &[TotalCell], only: Option<usize>) -> Option<Vec<Edit>> {
    let t = ctx.table;
    let mut edits = Vec::new();
    for (ri, row) in t.rows.iter().enumerate() {
        if only.is_some_and(|o| o != ri) || !row.fit.is_certain() {
            continue;
        }
        let left_wrong = totals
            .iter()
            .any(|tc| tc.row == ri && tc.actual.is_some() && tc.actual != Some(tc.target));
        if left_wrong {
            continue;
        }
        for c in row.cells.iter().filter(|c| c.value == Value::Blank) {
            if totals
                .iter()
                .any(|tc| tc.row == ri && tc.col == c.col && tc.is_wrong())
            {
                continue;
            }
            edits.push(edit::set_cell(t, c, 0, ctx.context.eol));
        }
    }
    (!edits.is_empty()).then_some(edits)
}

/// A row in words: 「（一）予以公开」行, or 表四.
fn row_place(t: &Table, row: &Row) -> String {
    let spec = t.spec();
    match spec.rows[row.spec].label {
        "" => spec.short_name.to_string(),
        _ => format!("{}行", spec.row_name(row.spec)),
    }
}

/// A cell in words: 「（一）予以公开」「自然人」列, or 表四「行政复议·结果维持」.
fn cell_place(t: &Table, row: &Row, col: usize) -> String {
    let spec = t.spec();
    match spec.rows[row.spec].label {
        "" => format!("{}「{}」", spec.short_name, spec.col_name(row.spec, col)),
        _ => format!(
            "{}「{}」列",
            spec.row_name(row.spec),
            spec.col_name(row.spec, col)
        ),
    }
}
