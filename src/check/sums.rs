//! The arithmetic of a table: `total-mismatch` for every wrong total, `balance-mismatch` for every
//! column of table 三 whose 勾稽关系 fails. What is wrong is decided by [`crate::totals`].

use super::TableCtx;
use crate::diag::{Code, Diagnostic, Fix, Related};
use crate::edit;
use crate::model::Value;
use crate::totals;

/// Related places of a sum: its non-zero parts (the message already names them all), so that one
/// problem stays one or two rows in an editor's problem list.
fn related(parts: &[totals::Part]) -> Vec<Related> {
    parts
        .iter()
        .filter(|p| p.value != 0)
        .filter_map(|p| {
            let range = p.range.clone()?;
            Some(Related::here(range, format!("{} {}", p.name, p.value)))
        })
        .collect()
}

/// Every wrong 总计, with the computed value as a safe fix.
pub fn totals(ctx: &TableCtx, out: &mut Vec<Diagnostic>) {
    let t = ctx.table;
    for tc in totals::wrong_of(t, ctx.targets()) {
        let cell = tc.cell(t);
        let actual = match cell.value {
            Value::Blank => "空白".to_string(),
            _ => ctx.slice(cell.range.clone()).to_string(),
        };
        let title = if cell.value == Value::Blank {
            format!("填入总计 {}", tc.target)
        } else {
            format!("将总计改为 {}", tc.target)
        };
        out.push(
            Diagnostic::new(
                Code::TotalMismatch,
                cell.range.clone(),
                format!(
                    "{}应为 {}（{}），实为 {actual}",
                    tc.subject(t),
                    tc.target,
                    tc.parts_in_words()
                ),
            )
            .with_related(related(tc.parts()))
            .with_fix(
                Fix::safe(title, edit::set_cell(t, cell, tc.target, ctx.context.eol)).preferred(),
            ),
        );
    }
}

/// Every column of table 三 where 一 + 二 ≠ （七）总计 + 四 as printed (a wrong （七）总计 is
/// also reported as such). Which term is wrong cannot be told, so the carry-over that would
/// balance the column is only shown, never applied by fix-all.
pub fn balance(ctx: &TableCtx, out: &mut Vec<Diagnostic>) {
    let t = ctx.table;
    let spec = t.spec();
    for imb in totals::imbalances(t) {
        let words = |ps: &[totals::Part]| {
            ps.iter()
                .map(|p| format!("{} {}", p.name, p.value))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        let col_label = spec.col_sets[0][imb.col].label;
        let mut d = Diagnostic::new(
            Code::BalanceMismatch,
            imb.anchor.clone(),
            format!(
                "「{col_label}」列勾稽关系不成立：{} = {}，而 {} = {}（第一项加第二项之和应等于第三项加第四项之和）",
                words(&imb.lhs),
                imb.lhs_sum,
                words(&imb.rhs),
                imb.rhs_sum
            ),
        )
        .with_related(related(&[imb.lhs.as_slice(), imb.rhs.as_slice()].concat()));
        if let (Some(carry), Some(last)) = (imb.balancing_last(), imb.rhs.last())
            && !ctx.slice(imb.anchor.clone()).is_empty()
        {
            d = d.with_fix(Fix::display_only(
                format!("将「{}」改为 {carry}（如果错的是这一项）", last.name),
                edit::replace(imb.anchor.clone(), &carry.to_string()),
            ));
        }
        out.push(d);
    }
}
