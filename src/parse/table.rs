//! Raw rows to tables: finds where each of tables 二/三/四 stands, recognises row labels by meaning
//! (normalised, wrapped or split over cells, with or without their group label), and assigns values
//! to columns.

use std::ops::Range;

use super::cells::{Item, Kind, RawCell, RawRow, parse_value};
use crate::model::{Cell, GroupLabel, HeaderCell, Row, RowFit, Shape, Table, Value};
use crate::spec::{self, RowKind, TableId, TableSpec, normed};
use crate::text::{norm, similarity, split_numbering};

/// Most raw rows and breaks one table is read from. A table runs from the row that announces it
/// to the next table's or the block's end; past this many items it ends (a later row that
/// announces it begins another). Real tables have under 100 (table 三 wrapped over lines of PDF
/// text); the limit bounds the work of reading and checking one table.
pub const MAX_TABLE_ITEMS: usize = 2000;

/// Splits a block's raw rows into tables and assembles each.
pub fn tables(text: &str, items: &[Item]) -> Vec<Table> {
    let mut segments: Vec<(TableId, Vec<&Item>)> = Vec::new();
    for it in items {
        let tag = match it {
            Item::Row(r) => tag(r),
            Item::Break => None,
        };
        let open = segments
            .last_mut()
            .filter(|(_, rows)| rows.len() < MAX_TABLE_ITEMS);
        match (tag, open) {
            (Some(t), Some((cur, rows))) if *cur == t => rows.push(it),
            (Some(t), _) => segments.push((t, vec![it])),
            (None, Some((_, rows))) => rows.push(it),
            (None, None) => {}
        }
    }
    let mut out = Vec::new();
    for (id, rows) in segments {
        let t = match id {
            TableId::T4 => assemble_t4(text, &rows),
            TableId::T2 => assemble_t2(text, &rows),
            _ => assemble(text, id.spec(), &rows),
        };
        if t.rows.is_empty() && t.headers.is_empty() {
            continue;
        }
        out.push(t);
    }
    out
}

/// Table 二, read with the rows and columns of the edition its column headers show. A 2019 column
/// label means the 2019 columns; 2021 column labels and none of 2019 mean the 2021 columns,
/// whatever row of 2019 stands among them (其他对外管理服务事项, 第二十条第（九）项 and its row: rows
/// the 2021 table does not have, kept in `layout_2019` for `format-outdated`). A table with a row
/// of 2019 and no column header of either edition is read with the edition whose columns more of
/// its rows fit (the 2019 one when as many do).
fn assemble_t2(text: &str, rows: &[&Item]) -> Table {
    let t = assemble(text, &spec::T2, rows);
    if t.layout_2019.is_empty() {
        return t;
    }
    let nm = spec::T2.norms();
    let col_2019 = t.layout_2019.iter().any(|r| {
        nm.col_markers_2019
            .contains(norm(&text[r.clone()]).as_str())
    });
    let col_2021 = t
        .headers
        .iter()
        .any(|h| nm.cols.iter().any(|&(_, label)| label == h.standard_text));
    if col_2021 && !col_2019 {
        return t;
    }
    let mut t19 = assemble(text, &spec::T2_2019, rows);
    t19.edition = spec::Edition::Y2019;
    if !col_2019 && rows_fitting(&t) > rows_fitting(&t19) {
        return t;
    }
    t19
}

/// How many data rows of a table have numbers that fit its columns exactly.
fn rows_fitting(t: &Table) -> usize {
    let spec = t.spec();
    t.rows
        .iter()
        .filter(|r| spec.rows[r.spec].kind == RowKind::Data && r.fit == RowFit::Exact)
        .filter(|r| r.cells.iter().any(|c| c.value != Value::Blank))
        .count()
}

/// Words that announce a table, normalised once: row and column labels of table 二 (2019 ones
/// too), the header words of 三 and 四, and the labels of table 三 that end a label cell.
struct Announcers {
    exact: rustc_hash::FxHashMap<&'static str, TableId>,
    t3_endings: Vec<&'static str>,
}

static ANNOUNCERS: std::sync::LazyLock<Announcers> = std::sync::LazyLock::new(|| {
    let mut exact = rustc_hash::FxHashMap::default();
    exact.insert(normed(spec::T2_ITEM_HEADER), TableId::T2);
    for row in spec::T2.rows.iter().filter(|r| r.kind == RowKind::Data) {
        exact.insert(normed(row.label), TableId::T2);
        for a in row.aliases {
            exact.insert(normed(a), TableId::T2);
        }
    }
    for cs in spec::T2.col_sets {
        for c in cs.iter() {
            exact.insert(normed(c.label), TableId::T2);
        }
    }
    for m in spec::T2_2019_MARKERS {
        exact.insert(normed(m), TableId::T2);
    }
    // Table 三's header words and column labels (all but the ambiguous 其他 and 总计).
    for w in spec::T3.header_words.iter().chain(
        spec::T3.col_sets[0]
            .iter()
            .map(|c| &c.label)
            .filter(|l| l.chars().count() >= 3),
    ) {
        exact.insert(normed(w), TableId::T3);
    }
    // Table 四's header words and column labels (其他结果 and 总计 say too little).
    for w in spec::T4.header_words.iter().chain(
        spec::T4.col_sets[0]
            .iter()
            .map(|c| &c.label)
            .filter(|l| l.starts_with("结果") || l.starts_with("尚未")),
    ) {
        exact.entry(normed(w)).or_insert(TableId::T4);
    }
    let t3_endings: Vec<&'static str> = spec::T3
        .rows
        .iter()
        .map(|r| normed(r.label))
        .filter(|l| l.chars().count() >= 4)
        .collect();
    // A cell that is exactly one of them needs no search.
    for l in &t3_endings {
        exact.entry(*l).or_insert(TableId::T3);
    }
    Announcers { exact, t3_endings }
});

/// The words of table 三's note on its balance, and of table 二's item headings.
static BALANCE_NOTE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("勾稽关系"));
static ITEM_HEADING: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("第二十条"));

/// Which table a raw row announces, if any.
pub(crate) fn tag(r: &RawRow) -> Option<TableId> {
    let a = &*ANNOUNCERS;
    for c in r.cells.iter().filter(|c| c.kind == Kind::Text) {
        let n = c.norm.as_str();
        if let Some(&id) = a.exact.get(n) {
            return Some(id);
        }
        if ITEM_HEADING.find(n.as_bytes()).is_some() {
            return Some(TableId::T2);
        }
        if BALANCE_NOTE.find(n.as_bytes()).is_some()
            || (n.len() <= 150 && a.t3_endings.iter().any(|l| n.ends_with(l)))
        {
            return Some(TableId::T3);
        }
    }
    None
}

