//! The report model: what the parser found, with the byte range of everything in the source.
//! Plain data; the checks and fixes read it, nothing here knows about diagnostics.

use std::ops::Range;
use std::sync::Arc;

use crate::spec::{self, TableId};

/// What the parser found in a text: one report, or several where the text is a compilation (汇编)
/// of reports, each beginning at its own title line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// In text order, never empty; together they cover the whole text.
    pub reports: Vec<Report>,
    /// Inline `nianbao-disable` comments, anywhere in the text.
    pub suppressions: Vec<Suppression>,
}

impl Document {
    /// Some part of the text is an annual report.
    pub fn is_report(&self) -> bool {
        self.reports.iter().any(Report::is_annual_report)
    }

    /// The annual reports of the text (a part that is not one apart).
    pub fn annual_reports(&self) -> impl Iterator<Item = &Report> {
        self.reports.iter().filter(|r| r.is_annual_report())
    }

    /// The report holding byte `at` (the last one for the end of the text).
    pub fn report_at(&self, at: usize) -> &Report {
        let i = self.reports.partition_point(|r| r.range.start <= at);
        &self.reports[i.saturating_sub(1).min(self.reports.len() - 1)]
    }
}

/// Does one of `list` silence diagnostic `code` at `range`?
pub fn suppressed(list: &[Suppression], code: &str, range: &Range<usize>) -> bool {
    list.iter().any(|s| {
        (s.codes.is_empty() || s.codes.iter().any(|c| c == code))
            && range.start >= s.applies.start
            && range.start < s.applies.end.max(s.applies.start + 1)
    })
}

/// What reading and checking a report may take from outside the report's own part of the text.
/// The incremental checker keeps a report's diagnostics while this (and the report's blocks) stay
/// the same, so nothing else from outside may be read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportContext {
    /// The dominant line break of the whole text (written by fixes).
    pub eol: &'static str,
    /// The report's part ends the text (a missing heading is then appended at the very end).
    pub ends_text: bool,
    /// The last line with content before the report (the body's name, written above the title of
    /// a report in a compilation).
    pub line_before: Option<String>,
}

impl ReportContext {
    /// The context of the report covering `range` of `text`, whose dominant line break is `eol`.
    pub fn of(text: &str, range: Range<usize>, eol: &'static str) -> ReportContext {
        ReportContext {
            eol,
            ends_text: range.end >= text.len(),
            line_before: crate::text::last_line_before(text, range.start).map(str::to_string),
        }
    }
}

/// What checking a table may take from outside the table's own lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableContext {
    /// The dominant line break of the whole text (written by fixes that insert a cell or a row).
    pub eol: &'static str,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The part of the text this report covers (all of it, unless the text is a compilation).
    pub range: Range<usize>,
    /// Whether this part of the text is an annual report at all.
    pub kind: ReportKind,
    pub title: Option<Title>,
    /// Report year from the title (or, failing that, from 统计期限).
    pub year: Option<i32>,
    /// Name of the reporting body, from the title block.
    pub org: Option<String>,
    pub sections: Vec<Section>,
    /// Tables 二/三/四 as found (at most one of each), shared with the parsed blocks.
    pub tables: Vec<Arc<Table>>,
    pub period: Option<Period>,
    /// Where the 2019 notice is cited.
    pub basis_2019: Vec<Range<usize>>,
    /// The dominant line break of the source (`\n`, `\r\n` or `\r`).
    pub eol: &'static str,
    /// The dominant table shape of the source, used when a missing table is inserted.
    pub shape: Shape,
}

/// What a part of a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportKind {
    /// An annual report: it has a report title, or three standard section titles, or four sections.
    AnnualReport,
    /// Some other text (a note, a README, the part before a compilation's first title).
    #[default]
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Title {
    pub range: Range<usize>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Index into [`spec::SECTIONS`].
    pub index: usize,
    /// The whole heading line's content.
    pub line: Range<usize>,
    /// The title text inside the line (without Markdown `#`, emphasis or surrounding spaces).
    pub title_range: Range<usize>,
    pub title_text: String,
    /// The title equals the standard one after normalising width and spaces.
    pub is_standard: bool,
    /// From the end of the heading line to the next heading (or the end of the text).
    pub body: Range<usize>,
}

