//! The fix of `format-outdated`: a 2021+ report whose tables are in the 2019 layout rewritten in
//! the 2021 one, in the document's own shape, its figures carried over where their meaning is the
//! same. Real reports of 2019 and 2020 (correctly in the 2019 layout) dated 2021 stand for the
//! 2021 report drafted from last year's: the corpus's web table copied with tabs (207), one cell
//! per line (213, 221); and the 2019 tables put into Markdown (a seed's Markdown copy, the standard
//! draft) and into `pdftotext -layout` text (a seed's PDF).

mod support;

use std::collections::BTreeMap;

use nianbao::diag::{Applicability, Code, Diagnostic, Edit, Severity};
use nianbao::fix::{apply_edits, fix_all_with};
use nianbao::model::{Document, Shape, Table, Value};
use nianbao::parse::parse;
use nianbao::spec::{self, Edition, TableId, t3};

fn check(text: &str) -> Vec<Diagnostic> {
    let doc = parse(text);
    nianbao::check::check(&doc, text, &nianbao::settings::Settings::default())
}

use support::corpus_report as corpus;

/// A report of an earlier year dated 2021, as a 2021 report drafted from it is before its tables
/// are brought up to date.
fn dated_2021(text: &str) -> String {
    let y = parse(text).reports[0].year.expect("a year");
    assert!(y < spec::FORMAT_2021_FROM);
    text.replace(&format!("{y}年"), "2021年")
}

/// The `format-outdated` diagnostic of table `id`.
fn outdated(diags: &[Diagnostic], id: TableId) -> Option<&Diagnostic> {
    diags
        .iter()
        .find(|d| d.code == Code::FormatOutdated && d.message.contains(id.spec().name))
}

/// Table `id`'s `format-outdated` and the edits of its fix, which must be there and unsafe.
fn fix_of(text: &str, id: TableId) -> (Diagnostic, Vec<Edit>) {
    let diags = check(text);
    let d = outdated(&diags, id).unwrap_or_else(|| panic!("no format-outdated for {id:?}"));
    assert_eq!(d.fixes.len(), 1, "{d:#?}");
    let f = &d.fixes[0];
    assert_eq!(f.applicability, Applicability::Unsafe);
    assert!(f.title.starts_with("改写为 2021 年版"), "{}", f.title);
    (d.clone(), f.edits.clone())
}

/// Error-level diagnostics by code.
fn errors(text: &str) -> BTreeMap<Code, usize> {
    let mut m = BTreeMap::new();
    for d in check(text) {
        if d.severity == Severity::Error {
            *m.entry(d.code).or_default() += 1;
        }
    }
    m
}

/// No error after that was not there before (as many of each code at most).
fn no_new_errors(before: &str, after: &str) {
    let (b, a) = (errors(before), errors(after));
    for (code, n) in &a {
        assert!(
            b.get(code).is_some_and(|m| m >= n),
            "new errors {code}: before {b:?}, after {a:?}"
        );
    }
}

fn table(doc: &Document, id: TableId) -> &Table {
    doc.reports[0]
        .table(id)
        .unwrap_or_else(|| panic!("no {id:?}"))
}

/// The cells of a row as written ("" for a blank one); `None` without the row.
fn row(text: &str, t: &Table, spec_row: usize) -> Option<Vec<String>> {
    t.row(spec_row).map(|r| {
        r.cells
            .iter()
            .map(|c| match c.value {
                Value::Blank => String::new(),
                _ => text[c.range.clone()].to_string(),
            })
            .collect()
    })
}

