//! Figures of the prose against the tables (`text-mismatch`): a sentence that restates a cell or a
//! sum of cells of tables 二, 三 or 四 in one of the accepted wordings of [`spec::prose`], with
//! another number; a percentage stated with such a figure that the table does not give; a stated
//! total whose listed parts (其中…N条、…M条) do not add up to it.
//!
//! Precision comes first: a sentence is read only through the wordings, only when it is about this
//! year (no comparison, no earlier year, no plan), only where the cells can be read for certain,
//! and a figure that could mean two cells is wrong only when it is neither. The diagnostic sits on
//! the figure; its fix (将正文改为 N) is unsafe, since the table may be what is wrong.

use std::ops::Range;
use std::rc::Rc;
use std::sync::{Arc, LazyLock, OnceLock};

use regex::Regex;

use super::ReportCtx;
use super::parts::{self, Memo, Part};
use crate::diag::{Code, Diagnostic, Edit, Fix, Related};
use crate::model::{Report, Shape, Table, Value};
use crate::parse::cells::{chinese_number, is_page_furniture};
use crate::spec::prose::{self, About, Reading, T3Cols, Target, Wording};
use crate::spec::{self, RowKind, TableId, t3, t4};
use crate::totals;

/// A wording with its pattern, compiled the first time a sentence holds the words every match of
/// it holds (its anchor): a report compiles the few wordings its prose can match, not all of them
/// (compiling them all cost most of the first check of a session).
struct Compiled {
    wording: &'static Wording,
    /// Words of which every match holds one, found in the pattern ([`anchor`]); none: always
    /// tried.
    anchor: Option<Vec<String>>,
    re: OnceLock<Regex>,
}

impl Compiled {
    /// Whether a sentence can hold a match: it holds the anchor.
    fn may_match(&self, text: &str) -> bool {
        self.anchor
            .as_ref()
            .is_none_or(|a| a.iter().any(|w| text.contains(w.as_str())))
    }

    fn re(&self) -> &Regex {
        self.re.get_or_init(|| {
            let w = self.wording;
            Regex::new(&w.pattern.replace("{N}", prose::FIGURE_PATTERN))
                .unwrap_or_else(|e| panic!("wording {}: {e}", w.id))
        })
    }
}

static WORDINGS: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    prose::WORDINGS
        .iter()
        .map(|w| Compiled {
            wording: w,
            anchor: anchor(w.pattern),
            re: OnceLock::new(),
        })
        .collect()
});

/// Words of which every match of a pattern holds one: the most telling of the literals its
/// top-level sequence requires (not made optional by a quantifier), a literal or a group whose
/// alternatives are all literal (「(?:予以公开|同意公开)」), read from the parsed pattern. None when
/// the pattern has alternatives at its top level or requires no literal. The longer its shortest
/// member, the better an anchor.
fn anchor(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::HirKind;
    // The figure holds no literal: a digit stands for it (parsing it whole doubles the cost).
    let hir = regex_syntax::parse(&pattern.replace("{N}", "[0-9]")).ok()?;
    let mut found: Vec<Vec<String>> = Vec::new();
    match hir.kind() {
        HirKind::Alternation(_) => return None,
        _ => required(&hir, &mut found),
    }
    let telling = |a: &Vec<String>| {
        let shortest = a.iter().map(|w| w.chars().count()).min().unwrap_or(0);
        (shortest, std::cmp::Reverse(a.len()))
    };
    found.into_iter().max_by_key(telling)
}

/// The literals every match of `hir` holds, each as the words of which a match holds one.
fn required(hir: &regex_syntax::hir::Hir, out: &mut Vec<Vec<String>>) {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Concat(items) => items.iter().for_each(|h| required(h, out)),
        HirKind::Capture(c) => required(&c.sub, out),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub, out),
        HirKind::Literal(_) => out.extend(as_literal(hir).map(|w| vec![w])),
        HirKind::Alternation(alternatives) => out.extend(
            alternatives
                .iter()
                .map(as_literal)
                .collect::<Option<Vec<_>>>(),
        ),
        _ => {}
    }
}

/// The text `hir` matches, if it is a literal.
fn as_literal(hir: &regex_syntax::hir::Hir) -> Option<String> {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Literal(l) => String::from_utf8(l.0.to_vec()).ok(),
        HirKind::Capture(c) => as_literal(&c.sub),
        _ => None,
    }
}

static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(prose::PERCENT_PATTERN).unwrap_or_else(|e| panic!("percent pattern: {e}"))
});

/// A figure with its unit, for the parts of a stated total.
static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        "{}(?P<u>万元|件|条|个|项|起|篇|期|次|宗|份|%)",
        prose::FIGURE_PATTERN
    ))
    .unwrap_or_else(|e| panic!("amount pattern: {e}"))
});

static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("(?:19|20)[0-9]{2}年").unwrap_or_else(|e| panic!("year pattern: {e}"))
});

pub fn text_mismatch(ctx: &ReportCtx, out: &mut Vec<Diagnostic>) {
    let r = ctx.report;
    if r.tables.is_empty() {
        return;
    }
    let tables = Reads::new(r);
    let mut check = |prose: &Prose, origin: usize| {
        for s in &prose.sentences {
            let sentence = Sentence::new(&prose.para, s.range.clone(), r, &tables).at(origin);
            for c in &s.claims {
                sentence.check_claim(c, out);
            }
            out.extend(s.parts.iter().map(|d| moved(d, origin)));
        }
    };
    each_paragraph(ctx, &tables, |span, base, prose| {
        check(prose, base + span.range.start)
    });
}

/// Every paragraph of a report's prose with what it states: its place counted from `base`
/// (a part's start, or 0). Part by part, each part's paragraphs remembered
/// ([`part_paragraphs`]); by one walk over the report if its headings are out of order.
fn each_paragraph(ctx: &ReportCtx, tables: &Reads, mut f: impl FnMut(&Span, usize, &Prose)) {
    let r = ctx.report;
    match ctx.parts() {
        Some(parts) => {
            for p in &parts {
                for (span, prose) in part_paragraphs(ctx, p).iter() {
                    f(span, p.range.start, prose);
                }
            }
        }
        None => {
            let section = |at| r.section_at(at).map(|i| r.sections[i].index);
            for span in walk(ctx, r.range.clone(), &section) {
                let prose = read_prose(ctx.slice(span.range.clone()), &span, r, tables);
                f(&span, 0, &prose);
            }
        }
    }
}

/// A diagnostic of a paragraph read on its own, moved to where the paragraph starts.
fn moved(d: &Diagnostic, origin: usize) -> Diagnostic {
    let by = |r: &Range<usize>| r.start + origin..r.end + origin;
    let mut d = d.clone();
    d.range = by(&d.range);
    for x in &mut d.related {
        x.range = by(&x.range);
    }
    for f in &mut d.fixes {
        for e in &mut f.edits {
            e.range = by(&e.range);
        }
    }
    d
}

// ---------------------------------------------------------------- prose

/// A paragraph of prose prepared for reading (see [`spec::prose`]), with the source range of each
/// of its characters.
struct Para {
    text: String,
    /// For each character of `text`: its offset in `text` and its bytes in the source.
    map: Vec<(usize, Range<usize>)>,
    /// Index into [`spec::SECTIONS`] of the section the paragraph stands in.
    section: Option<usize>,
}

impl Para {
    fn new(section: Option<usize>) -> Para {
        Para {
            text: String::new(),
            map: Vec::new(),
            section,
        }
    }

    fn push(&mut self, c: char, src: Range<usize>) {
        self.map.push((self.text.len(), src));
        self.text.push(c);
    }

    /// Appends a line of the source, folded; `space` is set while white space is pending.
    fn push_line(&mut self, text: &str, line: Range<usize>) {
        let s = &text[line.clone()];
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let mut space: Option<Range<usize>> = None;
        for (k, &(i, c)) in chars.iter().enumerate() {
            let at = line.start + i..line.start + i + c.len_utf8();
            if is_ws(c) {
                space = Some(at);
                continue;
            }
            let c = fold(c);
            // A thousands separator: 3,119.
            if c == ','
                && self.text.ends_with(|p: char| p.is_ascii_digit())
                && chars[k + 1..]
                    .iter()
                    .take(3)
                    .filter(|(_, d)| d.is_ascii_digit())
                    .count()
                    == 3
                && !chars
                    .get(k + 4)
                    .is_some_and(|(_, d)| d.is_ascii_digit() || fold(*d).is_ascii_digit())
            {
                space = None;
                continue;
            }
            let c = fold_punct(c);
            if let Some(sp) = space.take()
                && c.is_ascii_digit()
                && self.text.ends_with(|p: char| p.is_ascii_digit())
            {
                self.push(' ', sp);
            }
            self.push(c, at);
        }
    }

    /// The sentences: up to and with each 。！？, and the rest.
    fn sentences(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in self.text.char_indices() {
            if matches!(c, '。' | '！' | '？') {
                let end = i + c.len_utf8();
                out.push(start..end);
                start = end;
            }
        }
        if start < self.text.len() {
            out.push(start..self.text.len());
        }
        out
    }

    /// The source bytes of `range` of `text`.
    fn source(&self, range: Range<usize>) -> Range<usize> {
        let first = self.map.partition_point(|(at, _)| *at < range.start);
        let last = self.map.partition_point(|(at, _)| *at < range.end);
        match (
            self.map.get(first),
            last.checked_sub(1).and_then(|l| self.map.get(l)),
        ) {
            (Some(a), Some(b)) if first < last => a.1.start..b.1.end,
            _ => 0..0,
        }
    }
}

fn is_ws(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{3000}' | '\u{0C}' | '\u{FEFF}' | '\u{A0}')
}

fn fold(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '％' => '%',
        _ => c,
    }
}

fn fold_punct(c: char) -> char {
    match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '(' => '（',
        ')' => '）',
        '!' => '！',
        '?' => '？',
        _ => c,
    }
}

/// A paragraph's place: its lines (the content of each, without line breaks) and its section.
#[derive(Clone)]
struct Span {
    /// From the start of the first line to the end of the last.
    range: Range<usize>,
    lines: Vec<Range<usize>>,
    /// Index into [`spec::SECTIONS`] of the section the paragraph stands in.
    section: Option<usize>,
}

impl Span {
    /// The paragraph prepared for reading, its characters' places counted from `origin`.
    fn para(&self, text: &str, origin: usize) -> Para {
        let mut p = Para::new(self.section);
        for line in &self.lines {
            p.push_line(text, line.start - origin..line.end - origin);
        }
        p
    }

    /// The same place moved by `to - from`: `moved(base, 0)` counts it from `base`, `moved(0, base)` back.
    fn moved(&self, from: usize, to: usize) -> Span {
        let at = |r: &Range<usize>| r.start - from + to..r.end - from + to;
        Span {
            range: at(&self.range),
            lines: self.lines.iter().map(at).collect(),
            section: self.section,
        }
    }
}

/// The places of a report's paragraphs, as text-mismatch reads them (for tests).
#[cfg(test)]
fn spans(ctx: &ReportCtx) -> Vec<Span> {
    let mut out = Vec::new();
    each_paragraph(ctx, &Reads::new(ctx.report), |span, base, _| {
        out.push(span.moved(0, base))
    });
    out
}

