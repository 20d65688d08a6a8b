//! What of a draft is still to be filled in (`draft-todo`): the prompts of the standard draft, the
//! revision marks of a draft made from last year's report, a date without its day, a title or a
//! signature that still names 某某 or XX.

use std::ops::Range;

use super::ReportCtx;
use super::parts::{self, Memo, Part};
use crate::diag::{Code, Diagnostic};
use crate::spec;

/// The longest prompt looked at (in bytes); longer parentheses are prose.
const MAX_PROMPT: usize = 240;

pub fn draft_todo(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    let r = ctx.report;
    let text = ctx.slice(r.range.clone());
    let base = r.range.start;
    // What is found in a line depends on the line alone: part by part, each part's findings
    // remembered by its text (a keystroke finds again those of the parts not typed in).
    let parts = ctx.parts().unwrap_or_else(|| {
        vec![Part {
            range: r.range.clone(),
            section: None,
        }]
    });
    for p in parts {
        let found = parts::remembered(&FOUND, ctx.slice(p.range.clone()), (), (), || {
            in_lines(ctx.slice(p.range.clone()))
        });
        out.extend(found.iter().map(|(range, message)| {
            Diagnostic::new(
                Code::DraftTodo,
                p.range.start + range.start..p.range.start + range.end,
                message.clone(),
            )
        }));
    }
    let mut named: Vec<Range<usize>> = Vec::new();
    if let Some(t) = &r.title
        && let Some(p) = stand_in_name(&t.text)
    {
        named.push(t.range.clone());
        out.push(Diagnostic::new(
            Code::DraftTodo,
            t.range.clone(),
            format!("标题中的「{p}」是占位文字，请写出机关全称"),
        ));
    }
    for line in signature(text) {
        let s = &text[line.clone()];
        let range = base + line.start..base + line.end;
        if let Some(p) = stand_in_name(s)
            && !named.contains(&range)
        {
            out.push(Diagnostic::new(
                Code::DraftTodo,
                range,
                format!("落款中的「{p}」是占位文字，请写出机关全称和日期"),
            ));
        }
    }
}

/// What is to be filled in, found within lines: prompts, revision marks, dates without their day
/// (places in `text`, messages).
fn in_lines(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    for (range, prompt) in prompts(text) {
        out.push((
            range,
            format!("尚未填写：「{prompt}」是模板中的填写提示，请换成本机关的实际内容"),
        ));
    }
    for at in memchr::memmem::find_iter(text.as_bytes(), spec::REVISION_MARK) {
        let end = crate::text::line_end(text, at);
        out.push((
            at..end,
            format!(
                "此段沿用上一年度报告的内容，请按本年度情况修改后删去「{}」",
                spec::REVISION_MARK
            ),
        ));
    }
    for range in dates_without_day(text) {
        let message = format!(
            "日期「{}」不完整，请填写具体日期",
            text[range.clone()].trim()
        );
        out.push((range, message));
    }
    out
}

thread_local! {
    /// What [`in_lines`] found in the parts of reports.
    static FOUND: Memo<(), Vec<(Range<usize>, String)>> = Default::default();
}

/// The prompts in a text: parenthesised texts that start with a prompt word or hold one.
fn prompts(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    // The opening parentheses, `（` and `(`, by two byte searches (the text is mostly Chinese,
    // whose other full-width signs begin with the same byte as `（`).
    let bytes = text.as_bytes();
    let mut opens: Vec<usize> = memchr::memmem::find_iter(bytes, "（".as_bytes())
        .chain(memchr::memchr_iter(b'(', bytes))
        .collect();
    opens.sort_unstable();
    // The end of the last prompt found: parentheses inside it are its own.
    let mut from = 0;
    for open in opens {
        if open < from {
            continue;
        }
        let after = open + text[open..].chars().next().map_or(1, char::len_utf8);
        let limit = crate::text::floor_char_boundary(text, (after + MAX_PROMPT).min(text.len()));
        let rest = &text[after..limit];
        let Some(j) = rest.find(['）', ')', '\n', '\r']) else {
            continue;
        };
        let inner = &rest[..j];
        let close = after + j;
        let closed = text[close..].starts_with(['）', ')']);
        if closed
            && (spec::DRAFT_PROMPT_STARTS
                .iter()
                .any(|w| inner.trim_start().starts_with(w))
                || spec::DRAFT_PROMPT_WORDS.iter().any(|w| inner.contains(w)))
        {
            let end = close + text[close..].chars().next().map_or(1, char::len_utf8);
            out.push((open..end, &text[open..end]));
            from = end;
        }
    }
    out
}

