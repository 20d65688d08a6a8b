//! Properties over generated input: no panic on any text, fixes clear what they fix and are
//! idempotent, and position conversions round-trip with CJK, surrogate pairs and every line break.

mod support;

use nianbao::check;
use nianbao::diag::Code;
use nianbao::fix::{apply_edits, fix_all};
use nianbao::model::Value;
use nianbao::parse::parse;
use nianbao::spec::TableId;
use nianbao::text::{Encoding, LineIndex, Position};
use proptest::prelude::*;

fn seeds() -> Vec<String> {
    support::seeds_in_every_shape()
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

fn check(doc: &nianbao::model::Document, text: &str) -> Vec<nianbao::diag::Diagnostic> {
    check::check(doc, text, &nianbao::settings::Settings::default())
}

/// Characters that matter to the parser, and some that should not.
fn report_char() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('\t'),
        Just('|'),
        Just('\n'),
        Just('\r'),
        Just(' '),
        Just('\u{3000}'),
        Just('\u{0C}'),
        Just('、'),
        Just('（'),
        Just('）'),
        Just('-'),
        Just('.'),
        Just('𠀀'),
        Just('#'),
        proptest::char::range('0', '9'),
        proptest::char::range('０', '９'),
        prop::sample::select("一二三四五六七总计本年新收结转予以公开不予处理其他情况申请行政复议诉讼规章报告年度政府信息".chars().collect::<Vec<_>>()),
        any::<char>(),
    ]
}

