//! Facts of a report outside its tables' arithmetic: the cited basis (`basis-outdated`), the
//! table layout of the year (`format-outdated`), the 信息处理费 statement (`fee-missing`), the
//! 统计期限 (`period-mismatch`) and 规章 of a 乡镇/街道 (`guizhang-level`).

use super::ReportCtx;
use crate::diag::{Code, Diagnostic, Fix};
use crate::edit;
use crate::model::Value;
use crate::spec::{self, TableId};
use crate::text;

/// Whether the report is for a year of the 2021 format (or has no year).
fn current_format(ctx: &ReportCtx) -> bool {
    ctx.report.year.is_none_or(|y| y >= spec::FORMAT_2021_FROM)
}

/// A 2021+ report citing the 2019 notice as its basis.
pub fn basis(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    let Some(y) = ctx.report.year.filter(|&y| y >= spec::FORMAT_2021_FROM) else {
        return;
    };
    for b in &ctx.report.basis_2019 {
        out.push(Diagnostic::new(
            Code::BasisOutdated,
            b.clone(),
            format!(
                "{y} 年度报告应依据国办公开办函〔2021〕30号，而不是已被取代的国办公开办函〔2019〕60号"
            ),
        ));
    }
}

/// A 2021+ report using the 2019 layout of a table.
pub fn format_outdated(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    let Some(y) = ctx.report.year.filter(|&y| y >= spec::FORMAT_2021_FROM) else {
        return;
    };
    // Once per table, on the first of the 2019 labels; the others are named in the message.
    for t in &ctx.report.tables {
        let Some(first) = t.layout_2019.first() else {
            continue;
        };
        let mut seen: Vec<String> = Vec::new();
        for r in &t.layout_2019 {
            // Markdown emphasis (`**第二十条第（九）项**`) is not part of the words.
            let words = quoted(ctx.slice(r.clone()).trim().trim_matches('*').trim());
            if words != "「」" && !seen.contains(&words) {
                seen.push(words);
            }
        }
        let name = t.spec().name;
        let labels = some_of(&seen, "", "项");
        let mut message = match (t.id, t.edition) {
            (TableId::T3, _) => format!(
                "{y} 年度报告应使用 2021 年版{name}格式，这里是 2019 年版的格式：（六）其他处理只有一行，没有 2021 年版的三个子项"
            ),
            // Table 二 with the 2021 columns and rows of 2019 among them.
            (_, spec::Edition::Y2021) => format!(
                "{y} 年度报告应使用 2021 年版{name}格式：本表是 2021 年版的格式，但还有 2019 年版才有的{labels}，2021 年版已删去"
            ),
            _ => format!(
                "{y} 年度报告应使用 2021 年版{name}格式，这里是 2019 年版的格式：有 2019 年版的{labels}"
            ),
        };
        let eol = ctx.context.eol;
        let mut related = Vec::new();
        let fix = match t.id {
            TableId::T2 => edit::t2_in_2021_layout(ctx.text(), t, eol).map(|rw| {
                message.push_str(&t2_dropped(&rw));
                related = t2_dropped_places(&rw);
                Fix::unsafe_edit(t2_fix_title(&rw), rw.edit)
            }),
            TableId::T3 => edit::t3_other_in_2021_layout(ctx.text(), t, eol)
                .map(|e| Fix::unsafe_edit(t3_fix_title(), e)),
            TableId::T4 => None,
        };
        let mut d = Diagnostic::new(Code::FormatOutdated, first.clone(), message);
        if let Some(f) = fix {
            d = d.with_fix(f);
        }
        if !related.is_empty() {
            d = d.with_related(related);
        }
        out.push(d);
    }
}

/// How many labels or figures a `format-outdated` message names at most: the others are counted
/// (and each figure is at its own place in the related information), so that the message stays
/// short however many the table has.
const NAMED: usize = 3;
/// The most characters of a label or figure quoted from the text.
const QUOTED_CHARS: usize = 16;

/// Text of the document in 「」, cut to [`QUOTED_CHARS`] characters.
fn quoted(s: &str) -> String {
    let mut out: String = s.chars().take(QUOTED_CHARS).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    format!("「{out}」")
}

/// The first [`NAMED`] items joined by `sep`, then 「等 N 项」 (N counting all) when there are more.
fn some_of(items: &[String], sep: &str, unit: &str) -> String {
    let mut out = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(sep);
    if items.len() > NAMED {
        out.push_str(&format!("等 {} {unit}", items.len()));
    }
    out
}

/// The title of the fix that writes table 三's single-row （六）其他处理 as its three rows.
fn t3_fix_title() -> String {
    let s = &spec::T3;
    let kids: Vec<usize> = s.children(spec::t3::OTHER).collect();
    let num = |i: usize| {
        text::split_numbering(s.rows[i].label)
            .0
            .trim_end_matches('.')
    };
    let last = kids.last().map_or("", |&k| s.rows[k].label);
    let zeros: Vec<&str> = kids[..kids.len().saturating_sub(1)]
        .iter()
        .map(|&k| num(k))
        .collect();
    format!(
        "改写为 2021 年版表三：{}分为 {} 个子项，原有数字填入「{last}」，第 {} 项填 0",
        s.rows[spec::t3::OTHER].label,
        kids.len(),
        zeros.join("、"),
    )
}

