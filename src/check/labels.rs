//! Rows and labels of a table: `row-missing`, `row-label`.

use super::TableCtx;
use crate::diag::{Code, Diagnostic, Fix};
use crate::edit;
use crate::model::Table;
use crate::spec::{self, Edition, RowKind, TableId, t3};

/// Standard rows (and 第二十条 items) absent from the table.
pub fn rows_missing(ctx: &TableCtx, out: &mut Vec<Diagnostic>) {
    let t = ctx.table;
    let spec = t.spec();
    let fmt2019 = t.is_2019_layout();
    let at = crate::totals::row_index(t);
    // A row out of place where exactly this row is missing stands for it (`row-shape` says so).
    let stood_for: Vec<usize> = super::shape::misplaced_rows(t)
        .iter()
        .filter_map(|m| m.stands_for)
        .collect();
    let has = |i: usize| at[i].is_some() || stood_for.contains(&i);
    for (i, rs) in spec.rows.iter().enumerate() {
        let present = match rs.kind {
            RowKind::Data => has(i),
            RowKind::Group | RowKind::Item => {
                has(i) || spec.data_descendants(i).iter().any(|&c| has(c))
            }
        };
        if present || rs.label.is_empty() {
            continue;
        }
        if fmt2019 && (rs.parent == Some(t3::OTHER) && t.id == TableId::T3 || t.id == TableId::T2) {
            continue; // reported once as format-outdated
        }
        if rs.kind == RowKind::Group && t.id == TableId::T3 {
            continue; // its children are reported
        }
        let anchor = t.rows.iter().find(|x| x.spec > i).or(t.rows.last());
        let range = anchor.map_or(t.range.clone(), |x| {
            x.label.first().cloned().unwrap_or(x.range.clone())
        });
        let parent = rs
            .parent
            .map(|p| format!("（{} 之下）", spec.rows[p].label))
            .unwrap_or_default();
        let mut d = Diagnostic::new(
            Code::RowMissing,
            range,
            format!("{}缺少「{}」行{}", spec.name, rs.label, parent),
        );
        if rs.kind != RowKind::Group
            && let Some(e) = edit::insert_row(ctx.text(), t, i, ctx.context.eol)
        {
            d = d.with_fix(Fix::unsafe_edit(
                format!("插入「{}」行（填 0）", rs.label),
                e,
            ));
        }
        out.push(d);
    }
}

/// The separator after a label's Arabic number (`1.` → '.', `1、` → '、'), if it has one.
fn number_separator(label: &str) -> Option<char> {
    let rest = label
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() == label.trim_start().len() {
        return None;
    }
    match rest.chars().next()? {
        '.' | '．' => Some('.'),
        '、' => Some('、'),
        _ => None,
    }
}

/// Rows numbered `1、` in a table whose other rows are numbered `1.` as the format prints them:
/// the numbering is read either way, but a table that mixes the two was not filled in from one
/// template. A table numbered `1、` throughout says nothing.
fn mixed_numbering(t: &Table, out: &mut Vec<Diagnostic>) {
    let spec = t.spec();
    let seps: Vec<Option<char>> = t
        .rows
        .iter()
        .map(|r| number_separator(&r.label_text))
        .collect();
    let dots = seps.iter().filter(|s| **s == Some('.')).count();
    let commas = seps.iter().filter(|s| **s == Some('、')).count();
    if commas == 0 || dots <= commas {
        return;
    }
    for (row, _) in t.rows.iter().zip(&seps).filter(|(r, s)| {
        **s == Some('、') && r.is_standard && number_separator(spec.rows[r.spec].label) == Some('.')
    }) {
        let standard = spec.rows[row.spec].label;
        let (Some(a), Some(b)) = (row.label.first(), row.label.last()) else {
            continue;
        };
        let range = a.start..b.end;
        let mut d = Diagnostic::new(
            Code::RowLabel,
            range.clone(),
            format!(
                "「{standard}」行的编号写作「{n}、」，本表其他各行和标准格式都写作「{n}.」",
                n = standard.split(['.', '．']).next().unwrap_or_default()
            ),
        );
        if row.label.len() == 1 {
            d = d.with_fix(Fix::safe(
                format!("改为「{standard}」"),
                edit::replace(range, standard),
            ));
        }
        out.push(d);
    }
}

/// Whether `written` is exactly a row or column label of the 2021 table 二 while table `t` is read
/// as the 2019 one: the table mixes the editions (or shows no column header to tell), and a fix
/// must not write the 2019 label over a label of the current edition.
fn label_of_2021(t: &Table, written: &str) -> bool {
    if t.id != TableId::T2 || t.edition != Edition::Y2019 {
        return false;
    }
    let n = crate::text::norm(written);
    let nm = spec::T2.norms();
    nm.rows.contains(&n.as_str()) || nm.cols.iter().any(|&(l, _)| l == n)
}

/// The `row-label` of a label of the 2021 table 二 in a table read as the 2019 one: said, with the
/// label of 2019 it stands for, and no fix.
fn mixed_editions(
    range: std::ops::Range<usize>,
    kind: &str,
    written: &str,
    standard: &str,
) -> Diagnostic {
    Diagnostic::new(
        Code::RowLabel,
        range,
        format!(
            "{kind}「{written}」是 2021 年版表二的标签，而本表按 2019 年版读取（2019 年版为「{standard}」）：两版混用，请统一为一版（2021 年度起用 2021 年版）"
        ),
    )
}