fn analyse(text: &str) {
    let r = parse(text);
    let d = check(&r, text);
    for x in &d {
        assert!(x.range.start <= x.range.end && x.range.end <= text.len());
        assert!(text.is_char_boundary(x.range.start) && text.is_char_boundary(x.range.end));
        for f in &x.fixes {
            for e in &f.edits {
                assert!(
                    e.range.end <= text.len()
                        && text.is_char_boundary(e.range.start)
                        && text.is_char_boundary(e.range.end)
                );
            }
        }
    }
    let _ = apply_edits(text, &fix_all(&d));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn any_text_is_survived(chars in prop::collection::vec(report_char(), 0..400)) {
        let text: String = chars.into_iter().collect();
        analyse(&text);
    }

    #[test]
    fn mutated_seeds_are_survived(seed in 0usize..11, cuts in prop::collection::vec((any::<prop::sample::Index>(), 0usize..40, prop::collection::vec(report_char(), 0..6)), 1..8)) {
        let seeds = seeds();
        let mut text = seeds[seed % seeds.len()].clone();
        for (at, len, insert) in cuts {
            let start = nianbao::text::floor_char_boundary(&text, at.index(text.len() + 1));
            let end = nianbao::text::floor_char_boundary(&text, (start + len).min(text.len()));
            let ins: String = insert.into_iter().collect();
            text.replace_range(start..end, &ins);
        }
        analyse(&text);
    }

    /// Change some numbers of tables 三 and 四; every safe fix applied together leaves no total
    /// wrong, and applying the fixes again changes nothing.
    #[test]
    fn fix_all_clears_totals_and_is_idempotent(seed in 0usize..11, changes in prop::collection::vec((any::<prop::sample::Index>(), 0i64..30), 1..6)) {
        let seeds = seeds();
        let text = seeds[seed % seeds.len()].clone();
        let r = parse(&text);
        let mut cells: Vec<std::ops::Range<usize>> = Vec::new();
        for id in [TableId::T3, TableId::T4] {
            if let Some(t) = r.reports[0].table(id) {
                for row in &t.rows {
                    cells.extend(row.cells.iter().filter(|c| matches!(c.value, Value::Count(_))).map(|c| c.range.clone()));
                }
            }
        }
        prop_assume!(!cells.is_empty());
        let mut edits: Vec<nianbao::diag::Edit> = changes
            .iter()
            .map(|(i, v)| nianbao::diag::Edit { range: cells[i.index(cells.len())].clone(), new_text: v.to_string() })
            .collect();
        edits.sort_by_key(|e| e.range.start);
        edits.dedup_by_key(|e| e.range.start);
        let mutated = apply_edits(&text, &edits);
        let d = check(&parse(&mutated), &mutated);
        let fixed = apply_edits(&mutated, &fix_all(&d));
        let after = check(&parse(&fixed), &fixed);
        prop_assert!(after.iter().all(|x| x.code != Code::TotalMismatch), "{:#?}", after.iter().filter(|x| x.code == Code::TotalMismatch).map(|x| &x.message).collect::<Vec<_>>());
        prop_assert!(fix_all(&after).is_empty());
    }

    /// Each single safe fix, applied alone, clears its own diagnostic.
    #[test]
    fn each_fix_clears_its_diagnostic(seed in 0usize..11, change in (any::<prop::sample::Index>(), 0i64..30)) {
        let seeds = seeds();
        let text = seeds[seed % seeds.len()].clone();
        let r = parse(&text);
        let t = r.reports[0].table(TableId::T3).unwrap();
        let cells: Vec<_> = t.rows.iter().flat_map(|row| row.cells.iter()).filter(|c| matches!(c.value, Value::Count(_))).collect();
        let c = cells[change.0.index(cells.len())];
        let mutated = format!("{}{}{}", &text[..c.range.start], change.1, &text[c.range.end..]);
        let d = check(&parse(&mutated), &mutated);
        for x in d.iter().filter(|x| x.fixes.iter().any(|f| f.is_safe())) {
            let f = x.fixes.iter().find(|f| f.is_safe()).unwrap();
            let once = apply_edits(&mutated, &f.edits);
            let again = check(&parse(&once), &once);
            let start = x.range.start;
            prop_assert!(!again.iter().any(|y| y.code == x.code && y.range.start == start), "{} still there after «{}»", x.message, f.title);
        }
    }

    /// offset → position → offset is the identity on character boundaries, in every encoding.
    #[test]
    fn positions_round_trip(chars in prop::collection::vec(prop_oneof![Just('\n'), Just('\r'), Just('总'), Just('𠀀'), Just('a'), Just('\t')], 0..80)) {
        let text: String = chars.into_iter().collect();
        let idx = LineIndex::new(&text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for (i, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                // Offsets inside a CRLF pair are not character starts for an editor: skip them.
                if i > 0 && text.as_bytes()[i - 1] == b'\r' && text.as_bytes().get(i) == Some(&b'\n') {
                    continue;
                }
                let p = idx.position(&text, i, enc);
                prop_assert_eq!(idx.offset(&text, p, enc), i, "{:?} {:?}", enc, p);
            }
            // Any position maps inside the text, on a boundary.
            let o = idx.offset(&text, Position { line: 3, character: 1000 }, enc);
            prop_assert!(o <= text.len() && text.is_char_boundary(o));
        }
    }
}

/// The standard draft with its tables 三 and 四 filled from `cells` (one entry per count cell, in
/// order: `None` leaves the cell blank, `Some(n)` writes n; cells beyond the list stay 0).
fn filled_draft(cells: &[Option<u8>]) -> String {
    let draft = nianbao::draft::new_report("某某县某某局", 2025);
    let doc = parse(&draft);
    let mut edits = Vec::new();
    let mut k = 0;
    for id in [TableId::T3, TableId::T4] {
        let t = doc.reports[0].table(id).unwrap();
        for row in &t.rows {
            for c in &row.cells {
                if let Some(v) = cells.get(k) {
                    edits.push(nianbao::diag::Edit {
                        range: c.range.clone(),
                        new_text: v.map_or(String::new(), |n| n.to_string()),
                    });
                }
                k += 1;
            }
        }
    }
    apply_edits(&draft, &edits)
}