/// Table 二's fix on a 2021 report in the 2019 layout: afterwards the table is the 2021 one, each
/// figure whose meaning it keeps in its cell, the others named at their places (the message names
/// a few and counts them: it stays short), the cells no figure
/// fills blank where the shape writes blank cells (else 0), and nothing else of the text changed.
fn t2_fix_carries(text: &str, shape: Shape) -> String {
    let doc = parse(text);
    let old = table(&doc, TableId::T2);
    assert_eq!((old.edition, old.shape), (Edition::Y2019, shape));
    let (diag, edits) = fix_of(text, TableId::T2);
    assert_eq!(edits.len(), 1);
    let fixed = apply_edits(text, &edits);
    let e = &edits[0];
    assert_eq!(text[..e.range.start], fixed[..e.range.start]);
    assert_eq!(
        text[e.range.end..],
        fixed[fixed.len() - (text.len() - e.range.end)..]
    );
    let new_doc = parse(&fixed);
    let new = table(&new_doc, TableId::T2);
    assert_eq!(new.edition, Edition::Y2021);
    assert!(new.layout_2019.is_empty());
    assert_eq!(new.shape, shape);
    assert!(outdated(&check(&fixed), TableId::T2).is_none());
    no_new_errors(text, &fixed);
    // Every figure of a carried meaning in its 2021 cell.
    let mut carried = Vec::new();
    for &((r, c), (r21, c21)) in spec::T2_FROM_2019 {
        let was = row(text, old, r).map(|v| v[c].clone()).unwrap_or_default();
        let now = row(&fixed, new, r21).expect("every 2021 row")[c21].clone();
        let expect = if was.is_empty() && shape != Shape::Markdown && shape != Shape::Tsv {
            "0".to_string()
        } else {
            was
        };
        assert_eq!(now, expect, "{}", spec::T2.rows[r21].label);
        carried.push((r, c));
    }
    // The other cells of 2021: blank, or 0 where the shape has no blank cell (本年收费金额 is 0
    // when the 2019 table shows no fee item).
    let blank = if matches!(shape, Shape::Markdown | Shape::Tsv) {
        ""
    } else {
        "0"
    };
    let (fees, [prev, change]) = spec::T2_2019_NO_FEE_ITEMS;
    let no_fee_items = row(text, old, fees).is_some_and(|v| v[prev] == "0" && v[change] == "0");
    for (r21, rs) in spec::T2.rows.iter().enumerate() {
        if rs.kind != spec::RowKind::Data {
            continue;
        }
        let now = row(&fixed, new, r21).unwrap();
        for (c21, v) in now.iter().enumerate() {
            if spec::T2_FROM_2019.iter().any(|&(_, to)| to == (r21, c21)) {
                continue;
            }
            let expect = if r21 == spec::t2::FEES && no_fee_items {
                "0"
            } else {
                blank
            };
            assert_eq!(v, expect, "{} {c21}", rs.label);
        }
    }
    // Every other figure of 2019 but 0 named at its place; the message names a few, counts them
    // and stays short.
    let mut left = 0;
    for r in &old.rows {
        for c in &r.cells {
            let s = &text[c.range.clone()];
            if carried.contains(&(r.spec, c.col)) || matches!(c.value, Value::Blank) || s == "0" {
                continue;
            }
            left += 1;
            let named = format!("{} {s}", old.spec().cols_of(r.spec)[c.col].label);
            assert!(
                diag.related
                    .iter()
                    .any(|x| x.range == c.range && x.message.ends_with(&named)),
                "{s} not at its place: {:#?}",
                diag.related
            );
        }
    }
    assert_eq!(diag.related.len(), left);
    if left > 3 {
        assert!(
            diag.message.contains(&format!(" 等 {left} 个")),
            "{}",
            diag.message
        );
    }
    assert!(diag.message.chars().count() <= 300, "{}", diag.message);
    fixed
}