impl Section {
    pub fn spec(&self) -> &'static spec::SectionSpec {
        &spec::SECTIONS[self.index]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    /// `| a | b |` rows.
    #[default]
    Markdown,
    /// Cells separated by tabs (pasted from Word).
    Tsv,
    /// One cell per line ending in ` |` (web extraction).
    CellPerLine,
    /// Columns aligned by runs of spaces (`pdftotext -layout`).
    Layout,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub id: TableId,
    pub range: Range<usize>,
    pub shape: Shape,
    pub rows: Vec<Row>,
    /// Header cells that name a column or a merged header, with the standard text they stand for.
    pub headers: Vec<HeaderCell>,
    /// Places that show the 2019 layout (2019 column labels, 其他对外管理服务事项, a single-row
    /// （六）其他处理 …). In table 二 read with the 2021 columns, the rows of 2019 among them.
    pub layout_2019: Vec<Range<usize>>,
    /// Rows with numbers between the table's rows whose label is no standard row's (Markdown and
    /// tab-separated rows; the label's place): their figures are not read.
    pub unread: Vec<Range<usize>>,
    /// The layout the table was read with: table 二 whose column headers are of 2019 is read with
    /// the 2019 rows and columns.
    pub edition: spec::Edition,
    /// Where the rows stand ([`Table::placement`]), computed once while they stay as they are.
    /// Whoever changes a row's kind, order or a cell's value after the table is read goes through
    /// [`Table::set_value`] or calls [`Derived::forget`].
    pub derived: Derived,
}

/// Where the rows of a table stand in the standard order of its rows (see
/// [`Table::placement`]). Indices only, no places in the text: a table moved by an edit before it
/// keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// For each row, whether it stands in the standard order ([`Table::rows_in_order`]).
    pub order: Vec<bool>,
    /// By spec row: its row in the standard order, or failing that its first row of that kind.
    pub at: Vec<Option<usize>>,
    /// The table holds numbers whose row is not known for certain: a row out of the standard
    /// order, a row without a label (placed by its position alone), or numbers on a group label
    /// that has no subtotal of its own (三、本年度办理结果, whose sum is （七）总计).
    pub unplaced: bool,
}

/// What is derived from a table, computed at the first question: its [`Placement`] and where it
/// is written ([`Table::written`]). Equal to any other (it is derived from what the comparison of
/// two tables compares), and cloned with its table.
#[derive(Default)]
pub struct Derived {
    placement: std::sync::OnceLock<Placement>,
    written: std::sync::OnceLock<Vec<Range<usize>>>,
    /// Facts other parts of the engine derive from the table alone ([`Table::facts`]).
    facts: std::sync::Mutex<Vec<Fact>>,
}

type Fact = Arc<dyn std::any::Any + Send + Sync>;

impl Clone for Derived {
    fn clone(&self) -> Derived {
        Derived {
            placement: self.placement.clone(),
            written: self.written.clone(),
            facts: std::sync::Mutex::new(self.facts_now().clone()),
        }
    }
}

impl Derived {
    /// Forgets what was derived (the rows changed).
    pub fn forget(&mut self) {
        *self = Derived::default();
    }

    /// Forgets the places counted from the table's start (some of its places moved, not all).
    pub fn forget_places(&mut self) {
        self.written = std::sync::OnceLock::new();
        self.facts = Default::default();
    }

    fn facts_now(&self) -> std::sync::MutexGuard<'_, Vec<Fact>> {
        // A panic while a slot was taken leaves the list whole: its slots are added whole.
        self.facts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl PartialEq for Derived {
    fn eq(&self, _: &Derived) -> bool {
        true
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Derived")
    }
}

impl Table {
    /// A table of kind `id` with nothing found yet.
    pub fn empty(id: TableId) -> Table {
        Table {
            id,
            range: 0..0,
            shape: Shape::Tsv,
            rows: Vec::new(),
            headers: Vec::new(),
            layout_2019: Vec::new(),
            unread: Vec::new(),
            edition: spec::Edition::Y2021,
            derived: Derived::default(),
        }
    }

    /// Where the rows stand, computed once while the rows stay as they are.
    pub fn placement(&self) -> &Placement {
        self.derived.placement.get_or_init(|| {
            let order = self.order_of_rows();
            let spec = self.spec();
            let mut at = vec![None; spec.rows.len()];
            for pass in [true, false] {
                for (i, r) in self.rows.iter().enumerate() {
                    if order[i] == pass
                        && let Some(slot @ None) = at.get_mut(r.spec)
                    {
                        *slot = Some(i);
                    }
                }
            }
            let unplaced = self.rows.iter().zip(&order).any(|(r, in_order)| {
                let numbers = r.cells.iter().any(|c| c.value != Value::Blank);
                (!in_order && spec.rows[r.spec].parent.is_some())
                    || (numbers && r.label.is_empty() && !spec.rows[r.spec].label.is_empty())
                    || (numbers && !spec.has_subtotal(r.spec))
            });
            Placement {
                order,
                at,
                unplaced,
            }
        })
    }