/// A header cell: a column label or a merged header word; `fuzzy` also accepts rewritten column
/// labels (only asked for rows without numbers, where headers stand).
fn header_match(spec: &TableSpec, n: &str, fuzzy: bool) -> Option<(&'static str, bool)> {
    let nm = spec.norms();
    if let Some(&standard) = nm.headers.get(n) {
        return Some((standard, true));
    }
    if BALANCE_NOTE.find(n.as_bytes()).is_some() {
        return Some((
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            true,
        ));
    }
    // Rewritten column labels: `本年(2023)制发件数`.
    if !fuzzy || n.len() > 24 * 4 {
        return None;
    }
    let len = n.chars().count();
    if len > 24 {
        return None;
    }
    // `本年(2023)制发件数`: a column label with a year written into it.
    if n.bytes().any(|b| b.is_ascii_digit()) {
        let core: String = n
            .chars()
            .filter(|c| !c.is_ascii_digit() && !matches!(c, '(' | ')'))
            .collect();
        // `2024年处理决定数量`: the year in place of 本年.
        let this_year = {
            let mut out = String::new();
            let mut digits = 0;
            for c in n.chars() {
                if c.is_ascii_digit() {
                    digits += 1;
                    continue;
                }
                // Digits that are not a year are dropped.
                if c == '年' && digits == 4 {
                    out.push_str("本年");
                } else {
                    out.push(c);
                }
                digits = 0;
            }
            out
        };
        if let Some(&(_, label)) = nm.cols.iter().find(|(l, _)| *l == core || *l == this_year) {
            return Some((label, false));
        }
    }
    for &(l, label) in &nm.cols {
        let ll = l.chars().count();
        if ll >= 5 && len.abs_diff(ll) <= 4 && similarity(l, n) >= 0.7 {
            return Some((label, false));
        }
    }
    // A short label with one character mistyped (`尚未审理`), when no other label is that close.
    if len == 4 {
        let mut close: Vec<&'static str> = nm
            .cols
            .iter()
            .filter(|(l, _)| {
                l.chars().count() == 4
                    && l.chars().zip(n.chars()).filter(|(a, b)| a != b).count() == 1
            })
            .map(|&(_, label)| label)
            .collect();
        close.dedup(); // table 四 repeats its five labels in each group
        if let [one] = close.as_slice() {
            return Some((one, false));
        }
    }
    None
}

fn header_cell(text: &str, c: &RawCell, standard: &'static str, exact: bool) -> HeaderCell {
    HeaderCell {
        range: c.range.clone(),
        text: text[c.range.clone()].to_string(),
        standard_text: standard,
        is_standard: exact,
    }
}

#[derive(Clone)]
struct Frag<'a> {
    range: Range<usize>,
    norm: &'a str,
}

struct Match {
    row: usize,
    /// Index of the first fragment of the row's own label.
    own: usize,
    exact: bool,
}

/// The fragments' normalised texts, joined.
fn joined<'a>(frags: &[Frag<'a>]) -> std::borrow::Cow<'a, str> {
    match frags {
        [one] => std::borrow::Cow::Borrowed(one.norm),
        _ => std::borrow::Cow::Owned(frags.iter().map(|f| f.norm).collect()),
    }
}

/// Do the fragments, joined, equal `target`?
/// Do the fragments, read together as printed, make exactly the `target` label? Judged on the
/// joined text: a label wrapped after its `、` (`…缴纳费用、` / `行政机关不再处理…`) keeps the `、`
/// that each fragment on its own would lose at its end.
fn joins_to(text: &str, frags: &[Frag], target: &str) -> bool {
    !frags.is_empty() && norm(&label_text(text, frags)) == target
}

/// Finds the spec row that label fragments name.
fn match_label(spec: &TableSpec, frags: &[Frag], expected: Option<usize>) -> Option<Match> {
    if frags.is_empty() {
        return expected.map(|row| Match {
            row,
            own: 0,
            exact: false,
        });
    }
    let nm = spec.norms();
    let joined = joined(frags);
    // Exact: the longest standard label that ends the joined text (only labels ending in its
    // last character can).
    let mut best: Option<(usize, usize)> = None;
    let last = joined.chars().next_back().unwrap_or(' ');
    for &(i, l) in nm.candidates_by_end.get(&last).map_or(&[][..], |v| &v[..]) {
        if joined.ends_with(l) && best.is_none_or(|(_, len)| l.len() > len) {
            best = Some((i, l.len()));
        }
    }
    if let Some((row, len)) = best {
        // The fragments that cover the label's length, from the end.
        let mut covered = 0;
        let mut own = frags.len();
        while own > 0 && covered < len {
            own -= 1;
            covered += frags[own].norm.len();
        }
        return Some(Match {
            row,
            own,
            exact: covered == len,
        });
    }
    fuzzy_remembered(nm, frags, expected).map(|(row, own)| Match {
        row,
        own,
        exact: false,
    })
}

/// [`fuzzy`], remembered: the label cells of a table are matched again each time one of its rows
/// is edited, and an unknown label costs an edit distance to every label of the table. The
/// memory is per thread and holds at most [`FUZZY_MEMO`] labels.
fn fuzzy_remembered(
    nm: &'static crate::spec::TableNorms,
    frags: &[Frag],
    expected: Option<usize>,
) -> Option<(usize, usize)> {
    use std::hash::{Hash, Hasher};
    type Key = (usize, Option<usize>, Vec<Box<str>>);
    type Memo = std::collections::HashMap<u64, Vec<(Key, Option<(usize, usize)>)>>;
    thread_local! {
        static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Default::default());
    }
    let table = nm as *const crate::spec::TableNorms as usize;
    let mut h = rustc_hash::FxHasher::default();
    (table, expected).hash(&mut h);
    for f in frags {
        f.norm.hash(&mut h);
    }
    let hash = h.finish();
    let same = |k: &Key| {
        k.0 == table
            && k.1 == expected
            && k.2.len() == frags.len()
            && k.2.iter().zip(frags).all(|(a, f)| **a == *f.norm)
    };
    if let Some(found) = MEMO.with(|m| {
        m.borrow()
            .get(&hash)
            .and_then(|v| v.iter().find(|(k, _)| same(k)).map(|(_, r)| *r))
    }) {
        return found;
    }
    let found = fuzzy(nm, frags, expected);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= FUZZY_MEMO {
            m.clear();
        }
        let key = (
            table,
            expected,
            frags.iter().map(|f| f.norm.into()).collect(),
        );
        m.entry(hash).or_default().push((key, found));
    });
    found
}