/// Table 三's fix: the single row （六）其他处理 becomes its three 2021 rows, 1 and 2 with 0, 3.其他
/// with the row's figures, in place of the row's own lines only; afterwards the table is the
/// 2021 one and its sums are what they were.
fn t3_fix_splits_the_row(text: &str, shape: Shape) -> String {
    let doc = parse(text);
    let old = table(&doc, TableId::T3);
    assert_eq!(old.shape, shape);
    assert!(!old.layout_2019.is_empty());
    let figures = row(text, old, t3::OTHER).unwrap();
    let (_, edits) = fix_of(text, TableId::T3);
    assert_eq!(edits.len(), 1);
    let e = &edits[0];
    // Only the old row's lines are replaced.
    let r = old.row(t3::OTHER).unwrap();
    assert_eq!(
        e.range,
        nianbao::edit::line_start(text, r.label[0].start)
            ..nianbao::edit::line_end(text, r.cells.last().unwrap().range.end)
    );
    let fixed = apply_edits(text, &edits);
    let new_doc = parse(&fixed);
    let new = table(&new_doc, TableId::T3);
    assert!(new.layout_2019.is_empty(), "{}", e.new_text);
    assert_eq!(new.shape, shape);
    let kids: Vec<usize> = spec::T3.children(t3::OTHER).collect();
    let zeros = vec!["0".to_string(); figures.len()];
    assert_eq!(row(&fixed, new, kids[0]).unwrap(), zeros);
    assert_eq!(row(&fixed, new, kids[1]).unwrap(), zeros);
    assert_eq!(row(&fixed, new, kids[2]).unwrap(), figures);
    for k in kids {
        assert!(new.row(k).unwrap().is_standard, "{}", e.new_text);
    }
    // The other rows as they were.
    for r in old.rows.iter().filter(|r| r.spec != t3::OTHER) {
        assert_eq!(row(text, old, r.spec), row(&fixed, new, r.spec));
    }
    assert!(outdated(&check(&fixed), TableId::T3).is_none());
    no_new_errors(text, &fixed);
    fixed
}

/// Both fixes together, as `--fix --unsafe-fixes` applies them (the fixes of other diagnostics
/// apart): no `format-outdated` is left. Neither is applied by `--fix` alone.
fn both_fixes(text: &str) {
    let outdated: Vec<Diagnostic> = check(text)
        .into_iter()
        .filter(|d| d.code == Code::FormatOutdated)
        .collect();
    assert_eq!(outdated.len(), 2);
    assert!(fix_all_with(&outdated, Applicability::Safe).is_empty());
    let edits = fix_all_with(&outdated, Applicability::Unsafe);
    assert_eq!(edits.len(), 2);
    let fixed = apply_edits(text, &edits);
    let after = check(&fixed);
    assert!(
        after.iter().all(|d| d.code != Code::FormatOutdated),
        "{after:#?}"
    );
    no_new_errors(text, &fixed);
}

#[test]
fn tsv_of_a_web_page() {
    let text = dated_2021(&corpus("207_"));
    let fixed = t2_fix_carries(&text, Shape::Tsv);
    // The figures of 平潭综合实验区's 2020 table, where they are now.
    for line in [
        "规章\t0\t\t",
        "行政规范性文件\t77\t\t",
        "行政许可\t278",
        "行政处罚\t538",
        "行政强制\t29",
        "行政事业性收费\t",
    ] {
        assert!(fixed.contains(&format!("\n{line}\n")), "{line}");
    }
    let fixed = t3_fix_splits_the_row(&text, Shape::Tsv);
    assert!(fixed.contains("\n3.其他\t4\t0\t0\t0\t0\t0\t4\n"));
    both_fixes(&text);
}

#[test]
fn one_cell_per_line() {
    for name in ["213_", "221_"] {
        let text = dated_2021(&corpus(name));
        t2_fix_carries(&text, Shape::CellPerLine);
        t3_fix_splits_the_row(&text, Shape::CellPerLine);
        both_fixes(&text);
    }
}

/// Table 二 of the 2019 layout in Markdown, with the figures of 平潭综合实验区's 2020 report.
const T2_2019_MD: &str = "**第二十条第（一）项**

| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |
|---|---|---|---|
| 规章 | 0 | 0 | 7 |
| 规范性文件 | 77 | 77 | 166 |

**第二十条第（五）项**

| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
|---|---|---|---|
| 行政许可 | 396 | 442 | 278 |
| 其他对外管理服务事项 | 10 | 7 | 105 |

**第二十条第（六）项**

| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
|---|---|---|---|
| 行政处罚 | 2648 | -18 | 538 |
| 行政强制 | 126 | 26 | 29 |

**第二十条第（八）项**

| 信息内容 | 上一年项目数量 | 本年增/减 |
|---|---|---|
| 行政事业性收费 | 0 | 0 |

**第二十条第（九）项**

| 信息内容 | 采购项目数量 | 采购总金额 |
|---|---|---|
| 政府集中采购 | 395 | 73802895.90元 |";

