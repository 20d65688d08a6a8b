//! Checks: read a report and the format spec, and say what is wrong, where, and how to fix what
//! can be computed. Every label, title and relation comes from [`crate::spec`]; every sum from
//! [`crate::totals`].
//!
//! A check is one small function that declares the codes it emits, registered in the list of its
//! scope: [`TABLE_CHECKS`] read one table (their results are kept while the table's block is
//! unchanged), [`REPORT_CHECKS`] read one report. What a check may read from outside its scope is
//! an explicit value ([`TableContext`], [`ReportContext`]) that is also a cache key of the
//! incremental checker, so a check cannot silently depend on something the cache does not know.
//! A check none of whose codes is enabled is not run.

mod cells;
mod facts;
mod labels;
mod sections;
mod shape;
mod sums;
mod text;
mod todo;

use std::ops::Range;

use crate::diag::{Code, Diagnostic};
use crate::model::{Document, Report, ReportContext, Table, TableContext};
use crate::settings::Settings;

/// A table check's view: the table, its report, the text, the settings.
pub struct TableCtx<'a> {
    pub report: &'a Report,
    pub table: &'a Table,
    pub context: TableContext,
    pub settings: &'a Settings,
    text: &'a str,
}

impl<'a> TableCtx<'a> {
    /// The text of `range`, which must lie inside the table's report.
    pub fn slice(&self, range: Range<usize>) -> &'a str {
        debug_assert!(
            self.report.range.start <= range.start && range.end <= self.report.range.end,
            "a table check read outside its report"
        );
        &self.text[range]
    }

    /// The whole text, for the edit builders (which read only inside the report).
    fn text(&self) -> &'a str {
        self.text
    }
}

/// A report check's view: the report, the text of its part.
pub struct ReportCtx<'a> {
    pub report: &'a Report,
    pub context: &'a ReportContext,
    text: &'a str,
}

impl<'a> ReportCtx<'a> {
    /// The text of `range`, which must lie inside the report.
    pub fn slice(&self, range: Range<usize>) -> &'a str {
        debug_assert!(
            self.report.range.start <= range.start && range.end <= self.report.range.end,
            "a report check read outside its report"
        );
        &self.text[range]
    }

    /// The whole text, for the edit builders (which read only inside the report).
    fn text(&self) -> &'a str {
        self.text
    }
}

/// A registered check: the codes it may emit, and the function.
pub struct Check<F> {
    pub codes: &'static [Code],
    pub run: F,
}

pub type TableCheck = Check<fn(&TableCtx, &mut Vec<Diagnostic>)>;
pub type ReportCheck = Check<fn(&ReportCtx, &mut Vec<Diagnostic>)>;

/// Checks of one table.
pub static TABLE_CHECKS: &[TableCheck] = &[
    Check {
        codes: &[Code::RowMissing],
        run: labels::rows_missing,
    },
    Check {
        codes: &[Code::RowLabel],
        run: labels::row_labels,
    },
    Check {
        codes: &[Code::RowShape],
        run: shape::rows,
    },
    Check {
        codes: &[Code::ValueInvalid, Code::CellBlank],
        run: cells::values,
    },
    Check {
        codes: &[Code::TotalMismatch],
        run: sums::totals,
    },
    Check {
        codes: &[Code::BalanceMismatch],
        run: sums::balance,
    },
];

/// Checks of one report (its tables' own checks apart).
pub static REPORT_CHECKS: &[ReportCheck] = &[
    Check {
        codes: &[Code::SectionOrder, Code::SectionTitle],
        run: sections::order_and_titles,
    },
    Check {
        codes: &[Code::SectionMissing],
        run: sections::missing,
    },
    Check {
        codes: &[Code::TableMissing],
        run: sections::tables_missing,
    },
    Check {
        codes: &[Code::BasisOutdated],
        run: facts::basis,
    },
    Check {
        codes: &[Code::FormatOutdated],
        run: facts::format_outdated,
    },
    Check {
        codes: &[Code::FeeMissing],
        run: facts::fee,
    },
    Check {
        codes: &[Code::PeriodMismatch],
        run: facts::period,
    },
    Check {
        codes: &[Code::GuizhangLevel],
        run: facts::guizhang,
    },
    Check {
        codes: &[Code::DraftTodo],
        run: todo::draft_todo,
    },
    Check {
        codes: &[Code::TextMismatch],
        run: text::text_mismatch,
    },
];