/// The most labels [`fuzzy_remembered`] keeps.
const FUZZY_MEMO: usize = 4096;

/// The row and first own fragment of the best fuzzy match of the fragments' tails, if good
/// enough.
fn fuzzy(
    nm: &crate::spec::TableNorms,
    frags: &[Frag],
    expected: Option<usize>,
) -> Option<(usize, usize)> {
    // Fuzzy: try each tail of the fragments against every row label and alias. Only tails that
    // can reach the threshold are tried: a normalised edit distance is at least the difference in
    // length over the longer length, so a tail whose text (less a numbering of up to
    // `NUMBERING_SLACK` characters) is more than three times as long as the longest label scores
    // under 1/3, and under 0.55 with the bonus for the expected row. Longer runs of pieces cost
    // no more than short ones.
    let reach = 3 * nm.longest_label + NUMBERING_SLACK;
    let mut from = frags.len();
    let mut chars = 0;
    while from > 0 {
        chars += frags[from - 1].norm.chars().count();
        if chars > reach {
            break;
        }
        from -= 1;
    }
    let mut top: Option<(f64, usize, usize)> = None;
    for own in from..frags.len() {
        let cand = self::joined(&frags[own..]);
        let (cnum, cbody) = split_numbering(&cand);
        for &(i, _) in &nm.candidates {
            let mut score: f64 = 0.0;
            for &l in std::iter::once(&nm.rows[i]).chain(nm.aliases[i].iter()) {
                let (lnum, lbody) = split_numbering(l);
                let mut s = similarity(&cand, l).max(similarity(cbody, lbody) * 0.95);
                if !cnum.is_empty() && !lnum.is_empty() && cnum != lnum {
                    s *= 0.6;
                }
                score = score.max(s);
            }
            if nm.aliases[i].iter().any(|a| *a == cand) {
                score = 0.99;
            }
            if Some(i) == expected {
                score += 0.1;
            }
            if top.is_none_or(|(s, _, _)| score > s) {
                top = Some((score, i, own));
            }
        }
    }
    match top {
        Some((s, row, own)) if s >= 0.55 => Some((row, own)),
        _ => None,
    }
}

/// The longest numbering (`(十二)`, `3.`) that [`match_label`]'s bound on the length of a label
/// allows for; real numberings have at most five characters.
const NUMBERING_SLACK: usize = 16;

fn next_expected(spec: &TableSpec, after: usize) -> Option<usize> {
    (after + 1..spec.rows.len()).find(|&i| spec.rows[i].kind == RowKind::Data)
}

fn cell_frag(c: &RawCell) -> Frag<'_> {
    Frag {
        range: c.range.clone(),
        norm: &c.norm,
    }
}

/// Fits the value cells of a row to its `k` columns: merge debris (blank cells beyond the
/// columns) is dropped where it can only be read one way; missing cells are added at the end.
/// Beyond that, excess cells that are blank or 0 are dropped at whichever end exactly one way of
/// dropping them makes the row's own sums hold (`sums_hold`), and else at the end (a stray 0
/// after 表四's 15 numbers). Returns the cells kept, how many are missing, and how certain that
/// reading is.
fn fit<'a, 'b>(
    text: &str,
    vals: &'b [&'a RawCell],
    k: usize,
    columns: &Columns,
    sums_hold: impl Fn(&[&RawCell]) -> bool,
) -> (&'b [&'a RawCell], usize, RowFit) {
    let n = vals.len();
    if n == k {
        return (vals, 0, RowFit::Exact);
    }
    // A Markdown row as wide as its table: the values are its last cells, and the cells before
    // them stand in label columns: a figure there is in no column.
    if n > k && columns.row_width.is_some() && columns.row_width == columns.width {
        let fit = if vals[..n - k].iter().all(|c| c.kind == Kind::Blank) {
            RowFit::Exact
        } else {
            RowFit::Stray { found: n }
        };
        return (&vals[n - k..], 0, fit);
    }
    if n <= k && vals.iter().all(|c| c.kind == Kind::Blank) {
        return (vals, k - n, RowFit::Empty);
    }
    if n < k {
        return (vals, k - n, RowFit::Short { found: n });
    }
    let excess = n - k;
    let blank = |c: &RawCell| c.kind == Kind::Blank;
    let zero = |c: &RawCell| c.kind == Kind::Blank || text[c.range.clone()].trim() == "0";
    // The ways of dropping `excess` cells that pass `droppable`: `front` from the front, the rest
    // from the back.
    let ways = |droppable: &dyn Fn(&RawCell) -> bool| -> Vec<usize> {
        let lead = vals.iter().take_while(|c| droppable(c)).count();
        let trail = vals.iter().rev().take_while(|c| droppable(c)).count();
        (0..=excess)
            .filter(|&front| front <= lead && excess - front <= trail)
            .collect()
    };
    let shows = |front: usize| -> Vec<bool> {
        vals[front..front + k]
            .iter()
            .map(|c| c.kind == Kind::Blank)
            .collect()
    };
    // Blank debris: certain when every way puts the same blanks in the same columns.
    let blank_ways = ways(&blank);
    if let Some(&first) = blank_ways.first() {
        let same = blank_ways.iter().all(|&f| shows(f) == shows(first));
        if same {
            return (&vals[first..first + k], 0, RowFit::Exact);
        }
        // The other rows of the table carry their debris in front (empty label columns, merged
        // cells): so does this one.
        if columns.debris_in_front {
            let front = blank_ways.last().copied().unwrap_or(first);
            return (&vals[front..front + k], 0, RowFit::Exact);
        }
        return (&vals[first..first + k], 0, RowFit::Ambiguous { found: n });
    }
    // Stray zeros: certain when they can be dropped one way only, or when exactly one way makes
    // the row's sums hold.
    let zero_ways = ways(&zero);
    if let [only] = zero_ways.as_slice() {
        return (&vals[*only..*only + k], 0, RowFit::Exact);
    }
    let holding: Vec<usize> = zero_ways
        .iter()
        .copied()
        .filter(|&f| sums_hold(&vals[f..f + k]))
        .collect();
    match holding.as_slice() {
        [only] => (&vals[*only..*only + k], 0, RowFit::Exact),
        // The sums tell nothing (or hold both ways): the stray zeros are read as trailing, the way
        // a table pasted with an extra last column reads.
        _ if zero_ways.first() == Some(&0) => (&vals[..k], 0, RowFit::Exact),
        _ => (&vals[..k], 0, RowFit::Long { found: n }),
    }
}