/// The title of the fix that writes a 2019 table 二 in the 2021 layout: which figures it carries
/// and what it writes where none does.
fn t2_fix_title(rw: &edit::T2Rewrite) -> String {
    let mut moves: Vec<String> = Vec::new();
    for &((r, c), (r21, c21)) in spec::T2_FROM_2019 {
        let m = format!(
            "{}填入{}",
            spec::T2_2019.cols_of(r)[c].label,
            spec::T2.cols_of(r21)[c21].label
        );
        if !moves.contains(&m) {
            moves.push(m);
        }
    }
    let rest = if rw.blanks {
        "其余单元格留空待填"
    } else {
        "其余单元格填 0，请按实际改写"
    };
    format!("改写为 2021 年版表二：{}，{rest}", moves.join("，"))
}

/// A 2019 figure that a rewrite of table 二 leaves out, in words: 上一年项目数量 396 (its column
/// when the row's cells can be told apart), the figure cut to [`QUOTED_CHARS`] characters.
fn dropped_figure(d: &edit::Dropped) -> String {
    let q = quoted(&d.text);
    let figure = &q['「'.len_utf8()..q.len() - '」'.len_utf8()];
    match d.col {
        Some(c) => format!("{} {figure}", spec::T2_2019.cols_of(d.row)[c].label),
        None => figure.to_string(),
    }
}

/// The 2019 figures a rewrite of table 二 leaves out, for the message: the first [`NAMED`] by
/// row, 「行政许可」上一年项目数量 396、本年增/减 442；…, then how many there are in all.
fn t2_dropped(rw: &edit::T2Rewrite) -> String {
    if rw.dropped.is_empty() {
        return if rw.dropped_zeros {
            "；2021 年版没有对应单元格的数字均为 0".to_string()
        } else {
            String::new()
        };
    }
    let old = &spec::T2_2019;
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for d in rw.dropped.iter().take(NAMED) {
        let item = dropped_figure(d);
        match rows.iter_mut().find(|(r, _)| *r == d.row) {
            Some((_, v)) => v.push(item),
            None => rows.push((d.row, vec![item])),
        }
    }
    let list: Vec<String> = rows
        .iter()
        .map(|(r, v)| format!("{}{}", old.row_name(*r), v.join("、")))
        .collect();
    let more = if rw.dropped.len() > NAMED {
        format!(" 等 {} 个", rw.dropped.len())
    } else {
        String::new()
    };
    let zeros = if rw.dropped_zeros {
        "（其余为 0）"
    } else {
        ""
    };
    format!(
        "；2021 年版没有对应单元格、改写时不带入的数字：{}{more}{zeros}",
        list.join("；")
    )
}

/// Each 2019 figure a rewrite of table 二 leaves out, at its place.
fn t2_dropped_places(rw: &edit::T2Rewrite) -> Vec<crate::diag::Related> {
    rw.dropped
        .iter()
        .map(|d| {
            crate::diag::Related::here(
                d.range.clone(),
                format!(
                    "改写为 2021 年版时不带入：{}{}",
                    spec::T2_2019.row_name(d.row),
                    dropped_figure(d)
                ),
            )
        })
        .collect()
}

/// A 2021+ report whose section 六 does not state the 信息处理费.
pub fn fee(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    if !current_format(ctx) {
        return;
    }
    let Some(s6) = ctx.report.section(5) else {
        return;
    };
    let body = ctx.slice(s6.body.clone());
    if !spec::FEE_WORDS.iter().any(|w| body.contains(w)) {
        out.push(Diagnostic::new(
            Code::FeeMissing,
            s6.title_range.clone(),
            "第六部分未说明信息处理费收取情况（如「本年度未收取信息处理费」），2021 年起为必报内容",
        ));
    }
}

/// No 统计期限, or one that is not the report's year.
pub fn period(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    let r = ctx.report;
    match (&r.period, r.year) {
        (None, y) => {
            let y = y.map_or("YYYY".to_string(), |y| y.to_string());
            let anchor = r
                .title
                .as_ref()
                .map_or(r.range.start..r.range.start, |t| t.range.clone());
            out.push(Diagnostic::new(
                Code::PeriodMismatch,
                anchor,
                format!(
                    "未写明统计期限（如「本报告所列数据的统计期限为{y}年1月1日至{y}年12月31日」）"
                ),
            ));
        }
        (Some(p), Some(y))
            if (p.start_year.is_some_and(|s| s != y) || p.end_year.is_some_and(|e| e != y)) =>
        {
            out.push(Diagnostic::new(
                Code::PeriodMismatch,
                p.range.clone(),
                format!("统计期限应为报告年度 {y} 年1月1日至12月31日"),
            ));
        }
        _ => {}
    }
}

