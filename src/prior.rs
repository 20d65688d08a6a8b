//! Last year's report as an input of this year's checks: the body and year that identify a report,
//! and the figures the next year's report must continue (table 三's 结转下年度继续办理, table 二's
//! 现行有效件数). Plain data, read once from a report and compared by the pair checks
//! ([`crate::check::pair`]); a front end finds last year's report by [`Figures::key`] and
//! [`Figures::year`] and hands its figures over as a [`PriorYear`].

use std::ops::Range;

use crate::diag::FileId;
use crate::model::{Document, Report, Table, Value};
use crate::spec::{Edition, TableId, t2, t3};

/// A number read with certainty from one cell, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub value: i64,
    pub range: Range<usize>,
}

/// 制发 / 废止 / 现行有效 of one kind of document (规章 or 行政规范性文件) in table 二.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Documents {
    /// The row of table 二 ([`t2::GUIZHANG`] or [`t2::NORMATIVE`]).
    pub row: usize,
    pub issued: Option<Figure>,
    pub repealed: Option<Figure>,
    pub in_force: Option<Figure>,
}

/// What a report's pair checks read, in the year it was written and as last year's report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    /// The body, normalised ([`body_key`]); `None` when the report does not name it.
    pub key: Option<String>,
    /// The name as written, for messages.
    pub org: Option<String>,
    pub year: Option<i32>,
    /// Table 三's 二、上年结转政府信息公开申请数量, by column (`None`: not a number).
    pub carried_in: Vec<Option<Figure>>,
    /// Table 三's 四、结转下年度继续办理, by column.
    pub carry_next: Vec<Option<Figure>>,
    /// Table 二's 规章 and 行政规范性文件 rows, when the table is in the 2021 layout.
    pub documents: Vec<Documents>,
}

/// Last year's report of the same body: its figures, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorYear {
    /// `None`: the checked text itself (a compilation holding both years).
    pub file: Option<FileId>,
    pub figures: Figures,
}

/// A body's name as the key that matches its reports of different years: letters folded
/// (full-width to half-width), blanks and punctuation dropped.
pub fn body_key(org: &str) -> String {
    crate::text::norm(org)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

impl Figures {
    /// The figures of one report (empty for a text that is not an annual report).
    pub fn of(report: &Report) -> Figures {
        if !report.is_annual_report() {
            return Figures::default();
        }
        let key = report
            .org
            .as_deref()
            .map(body_key)
            .filter(|k| !k.is_empty());
        let mut f = Figures {
            org: report.org.clone().filter(|_| key.is_some()),
            key,
            year: report.year,
            ..Figures::default()
        };
        if let Some(t) = report.table(TableId::T3) {
            f.carried_in = row_figures(t, t3::CARRIED);
            f.carry_next = row_figures(t, t3::CARRY_NEXT);
        }
        if let Some(t) = report.table(TableId::T2)
            && t.edition == Edition::Y2021
        {
            for row in [t2::GUIZHANG, t2::NORMATIVE] {
                let cells = row_figures(t, row);
                let at = |c: usize| cells.get(c).cloned().flatten();
                f.documents.push(Documents {
                    row,
                    issued: at(t2::ISSUED),
                    repealed: at(t2::REPEALED),
                    in_force: at(t2::IN_FORCE),
                });
            }
        }
        f
    }

    /// Whether the report can be matched with another year's: it names its body and its year.
    pub fn identity(&self) -> Option<(&str, i32)> {
        Some((self.key.as_deref()?, self.year?))
    }

    /// Every range of the figures (to move them with their text).
    pub fn ranges_mut(&mut self) -> impl Iterator<Item = &mut Range<usize>> {
        let cells = self
            .carried_in
            .iter_mut()
            .chain(self.carry_next.iter_mut())
            .flatten();
        let docs = self
            .documents
            .iter_mut()
            .flat_map(|d| [&mut d.issued, &mut d.repealed, &mut d.in_force])
            .flatten();
        cells.chain(docs).map(|c| &mut c.range)
    }
}

/// The numbers of a row, by column, when the row's cells stand in their columns for certain; a
/// blank or unreadable cell has none.
fn row_figures(t: &Table, spec_row: usize) -> Vec<Option<Figure>> {
    let Some(row) = t.row(spec_row).filter(|r| r.fit.is_certain()) else {
        return Vec::new();
    };
    row.cells
        .iter()
        .map(|c| match c.value {
            Value::Count(n) => Some(Figure {
                value: n,
                range: c.range.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The body and year of each report of a text that names both (what an index of reports by body
/// and year needs).
pub fn identities(doc: &Document) -> Vec<(String, i32)> {
    doc.reports
        .iter()
        .filter_map(|r| {
            let f = Figures {
                key: r.org.as_deref().map(body_key),
                year: r.year,
                ..Figures::default()
            };
            f.identity().map(|(k, y)| (k.to_string(), y))
        })
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// How much of a text's beginning names the body and the year of its (first) report: the title
/// block and the lines around it.
pub const HEAD_BYTES: usize = 8 * 1024;

/// The body and year of a text's first report, read from its beginning only (cheap enough to run
/// on every file of a folder before checking any).
pub fn sniff(text: &str) -> Option<(String, i32)> {
    let mut end = crate::text::floor_char_boundary(text, HEAD_BYTES.min(text.len()));
    // The title block ends where section 一 begins (the lines up to it and one more are read:
    // the body is named there, or in the signature, which a head does not reach).
    let mut seen_title = false;
    for line in crate::text::lines_iter(&text[..end]) {
        let s = text[line.content.clone()].trim_start_matches(['#', ' ', '\t', '\u{3000}']);
        if seen_title && (s.starts_with("一、") || s.starts_with("一.") || s.starts_with("一．"))
        {
            end = line.full.end;
            break;
        }
        seen_title |= s.contains("年度报告");
    }
    let head = &text[..end];
    identities(&crate::parse::parse(head)).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn names_fold_to_one_key() {
        assert_eq!(body_key("某某县 财政局"), body_key("某某县财政局"));
        assert_eq!(body_key("ＡＢ市（区）民政局"), body_key("AB市区民政局"));
        assert_ne!(body_key("甲县财政局"), body_key("乙县财政局"));
    }

    #[test]
    fn a_seed_gives_its_figures() {
        let (_, text) = crate::test_support::seeds().into_iter().next().unwrap();
        let doc = parse(&text);
        let r = doc.annual_reports().next().unwrap();
        let f = Figures::of(r);
        assert!(f.identity().is_some(), "{f:?}");
        assert_eq!(f.carried_in.len(), 7);
        assert_eq!(f.carry_next.len(), 7);
        for c in f.carried_in.iter().chain(&f.carry_next).flatten() {
            assert_eq!(text[c.range.clone()].trim(), c.value.to_string());
        }
        assert_eq!(f.documents.len(), 2);
        assert_eq!(
            sniff(&text).as_ref().map(|(k, y)| (k.as_str(), *y)),
            f.identity()
        );
    }
}