/// What a table's rows say about where the values of one row stand, for rows that could be read
/// several ways.
#[derive(Debug, Clone, Copy, Default)]
struct Columns {
    /// The number of cells of most rows of the row's pipe table (label columns and values).
    width: Option<usize>,
    /// The number of cells of the row being read, when it is a Markdown row.
    row_width: Option<usize>,
    /// Rows of this table with blank cells beyond their values have them in front, not behind.
    debris_in_front: bool,
}

/// What all the rows of a table say, for [`Columns`].
#[derive(Debug, Default)]
struct TableColumns {
    /// Each Markdown row, by where it starts, with the number of cells most rows of its pipe table
    /// have: `None` when no two rows of that pipe table are as wide.
    widths: Vec<(usize, Option<usize>)>,
    debris_in_front: bool,
}

impl TableColumns {
    /// Looks at the rows of a table. Pipe rows are grouped into the pipe tables they stand in (a
    /// table begins where `RawRow::opens_table` says): a table written as one small pipe table
    /// per row — what PDF-to-Markdown converters produce, each row with its own header line
    /// `| --- |` or a blank line between — gives its rows no common width, and each row is read
    /// on its own, its merge debris and all.
    fn of(items: &[&Item]) -> TableColumns {
        let mut widths: Vec<(usize, Option<usize>)> = Vec::new();
        // The rows of the pipe table being gathered: their starts and widths.
        let mut group: Vec<(usize, usize)> = Vec::new();
        let close = |group: &mut Vec<(usize, usize)>, widths: &mut Vec<(usize, Option<usize>)>| {
            let mut ws: Vec<usize> = group.iter().map(|&(_, w)| w).collect();
            ws.sort_unstable();
            let mut width = None;
            let mut best = 1;
            for w in ws.chunk_by(|a, b| a == b) {
                if w.len() > best {
                    best = w.len();
                    width = Some(w[0]);
                }
            }
            widths.extend(group.drain(..).map(|(start, _)| (start, width)));
        };
        let (mut front, mut back) = (0usize, 0usize);
        for it in items {
            let Item::Row(raw) = it else {
                close(&mut group, &mut widths);
                continue;
            };
            if raw.shape == Shape::Markdown {
                if raw.opens_table {
                    close(&mut group, &mut widths);
                }
                group.push((raw.range.start, raw.cells.len()));
            } else {
                close(&mut group, &mut widths);
            }
            let Some(v) = raw.cells.iter().position(|c| c.kind == Kind::Value) else {
                continue;
            };
            let from = raw.cells[..v]
                .iter()
                .rposition(|c| c.kind == Kind::Text)
                .map_or(0, |i| i + 1);
            let vals = &raw.cells[from..];
            let lead = vals.iter().take_while(|c| c.kind == Kind::Blank).count();
            let trail = vals
                .iter()
                .rev()
                .take_while(|c| c.kind == Kind::Blank)
                .count();
            match (lead > 0, trail > 0) {
                (true, false) => front += 1,
                (false, true) => back += 1,
                _ => {}
            }
        }
        close(&mut group, &mut widths);
        TableColumns {
            widths,
            debris_in_front: front > back,
        }
    }

    /// The view of one row of the table.
    fn for_row(&self, raw: &RawRow) -> Columns {
        let markdown = raw.shape == Shape::Markdown;
        let width = if markdown {
            let start = raw.range.start;
            let i = self.widths.partition_point(|&(s, _)| s < start);
            self.widths
                .get(i)
                .filter(|&&(s, _)| s == start)
                .and_then(|&(_, w)| w)
        } else {
            None
        };
        Columns {
            width,
            row_width: markdown.then_some(raw.cells.len()),
            debris_in_front: self.debris_in_front,
        }
    }
}

/// Do the row-sum relations of `spec` hold over these cells (read as counts, blank as 0)?
fn row_sums_hold(text: &str, spec: &TableSpec, row: usize, cells: &[&RawCell]) -> bool {
    let cols = spec.cols_of(row);
    let value = |i: usize| -> Option<i64> {
        let c = cells.get(i)?;
        parse_value(&text[c.range.clone()], cols.get(i)?.unit).count()
    };
    let mut any = false;
    for rel in spec::RELATIONS.iter().filter(|r| r.table == spec.id) {
        if let spec::RelationKind::RowSum { total, parts } = &rel.kind
            && spec.rows[row].kind == RowKind::Data
        {
            let sum: Option<i64> = parts.iter().map(|&p| value(p)).sum();
            match (sum, value(*total)) {
                (Some(s), Some(t)) if s == t => any = true,
                _ => return false,
            }
        }
    }
    any
}

fn make_cells(
    text: &str,
    spec: &TableSpec,
    row: usize,
    vals: &[&RawCell],
    end: usize,
    columns: &Columns,
) -> (Vec<Cell>, RowFit) {
    let cols = spec.cols_of(row);
    let k = cols.len();
    let (v, missing, mut how) = fit(text, vals, k, columns, |cells| {
        row_sums_hold(text, spec, row, cells)
    });
    // A Markdown row narrower or wider than its table, in a table whose rows all have the same
    // columns: its cells stand in other columns than the header's (as a renderer shows them).
    if spec.col_sets.len() == 1
        && let (Some(w), Some(rw)) = (columns.width, columns.row_width)
        && rw != w
        && w >= k
        && !vals.is_empty()
    {
        let found = rw.saturating_sub(w - k);
        how = if found < k {
            RowFit::Short { found }
        } else {
            RowFit::Long { found }
        };
    }
    let mut out: Vec<Cell> = Vec::with_capacity(cols.len());
    out.extend(v.iter().enumerate().map(|(i, c)| Cell {
        col: i,
        range: c.range.clone(),
        span: c.span.clone(),
        value: parse_value(&text[c.range.clone()], cols[i].unit),
        missing: false,
    }));
    let at = out.last().map_or(end, |c| c.span.end.max(c.range.end));
    for _ in 0..missing {
        let col = out.len();
        out.push(Cell {
            col,
            range: at..at,
            span: at..at,
            value: crate::model::Value::Blank,
            missing: true,
        });
    }
    (out, how)
}

fn group_labels(spec: &TableSpec, text: &str, frags: &[Frag], row: usize) -> Vec<GroupLabel> {
    let nm = spec.norms();
    let mut out = Vec::new();
    let ancestors = || std::iter::successors(spec.rows[row].parent, |&a| spec.rows[a].parent);
    for f in frags {
        // The ancestor it names exactly, or the one it is most like.
        let mut best: Option<(f64, usize)> = ancestors()
            .find(|&a| f.norm == nm.rows[a])
            .map(|a| (1.0, a));
        if best.is_none() {
            for a in ancestors() {
                let s = similarity(f.norm, nm.rows[a]);
                if best.is_none_or(|(b, _)| s > b) {
                    best = Some((s, a));
                }
            }
        }
        if let Some((s, a)) = best
            && s >= 0.5
        {
            out.push(GroupLabel {
                spec: a,
                range: f.range.clone(),
                text: text[f.range.clone()].to_string(),
                is_standard: f.norm == nm.rows[a],
            });
        }
    }
    out
}

