//! The corpus of real published reports (`../shared/corpus`) as the judge of the engine: every
//! report is read with its tables' cells, every defect annotated by hand in `truth.json` that has
//! a diagnostic code is found at its line, and no diagnostic appears that the annotation does not
//! list — errors never, warnings only where this file says why.

mod support;

use std::collections::BTreeMap;

use nianbao::diag::{Diagnostic, Severity};
use nianbao::model::{Document, Value};
use nianbao::settings::Settings;
use nianbao::spec::{RowKind, TableId};

/// Defect kinds of `truth.json` and the code that reports each (the corpus README's mapping).
const KIND_CODES: &[(&str, &str)] = &[
    ("T3-ROW", "total-mismatch"),
    ("T3-SUM", "total-mismatch"),
    ("T4", "total-mismatch"),
    ("T3-ID", "balance-mismatch"),
    ("blank-cell", "cell-blank"),
    ("cites-2019-notice", "basis-outdated"),
    ("missing-row", "row-missing"),
    ("missing-section", "section-missing"),
    ("no-fee-statement", "fee-missing"),
    ("nonstandard-label", "row-label"),
    ("nonstandard-row-label", "row-label"),
    ("nonstandard-section-title", "section-title"),
    ("old-format-table", "format-outdated"),
    ("section-order", "section-order"),
    ("prose-contradicts-table", "text-mismatch"),
    ("prose-internal-sum", "text-mismatch"),
    ("cross-year-inconsistency", "prior-year-mismatch"),
];

/// Codes whose checks read more than one report or the prose; their annotations are judged by
/// their own tests, which know how to pair reports and which sentences are unambiguous.
const JUDGED_ELSEWHERE: &[&str] = &["text-mismatch", "prior-year-mismatch"];

/// Where each annotated defect is: words found on the line its diagnostic must start on (the
/// annotation says where in words, not by line). Keyed by file prefix and the defect's index in
/// the file's `defects`.
const LOCATORS: &[(&str, usize, &str)] = &[
    ("201", 0, "1、申请人|2、申请人|3、其他"),
    ("206", 0, "四、政府信息公开行政法复议、行政诉讼情况"),
    ("207", 0, "（七）总计"),
    ("210", 0, "五、存在的主要问题及改进措施"),
    ("211", 0, "2.其他法律和行政法规禁止公开"),
    ("211", 1, "不再受理其政府信息公开申请"),
    ("215", 0, "五、存在的主要问题及明年工作计划"),
    ("216", 0, "（七）总计"),
    ("216", 1, "（七）总计"),
    ("216", 2, "四、结转下年度继续办理"),
    ("216", 3, "四、结转下年度继续办理"),
    ("216", 4, "六、其他需要报告的事项"),
    ("217", 0, "2.申请人逾期未按收费通知要求缴纳费用|3.其他"),
    ("219", 0, "规范性文件"),
    ("219", 1, "规范性文件"),
    ("219", 2, "2.申请人逾期未按收费通知要求缴纳费用|3.其他"),
    ("230", 0, "四、政府信息公开行政复议与行政诉讼情况"),
];

/// Warnings and information that the annotation does not list, each with the reason it is
/// right: (file prefix, code, words on its line).
const ACCEPTED: &[(&str, &str, &str, &str)] = &[(
    "213",
    "period-mismatch",
    "",
    "information: the report never states its 统计期限 (the 2019 format asks for it in the \
     preamble); said as information, not as a fault",
)];

#[derive(serde::Deserialize)]
struct Entry {
    defects: Vec<Defect>,
}

#[derive(serde::Deserialize)]
struct Defect {
    kind: String,
    #[serde(rename = "where")]
    place: String,
    #[serde(default)]
    severity: Option<String>,
}