/// The prose of `range` of a report (whole lines) in paragraphs: its lines outside its tables,
/// one paragraph per line, or, in text laid out from a PDF, lines joined up to the next indented
/// line (a sentence wraps there); `section` tells the section at a place.
fn walk(
    ctx: &ReportCtx,
    range: Range<usize>,
    section: &dyn Fn(usize) -> Option<usize>,
) -> Vec<Span> {
    let r = ctx.report;
    let layout = r.shape == Shape::Layout;
    let mut out: Vec<Span> = Vec::new();
    let mut cur: Option<Span> = None;
    let part = ctx.slice(range.clone());
    let mut lines: Vec<Range<usize>> = crate::text::lines_iter(part)
        .map(|l| range.start + l.content.start..range.start + l.content.end)
        .collect();
    // The empty line after a part's last line break belongs to the next part.
    if range.end < r.range.end && lines.last().is_some_and(|l| l.start == range.end) {
        lines.pop();
    }
    let tables = TableLines::of(&r.tables, ctx.text(), &lines);
    let marked = part.contains(spec::REVISION_MARK);
    for (i, content) in lines.into_iter().enumerate() {
        let s = ctx.slice(content.clone());
        if tables.holds(i, &content, s) {
            out.extend(cur.take());
            continue;
        }
        // A paragraph kept from last year's report, marked for revision (draft-todo says so):
        // its figures are last year's.
        if marked && s.contains(spec::REVISION_MARK) {
            out.extend(cur.take());
            continue;
        }
        if s.trim_matches(is_ws).is_empty() || is_page_furniture(s) {
            if !layout {
                out.extend(cur.take());
            }
            continue;
        }
        let indent = s.chars().take_while(|c| is_ws(*c)).count();
        let section = section(content.start);
        let starts = !layout
            || indent >= 2
            || cur.as_ref().is_none_or(|p| p.section != section)
            || r.sections
                .iter()
                .any(|h| h.line.start <= content.start && content.start < h.line.end);
        if starts {
            out.extend(cur.take());
            cur = Some(Span {
                range: content.start..content.start,
                lines: Vec::new(),
                section,
            });
        }
        if let Some(p) = cur.as_mut() {
            p.range.end = content.end;
            p.lines.push(content);
        }
    }
    out.extend(cur);
    out
}

/// A part's paragraphs (places counted from the part's start), each read.
type PartParagraphs = Rc<Vec<(Span, Rc<Prose>)>>;

/// What a part's paragraphs depend on besides its text: its section, the report's year and
/// layout, and where the tables are written in it (places counted from the part's start).
#[derive(PartialEq)]
struct PartKey {
    section: Option<usize>,
    year: Option<i32>,
    layout: bool,
    tables: Vec<Range<usize>>,
}

/// A part's paragraphs, read, remembered (see [`parts`]): while a report is edited, the
/// paragraphs of the parts not typed in are neither looked for nor looked up again (only
/// compared with the tables).
fn part_paragraphs(ctx: &ReportCtx, part: &Part) -> PartParagraphs {
    let r = ctx.report;
    let raw = ctx.slice(part.range.clone());
    let base = part.range.start;
    let touches = |t: &Range<usize>| t.start < part.range.end && part.range.start < t.end;
    let mut tables = Vec::new();
    for t in r.tables.iter().filter(|t| touches(&t.range)) {
        tables.push(t.range.start.max(base) - base..t.range.end.min(part.range.end) - base);
        let at = t.range.start;
        tables.extend(
            t.written(ctx.text())
                .iter()
                .map(|w| at + w.start..at + w.end)
                .filter(|w| touches(w))
                .map(|w| w.start.max(base) - base..w.end.min(part.range.end) - base),
        );
    }
    let key = PartKey {
        section: part.section,
        year: r.year,
        layout: r.shape == Shape::Layout,
        tables,
    };
    let hashed = (key.section, key.year, key.layout);
    parts::remembered(&PARTS, raw, key, hashed, || {
        let section = part.section;
        let reads = Reads::new(r);
        walk(ctx, part.range.clone(), &|_| section)
            .into_iter()
            .map(|span| {
                let prose = read_prose(ctx.slice(span.range.clone()), &span, r, &reads);
                (span.moved(base, 0), prose)
            })
            .collect()
    })
}

/// The paragraphs of a report's prose, as read (for tests).
#[cfg(test)]
fn paragraphs(ctx: &ReportCtx) -> Vec<Para> {
    spans(ctx).iter().map(|s| s.para(ctx.text(), 0)).collect()
}

/// A paragraph read: its sentences' claims and the totals whose listed parts do not add up,
/// with places counted from the paragraph's start.
struct Prose {
    para: Para,
    /// The sentences that state a figure.
    sentences: Vec<ReadSentence>,
}

struct ReadSentence {
    range: Range<usize>,
    claims: Vec<Claim>,
    /// `text-mismatch` of a stated total and its parts (the tables play no part).
    parts: Vec<Diagnostic>,
}

/// A paragraph read, remembered: what it states depends only on its words, its section and the
/// report's year, and while a report is being edited the paragraphs of the part typed in are
/// read again at every keystroke (only their comparison with the tables is made again).
fn read_prose(raw: &str, span: &Span, report: &Report, tables: &Reads) -> Rc<Prose> {
    let key = (span.section, report.year);
    parts::remembered(&PARAGRAPHS, raw, key, key, || {
        let para = span.para(raw, span.range.start);
        let mut sentences = Vec::new();
        for range in para.sentences() {
            let sentence = Sentence::new(&para, range.clone(), report, tables);
            if !sentence.states_a_figure() {
                continue;
            }
            let claims = sentence.claims();
            let mut parts = Vec::new();
            sentence.check_parts(&claims, &mut parts);
            if !claims.is_empty() || !parts.is_empty() {
                sentences.push(ReadSentence {
                    range,
                    claims,
                    parts,
                });
            }
        }
        Prose { para, sentences }
    })
}

thread_local! {
    /// The paragraphs read by [`read_prose`], with their section and the report's year.
    static PARAGRAPHS: Memo<ParagraphKey, Prose> = Default::default();
    /// The parts of reports read by [`part_paragraphs`].
    static PARTS: Memo<PartKey, Vec<(Span, Rc<Prose>)>> = Default::default();
}

/// What a paragraph is read with besides its words: its section and the report's year.
type ParagraphKey = (Option<usize>, Option<i32>);

#[cfg(test)]
fn forget() {
    parts::forget(&PARAGRAPHS);
    parts::forget(&PARTS);
}

/// Where a report's tables are, to tell the lines that belong to one (see [`TableLines::holds`]).
struct TableLines {
    tables: Vec<Range<usize>>,
    /// For each line of the report, whether one of the tables' labels, group labels, non-blank
    /// cells or headers lies on it ([`Table::written`]).
    covered: Vec<bool>,
}

impl TableLines {
    /// `lines`: the content ranges of the report's lines, in order.
    fn of(tables: &[std::sync::Arc<Table>], text: &str, lines: &[Range<usize>]) -> TableLines {
        let mut covered = vec![false; lines.len()];
        // The first line whose content ends at or after `at`: a walk on from the last answer,
        // as the ranges come almost always in the order of the text.
        let mut cur = 0;
        let mut line_of = |at: usize| {
            if cur > 0 && lines[cur - 1].end >= at {
                cur = lines.partition_point(|l| l.end < at);
            }
            while cur < lines.len() && lines[cur].end < at {
                cur += 1;
            }
            cur
        };
        let mut mark = |r: &Range<usize>| {
            let first = line_of(r.start);
            let last = line_of(r.end.max(r.start + 1) - 1);
            let last = (last + 1).min(lines.len());
            if first >= last {
                return;
            }
            for (c, l) in covered[first..last].iter_mut().zip(&lines[first..last]) {
                // Starts before the line's end and ends after its start.
                *c |= r.start < l.end.max(l.start + 1) && l.start < r.end;
            }
        };
        for t in tables {
            let base = t.range.start;
            for r in t.written(text) {
                mark(&(base + r.start..base + r.end));
            }
        }
        TableLines {
            tables: tables.iter().map(|t| t.range.clone()).collect(),
            covered,
        }
    }

    /// Whether the `i`-th line (its content range `line`, its text `s`) belongs to a table: it
    /// holds a row or a header cell of one, or it stands among a table's rows and is not a
    /// sentence (a sentence between a table's heading and its first rows, as web copies have
    /// them, is prose).
    fn holds(&self, i: usize, line: &Range<usize>, s: &str) -> bool {
        let end = line.end.max(line.start + 1);
        let touches = |r: &Range<usize>| r.start < end && line.start < r.end;
        if !self.tables.iter().any(touches) {
            return false;
        }
        self.covered[i] || !s.contains('。') || s.contains('\t')
    }
}

// ---------------------------------------------------------------- claims

/// A figure a sentence states in one of the wordings.
#[derive(Debug, Clone)]
struct Claim {
    wording: &'static Wording,
    /// The figure in the sentence (the words, for a zero stated in words).
    at: Range<usize>,
    /// The whole match in the sentence.
    matched: Range<usize>,
    /// The figure: a count, or 万元 with its decimals.
    value: Figure,
    /// The targets, with the context resolved (see [`Target::T3SameRows`] …).
    targets: Vec<Resolved>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Figure {
    Count(i64),
    Money { value: f64, decimals: usize },
}

/// A target of a claim, with the rows or case kinds of the sentence filled in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Resolved {
    T3 {
        rows: &'static [usize],
        cols: T3Cols,
    },
    T4 {
        groups: Groups,
        cols: &'static [usize],
    },
    T2 {
        row: usize,
        col: usize,
    },
}

/// The case kinds of table 四 a figure is about (at most the three).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Groups {
    kinds: [bool; 3],
}

impl Groups {
    fn of(groups: &[usize]) -> Groups {
        let mut kinds = [false; 3];
        for &g in groups {
            kinds[g / 5] = true;
        }
        Groups { kinds }
    }
    fn starts(self) -> impl Iterator<Item = usize> {
        (0..3).filter(move |&k| self.kinds[k]).map(|k| k * 5)
    }
    fn union(self, other: Groups) -> Groups {
        let mut kinds = self.kinds;
        for (k, o) in kinds.iter_mut().zip(other.kinds) {
            *k |= o;
        }
        Groups { kinds }
    }
}

/// A figure found by a wording, before its targets are resolved: `kind` picks one target of a
/// wording with one target per kind (`usize::MAX`: all of them).
struct Found {
    at: Range<usize>,
    matched: Range<usize>,
    wording: &'static Wording,
    value: Figure,
    kind: usize,
}

struct Sentence<'a> {
    para: &'a Para,
    /// The sentence's range in the paragraph's text.
    range: Range<usize>,
    text: &'a str,
    report: &'a Report,
    tables: &'a Reads<'a>,
    /// Where the paragraph's places are counted from in the source.
    origin: usize,
}