fn label_text(text: &str, frags: &[Frag]) -> String {
    match frags {
        [one] => text[one.range.clone()].trim().to_string(),
        _ => frags.iter().map(|f| text[f.range.clone()].trim()).collect(),
    }
}

fn assemble(text: &str, spec: &'static TableSpec, items: &[&Item]) -> Table {
    let nm = spec.norms();
    let columns = TableColumns::of(items);
    let mut t = Table::empty(spec.id);
    t.rows.reserve(spec.rows.len());
    // Which spec rows `t.rows` holds, carried so that no row looks back over the rows before it.
    let mut present = vec![false; spec.rows.len()];
    let mut pending: Vec<Frag> = Vec::new();
    let mut expected = (0..spec.rows.len()).find(|&i| spec.rows[i].kind == RowKind::Data);
    let mut shapes = [0usize; 4];
    let mut value_rows: Vec<ValueRow> = Vec::new();
    // The own label pieces of every value row, for `positional`.
    let mut own_pieces: Vec<Frag> = Vec::new();
    let mut first: Option<usize> = None;
    let mut last = 0usize;
    // Reused from row to row.
    let mut frags: Vec<Frag> = Vec::new();
    let mut frag_cells: Vec<&RawCell> = Vec::new();
    let mut vals: Vec<&RawCell> = Vec::new();
    // Rows with numbers and a label that is no standard row's.
    let mut unread: Vec<Range<usize>> = Vec::new();
    for it in items {
        let raw = match it {
            Item::Row(r) => r,
            Item::Break => {
                pending.clear();
                continue;
            }
        };
        frags.clear();
        frag_cells.clear();
        let mut last_text: Option<usize> = None;
        let numeric = raw.cells.iter().any(|c| c.kind == Kind::Value);
        // Outside PDF layout text a row's label comes first and its numbers after it: from the
        // first number on, every cell is a cell of a column, words included (「五」).
        let value_region = match raw.shape {
            Shape::Layout => None,
            _ => raw.cells.iter().position(|c| c.kind == Kind::Value),
        };
        for (i, c) in raw.cells.iter().enumerate() {
            if c.kind != Kind::Text || value_region.is_some_and(|v| i >= v) {
                continue;
            }
            let n = c.norm.as_str();
            if nm.markers_2019.contains(n) {
                t.layout_2019.push(c.range.clone());
            }
            if let Some((standard, exact)) = header_match(spec, n, !numeric) {
                t.headers.push(header_cell(text, c, standard, exact));
                first.get_or_insert(raw.range.start);
                last = last.max(c.range.end);
                continue;
            }
            frags.push(cell_frag(c));
            frag_cells.push(c);
            last_text = Some(i);
        }
        vals.clear();
        match value_region {
            Some(v) => vals.extend(
                raw.cells[last_text.map_or(0, |l| l + 1).min(v)..]
                    .iter()
                    .filter(|c| {
                        !(c.kind == Kind::Text && header_match(spec, &c.norm, false).is_some())
                    }),
            ),
            None => vals.extend(value_cells(raw, last_text)),
        }
        let has_values = vals.iter().any(|c| c.kind == Kind::Value);
        if !has_values {
            if frags.is_empty() {
                continue;
            }
            label_only(
                text,
                spec,
                &mut t,
                &mut present,
                &mut pending,
                &frags,
                &mut first,
                &mut last,
                raw,
                &columns,
            );
            continue;
        }
        // Words written where the row's first numbers belong (「五」 right after the label): when
        // the label without them is a standard one and they fill the columns exactly, they are
        // cells, not part of the label.
        let peeled = peel_words(text, spec, &pending, &frags, &frag_cells, vals.len());
        if peeled > 0 {
            let keep = frags.len() - peeled;
            let words: Vec<&RawCell> = frag_cells[keep..].to_vec();
            frags.truncate(keep);
            for (i, w) in words.into_iter().enumerate() {
                vals.insert(i, w);
            }
        }
        let own = own_pieces.len()..own_pieces.len() + frags.len();
        own_pieces.extend_from_slice(&frags);
        let mut all: Vec<Frag> = std::mem::take(&mut pending);
        all.extend_from_slice(&frags);
        let m = match_label(spec, &all, expected);
        let matched = m.as_ref().map(|_| t.rows.len());
        // A row of the 2019 layout is told of as such (`layout_2019`), not as an unknown row.
        if m.is_none()
            && matches!(raw.shape, Shape::Markdown | Shape::Tsv)
            && !frags.iter().any(|f| nm.markers_2019.contains(f.norm))
            && let (Some(a), Some(b)) = (frags.first(), frags.last())
        {
            unread.push(a.range.start..b.range.end);
        }
        if let Some(m) = m {
            // A label that matched only with the help of pending pieces keeps them; otherwise
            // pieces before the row's own label are rows left empty (one cell per line: their
            // blanks are invisible, the next label follows at once), group labels, or debris.
            let own = &all[m.own..];
            let before = &all[..m.own];
            let empties = if raw.shape == Shape::Layout {
                Vec::new()
            } else {
                empty_rows(text, spec, &present, before, m.row)
            };
            let taken: Vec<&Range<usize>> = empties.iter().flat_map(|r| &r.label).collect();
            let rest: Vec<Frag> = before
                .iter()
                .filter(|f| !taken.contains(&&f.range))
                .cloned()
                .collect();
            for r in empties {
                first.get_or_insert(r.range.start);
                present[r.spec] = true;
                t.rows.push(r);
            }
            let groups = group_labels(spec, text, &rest, m.row);
            let start = all
                .first()
                .map_or(raw.range.start, |f| f.range.start)
                .min(raw.range.start);
            let end = raw.range.end;
            let (cells, fit) = make_cells(
                text,
                spec,
                m.row,
                &vals,
                own.last().map_or(raw.range.start, |f| f.range.end),
                &columns.for_row(raw),
            );
            shapes[shape_index(raw.shape)] += 1;
            first.get_or_insert(start);
            last = last.max(end);
            if spec.rows[m.row].kind == RowKind::Data {
                expected = next_expected(spec, m.row);
            }
            present[m.row] = true;
            t.rows.push(Row {
                spec: m.row,
                label: own.iter().map(|f| f.range.clone()).collect(),
                label_text: label_text(text, own),
                is_standard: m.exact && joins_to(text, own, nm.rows[m.row]),
                groups,
                cells,
                fit,
                range: start..end,
            });
        }
        value_rows.push(ValueRow {
            raw,
            own,
            last_text,
            matched,
        });
        // Nothing is pending after a row with values: keep the room for the next pieces.
        all.clear();
        pending = all;
    }
    t.shape = dominant_shape(&shapes);
    if t.shape == Shape::Layout && spec.id == TableId::T3 {
        positional(text, spec, &mut t, &value_rows, &own_pieces);
        if let (Some(a), Some(b)) = (t.rows.first(), t.rows.last()) {
            first = Some(first.map_or(a.range.start, |f| f.min(a.range.start)));
            last = last.max(b.range.end);
        }
    }
    t.range = first.unwrap_or(0)..last;
    // Between the table's rows only: what follows its last row may be a note or another table.
    let starts = t.rows.iter().map(|r| r.range.start);
    if let (Some(from), Some(to)) = (starts.clone().min(), starts.max()) {
        t.unread = unread
            .into_iter()
            .filter(|r| from < r.start && r.start < to)
            .collect();
    }
    if spec.id == TableId::T3 {
        // The 2019 table 三 has a single-row （六）其他处理.
        let other = spec::t3::OTHER;
        if let Some(r) = t.row(other)
            && spec.children(other).all(|c| t.row(c).is_none())
            && r.cells
                .iter()
                .any(|c| c.value != crate::model::Value::Blank)
        {
            let range = r.label.first().cloned().unwrap_or(r.range.clone());
            t.layout_2019.push(range);
        }
    }
    t
}