/// A 乡镇 or 街道, which cannot make 规章, reporting 规章 in table 二.
pub fn guizhang(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    let r = ctx.report;
    let (Some(org), Some(t2)) = (&r.org, r.table(TableId::T2)) else {
        return;
    };
    if !spec::is_township(org) {
        return;
    }
    let Some(row) = t2.row(spec::t2::GUIZHANG) else {
        return;
    };
    for c in &row.cells {
        if let Value::Count(n) = c.value
            && n > 0
        {
            out.push(Diagnostic::new(
                Code::GuizhangLevel,
                c.range.clone(),
                format!("「{org}」是乡镇（街道），不能制定规章，规章数应为 0，实为 {n}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::{Applicability, Code};
    use crate::settings::Settings;
    use crate::spec::{self, TableId};

    /// `format-outdated` of 平潭综合实验区's 2020 report dated 2021: its message and its fix.
    #[test]
    fn outdated_tables_say_what_their_fix_does() {
        let (_, text) = crate::test_support::corpus()
            .into_iter()
            .find(|(n, _)| n.starts_with("207_"))
            .unwrap();
        let text = text.replace("2020年", "2021年");
        let doc = crate::parse::parse(&text);
        let shown: Vec<String> = crate::check::check(&doc, &text, &Settings::default())
            .into_iter()
            .filter(|d| d.code == Code::FormatOutdated)
            .map(|d| {
                let f = &d.fixes[0];
                assert_eq!(f.applicability, Applicability::Unsafe);
                format!("{}\n  => {}", d.message, f.title)
            })
            .collect();
        expect_test::expect![[r#"
            [
                "2021 年度报告应使用 2021 年版表二（主动公开政府信息情况）格式，这里是 2019 年版的格式：有 2019 年版的「对外公开总数量」「上一年项目数量」「本年增/减」等 9 项；2021 年版没有对应单元格、改写时不带入的数字：「规章」对外公开总数量 7；「规范性文件」本年新公开数量 77、对外公开总数量 166 等 16 个（其余为 0）\n  => 改写为 2021 年版表二：本年新制作数量填入本年制发件数，处理决定数量填入本年处理决定数量，其余单元格留空待填",
                "2021 年度报告应使用 2021 年版表三（收到和处理政府信息公开申请情况）格式，这里是 2019 年版的格式：（六）其他处理只有一行，没有 2021 年版的三个子项\n  => 改写为 2021 年版表三：（六）其他处理分为 3 个子项，原有数字填入「3.其他」，第 1、2 项填 0",
            ]
        "#]]
        .assert_debug_eq(&shown);
    }

    /// Table 二 of 2019 in Markdown, every figure written `{x}`.
    const T2_2019_MD: &str = "**第二十条第（一）项**

| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |
|---|---|---|---|
| 规章 | {x} | {x} | {x} |
| 规范性文件 | {x} | {x} | {x} |

**第二十条第（五）项**

| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
|---|---|---|---|
| 行政许可 | {x} | {x} | {x} |
| 其他对外管理服务事项 | {x} | {x} | {x} |

**第二十条第（六）项**

| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
|---|---|---|---|
| 行政处罚 | {x} | {x} | {x} |
| 行政强制 | {x} | {x} | {x} |

**第二十条第（八）项**

| 信息内容 | 上一年项目数量 | 本年增/减 |
|---|---|---|
| 行政事业性收费 | {x} | {x} |

**第二十条第（九）项**

| 信息内容 | 采购项目数量 | 采购总金额 |
|---|---|---|
| 政府集中采购 | {x} | {x} |
";

    /// However many 2019 labels and figures table 二 holds, and however long its cells, the
    /// message names a few and counts the rest: it is short by construction (the command line
    /// cuts a message at 400 characters), and every figure left out is named at its place.
    #[test]
    fn the_message_stays_short_however_much_the_table_holds() {
        let draft = crate::draft::new_report("某某市某某局", 2023);
        let start = draft.find("**第二十条第（一）项**").unwrap();
        let end = draft.find("## 三、").unwrap();
        for x in ["7", "123456789012345678901234567890123456789"] {
            let text = format!(
                "{}{}\n{}",
                &draft[..start],
                T2_2019_MD.replace("{x}", x),
                &draft[end..]
            );
            let doc = crate::parse::parse(&text);
            assert_eq!(
                doc.reports[0].table(TableId::T2).unwrap().edition,
                spec::Edition::Y2019
            );
            let d = crate::check::check(&doc, &text, &Settings::default())
                .into_iter()
                .find(|d| d.code == Code::FormatOutdated)
                .unwrap();
            let chars = d.message.chars().count();
            assert!(chars <= 300, "{chars}: {}", d.message);
            assert!(d.message.contains("」等 11 项"), "{}", d.message);
            // 22 figures, 5 carried into the 2021 table.
            assert!(d.message.contains(" 等 17 个"), "{}", d.message);
            assert_eq!(d.related.len(), 17);
            assert!(d.related.iter().all(|r| r.message.chars().count() <= 60));
        }
    }
}