    /// Where the table is written: its labels, group labels, non-blank cells and header cells,
    /// merged where nothing but the same line lies between them (so mostly one range per line),
    /// in order, counted from the table's start. `text` is the text the table was read from. A
    /// table moved whole keeps them; one whose places move in part forgets them
    /// ([`Derived::forget_places`]).
    pub fn written(&self, text: &str) -> &[Range<usize>] {
        self.derived.written.get_or_init(|| {
            let mut ranges: Vec<Range<usize>> = Vec::new();
            ranges.extend(self.headers.iter().map(|h| h.range.clone()));
            for r in &self.rows {
                ranges.extend(r.label.iter().cloned());
                ranges.extend(r.groups.iter().map(|g| g.range.clone()));
                ranges.extend(
                    r.cells
                        .iter()
                        .filter(|c| !c.range.is_empty())
                        .map(|c| c.range.clone()),
                );
            }
            ranges.sort_unstable_by_key(|r| r.start);
            let mut merged: Vec<Range<usize>> = Vec::new();
            let one_line = |a: usize, b: usize| {
                text.get(a..b)
                    .is_some_and(|gap| !gap.contains(['\n', '\r']))
            };
            for r in ranges {
                match merged.last_mut() {
                    Some(last) if r.start <= last.end || one_line(last.end, r.start) => {
                        last.end = last.end.max(r.end)
                    }
                    _ => merged.push(r),
                }
            }
            let base = self.range.start;
            for r in &mut merged {
                *r = r.start.saturating_sub(base)..r.end.saturating_sub(base);
            }
            merged
        })
    }

    /// The slot of facts of type `T` derived from this table alone (made empty at the first
    /// question), kept with the table like its [`Placement`] and forgotten with it. Facts that
    /// hold places count them from the table's start, so that a table moved whole keeps them.
    pub fn facts<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut facts = self.derived.facts_now();
        if let Some(f) = facts
            .iter()
            .find_map(|f| Arc::clone(f).downcast::<T>().ok())
        {
            return f;
        }
        let f = Arc::new(T::default());
        facts.push(Arc::clone(&f) as Fact);
        f
    }

    /// Sets the value of a cell (row `row` of [`Table::rows`], column `col`), forgetting what was
    /// derived from the values.
    pub fn set_value(&mut self, row: usize, col: usize, value: Value) {
        self.rows[row].cells[col].value = value;
        self.derived.forget();
    }

    /// Whether the table is of the 2019 layout: table 二 read with the 2019 rows and columns, table
    /// 三 with a single-row （六）其他处理. A 2019 row among table 二's 2021 columns does not make it one.
    pub fn is_2019_layout(&self) -> bool {
        match self.id {
            TableId::T2 => self.edition == spec::Edition::Y2019,
            _ => !self.layout_2019.is_empty(),
        }
    }

    pub fn spec(&self) -> &'static spec::TableSpec {
        self.id.spec().in_edition(self.edition)
    }
    /// How much of the table was read: (cells holding a value, cells the format has). The format's
    /// cells are those of every data row of the table's layout (the 2019 table 三 with its
    /// single-row （六）其他处理); a value is a number or a word where a number belongs, a blank
    /// cell that the text shows is not one.
    pub fn cells_read(&self) -> (usize, usize) {
        let spec = self.spec();
        let mut expected: usize = spec
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == spec::RowKind::Data)
            .map(|(i, _)| spec.cols_of(i).len())
            .sum();
        if self.id == TableId::T3 && !self.layout_2019.is_empty() {
            let other = spec::t3::OTHER;
            expected -= (spec.data_descendants(other).len() - 1) * spec.cols_of(other).len();
        }
        let read = self
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| !c.missing && c.value != Value::Blank)
            .count();
        (read, expected)
    }
    pub fn row(&self, spec_row: usize) -> Option<&Row> {
        self.rows.iter().find(|r| r.spec == spec_row)
    }
    /// For each row, whether it stands in the standard order of the table's rows: the data rows
    /// of one longest run in order are (a row of （六） among the rows of （五） is not, nor is the
    /// second of two rows of one kind); other rows always are.
    pub fn rows_in_order(&self) -> &[bool] {
        &self.placement().order
    }

    fn order_of_rows(&self) -> Vec<bool> {
        let spec = self.spec();
        let data: Vec<usize> = (0..self.rows.len())
            .filter(|&i| spec.rows[self.rows[i].spec].kind == spec::RowKind::Data)
            .collect();
        let keys: Vec<usize> = data.iter().map(|&i| self.rows[i].spec).collect();
        let keep = longest_increasing(&keys);
        let mut out = vec![true; self.rows.len()];
        for (&i, k) in data.iter().zip(keep) {
            out[i] = k;
        }
        out
    }

    pub fn has_numbers(&self) -> bool {
        self.rows
            .iter()
            .any(|r| r.cells.iter().any(|c| !matches!(c.value, Value::Blank)))
    }
}