/// A cell value for [`filled_draft`]: blank often, small numbers otherwise.
fn cell_value() -> impl Strategy<Value = Option<u8>> {
    prop_oneof![3 => Just(None), 2 => Just(Some(0)), 4 => (1u8..6).prop_map(Some)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    /// One definition of a wrong total: for tables with blanks anywhere, the totals that
    /// `total-mismatch` reports are exactly the cells 填入本表全部总计 changes and the cells that
    /// get an inlay hint; and after filling them no total is wrong.
    #[test]
    fn check_fill_all_and_hints_agree(cells in prop::collection::vec(cell_value(), 0..240)) {
        let text = filled_draft(&cells);
        let doc = parse(&text);
        let report = &doc.reports[0];
        let mut reported: Vec<usize> = check(&doc, &text)
            .iter()
            .filter(|d| d.code == Code::TotalMismatch)
            .map(|d| d.range.start)
            .collect();
        let mut filled: Vec<usize> = [TableId::T3, TableId::T4]
            .into_iter()
            .flat_map(|id| nianbao::fix::fill_table_totals(report, id))
            .map(|e| e.range.start)
            .collect();
        // A hint stands at the end of its cell's text (or at the blank cell's insertion point).
        let mut hinted: Vec<usize> = Vec::new();
        for h in nianbao::ide::inlay_hints(&doc, 0..text.len()) {
            let cell = report
                .tables
                .iter()
                .flat_map(|t| t.rows.iter().flat_map(|r| r.cells.iter()))
                .find(|c| if c.range.is_empty() { c.span.start.max(c.range.start) == h.at } else { c.range.end == h.at })
                .expect("a hint stands at a cell");
            hinted.push(cell.range.start);
        }
        reported.sort();
        filled.sort();
        hinted.sort();
        prop_assert_eq!(&reported, &filled);
        prop_assert_eq!(&reported, &hinted);
        let edits: Vec<_> = [TableId::T3, TableId::T4]
            .into_iter()
            .flat_map(|id| nianbao::fix::fill_table_totals(report, id))
            .collect();
        let after = apply_edits(&text, &edits);
        let again = check(&parse(&after), &after);
        prop_assert!(again.iter().all(|d| d.code != Code::TotalMismatch), "{:#?}", again.iter().filter(|d| d.code == Code::TotalMismatch).map(|d| &d.message).collect::<Vec<_>>());
    }
}

/// Large and hostile inputs parse and check (their cost is measured by `cargo bench`).
#[test]
fn pathological_inputs_are_survived() {
    let long_line = "总计\t".repeat(1_000_000) + &"一".repeat(1_000_000);
    analyse(&long_line);
    let mut rows = String::from("三、收到和处理政府信息公开申请情况\n");
    for i in 0..100_000 {
        rows.push_str(&format!("（一）予以公开\t{i}\t0\t0\t0\t0\t0\t{}\n", i + 1));
    }
    analyse(&rows);
    let headings =
        "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n".repeat(3000);
    analyse(&headings);
    let garbage_rows = "某某某某某某某\t1\t2\t3\n".repeat(20_000);
    analyse(&format!(
        "三、收到和处理政府信息公开申请情况\n{garbage_rows}"
    ));
}

/// A table line damaged the way drafters damage them.
#[derive(Debug, Clone)]
enum Damage {
    /// A cell delimiter deleted: two cells merged.
    Merge,
    /// An empty cell added.
    Extra,
    /// A cell removed with its delimiter.
    Remove,
    /// A number cell's text replaced by words or marks.
    Words(&'static str),
    /// A number cell's value changed.
    Number(u8),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        Just(Damage::Merge),
        Just(Damage::Extra),
        Just(Damage::Remove),
        prop::sample::select(vec![
            "五",
            "一",
            "约5",
            "x",
            "3（件）",
            "十二",
            "1 0",
            "5  2"
        ])
        .prop_map(Damage::Words),
        (0u8..12).prop_map(Damage::Number),
    ]
}

/// Applies a damage to the `which`-th delimited line of a table (delimiter `sep`).
fn damaged(text: &str, sep: char, which: usize, at: usize, d: &Damage) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let rows: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            lines[i].matches(sep).count() >= 3 && lines[i].chars().any(|c| c.is_ascii_digit())
        })
        .collect();
    if rows.is_empty() {
        return text.to_string();
    }
    let li = rows[which % rows.len()];
    let line = lines[li];
    let seps: Vec<usize> = line.match_indices(sep).map(|(i, _)| i).collect();
    let cut = seps[at % seps.len()];
    let new_line = match d {
        Damage::Merge => format!("{}{}", &line[..cut], &line[cut + sep.len_utf8()..]),
        Damage::Extra => format!("{}{sep}{}", &line[..cut], &line[cut..]),
        Damage::Remove => {
            let next = seps
                .iter()
                .find(|&&s| s > cut)
                .copied()
                .unwrap_or(line.len());
            format!("{}{}", &line[..cut], &line[next..])
        }
        Damage::Words(_) | Damage::Number(_) => {
            // The number cell after the cut, if any.
            let Some(m) = line[cut..]
                .char_indices()
                .find(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| cut + i)
            else {
                return text.to_string();
            };
            let end = line[m..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(line.len(), |e| m + e);
            let new = match d {
                Damage::Words(w) => w.to_string(),
                Damage::Number(n) => n.to_string(),
                _ => unreachable!(),
            };
            format!("{}{new}{}", &line[..m], &line[end..])
        }
    };
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    out[li] = new_line;
    out.join("\n")
}