impl<'a> Sentence<'a> {
    fn new(
        para: &'a Para,
        range: Range<usize>,
        report: &'a Report,
        tables: &'a Reads<'a>,
    ) -> Sentence<'a> {
        Sentence {
            para,
            text: &para.text[range.clone()],
            range,
            report,
            tables,
            origin: 0,
        }
    }

    /// The sentence of a paragraph whose places are counted from `origin`.
    fn at(mut self, origin: usize) -> Sentence<'a> {
        self.origin = origin;
        self
    }

    /// The source bytes of a range of the sentence.
    fn source(&self, r: &Range<usize>) -> Range<usize> {
        let at = self
            .para
            .source(self.range.start + r.start..self.range.start + r.end);
        if at.is_empty() {
            return at;
        }
        at.start + self.origin..at.end + self.origin
    }

    /// Whether the sentence has a digit or a number or zero in words: the others state nothing.
    fn states_a_figure(&self) -> bool {
        self.text
            .chars()
            .any(|c| c.is_ascii_digit() || "零〇一二两三四五六七八九十未没无".contains(c))
    }

    /// The clause around `r`: from the punctuation before it to the punctuation after it.
    fn clause(&self, r: &Range<usize>) -> &'a str {
        let stops = ['，', '；', '：', '。', '！', '？'];
        let start = self.text[..r.start].rfind(stops).map_or(0, |i| {
            i + self.text[i..].chars().next().map_or(1, char::len_utf8)
        });
        let end = self.text[r.end..]
            .find(stops)
            .map_or(self.text.len(), |i| r.end + i);
        &self.text[start..end]
    }

    /// Whether what the sentence says up to `r` (and in `r`'s clause) is this year's figure.
    fn this_year(&self, r: &Range<usize>) -> bool {
        let before = &self.text[..r.end];
        let clause = self.clause(r);
        if prose::NOT_THIS_YEAR
            .iter()
            .any(|w| before.contains(w) || clause.contains(w))
            || has_comparison(before)
        {
            return false;
        }
        for w in prose::PAST_YEAR_WORDS {
            for (i, _) in before.match_indices(w) {
                let rest = &before[i + w.len()..];
                if !prose::PAST_YEAR_BUT.iter().any(|b| rest.starts_with(b)) {
                    return false;
                }
            }
        }
        if let Some(y) = self.report.year {
            for m in YEAR.find_iter(before) {
                let n: i32 = before[m.start()..m.start() + 4].parse().unwrap_or(y);
                if n < y {
                    return false;
                }
            }
        }
        true
    }

    /// Whether the sentence, up to the end of `matched`, is about what the wording needs: a
    /// qualification after the figure (「行政复议120件，其中涉及政府信息公开的20件」) does not count.
    fn about(&self, about: About, matched: &Range<usize>) -> bool {
        let before = &self.text[..matched.end];
        match about {
            About::Any => true,
            About::Applications => before.contains("申请"),
            About::Disclosure => {
                before.contains("信息公开")
                    || before.contains("依申请")
                    || self.para.section == Some(TableId::T4.section())
            }
        }
    }

    /// The figures the sentence states, in order, each read by the first wording that reads it.
    fn claims(&self) -> Vec<Claim> {
        let mut found: Vec<Found> = Vec::new();
        // Most sentences state no figure with a unit and no zero in words: no wording is run.
        let figures = AMOUNT.is_match(self.text);
        let zeros = ["未", "没", "无", "均", "都", "全部"]
            .iter()
            .any(|w| self.text.contains(w));
        for c in WORDINGS.iter() {
            let w = c.wording;
            let numbered = w.reading == Reading::Any;
            if (numbered && !figures) || (!numbered && !zeros) {
                continue;
            }
            let t3 = is_t3(w);
            if t3
                && prose::NOT_APPLICATIONS
                    .iter()
                    .any(|x| self.text.contains(x))
            {
                continue;
            }
            if !c.may_match(self.text) {
                continue;
            }
            for caps in c.re().captures_iter(self.text) {
                let Some(m) = caps.get(0) else { continue };
                let matched = m.start()..m.end();
                if m.as_str().chars().count() > prose::MAX_MATCH_CHARS
                    || !self.about(w.about, &matched)
                    || (t3
                        && prose::NOT_APPLICATION_MATCH
                            .iter()
                            .any(|x| m.as_str().contains(x)))
                {
                    continue;
                }
                let (at, value) = match caps.name(prose::FIGURE_GROUP) {
                    Some(n) => {
                        let Some(v) = self.figure(n.start()..n.end(), &matched) else {
                            continue;
                        };
                        (n.start()..n.end(), v)
                    }
                    None => {
                        // Zero in words: the words, without the punctuation that ends them.
                        let words = m.as_str().trim_end_matches(['，', '。', '；', '！']);
                        if words.starts_with("无法") {
                            continue;
                        }
                        (m.start()..m.start() + words.len(), Figure::Count(0))
                    }
                };
                if prose::OTHER_COUNT
                    .iter()
                    .any(|x| self.clause(&matched).contains(x))
                    || !self.this_year(&matched)
                {
                    continue;
                }
                let kind = caps
                    .name(prose::KIND_GROUP)
                    .and_then(|k| prose::KINDS.iter().position(|x| *x == k.as_str()));
                if found.iter().any(|f| overlaps(&f.at, &at)) {
                    continue;
                }
                found.push(Found {
                    at,
                    matched,
                    wording: w,
                    value,
                    kind: kind.unwrap_or(usize::MAX),
                });
            }
        }
        found.sort_by_key(|f| f.at.start);
        // Resolve the targets that refer to the sentence's previous figures.
        let mut out = Vec::new();
        let mut t3_rows: Option<&'static [usize]> = None;
        let mut t4_last: Option<Groups> = None;
        let mut t4_run: Option<Groups> = None;
        let mut t2_row: Option<usize> = None;
        for Found {
            at,
            matched,
            wording: w,
            value,
            kind,
        } in found
        {
            let chosen: Vec<&Target> = if kind == usize::MAX {
                w.targets.iter().collect()
            } else {
                w.targets.get(kind).into_iter().collect()
            };
            let mut targets = Vec::new();
            let mut t4_here = None;
            for t in chosen {
                let r = match *t {
                    Target::T3 { rows, cols } => {
                        if cols == T3Cols::Total && w.targets.len() == 1 {
                            t3_rows = Some(rows);
                        }
                        Some(Resolved::T3 { rows, cols })
                    }
                    Target::T3SameRows(cols) => t3_rows.map(|rows| Resolved::T3 { rows, cols }),
                    Target::T4 { groups, cols } => {
                        let g = Groups::of(groups);
                        t4_here = Some(t4_here.map_or(g, |h: Groups| h.union(g)));
                        Some(Resolved::T4 { groups: g, cols })
                    }
                    Target::T4SameGroups(cols) => {
                        let groups = if w.reading == Reading::Each {
                            t4_run
                        } else {
                            t4_last
                        };
                        groups.map(|groups| Resolved::T4 { groups, cols })
                    }
                    Target::T2 { row, col } => {
                        t2_row = Some(row);
                        Some(Resolved::T2 { row, col })
                    }
                    Target::T2SameRow(col) => t2_row.map(|row| Resolved::T2 { row, col }),
                };
                targets.extend(r);
            }
            // Only the figures of one kind of case, named just before, are what 「其中结果维持…」
            // and 「均已结案」 speak of.
            let is_t4_total = w.targets.iter().all(|t| matches!(t, Target::T4 { .. }))
                && w.reading == Reading::Any;
            if is_t4_total {
                t4_last = t4_here;
                t4_run = Some(t4_run.map_or(t4_here.unwrap_or(Groups::of(&[])), |r| {
                    r.union(t4_here.unwrap_or(Groups::of(&[])))
                }));
            } else if !w
                .targets
                .iter()
                .any(|t| matches!(t, Target::T4SameGroups(_)))
            {
                t4_run = None;
            }
            if targets.len() == w.targets.len() || kind != usize::MAX && targets.len() == 1 {
                out.push(Claim {
                    wording: w,
                    at,
                    matched,
                    value,
                    targets,
                });
            }
        }
        out
    }

    /// The figure at `n` of a match: its value, unless it is approximate or not a whole count.
    fn figure(&self, n: Range<usize>, matched: &Range<usize>) -> Option<Figure> {
        let s = &self.text[n.clone()];
        let before = &self.text[..n.start];
        let after = &self.text[matched.end..];
        if before.chars().next_back().is_some_and(|c| {
            c.is_ascii_digit() || c == '.' || chinese_number(&c.to_string()).is_some()
        }) || prose::APPROXIMATE_BEFORE
            .iter()
            .any(|w| before.ends_with(w))
            || ["以上", "左右", "余", "多"]
                .iter()
                .any(|w| after.starts_with(w))
        {
            return None;
        }
        // A wording that does not start with its figure must not follow a negation (不予以公开).
        if matched.start < n.start
            && before[..matched.start]
                .chars()
                .next_back()
                .is_some_and(|c| "不未没无".contains(c))
        {
            return None;
        }
        if s.starts_with(|c: char| c.is_ascii_digit()) {
            if let Some((_, frac)) = s.split_once('.') {
                let value: f64 = s.parse().ok()?;
                return Some(Figure::Money {
                    value,
                    decimals: frac.len(),
                });
            }
            return s.parse().ok().map(Figure::Count);
        }
        chinese_number(s).map(Figure::Count)
    }

    fn check_claim(&self, c: &Claim, out: &mut Vec<Diagnostic>) {
        let readings: Vec<Placed> = c
            .targets
            .iter()
            .map(|t| self.tables.read(*t))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        if readings.is_empty() {
            return;
        }
        let range = self.source(&c.at);
        if range.is_empty() {
            return;
        }
        match c.wording.reading {
            Reading::Any => {
                if readings.iter().any(|r| r.accepts(c.value)) {
                    self.check_percent(c, &readings[0], out);
                    return;
                }
                let written = &self.text[c.at.clone()];
                let said: Vec<String> = readings
                    .iter()
                    .map(|r| format!("{}为 {}", r.words, r.shown()))
                    .collect();
                let mut d = Diagnostic::new(
                    Code::TextMismatch,
                    range.clone(),
                    format!("正文为 {written}，而{}", said.join("，")),
                )
                .with_related(readings.iter().flat_map(|r| r.related()).collect());
                let mut offered: Vec<String> = Vec::new();
                for r in &readings {
                    let new = r.written_like(written);
                    if !offered.contains(&new) {
                        d = d.with_fix(Fix::unsafe_edit(
                            format!("将正文改为 {new}"),
                            Edit::replace(range.clone(), new.clone()),
                        ));
                        offered.push(new);
                    }
                }
                out.push(d);
            }
            Reading::Each => {
                let words = &self.text[c.at.clone()];
                for r in readings.iter().filter(|r| !r.accepts(Figure::Count(0))) {
                    out.push(
                        Diagnostic::new(
                            Code::TextMismatch,
                            range.clone(),
                            format!("正文说「{words}」，而{}为 {}", r.words, r.shown()),
                        )
                        .with_related(r.related()),
                    );
                }
            }
        }
    }

    /// A percentage stated right after a figure of table 三: it must be the cell's share of the
    /// applications handled (or received) within its rounding.
    fn check_percent(&self, c: &Claim, cell: &Placed, out: &mut Vec<Diagnostic>) {
        if !matches!(c.targets.as_slice(), [Resolved::T3 { .. }]) || c.targets.len() != 1 {
            return;
        }
        let Some(caps) = PERCENT.captures(&self.text[c.matched.end..]) else {
            return;
        };
        let Some(p) = caps.name("p") else { return };
        let at = c.matched.end + p.start()..c.matched.end + p.end();
        let written = p.as_str();
        let Ok(stated) = written.parse::<f64>() else {
            return;
        };
        let decimals = written.split_once('.').map_or(0, |(_, f)| f.len());
        let mut bases: Vec<i64> = Vec::new();
        for rows in [&[t3::TOTAL][..], &[t3::NEW], &[t3::NEW, t3::CARRIED]] {
            if let Some(b) = self.tables.read(Resolved::T3 {
                rows,
                cols: T3Cols::Total,
            }) {
                bases.extend(b.accepted.iter().copied().filter(|&v| v > 0));
            }
        }
        let Some(&base) = bases.first() else { return };
        let Figure::Count(figure) = c.value else {
            return;
        };
        let parts: Vec<i64> = cell.accepted.iter().copied().chain([figure]).collect();
        let tolerance = 10f64.powi(-(decimals as i32));
        let fits = parts.iter().any(|&n| {
            bases
                .iter()
                .any(|&b| (n as f64 * 100.0 / b as f64 - stated).abs() < tolerance)
        });
        if fits {
            return;
        }
        let share = cell.value * 100.0 / base as f64;
        let computed = format!("{share:.decimals$}");
        let range = self.source(&at);
        if range.is_empty() {
            return;
        }
        out.push(
            Diagnostic::new(
                Code::TextMismatch,
                range.clone(),
                format!(
                    "正文为 {written}%，而按表三计算，{} {} 占（七）总计 {base} 的 {computed}%",
                    cell.words, cell.value
                ),
            )
            .with_related(cell.related())
            .with_fix(Fix::unsafe_edit(
                format!("将正文改为 {computed}"),
                Edit::replace(range, computed),
            )),
        );
    }

    /// A stated total followed by its listed parts (其中…N条、…M条) that do not add up to it.
    fn check_parts(&self, claims: &[Claim], out: &mut Vec<Diagnostic>) {
        let amounts: Vec<Amount> = AMOUNT
            .captures_iter(self.text)
            .filter_map(|caps| {
                let n = caps.name(prose::FIGURE_GROUP)?;
                let u = caps.name("u")?;
                Some(Amount {
                    at: n.start()..n.end(),
                    end: u.end(),
                    unit: Amount::unit_of(u.as_str()),
                })
            })
            .collect();
        let claimed = |r: &Range<usize>| claims.iter().any(|c| overlaps(&c.matched, r));
        for (i, total) in amounts.iter().enumerate() {
            let after = &self.text[total.end..];
            let gap = after.len() - after.trim_start_matches(['，', '（', '：', '(']).len();
            if gap > "（".len() + "，".len() {
                continue;
            }
            let Some(open) = prose::PARTS_OPEN
                .iter()
                .find(|w| after[gap..].starts_with(**w))
            else {
                continue;
            };
            if total.unit == "%"
                || claimed(&total.at)
                || !self.this_year(&total.at)
                || self.count(total).is_none()
            {
                continue;
            }
            let mut parts: Vec<(&Amount, i64)> = Vec::new();
            let mut from = total.end + gap + open.len();
            let mut broken = false;
            let mut last_label = "";
            for a in &amounts[i + 1..] {
                let label = &self.text[from..a.at.start];
                if a.unit == "%" {
                    if label.trim_start_matches(['，', '（']).starts_with('占') {
                        from = a.end;
                        continue;
                    }
                    break;
                }
                let name = label.trim_start_matches(['，', '、', '；', '（']);
                if label.contains(['。', '）', ')', '：'])
                    || prose::PARTS_END.iter().any(|w| name.starts_with(w))
                    || a.unit != total.unit
                {
                    break;
                }
                if name.is_empty()
                    || prose::PARTS_OPEN.iter().any(|w| name.contains(w))
                    || claimed(&a.at)
                {
                    broken = true;
                    break;
                }
                let Some(n) = self.count(a) else {
                    broken = true;
                    break;
                };
                last_label = name;
                parts.push((a, n));
                from = a.end;
                if self.text[a.end..].starts_with(['。', '）']) {
                    break;
                }
            }
            if broken || parts.len() < 2 {
                continue;
            }
            let Some(stated) = self.count(total) else {
                continue;
            };
            let sum: i64 = parts.iter().map(|(_, n)| n).sum();
            let rest = prose::PARTS_REST.iter().any(|w| last_label.starts_with(w));
            if sum == stated || (sum < stated && !rest) {
                continue;
            }
            let range = self.source(&total.at);
            if range.is_empty() {
                continue;
            }
            let unit = total.unit;
            let listed: Vec<String> = parts.iter().map(|(_, n)| n.to_string()).collect();
            let written = &self.text[total.at.clone()];
            let new = written_like(sum, written);
            out.push(
                Diagnostic::new(
                    Code::TextMismatch,
                    range.clone(),
                    format!(
                        "正文的合计为 {written}{unit}，而其后所列各项之和为 {sum}{unit}（{}）",
                        listed.join(" + ")
                    ),
                )
                .with_related(
                    parts
                        .iter()
                        .map(|(a, n)| Related::here(self.source(&a.at), format!("分项 {n}{unit}")))
                        .collect(),
                )
                .with_fix(Fix::unsafe_edit(
                    format!("将正文改为 {new}"),
                    Edit::replace(range, new),
                )),
            );
        }
    }

    /// A whole count of an amount, unless approximate.
    fn count(&self, a: &Amount) -> Option<i64> {
        let whole = a.at.start..a.end;
        match self.figure(a.at.clone(), &whole)? {
            Figure::Count(n) => Some(n),
            Figure::Money { .. } => None,
        }
    }
}

