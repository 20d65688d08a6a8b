//! Applying fixes: every safe fix of a text at once, 填入本表全部总计, and edits applied to a text.
//! Which fixes exist is decided by the checks; which totals are wrong by [`crate::totals`].

use crate::diag::{Applicability, Diagnostic, Edit};
use crate::edit;
use crate::model::Report;
use crate::spec::TableId;
use crate::totals;

/// Applies non-overlapping edits (in any order) to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut es: Vec<&Edit> = edits.iter().collect();
    es.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in es {
        if e.range.start < at || e.range.end > text.len() || e.range.start > e.range.end {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.new_text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Keeps the first of any edits that overlap (or insert at the same point), in source order.
pub fn non_overlapping(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup();
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    for e in edits {
        if let Some(last) = out.last()
            && (e.range.start < last.range.end
                || (e.range.start == last.range.start && e.range.start == e.range.end))
        {
            continue;
        }
        out.push(e);
    }
    out
}

/// 填入本表全部总计: every wrong 总计 of one table set to its computed value.
pub fn fill_table_totals(report: &Report, id: TableId) -> Vec<Edit> {
    let Some(t) = report.table(id) else {
        return Vec::new();
    };
    let edits = totals::compute(t, totals::Detail::Targets)
        .into_iter()
        .filter(totals::TotalCell::is_wrong)
        .map(|tc| edit::set_cell(t, tc.cell(t), tc.target, report.eol))
        .collect();
    non_overlapping(edits)
}

/// The edits of every fix of the diagnostics that is at least as trusted as `at_least` (the first
/// such fix of each diagnostic), each fix applied whole or not at all: a fix one of whose edits
/// overlaps an edit already taken is left out entirely. Applying the result and checking again
/// reports none of the fixed problems.
pub fn fix_all_with(diags: &[Diagnostic], at_least: Applicability) -> Vec<Edit> {
    let mut fixes: Vec<&[Edit]> = diags
        .iter()
        .filter_map(|d| d.fixes.iter().find(|f| f.applicability <= at_least))
        .filter(|f| f.applicability != Applicability::DisplayOnly)
        .map(|f| f.edits.as_slice())
        .collect();
    fixes.sort_by_key(|edits| edits.iter().map(|e| (e.range.start, e.range.end)).min());
    // The edits taken so far, by start: (end, edit).
    let mut taken: std::collections::BTreeMap<usize, Vec<&Edit>> = Default::default();
    let clashes = |taken: &std::collections::BTreeMap<usize, Vec<&Edit>>, e: &Edit| {
        // An edit taken that starts before `e` ends and ends after `e` starts (or inserts at the
        // same point), other than the same edit (two diagnostics may share one fix).
        taken
            .range(..=e.range.end)
            .rev()
            // Taken edits do not overlap one another, so their ends grow with their starts:
            // once one ends before `e` starts, every earlier one does too.
            .take_while(|(start, v)| {
                **start >= e.range.start || v.iter().any(|t| t.range.end >= e.range.start)
            })
            .flat_map(|(_, v)| v.iter())
            .any(|t| {
                *t != e
                    && (overlaps(&e.range, &t.range)
                        || (t.range.start == e.range.start
                            && (e.range.is_empty() || t.range.is_empty())))
            })
    };
    for edits in fixes {
        if edits.iter().any(|e| clashes(&taken, e)) {
            continue;
        }
        for e in edits {
            let same = taken.get(&e.range.start).is_some_and(|v| v.contains(&e));
            if !same {
                taken.entry(e.range.start).or_default().push(e);
            }
        }
    }
    taken.into_values().flatten().cloned().collect()
}

/// Every safe fix of the diagnostics (computed totals, standard labels and titles), see
/// [`fix_all_with`].
pub fn fix_all(diags: &[Diagnostic]) -> Vec<Edit> {
    fix_all_with(diags, Applicability::Safe)
}

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Fix};

    fn diag(fix: Fix) -> Diagnostic {
        Diagnostic::new(Code::TotalMismatch, 0..0, "").with_fix(fix)
    }

    #[test]
    fn a_fix_is_applied_whole_or_not_at_all() {
        let a = Fix::safe("a", Edit::replace(0..2, "x"));
        // Two edits, the second overlapping `a`: none of its edits is taken.
        let b = Fix {
            edits: vec![Edit::replace(5..6, "y"), Edit::replace(1..3, "z")],
            ..Fix::safe("b", Edit::replace(0..0, ""))
        };
        let c = Fix::safe("c", Edit::replace(8..9, "w"));
        let edits = fix_all(&[diag(a.clone()), diag(b), diag(c), diag(a)]);
        let got: Vec<_> = edits
            .iter()
            .map(|e| (e.range.clone(), e.new_text.as_str()))
            .collect();
        assert_eq!(got, [(0..2, "x"), (8..9, "w")]);
    }

    #[test]
    fn only_trusted_fixes_are_applied() {
        let unsafe_fix = Fix::unsafe_edit("u", Edit::insert(3, "u"));
        let shown = Fix::display_only("d", Edit::replace(5..6, "d"));
        let safe = Fix::safe("s", Edit::replace(0..1, "s"));
        let diags = [diag(unsafe_fix), diag(shown), diag(safe)];
        assert_eq!(fix_all(&diags).len(), 1);
        assert_eq!(fix_all_with(&diags, Applicability::Unsafe).len(), 2);
        assert_eq!(fix_all_with(&diags, Applicability::DisplayOnly).len(), 2);
    }
}
