//! What an editor shows for a place in a text, as plain data over its [`Document`] with byte
//! ranges: hover text, the outline, folding ranges, completion items and inlay hints. The language
//! server converts these to protocol types; nothing here knows about LSP.

use std::ops::Range;

use crate::diag::Code;
use crate::model::{Document, Report, Table};
use crate::spec::{self, RowKind, SECTIONS, TableId};
use crate::totals;

/// Hover content (Markdown) and the range it describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Hover {
    pub range: Range<usize>,
    pub markdown: String,
}

fn within(r: &Range<usize>, at: usize) -> bool {
    r.start <= at && at <= r.end
}

/// The report and the table holding byte `at`.
pub fn table_at(doc: &Document, at: usize) -> Option<(&Report, &Table)> {
    let r = doc.report_at(at);
    r.table_at(at).map(|t| (r, t))
}

fn row_words(t: &Table, spec_row: usize) -> String {
    let path = t.spec().row_path(spec_row);
    if path.is_empty() {
        t.spec().short_name.to_string()
    } else {
        path.join(" › ")
    }
}

/// A label's standing: standard (nothing more to say), or what it should be and why.
fn label_rule(standard: &str, written: &str, is_standard: bool) -> String {
    if is_standard {
        return "标准标签。".to_string();
    }
    format!(
        "此处写作「{}」，标准标签为 `{standard}`。\n\n规则 `{}`：{}（已忽略全角半角、空格和编号标点的差别）",
        written.trim(),
        Code::RowLabel.as_str(),
        Code::RowLabel.summary()
    )
}

/// What to show when hovering byte `at`: a cell's row and column path (and, on a 总计 cell, the
/// computed sum with its parts), or a label's standard form and rule, or a section title's.
pub fn hover(doc: &Document, text: &str, at: usize) -> Option<Hover> {
    let report = doc.report_at(at);
    if let Some(t) = report.table_at(at)
        && let Some(h) = hover_in_table(t, text, at)
    {
        return Some(h);
    }
    let s = report.sections.iter().find(|s| within(&s.line, at))?;
    let standard = SECTIONS[s.index].title;
    let md = if s.is_standard {
        format!("第{}部分 · 标准标题。", SECTIONS[s.index].numeral)
    } else {
        format!(
            "第{}部分 · 此处写作「{}」，标准标题为 `{standard}`。\n\n规则 `{}`：{}",
            SECTIONS[s.index].numeral,
            s.title_text,
            Code::SectionTitle.as_str(),
            Code::SectionTitle.summary()
        )
    };
    Some(Hover {
        range: s.title_range.clone(),
        markdown: md,
    })
}

