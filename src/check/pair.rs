//! This year against last year's report of the same body (`prior-year-mismatch`): 二、上年结转
//! must be last year's 四、结转下年度继续办理, column by column; 现行有效件数 should be last year's
//! plus this year's 制发 minus 废止 (information only: a 清理 can explain the difference).

use super::PairCtx;
use crate::diag::{Code, Diagnostic, Edit, Fix, Related, Severity};
use crate::prior::Figure;
use crate::spec::{T2, T3, t3};

/// 二、上年结转 of this year = 四、结转下年度继续办理 of last year (T3-XYEAR), per column. The
/// draft is the side to correct (last year's report is published), so the fix writes last year's
/// number, but only when the user picks it.
pub fn carried(ctx: &PairCtx, out: &mut Vec<Diagnostic>) {
    let last = &ctx.prior.figures;
    let year = last.year.unwrap_or_default();
    for (col, (now, then)) in ctx
        .figures
        .carried_in
        .iter()
        .zip(&last.carry_next)
        .enumerate()
    {
        let (Some(now), Some(then)) = (now, then) else {
            continue;
        };
        if now.value == then.value {
            continue;
        }
        let column = T3.col_name(t3::CARRIED, col);
        out.push(
            Diagnostic::new(
                Code::PriorYearMismatch,
                now.range.clone(),
                format!(
                    "{}「{column}」列为 {}，而上一年度（{year}年）报告{}该列为 {}：上年结转应等于上一年度结转下年度继续办理的数量",
                    T3.row_name(t3::CARRIED),
                    now.value,
                    T3.row_name(t3::CARRY_NEXT),
                    then.value
                ),
            )
            .with_related(vec![ctx.related(
                then,
                format!(
                    "上一年度（{year}年）报告{}「{column}」列：{}",
                    T3.row_name(t3::CARRY_NEXT),
                    then.value
                ),
            )])
            .with_fix(Fix::unsafe_edit(
                format!("改为上年结转下年度的 {}", then.value),
                Edit::replace(now.range.clone(), then.value.to_string()),
            )),
        );
    }
}

/// 现行有效件数 = last year's 现行有效件数 + 本年制发件数 − 本年废止件数, for 规章 and
/// 行政规范性文件, when both years' table 二 use the 2021 layout.
pub fn in_force(ctx: &PairCtx, out: &mut Vec<Diagnostic>) {
    let last = &ctx.prior.figures;
    let year = last.year.unwrap_or_default();
    for now in &ctx.figures.documents {
        let Some(then) = last.documents.iter().find(|d| d.row == now.row) else {
            continue;
        };
        let (Some(f), Some(i), Some(r), Some(before)) =
            (&now.in_force, &now.issued, &now.repealed, &then.in_force)
        else {
            continue;
        };
        let expected = before.value + i.value - r.value;
        if f.value == expected || expected < 0 {
            continue;
        }
        let kind = T2.rows[now.row].label;
        let mut d = Diagnostic::new(
            Code::PriorYearMismatch,
            f.range.clone(),
            format!(
                "{kind}现行有效件数为 {}；上一年度（{year}年）报告为 {} 件，加本年制发 {} 件、减本年废止 {} 件应为 {expected}（如有清理、失效等原因，可不理会）",
                f.value, before.value, i.value, r.value
            ),
        )
        .with_related(vec![ctx.related(
            before,
            format!("上一年度（{year}年）报告{kind}现行有效件数：{}", before.value),
        )]);
        d.severity = Severity::Information;
        out.push(d);
    }
}

impl PairCtx<'_> {
    /// A place in last year's report.
    fn related(&self, at: &Figure, message: String) -> Related {
        match self.prior.file {
            Some(file) => Related::in_file(file, at.range.clone(), message),
            None => Related::here(at.range.clone(), message),
        }
    }
}