/// A figure with its unit (for the parts of a total).
struct Amount {
    at: Range<usize>,
    /// The end of the unit.
    end: usize,
    unit: &'static str,
}

impl Amount {
    fn unit_of(s: &str) -> &'static str {
        [
            "万元", "件", "条", "个", "项", "起", "篇", "期", "次", "宗", "份", "%",
        ]
        .into_iter()
        .find(|u| *u == s)
        .unwrap_or("")
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// 「比上年多」「比去年少」: a comparison with words between.
fn has_comparison(s: &str) -> bool {
    s.match_indices('比').any(|(i, _)| {
        let rest: String = s[i..].chars().skip(1).take(10).collect();
        rest.contains(['多', '少'])
    })
}

fn is_t3(w: &Wording) -> bool {
    w.targets
        .iter()
        .any(|t| matches!(t, Target::T3 { .. } | Target::T3SameRows(_)))
}

// ---------------------------------------------------------------- the tables

/// What the tables say of a target: the value as printed, the values the prose may also mean
/// (a total's sum of parts where the printed total is wrong), the cells and their words.
#[derive(Debug, Clone)]
struct Read {
    value: f64,
    is_money: bool,
    accepted: Vec<i64>,
    cells: Vec<(Range<usize>, f64)>,
    words: String,
}

impl Read {
    /// The same, its cells' places counted from `base` (its table's start; see [`Placed`]).
    fn counted_from(mut self, base: usize) -> Read {
        for (range, _) in &mut self.cells {
            // Wrapping: a missing cell's empty place may lie before `base`; it comes back as it
            // was when the table's start is added again (and is never shown).
            *range = range.start.wrapping_sub(base)..range.end.wrapping_sub(base);
        }
        self
    }

    fn accepts(&self, f: Figure) -> bool {
        match f {
            Figure::Count(n) => !self.is_money && self.accepted.contains(&n),
            Figure::Money { value, decimals } => {
                let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9;
                (self.value - value).abs() <= tolerance
            }
        }
    }

    fn shown(&self) -> String {
        if self.is_money {
            format!("{}", self.value)
        } else {
            format!("{}", self.value as i64)
        }
    }

    /// The cell's value written as the prose wrote its figure (Arabic or Chinese numerals).
    fn written_like(&self, written: &str) -> String {
        if self.is_money {
            return self.shown();
        }
        written_like(self.value as i64, written)
    }

    /// The cells to show beside a diagnostic, their places counted from `base`.
    fn related_at(&self, base: usize) -> Vec<Related> {
        let nonzero: Vec<&(Range<usize>, f64)> =
            self.cells.iter().filter(|(_, v)| *v != 0.0).collect();
        let shown: Vec<&(Range<usize>, f64)> = if nonzero.is_empty() {
            self.cells.iter().take(1).collect()
        } else {
            nonzero
        };
        shown
            .into_iter()
            .filter(|(r, _)| !r.is_empty())
            .map(|(r, v)| {
                Related::here(
                    r.start.wrapping_add(base)..r.end.wrapping_add(base),
                    format!("{}：{v}", self.words),
                )
            })
            .collect()
    }
}

fn written_like(n: i64, written: &str) -> String {
    if written.starts_with(|c: char| c.is_ascii_digit()) {
        n.to_string()
    } else {
        chinese(n, written.contains('两'))
    }
}

/// A count in Chinese numerals (三十五, 一百零二); 两 for a lone 2 where the prose wrote 两.
fn chinese(n: i64, liang: bool) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 2 && liang {
        return "两".into();
    }
    if !(0..100_000).contains(&n) {
        return n.to_string();
    }
    if n < 10 {
        return DIGITS[n as usize].into();
    }
    let units = [(10_000, "万"), (1000, "千"), (100, "百"), (10, "十")];
    let mut out = String::new();
    let mut rest = n;
    let mut zero = false;
    for (u, name) in units {
        let d = rest / u;
        rest %= u;
        if d > 0 {
            if zero {
                out.push('零');
                zero = false;
            }
            if !(u == 10 && d == 1 && out.is_empty()) {
                out.push_str(DIGITS[d as usize]);
            }
            out.push_str(name);
        } else if !out.is_empty() {
            zero = true;
        }
    }
    if rest > 0 {
        if zero {
            out.push('零');
        }
        out.push_str(DIGITS[rest as usize]);
    }
    out
}

/// A count cell as a number: blank counts as 0 (tables 三 and 四 commonly leave a 0 blank among
/// filled cells, and `cell-blank` says so); `None` for anything else. A target whose cells are
/// all blank is not read at all ([`all_blank`]): the table does not say.
fn cell_count(t: &Table, row: usize, col: usize) -> Option<(Range<usize>, i64)> {
    let r = &t.rows[row];
    let c = r.cells.get(col)?;
    Some((c.range.clone(), c.value.count()?))
}

/// Whether every cell of `cells` (row, column) of table `t` is blank (or absent).
fn all_blank(t: &Table, cells: impl IntoIterator<Item = (usize, usize)>) -> bool {
    cells.into_iter().all(|(row, col)| {
        t.rows[row]
            .cells
            .get(col)
            .is_none_or(|c| c.value == Value::Blank)
    })
}

/// The rows of table `t` for spec rows `rows` (a group for its data rows; a 2019 single-row group
/// for itself), each found for certain; `None` if one is missing or uncertain.
fn t3_rows(t: &Table, rows: &[usize]) -> Option<Vec<usize>> {
    let spec = t.spec();
    let at = totals::row_index(t);
    let order = t.rows_in_order();
    if totals::unplaced_numbers(t) {
        return None;
    }
    let mut out = Vec::new();
    for &r in rows {
        let data: Vec<usize> = match spec.rows[r].kind {
            RowKind::Data => vec![r],
            _ => {
                let kids = spec.data_descendants(r);
                if kids.iter().all(|k| at[*k].is_none()) && at[r].is_some() {
                    vec![r]
                } else {
                    kids.to_vec()
                }
            }
        };
        for d in data {
            let i = at[d]?;
            if !t.rows[i].fit.is_certain() || !order[i] {
                return None;
            }
            out.push(i);
        }
    }
    Some(out)
}

/// The targets of a report's tables as read, each read once per check of the report.
struct Reads<'a> {
    report: &'a Report,
    read: std::cell::RefCell<Vec<(Resolved, Option<Placed>)>>,
}