fn hover_in_table(t: &Table, text: &str, at: usize) -> Option<Hover> {
    let spec = t.spec();
    for (ri, row) in t.rows.iter().enumerate() {
        if !within(&row.range, at) && !row.label.iter().any(|l| within(l, at)) {
            continue;
        }
        for c in &row.cells {
            let hit = within(&c.range, at) || (c.span.start <= at && at < c.span.end);
            if !hit {
                continue;
            }
            let cols = spec.cols_of(row.spec);
            let col = cols.get(c.col)?;
            let mut md = format!(
                "{}\n\n**{} × {}**",
                spec.name,
                row_words(t, row.spec),
                spec::col_path(col)
            );
            if let Some(tc) = totals::at(t, ri, c.col) {
                let rule = spec::relation(tc.relation).map_or("", |r| r.words);
                md.push_str(&format!(
                    "\n\n计算值：**{}**（{}）",
                    tc.target,
                    tc.parts_in_words()
                ));
                if !tc.is_wrong() {
                    match tc.actual {
                        Some(_) => md.push_str("\n\n表中数值与计算值一致。"),
                        None => md.push_str("\n\n此格与各分项都未填写。"),
                    }
                } else {
                    match tc.actual {
                        Some(a) => {
                            md.push_str(&format!("\n\n表中为 {a}，与计算值不符（{rule}）。"))
                        }
                        None => {
                            md.push_str(&format!("\n\n此格为空，应填 {}（{rule}）。", tc.target))
                        }
                    }
                }
            }
            let range = if c.range.is_empty() {
                c.span.clone()
            } else {
                c.range.clone()
            };
            return Some(Hover {
                range,
                markdown: md,
            });
        }
        if let Some(l) = row.label.iter().find(|l| within(l, at)) {
            let std = spec.rows[row.spec].label;
            let mut md = format!("{}\n\n**{}**\n\n", spec.name, row_words(t, row.spec));
            md.push_str(&label_rule(std, &row.label_text, row.is_standard));
            let range = row.label.first().map_or(l.start, |f| f.start)
                ..row.label.last().map_or(l.end, |f| f.end);
            return Some(Hover {
                range,
                markdown: md,
            });
        }
        if let Some(g) = row.groups.iter().find(|g| within(&g.range, at)) {
            let std = spec.rows[g.spec].label;
            let mut md = format!("{}\n\n**{}**\n\n", spec.name, row_words(t, g.spec));
            md.push_str(&label_rule(std, &g.text, g.is_standard));
            return Some(Hover {
                range: g.range.clone(),
                markdown: md,
            });
        }
    }
    let h = t.headers.iter().find(|h| within(&h.range, at))?;
    let mut md = format!("{}\n\n", spec.name);
    md.push_str(&label_rule(
        h.standard_text,
        &text[h.range.clone()],
        h.is_standard,
    ));
    Some(Hover {
        range: h.range.clone(),
        markdown: md,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// One report of a compilation.
    Report,
    Section,
    Table,
}

/// An outline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// Everything the entry covers.
    pub range: Range<usize>,
    /// What to select when the entry is chosen (a title).
    pub selection: Range<usize>,
    pub children: Vec<Symbol>,
}

fn table_symbol(t: &Table) -> Symbol {
    let rows = t
        .rows
        .iter()
        .filter(|r| t.spec().rows[r.spec].kind == RowKind::Data)
        .count();
    Symbol {
        name: t.spec().name.to_string(),
        detail: Some(format!("{rows} 行数据")),
        kind: SymbolKind::Table,
        range: t.range.clone(),
        selection: t.range.start..t.range.start,
        children: Vec::new(),
    }
}

/// The outline: sections with their tables (a table outside every section stands alone); in a
/// compilation, each report with its sections.
pub fn symbols(doc: &Document) -> Vec<Symbol> {
    match &doc.reports[..] {
        [one] => report_symbols(one),
        reports => reports
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (name, selection) = match &r.title {
                    Some(t) => (t.text.clone(), t.range.clone()),
                    None => (format!("第 {} 份报告", i + 1), r.range.start..r.range.start),
                };
                Symbol {
                    name,
                    detail: r.year.map(|y| format!("{y} 年度")),
                    kind: SymbolKind::Report,
                    range: r.range.clone(),
                    selection,
                    children: report_symbols(r),
                }
            })
            .collect(),
    }
}

fn report_symbols(report: &Report) -> Vec<Symbol> {
    let mut out: Vec<Symbol> = Vec::new();
    let mut loose = Vec::new();
    let mut section_syms: Vec<Symbol> = report
        .sections
        .iter()
        .map(|s| Symbol {
            name: s.title_text.clone(),
            detail: (!s.is_standard).then(|| format!("标准标题：{}", SECTIONS[s.index].title)),
            kind: SymbolKind::Section,
            range: s.line.start..s.body.end.max(s.line.end),
            selection: s.title_range.clone(),
            children: Vec::new(),
        })
        .collect();
    for t in &report.tables {
        match report
            .section_at(t.range.start)
            .and_then(|i| section_syms.get_mut(i))
        {
            Some(s) => s.children.push(table_symbol(t)),
            None => loose.push(table_symbol(t)),
        }
    }
    out.append(&mut loose);
    out.append(&mut section_syms);
    out.sort_by_key(|s| s.range.start);
    out
}

/// Foldable regions: every section (heading to the end of its body) and every table, and each
/// report of a compilation, as byte ranges; the server turns them into line ranges and drops those
/// on a single line.
pub fn folding(doc: &Document) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for r in &doc.reports {
        if doc.reports.len() > 1 {
            out.push(r.range.clone());
        }
        out.extend(
            r.sections
                .iter()
                .map(|s| s.line.start..s.body.end.max(s.line.end)),
        );
        out.extend(r.tables.iter().map(|t| t.range.clone()));
    }
    out.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    RowLabel,
    SectionTitle,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub label: String,
    pub detail: String,
    pub kind: CompletionKind,
    /// The text the item replaces (what was typed of the label so far).
    pub replace: Range<usize>,
    /// Sort key: items of the table under the cursor first.
    pub sort: String,
}