/// The number of cell delimiters on each line.
fn delimiters(text: &str) -> Vec<usize> {
    text.split('\n')
        .map(|l| l.matches(['|', '\t']).count())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// Safe fixes never damage a file: on tables damaged in any way, applying every safe fix
    /// changes no line's number of cells, touches only total cells, labels and titles, and a
    /// second fix-all finds nothing more to do.
    #[test]
    fn safe_fixes_never_damage_a_row(
        shape in 0usize..3,
        damages in prop::collection::vec((any::<usize>(), any::<usize>(), damage()), 1..5),
    ) {
        let (mut text, sep) = match shape {
            0 => (nianbao::draft::new_report("某某县某某局", 2025), '|'),
            1 => (support::seed("000"), '\t'),
            _ => (support::seed("002"), '\t'),
        };
        for (which, at, d) in &damages {
            text = damaged(&text, sep, *which, *at, d);
        }
        let doc = parse(&text);
        let d = check(&doc, &text);
        let edits = fix_all(&d);
        // Every edit replaces a total cell, a label or a title.
        let mut allowed: Vec<std::ops::Range<usize>> = Vec::new();
        for r in &doc.reports {
            for s in &r.sections {
                allowed.push(s.title_range.clone());
            }
            for t in &r.tables {
                for tc in nianbao::totals::compute(t, nianbao::totals::Detail::Targets) {
                    allowed.push(tc.cell(t).range.clone());
                }
                for row in &t.rows {
                    allowed.extend(row.label.iter().cloned());
                    allowed.extend(row.groups.iter().map(|g| g.range.clone()));
                }
                allowed.extend(t.headers.iter().map(|h| h.range.clone()));
            }
        }
        for e in &edits {
            prop_assert!(allowed.contains(&e.range), "an edit outside totals and labels: {:?} «{}» → {:?}", e.range, &text[e.range.clone()], e.new_text);
        }
        let fixed = apply_edits(&text, &edits);
        prop_assert_eq!(delimiters(&fixed), delimiters(&text), "a line's cells changed");
        let again = check(&parse(&fixed), &fixed);
        prop_assert!(fix_all(&again).is_empty(), "a second fix-all changes {:?}", fix_all(&again));
    }
}
