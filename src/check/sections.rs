//! The six sections and the tables they must hold: `section-order`, `section-title`,
//! `section-missing`, `table-missing`.

use super::ReportCtx;
use crate::diag::{Code, Diagnostic, Fix};
use crate::edit;
use crate::model::Table;
use crate::spec::{SECTIONS, TableId};

/// Sections repeated or out of order, and titles that are a variant of the standard one.
pub fn order_and_titles(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    let mut seen = [false; 6];
    let mut max_seen: Option<usize> = None;
    for s in &ctx.report.sections {
        let standard = SECTIONS[s.index].title;
        if seen[s.index] {
            out.push(Diagnostic::new(
                Code::SectionOrder,
                s.title_range.clone(),
                format!(
                    "第{}部分「{}」重复出现",
                    SECTIONS[s.index].numeral, standard
                ),
            ));
        } else if let Some(m) = max_seen.filter(|&m| m > s.index) {
            out.push(Diagnostic::new(
                Code::SectionOrder,
                s.title_range.clone(),
                format!(
                    "「{}」应在「{}」之前，部分顺序错误",
                    standard, SECTIONS[m].title
                ),
            ));
        }
        seen[s.index] = true;
        max_seen = Some(max_seen.map_or(s.index, |m| m.max(s.index)));
        if !s.is_standard {
            out.push(
                Diagnostic::new(
                    Code::SectionTitle,
                    s.title_range.clone(),
                    format!(
                        "部分标题「{}」不是标准标题，应为「{}」",
                        s.title_text, standard
                    ),
                )
                .with_fix(Fix::safe(
                    format!("改为标准标题「{standard}」"),
                    edit::replace(s.title_range.clone(), standard),
                )),
            );
        }
    }
}

/// Sections absent, each with the fix that inserts its heading where it belongs.
pub fn missing(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    let r = ctx.report;
    for (i, section) in SECTIONS.iter().enumerate() {
        if r.section(i).is_some() {
            continue;
        }
        let standard = section.title;
        let next = r.sections.iter().find(|s| s.index > i);
        let (range, at) = match next {
            Some(n) => (
                n.title_range.clone(),
                edit::line_start(ctx.text(), n.line.start),
            ),
            None => match r.sections.last() {
                Some(l) => (l.title_range.clone(), r.range.end),
                None => (
                    r.title
                        .as_ref()
                        .map_or(r.range.start..r.range.start, |t| t.range.clone()),
                    r.range.end,
                ),
            },
        };
        let place = match next {
            Some(n) => format!("，应在「{}」之前", SECTIONS[n.index].title),
            None => String::new(),
        };
        out.push(
            Diagnostic::new(
                Code::SectionMissing,
                range,
                format!("缺少第{}部分「{}」{}", SECTIONS[i].numeral, standard, place),
            )
            .with_fix(Fix::unsafe_edit(
                format!("插入标题「{standard}」"),
                edit::insert_heading(r, ctx.text(), i, at, ctx.context.ends_text),
            )),
        );
    }
}

/// Sections 二/三/四 without their table, or with a table that has no numbers.
pub fn tables_missing(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    let r = ctx.report;
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
        let mut d = Diagnostic::new(
            Code::TableMissing,
            sec.title_range.clone(),
            format!("「{}」{}：应有{}", sec.title_text, what, id.spec().name),
        );
        if t.is_none() {
            d = d.with_fix(Fix::unsafe_edit(
                format!("插入标准的{}（全部填 0）", id.spec().name),
                edit::insert_table(r, id, sec.body.start),
            ));
        }
        out.push(d);
    }
}
