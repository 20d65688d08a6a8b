//! Table 二's edition is told by its column headers. A table with the 2021 columns (本年制发件数 …,
//! 本年处理决定数量, 本年收费金额) that also holds a row of 2019 only — 其他对外管理服务事项, or
//! 第二十条第（九）项 with its columns and its row 政府集中采购 — is a 2021 table with rows it does not
//! have: its cells are read as without them, every check says what it says without them, a report
//! of 2021 or later gets one `format-outdated` naming them (with no rewrite: the table is the 2021
//! one), and no fix writes a 2019 label over a label of 2021. In every shape the parser reads:
//! Markdown (the standard draft), tab-separated (a web page of the corpus), one cell per line
//! (another), `pdftotext -layout` text (the corpus's PDF).

mod support;

use nianbao::diag::{Applicability, Code, Diagnostic};
use nianbao::model::{Document, Value};
use nianbao::parse::parse;
use nianbao::spec::{self, Edition, TableId};
use nianbao::text::norm;

fn check(text: &str) -> Vec<Diagnostic> {
    let doc = parse(text);
    nianbao::check::check(&doc, text, &nianbao::settings::Settings::default())
}

use support::corpus_report as corpus;

/// A report in one shape, and how a row is written after another in it.
struct Shape {
    name: &'static str,
    text: String,
    /// The start of the line of 行政许可 and of 行政事业性收费 (the label's line).
    licensing: &'static str,
    fees: &'static str,
    /// Lines of a row: its label's line and, one cell per line, its value's.
    row_lines: usize,
    /// The row 其他对外管理服务事项, and the item 第二十条第（九）项 with its header and row.
    other_services: &'static str,
    purchases: &'static str,
}

fn shapes() -> Vec<Shape> {
    let draft = nianbao::draft::new_report("某某市某某局", 2024)
        .replace("| 规章 | 0 | 0 | 0 |", "| 规章 | 1 | 0 | 4 |")
        .replace("| 行政许可 | 0 |", "| 行政许可 | 5 |")
        .replace("| 行政处罚 | 0 |", "| 行政处罚 | 2 |");
    vec![
        Shape {
            name: "Markdown",
            text: draft,
            licensing: "| 行政许可 |",
            fees: "| 行政事业性收费 |",
            row_lines: 1,
            other_services: "| 其他对外管理服务事项 | 3 |\n",
            purchases: "\n**第二十条第（九）项**\n\n| 信息内容 | 采购项目数量 | 采购总金额 |\n|---|---|---|\n| 政府集中采购 | 2 | 523.15万元 |\n",
        },
        Shape {
            name: "tab-separated",
            text: corpus("202_"),
            licensing: "行政许可\t",
            fees: "行政事业性收费\t",
            row_lines: 1,
            other_services: "其他对外管理服务事项\t3\n",
            purchases: "第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t2\t523.15万元\n",
        },
        Shape {
            name: "one cell per line",
            text: corpus("215_"),
            licensing: "行政许可\n",
            fees: "行政事业性收费\n",
            row_lines: 2,
            other_services: "其他对外管理服务事项\n3\n",
            purchases: "第二十条第（九）项\n信息内容\n采购项目数量\n采购总金额\n政府集中采购\n2\n523.15万元\n",
        },
        Shape {
            name: "pdftotext -layout",
            text: corpus("201_"),
            licensing: "行政许可  ",
            fees: "行政事业性收费  ",
            row_lines: 1,
            other_services: "其他对外管理服务事项    3\n",
            purchases: "\n                    第二十条第（九）项\n    信息内容         采购项目数量           采购总金额\n  政府集中采购            2                  523.15万元\n",
        },
    ]
}

/// `text` with `add` after the row whose label's line starts with `label` (`lines` lines long).
fn after_row(text: &str, label: &str, lines: usize, add: &str) -> String {
    let at = text
        .find(&format!("\n{label}"))
        .unwrap_or_else(|| panic!("no row {label:?}"))
        + 1;
    let mut end = at;
    for _ in 0..lines {
        end += text[end..].find('\n').unwrap() + 1;
    }
    format!("{}{add}{}", &text[..end], &text[end..])
}

/// Table 二's rows as read: (row, cells).
fn t2_cells(doc: &Document) -> Vec<(usize, Vec<Value>)> {
    let t = doc.reports[0].table(TableId::T2).expect("table 二");
    assert_eq!(t.edition, Edition::Y2021);
    t.rows
        .iter()
        .map(|r| (r.spec, r.cells.iter().map(|c| c.value.clone()).collect()))
        .collect()
}