/// A Markdown text with its table 二 replaced by [`T2_2019_MD`] and the three rows of
/// （六）其他处理 (the lines from the one starting `first` to the one starting `last`) by `single`.
fn in_2019_layout(md: &str, first: &str, last: &str, single: &str) -> String {
    let t2_start = md.find("**第二十条第（一）项**").unwrap();
    let t2_end = md[t2_start..].find("\n\n## ").unwrap() + t2_start;
    let mut out = format!("{}{T2_2019_MD}{}", &md[..t2_start], &md[t2_end..]);
    let a = out.find(first).unwrap();
    let b = out[a..].find(last).unwrap() + a;
    let b = b + out[b..].find('\n').unwrap();
    out.replace_range(a..b, single);
    out
}

#[test]
fn markdown_of_a_real_report() {
    // 攀枝花市西区's 2024 report in Markdown: group labels beside their first row.
    let md = std::fs::read_to_string(support::fixtures().join("markdown/000_745ac7de65919f15.md"))
        .unwrap();
    let text = in_2019_layout(
        &md,
        "|  | (六) 其他处理 |",
        "|  |  | 3. 其他 |",
        "|  | (六) 其他处理 |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
    );
    let fixed = t2_fix_carries(&text, Shape::Markdown);
    assert!(fixed.contains("| 行政规范性文件 | 77 |  |  |\n"), "{fixed}");
    assert!(fixed.contains("| 行政事业性收费 | 0 |\n"));
    let fixed = t3_fix_splits_the_row(&text, Shape::Markdown);
    // Written as the table writes （五）不予处理 and its rows.
    assert!(fixed.contains(
        "|  | （六）其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
         |  |  | 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
         |  |  | 3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
    ), "{fixed}");
    both_fixes(&text);
}