/// Which items belong to one longest strictly increasing subsequence (the last such to complete,
/// by position): patience sorting with back links, O(n log n).
pub fn longest_increasing(keys: &[usize]) -> Vec<bool> {
    let mut tails: Vec<usize> = Vec::new(); // index into keys of the tail of each length
    let mut back: Vec<Option<usize>> = vec![None; keys.len()];
    for (i, &k) in keys.iter().enumerate() {
        let pos = tails.partition_point(|&j| keys[j] < k);
        back[i] = pos.checked_sub(1).map(|p| tails[p]);
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut keep = vec![false; keys.len()];
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        keep[i] = true;
        cur = back[i];
    }
    keep
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeaderCell {
    pub range: Range<usize>,
    pub text: String,
    /// The standard header the cell stands for.
    pub standard_text: &'static str,
    /// The cell's text is that header (after normalising).
    pub is_standard: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index into the table spec's rows.
    pub spec: usize,
    /// The pieces of the row's own label (a wrapped label has several).
    pub label: Vec<Range<usize>>,
    /// The label's text as written, pieces joined.
    pub label_text: String,
    /// The label equals the standard one after normalising.
    pub is_standard: bool,
    /// Labels of the merged group cells written on this row (（三）不予公开 beside its first child),
    /// with the group row they stand for.
    pub groups: Vec<GroupLabel>,
    pub cells: Vec<Cell>,
    /// How the cells found in the row fit its columns.
    pub fit: RowFit,
    /// The whole row, from its first label piece to its last cell.
    pub range: Range<usize>,
}

/// How the cells written in a row fit the columns of its table. Only a row that fits exactly can
/// be read with certainty: its sums are computed and its totals fixed; the others are reported
/// (`row-shape`) and left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFit {
    /// One cell per column (after merge debris at one end, which can only be read one way).
    Exact,
    /// Every cell blank, or none written at all: a row left empty (which columns the blanks
    /// stand in does not matter).
    Empty,
    /// Fewer cells than columns: which ones are missing cannot be told (the missing ones are
    /// kept as blanks at the end).
    Short { found: usize },
    /// More cells than columns, not merge debris (the extra ones are dropped at the end).
    Long { found: usize },
    /// Blank cells at both ends beyond the columns: which of them are merge debris cannot be
    /// told.
    Ambiguous { found: usize },
    /// A Markdown row as wide as its table with a figure in a label column, left of the values
    /// (`| 一、本年新收… | 5 |  | 0 |…`): it stands in no column and is not counted.
    Stray { found: usize },
}

