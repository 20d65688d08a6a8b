//! Checks: read a report and the format spec, and say what is wrong, where, and how to fix what
//! can be computed. Every label, title and relation comes from [`crate::spec`]; every sum from
//! [`crate::totals`].
//!
//! A check is one small function that declares the codes it emits, registered in the list of its
//! scope: [`TABLE_CHECKS`] read one table (their results are kept while the table's block is
//! unchanged), [`REPORT_CHECKS`] read one report, [`PAIR_CHECKS`] read a report's figures and
//! last year's ([`crate::prior`]). What a check may read from outside its scope is an explicit
//! value ([`TableContext`], [`ReportContext`], [`PriorYear`]) that is also a cache key of the
//! incremental checker (pair checks are cheap and never kept), so a check cannot silently depend
//! on something the cache does not know. A check none of whose codes is enabled is not run.

mod cells;
mod facts;
mod labels;
mod pair;
mod parts;
mod sections;
mod shape;
mod sums;
mod text;
mod todo;

use std::ops::Range;

use crate::diag::{Code, Diagnostic};
use crate::model::{Document, Report, ReportContext, Table, TableContext};
use crate::prior::{Figures, PriorYear};
use crate::settings::Settings;

/// A table check's view: the table, its report, the text, the settings.
pub struct TableCtx<'a> {
    pub report: &'a Report,
    pub table: &'a Table,
    pub context: TableContext,
    pub settings: &'a Settings,
    text: &'a str,
    /// The table's totals with their targets, computed at the first question.
    targets: std::cell::OnceCell<Vec<crate::totals::TotalCell>>,
}

impl<'a> TableCtx<'a> {
    /// Every 总计 cell of the table with its target (`totals::compute` with `Detail::Targets`),
    /// computed once for the checks of the table.
    pub fn targets(&self) -> &[crate::totals::TotalCell] {
        self.targets
            .get_or_init(|| crate::totals::compute(self.table, crate::totals::Detail::Targets))
    }

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

/// A pair check's view: this year's figures and last year's report of the same body.
pub struct PairCtx<'a> {
    pub figures: &'a Figures,
    pub prior: &'a PriorYear,
}

/// A registered check: the codes it may emit, and the function.
pub struct Check<F> {
    pub codes: &'static [Code],
    pub run: F,
}

pub type TableCheck = Check<fn(&TableCtx, &mut Vec<Diagnostic>)>;
pub type ReportCheck = Check<fn(&ReportCtx, &mut Vec<Diagnostic>)>;
pub type PairCheck = Check<fn(&PairCtx, &mut Vec<Diagnostic>)>;

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

/// Checks of a report against last year's report of the same body.
pub static PAIR_CHECKS: &[PairCheck] = &[
    Check {
        codes: &[Code::PriorYearMismatch],
        run: pair::carried,
    },
    Check {
        codes: &[Code::PriorYearMismatch],
        run: pair::in_force,
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
    check_with(doc, text, settings, &no_prior)
}

/// Finds last year's report of a body (its key, the year wanted) outside the checked text.
pub type Lookup<'a> = &'a dyn Fn(&str, i32) -> Option<PriorYear>;

/// A [`Lookup`] that finds nothing: only a compilation's own reports are paired.
pub fn no_prior(_: &str, _: i32) -> Option<PriorYear> {
    None
}

/// [`check`], with each report also checked against last year's report of its body: one in the
/// same text (a compilation), or else the one `lookup` finds.
pub fn check_with(
    doc: &Document,
    text: &str,
    settings: &Settings,
    lookup: Lookup,
) -> Vec<Diagnostic> {
    let eol = crate::parse::dominant_eol(text);
    let figures: Vec<Figures> = doc.reports.iter().map(Figures::of).collect();
    let mut out: Vec<Diagnostic> = Vec::new();
    for (i, r) in doc.reports.iter().enumerate() {
        let context = ReportContext::of(text, r.range.clone(), eol);
        let mut diags = report(r, text, &context, settings);
        if let Some(prior) = prior_of(&figures, i, lookup) {
            add_pair(&mut diags, pair(&figures[i], &prior, settings));
        }
        out.extend(diags);
    }
    settings.apply(&mut out, &doc.suppressions);
    out
}

/// Last year's report for the `i`-th of `reports` (the figures of a text's reports, in order):
/// one of the text's own, or else the one `lookup` finds.
pub fn prior_of(reports: &[Figures], i: usize, lookup: Lookup) -> Option<PriorYear> {
    let (key, year) = reports.get(i)?.identity()?;
    let here = reports
        .iter()
        .find(|f| f.identity() == Some((key, year - 1)));
    match here {
        Some(f) => Some(PriorYear {
            file: None,
            figures: f.clone(),
        }),
        None => lookup(key, year - 1).filter(|p| p.figures.identity() == Some((key, year - 1))),
    }
}

/// The diagnostics of a report's figures against last year's (before suppressions and
/// severities).
pub fn pair(figures: &Figures, prior: &PriorYear, settings: &Settings) -> Vec<Diagnostic> {
    let ctx = PairCtx { figures, prior };
    let mut out = Vec::new();
    run(PAIR_CHECKS, settings, &mut out, |f, out| f(&ctx, out));
    out
}

/// Adds a report's pair diagnostics to its own, in source order.
pub fn add_pair(diags: &mut Vec<Diagnostic>, pair: Vec<Diagnostic>) {
    if pair.is_empty() {
        return;
    }
    diags.extend(pair);
    sort(diags);
}

fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.range.start, a.range.end, a.code).cmp(&(b.range.start, b.range.end, b.code))
    });
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
    sort(&mut out);
    out
}

/// Each annual report of `text` as a report check sees it, given to `f` (for the checks' tests).
#[cfg(test)]
fn each_report(text: &str, mut f: impl FnMut(&ReportCtx)) {
    let doc = crate::parse::parse(text);
    for r in doc.annual_reports() {
        with_report(r, text, &mut f);
    }
}

/// `report`, a report of `text` (or one changed by a test), as a report check sees it.
#[cfg(test)]
fn with_report<R>(report: &Report, text: &str, f: impl FnOnce(&ReportCtx) -> R) -> R {
    let context = ReportContext::of(text, report.range.clone(), "\n");
    f(&ReportCtx {
        report,
        context: &context,
        text,
    })
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
        targets: Default::default(),
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