#[test]
fn markdown_of_the_standard_draft() {
    // The standard draft: group labels on rows of their own. Two applications of 自然人 went to
    // （六）其他处理 in the 2019 row.
    let md = nianbao::draft::new_report("某某市某某局", 2021)
        .replace(
            "| 一、本年新收政府信息公开申请数量 |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "| 一、本年新收政府信息公开申请数量 |  |  | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        )
        .replace(
            "|  | （七）总计 |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "|  | （七）总计 |  | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        );
    let text = in_2019_layout(
        &md,
        "|  | （六）其他处理 |",
        "|  |  | 3.其他 |",
        "|  | （六）其他处理 |  | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
    );
    let fixed = t2_fix_carries(&text, Shape::Markdown);
    // Back to the draft's own table 二 but for the figures carried and the blanks.
    assert!(
        fixed.contains(
            "| 规章 | 0 |  |  |\n| 行政规范性文件 | 77 |  |  |\n\n**第二十条第（五）项**"
        )
    );
    let fixed = t3_fix_splits_the_row(&text, Shape::Markdown);
    assert!(fixed.contains(
        "|  | （六）其他处理 |  |  |  |  |  |  |  |  |\n\
         |  |  | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
         |  |  | 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
         |  |  | 3.其他 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n"
    ), "{fixed}");
    // Nothing is left of the standard draft's differences.
    let draft = nianbao::draft::new_report("某某市某某局", 2021);
    let outdated: Vec<Diagnostic> = check(&text)
        .into_iter()
        .filter(|d| d.code == Code::FormatOutdated)
        .collect();
    let both = apply_edits(&text, &fix_all_with(&outdated, Applicability::Unsafe));
    let both = both
        .replace("| 77 |  |  |", "| 0 | 0 | 0 |")
        .replace("| 0 |  |  |", "| 0 | 0 | 0 |")
        .replace(" | 278 |", " | 0 |")
        .replace(" | 538 |", " | 0 |")
        .replace(" | 29 |", " | 0 |")
        .replace(
            "| 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
            "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        );
    assert_eq!(both, draft);
    both_fixes(&text);
}

/// Table 二 of the 2019 layout as `pdftotext -layout` writes it.
const T2_2019_LAYOUT: &str = "                    第二十条第（一）项
    信息内容         本年新制作数量                  本年新公开数量              对外公开总数量
     规章                 0                        0                 0
   规范性文件                3                        3                 12
                    第二十条第（五）项
    信息内容         上一年项目数量         本年增/减          处理决定数量
    行政许可              12                  -2                 35
    其他对外管理服务事项    4                   0                  6
                    第二十条第（六）项
    信息内容         上一年项目数量         本年增/减          处理决定数量
    行政处罚              20                  +1                 17
    行政强制              3                   0                  2
                    第二十条第（八）项
    信息内容         上一年项目数量         本年增/减
  行政事业性收费          0                    0
                    第二十条第（九）项
    信息内容         采购项目数量           采购总金额
  政府集中采购            2                  523.15万元";

#[test]
fn text_of_a_pdf() {
    // 攀枝花市东区经济和信息化局's 2023 report as `pdftotext -layout` writes it, with table 二
    // of 2019 and one row of （六）其他处理 (3 applications of 自然人) in place of its three.
    let pdf =
        std::fs::read_to_string(support::fixtures().join("pdf/001_16e1625a5b7ef2f0.layout.txt"))
            .unwrap();
    let a = pdf.find("                    第二十条 第（一）项").unwrap();
    let b = pdf
        .find("\n\n  三、收到和处理政府信息公开申请情况")
        .unwrap();
    let mut text = format!("{}{T2_2019_LAYOUT}{}", &pdf[..a], &pdf[b..]);
    let a = text.find("    (六) 其他   1.申请人无正当理由").unwrap();
    let b = text.find("    (七) 总计").unwrap();
    text.replace_range(
        a..b,
        "    (六) 其他处理                  3         0   0   0   0   0   3\n",
    );
    let text = text
        .replace(
            "    (七) 总计                       0         0       0       0       0       0       0",
            "    (七) 总计                       3         0       0       0       0       0       3",
        )
        .replace(
            "一、本年新收政府信息公开申请数量            0         0      0         0     0     0      0",
            "一、本年新收政府信息公开申请数量            3         0      0         0     0     0      3",
        );
    let fixed = t2_fix_carries(&text, Shape::Layout);
    assert!(
        fixed.contains("\n行政规范性文件    3    0    0\n"),
        "{fixed}"
    );
    assert!(fixed.contains("\n行政许可    35\n"));
    let fixed = t3_fix_splits_the_row(&text, Shape::Layout);
    assert!(fixed.contains("\n    3.其他                  3         0   0   0   0   0   3\n"));
    both_fixes(&text);
}

/// The reports of 2019 and 2020 are in the layout of their year: no `format-outdated`, no fix.
#[test]
fn reports_of_2019_and_2020_are_left_alone() {
    for name in ["207_", "213_", "221_"] {
        let text = corpus(name);
        let y = parse(&text).reports[0].year.unwrap();
        assert!(y < spec::FORMAT_2021_FROM);
        let diags = check(&text);
        assert!(diags.iter().all(|d| d.code != Code::FormatOutdated));
        let doc = parse(&text);
        assert_eq!(table(&doc, TableId::T2).edition, Edition::Y2019);
    }
}

/// `nianbao check --fix --unsafe-fixes` rewrites the tables; `--fix` alone does not.
#[test]
fn the_command_line_applies_it_only_when_asked_for() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2021.txt");
    let text = dated_2021(&corpus("207_"));
    std::fs::write(&path, &text).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(args)
            .arg(&path)
            .output()
            .unwrap()
    };
    run(&["check", "--fix"]);
    let after_safe = std::fs::read_to_string(&path).unwrap();
    assert!(after_safe.contains("对外公开总数量"));
    assert_eq!(
        check(&after_safe)
            .iter()
            .filter(|d| d.code == Code::FormatOutdated)
            .count(),
        2
    );
    run(&["check", "--fix", "--unsafe-fixes"]);
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(check(&fixed).iter().all(|d| d.code != Code::FormatOutdated));
    assert!(fixed.contains("\n行政许可\t278\n"));
    assert!(fixed.contains("\n3.其他\t4\t0\t0\t0\t0\t0\t4\n"));
    assert!(!fixed.contains("政府集中采购"));
}