impl RowFit {
    /// The row's cells stand in their columns for certain.
    pub fn is_certain(self) -> bool {
        matches!(self, RowFit::Exact | RowFit::Empty)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupLabel {
    pub spec: usize,
    pub range: Range<usize>,
    pub text: String,
    /// The label equals the standard one after normalising.
    pub is_standard: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Index into the row's column set.
    pub col: usize,
    /// The cell's text, trimmed; an empty range at the insertion point for a blank cell.
    pub range: Range<usize>,
    /// What replacing the cell's value must cover (for a blank cell: the room between its
    /// delimiters).
    pub span: Range<usize>,
    pub value: Value,
    /// The row had no cell at all for this column: a fill-in must insert a delimiter too.
    pub missing: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Blank,
    Count(i64),
    /// 万元, kept as written for display, with its numeric value.
    Money(f64),
    /// Not a number of the right kind (a unit in the cell, a negative count, a fraction, a
    /// mark left for filling in such as XX, words); the reason in Chinese (`value-invalid`).
    Invalid(String),
    /// Something that breaks the row's reading: a number in words (「五」) or two numbers in one
    /// cell (「5  2」); the reason in Chinese and, when it can be read, the number meant
    /// (`row-shape`).
    Malformed {
        why: String,
        meant: Option<i64>,
    },
}

impl Value {
    /// A count, or blank (counted as 0): a cell a sum can read.
    pub fn is_count_or_blank(&self) -> bool {
        matches!(self, Value::Blank | Value::Count(_))
    }

    /// The value for arithmetic: a blank counts as 0, an invalid cell makes the sum unknown.
    pub fn count(&self) -> Option<i64> {
        match self {
            Value::Blank => Some(0),
            Value::Count(n) => Some(*n),
            Value::Money(_) | Value::Invalid(_) | Value::Malformed { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub range: Range<usize>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

/// An inline `nianbao-disable` comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// Codes named; empty means every code.
    pub codes: Vec<String>,
    /// Byte range the suppression applies to.
    pub applies: Range<usize>,
    /// The comment line itself.
    pub line: Range<usize>,
}

impl Report {
    pub fn is_annual_report(&self) -> bool {
        self.kind == ReportKind::AnnualReport
    }
    pub fn section(&self, index: usize) -> Option<&Section> {
        self.sections.iter().find(|s| s.index == index)
    }
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id).map(|t| &**t)
    }
    /// The table holding byte `at`.
    pub fn table_at(&self, at: usize) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.range.start <= at && at <= t.range.end)
            .map(|t| &**t)
    }
    /// Index into `sections` of the section a byte stands in (the last heading before it).
    pub fn section_at(&self, at: usize) -> Option<usize> {
        self.sections.iter().rposition(|s| s.line.start <= at)
    }
}

#[cfg(test)]
mod tests {
    use super::Value;
    use crate::spec::{TableId, t3};

    #[test]
    fn the_placement_follows_the_values_set() {
        let text = crate::test_support::seed("000");
        let doc = crate::parse::parse(&text);
        let mut t = (*doc.reports[0].table(TableId::T3).expect("table 三")).clone();
        assert!(!t.placement().unplaced);
        // A row read as 三、本年度办理结果, which has no sum of its own: blank, it places nothing
        // wrongly; with a number, its number has no place.
        t.rows[2].spec = t3::RESULTS;
        for c in &mut t.rows[2].cells {
            c.value = Value::Blank;
        }
        t.derived.forget();
        assert!(!t.placement().unplaced);
        t.set_value(2, 0, Value::Count(1));
        assert!(t.placement().unplaced);
        // A clone keeps what was derived, and the comparison of tables ignores it.
        let copy = t.clone();
        assert!(copy.placement().unplaced);
        t.derived.forget();
        assert_eq!(copy, t);
    }

    #[test]
    fn written_places_are_lines_of_the_table() {
        let text = crate::test_support::seed("000");
        let doc = crate::parse::parse(&text);
        let t = doc.reports[0].table(TableId::T3).expect("table 三");
        let base = t.range.start;
        let written: Vec<&str> = t
            .written(&text)
            .iter()
            .map(|r| &text[base + r.start..base + r.end])
            .collect();
        // One place per line: a header line, then each row from its label to its last number.
        assert!(written.iter().all(|w| !w.contains(['\n', '\r'])));
        assert_eq!(written.len(), 3 + t.rows.len(), "{written:#?}");
        assert!(written[3].starts_with("一、本年新收") && written[3].ends_with('4'));
        for c in t.rows.iter().flat_map(|r| &r.cells) {
            let inside = |r: &std::ops::Range<usize>| {
                base + r.start <= c.range.start && c.range.end <= base + r.end
            };
            assert!(c.range.is_empty() || t.written(&text).iter().any(inside));
        }
    }

    #[test]
    fn facts_stay_with_the_table_until_its_places_move() {
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        #[derive(Default)]
        struct Seen(AtomicUsize);
        let text = crate::test_support::seed("000");
        let doc = crate::parse::parse(&text);
        let mut t = (*doc.reports[0].table(TableId::T3).expect("table 三")).clone();
        t.facts::<Seen>().0.store(7, Relaxed);
        assert_eq!(t.facts::<Seen>().0.load(Relaxed), 7);
        assert_eq!(t.clone().facts::<Seen>().0.load(Relaxed), 7);
        t.derived.forget_places();
        assert_eq!(t.facts::<Seen>().0.load(Relaxed), 0);
        t.facts::<Seen>().0.store(8, Relaxed);
        t.set_value(0, 0, Value::Count(3));
        assert_eq!(t.facts::<Seen>().0.load(Relaxed), 0);
    }
}