/// Completion at byte `at`: the standard row labels of the table the cursor is in (or of the
/// section's table), then the six section titles. The item replaces the current cell's text up to
/// the cursor.
pub fn completion(doc: &Document, text: &str, at: usize) -> Vec<Completion> {
    let at = crate::text::floor_char_boundary(text, at.min(text.len()));
    let report = doc.report_at(at);
    let line_start = crate::text::line_start(text, at);
    let typed = &text[line_start..at];
    let cell_start = typed
        .rfind(['\t', '|'])
        .map_or(line_start, |i| line_start + i + 1);
    let lead = text[cell_start..at].len() - text[cell_start..at].trim_start().len();
    let replace = cell_start + lead..at;

    let table = report.table_at(at).map(|t| t.id).or_else(|| {
        report
            .sections
            .iter()
            .rev()
            .find(|s| s.line.start <= at)
            .and_then(|s| SECTIONS[s.index].table)
    });
    let mut out = Vec::new();
    for (ti, id) in [TableId::T2, TableId::T3].into_iter().enumerate() {
        let spec = id.spec();
        let here = table == Some(id);
        for (ri, r) in spec.rows.iter().enumerate() {
            if r.label.is_empty() {
                continue;
            }
            let path = spec.row_path(ri);
            let detail = if path.len() > 1 {
                format!(
                    "{} · {}",
                    spec.short_name,
                    path[..path.len() - 1].join(" › ")
                )
            } else {
                spec.short_name.to_string()
            };
            out.push(Completion {
                label: r.label.to_string(),
                detail,
                kind: CompletionKind::RowLabel,
                replace: replace.clone(),
                sort: format!("{}{}{:03}", if here { 0 } else { 2 }, ti, ri),
            });
        }
    }
    for (i, s) in SECTIONS.iter().enumerate() {
        out.push(Completion {
            label: s.title.to_string(),
            detail: "部分标题".to_string(),
            kind: CompletionKind::SectionTitle,
            replace: replace.clone(),
            sort: format!("1{i}"),
        });
    }
    out.sort_by(|a, b| a.sort.cmp(&b.sort));
    out
}

/// A computed value shown beside a 总计 cell that differs from it.
#[derive(Debug, Clone, PartialEq)]
pub struct InlayHint {
    /// Where the hint stands (the end of the cell's text).
    pub at: usize,
    pub label: String,
    pub tooltip: String,
}