fn truth() -> BTreeMap<String, Entry> {
    let path = support::corpus_dir().join("truth.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("truth.json")
}

fn line_of(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// The words a person reads a diagnostic by: its line, and for a lone number or an empty cell
/// (one cell per line) the label line above it too.
fn place_of(text: &str, at: usize) -> String {
    let mut out = line_of(text, at).to_string();
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    while is_cell(&out) && start > 0 {
        let prev_end = start - 1;
        start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        out = text[start..prev_end].to_string();
    }
    out
}

fn is_cell(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.chars().all(|c| c.is_ascii_digit() || c == '.')
}

fn analyse(text: &str) -> (Document, Vec<Diagnostic>) {
    let doc = nianbao::parse::parse(text);
    let diags = nianbao::check::check(&doc, text, &Settings::default());
    (doc, diags)
}

/// Cells read against the cells the format has, per table: (read, expected). A cell is read when
/// its row was found and the cell holds a number (or a blank the shape shows).
fn cells_read(doc: &Document, id: TableId) -> (usize, usize) {
    let Some(report) = doc.reports.first() else {
        return (0, 0);
    };
    let Some(t) = report.table(id) else {
        return (0, 0);
    };
    let spec = t.spec();
    // The cells of the rows the table has (a row that is missing is `row-missing`'s to say).
    let expected: usize = t
        .rows
        .iter()
        .filter(|r| spec.rows[r.spec].kind == RowKind::Data || !r.cells.is_empty())
        .map(|r| spec.cols_of(r.spec).len())
        .sum();
    let read = t
        .rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .filter(|c| !c.missing && !matches!(c.value, Value::Blank))
                .count()
        })
        .sum();
    (read, expected)
}

#[test]
fn every_report_is_read_with_its_cells() {
    let mut table = String::new();
    for (name, text) in support::corpus() {
        let (doc, _) = analyse(&text);
        assert_eq!(doc.reports.len(), 1, "{name}: one report");
        let r = &doc.reports[0];
        assert!(r.year.is_some(), "{name}: the year is read from the title");
        for s in 0..6 {
            assert!(r.section(s).is_some(), "{name}: section {} found", s + 1);
        }
        let mut line = format!("{name:<48}");
        for id in [TableId::T2, TableId::T3, TableId::T4] {
            let (read, expected) = cells_read(&doc, id);
            let (_, format_has) = r.table(id).map_or((0, 0), |t| t.cells_read());
            line.push_str(&format!(" {:?} {read:>3}/{format_has:<3}", id));
            assert!(expected > 0, "{name}: table {id:?} found");
            // One-cell-per-line copies lose their empty cells (the README says where); every
            // other shape shows each cell.
            let one_cell_per_line = name.as_str() >= "210";
            if !one_cell_per_line {
                assert_eq!(read, expected, "{name}: every cell of table {id:?} read");
            } else {
                assert!(
                    read * 10 >= expected * 8,
                    "{name}: table {id:?}: {read}/{expected} cells"
                );
            }
        }
        table.push_str(&line);
        table.push('\n');
    }
    println!("cells read / cells of the format:\n{table}");
}