/// Label pieces, pending before the label of row `next`, that name standard data rows before it
/// exactly: rows written without any number (one cell per line, where blank cells leave no
/// trace), each made a row of blank cells.
fn empty_rows(
    text: &str,
    spec: &TableSpec,
    present: &[bool],
    pieces: &[Frag],
    next: usize,
) -> Vec<Row> {
    let nm = spec.norms();
    let mut out: Vec<Row> = Vec::new();
    for f in pieces {
        let Some(&(row, _)) = nm
            .candidates
            .iter()
            .find(|(i, l)| *l == f.norm && spec.rows[*i].kind == RowKind::Data)
        else {
            continue;
        };
        if row >= next || present[row] || out.iter().any(|r| r.spec == row) {
            continue;
        }
        let (cells, fit) = make_cells(text, spec, row, &[], f.range.end, &Columns::default());
        out.push(Row {
            spec: row,
            label: vec![f.range.clone()],
            label_text: text[f.range.clone()].trim().to_string(),
            is_standard: true,
            groups: Vec::new(),
            cells,
            fit,
            range: f.range.clone(),
        });
    }
    out
}

/// How many of the current row's last label pieces are in fact cells: the pieces before them,
/// with those pending from earlier lines, name a standard row exactly, and the pieces and the
/// row's value cells together fill that row's columns. 0 when the label reads as it is.
fn peel_words(
    text: &str,
    spec: &TableSpec,
    pending: &[Frag],
    frags: &[Frag],
    frag_cells: &[&RawCell],
    values: usize,
) -> usize {
    for k in 1..=frags.len().saturating_sub(1).min(3) {
        let keep = frags.len() - k;
        // Cells are short; a longer piece is part of a label.
        if frag_cells[keep..]
            .iter()
            .any(|c| c.norm.chars().count() > 8)
        {
            break;
        }
        let mut all: Vec<Frag> = pending.to_vec();
        all.extend_from_slice(&frags[..keep]);
        let Some(m) = match_label(spec, &all, None) else {
            continue;
        };
        let nm = spec.norms();
        if !(m.exact && joins_to(text, &all[m.own..], nm.rows[m.row])) {
            continue;
        }
        if spec.rows[m.row].kind == RowKind::Data && spec.cols_of(m.row).len() == k + values {
            return k;
        }
    }
    0
}

/// A raw row that carries numbers, as the label pass saw it.
struct ValueRow<'a> {
    raw: &'a RawRow,
    /// Its own label pieces: a range of the table's pieces.
    own: Range<usize>,
    /// The last of its label cells (its values follow).
    last_text: Option<usize>,
    /// Index into `Table::rows` of the row the label pass made of it.
    matched: Option<usize>,
}

/// Text extracted from a PDF wraps labels over several lines and puts the numbers on any of them,
/// so labels cannot be read reliably; but every row prints its numbers on one line, in the
/// standard order. When the number of numeric lines is exactly the number of standard rows, rows
/// are assigned by order; the labels found are kept where they agree, and a label is reported only
/// where the text on the numbers' line plainly names another row.
/// The value cells of a raw row: those after its last label cell, or all but its text cells.
fn value_cells(raw: &RawRow, last_text: Option<usize>) -> impl Iterator<Item = &RawCell> {
    let from = last_text.map_or(0, |i| i + 1);
    raw.cells[from..]
        .iter()
        .filter(move |c| last_text.is_some() || c.kind != Kind::Text)
}

fn positional(
    text: &str,
    spec: &'static TableSpec,
    t: &mut Table,
    value_rows: &[ValueRow],
    pieces: &[Frag],
) {
    let data: Vec<usize> = (0..spec.rows.len())
        .filter(|&i| spec.rows[i].kind == RowKind::Data)
        .collect();
    if value_rows.len() != data.len()
        || value_rows.iter().any(|v| {
            value_cells(v.raw, v.last_text)
                .filter(|c| c.kind == Kind::Value)
                .count()
                < 3
        })
    {
        return;
    }
    let mut rows = Vec::with_capacity(data.len());
    for (v, &want) in value_rows.iter().zip(&data) {
        if let Some(r) = v
            .matched
            .and_then(|i| t.rows.get(i))
            .filter(|r| r.spec == want)
        {
            let mut r = r.clone();
            let std = spec.norms().rows[want];
            let own: String = r.label.iter().map(|x| norm(&text[x.clone()])).collect();
            r.is_standard = r.is_standard
                || own.is_empty()
                || std.contains(&own)
                || own.contains(std)
                || similarity(&own, std) >= 0.3;
            r.groups.retain(|g| g.is_standard);
            rows.push(r);
            continue;
        }
        let std = spec.norms().rows[want];
        let pieces = &pieces[v.own.clone()];
        // Pieces of a group label centred beside this row (`(六) 其他`) are not its own label.
        let groups = group_labels(spec, text, pieces, want);
        let own: String = pieces
            .iter()
            .filter(|f| !groups.iter().any(|g| g.range == f.range))
            .map(|f| f.norm)
            .collect();
        let exact = own.is_empty()
            || std.contains(&own)
            || own.contains(std)
            || similarity(&own, std) >= 0.3;
        let start = pieces.first().map_or(v.raw.range.start, |f| f.range.start);
        let vals: Vec<&RawCell> = value_cells(v.raw, v.last_text).collect();
        let (cells, fit) = make_cells(
            text,
            spec,
            want,
            &vals,
            pieces.last().map_or(v.raw.range.start, |f| f.range.end),
            &Columns::default(),
        );
        rows.push(Row {
            spec: want,
            label: pieces.iter().map(|f| f.range.clone()).collect(),
            label_text: label_text(text, pieces),
            is_standard: exact,
            groups: Vec::new(),
            cells,
            fit,
            range: start.min(v.raw.range.start)..v.raw.range.end,
        });
    }
    t.rows = rows;
}