impl<'a> Reads<'a> {
    fn new(report: &'a Report) -> Reads<'a> {
        Reads {
            report,
            read: Default::default(),
        }
    }

    fn read(&self, target: Resolved) -> Option<Placed> {
        if let Some((_, r)) = self.read.borrow().iter().find(|(t, _)| *t == target) {
            return r.clone();
        }
        let r = self.report.table(target.table()).and_then(|t| {
            let base = t.range.start;
            t.facts::<KeptReads>()
                .get(target, || read(t, target).map(|r| r.counted_from(base)))
                .map(|read| Placed { read, base })
        });
        self.read.borrow_mut().push((target, r.clone()));
        r
    }
}

/// A target as read in its table (places counted from the table's start), and where the table
/// starts.
#[derive(Clone)]
struct Placed {
    read: Arc<Read>,
    base: usize,
}

impl std::ops::Deref for Placed {
    type Target = Read;
    fn deref(&self) -> &Read {
        &self.read
    }
}

impl Placed {
    fn related(&self) -> Vec<Related> {
        self.read.related_at(self.base)
    }
}

/// The targets of a table as read, kept with the table while it stays as it is (a paragraph
/// edited elsewhere compares its figures with them again), places counted from the table's start.
#[derive(Default)]
struct KeptReads(std::sync::Mutex<Vec<(Resolved, Option<Arc<Read>>)>>);

impl KeptReads {
    fn get(&self, target: Resolved, read: impl FnOnce() -> Option<Read>) -> Option<Arc<Read>> {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, r)) = kept.iter().find(|(t, _)| *t == target) {
            return r.clone();
        }
        let r = read().map(Arc::new);
        kept.push((target, r.clone()));
        r
    }
}

impl Resolved {
    fn table(self) -> TableId {
        match self {
            Resolved::T3 { .. } => TableId::T3,
            Resolved::T4 { .. } => TableId::T4,
            Resolved::T2 { .. } => TableId::T2,
        }
    }
}

/// Reads a target in its table; `None` where it cannot be read for certain.
fn read(t: &Table, target: Resolved) -> Option<Read> {
    match target {
        Resolved::T3 { rows, cols } => read_t3(t, rows, cols),
        Resolved::T4 { groups, cols } => read_t4(t, groups, cols),
        Resolved::T2 { row, col } => read_t2(t, row, col),
    }
}

fn read_t3(t: &Table, rows: &'static [usize], cols: T3Cols) -> Option<Read> {
    let spec = t.spec();
    let found = t3_rows(t, rows)?;
    let total_col = t3::TOTAL_COL;
    let (printed, parts): (Vec<usize>, Vec<usize>) = match cols {
        T3Cols::Total => (vec![total_col], (0..total_col).collect()),
        T3Cols::Col(c) => (vec![c], vec![c]),
        T3Cols::Legal => ((1..total_col).collect(), (1..total_col).collect()),
    };
    if all_blank(
        t,
        found
            .iter()
            .flat_map(|&i| printed.iter().map(move |&c| (i, c))),
    ) {
        return None;
    }
    let mut cells = Vec::new();
    let mut value = 0i64;
    let mut parts_sum = Some(0i64);
    for &i in &found {
        for &c in &printed {
            let (range, v) = cell_count(t, i, c)?;
            value += v;
            cells.push((range, v as f64));
        }
        parts_sum = parts_sum.and_then(|s| {
            parts
                .iter()
                .map(|&c| cell_count(t, i, c).map(|x| x.1))
                .sum::<Option<i64>>()
                .map(|p| s + p)
        });
    }
    let mut accepted = vec![value];
    accepted.extend(parts_sum);
    // （七）总计 may be wrong itself: its leaves' sum is what the prose may mean.
    if rows == [t3::TOTAL] {
        let leaves: Vec<usize> = spec
            .data_descendants(t3::RESULTS)
            .iter()
            .copied()
            .filter(|&r| r != t3::TOTAL)
            .collect();
        if let Some(leaf_rows) = t3_rows(t, &leaves) {
            let sum: Option<i64> = leaf_rows
                .iter()
                .map(|&i| {
                    printed
                        .iter()
                        .map(|&c| cell_count(t, i, c).map(|x| x.1))
                        .sum::<Option<i64>>()
                })
                .sum();
            accepted.extend(sum);
        }
    }
    let names: Vec<String> = rows
        .iter()
        .map(|&r| format!("「{}」", spec.short_label(r)))
        .collect();
    let rows_words = names.join("与");
    let col_words = match cols {
        T3Cols::Total => format!("「{}」列", spec.col_sets[0][total_col].label),
        T3Cols::Col(c) => format!("「{}」列", spec.col_sets[0][c].label),
        T3Cols::Legal => format!("「{}」各列之和", spec::T3_LEGAL),
    };
    let group = rows.iter().any(|&r| spec.rows[r].kind == RowKind::Group);
    let words = match (rows.len(), group) {
        (1, false) => format!("{}{rows_words}行{col_words}", spec.short_name),
        (_, true) => format!("{}{rows_words}各项{col_words}之和", spec.short_name),
        _ => format!("{}{rows_words}两行{col_words}之和", spec.short_name),
    };
    Some(Read {
        value: value as f64,
        is_money: false,
        accepted,
        cells,
        words,
    })
}

fn read_t4(t: &Table, groups: Groups, cols: &'static [usize]) -> Option<Read> {
    let row = t.rows.first()?;
    if !row.fit.is_certain() {
        return None;
    }
    let spec = t.spec();
    if all_blank(
        t,
        groups
            .starts()
            .flat_map(|g| cols.iter().map(move |&c| (0, g + c))),
    ) {
        return None;
    }
    let mut value = 0i64;
    let mut alt = Some(0i64);
    let mut cells = Vec::new();
    let mut names = Vec::new();
    for g in groups.starts() {
        for &c in cols {
            let (range, v) = cell_count(t, 0, g + c)?;
            value += v;
            cells.push((range, v as f64));
            let computed = if c == t4::TOTAL {
                t4::PARTS
                    .iter()
                    .map(|&p| cell_count(t, 0, g + p).map(|x| x.1))
                    .sum::<Option<i64>>()
            } else {
                Some(v)
            };
            alt = alt.and_then(|a| computed.map(|x| a + x));
        }
        let col = &spec.col_sets[0][g];
        names.push(format!("「{}」", col.parents.last().copied().unwrap_or("")));
    }
    let col_names: Vec<&str> = cols.iter().map(|&c| spec.col_sets[0][c].label).collect();
    let words = format!(
        "{}{}的「{}」{}",
        spec.short_name,
        names.join("与"),
        col_names.join("」「"),
        if names.len() + col_names.len() > 2 {
            "之和"
        } else {
            ""
        }
    );
    let mut accepted = vec![value];
    accepted.extend(alt);
    Some(Read {
        value: value as f64,
        is_money: false,
        accepted,
        cells,
        words,
    })
}