/// Runs the checks that have an enabled code (`call` runs one), and keeps only the diagnostics of
/// enabled codes.
fn run<F>(
    checks: &[Check<F>],
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
    call: impl Fn(&F, &mut Vec<Diagnostic>),
) {
    let from = out.len();
    for c in checks {
        if c.codes.iter().any(|&code| settings.enabled(code)) {
            call(&c.run, out);
        }
    }
    // A check that emits several codes may have emitted a disabled one.
    let mut i = from;
    while i < out.len() {
        if settings.enabled(out[i].code) {
            i += 1;
        } else {
            out.swap_remove(i);
        }
    }
}

/// Every diagnostic of a text as shown: each report's (a compilation's reports are checked one by
/// one; a text that is not a report gets none), with the settings and the suppression comments
/// applied, in source order.
pub fn check(doc: &Document, text: &str, settings: &Settings) -> Vec<Diagnostic> {
    let eol = crate::parse::dominant_eol(text);
    let mut out: Vec<Diagnostic> = Vec::new();
    for r in &doc.reports {
        let context = ReportContext::of(text, r.range.clone(), eol);
        out.extend(report(r, text, &context, settings));
    }
    settings.apply(&mut out, &doc.suppressions);
    out
}

/// The diagnostics of one report, in source order, before suppressions and severities; none when
/// its part of the text is not an annual report.
pub fn report(
    report: &Report,
    text: &str,
    context: &ReportContext,
    settings: &Settings,
) -> Vec<Diagnostic> {
    report_with(report, text, context, settings, |t| {
        table(report, t, text, TableContext { eol: context.eol }, settings)
    })
}

/// [`report`], with the diagnostics of each table given by `of_table` (which may have kept them
/// from an earlier check of the same table: they depend only on the table, its lines, the
/// [`TableContext`] and the settings).
pub fn report_with(
    report: &Report,
    text: &str,
    context: &ReportContext,
    settings: &Settings,
    mut of_table: impl FnMut(&Table) -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if !report.is_annual_report() {
        return Vec::new();
    }
    let ctx = ReportCtx {
        report,
        context,
        text,
    };
    let mut out = Vec::new();
    run(REPORT_CHECKS, settings, &mut out, |f, out| f(&ctx, out));
    for t in &report.tables {
        out.extend(of_table(t));
    }
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
    out
}

/// The diagnostics of one table of a report.
pub fn table(
    report: &Report,
    table: &Table,
    text: &str,
    context: TableContext,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let ctx = TableCtx {
        report,
        table,
        context,
        settings,
        text,
    };
    let mut out = Vec::new();
    run(TABLE_CHECKS, settings, &mut out, |f, out| f(&ctx, out));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn codes(text: &str) -> Vec<String> {
        let doc = parse(text);
        check(&doc, text, &Settings::default())
            .iter()
            .map(|d| format!("{} {} {}", d.code, &text[d.range.clone()], d.message))
            .collect()
    }

    #[test]
    fn not_a_report_is_silent() {
        assert!(codes("hello\nworld").is_empty());
    }

    #[test]
    fn every_code_is_registered_once() {
        let mut seen: Vec<Code> = TABLE_CHECKS
            .iter()
            .flat_map(|c| c.codes)
            .chain(REPORT_CHECKS.iter().flat_map(|c| c.codes))
            .copied()
            .collect();
        let n = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), n, "a code registered twice");
    }
}