#[allow(clippy::too_many_arguments)]
fn label_only<'a>(
    text: &str,
    spec: &'static TableSpec,
    t: &mut Table,
    present: &mut [bool],
    pending: &mut Vec<Frag<'a>>,
    frags: &[Frag<'a>],
    first: &mut Option<usize>,
    last: &mut usize,
    raw: &RawRow,
    columns: &TableColumns,
) {
    let nm = spec.norms();
    let joined = joined(frags);
    // 第二十条第（九）项 among the 2021 rows: a heading of 2019 only (in `layout_2019` already),
    // not a mistyped heading of this table.
    if spec.edition == spec::Edition::Y2021 && nm.markers_2019.contains(joined.as_ref()) {
        pending.clear();
        return;
    }
    // 第二十条第（一）项: an item heading.
    if let Some(i) = spec
        .rows
        .iter()
        .enumerate()
        .position(|(i, r)| r.kind == RowKind::Item && nm.rows[i] == joined)
        .or_else(|| {
            if !joined.contains("第二十条") {
                return None;
            }
            spec.rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kind == RowKind::Item)
                .map(|(i, _)| (similarity(nm.rows[i], &joined), i))
                .filter(|(s, _)| *s >= 0.7)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, i)| i)
        })
    {
        first.get_or_insert(raw.range.start);
        *last = (*last).max(raw.range.end);
        present[i] = true;
        t.rows.push(Row {
            spec: i,
            label: frags.iter().map(|f| f.range.clone()).collect(),
            label_text: label_text(text, frags),
            is_standard: nm.rows[i] == joined,
            groups: Vec::new(),
            cells: Vec::new(),
            fit: RowFit::Exact,
            range: raw.range.clone(),
        });
        pending.clear();
        return;
    }
    if spec.id == TableId::T2 && joined.contains("第二十条第(九)项") {
        t.layout_2019.push(raw.range.clone());
        return;
    }
    // A data row with blank cells and no number at all (a row left empty in a table whose blank
    // cells show: tabs, pipes).
    let blanks: Vec<&RawCell> = match raw.cells.iter().rposition(|c| c.kind == Kind::Text) {
        Some(l) if raw.shape != Shape::Layout => raw.cells[l + 1..].iter().collect(),
        _ => Vec::new(),
    };
    if !blanks.is_empty() {
        let mut all: Vec<Frag> = pending.clone();
        all.extend_from_slice(frags);
        if let Some(m) = match_label(spec, &all, None)
            && m.exact
            && joins_to(text, &all[m.own..], nm.rows[m.row])
            && spec.rows[m.row].kind == RowKind::Data
            && !present[m.row]
        {
            let own = &all[m.own..];
            let groups = group_labels(spec, text, &all[..m.own], m.row);
            let (cells, fit) = make_cells(
                text,
                spec,
                m.row,
                &blanks,
                raw.range.end,
                &columns.for_row(raw),
            );
            let start = all.first().map_or(raw.range.start, |f| f.range.start);
            first.get_or_insert(start);
            *last = (*last).max(raw.range.end);
            present[m.row] = true;
            t.rows.push(Row {
                spec: m.row,
                label: own.iter().map(|f| f.range.clone()).collect(),
                label_text: label_text(text, own),
                is_standard: true,
                groups,
                cells,
                fit,
                range: start.min(raw.range.start)..raw.range.end,
            });
            pending.clear();
            return;
        }
    }
    // A piece that completes the previous row's wrapped label (`3.补正后申请内容仍不` … `明确`).
    if pending.is_empty()
        && let Some(prev) = t.rows.last_mut()
        && !prev.is_standard
        && !prev.cells.is_empty()
    {
        let std = nm.rows[prev.spec];
        let before = norm(&prev.label_text);
        let after = norm(&format!("{}{}", prev.label_text, label_text(text, frags)));
        if after == std
            || (std.starts_with(&after) && similarity(&after, std) > similarity(&before, std))
        {
            prev.label.extend(frags.iter().map(|f| f.range.clone()));
            prev.label_text.push_str(&label_text(text, frags));
            prev.is_standard = after == std;
            let e = frags.last().map_or(prev.range.end, |f| f.range.end);
            prev.range.end = prev.range.end.max(e);
            *last = (*last).max(e);
            return;
        }
    }
    pending.extend_from_slice(frags);
    if pending.len() > 4 {
        let extra = pending.len() - 4;
        pending.drain(..extra);
    }
}

fn shape_index(s: Shape) -> usize {
    match s {
        Shape::Markdown => 0,
        Shape::Tsv => 1,
        Shape::CellPerLine => 2,
        Shape::Layout => 3,
    }
}

fn dominant_shape(counts: &[usize; 4]) -> Shape {
    let order = [
        Shape::Markdown,
        Shape::Tsv,
        Shape::CellPerLine,
        Shape::Layout,
    ];
    let mut best = 1;
    for i in 0..4 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    order[best]
}

/// Table 四 has one row of 15 numbers under a three-level header whose words may arrive broken into
/// single characters; its values are taken from the row with the most numbers.
/// The group of table 四 that words name: its first column, or `LITIGATION` for 行政诉讼 alone.
fn t4_group(n: &str) -> Option<usize> {
    use spec::t4;
    if n.contains(spec::T4_DIRECT) {
        Some(t4::DIRECT)
    } else if n.contains(spec::T4_AFTER) {
        Some(t4::AFTER)
    } else if n.contains(spec::T4_REVIEW) {
        Some(t4::REVIEW)
    } else if n.contains(spec::T4_LITIGATION) {
        Some(LITIGATION)
    } else {
        None
    }
}
const LITIGATION: usize = usize::MAX;