/// One hint per wrong 总计 cell ([`totals::TotalCell::is_wrong`]) within `range`: 「应为 172」.
pub fn inlay_hints(doc: &Document, range: Range<usize>) -> Vec<InlayHint> {
    let mut out = Vec::new();
    for t in doc
        .reports
        .iter()
        .filter(|r| r.range.start <= range.end && range.start <= r.range.end)
        .flat_map(|r| &r.tables)
        .filter(|t| t.range.start <= range.end && range.start <= t.range.end)
    {
        for tc in totals::wrong(t) {
            let cell = tc.cell(t);
            let at = if cell.range.is_empty() {
                cell.span.start.max(cell.range.start)
            } else {
                cell.range.end
            };
            if !(range.start <= at && at <= range.end) {
                continue;
            }
            let rule = spec::relation(tc.relation).map_or("", |r| r.words);
            out.push(InlayHint {
                at,
                label: format!("应为 {}", tc.target),
                tooltip: format!(
                    "{}应为 {}（{}）。{rule}。",
                    tc.subject(t),
                    tc.target,
                    tc.parts_in_words()
                ),
            });
        }
    }
    out.sort_by_key(|h| h.at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use expect_test::{Expect, expect};

    const DOC: &str = "某局2024年政府信息公开工作年度报告\n\
一、总体情况\n\
正文。\n\
二、政府信息主动公开情况\n\
三、收到和处理政府信息公开申请情况\n\
一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3\n\
二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n\
三、本年度办理结果\t（一）予以公开\t2\t0\t0\t0\t0\t0\t2\n\
\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t0\t0\t0\t0\t0\t0\t0\n\
\t（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\n\
\t\t2.其他法律行政法规禁止公开\t0\t0\t0\t0\t0\t0\t0\n\
\t\t3.危及“三安全一稳定”\t0\t0\t0\t0\t0\t0\t0\n\
\t\t4.保护第三方合法权益\t0\t0\t0\t0\t0\t0\t0\n\
\t\t5.属于三类内部事务信息\t1\t0\t0\t0\t0\t0\t1\n\
\t\t6.属于四类过程性信息\t0\t0\t0\t0\t0\t0\t0\n\
\t\t7.属于行政执法案卷\t0\t0\t0\t0\t0\t0\t0\n\
\t\t8.属于行政查询事项\t0\t0\t0\t0\t0\t0\t0\n\
\t（七）总计\t3\t0\t0\t0\t0\t0\t5\n\
四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\n\
四、政府信息公开行政复议、行政诉讼情况\n\
五、存在的主要问题及改进情况\n\
六、其他需要报告的事项\n";

    fn at(needle: &str, nth: usize) -> usize {
        DOC.match_indices(needle)
            .nth(nth)
            .map(|(i, _)| i)
            .expect("needle")
    }

    fn check_hover(offset: usize, e: Expect) {
        let r = parse(DOC);
        let got = hover(&r, DOC, offset).map(|h| format!("[{}]\n{}", &DOC[h.range], h.markdown));
        e.assert_eq(&got.unwrap_or_else(|| "none".into()));
    }

    #[test]
    fn hover_on_a_cell() {
        // The 1 of 5.属于三类内部事务信息 × 自然人.
        let row = at("5.属于三类内部事务信息", 0);
        check_hover(
            row + "5.属于三类内部事务信息\t".len(),
            expect![[r#"
                [1]
                表三（收到和处理政府信息公开申请情况）

                **三、本年度办理结果 › （三）不予公开 › 5.属于三类内部事务信息 × 申请人情况 › 自然人**"#]],
        );
    }

    #[test]
    fn hover_on_a_total() {
        let row = at("（七）总计", 0);
        let five = row + DOC[row..].find('5').expect("5");
        check_hover(
            five,
            expect![[r#"
                [5]
                表三（收到和处理政府信息公开申请情况）

                **三、本年度办理结果 › （七）总计 × 申请人情况 › 总计**

                计算值：**3**（自然人 3 + 商业企业 0 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0）

                表中为 5，与计算值不符（（七）总计等于各项办理结果之和）。"#]],
        );
    }

    #[test]
    fn hover_on_labels_and_titles() {
        check_hover(
            at("（三）不予公开", 0) + 3,
            expect![[r#"
                [（三）不予公开]
                表三（收到和处理政府信息公开申请情况）

                **三、本年度办理结果 › （三）不予公开**

                标准标签。"#]],
        );
        check_hover(
            at("二、政府信息主动", 0) + 3,
            expect![[r#"
                [二、政府信息主动公开情况]
                第二部分 · 此处写作「二、政府信息主动公开情况」，标准标题为 `二、主动公开政府信息情况`。

                规则 `section-title`：部分标题与标准标题不一致"#]],
        );
        check_hover(at("正文", 0), expect!["none"]);
    }

    #[test]
    fn outline_and_folding() {
        let r = parse(DOC);
        let lines: Vec<String> = symbols(&r)
            .iter()
            .flat_map(|s| {
                let mut v = vec![format!("{:?} {} {:?}", s.kind, s.name, s.detail)];
                v.extend(
                    s.children
                        .iter()
                        .map(|c| format!("  {:?} {} {:?}", c.kind, c.name, c.detail)),
                );
                v
            })
            .collect();
        expect![[r#"
            Section 一、总体情况 None
            Section 二、政府信息主动公开情况 Some("标准标题：二、主动公开政府信息情况")
            Section 三、收到和处理政府信息公开申请情况 None
              Table 表三（收到和处理政府信息公开申请情况） Some("14 行数据")
            Section 四、政府信息公开行政复议、行政诉讼情况 None
            Section 五、存在的主要问题及改进情况 None
            Section 六、其他需要报告的事项 None"#]]
        .assert_eq(&lines.join("\n"));
        let f = folding(&r);
        assert_eq!(f.len(), 7);
        assert!(f.iter().all(|x| x.start <= x.end && x.end <= DOC.len()));
    }

    #[test]
    fn completion_prefers_the_table_under_the_cursor() {
        let r = parse(DOC);
        let offset = at("\t\t8.属于", 0) + 2;
        let items = completion(&r, DOC, offset);
        let first: Vec<String> = items
            .iter()
            .take(4)
            .map(|c| format!("{} | {}", c.label, c.detail))
            .collect();
        expect![[r#"
            一、本年新收政府信息公开申请数量 | 表三
            二、上年结转政府信息公开申请数量 | 表三
            三、本年度办理结果 | 表三
            （一）予以公开 | 表三 · 三、本年度办理结果"#]]
        .assert_eq(&first.join("\n"));
        assert!(items.iter().all(|c| c.replace == (offset..offset)));
        assert!(items.iter().any(|c| c.label == "六、其他需要报告的事项"));
    }

    #[test]
    fn inlay_hint_beside_a_differing_total() {
        let r = parse(DOC);
        let hints: Vec<String> = inlay_hints(&r, 0..DOC.len())
            .iter()
            .map(|h| format!("{} {} | {}", &DOC[h.at - 1..h.at], h.label, h.tooltip))
            .collect();
        expect!["5 应为 3 | 「（七）总计」行的总计应为 3（自然人 3 + 商业企业 0 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0）。（七）总计等于各项办理结果之和。"]
            .assert_eq(&hints.join("\n"));
    }
}