#[test]
fn annotated_defects_are_found_and_nothing_else_is_said() {
    let truth = truth();
    let codes: BTreeMap<&str, &str> = KIND_CODES.iter().copied().collect();
    let mut failures: Vec<String> = Vec::new();
    let mut review: Vec<String> = Vec::new();
    let mut found = 0;
    let mut annotated = 0;
    for (name, text) in support::corpus() {
        let file = format!("{name}.txt");
        let entry = truth
            .get(&file)
            .unwrap_or_else(|| panic!("{file} is not annotated"));
        let prefix = &name[..3];
        let (_, diags) = analyse(&text);
        let mut explained = vec![false; diags.len()];
        for (i, d) in entry.defects.iter().enumerate() {
            let Some(&code) = codes.get(d.kind.as_str()) else {
                continue; // typos, dates, enumerations: no code covers them
            };
            if JUDGED_ELSEWHERE.contains(&code) {
                continue;
            }
            annotated += 1;
            let Some(&(_, _, needle)) = LOCATORS.iter().find(|(f, k, _)| *f == prefix && *k == i)
            else {
                failures.push(format!(
                    "{file}: no locator for defect {i} ({} at {})",
                    d.kind, d.place
                ));
                continue;
            };
            // A defect that names several cells or rows is found by each of their diagnostics.
            let hits: Vec<usize> = diags
                .iter()
                .enumerate()
                .filter(|(_, x)| {
                    x.code.as_str() == code
                        && needle
                            .split('|')
                            .any(|n| place_of(&text, x.range.start).contains(n))
                })
                .map(|(j, _)| j)
                .collect();
            match hits.is_empty() {
                false => {
                    for j in hits {
                        explained[j] = true;
                    }
                    found += 1;
                }
                true => failures.push(format!(
                    "{file}: {code} not found on the line with 「{needle}」 ({} at {}; severity {:?})",
                    d.kind, d.place, d.severity
                )),
            }
        }
        for (j, x) in diags.iter().enumerate() {
            if explained[j] {
                continue;
            }
            let line = place_of(&text, x.range.start);
            let said = format!(
                "{file}: {} [{}] {} — on 「{}」",
                severity(x.severity),
                x.code.as_str(),
                x.message,
                line.trim()
            );
            if JUDGED_ELSEWHERE.contains(&x.code.as_str()) {
                continue;
            }
            let accepted = ACCEPTED.iter().find(|(f, c, needle, _)| {
                *f == prefix && *c == x.code.as_str() && line.contains(needle)
            });
            match (x.severity, accepted) {
                (Severity::Error, _) => failures.push(format!("unannotated error: {said}")),
                (_, Some((.., why))) => review.push(format!("{said}\n    accepted: {why}")),
                (_, None) => failures.push(format!("unannotated, not accepted: {said}")),
            }
        }
    }
    println!("annotated defects found: {found}/{annotated}");
    println!("not annotated, accepted:\n{}", review.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
        Severity::Information => "提示",
        Severity::Hint => "提示",
    }
}

/// Every number of tables 三 and 四 of every corpus report, changed on its own (+1 and +7),
/// gives a total or balance diagnostic on that cell or naming it.
#[test]
fn every_single_number_change_in_the_corpus_is_caught() {
    use nianbao::diag::Code;
    let mut mutations = 0usize;
    let mut located = 0usize;
    let mut missed: Vec<String> = Vec::new();
    for (name, text) in support::corpus() {
        let doc = nianbao::parse::parse(&text);
        let report = &doc.reports[0];
        for id in [TableId::T3, TableId::T4] {
            let Some(t) = report.table(id) else { continue };
            for row in &t.rows {
                for c in &row.cells {
                    let Value::Count(n) = c.value else { continue };
                    for new in [n + 1, n + 7] {
                        let mutated =
                            format!("{}{}{}", &text[..c.range.start], new, &text[c.range.end..]);
                        let cell = c.range.start..c.range.start + new.to_string().len();
                        let (_, d) = analyse(&mutated);
                        mutations += 1;
                        let hit = d.iter().any(|x| {
                            matches!(x.code, Code::TotalMismatch | Code::BalanceMismatch)
                                && (x.range == cell
                                    || x.related.iter().any(|rel| rel.range == cell))
                        });
                        if hit {
                            located += 1;
                        } else {
                            missed.push(format!(
                                "{name}: {id:?} row {} col {} {n}→{new}",
                                row.spec, c.col
                            ));
                        }
                    }
                }
            }
        }
    }
    let rate = located as f64 / mutations as f64;
    println!(
        "one-number changes: {mutations}, caught on or naming the cell: {located} ({:.1} %)\nmissed (first 20):\n{}",
        rate * 100.0,
        missed
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(mutations > 4000, "{mutations}");
    assert_eq!(located, mutations, "caught {located} of {mutations}");
}