/// Table 四 written in pieces, read by meaning: under each group's words (a heading, a bold line
/// or a header cell: 行政复议 / 行政诉讼（未经复议直接起诉）/ 复议后起诉) a line of that group's 5
/// numbers, or 10 under 行政诉讼 for both of its groups; or transposed, a line per result
/// (结果维持 … 总计) with one number per group in the order of the header. `None` when a line
/// of numbers cannot be placed that way (the one-row reading then says what it can).
fn t4_pieces(text: &str, items: &[&Item]) -> Option<Row> {
    use spec::t4;
    let spec = &spec::T4;
    let cols = spec.cols_of(0);
    let results: Vec<&str> = cols[..t4::TOTAL + 1]
        .iter()
        .map(|c| normed(c.label))
        .collect();
    let mut context: Option<usize> = None;
    // Groups named in the last header line that names two or more, in their order.
    let mut order: Vec<usize> = Vec::new();
    let mut cells: Vec<Option<Cell>> = vec![None; cols.len()];
    let mut range: Option<Range<usize>> = None;
    let place = |cells: &mut Vec<Option<Cell>>, col: usize, c: &RawCell| -> Option<()> {
        if cells[col].is_some() {
            return None; // two numbers for one column: not this reading
        }
        cells[col] = Some(Cell {
            col,
            range: c.range.clone(),
            span: c.span.clone(),
            value: parse_value(&text[c.range.clone()], cols[col].unit),
            missing: false,
        });
        Some(())
    };
    for it in items {
        let Item::Row(raw) = it else { continue };
        let texts: Vec<&RawCell> = raw.cells.iter().filter(|c| c.kind == Kind::Text).collect();
        let vals: Vec<&RawCell> = match raw.cells.iter().rposition(|c| c.kind == Kind::Text) {
            Some(i) => raw.cells[i + 1..].iter().collect(),
            None => raw.cells.iter().collect(),
        };
        let numbers: Vec<&RawCell> = vals
            .iter()
            .copied()
            .filter(|c| c.kind == Kind::Value)
            .collect();
        let named: Vec<usize> = texts.iter().filter_map(|c| t4_group(&c.norm)).collect();
        if numbers.is_empty() {
            match named.as_slice() {
                [] => {}
                [g] => context = Some(*g),
                many => {
                    // 行政诉讼 over its two groups counts as those two.
                    let specific: Vec<usize> =
                        many.iter().copied().filter(|&g| g != LITIGATION).collect();
                    if specific.len() >= 2 {
                        order = specific;
                    }
                    context = many.first().copied();
                }
            }
            continue;
        }
        if vals.len() != numbers.len() {
            return None; // blanks or words among the numbers: leave it to the one-row reading
        }
        let label = texts.last().map(|c| c.norm.as_str());
        let result = label.and_then(|l| results.iter().position(|r| *r == l));
        match (result, numbers.len(), context) {
            // Transposed: one number per group, in the header's order.
            (Some(j), n, _) if n == order.len() && n >= 2 => {
                for (k, c) in numbers.iter().enumerate() {
                    place(&mut cells, order[k] + j, c)?;
                }
            }
            // Under one group's words only: below a header naming several groups (the wide
            // table), five numbers are a damaged row, not a group's.
            (None, 5, Some(g)) if g != LITIGATION && order.is_empty() => {
                for (k, c) in numbers.iter().enumerate() {
                    place(&mut cells, g + k, c)?;
                }
            }
            (None, 10, Some(LITIGATION)) | (None, 10, Some(t4::DIRECT)) => {
                for (k, c) in numbers.iter().enumerate() {
                    place(&mut cells, t4::DIRECT + k, c)?;
                }
            }
            _ => return None,
        }
        let r = range.get_or_insert(raw.range.clone());
        r.end = raw.range.end;
    }
    let range = range?;
    let placed = cells.iter().filter(|c| c.is_some()).count();
    if placed == cols.len() && order.is_empty() && context.is_none() {
        return None;
    }
    let at = range.end;
    let cells: Vec<Cell> = cells
        .into_iter()
        .enumerate()
        .map(|(col, c)| {
            c.unwrap_or(Cell {
                col,
                range: at..at,
                span: at..at,
                value: Value::Blank,
                missing: true,
            })
        })
        .collect();
    Some(Row {
        spec: 0,
        label: Vec::new(),
        label_text: String::new(),
        is_standard: true,
        groups: Vec::new(),
        cells,
        fit: RowFit::Exact,
        range,
    })
}

fn assemble_t4(text: &str, items: &[&Item]) -> Table {
    let spec = &spec::T4;
    let mut t = Table::empty(TableId::T4);
    let mut first: Option<usize> = None;
    let mut last = 0;
    let mut best: Option<(&RawRow, Vec<&RawCell>, usize)> = None;
    for it in items {
        let Item::Row(raw) = it else { continue };
        for c in raw.cells.iter().filter(|c| c.kind == Kind::Text) {
            let n = c.norm.as_str();
            if let Some((standard, exact)) = header_match(spec, n, true) {
                t.headers.push(header_cell(text, c, standard, exact));
                first.get_or_insert(raw.range.start);
                last = last.max(raw.range.end);
            }
        }
        let last_text = raw.cells.iter().rposition(|c| c.kind == Kind::Text);
        let vals: Vec<&RawCell> = match last_text {
            Some(i) => raw.cells[i + 1..].iter().collect(),
            None => raw.cells.iter().collect(),
        };
        let n = vals.iter().filter(|c| c.kind == Kind::Value).count();
        if n > 0 && best.as_ref().is_none_or(|(_, _, b)| n > *b) {
            best = Some((raw, vals, n));
        }
    }
    // Fewer numbers than the 15 columns on any one line: the table may be written in pieces
    // (two or three small tables, or transposed).
    if best
        .as_ref()
        .is_none_or(|(_, _, n)| *n < spec.cols_of(0).len())
        && let Some(row) = t4_pieces(text, items)
    {
        first = Some(first.map_or(row.range.start, |f| f.min(row.range.start)));
        last = last.max(row.range.end);
        t.shape = items
            .iter()
            .find_map(|it| match it {
                Item::Row(r) => Some(r.shape),
                Item::Break => None,
            })
            .unwrap_or(Shape::Markdown);
        t.rows.push(row);
        t.range = first.unwrap_or(0)..last;
        return t;
    }
    if let Some((raw, vals, _)) = best {
        let (cells, fit) = make_cells(
            text,
            spec,
            0,
            &vals,
            raw.range.start,
            &TableColumns::of(items).for_row(raw),
        );
        first.get_or_insert(raw.range.start);
        last = last.max(raw.range.end);
        t.shape = raw.shape;
        t.rows.push(Row {
            spec: 0,
            label: Vec::new(),
            label_text: String::new(),
            is_standard: true,
            groups: Vec::new(),
            cells,
            fit,
            range: raw.range.clone(),
        });
    }
    t.range = first.unwrap_or(0)..last;
    t
}
