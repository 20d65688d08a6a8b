//! The values in a table's cells: `value-invalid`, `cell-blank`.

use super::TableCtx;
use crate::diag::{Code, Diagnostic, Fix};
use crate::edit;
use crate::model::Value;
use crate::spec::TableId;
use crate::totals::{self, Detail};

/// Cells that are not numbers of the right kind, and blank cells. A blank total whose parts are
/// filled is not a blank cell but a wrong total (`total-mismatch`, with the computed fill-in).
pub fn values(ctx: &TableCtx, out: &mut Vec<Diagnostic>) {
    let t = ctx.table;
    let spec = t.spec();
    let mut wrong_blanks: Option<Vec<(usize, usize)>> = None;
    for (ri, row) in t.rows.iter().enumerate() {
        for c in &row.cells {
            if !matches!(c.value, Value::Invalid(_) | Value::Blank) {
                continue;
            }
            let place = if t.id == TableId::T4 {
                format!("{}「{}」", spec.short_name, spec.col_name(row.spec, c.col))
            } else {
                format!(
                    "{}「{}」列",
                    spec.row_name(row.spec),
                    spec.col_name(row.spec, c.col)
                )
            };
            match &c.value {
                Value::Invalid(why) => out.push(Diagnostic::new(
                    Code::ValueInvalid,
                    c.range.clone(),
                    format!("{place}：{why}"),
                )),
                Value::Blank => {
                    let wrong = wrong_blanks.get_or_insert_with(|| {
                        totals::compute(t, Detail::Targets)
                            .into_iter()
                            .filter(|tc| tc.actual.is_none() && tc.is_wrong())
                            .map(|tc| (tc.row, tc.col))
                            .collect()
                    });
                    if wrong.contains(&(ri, c.col)) {
                        continue;
                    }
                    let msg = if c.missing {
                        format!("{place}缺少单元格（按 0 计算）")
                    } else {
                        format!("{place}为空，应填数字（没有数据时填 0）")
                    };
                    let mut d = Diagnostic::new(Code::CellBlank, c.range.clone(), msg);
                    if !c.missing {
                        d = d.with_fix(Fix::unsafe_edit(
                            "填入 0",
                            edit::replace(c.range.clone(), "0"),
                        ));
                    }
                    out.push(d);
                }
                _ => {}
            }
        }
    }
}
