//! The figures of reports as a data table (`nianbao extract`): one record per report, with the
//! report's facts and every standard figure in a fixed, named column. The figure columns are
//! derived from the tables of [`crate::spec`] (row hierarchy and column sets); this module only
//! gives each row and column a short English name.

use std::sync::LazyLock;

use crate::diag::{Diagnostic, Severity};
use crate::model::{Document, Report, Value};
use crate::spec::{self, Edition, RowKind, TableId};

/// Short names of table 二's rows (by index into `spec::T2.rows`; items have none of their own).
const T2_ROWS: [&str; 10] = [
    "",
    "rules",
    "normative",
    "",
    "licensing",
    "",
    "penalty",
    "enforcement",
    "",
    "fees",
];
/// Short names of table 二's columns, by column set.
const T2_COLS: [&[&str]; 4] = [
    &["issued", "repealed", "in_force"],
    &["decisions"],
    &["decisions"],
    &["amount"],
];
/// Short names of table 三's rows (index into `spec::T3.rows`); a row's column names its path.
const T3_ROWS: [&str; 30] = [
    "new",
    "carried",
    "result",
    "disclosed",
    "partial",
    "withheld",
    "secret",
    "law",
    "security",
    "third_party",
    "internal",
    "process",
    "enforcement",
    "inquiry",
    "unavailable",
    "not_held",
    "no_ready_info",
    "unclear",
    "not_handled",
    "complaint",
    "repeat",
    "publication",
    "mass",
    "confirm",
    "other",
    "overdue_correction",
    "overdue_fee",
    "other",
    "total",
    "carry_next",
];
const T3_COLS: [&str; 7] = [
    "natural",
    "business",
    "research",
    "public_interest",
    "legal_service",
    "other",
    "total",
];
/// Table 四's column groups (by the first parent header word) and columns.
const T4_GROUPS: [(&str, &str); 3] = [
    (spec::T4_REVIEW, "review"),
    (spec::T4_DIRECT, "direct"),
    (spec::T4_AFTER, "after_review"),
];
const T4_COLS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

/// A figure column: its name, the cell of the spec it holds, and its Chinese path.
#[derive(Debug, Clone)]
pub struct Column {
    pub key: String,
    pub table: TableId,
    pub row: usize,
    pub col: usize,
    /// 表三 › 三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密 › 总计
    pub label: String,
}

/// The columns before the figures.
pub const FACTS: [(&str, &str); 10] = [
    ("file", "文件"),
    ("report", "第几份报告（汇编中）"),
    ("body", "机关名称"),
    ("level", "机关层级"),
    ("year", "报告年度"),
    ("format", "表格版本"),
    ("errors", "错误数"),
    ("warnings", "警告数"),
    ("information", "提示数"),
    ("codes", "诊断代码"),
];

/// Every figure column, in table order: table 二, 三 (data rows, and group rows that may print a
/// subtotal), 四.
pub fn columns() -> &'static [Column] {
    static COLS: LazyLock<Vec<Column>> = LazyLock::new(build_columns);
    &COLS
}

fn build_columns() -> Vec<Column> {
    let mut out = Vec::new();
    let t2 = &spec::T2;
    for (i, r) in t2.rows.iter().enumerate() {
        if r.kind != RowKind::Data {
            continue;
        }
        for (c, cs) in t2.cols_of(i).iter().enumerate() {
            out.push(Column {
                key: format!("t2.{}.{}", T2_ROWS[i], T2_COLS[r.cols][c]),
                table: TableId::T2,
                row: i,
                col: c,
                label: label(TableId::T2, i, cs),
            });
        }
    }
    let t3 = &spec::T3;
    for (i, r) in t3.rows.iter().enumerate() {
        // Data rows, and the groups under 三、本年度办理结果 ((三)…(六)), which a report may print
        // a subtotal on (and the 2019 table's single-row (六)其他处理).
        let wanted = r.kind == RowKind::Data || (r.kind == RowKind::Group && r.parent.is_some());
        if !wanted {
            continue;
        }
        let mut path = vec![T3_ROWS[i]];
        let mut p = r.parent;
        while let Some(a) = p {
            path.push(T3_ROWS[a]);
            p = t3.rows[a].parent;
        }
        path.reverse();
        let row_key = path.join(".");
        for (c, cs) in t3.cols_of(i).iter().enumerate() {
            out.push(Column {
                key: format!("t3.{row_key}.{}", T3_COLS[c]),
                table: TableId::T3,
                row: i,
                col: c,
                label: label(TableId::T3, i, cs),
            });
        }
    }
    let t4 = &spec::T4;
    for (c, cs) in t4.cols_of(0).iter().enumerate() {
        let group = cs
            .parents
            .last()
            .and_then(|p| T4_GROUPS.iter().find(|(w, _)| w == p))
            .map_or("", |(_, k)| k);
        out.push(Column {
            key: format!("t4.{group}.{}", T4_COLS[c % T4_COLS.len()]),
            table: TableId::T4,
            row: 0,
            col: c,
            label: label(TableId::T4, 0, cs),
        });
    }
    out
}

fn label(id: TableId, row: usize, col: &spec::ColSpec) -> String {
    let mut parts = vec![crate::input::short_name(id).to_string()];
    parts.extend(id.spec().row_path(row).iter().map(|s| s.to_string()));
    parts.extend(col.parents.iter().map(|s| s.to_string()));
    parts.push(col.label.to_string());
    parts.join(" › ")
}

