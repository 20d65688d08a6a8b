//! What an editor shows for a place in a text, as plain data over its [`Document`] with byte
//! ranges: hover text, the outline, folding ranges, completion items and inlay hints. The language
//! server converts these to protocol types; nothing here knows about LSP.

use std::ops::Range;

use crate::diag::Code;
use crate::model::{Document, Report, Table};
use crate::prior::Figures;
use crate::spec::{self, RowKind, SECTIONS, T3, TableId, t3};
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

/// Last year's report of the hovered report's body, for the hover of its 二、上年结转 cells.
#[derive(Debug, Clone, Copy)]
pub struct PriorHover<'a> {
    pub figures: &'a Figures,
    /// Where it is, for people (a file name).
    pub file: &'a str,
}

/// What to show when hovering byte `at`: a cell's row and column path (and, on a 总计 cell, the
/// computed sum with its parts), or a label's standard form and rule, or a section title's.
pub fn hover(doc: &Document, text: &str, at: usize) -> Option<Hover> {
    hover_with(doc, text, at, None)
}

/// [`hover`], with last year's report of the report under `at` (a cell of 二、上年结转 then also
/// shows last year's 四、结转下年度继续办理 of its column).
pub fn hover_with(
    doc: &Document,
    text: &str,
    at: usize,
    prior: Option<&PriorHover>,
) -> Option<Hover> {
    let report = doc.report_at(at);
    if let Some(t) = report.table_at(at)
        && let Some(h) = hover_in_table(t, text, at, prior)
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

fn hover_in_table(t: &Table, text: &str, at: usize, prior: Option<&PriorHover>) -> Option<Hover> {
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
            if t.id == TableId::T3
                && row.spec == t3::CARRIED
                && let Some(p) = prior
            {
                md.push_str(&prior_line(p, c.col));
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

/// Last year's 四、结转下年度继续办理 of column `col`, which this year's 上年结转 must equal.
fn prior_line(p: &PriorHover, col: usize) -> String {
    let year = p
        .figures
        .year
        .map_or_else(String::new, |y| format!("（{y}年）"));
    let row = T3.row_name(t3::CARRY_NEXT);
    match p.figures.carry_next.get(col).and_then(Option::as_ref) {
        Some(f) => format!("\n\n上一年度{year}报告{row}该列：{}（{}）", f.value, p.file),
        None => format!(
            "\n\n上一年度{year}报告{row}该列没有可读的数字（{}）",
            p.file
        ),
    }
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
                // Named by the body that reports (the title of a compilation's report often
                // leaves it on the line above), with its year.
                let selection = r
                    .title
                    .as_ref()
                    .map_or(r.range.start..r.range.start, |t| t.range.clone());
                let name = match (&r.org, r.year, &r.title) {
                    (Some(org), Some(y), _) => format!("{org} {y} 年度报告"),
                    (Some(org), None, _) => org.clone(),
                    (None, _, Some(t)) => t.text.clone(),
                    (None, _, None) => format!("第 {} 份报告", i + 1),
                };
                Symbol {
                    name,
                    detail: r.title.as_ref().map(|t| t.text.clone()),
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
    /// What the client filters on: the text typed, which the item already matches (by
    /// substring, anywhere in the label), so that the client keeps what was chosen here.
    pub filter: String,
    /// Sort key: what is missing first, then in the standard order.
    pub sort: String,
}

/// The longest text typed at the start of a line outside a table that is still taken as the
/// start of a title or a label rather than prose.
const MAX_TYPED: usize = 12;

/// Completion at byte `at`, by where the cursor is:
/// - on a Markdown heading line (`## 五`): the six section titles containing what was typed
///   after `## `, which stays; the sections the report lacks first;
/// - in a label cell of a table: the labels of that table's rows for that column (in table 三,
///   the first label column holds 一、…四、, the second （一）…（七）, the third 1. 2. …) containing
///   what was typed in the cell; the rows the table lacks first. Nothing in a number cell;
/// - at the start of a short line of a section whose table is not written yet: that table's
///   labels; of any other short line: the section titles;
/// - elsewhere (prose): nothing.
pub fn completion(doc: &Document, text: &str, at: usize) -> Vec<Completion> {
    let at = crate::text::floor_char_boundary(text, at.min(text.len()));
    let report = doc.report_at(at);
    let line_start = crate::text::line_start(text, at);
    let before = &text[line_start..at];
    let lead = before.len() - before.trim_start().len();
    // A Markdown heading: the titles, after the `#`s.
    if before[lead..].starts_with('#') {
        let hashes = before[lead..].len() - before[lead..].trim_start_matches('#').len();
        let after = &before[lead + hashes..];
        let gap = after.len() - after.trim_start().len();
        let from = line_start + lead + hashes + gap;
        return section_titles(report, text, from..at);
    }
    let in_table = report.table_at(at);
    let delimited = before.contains(['|', '\t']);
    if in_table.is_some() || delimited {
        // The cell under the cursor and the cells before it on the line.
        let cell_start = before.rfind(['\t', '|']).map_or(0, |i| i + 1);
        let cells_before: Vec<&str> = before[..cell_start.saturating_sub(1)]
            .split(['\t', '|'])
            .collect();
        let markdown = before.trim_start().starts_with('|');
        // The label column the cursor is in (0 for the first), unless a number comes before it.
        let column = if before.rfind(['\t', '|']).is_none() {
            0
        } else {
            let mut c = cells_before.len();
            if markdown {
                c = c.saturating_sub(1); // the text before the leading pipe
            }
            c
        };
        // The whole cell under the cursor, and the cells before it: a number there means the
        // cursor stands among the values.
        let line_end = crate::text::line_end(text, at);
        let cell_end = text[at..line_end]
            .find(['\t', '|'])
            .map_or(line_end, |i| at + i);
        let is_value =
            |c: &str| crate::parse::cells::classify(c) == crate::parse::cells::Kind::Value;
        if cells_before.iter().any(|c| is_value(c))
            || is_value(&text[line_start + cell_start..cell_end])
        {
            return Vec::new();
        }
        let id = in_table.map(|t| t.id).or_else(|| section_table(report, at));
        let Some(id) = id else { return Vec::new() };
        let typed_start = line_start + cell_start;
        let cell = &text[typed_start..at];
        let cell_lead = cell.len() - cell.trim_start().len();
        let present: Vec<usize> = report
            .table(id)
            .map(|t| t.rows.iter().map(|r| r.spec).collect())
            .unwrap_or_default();
        return row_labels(
            report.table(id).map_or(id.spec(), |t| t.spec()),
            Some(column),
            &present,
            text,
            typed_start + cell_lead..at,
        );
    }
    // A short line outside any table.
    let typed = &before[lead..];
    if typed.chars().count() > MAX_TYPED || typed.contains(['。', '，', ',', '；']) {
        return Vec::new();
    }
    let replace = line_start + lead..at;
    let mut out = Vec::new();
    if let Some(id) = section_table(report, at).filter(|id| report.table(*id).is_none())
        && !typed.is_empty()
    {
        out.extend(row_labels(id.spec(), None, &[], text, replace.clone()));
    }
    out.extend(section_titles(report, text, replace));
    out.sort_by(|a, b| a.sort.cmp(&b.sort));
    out
}

/// The table of the section the cursor stands in.
fn section_table(report: &Report, at: usize) -> Option<TableId> {
    report
        .section_at(at)
        .and_then(|i| SECTIONS[report.sections[i].index].table)
}

/// Does a label contain what was typed (both normalised; nothing typed matches all)?
fn matches(label: &'static str, typed: &str) -> bool {
    let t = crate::text::norm(typed);
    t.is_empty() || spec::normed(label).contains(t.as_str())
}

/// The six section titles containing the text in `replace`; the ones the report lacks first.
fn section_titles(report: &Report, text: &str, replace: Range<usize>) -> Vec<Completion> {
    let typed = &text[replace.clone()];
    let mut out: Vec<Completion> = SECTIONS
        .iter()
        .enumerate()
        .filter(|(_, s)| matches(s.title, typed))
        .map(|(i, s)| {
            let missing = report.section(i).is_none();
            Completion {
                label: s.title.to_string(),
                detail: if missing {
                    "部分标题（本报告尚缺）".to_string()
                } else {
                    "部分标题".to_string()
                },
                kind: CompletionKind::SectionTitle,
                replace: replace.clone(),
                filter: typed.to_string(),
                sort: format!("1{}{i}", if missing { 0 } else { 1 }),
            }
        })
        .collect();
    out.sort_by(|a, b| a.sort.cmp(&b.sort));
    out
}

/// The row labels of table `id` for label column `column` (any column when `None`) containing
/// the text in `replace`; the rows not `present` first.
fn row_labels(
    spec: &'static crate::spec::TableSpec,
    column: Option<usize>,
    present: &[usize],
    text: &str,
    replace: Range<usize>,
) -> Vec<Completion> {
    let id = spec.id;
    let typed = &text[replace.clone()];
    let mut out = Vec::new();
    for (ri, r) in spec.rows.iter().enumerate() {
        if r.label.is_empty() {
            continue;
        }
        let path = spec.row_path(ri);
        // Table 三 writes each level of its labels in a column of its own; table 二 has one.
        if id == TableId::T3
            && let Some(c) = column
            && path.len() != c + 1
        {
            continue;
        }
        if !matches(r.label, typed) {
            continue;
        }
        // A group is there when one of its rows is.
        let there = present.contains(&ri)
            || (r.kind != RowKind::Data
                && spec
                    .data_descendants(ri)
                    .iter()
                    .any(|d| present.contains(d)));
        let missing = !there;
        let detail = match (&path[..path.len() - 1], missing) {
            ([], false) => spec.short_name.to_string(),
            ([], true) => format!("{}（本表尚缺）", spec.short_name),
            (up, false) => format!("{} · {}", spec.short_name, up.join(" › ")),
            (up, true) => format!("{} · {}（本表尚缺）", spec.short_name, up.join(" › ")),
        };
        out.push(Completion {
            label: r.label.to_string(),
            detail,
            kind: CompletionKind::RowLabel,
            replace: replace.clone(),
            filter: typed.to_string(),
            sort: format!("0{}{:03}", if missing { 0 } else { 1 }, ri),
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

    fn complete(text: &str, at: usize) -> String {
        let doc = parse(text);
        completion(&doc, text, at)
            .iter()
            .map(|c| format!("{} | {} [{}]", c.label, c.detail, &text[c.replace.clone()]))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn completion_by_position() {
        // In table 三's third label column, after 「8.属于」: the level's labels with that text.
        let offset = at("\t\t8.属于", 0) + 2 + "8.属于".len();
        expect!["8.属于行政查询事项 | 表三 · 三、本年度办理结果 › （三）不予公开 [8.属于]"]
            .assert_eq(&complete(DOC, offset));
        // In its second label column with nothing typed: the rows the table lacks first.
        let offset = at("\t（七）总计", 0) + 1;
        let got = complete(DOC, offset);
        assert!(
            got.starts_with("（四）无法提供 | 表三 · 三、本年度办理结果（本表尚缺） []"),
            "{got}"
        );
        assert!(
            got.contains("（七）总计 | 表三 · 三、本年度办理结果 []"),
            "{got}"
        );
        // In a number cell: nothing.
        let offset = at("\t（七）总计\t3", 0) + "\t（七）总计\t".len();
        assert_eq!(complete(DOC, offset), "");
        // In prose: nothing.
        let offset = at("正文。", 0) + "正文。".len();
        assert_eq!(complete(DOC, offset), "");
    }

    #[test]
    fn completion_of_headings_keeps_the_hashes() {
        let text = "# 某局2024年政府信息公开工作年度报告\n## 一、总体情况\n正文。\n## 五\n";
        let offset = text.find("## 五").unwrap() + "## 五".len();
        expect!["五、存在的主要问题及改进情况 | 部分标题（本报告尚缺） [五]"]
            .assert_eq(&complete(text, offset));
        let offset = text.find("## 五").unwrap() + "## ".len();
        let got = complete(text, offset);
        assert!(
            got.starts_with("二、主动公开政府信息情况 | 部分标题（本报告尚缺） []"),
            "{got}"
        );
        assert!(got.ends_with("一、总体情况 | 部分标题 []"), "{got}");
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