/// Row, group and column labels that are not the standard ones.
pub fn row_labels(ctx: &TableCtx, out: &mut Vec<Diagnostic>) {
    let t: &Table = ctx.table;
    mixed_numbering(t, out);
    let spec = t.spec();
    for r in &t.unread {
        out.push(Diagnostic::new(
            Code::RowLabel,
            r.clone(),
            format!(
                "「{}」不是{}的标准行：这一行的数字没有读入，不参与合计与勾稽关系的检查",
                ctx.slice(r.clone()).trim(),
                spec.short_name
            ),
        ));
    }
    for row in &t.rows {
        let standard = spec.rows[row.spec].label;
        // A row without any label is explained by row-shape.
        if !row.is_standard && !standard.is_empty() && !row.label.is_empty() {
            let range = match (row.label.first(), row.label.last()) {
                (Some(a), Some(b)) => a.start..b.end,
                _ => row.range.start..row.range.start,
            };
            let shown = if row.label_text.is_empty() {
                "（空）".to_string()
            } else {
                row.label_text.clone()
            };
            if label_of_2021(t, &row.label_text) {
                out.push(mixed_editions(range, "行标签", &shown, standard));
            } else {
                let mut d = Diagnostic::new(
                    Code::RowLabel,
                    range.clone(),
                    format!("行标签「{shown}」不是标准标签，应为「{standard}」"),
                );
                if row.label.len() == 1 {
                    d = d.with_fix(Fix::safe(
                        format!("改为「{standard}」"),
                        edit::replace(range, standard),
                    ));
                }
                out.push(d);
            }
        }
        for g in row.groups.iter().filter(|g| !g.is_standard) {
            let standard = spec.rows[g.spec].label;
            out.push(
                Diagnostic::new(
                    Code::RowLabel,
                    g.range.clone(),
                    format!("标签「{}」不是标准标签，应为「{standard}」", g.text),
                )
                .with_fix(Fix::safe(
                    format!("改为「{standard}」"),
                    edit::replace(g.range.clone(), standard),
                )),
            );
        }
    }
    for h in t.headers.iter().filter(|h| !h.is_standard) {
        if label_of_2021(t, &h.text) {
            out.push(mixed_editions(
                h.range.clone(),
                "列标签",
                &h.text,
                h.standard_text,
            ));
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::RowLabel,
                h.range.clone(),
                format!(
                    "列标签「{}」不是标准标签，应为「{}」",
                    h.text, h.standard_text
                ),
            )
            .with_fix(Fix::safe(
                format!("改为「{}」", h.standard_text),
                edit::replace(h.range.clone(), h.standard_text),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Code;
    use crate::settings::Settings;

    fn row_labels(text: &str) -> Vec<String> {
        let doc = crate::parse::parse(text);
        crate::check::check(&doc, text, &Settings::default())
            .into_iter()
            .filter(|d| d.code == Code::RowLabel)
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn numbering_mixed_inside_a_table() {
        let seed = crate::test_support::seed("000");
        assert_eq!(row_labels(&seed), Vec::<String>::new());
        // One row numbered 1、 among rows numbered 1.: said once, on that row.
        let one = seed.replacen("1.属于国家秘密", "1、属于国家秘密", 1);
        expect_test::expect![[r#"
            [
                "「1.属于国家秘密」行的编号写作「1、」，本表其他各行和标准格式都写作「1.」",
            ]
        "#]]
        .assert_debug_eq(&row_labels(&one));
        // Every row numbered 1、: one template, nothing to say.
        let all = numbered_with_commas(&seed);
        assert_eq!(row_labels(&all), Vec::<String>::new());
    }

    /// Table 二 read with the 2019 columns (a 2019 column label of 第二十条第（一）项) that also shows
    /// labels of 2021 (the other items' columns, 行政规范性文件): the labels of 2021 are said to mix
    /// the editions, and no fix writes the 2019 label over them.
    #[test]
    fn labels_of_2021_in_a_table_read_as_2019_are_not_rewritten() {
        let text = crate::draft::new_report("某某市某某局", 2020).replace(
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
            "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
        );
        let doc = crate::parse::parse(&text);
        let t2 = doc.reports[0].table(crate::spec::TableId::T2).unwrap();
        assert_eq!(t2.edition, crate::spec::Edition::Y2019);
        let said: Vec<String> = crate::check::check(&doc, &text, &Settings::default())
            .into_iter()
            .filter(|d| d.code == Code::RowLabel)
            .map(|d| format!("{} {:?}", d.message, d.fixes))
            .collect();
        expect_test::expect![[r#"
            [
                "行标签「行政规范性文件」是 2021 年版表二的标签，而本表按 2019 年版读取（2019 年版为「规范性文件」）：两版混用，请统一为一版（2021 年度起用 2021 年版） []",
                "列标签「本年处理决定数量」是 2021 年版表二的标签，而本表按 2019 年版读取（2019 年版为「处理决定数量」）：两版混用，请统一为一版（2021 年度起用 2021 年版） []",
                "列标签「本年处理决定数量」是 2021 年版表二的标签，而本表按 2019 年版读取（2019 年版为「处理决定数量」）：两版混用，请统一为一版（2021 年度起用 2021 年版） []",
            ]
        "#]]
        .assert_debug_eq(&said);
    }

    /// `N.` at the start of a cell → `N、`.
    fn numbered_with_commas(text: &str) -> String {
        text.lines()
            .map(|l| {
                l.split('\t')
                    .map(|c| {
                        let digits =
                            c.len() - c.trim_start_matches(|x: char| x.is_ascii_digit()).len();
                        if digits > 0 && c[digits..].starts_with('.') && c.len() > digits + 1 {
                            format!("{}、{}", &c[..digits], &c[digits + 1..])
                        } else {
                            c.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}