/// What a diagnostic says, wherever it stands.
fn said(d: &Diagnostic) -> String {
    let fixes: Vec<String> = d
        .fixes
        .iter()
        .map(|f| format!("{:?} {}", f.applicability, f.title))
        .collect();
    format!("{} {} {fixes:?}", d.code, d.message)
}

/// No safe fix replaces a label of the 2021 table 二 (which the column headers show).
fn no_safe_fix_rewrites_a_2021_label(text: &str, diags: &[Diagnostic]) {
    let s = &spec::T2;
    let labels: Vec<String> = s
        .rows
        .iter()
        .map(|r| norm(r.label))
        .chain(
            s.col_sets
                .iter()
                .flat_map(|c| c.iter())
                .map(|c| norm(c.label)),
        )
        .collect();
    for d in diags {
        for f in d
            .fixes
            .iter()
            .filter(|f| f.applicability == Applicability::Safe)
        {
            for e in &f.edits {
                let old = norm(&text[e.range.clone()]);
                assert!(!labels.contains(&old), "{}: {:?}", said(d), f.title);
            }
        }
    }
}

/// The rows of 2019 added to `before` in `shape`: table 二 reads and every check says the same
/// as without them, but for one `format-outdated` without a fix.
fn rows_of_2019_change_nothing(shape: &Shape, before: &str) {
    let year = parse(before).reports[0].year.unwrap();
    assert!(year >= spec::FORMAT_2021_FROM);
    let rows = t2_cells(&parse(before));
    let mut was: Vec<String> = check(before).iter().map(said).collect();
    was.sort();
    let one = after_row(
        before,
        shape.licensing,
        shape.row_lines,
        shape.other_services,
    );
    let nine = after_row(before, shape.fees, shape.row_lines, shape.purchases);
    let both = after_row(&one, shape.fees, shape.row_lines, shape.purchases);
    for (text, named) in [
        (&one, "「其他对外管理服务事项」"),
        (&nine, "「第二十条第（九）项」"),
        (&both, "「其他对外管理服务事项」"),
    ] {
        let doc = parse(text);
        assert_eq!(t2_cells(&doc), rows, "{}", shape.name);
        let diags = check(text);
        no_safe_fix_rewrites_a_2021_label(text, &diags);
        let outdated: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| d.code == Code::FormatOutdated)
            .collect();
        assert_eq!(outdated.len(), 1, "{}: {outdated:#?}", shape.name);
        let d = outdated[0];
        assert!(d.fixes.is_empty(), "{}: {d:#?}", shape.name);
        assert!(
            d.message.contains("本表是 2021 年版的格式")
                && d.message.contains(&format!("2019 年版才有的{named}")),
            "{}: {}",
            shape.name,
            d.message
        );
        let mut now: Vec<String> = diags
            .iter()
            .filter(|d| d.code != Code::FormatOutdated)
            .map(said)
            .collect();
        now.sort();
        assert_eq!(now, was, "{}", shape.name);
    }
}

#[test]
fn a_2019_row_among_the_2021_columns_is_a_row_the_table_does_not_have() {
    for shape in shapes() {
        rows_of_2019_change_nothing(&shape, &shape.text);
    }
}

/// Without any column header (the lines 信息内容 … left out), the rows tell the edition: each of
/// them fits the 2021 columns.
#[test]
fn without_column_headers_the_rows_tell() {
    for shape in shapes() {
        if !matches!(shape.name, "tab-separated" | "pdftotext -layout") {
            continue;
        }
        let headerless: String = shape
            .text
            .split_inclusive('\n')
            .filter(|l| !l.trim_start().starts_with(spec::T2_ITEM_HEADER))
            .collect();
        rows_of_2019_change_nothing(&shape, &headerless);
    }
}

/// A report of 2020 with the 2021 table 二 and a 2019 row: nothing more to say than without it.
#[test]
fn before_2021_the_row_is_said_nothing_of() {
    let text = nianbao::draft::new_report("某某市某某局", 2020);
    let mut was: Vec<String> = check(&text).iter().map(said).collect();
    was.sort();
    let with = after_row(&text, "| 行政许可 |", 1, "| 其他对外管理服务事项 | 3 |\n");
    let diags = check(&with);
    no_safe_fix_rewrites_a_2021_label(&with, &diags);
    let mut now: Vec<String> = diags.iter().map(said).collect();
    now.sort();
    assert_eq!(now, was);
}