/// Dates whose day (or month and day) is left blank: 「2026年1月  日」, 「2026年  月  日」.
fn dates_without_day(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(text.as_bytes(), "日") {
        // Back from 日 over blanks to 月, then over digits or blanks to 年.
        let before = &text[..at];
        let gap = before.len() - before.trim_end_matches([' ', '\u{3000}', '_']).len();
        let head = &before[..before.len() - gap];
        let Some(month_head) = head.strip_suffix('月') else {
            continue;
        };
        let digits_or_blank = month_head.len()
            - month_head
                .trim_end_matches(|c: char| {
                    c.is_ascii_digit() || matches!(c, ' ' | '\u{3000}' | '_')
                })
                .len();
        let year_head = &month_head[..month_head.len() - digits_or_blank];
        let Some(year_digits) = year_head.strip_suffix('年') else {
            continue;
        };
        let year_len = year_digits.len()
            - year_digits
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .len();
        if year_len == 4 && gap > 0 {
            let start = year_digits.len() - year_len;
            out.push(start..at + '日'.len_utf8());
        }
    }
    out
}

/// The stand-in name (某某, XX, ××) a short text still holds, if any.
fn stand_in_name(s: &str) -> Option<&'static str> {
    spec::PLACEHOLDERS.iter().copied().find(|p| s.contains(p))
}

/// The signature: the last few short lines of a report, after its last long line.
fn signature(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut end = text.len();
    while out.len() < 3 {
        let before = text[..end].trim_end_matches(['\n', '\r', ' ', '\u{3000}', '\t']);
        if before.is_empty() {
            break;
        }
        let start = crate::text::line_start(before, before.len());
        let line = before[start..].trim();
        if line.chars().count() > 40 || line.starts_with('|') || line.starts_with('#') {
            break;
        }
        let lead = before[start..].len() - before[start..].trim_start().len();
        out.push(start + lead..before.len());
        end = start;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_dates_and_signatures() {
        let t = "（一）主动公开\n（填写主动公开工作情况。）\n本年度未收取信息处理费。（如有收取，写明收取金额和依据。）\n（以下简称《条例》）\n某某县财政局\n2026年1月  日\n";
        let p: Vec<&str> = prompts(t).into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            p,
            [
                "（填写主动公开工作情况。）",
                "（如有收取，写明收取金额和依据。）"
            ]
        );
        let d: Vec<&str> = dates_without_day(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(d, ["2026年1月  日"]);
        assert!(dates_without_day("2026年1月20日，2026年  月  日").len() == 1);
        let s: Vec<&str> = signature(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(s, ["2026年1月  日", "某某县财政局", "（以下简称《条例》）"]);
        assert_eq!(stand_in_name("某某县财政局"), Some("某某"));
        assert_eq!(stand_in_name("东区财政局"), None);
    }

    /// What is found part by part is what is found in the whole report, in a new draft (prompts
    /// in every section, a date without its day), a draft made from last year's report (revision
    /// marks) and every real report; and what is remembered is what is found afresh.
    #[test]
    fn found_part_by_part_as_in_the_whole_report() {
        let mut texts = vec![crate::draft::new_report("某某县财政局", 2026)];
        let seed = crate::test_support::seed("000");
        texts.push(seed.replacen(
            "一、总体情况",
            &format!("一、总体情况\n{}上年的段落。", spec::REVISION_MARK),
            1,
        ));
        texts.extend(crate::test_support::seeds().into_iter().map(|(_, t)| t));
        texts.extend(crate::test_support::corpus().into_iter().map(|(_, t)| t));
        let mut found = 0;
        for text in &texts {
            crate::check::each_report(text, |ctx| {
                let r = ctx.report;
                assert!(ctx.parts().is_some_and(|p| p.len() > 1));
                let whole: Vec<(Range<usize>, String)> = in_lines(ctx.slice(r.range.clone()))
                    .into_iter()
                    .map(|(x, m)| (x.start + r.range.start..x.end + r.range.start, m))
                    .collect();
                // Found afresh, then remembered.
                parts::forget(&FOUND);
                for _ in 0..2 {
                    let mut out = Vec::new();
                    draft_todo(ctx, &mut out);
                    let mut shown: Vec<(Range<usize>, String)> = out
                        .into_iter()
                        .map(|d| (d.range, d.message))
                        // The title's and the signature's stand-in names are looked for apart.
                        .filter(|(_, m)| !m.starts_with("标题中的") && !m.starts_with("落款中的"))
                        .collect();
                    shown.sort_by_key(|(x, _)| (x.start, x.end));
                    let mut expected = whole.clone();
                    expected.sort_by_key(|(x, _)| (x.start, x.end));
                    assert_eq!(shown, expected);
                }
                found += whole.len();
            });
        }
        assert!(found >= 10, "{found}");
    }
}