/// One report's record: its facts (in the order of [`FACTS`]) and its figures (in the order of
/// [`columns`]; `None` for a cell the report leaves blank or does not have, or one that is not a
/// number).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub facts: Vec<String>,
    pub figures: Vec<Option<Figure>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Count(i64),
    Money(f64),
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Figure::Count(n) => write!(f, "{n}"),
            Figure::Money(m) => write!(f, "{m}"),
        }
    }
}

/// The level of a body, from the end of its name: 乡镇/街道, 人民政府 (a government, a 管委会, or a
/// place such as 某某市西区), or 部门 (局, 委员会, 办公室 …). Empty when the report does not name
/// its body or the name does not tell.
pub fn level(org: Option<&str>) -> &'static str {
    let Some(o) = org.map(str::trim).filter(|o| !o.is_empty()) else {
        return "";
    };
    const GOVERNMENT: &[&str] = &[
        "人民政府",
        "政府",
        "管委会",
        "管理委员会",
        "省",
        "市",
        "区",
        "县",
        "州",
        "旗",
        "盟",
    ];
    const DEPARTMENT: &[&str] = &[
        "局",
        "厅",
        "委",
        "委员会",
        "办",
        "办公室",
        "中心",
        "院",
        "馆",
        "所",
        "队",
        "站",
        "处",
        "部",
        "署",
        "会",
        "司",
    ];
    if spec::is_township(o) {
        "乡镇/街道"
    } else if GOVERNMENT.iter().any(|s| o.ends_with(s)) {
        "人民政府"
    } else if DEPARTMENT.iter().any(|s| o.ends_with(s)) {
        "部门"
    } else {
        ""
    }
}

/// The records of a text's reports (a compilation gives one per report; a text that is not a
/// report, none). `diags` are the text's diagnostics.
pub fn records(file: &str, doc: &Document, diags: &[Diagnostic]) -> Vec<Record> {
    let reports: Vec<&Report> = doc
        .reports
        .iter()
        .filter(|r| r.is_annual_report())
        .collect();
    let cols = columns();
    reports
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let mine: Vec<&Diagnostic> = diags
                .iter()
                .filter(|d| {
                    r.range.contains(&d.range.start)
                        || (d.range.start == r.range.end && n + 1 == reports.len())
                })
                .collect();
            let count = |s: Severity| mine.iter().filter(|d| d.severity == s).count();
            let mut codes: Vec<&str> = mine.iter().map(|d| d.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            let format = match crate::stats::report(r).edition() {
                Some(Edition::Y2019) => "2019",
                _ => "2021",
            };
            let facts = vec![
                file.to_string(),
                (n + 1).to_string(),
                r.org.clone().unwrap_or_default(),
                level(r.org.as_deref()).to_string(),
                r.year.map_or(String::new(), |y| y.to_string()),
                format.to_string(),
                count(Severity::Error).to_string(),
                count(Severity::Warning).to_string(),
                (count(Severity::Information) + count(Severity::Hint)).to_string(),
                codes.join(";"),
            ];
            let figures = cols
                .iter()
                .map(|c| {
                    let t = r.table(c.table)?;
                    // The 2019 table 二 has other columns: none of its figures is a 2021 one.
                    if t.id == TableId::T2 && t.edition == Edition::Y2019 {
                        return None;
                    }
                    let cell = t.row(c.row)?.cells.get(c.col)?;
                    match cell.value {
                        Value::Count(n) => Some(Figure::Count(n)),
                        Value::Money(m) => Some(Figure::Money(m)),
                        Value::Blank | Value::Invalid(_) | Value::Malformed { .. } => None,
                    }
                })
                .collect();
            Record { facts, figures }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_has_one_name() {
        let cols = columns();
        let mut keys: Vec<&str> = cols.iter().map(|c| c.key.as_str()).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate column names");
        // 10 of table 二, 25 data rows and 4 groups of table 三 in 7 columns, 15 of table 四.
        assert_eq!(n, 10 + (25 + 4) * 7 + 15);
        assert_eq!(T2_ROWS.len(), spec::T2.rows.len());
        assert_eq!(T3_ROWS.len(), spec::T3.rows.len());
        assert!(keys.iter().all(|k| !k.contains("..") && !k.ends_with('.')));
        for k in [
            "t2.rules.in_force",
            "t2.fees.amount",
            "t3.new.natural",
            "t3.result.withheld.secret.total",
            "t3.result.other.other.total",
            "t3.result.total.total",
            "t3.carry_next.natural",
            "t4.review.upheld",
            "t4.after_review.total",
        ] {
            assert!(keys.contains(&k), "{k}");
        }
    }

    #[test]
    fn levels_from_names() {
        assert_eq!(level(Some("某某县某某镇人民政府")), "乡镇/街道");
        assert_eq!(level(Some("攀枝花市西区人民政府")), "人民政府");
        assert_eq!(level(Some("某市交通运输局")), "部门");
        assert_eq!(level(Some("攀枝花市西区")), "人民政府");
        assert_eq!(level(Some("某某县某某镇")), "乡镇/街道");
        assert_eq!(level(Some("某某工作专班")), "");
        assert_eq!(level(None), "");
    }
}