fn read_t2(t: &Table, row: usize, col: usize) -> Option<Read> {
    // The 2019 table 二 has other columns: none of its figures is a 2021 one.
    if t.edition != spec::Edition::Y2021 {
        return None;
    }
    let spec = t.spec();
    let at = totals::row_index(t);
    let i = at[row]?;
    let r = &t.rows[i];
    if !r.fit.is_certain() {
        return None;
    }
    let c = r.cells.get(col)?;
    let (value, is_money) = match c.value {
        // A blank cell: the table does not say (table 二 has no relation that makes it 0).
        Value::Blank => return None,
        Value::Count(n) => (n as f64, false),
        Value::Money(m) => (m, true),
        _ => return None,
    };
    let words = format!(
        "{}「{}」行「{}」列",
        spec.short_name,
        spec.rows[row].label,
        spec.cols_of(row)[col].label
    );
    Some(Read {
        value,
        is_money: is_money || spec.cols_of(row)[col].unit == spec::Unit::Money,
        accepted: vec![value as i64],
        cells: vec![(c.range.clone(), value)],
        words,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{each_report, with_report};

    /// The text-mismatch diagnostics of a text: the figure, the message, the fixes.
    fn found(text: &str) -> Vec<String> {
        diagnostics(text)
            .into_iter()
            .map(|d| {
                let fixes: Vec<&str> = d.fixes.iter().map(|f| f.title.as_str()).collect();
                format!("「{}」{} {:?}", &text[d.range.clone()], d.message, fixes)
            })
            .collect()
    }

    /// The claims of every sentence of a text's reports (for looking at what is read).
    fn claims(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        each_report(text, |ctx| {
            let tables = Reads::new(ctx.report);
            for p in paragraphs(ctx) {
                for s in p.sentences() {
                    let sent = Sentence::new(&p, s, ctx.report, &tables);
                    for c in sent.claims() {
                        out.push(format!(
                            "{} {} {:?}",
                            c.wording.id,
                            &sent.text[c.at.clone()],
                            c.targets
                        ));
                    }
                }
            }
        });
        out
    }

    use crate::spec::{t2, t3, t4};

    const T2: TableId = TableId::T2;
    const T3: TableId = TableId::T3;
    const T4: TableId = TableId::T4;
    /// Rows of table 三 below the groups: the first of each group.
    const SECRET: usize = t3::WITHHELD + 1;
    const NOT_HELD: usize = t3::UNAVAILABLE + 1;
    const COMPLAINT: usize = t3::NOT_HANDLED + 1;
    const OVERDUE: usize = t3::OTHER + 1;
    const PARTIAL: usize = t3::DISCLOSED + 1;
    const TOT: usize = t3::TOTAL_COL;

    type Cell = (TableId, usize, usize, &'static str);

    /// The standard draft for `year` with `sentence` as its paragraph on applications and the
    /// cells set (every other cell is 0).
    fn report(year: i32, sentence: &str, cells: &[Cell]) -> String {
        let text = crate::draft::new_report("某某市某某局", year)
            .replace("（填写依申请公开工作情况。）", sentence);
        let doc = crate::parse::parse(&text);
        let r = &doc.reports[0];
        let edits: Vec<Edit> = cells
            .iter()
            .map(|&(id, row, col, v)| {
                let t = r.table(id).unwrap();
                let c = &t.row(row).unwrap().cells[col];
                Edit::replace(c.range.clone(), v)
            })
            .collect();
        crate::fix::apply_edits(&text, &edits)
    }

    /// One case per wording: the year of its example, the cells that make the example agree with
    /// the tables, the cells that make it disagree, and the text the diagnostic then sits on.
    struct Case {
        id: &'static str,
        year: i32,
        cells: &'static [Cell],
        change: &'static [Cell],
        on: &'static str,
    }

    const RESULTS_202: &[Cell] = &[
        (T3, t3::TOTAL, TOT, "81"),
        (T3, t3::DISCLOSED, TOT, "22"),
        (T3, PARTIAL, TOT, "20"),
        (T3, SECRET, TOT, "5"),
        (T3, NOT_HELD, TOT, "31"),
        (T3, COMPLAINT, TOT, "1"),
        (T3, OVERDUE, TOT, "2"),
    ];
    const RESULTS_215: &[Cell] = &[
        (T3, t3::NEW, TOT, "8"),
        (T3, t3::TOTAL, TOT, "8"),
        (T3, t3::DISCLOSED, TOT, "3"),
        (T3, PARTIAL, TOT, "1"),
        (T3, NOT_HELD, TOT, "4"),
    ];
    const T4_201: &[Cell] = &[
        (T4, 0, 0, "72"),
        (T4, 0, 1, "64"),
        (T4, 0, 2, "178"),
        (T4, 0, 3, "37"),
        (T4, 0, 4, "351"),
        (T4, 0, 5, "13"),
        (T4, 0, 6, "4"),
        (T4, 0, 7, "8"),
        (T4, 0, 8, "1"),
        (T4, 0, 9, "26"),
        (T4, 0, 10, "12"),
        (T4, 0, 11, "1"),
        (T4, 0, 12, "1"),
        (T4, 0, 13, "6"),
        (T4, 0, 14, "20"),
    ];
    const T3_203: &[Cell] = &[
        (T3, t3::NEW, TOT, "154"),
        (T3, t3::TOTAL, TOT, "148"),
        (T3, t3::DISCLOSED, TOT, "148"),
        (T3, t3::CARRY_NEXT, TOT, "6"),
        (T4, 0, t4::REVIEW + t4::TOTAL, "36"),
        (T4, 0, t4::DIRECT + t4::TOTAL, "6"),
        (T4, 0, t4::AFTER + t4::TOTAL, "3"),
    ];
    const T3_201: &[Cell] = &[
        (T3, t3::NEW, TOT, "3119"),
        (T3, t3::CARRIED, TOT, "34"),
        (T3, t3::TOTAL, TOT, "3050"),
        (T3, t3::DISCLOSED, TOT, "3050"),
        (T3, t3::CARRY_NEXT, TOT, "103"),
    ];
    const T2_000: &[Cell] = &[
        (T2, t2::NORMATIVE, 0, "7"),
        (T2, t2::NORMATIVE, 1, "1"),
        (T2, t2::NORMATIVE, 2, "7"),
    ];

    const CASES: &[Case] = &[
        Case {
            id: "new-received",
            year: 2025,
            cells: T3_203,
            change: &[(T3, t3::NEW, TOT, "155")],
            on: "154",
        },
        Case {
            id: "new-received-letters",
            year: 2024,
            cells: &[
                (T3, t3::NEW, TOT, "4"),
                (T3, t3::TOTAL, TOT, "4"),
                (T3, t3::DISCLOSED, TOT, "4"),
            ],
            change: &[(T3, t3::NEW, TOT, "5")],
            on: "4",
        },
        Case {
            id: "new-none",
            year: 2022,
            cells: &[],
            change: &[(T3, t3::NEW, 0, "1"), (T3, t3::NEW, TOT, "1")],
            on: "未收到依申请公开信件",
        },
        Case {
            id: "received-and-handled-before",
            year: 2020,
            cells: &[
                (T3, t3::NEW, TOT, "2"),
                (T3, t3::TOTAL, TOT, "2"),
                (T3, t3::DISCLOSED, TOT, "2"),
            ],
            change: &[
                (T3, t3::NEW, TOT, "3"),
                (T3, t3::TOTAL, TOT, "3"),
                (T3, t3::DISCLOSED, TOT, "3"),
            ],
            on: "2",
        },
        Case {
            id: "new-received-before",
            year: 2020,
            cells: &[(T3, t3::NEW, TOT, "2")],
            change: &[(T3, t3::NEW, TOT, "3")],
            on: "2",
        },
        Case {
            id: "natural-persons",
            year: 2023,
            cells: &[
                (T3, t3::NEW, 0, "80"),
                (T3, t3::NEW, 1, "1"),
                (T3, t3::NEW, TOT, "81"),
            ],
            change: &[(T3, t3::NEW, 0, "79")],
            on: "80",
        },
        Case {
            id: "legal-persons",
            year: 2023,
            cells: &[
                (T3, t3::NEW, 0, "80"),
                (T3, t3::NEW, 1, "1"),
                (T3, t3::NEW, TOT, "81"),
            ],
            change: &[(T3, t3::NEW, 2, "1")],
            on: "1",
        },
        Case {
            id: "business",
            year: 2022,
            cells: &[
                (T3, t3::NEW, 0, "72"),
                (T3, t3::NEW, 1, "3"),
                (T3, t3::NEW, TOT, "75"),
            ],
            change: &[(T3, t3::NEW, 1, "2")],
            on: "3",
        },
        Case {
            id: "carried",
            year: 2024,
            cells: T3_201,
            change: &[(T3, t3::CARRIED, TOT, "35")],
            on: "34",
        },
        Case {
            id: "handled",
            year: 2024,
            cells: &[(T3, t3::TOTAL, TOT, "58"), (T3, t3::DISCLOSED, TOT, "58")],
            change: &[(T3, t3::TOTAL, TOT, "57"), (T3, t3::DISCLOSED, TOT, "57")],
            on: "58",
        },
        Case {
            id: "handled-before",
            year: 2020,
            cells: &[(T3, t3::TOTAL, TOT, "2"), (T3, t3::DISCLOSED, TOT, "2")],
            change: &[(T3, t3::TOTAL, TOT, "3"), (T3, PARTIAL, TOT, "1")],
            on: "2",
        },
        Case {
            id: "processed",
            year: 2024,
            cells: &[
                (T3, t3::NEW, TOT, "218"),
                (T3, t3::TOTAL, TOT, "218"),
                (T3, t3::DISCLOSED, TOT, "218"),
            ],
            change: &[
                (T3, t3::NEW, TOT, "217"),
                (T3, t3::TOTAL, TOT, "217"),
                (T3, t3::DISCLOSED, TOT, "217"),
            ],
            on: "218",
        },
        Case {
            id: "applications-info",
            year: 2021,
            cells: &[
                (T3, t3::NEW, TOT, "5"),
                (T3, t3::TOTAL, TOT, "5"),
                (T3, t3::DISCLOSED, TOT, "5"),
            ],
            change: &[
                (T3, t3::NEW, TOT, "6"),
                (T3, t3::TOTAL, TOT, "6"),
                (T3, t3::DISCLOSED, TOT, "6"),
            ],
            on: "5",
        },
        Case {
            id: "disclosed-and-partial",
            year: 2023,
            cells: RESULTS_202,
            change: &[(T3, t3::DISCLOSED, TOT, "21")],
            on: "42",
        },
        Case {
            id: "disclosed",
            year: 2024,
            cells: RESULTS_215,
            change: &[(T3, t3::DISCLOSED, TOT, "2")],
            on: "3",
        },
        Case {
            id: "partial",
            year: 2024,
            cells: RESULTS_215,
            change: &[(T3, PARTIAL, TOT, "2")],
            on: "1",
        },
        Case {
            id: "disclosed-info",
            year: 2020,
            cells: &[(T3, t3::TOTAL, TOT, "2"), (T3, t3::DISCLOSED, TOT, "2")],
            change: &[(T3, t3::DISCLOSED, TOT, "1"), (T3, PARTIAL, TOT, "1")],
            on: "2",
        },
        Case {
            id: "withheld",
            year: 2023,
            cells: RESULTS_202,
            change: &[(T3, SECRET, TOT, "4")],
            on: "5",
        },
        Case {
            id: "withheld-info",
            year: 2019,
            cells: &[
                (T3, t3::NEW, TOT, "1"),
                (T3, t3::TOTAL, TOT, "1"),
                (T3, t3::DISCLOSED, TOT, "1"),
            ],
            change: &[(T3, SECRET + 1, 0, "1"), (T3, SECRET + 1, TOT, "1")],
            on: "0",
        },
        Case {
            id: "unavailable",
            year: 2024,
            cells: RESULTS_215,
            change: &[(T3, NOT_HELD, TOT, "5")],
            on: "4",
        },
        Case {
            id: "not-handled",
            year: 2023,
            cells: RESULTS_202,
            change: &[(T3, COMPLAINT + 1, TOT, "1")],
            on: "1",
        },
        Case {
            id: "other-handling",
            year: 2023,
            cells: RESULTS_202,
            change: &[(T3, OVERDUE + 2, TOT, "1")],
            on: "2",
        },
        Case {
            id: "carry-next",
            year: 2025,
            cells: T3_203,
            change: &[(T3, t3::CARRY_NEXT, TOT, "7")],
            on: "6",
        },
        Case {
            id: "carry-next-before",
            year: 2024,
            cells: T3_201,
            change: &[(T3, t3::CARRY_NEXT, TOT, "104")],
            on: "103",
        },
        Case {
            id: "review",
            year: 2025,
            cells: T3_203,
            change: &[(T4, 0, t4::REVIEW + t4::TOTAL, "35")],
            on: "36",
        },
        Case {
            id: "litigation",
            year: 2025,
            cells: T3_203,
            change: &[(T4, 0, t4::DIRECT + t4::TOTAL, "5")],
            on: "9",
        },
        Case {
            id: "no-review-or-litigation",
            year: 2024,
            cells: &[],
            change: &[
                (T4, 0, t4::AFTER + t4::TOTAL, "1"),
                (T4, 0, t4::AFTER + t4::PENDING, "1"),
            ],
            on: "没有因政府信息公开针对区公安局申请行政复议或行政诉讼的事项",
        },
        Case {
            id: "no-review",
            year: 2022,
            cells: &[],
            change: &[
                (T4, 0, t4::REVIEW + t4::UPHELD, "1"),
                (T4, 0, t4::REVIEW + t4::TOTAL, "1"),
            ],
            on: "未有政府信息公开行政复议有关情况",
        },
        Case {
            id: "no-litigation",
            year: 2022,
            cells: &[],
            change: &[
                (T4, 0, t4::DIRECT + t4::UPHELD, "2"),
                (T4, 0, t4::DIRECT + t4::TOTAL, "2"),
            ],
            on: "未有政府信息公开行政诉讼有关情况",
        },
        Case {
            id: "upheld",
            year: 2024,
            cells: T4_201,
            change: &[(T4, 0, t4::DIRECT + t4::UPHELD, "14")],
            on: "25",
        },
        Case {
            id: "corrected",
            year: 2024,
            cells: T4_201,
            change: &[(T4, 0, t4::REVIEW + t4::CORRECTED, "65")],
            on: "64",
        },
        Case {
            id: "other-result",
            year: 2024,
            cells: T4_201,
            change: &[(T4, 0, t4::REVIEW + t4::OTHER, "179")],
            on: "178",
        },
        Case {
            id: "pending",
            year: 2024,
            cells: T4_201,
            change: &[(T4, 0, t4::DIRECT + t4::PENDING, "2")],
            on: "7",
        },
        Case {
            id: "all-closed",
            year: 2022,
            cells: &[
                (T4, 0, t4::REVIEW + t4::CORRECTED, "1"),
                (T4, 0, t4::REVIEW + t4::OTHER, "1"),
                (T4, 0, t4::REVIEW + t4::TOTAL, "2"),
                (T4, 0, t4::DIRECT + t4::UPHELD, "1"),
                (T4, 0, t4::DIRECT + t4::TOTAL, "1"),
            ],
            change: &[
                (T4, 0, t4::DIRECT + t4::UPHELD, "0"),
                (T4, 0, t4::DIRECT + t4::PENDING, "1"),
            ],
            on: "均已结案",
        },
        Case {
            id: "all-upheld",
            year: 2024,
            cells: &[
                (T3, t3::NEW, TOT, "4"),
                (T3, t3::TOTAL, TOT, "4"),
                (T3, t3::DISCLOSED, TOT, "4"),
                (T4, 0, t4::REVIEW + t4::UPHELD, "2"),
                (T4, 0, t4::REVIEW + t4::TOTAL, "2"),
            ],
            change: &[
                (T4, 0, t4::REVIEW + t4::UPHELD, "1"),
                (T4, 0, t4::REVIEW + t4::PENDING, "1"),
            ],
            on: "均获维持",
        },
        Case {
            id: "normative-issued",
            year: 2024,
            cells: T2_000,
            change: &[(T2, t2::NORMATIVE, 0, "6")],
            on: "7",
        },
        Case {
            id: "normative-none-issued",
            year: 2024,
            cells: &[(T2, t2::NORMATIVE, 2, "11")],
            change: &[(T2, t2::NORMATIVE, 0, "1")],
            on: "行政规范性文件本年度未制发",
        },
        Case {
            id: "normative-repealed",
            year: 2024,
            cells: T2_000,
            change: &[(T2, t2::NORMATIVE, 1, "2")],
            on: "1",
        },
        Case {
            id: "normative-in-force",
            year: 2022,
            cells: &[(T2, t2::NORMATIVE, 0, "88"), (T2, t2::NORMATIVE, 2, "698")],
            change: &[(T2, t2::NORMATIVE, 2, "699")],
            on: "698",
        },
        Case {
            id: "in-force-count",
            year: 2024,
            cells: &[(T2, t2::NORMATIVE, 2, "11")],
            change: &[(T2, t2::NORMATIVE, 2, "12")],
            on: "11",
        },
        Case {
            id: "rules-issued",
            year: 2024,
            cells: &[(T2, t2::GUIZHANG, 0, "1")],
            change: &[(T2, t2::GUIZHANG, 0, "2")],
            on: "1",
        },
        Case {
            id: "rules-in-force",
            year: 2024,
            cells: &[
                (T2, t2::NORMATIVE, 0, "7"),
                (T2, t2::NORMATIVE, 1, "1"),
                (T2, t2::GUIZHANG, 2, "3"),
            ],
            change: &[(T2, t2::GUIZHANG, 2, "4")],
            on: "3",
        },
        Case {
            id: "decisions",
            year: 2021,
            cells: &[(T2, t2::PENALTY, 0, "211")],
            change: &[(T2, t2::PENALTY, 0, "210")],
            on: "211",
        },
        Case {
            id: "fees",
            year: 2021,
            cells: &[(T2, t2::FEES, 0, "59.91")],
            change: &[(T2, t2::FEES, 0, "59.92")],
            on: "59.91",
        },
    ];

    fn wording(id: &str) -> &'static Wording {
        prose::WORDINGS.iter().find(|w| w.id == id).unwrap()
    }

    /// A wording's anchor is text that every match of it holds: each example holds its wording's.
    #[test]
    fn anchors_are_words_every_match_holds() {
        let shown = |p: &str| anchor(p).map(|a| a.join("|"));
        assert_eq!(shown("受理办结{N}件").as_deref(), Some("受理办结"));
        assert_eq!(shown("上(?:一)?年结转x?yz").as_deref(), Some("年结转"));
        assert_eq!(
            shown("[^，。；0-9]*?行政复议(?:、|和)").as_deref(),
            Some("行政复议")
        );
        assert_eq!(shown("[]a]b\\d行政").as_deref(), Some("行政"));
        assert_eq!(
            shown("(?:予以公开|同意公开)(?:的)?{N}件").as_deref(),
            Some("予以公开|同意公开")
        );
        assert_eq!(shown("(?:予以公开|同意公开)?{N}件").as_deref(), Some("件"));
        assert_eq!(shown("(?:予以(?:公开)?|同意公开)件").as_deref(), Some("件"));
        assert_eq!(shown("维持|纠正"), None);
        assert_eq!(shown("(?i)abc"), None);
        assert_eq!(shown("(?:均|都)?"), None);
        let mut listed = String::new();
        for w in prose::WORDINGS {
            let a = anchor(w.pattern);
            if let Some(a) = &a {
                assert!(
                    a.iter().any(|x| w.example.contains(x.as_str())),
                    "{}: {a:?} not in {}",
                    w.id,
                    w.example
                );
            }
            let a = a.map_or("-".to_string(), |a| a.join("|"));
            listed.push_str(&format!("{} {a}\n", w.id));
        }
        expect_test::expect![[r#"
            new-received 申请
            new-received-letters 依申请公开
            new-none 政府信息公开|依申请公开|信息公开
            received-and-handled-before 受理办结
            new-received-before 申请|信息
            natural-persons 自然人
            legal-persons 其他组织
            business 商业企业
            carried 结转
            handled 办结|答复|办理完毕|处理完毕
            handled-before 均已
            processed 政府信息公开|依申请公开|信息公开
            applications-info 依申请公开
            disclosed-and-partial 部分公开|区分处理
            disclosed 予以公开|同意公开
            disclosed-info 予以公开|同意公开
            partial 部分公开|区分处理后公开|区分处理
            withheld 不予公开
            withheld-info 不予公开信息数
            unavailable 无法提供
            not-handled 不予处理
            other-handling 其他处理
            carry-next 结转
            carry-next-before 结转|顺延
            review 行政复议
            litigation 行政诉讼
            no-review-or-litigation 行政诉讼
            no-review 行政复议
            no-litigation 行政诉讼
            upheld 维持
            corrected 纠正
            other-result 其他结果
            pending 尚未审结|未审结|正在审理|审理中
            all-closed 结案|审结
            all-upheld 维持
            normative-issued 规范性文件
            normative-none-issued 规范性文件
            normative-repealed 规范性文件
            normative-in-force 规范性文件
            in-force-count 现行有效
            rules-issued 规章
            rules-in-force 现行有效
            decisions 决定
            fees 行政事业性收费
        "#]]
        .assert_eq(&listed);
    }

    /// Every wording reads its example sentence; the example agrees with tables that say the
    /// same, and disagrees (on its figure or its words) with tables changed; the fix 将正文改为 N
    /// then clears that diagnostic.
    #[test]
    fn every_wording_reads_its_example() {
        for w in prose::WORDINGS {
            assert!(CASES.iter().any(|c| c.id == w.id), "no case for {}", w.id);
        }
        for case in CASES {
            let w = wording(case.id);
            let same = report(case.year, w.example, case.cells);
            let read = claims(&same);
            assert!(
                read.iter().any(|c| c.starts_with(&format!("{} ", w.id))),
                "{}: not read in {:?}: {read:#?}",
                w.id,
                w.example
            );
            assert_eq!(found(&same), Vec::<String>::new(), "{}", w.id);
            let cells: Vec<Cell> = case
                .cells
                .iter()
                .filter(|c| {
                    !case
                        .change
                        .iter()
                        .any(|x| (x.0, x.1, x.2) == (c.0, c.1, c.2))
                })
                .chain(case.change)
                .copied()
                .collect();
            let changed = report(case.year, w.example, &cells);
            let d = diagnostics(&changed);
            let hit: Vec<&Diagnostic> = d
                .iter()
                .filter(|d| &changed[d.range.clone()] == case.on)
                .collect();
            assert!(
                !hit.is_empty(),
                "{}: nothing on 「{}」: {:#?}",
                w.id,
                case.on,
                found(&changed)
            );
            for d in hit {
                assert!(
                    d.fixes
                        .iter()
                        .all(|f| f.applicability == crate::diag::Applicability::Unsafe)
                );
                if let Some(f) = d.fixes.first() {
                    let fixed = crate::fix::apply_edits(&changed, &f.edits);
                    assert!(
                        diagnostics(&fixed)
                            .iter()
                            .all(|e| e.range.start != d.range.start),
                        "{}: {} does not clear it",
                        w.id,
                        f.title
                    );
                }
            }
        }
    }

    /// The text-mismatch diagnostics of a text's reports.
    fn diagnostics(text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        each_report(text, |ctx| text_mismatch(ctx, &mut out));
        out
    }

    #[test]
    fn messages_name_the_cell_and_its_value() {
        let text = report(
            2022,
            "2022年，全区收到政府信息公开申请75件，涉及自然人72件、商业企业3件，均在法定期限内予以答复，办结率100%。",
            &[
                (T3, t3::NEW, 0, "71"),
                (T3, t3::NEW, 1, "3"),
                (T3, t3::NEW, TOT, "74"),
            ],
        );
        expect_test::expect![[r#"
            [
                "「75」正文为 75，而表三「一、本年新收政府信息公开申请数量」行「总计」列为 74 [\"将正文改为 74\"]",
                "「72」正文为 72，而表三「一、本年新收政府信息公开申请数量」行「自然人」列为 71 [\"将正文改为 71\"]",
            ]
        "#]]
        .assert_debug_eq(&found(&text));
        let d = diagnostics(&text);
        let related: Vec<&str> = d[0]
            .related
            .iter()
            .map(|r| &text[r.range.clone()])
            .collect();
        assert_eq!(related, ["74"]);
    }

    /// A cell left blank does not say 0: a figure of the prose against cells that are all blank
    /// is not compared (table 二, whose cells have no relation; tables 三 and 四 too, where a blank
    /// among filled cells still counts as 0 and `cell-blank` says it is blank). The same figures
    /// against a filled cell are.
    #[test]
    fn blank_cells_say_nothing() {
        let t2 = "2024年，制发行政规范性文件7件，废止行政规范性文件1件；现行有效规章3件。";
        let t3 = "全年办理政府信息公开申请218件。";
        let t4 = "全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。";
        let t2_cells = |issued: &'static str, in_force: &'static str| -> Vec<Cell> {
            vec![
                (T2, t2::NORMATIVE, t2::ISSUED, issued),
                (T2, t2::NORMATIVE, t2::REPEALED, "1"),
                (T2, t2::GUIZHANG, t2::IN_FORCE, in_force),
            ]
        };
        let lawsuits: [Cell; 2] = [
            (T4, 0, t4::DIRECT + t4::TOTAL, "6"),
            (T4, 0, t4::AFTER + t4::TOTAL, "3"),
        ];
        let t4_cells = |review: &'static str| -> Vec<Cell> {
            let mut v = vec![(T4, 0, t4::REVIEW + t4::TOTAL, review)];
            v.extend(lawsuits);
            v
        };
        for (sentence, cells) in [
            (t2, t2_cells("", "")),
            (t3, vec![(T3, t3::NEW, TOT, ""), (T3, t3::TOTAL, TOT, "")]),
            (t4, t4_cells("")),
        ] {
            let text = report(2024, sentence, &cells);
            assert_eq!(found(&text), Vec::<String>::new(), "{sentence}");
        }
        // Filled: 0 is a figure the prose contradicts.
        let mut said = Vec::new();
        for (sentence, cells) in [
            (t2, t2_cells("0", "0")),
            (t3, vec![(T3, t3::NEW, TOT, "0"), (T3, t3::TOTAL, TOT, "0")]),
            (t4, t4_cells("0")),
        ] {
            said.extend(found(&report(2024, sentence, &cells)));
        }
        expect_test::expect![[r#"
            [
                "「7」正文为 7，而表二「行政规范性文件」行「本年制发件数」列为 0 [\"将正文改为 0\"]",
                "「3」正文为 3，而表二「规章」行「现行有效件数」列为 0 [\"将正文改为 0\"]",
                "「218」正文为 218，而表三「一、本年新收政府信息公开申请数量」行「总计」列为 0，表三「（七）总计」行「总计」列为 0 [\"将正文改为 0\"]",
                "「36」正文为 36，而表四「行政复议」的「总计」为 0 [\"将正文改为 0\"]",
            ]
        "#]]
        .assert_debug_eq(&said);
    }

    #[test]
    fn chinese_numerals_are_read_and_written_back() {
        let text = report(
            2025,
            "2025年，共收到政府信息公开申请三十五件，答复两件。",
            &[
                (T3, t3::NEW, TOT, "36"),
                (T3, t3::TOTAL, TOT, "3"),
                (T3, t3::DISCLOSED, TOT, "3"),
            ],
        );
        expect_test::expect![[r#"
            [
                "「三十五」正文为 三十五，而表三「一、本年新收政府信息公开申请数量」行「总计」列为 36 [\"将正文改为 三十六\"]",
                "「两」正文为 两，而表三「（七）总计」行「总计」列为 3 [\"将正文改为 三\"]",
            ]
        "#]]
        .assert_debug_eq(&found(&text));
        assert_eq!(chinese(102, false), "一百零二");
        assert_eq!(chinese(10, false), "十");
        assert_eq!(chinese(2, true), "两");
        assert_eq!(chinese(1005, false), "一千零五");
    }

    #[test]
    fn percentages_within_rounding() {
        let sentence =
            "其中，同意公开3件，占比37.5%；无法提供4件，占比50%；区分处理后公开1件，占比12.5%。";
        assert!(found(&report(2024, sentence, RESULTS_215)).is_empty());
        let wrong = sentence.replace("37.5%", "33.9%");
        expect_test::expect![[r#"
            [
                "「33.9」正文为 33.9%，而按表三计算，表三「（一）予以公开」行「总计」列 3 占（七）总计 8 的 37.5% [\"将正文改为 37.5\"]",
            ]
        "#]]
        .assert_debug_eq(&found(&report(2024, &wrong, RESULTS_215)));
        // 42 of 81 is 51.85%, 51.9% and 52% as well.
        let s202 = wording("disclosed-and-partial").example;
        for p in ["51.9%", "52%"] {
            let t = report(2023, &s202.replace("51.85%", p), RESULTS_202);
            assert!(found(&t).is_empty(), "{p}");
        }
    }

    #[test]
    fn a_total_whose_parts_do_not_add_up() {
        // 207: 82+80+21+40+390+69+143+208+246+271+1053 = 2603.
        let s = "全年我区政府信息公开单位共公布政府信息2602条(其中机构职能类信息82条，政策、规范性文件类信息80条，规划计划类信息21条，行政许可类信息40条，重大建设项目信息390条，为民办实事类信息69条，民政扶贫救灾社会保障就业类信息143条，国土资源城乡建设环保能源类信息208条，科教文体卫生类信息246条，安全生产、应急管理类信息271条，其他应主动公开政府信息1053条)，对于主动公开的政府信息，主要通过政府门户网站进行公开。";
        expect_test::expect![[r#"
            [
                "「2602」正文的合计为 2602条，而其后所列各项之和为 2603条（82 + 80 + 21 + 40 + 390 + 69 + 143 + 208 + 246 + 271 + 1053） [\"将正文改为 2603\"]",
            ]
        "#]]
        .assert_debug_eq(&found(&report(2020, s, &[])));
        assert!(found(&report(2020, &s.replace("2602", "2603"), &[])).is_empty());
        // 210: the parts add up; one less in the total, with 其他 last, is wrong too.
        let s210 = "全年主动公开信息数160条，其中机关职能类信息13条，行政许可类信息4条，财政预决算类信息2条，扶贫、教育、医疗、社会保障、促进就业类信息7条；突发公共事件应急预案类信息27条；环境保护、公共卫生、安全生产、食品药品、产品质量类信息42条；其他应主动公开的政府信息65条。";
        assert!(found(&report(2023, s210, &[])).is_empty());
        assert_eq!(
            found(&report(2023, &s210.replace("160条", "161条"), &[])).len(),
            1
        );
        // A list that is only some of the total (no 其他) may add up to less.
        let some = "全年主动公开信息数160条，其中机关职能类信息13条，行政许可类信息4条。";
        assert!(found(&report(2023, some, &[])).is_empty());
        // 211: the list ends where the unit changes.
        let s211 = "全年主动公开信息数86条，其中机关职能类信息8条，行政许可类信息2条，扶贫、教育、医疗、社会保障、促进就业类信息1条；突发公共事件应急预案类信息4条；环境保护、公共卫生、安全生产、食品药品、产品质量类信息35条；其他应主动公开的政府信息36条;行政规范性文件本年度未制发，现行有效件数11件。";
        assert!(found(&report(2024, s211, &[(T2, t2::NORMATIVE, 2, "11")])).is_empty());
    }

    /// What is not this year's figure, or not a figure of the tables, is not read.
    #[test]
    fn comparisons_other_counts_and_other_years_are_not_read() {
        let cells: &[Cell] = &[
            (T3, t3::NEW, TOT, "10"),
            (T3, t3::TOTAL, TOT, "10"),
            (T3, t3::DISCLOSED, TOT, "10"),
        ];
        for s in [
            // comparisons
            "2024年收到政府信息公开申请12件比上年多。",
            "2024年，收到政府信息公开申请较上年增加12件。",
            "与上年相比，收到政府信息公开申请12件。",
            "2024年收到的政府信息公开申请比上年多12件。",
            // published items: 主动公开…条 is no cell of the tables (230)
            "2024年，共制发政府信息316条，其中，主动公开政府信息121条、依申请公开128条、不予公开67条。",
            // letters and complaints are not applications
            "2024年，共收到群众来信15件，受理群众诉求12件。",
            "我局通过关联12345平台受理群众政策解答、维权服务等方面的诉求累计受理4355件，全部办结，办理率100%。",
            // another year (004)
            "2021年9月收到作出的政府信息公开决定1件,申请人2022年提出行政复议,结果为“决定维持”。",
            "2023年共收到政府信息公开申请12件。",
            // approximate figures
            "2024年，共收到政府信息公开申请近12件。",
            "2024年，共收到政府信息公开申请十余件。",
            // a negation before the wording
            "2024年，不予以公开12件。",
            // 行政复议 of other matters, or all of them with the disclosure cases after
            "2024年，共办理行政复议案件120件。",
            "2024年，全市受理行政复议案件120件，其中涉及政府信息公开的10件。",
            "2024年，共收到行政复议申请12件。",
        ] {
            let text = report(2024, s, cells);
            assert_eq!(found(&text), Vec::<String>::new(), "{s}");
            assert!(claims(&text).is_empty(), "{s}: {:?}", claims(&text));
        }
    }

    /// A comparison after the figure, in a clause of its own, leaves it this year's figure.
    #[test]
    fn a_comparison_after_the_figure_leaves_it_read() {
        let cells: &[Cell] = &[(T3, t3::NEW, TOT, "10")];
        let text = report(
            2024,
            "2024年，共收到政府信息公开申请12件，同比增长20%。",
            cells,
        );
        assert_eq!(found(&text).len(), 1, "{:?}", found(&text));
    }

    #[test]
    fn figures_in_laid_out_text_are_read_across_line_breaks() {
        // 201 as pdftotext lays it out: a sentence wraps inside 尚\n未审结.
        let text = "淮安市人民政府\n2024 年政府信息公开工作年度报告\n   一、总体情况\n   （二）依申请公开情况。2024 年，全市共受理政府信息公开申请 3119 件，答\n复 3050 件。政府信息公开行政复议 351\n件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚\n未审结 38 件。\n";
        let doc = crate::parse::parse(text);
        let mut report = doc.reports[0].clone();
        report.shape = Shape::Layout;
        report.kind = crate::model::ReportKind::AnnualReport;
        let ps = with_report(&report, text, paragraphs);
        let joined: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert!(
            joined
                .iter()
                .any(|p| p.contains("其他结果178件，尚未审结38件。")),
            "{joined:#?}"
        );
        let p = ps.iter().find(|p| p.text.contains("尚未审结")).unwrap();
        let at = p.text.find("38").unwrap();
        assert_eq!(&text[p.source(at..at + 2)], "38");
    }

    /// Every real report at hand (seeds, corpus).
    fn real_reports() -> Vec<(String, String)> {
        let mut v = crate::test_support::seeds();
        v.extend(crate::test_support::corpus());
        v
    }

    /// Every figure of the seeds' and the corpus's prose that a wording reads is checked: the same
    /// text with that figure one more is found wrong, on that figure.
    #[test]
    fn every_figure_read_in_real_prose_is_checked() {
        let mut changed = 0;
        for (name, text) in real_reports() {
            each_report(&text, |ctx| {
                let r = ctx.report;
                let tables = Reads::new(r);
                for p in paragraphs(ctx) {
                    for s in p.sentences() {
                        let sent = Sentence::new(&p, s, r, &tables);
                        for c in sent.claims() {
                            let Figure::Count(n) = c.value else { continue };
                            let at = sent.source(&c.at);
                            if c.wording.reading != Reading::Any
                                || !text[at.clone()].starts_with(|d: char| d.is_ascii_digit())
                                || c.targets.iter().any(|t| {
                                    r.table(t.table()).and_then(|tb| read(tb, *t)).is_none()
                                })
                            {
                                continue;
                            }
                            let mutated =
                                format!("{}{}{}", &text[..at.start], n + 1, &text[at.end..]);
                            let d = diagnostics(&mutated);
                            assert!(
                                d.iter().any(|x| x.range.start == at.start),
                                "{name}: {} {n} → {} not found",
                                c.wording.id,
                                n + 1
                            );
                            changed += 1;
                        }
                    }
                }
            });
        }
        assert!(changed >= 40, "{changed}");
    }

    /// The paragraphs found part by part (a heading's line to the next) are those of a walk over
    /// the whole report, in every real report, as written and as if laid out from a PDF (where
    /// lines join into paragraphs).
    #[test]
    fn paragraphs_found_part_by_part_are_those_of_the_whole_report() {
        let mut parts = 0;
        for (name, text) in real_reports() {
            let doc = crate::parse::parse(&text);
            for r in doc.annual_reports() {
                for layout in [false, true] {
                    let mut report = r.clone();
                    if layout {
                        report.shape = Shape::Layout;
                    }
                    let (whole, by_part) = with_report(&report, &text, |ctx| {
                        parts += ctx.parts().expect("headings in order").len();
                        let whole = walk(ctx, report.range.clone(), &|at| {
                            report.section_at(at).map(|i| report.sections[i].index)
                        });
                        (whole, spans(ctx))
                    });
                    type Place = (Range<usize>, Vec<Range<usize>>, Option<usize>);
                    let places = |v: &[Span]| -> Vec<Place> {
                        v.iter()
                            .map(|s| (s.range.clone(), s.lines.clone(), s.section))
                            .collect()
                    };
                    assert_eq!(
                        places(&by_part),
                        places(&whole),
                        "{name} (layout: {layout})"
                    );
                }
            }
        }
        assert!(parts > 100, "{parts}");
    }

    fn edit() -> impl proptest::strategy::Strategy<Value = (usize, usize, &'static str)> {
        use proptest::prelude::*;
        let typed = prop_oneof![
            Just("3"),
            Just("。"),
            Just("\n"),
            Just("件"),
            Just("  "),
            Just("共收到政府信息公开申请12件。"),
            Just("\t5\t"),
            Just("（七）总计"),
            Just("三、收到和处理政府信息公开申请情况\n"),
            Just(""),
            // A digit at or after the place, one more (the text keeps its length).
            Just("+1"),
            Just("+1"),
            Just("+1"),
        ];
        (any::<usize>(), 0usize..8, typed)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]
        /// What is remembered of paragraphs and parts read before changes nothing: after every
        /// edit, a report checked with the memory of the texts before it reads the same as one
        /// checked afresh.
        #[test]
        fn what_is_remembered_reads_as_what_is_read_afresh(
            seed in 0usize..64,
            edits in proptest::collection::vec(edit(), 1..10),
        ) {
            let reports = real_reports();
            let mut text = reports[seed % reports.len()].1.clone();
            forget();
            diagnostics(&text);
            for (at, len, new) in edits {
                let start = crate::text::floor_char_boundary(&text, at % (text.len() + 1));
                if new == "+1" {
                    let Some(d) = text[start..].find(|c: char| c.is_ascii_digit()) else { continue };
                    let d = start + d;
                    let next = (text.as_bytes()[d] - b'0' + 1) % 10;
                    text.replace_range(d..d + 1, &next.to_string());
                } else {
                    let end = crate::text::floor_char_boundary(&text, (start + len * 3).min(text.len()));
                    text.replace_range(start..end, new);
                }
                let remembered = diagnostics(&text);
                forget();
                let afresh = diagnostics(&text);
                proptest::prop_assert_eq!(remembered, afresh);
            }
        }
    }
}
