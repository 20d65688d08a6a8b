//! Incremental reparse and recheck: a text kept with its parsed blocks ([`parse::Block`]). An
//! edit reparses only the blocks it touches and shifts the byte ranges of the blocks after it;
//! where the edit moves a block boundary (a heading line destroyed, a line break merged into a CRLF
//! at a boundary) it falls back to a full parse. The result always equals [`parse::parse`] of the
//! text (a property test below checks this after every step of random edit scripts).
//!
//! Every block carries an id, renewed whenever the block is parsed again or its tables change (an
//! edit inside prose keeps it, and marks the block's report for checking again), so
//! [`Buffer::diagnostics`] checks again only the reports whose blocks changed; the diagnostics of
//! the others (in a compilation, all but the one being edited) are reused, moved with the text.
//! Within a report checked again, the diagnostics of each table whose block did not change are
//! reused the same way (typing prose rechecks the sections, not the tables).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::check;
use crate::diag::{Diagnostic, Fix, Related};
use crate::model::{
    Cell, Document, GroupLabel, HeaderCell, ReportContext, Row, Suppression, Table, TableContext,
    Value,
};
use crate::parse::cells::{self, Item, LineKind, RawCell, RawRow};
use crate::parse::{self, Block, Heading};
use crate::prior::Figures;
use crate::settings::Settings;
use crate::spec::Unit;
use crate::text::floor_char_boundary;

/// Moving byte ranges by a signed amount, for everything a [`Block`] holds.
pub trait Shift {
    /// Moves every range end (start or end) at or after byte `at` by `delta`.
    fn shift_from(&mut self, at: usize, delta: isize);
    fn shift(&mut self, delta: isize) {
        self.shift_from(0, delta);
    }
}

fn mv(x: usize, delta: isize) -> usize {
    x.saturating_add_signed(delta)
}

impl Shift for Range<usize> {
    fn shift_from(&mut self, at: usize, delta: isize) {
        if self.start >= at {
            self.start = mv(self.start, delta);
        }
        if self.end >= at {
            self.end = mv(self.end, delta);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift_from(&mut self, at: usize, delta: isize) {
        if delta == 0 {
            return;
        }
        for x in self {
            x.shift_from(at, delta);
        }
    }
}

/// A shared table is copied before it moves, if a report still holds it.
impl<T: Shift + Clone> Shift for Arc<T> {
    fn shift_from(&mut self, at: usize, delta: isize) {
        Arc::make_mut(self).shift_from(at, delta);
    }
}

impl Shift for RawCell {
    fn shift_from(&mut self, at: usize, delta: isize) {
        self.range.shift_from(at, delta);
        self.span.shift_from(at, delta);
    }
}

impl Shift for RawRow {
    fn shift_from(&mut self, at: usize, delta: isize) {
        self.cells.shift_from(at, delta);
        self.range.shift_from(at, delta);
    }
}

impl Shift for Item {
    fn shift_from(&mut self, at: usize, delta: isize) {
        if let Item::Row(r) = self {
            r.shift_from(at, delta);
        }
    }
}

impl Shift for Related {
    fn shift_from(&mut self, at: usize, delta: isize) {
        // A place in another document does not move with this one.
        if self.file.is_none() {
            self.range.shift_from(at, delta);
        }
    }
}

impl Shift for Figures {
    fn shift_from(&mut self, at: usize, delta: isize) {
        for r in self.ranges_mut() {
            r.shift_from(at, delta);
        }
    }
}

impl Shift for Fix {
    fn shift_from(&mut self, at: usize, delta: isize) {
        for e in &mut self.edits {
            e.range.shift_from(at, delta);
        }
    }
}

impl Shift for Diagnostic {
    fn shift_from(&mut self, at: usize, delta: isize) {
        self.range.shift_from(at, delta);
        self.related.shift_from(at, delta);
        self.fixes.shift_from(at, delta);
    }
}

impl Shift for Cell {
    fn shift_from(&mut self, at: usize, delta: isize) {
        self.range.shift_from(at, delta);
        self.span.shift_from(at, delta);
    }
}

impl Shift for GroupLabel {
    fn shift_from(&mut self, at: usize, delta: isize) {
        self.range.shift_from(at, delta);
    }
}

impl Shift for HeaderCell {
    fn shift_from(&mut self, at: usize, delta: isize) {
        self.range.shift_from(at, delta);
    }
}

impl Shift for Row {
    fn shift_from(&mut self, at: usize, delta: isize) {
        self.label.shift_from(at, delta);
        self.groups.shift_from(at, delta);
        self.cells.shift_from(at, delta);
        self.range.shift_from(at, delta);
    }
}

impl Shift for Table {
    fn shift_from(&mut self, at: usize, delta: isize) {
        if at > self.range.start {
            self.derived.forget_places();
        }
        self.range.shift_from(at, delta);
        self.rows.shift_from(at, delta);
        self.headers.shift_from(at, delta);
        self.layout_2019.shift_from(at, delta);
        self.unread.shift_from(at, delta);
    }
}

impl Shift for Heading {
    fn shift_from(&mut self, at: usize, delta: isize) {
        self.line.shift_from(at, delta);
        self.title_range.shift_from(at, delta);
    }
}

impl Shift for Block {
    fn shift_from(&mut self, at: usize, delta: isize) {
        self.range.shift_from(at, delta);
        if let Some(h) = &mut self.heading {
            h.shift_from(at, delta);
        }
        self.tables.shift_from(at, delta);
    }
}

/// How an edit was absorbed (for tests and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reparse {
    /// Only these many blocks were parsed again.
    Blocks(usize),
    /// A block boundary moved: the whole text was parsed again.
    Full,
    /// Digits typed over digits inside one count cell: its value was read again, nothing parsed.
    Cell,
    /// An edit inside one table line of the block parsed last: that line was split again and the
    /// block's tables rebuilt from its rows (only moved, when the line stands before every table).
    Line,
    /// An edit inside one line of prose that stays prose: nothing was parsed, the block's tables
    /// (which prose only separates) stay as they were.
    Prose,
    /// An edit inside a line of a single cell (one cell per line, a short line on its own) that
    /// stays a single cell of the same kind, in the block parsed last: that cell was read again in
    /// the kept rows; the block's tables were rebuilt only if the line stands in one.
    Single,
}

/// A text with its blocks, kept equal to a full parse across edits, and the diagnostics of its
/// reports as last checked.
#[derive(Debug, Clone)]
pub struct Buffer {
    /// Shared with snapshots; an edit copies it only while a snapshot still holds it.
    text: Arc<String>,
    blocks: Vec<Block>,
    /// The id of each block (same index as `blocks`).
    ids: Vec<u64>,
    /// How far each block has moved since what it holds (heading, tables) was last moved: a
    /// block's range moves at once, its contents when they are next read ([`Buffer::settle`]),
    /// so an edit near the start of a large text does not walk every table after it.
    pending: Vec<isize>,
    next_id: u64,
    /// The reports as last checked, in text order.
    checked: Vec<Checked>,
    /// The raw rows of the block parsed last, while it stays as parsed.
    kept: Option<KeptRows>,
    /// The suppression comments of the text, once looked for; kept while there are none and no
    /// edit could have made one.
    suppressions: Option<Vec<Suppression>>,
    /// Tables' diagnostics as last checked, by the id of the table's block and its place there.
    tables: TableCache,
}

/// Values with byte ranges, kept with the offset where their part of the text began when they were
/// made: when that part has moved, they are moved by as much the next time they are read.
#[derive(Debug, Clone)]
struct Anchored<T> {
    start: usize,
    value: T,
}

impl<T: Shift> Anchored<T> {
    fn new(start: usize, value: T) -> Self {
        Anchored { start, value }
    }

    /// The values, moved to a part of the text that now begins at `start`.
    fn at(&mut self, start: usize) -> &mut T {
        let moved = start as isize - self.start as isize;
        if moved != 0 {
            self.value.shift(moved);
            self.start = start;
        }
        &mut self.value
    }
}

/// The diagnostics of tables, kept while their blocks stay as parsed.
#[derive(Debug, Clone, Default)]
struct TableCache {
    entries: HashMap<(u64, usize), CheckedTable>,
    /// How many entries were live at the last pruning (entries of blocks that are gone are
    /// dropped when the map has grown well past that).
    live: usize,
}

#[derive(Debug, Clone)]
struct CheckedTable {
    /// What the diagnostics were computed with, besides the table.
    context: TableContext,
    settings: Settings,
    /// Anchored at the table's start.
    diags: Anchored<Vec<Diagnostic>>,
}

/// A block's raw rows ([`cells::raw_rows`]), kept so that the next edit inside one of its table
/// lines splits only that line again: typing stays in one place.
#[derive(Debug, Clone)]
struct KeptRows {
    /// The block's id.
    id: u64,
    /// Anchored at the block's start.
    rows: Anchored<Vec<Item>>,
    /// The index of the first row that announces a table (rows before it belong to no table), once
    /// looked for: `Some(None)` when no row does.
    first_table_row: Option<Option<usize>>,
}

/// An edit that stays inside one line, with that line: where it is now, and its text after the
/// edit.
struct EditedLine<'a> {
    range: Range<usize>,
    new_text: &'a str,
    start: usize,
    end: usize,
    line: String,
}

/// One report's diagnostics, and what they were computed from.
#[derive(Debug, Clone)]
struct Checked {
    /// The ids of the report's blocks; emptied when an edit changes the report without renewing
    /// them (prose typed into a block), so that it is checked again.
    ids: Vec<u64>,
    /// Everything from outside the report's blocks that reading and checking it took.
    context: ReportContext,
    settings: Settings,
    /// Anchored at the report's start.
    diags: Anchored<Vec<Diagnostic>>,
    /// What the pair checks read of the report, anchored the same way.
    figures: Anchored<Figures>,
}

impl KeptRows {
    /// The index of the first row that announces a table, looked for once.
    fn first_table(&mut self) -> Option<usize> {
        let rows = &self.rows.value;
        *self.first_table_row.get_or_insert_with(|| {
            rows.iter()
                .position(|it| matches!(it, Item::Row(r) if parse::announces_table(r)))
        })
    }
}

impl TableCache {
    /// The diagnostics of the table at `key`, which now begins at `start`: as kept (moved with
    /// the table) when they were made with the same context and settings, else made by `check`
    /// and kept.
    fn get(
        &mut self,
        key: (u64, usize),
        start: usize,
        context: TableContext,
        settings: &Settings,
        check: impl FnOnce() -> Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        if let Some(c) = self
            .entries
            .get_mut(&key)
            .filter(|c| c.context == context && c.settings == *settings)
        {
            return c.diags.at(start).clone();
        }
        let diags = check();
        let kept = Anchored::new(start, diags.clone());
        self.entries.insert(
            key,
            CheckedTable {
                context,
                settings: *settings,
                diags: kept,
            },
        );
        diags
    }
}

/// The row's cells were placed by counting alone, so a new number in one of them reads the same
/// way: the row holds no number beside its cells (stray zeros are placed by whether the row's
/// sums hold, which a new number can change).
fn read_by_count(text: &str, row: &crate::model::Row) -> bool {
    let mut own: Vec<Range<usize>> = row
        .label
        .iter()
        .cloned()
        .chain(row.groups.iter().map(|g| g.range.clone()))
        .chain(row.cells.iter().map(|c| c.range.clone()))
        .collect();
    own.sort_by_key(|r| r.start);
    let mut at = row.range.start;
    for r in own
        .iter()
        .chain(std::iter::once(&(row.range.end..row.range.end)))
    {
        let gap = text.get(at..r.start.max(at)).unwrap_or("");
        if gap.bytes().any(|b| b.is_ascii_digit()) {
            return false;
        }
        at = at.max(r.end);
    }
    true
}

impl Buffer {
    pub fn new(text: String) -> Self {
        let blocks = parse::parse_blocks(&text, 0..text.len());
        let mut b = Buffer {
            text: Arc::new(text),
            ids: Vec::new(),
            pending: Vec::new(),
            blocks,
            next_id: 0,
            checked: Vec::new(),
            kept: None,
            suppressions: None,
            tables: TableCache::default(),
        };
        b.renumber();
        b
    }

    fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared (O(1)), for analysis off the editing path.
    pub fn shared_text(&self) -> Arc<String> {
        Arc::clone(&self.text)
    }

    pub fn blocks(&mut self) -> &[Block] {
        self.settle(0..self.blocks.len());
        &self.blocks
    }

    /// The reports of the current text (the blocks grouped, each report read).
    pub fn document(&mut self) -> Document {
        self.settle(0..self.blocks.len());
        parse::assemble(&self.text, &self.blocks)
    }

    /// Every diagnostic of the current text as shown with `settings`, as [`check::check`] of
    /// [`Buffer::document`] gives them: only the reports whose blocks (or context) changed since
    /// the last call are read and checked again.
    pub fn diagnostics(&mut self, settings: &Settings) -> Vec<Diagnostic> {
        self.diagnostics_with(settings, &check::no_prior)
    }

    /// [`Buffer::diagnostics`], with each report also checked against last year's report of its
    /// body, as [`check::check_with`] does.
    pub fn diagnostics_with(
        &mut self,
        settings: &Settings,
        lookup: check::Lookup,
    ) -> Vec<Diagnostic> {
        let text = Arc::clone(&self.text);
        let text: &str = &text;
        let eol = parse::dominant_eol(text);
        // The reports as last checked, by the id of their first block.
        let mut old: HashMap<u64, Checked> = HashMap::with_capacity(self.checked.len());
        old.extend(
            std::mem::take(&mut self.checked)
                .into_iter()
                .filter_map(|c| Some((*c.ids.first()?, c))),
        );
        let groups = parse::report_groups(&self.blocks);
        let mut checked = Vec::with_capacity(groups.len());
        for g in groups {
            let ids = &self.ids[g.clone()];
            let start = self.blocks.get(g.start).map_or(0, |b| b.range.start);
            let end = self
                .blocks
                .get(g.end - 1)
                .map_or(text.len(), |b| b.range.end);
            let context = ReportContext::of(text, start..end, eol);
            let reuse = ids
                .first()
                .and_then(|id| old.remove(id))
                .filter(|c| c.ids == ids && c.context == context && c.settings == *settings);
            let c = match reuse {
                Some(mut c) => {
                    c.diags.at(start);
                    c.figures.at(start);
                    c
                }
                None => {
                    let ids = ids.to_vec();
                    self.settle(g.clone());
                    let blocks = &self.blocks[g.clone()];
                    let r = parse::report(text, blocks, &context);
                    let table_context = TableContext { eol };
                    let diags = check::report_with(&r, text, &context, settings, |t| {
                        let of_table = || check::table(&r, t, text, table_context, settings);
                        // The table's block and its place there.
                        let key = blocks.iter().zip(&ids).find_map(|(b, id)| {
                            let k = b.tables.iter().position(|x| std::ptr::eq(x.as_ref(), t))?;
                            Some((*id, k))
                        });
                        match key {
                            Some(key) => self.tables.get(
                                key,
                                t.range.start,
                                table_context,
                                settings,
                                of_table,
                            ),
                            None => of_table(),
                        }
                    });
                    Checked {
                        ids,
                        context,
                        settings: *settings,
                        diags: Anchored::new(start, diags),
                        figures: Anchored::new(start, Figures::of(&r)),
                    }
                }
            };
            checked.push(c);
        }
        self.checked = checked;
        if self.tables.entries.len() > 2 * self.tables.live + 32 {
            let ids: std::collections::HashSet<u64> = self.ids.iter().copied().collect();
            self.tables.entries.retain(|(id, _), _| ids.contains(id));
            self.tables.live = self.tables.entries.len();
        }
        let figures = self.figures();
        let suppressions = self
            .suppressions
            .get_or_insert_with(|| parse::find_suppressions(text));
        let mut out: Vec<Diagnostic> = Vec::new();
        for (i, c) in self.checked.iter().enumerate() {
            match check::prior_of(&figures, i, lookup) {
                Some(prior) => {
                    let mut diags = c.diags.value.clone();
                    check::add_pair(&mut diags, check::pair(&figures[i], &prior, settings));
                    out.extend(diags);
                }
                None => out.extend(c.diags.value.iter().cloned()),
            }
        }
        settings.apply(&mut out, suppressions);
        out
    }

    /// What the pair checks read of each report, as of the last [`Buffer::diagnostics`] (a
    /// front end indexes open documents by it).
    pub fn figures(&self) -> Vec<Figures> {
        self.checked
            .iter()
            .map(|c| c.figures.value.clone())
            .collect()
    }

    /// Replaces the whole text.
    pub fn replace_all(&mut self, text: String) {
        self.blocks = parse::parse_blocks(&text, 0..text.len());
        self.text = Arc::new(text);
        self.kept = None;
        self.renumber();
    }

    /// New ids for every block (after a full parse).
    fn renumber(&mut self) {
        self.ids = (0..self.blocks.len()).map(|_| self.fresh_id()).collect();
        self.pending = vec![0; self.blocks.len()];
    }

    /// Moves the blocks from `from` on by `delta`: their ranges now, their contents later.
    fn move_blocks_from(&mut self, from: usize, delta: isize) {
        if delta == 0 {
            return;
        }
        for (b, p) in self.blocks[from..]
            .iter_mut()
            .zip(&mut self.pending[from..])
        {
            b.range.shift(delta);
            *p += delta;
        }
    }

    /// Applies the pending moves of blocks `which` to what they hold.
    fn settle(&mut self, which: Range<usize>) {
        for i in which {
            let p = std::mem::take(&mut self.pending[i]);
            if p != 0 {
                let b = &mut self.blocks[i];
                if let Some(h) = &mut b.heading {
                    h.shift(p);
                }
                b.tables.shift(p);
            }
        }
    }

    /// Replaces the bytes `range` by `new_text`. The range is clamped into the text and onto
    /// character boundaries, so no input can make this panic.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) -> Reparse {
        let len = self.text.len();
        let end = floor_char_boundary(&self.text, range.end.min(len));
        let start = floor_char_boundary(&self.text, range.start.min(end));
        let how = self.apply(start..end, new_text);
        // Still no suppression comment, unless the edit wrote one.
        if self.suppressions.as_ref().is_some_and(|s| !s.is_empty())
            || parse::mentions_suppression(&self.text, start..start + new_text.len())
        {
            self.suppressions = None;
        }
        how
    }

    fn apply(&mut self, range: Range<usize>, new_text: &str) -> Reparse {
        let (start, end, len) = (range.start, range.end, self.text.len());
        if start == 0 && end == len {
            self.replace_all(new_text.to_string());
            return Reparse::Full;
        }
        if self.cell_edit(start..end, new_text) {
            return Reparse::Cell;
        }
        let i = self.block_at(start);
        if let Some(line) = self.edited_line(i, start..end, new_text) {
            if self.line_edit(i, &line) {
                return Reparse::Line;
            }
            if self.prose_edit(i, &line) {
                return Reparse::Prose;
            }
            if self.single_edit(i, &line) {
                return Reparse::Single;
            }
        }
        // The blocks holding the edit's two ends (`i` holds its start; an end on a block start
        // belongs to that block, since deleting the line break before a heading changes the
        // heading's line).
        let j = self.block_at(end).max(i);
        let region_start = self.blocks[i].range.start;
        let region_end_old = self.blocks[j].range.end;

        Arc::make_mut(&mut self.text).replace_range(start..end, new_text);
        let delta = new_text.len() as isize - (end - start) as isize;
        let region_end = mv(region_end_old, delta);

        if !self.is_line_start(region_start) || !self.is_line_start(region_end) {
            return self.full();
        }
        let (mut fresh, rows) =
            parse::parse_blocks_keeping_rows(&self.text, region_start..region_end);
        if region_start == region_end {
            // The edit removed whole blocks: nothing to parse, unless the text is now empty.
            fresh.clear();
        }
        // A block that is not the first must start with its heading or title; otherwise its lines
        // belong to the block before and the boundaries moved.
        if region_start > 0
            && fresh
                .first()
                .is_some_and(|b| b.heading.is_none() && !b.starts_report)
        {
            return self.full();
        }
        if fresh.is_empty() && self.blocks.len() == j - i + 1 {
            return self.full();
        }
        let n = fresh.len();
        self.move_blocks_from(j + 1, delta);
        self.blocks.splice(i..=j, fresh);
        let fresh_ids: Vec<u64> = (0..n).map(|_| self.fresh_id()).collect();
        self.ids.splice(i..=j, fresh_ids);
        self.pending.splice(i..=j, std::iter::repeat_n(0, n));
        self.kept = (n == 1).then(|| KeptRows {
            id: self.ids[i],
            rows: Anchored::new(region_start, rows),
            first_table_row: None,
        });
        Reparse::Blocks(n)
    }

    /// The fast path for typing inside a table line (a label, a header): when the edit stays
    /// within one line that made a row of its own in the block parsed last, and the line is still
    /// such a row (not a heading, not a title, not prose), only that line is split again; the
    /// block's tables are rebuilt from its rows, which is what parsing the block would give (see
    /// [`Buffer::row_replaced`]: a row before every table leaves them as they were).
    fn line_edit(&mut self, i: usize, edited: &EditedLine) -> bool {
        let Some(kept) = self.kept.as_mut().filter(|k| k.id == self.ids[i]) else {
            return false;
        };
        let (line_start, line_end, line) = (edited.start, edited.end, &edited.line);
        let (range, new_text) = (edited.range.clone(), edited.new_text);
        let rows = kept.rows.at(self.blocks[i].range.start);
        let Some(k) = rows.iter().position(|it| {
            matches!(it, Item::Row(r) if r.range == (line_start..line_end) && r.cells.len() > 1)
        }) else {
            return false;
        };
        let LineKind::Row(mut row) = cells::line_kind(line, &(0..line.len())) else {
            return false;
        };
        row.shift(line_start as isize);
        // Whether the row begins a pipe table depends on the lines around it, which the edit
        // leaves as they were.
        if let Item::Row(old) = &rows[k] {
            row.opens_table = old.opens_table;
        }
        let first = kept.first_table();
        let rows = kept.rows.at(self.blocks[i].range.start);
        Arc::make_mut(&mut self.text).replace_range(range.clone(), new_text);
        let delta = new_text.len() as isize - range.len() as isize;
        rows[k] = Item::Row(row);
        for it in &mut rows[k + 1..] {
            it.shift(delta);
        }
        self.row_replaced(i, k, first, line_end, delta);
        true
    }

    /// After row `k` of the kept rows of block `i` was replaced by what the edited text gives (the
    /// rows after it moved by `delta` from `line_end`, where the line ended before the edit): the
    /// block's tables are rebuilt from the rows when the row stands in a table (at or after
    /// `first`, the first row that announced one before the edit, or announcing one now), and
    /// else only moved, the block keeping its id and its report checked again.
    fn row_replaced(
        &mut self,
        i: usize,
        k: usize,
        first: Option<usize>,
        line_end: usize,
        delta: isize,
    ) {
        let Some(kept) = self.kept.as_mut() else {
            return;
        };
        let rows = &kept.rows.value;
        let announces = matches!(&rows[k], Item::Row(r) if parse::announces_table(r));
        let in_table = first.is_some_and(|f| f <= k) || announces;
        kept.first_table_row = match first {
            // The row that announced the first table no longer does: looked for again when asked.
            Some(f) if f == k && !announces => None,
            Some(f) if announces => Some(Some(f.min(k))),
            None if announces => Some(Some(k)),
            other => Some(other),
        };
        let tables = in_table.then(|| parse::tables_of(&self.text, rows));
        self.settle(i..i + 1);
        if let Some(tables) = tables {
            let b = &mut self.blocks[i];
            b.tables = tables;
            b.range.end = mv(b.range.end, delta);
            self.move_blocks_from(i + 1, delta);
            let id = self.fresh_id();
            self.ids[i] = id;
            if let Some(kept) = &mut self.kept {
                kept.id = id;
            }
            return;
        }
        if delta != 0 {
            self.blocks[i].shift_from(line_end, delta);
            self.move_blocks_from(i + 1, delta);
        }
        // The report holding the block is checked again.
        let id = self.ids[i];
        if let Some(c) = self.checked.iter_mut().find(|c| c.ids.contains(&id)) {
            c.ids.clear();
        }
    }

    /// The line of block `i` that an edit stays inside (no line break replaced or typed), and
    /// that line as the edit makes it; `None` when the edit spans lines, leaves the block, or makes
    /// the line a heading or a report title (a block boundary).
    fn edited_line<'a>(
        &self,
        i: usize,
        range: Range<usize>,
        new_text: &'a str,
    ) -> Option<EditedLine<'a>> {
        let breaks = |s: &str| s.contains(['\n', '\r']);
        if breaks(new_text) || breaks(&self.text[range.clone()]) {
            return None;
        }
        let bytes = self.text.as_bytes();
        let start = memchr::memrchr2(b'\n', b'\r', &bytes[..range.start]).map_or(0, |p| p + 1);
        let end = memchr::memchr2(b'\n', b'\r', &bytes[range.end..])
            .map_or(bytes.len(), |p| range.end + p);
        let block = &self.blocks[i];
        if start < block.range.start || end > block.range.end {
            return None;
        }
        let line = format!(
            "{}{new_text}{}",
            &self.text[start..range.start],
            &self.text[range.end..end]
        );
        let whole = 0..line.len();
        if parse::heading(&line, &whole).is_some() || parse::is_title_line(&line, &whole) {
            return None;
        }
        Some(EditedLine {
            range,
            new_text,
            start,
            end,
            line,
        })
    }

    /// The fast path for writing prose: when the edit stays within one line that is prose (not a
    /// heading or title, not a table line) and the line stays prose, the block's raw rows are what
    /// they were (a prose line only separates them), so its tables stay and only move. The block
    /// keeps its id, which keeps its tables' diagnostics; its report is checked again.
    fn prose_edit(&mut self, i: usize, edited: &EditedLine) -> bool {
        let (line_start, line_end, line) = (edited.start, edited.end, &edited.line);
        let (range, new_text) = (edited.range.clone(), edited.new_text);
        let block = &self.blocks[i];
        // The heading's or title's line is not prose (and is not a heading or title any more).
        if line_start == block.range.start && (block.heading.is_some() || block.starts_report) {
            return false;
        }
        let prose = |text: &str, line: Range<usize>| {
            matches!(cells::line_kind(text, &line), LineKind::Break)
        };
        if !prose(&self.text, line_start..line_end) || !prose(line, 0..line.len()) {
            return false;
        }
        Arc::make_mut(&mut self.text).replace_range(range.clone(), new_text);
        let delta = new_text.len() as isize - range.len() as isize;
        let id = self.ids[i];
        if let Some(kept) = self.kept.as_mut().filter(|k| k.id == id) {
            let rows = kept.rows.at(self.blocks[i].range.start);
            rows.shift_from(line_end, delta);
        }
        if delta != 0 {
            self.settle(i..i + 1);
            self.blocks[i].shift_from(line_end, delta);
            self.move_blocks_from(i + 1, delta);
        }
        // The report holding the block is checked again.
        if let Some(c) = self.checked.iter_mut().find(|c| c.ids.contains(&id)) {
            c.ids.clear();
        }
        true
    }

    /// The fast path for typing in a line of one cell (text typed one cell per line, short lines on
    /// their own, which gather into rows with the lines around them): when the edit stays within
    /// such a line of the block parsed last and the line stays a single cell of the same kind (text
    /// or value), the rows gather as before; only that cell is read again in the kept rows. The
    /// block's tables stay as they were when the line's row lies before the first row that
    /// announces a table and still announces none (the block keeps its id, its report is checked
    /// again); otherwise they are rebuilt from the rows.
    fn single_edit(&mut self, i: usize, edited: &EditedLine) -> bool {
        let (line_start, line_end, line) = (edited.start, edited.end, &edited.line);
        let (range, new_text) = (edited.range.clone(), edited.new_text);
        let block = &self.blocks[i];
        if line_start == block.range.start && (block.heading.is_some() || block.starts_report) {
            return false;
        }
        let block_start = block.range.start;
        let id = self.ids[i];
        let Some(kept) = self.kept.as_mut().filter(|k| k.id == id) else {
            return false;
        };
        let LineKind::Single(old, old_shape) =
            cells::line_kind(&self.text, &(line_start..line_end))
        else {
            return false;
        };
        let LineKind::Single(mut new, new_shape) = cells::line_kind(line, &(0..line.len())) else {
            return false;
        };
        if old.kind != new.kind || old_shape != new_shape {
            return false;
        }
        let rows = kept.rows.at(block_start);
        // The row holding the cell, and the cell's place in it.
        let found = rows.iter().enumerate().find_map(|(k, it)| match it {
            Item::Row(r) if r.range.start <= old.range.start && old.range.end <= r.range.end => {
                let ci = r.cells.partition_point(|c| c.range.start < old.range.start);
                r.cells
                    .get(ci)
                    .is_some_and(|c| c.range == old.range && c.span == old.span)
                    .then_some((k, ci))
            }
            _ => None,
        });
        let Some((k, ci)) = found else {
            return false;
        };
        let first = kept.first_table();
        let rows = kept.rows.at(block_start);
        Arc::make_mut(&mut self.text).replace_range(range.clone(), new_text);
        let delta = new_text.len() as isize - range.len() as isize;
        new.shift(line_start as isize);
        for it in rows.iter_mut() {
            it.shift_from(line_end, delta);
        }
        let Item::Row(r) = &mut rows[k] else {
            return false; // found above: a row
        };
        r.cells[ci] = new;
        r.range = r.cells[0].range.start..r.cells.iter().map(|c| c.range.end).max().unwrap_or(0);
        self.row_replaced(i, k, first, line_end, delta);
        true
    }

    /// The fast path for the commonest edit, a number changed in a table: when the edit lies
    /// inside a count cell whose text is digits and stays digits, the table's structure cannot
    /// change; only that cell's value is read again and the ranges after it move.
    fn cell_edit(&mut self, range: Range<usize>, new_text: &str) -> bool {
        let i = self.block_at(range.start);
        self.settle(i..i + 1);
        let found = self.blocks[i]
            .tables
            .iter()
            .enumerate()
            .find_map(|(ti, t)| {
                t.rows.iter().enumerate().find_map(|(ri, r)| {
                    r.cells
                        .iter()
                        .position(|c| {
                            c.range.start <= range.start
                                && range.end <= c.range.end
                                && matches!(c.value, Value::Count(_))
                        })
                        .map(|ci| (ti, ri, ci))
                })
            });
        let Some((ti, ri, ci)) = found else {
            return false;
        };
        if !read_by_count(&self.text, &self.blocks[i].tables[ti].rows[ri]) {
            return false;
        }
        let cell = &self.blocks[i].tables[ti].rows[ri].cells[ci];
        let old = &self.text[cell.range.clone()];
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let new_cell = format!(
            "{}{}{}",
            &old[..range.start - cell.range.start],
            new_text,
            &old[range.end - cell.range.start..]
        );
        if !digits(old) || !digits(&new_cell) {
            return false;
        }
        let value = parse::cells::parse_value(&new_cell, Unit::Count);
        if !matches!(value, Value::Count(_)) {
            return false;
        }
        let cell_end = cell.range.end;
        Arc::make_mut(&mut self.text).replace_range(range.clone(), new_text);
        let delta = new_text.len() as isize - range.len() as isize;
        Arc::make_mut(&mut self.blocks[i].tables[ti]).set_value(ri, ci, value);
        let id = self.fresh_id();
        // Kept rows stay true: the cell is still a value, only its end moves.
        if let Some(kept) = self.kept.as_mut().filter(|k| k.id == self.ids[i]) {
            let rows = kept.rows.at(self.blocks[i].range.start);
            rows.shift_from(cell_end, delta);
            kept.id = id;
        }
        self.ids[i] = id;
        if delta != 0 {
            self.blocks[i].shift_from(cell_end, delta);
            self.move_blocks_from(i + 1, delta);
        }
        true
    }

    fn full(&mut self) -> Reparse {
        self.blocks = parse::parse_blocks(&self.text, 0..self.text.len());
        self.kept = None;
        self.renumber();
        Reparse::Full
    }

    /// Index of the block holding byte `at` (the last block for the end of the text).
    fn block_at(&self, at: usize) -> usize {
        let k = self.blocks.partition_point(|b| b.range.start <= at);
        k.saturating_sub(1).min(self.blocks.len().saturating_sub(1))
    }

    /// Is `at` where a line starts (the text's start or end, or just after a line break that is not
    /// the `\r` of a `\r\n`)?
    fn is_line_start(&self, at: usize) -> bool {
        let b = self.text.as_bytes();
        if at == 0 || at >= b.len() {
            return at <= b.len();
        }
        match b[at - 1] {
            b'\n' => true,
            b'\r' => b[at] != b'\n',
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn seeds() -> Vec<String> {
        let mut out: Vec<String> = crate::test_support::seeds()
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        // And a compilation of two of them, and one with its tables one cell per line.
        let two = format!("{}\n{}", out[3], out[1]);
        let cells = out[0].replace('\t', "\n");
        // And a compilation of a report and the same body's report of the year before.
        let year = parse::parse(&out[0]).reports[0]
            .year
            .expect("seed 000's year");
        let before = out[0].replace(&format!("{year}年"), &format!("{}年", year - 1));
        let pair = format!("{before}\n{}", out[0]);
        out.push(two);
        out.push(cells);
        out.push(pair);
        out
    }

    const SMALL: &str = "某局2024年政府信息公开工作年度报告\n一、总体情况\n正文。\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n";

    fn assert_same(doc: &mut Buffer) {
        let full = parse::parse_blocks(doc.text(), 0..doc.text().len());
        let text = doc.text().to_string();
        assert_eq!(doc.blocks(), &full[..], "blocks differ for text {text:?}");
        let whole = parse::parse(doc.text());
        assert_eq!(doc.document(), whole);
        assert_eq!(
            doc.diagnostics(&Settings::default()),
            check::check(&whole, doc.text(), &Settings::default())
        );
    }

    #[test]
    fn edit_inside_a_table_reparses_one_block() {
        let text = seeds().into_iter().next().unwrap_or_default();
        let mut doc = Buffer::new(text.clone());
        let at = text.find("总计\t").expect("seed 000 has a 总计 row");
        let at = at
            + text[at..]
                .find(|c: char| c.is_ascii_digit())
                .expect("a digit");
        let how = doc.edit(at..at + 1, "7");
        assert_eq!(how, Reparse::Cell);
        assert_same(&mut doc);
        let how = doc.edit(at..at + 1, "");
        assert!(matches!(how, Reparse::Blocks(1)), "{how:?}");
        assert_same(&mut doc);
    }

    #[test]
    fn typing_in_a_table_line_splits_only_that_line() {
        let text = seeds().into_iter().next().unwrap_or_default();
        let mut doc = Buffer::new(text.clone());
        let at = text.find("法人或其他组织").expect("a header cell");
        // The first edit parses the block and keeps its rows; the next ones in the same table
        // (a header, then a label, then a deletion) split one line each.
        assert!(matches!(doc.edit(at..at, "年"), Reparse::Blocks(1)));
        assert_same(&mut doc);
        assert_eq!(doc.edit(at + 3..at + 3, "度"), Reparse::Line);
        assert_same(&mut doc);
        // A number typed over a number in the same table keeps the rows true.
        let row = doc.text().find("(七) 总计").expect("total row");
        let total = row
            + doc.text()[row + "(七)".len()..]
                .find(|c: char| c.is_ascii_digit())
                .expect("its first number")
            + "(七)".len();
        assert_eq!(doc.edit(total..total + 1, "12"), Reparse::Cell);
        assert_same(&mut doc);
        assert_eq!(doc.edit(at..at, "x"), Reparse::Line);
        assert_same(&mut doc);
        assert_eq!(doc.edit(at..at + 1, ""), Reparse::Line);
        assert_same(&mut doc);
        let label = doc.text().find("(一) 予以公开").expect("a label");
        assert_eq!(doc.edit(label..label + 1, "（"), Reparse::Line);
        assert_same(&mut doc);
        assert_eq!(doc.edit(at..at + 6, ""), Reparse::Line);
        assert_same(&mut doc);
        // A tab typed into a label makes another cell: still one line.
        let label = doc.text().find("予以公开").expect("a label");
        assert_eq!(doc.edit(label..label, "\t"), Reparse::Line);
        assert_same(&mut doc);
        // An edit in another block parses that one (the kept rows move with the table's block).
        let h = doc.text().find("五、存在").expect("section five");
        assert!(matches!(
            doc.edit(h..h, "x"),
            Reparse::Full | Reparse::Blocks(_)
        ));
        assert_same(&mut doc);
    }

    #[test]
    fn destroying_and_creating_headings() {
        let mut doc = Buffer::new(SMALL.to_string());
        let h = SMALL.find("二、主动").unwrap();
        assert_eq!(doc.edit(h..h + "二、".len(), "XX"), Reparse::Full);
        assert_same(&mut doc);
        let h = doc.text().find("XX").unwrap();
        doc.edit(h..h + 2, "二、");
        assert_same(&mut doc);
        // A new heading typed inside a block splits it, without a full parse.
        let at = doc.text().find("正文。").unwrap();
        let how = doc.edit(at..at, "六、其他需要报告的事项\n");
        assert_eq!(how, Reparse::Blocks(2));
        assert_same(&mut doc);
    }

    #[test]
    fn tables_rechecked_when_the_line_break_of_the_text_changes() {
        // Table 二 lacks rows: their fixes insert lines with the text's line break. Prose in
        // another block turning to CRLF changes that line break, not table 二's block.
        let prose: String = (1..=20).map(|i| format!("第{i}行。\n")).collect();
        let t = SMALL.replace("正文。\n", &prose);
        let mut doc = Buffer::new(t.clone());
        assert_same(&mut doc);
        let at = t.find("第1行").unwrap();
        let end = t.find("第20行。").unwrap() + "第20行。".len();
        doc.edit(at..end, &prose.trim_end().replace('\n', "\r\n"));
        assert_eq!(parse::dominant_eol(doc.text()), "\r\n");
        assert_same(&mut doc);
        let inserts: Vec<String> = doc
            .diagnostics(&Settings::default())
            .iter()
            .flat_map(|d| &d.fixes)
            .flat_map(|f| &f.edits)
            .map(|e| e.new_text.clone())
            .collect();
        // Table 二's rows among them, every line break they insert a CRLF.
        assert!(inserts.iter().any(|n| n.contains("行政规范性文件")));
        assert!(
            inserts
                .iter()
                .all(|n| n.contains("\r\n") && !n.replace("\r\n", "").contains('\n')),
            "{inserts:?}"
        );
    }

    #[test]
    fn typing_in_a_short_line_reads_one_cell() {
        // Short lines (web text, narrow PDF text) before a table written one cell per line.
        let short: String = (0..400).map(|i| format!("第{i}条短句\n")).collect();
        let text = SMALL.replace(
            "正文。\n",
            &format!(
                "{short}三、收到和处理政府信息公开申请情况\n（一）予以公开\n3\n1.属于国家秘密\n0\n"
            ),
        );
        let mut doc = Buffer::new(text);
        let at = doc.text().find("第200条").unwrap() + "第200条".len();
        // The first edit parses the block and keeps its rows; the next ones read one cell.
        assert!(matches!(doc.edit(at..at, "年"), Reparse::Blocks(1)));
        for (i, c) in "年度报告".chars().enumerate() {
            let at = at + 3 * (i + 1);
            assert_eq!(
                doc.edit(at..at, c.encode_utf8(&mut [0; 4])),
                Reparse::Single
            );
        }
        assert_same(&mut doc);
        assert_eq!(doc.edit(at..at + 3, ""), Reparse::Single);
        assert_same(&mut doc);
        // In the table (a block of its own: the first edit there parses it): its tables are
        // rebuilt, the same as a full parse.
        let label = doc.text().find("（一）予以公开").unwrap();
        let how = doc.edit(label..label + "（一）".len(), "");
        assert!(matches!(how, Reparse::Blocks(1)), "{how:?}");
        assert_eq!(doc.edit(label..label, "（一）"), Reparse::Single);
        assert_same(&mut doc);
        assert_eq!(
            doc.edit(label..label + "（一）".len(), "(一)"),
            Reparse::Single
        );
        assert_same(&mut doc);
        let value = doc.text().find("\n3\n").unwrap() + 1;
        assert_eq!(doc.edit(value..value + 1, "12"), Reparse::Cell);
        assert_same(&mut doc);
        // A short line that comes to announce a table, and back.
        let line = doc.text().find("第100条").unwrap();
        assert!(matches!(doc.edit(line..line, "x"), Reparse::Blocks(1)));
        assert_eq!(doc.edit(line..line + 1, ""), Reparse::Single);
        assert_eq!(
            doc.edit(line..line + "第100条短句".len(), "予以公开"),
            Reparse::Single
        );
        assert_same(&mut doc);
        assert_eq!(
            doc.edit(line..line + "予以公开".len(), "第100条短句"),
            Reparse::Single
        );
        assert_same(&mut doc);
        // A text cell that becomes a number gathers differently: parsed again.
        let how = doc.edit(line..line + "第100条短句".len(), "7");
        assert!(matches!(how, Reparse::Blocks(1)), "{how:?}");
        assert_same(&mut doc);
    }

    #[test]
    fn typing_prose_parses_nothing() {
        // A paragraph (a short line on its own could be a cell of a table, one cell per line).
        let paragraph = "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开。";
        let mut doc = Buffer::new(SMALL.replace("正文。", paragraph));
        let codes = |doc: &mut Buffer| -> Vec<&'static str> {
            doc.diagnostics(&Settings::default())
                .iter()
                .map(|d| d.code.as_str())
                .collect()
        };
        assert!(codes(&mut doc).contains(&"period-mismatch"));
        // The statistics period written into section 一's prose, a character at a time.
        let period = "本报告所列数据的统计期限为2024年1月1日至2024年12月31日。";
        let mut at = doc.text().find("持续推进").unwrap();
        for c in period.chars() {
            let how = doc.edit(at..at, c.encode_utf8(&mut [0; 4]));
            assert_eq!(how, Reparse::Prose);
            at += c.len_utf8();
        }
        assert_same(&mut doc);
        assert!(!codes(&mut doc).contains(&"period-mismatch"));
        // A prose line that turns into a table line (a tab and a number) is parsed again.
        let at = doc.text().find("持续推进").unwrap();
        assert!(matches!(doc.edit(at..at, "规章\t3\t"), Reparse::Blocks(1)));
        assert_same(&mut doc);
        // Nor is a heading's line prose.
        let h = doc.text().find("主动公开政府信息情况").unwrap();
        assert_ne!(doc.edit(h..h, "年"), Reparse::Prose);
        assert_same(&mut doc);
    }

    #[test]
    fn crlf_and_cr_at_block_boundaries() {
        let t = SMALL.replace('\n', "\r");
        let mut doc = Buffer::new(t.clone());
        let h = t.find("二、主动").unwrap();
        doc.edit(h..h, "\n");
        assert_same(&mut doc);
        doc.edit(h..h + 1, "");
        assert_same(&mut doc);
        doc.edit(0..0, "\u{20000}");
        assert_same(&mut doc);
        // Out of range and inside a character: clamped.
        doc.edit(1..999_999, "x");
        assert_same(&mut doc);
        doc.edit(std::ops::Range { start: 5, end: 2 }, "y");
        assert_same(&mut doc);
    }

    #[test]
    fn a_new_number_in_a_row_with_stray_numbers_reads_the_row_again() {
        // Two rows of table 三 joined into one (a line break deleted): more numbers than
        // columns, some of them zeros, placed by whether the row's sums hold. A new number in one
        // of its cells can place them differently, so the row is read again, not the one cell.
        let text = SMALL.to_string()
            + "（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\n\t2.其他法律行政法规禁止公开\t0\t0\t0\t0\t0\t0\t\t\t3.危及“三安全一稳定”\t0\t0\t0\t0\t0\t0\t0\n";
        let mut doc = Buffer::new(text);
        assert_same(&mut doc);
        let row = doc.text().find("2.其他").unwrap();
        let third = row + doc.text()[row..].match_indices('0').nth(2).unwrap().0;
        assert_ne!(doc.edit(third..third + 1, "481"), Reparse::Cell);
        assert_same(&mut doc);
        // A row with one number per column still reads one cell.
        let first = doc.text().find("国家秘密\t").unwrap() + "国家秘密\t".len();
        assert_eq!(doc.edit(first..first + 1, "5"), Reparse::Cell);
        assert_same(&mut doc);
    }

    #[test]
    fn last_years_report_in_a_compilation_is_read_as_it_changes() {
        let year = |y: u32, carried: &str, next: &str| {
            format!(
                "某局{y}年政府信息公开工作年度报告\n一、总体情况\n正文。\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n二、上年结转政府信息公开申请数量\t{carried}\t0\t0\t0\t0\t0\t{carried}\n四、结转下年度继续办理\t{next}\t0\t0\t0\t0\t0\t{next}\n"
            )
        };
        let text = year(2023, "0", "1") + &year(2024, "1", "0");
        let mut doc = Buffer::new(text);
        let prior = |doc: &mut Buffer| {
            doc.diagnostics(&Settings::default())
                .into_iter()
                .filter(|d| d.code == crate::diag::Code::PriorYearMismatch)
                .count()
        };
        assert_eq!(prior(&mut doc), 0);
        // Last year's 结转下年度 changes: this year's report, unchanged, is judged again.
        let at =
            doc.text().find("四、结转下年度继续办理\t").unwrap() + "四、结转下年度继续办理\t".len();
        assert_eq!(doc.edit(at..at + 1, "2"), Reparse::Cell);
        assert_eq!(prior(&mut doc), 1);
        assert_same(&mut doc);
        // Text typed before both reports moves them, and last year's cell with them.
        doc.edit(0..0, "汇编\n");
        assert_same(&mut doc);
        let d: Vec<_> = doc
            .diagnostics(&Settings::default())
            .into_iter()
            .filter(|d| d.code == crate::diag::Code::PriorYearMismatch)
            .collect();
        assert_eq!(&doc.text()[d[0].related[0].range.clone()], "2");
    }

    #[derive(Debug, Clone)]
    enum Op {
        /// Replace the n-th digit of the text (and `len` bytes after it) by digits.
        Digit(usize, usize, String),
        /// Type into the n-th line holding a tab (a table row), at a character of it.
        InRow(usize, usize, usize, String),
        /// Type into the n-th short line without a tab (a cell of its own, or prose).
        InLine(usize, usize, usize, String),
        Insert(usize, String),
        Delete(usize, usize),
        Replace(usize, usize, String),
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just("\t".to_string()),
            Just(" | ".to_string()),
            Just("0".to_string()),
            Just("17".to_string()),
            Just("总计".to_string()),
            Just("\u{20000}".to_string()),
            Just("一、总体情况\n".to_string()),
            Just("三、收到和处理政府信息公开申请情况\n".to_string()),
            Just("四、结转下年度继续办理\t1\t0\t0\t0\t0\t0\t1\n".to_string()),
            Just("（七）总计\t3\t0\t0\t0\t0\t0\t3\n".to_string()),
            Just("<!-- nianbao-disable-next-line total-mismatch -->\n".to_string()),
            "[a-z0-9年的\t ]{0,6}",
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<usize>(), 0usize..3, "[0-9]{0,3}").prop_map(|(a, n, s)| Op::Digit(a, n, s)),
            (any::<usize>(), 0usize..3, "[0-9]{0,3}").prop_map(|(a, n, s)| Op::Digit(a, n, s)),
            (
                any::<usize>(),
                any::<usize>(),
                0usize..3,
                "[年度总计合 \t|0-9（）一二三四]{0,3}"
            )
                .prop_map(|(l, c, n, s)| Op::InRow(l, c, n, s)),
            (
                any::<usize>(),
                any::<usize>(),
                0usize..3,
                "[年度总计合 \t|0-9（）一二三四]{0,3}"
            )
                .prop_map(|(l, c, n, s)| Op::InRow(l, c, n, s)),
            (
                any::<usize>(),
                any::<usize>(),
                0usize..3,
                "[年度总计合 0-9（）一二三四予以公开]{0,3}"
            )
                .prop_map(|(l, c, n, s)| Op::InLine(l, c, n, s)),
            (any::<usize>(), piece()).prop_map(|(a, s)| Op::Insert(a, s)),
            (any::<usize>(), 0usize..40).prop_map(|(a, n)| Op::Delete(a, n)),
            (any::<usize>(), 0usize..12, piece()).prop_map(|(a, n, s)| Op::Replace(a, n, s)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, max_shrink_iters: 200, ..ProptestConfig::default() })]
        #[test]
        fn incremental_equals_full_parse(seed in 0usize..8, ops in prop::collection::vec(op(), 1..12)) {
            let seeds = seeds();
            let text = seeds[seed % seeds.len()].clone();
            let mut doc = Buffer::new(text);
            for o in ops {
                let len = doc.text().len().max(1);
                match o {
                    Op::Digit(a, n, s) => {
                        let ds: Vec<usize> = doc.text().bytes().enumerate().filter(|(_, b)| b.is_ascii_digit()).map(|(i, _)| i).collect();
                        if !ds.is_empty() {
                            let at = ds[a % ds.len()];
                            doc.edit(at..at + n, &s);
                        }
                    }
                    Op::InRow(l, c, n, s) => {
                        let rows: Vec<(usize, usize)> = crate::text::lines(doc.text())
                            .iter()
                            .filter(|x| doc.text()[x.content.clone()].contains('\t'))
                            .map(|x| (x.content.start, x.content.end))
                            .collect();
                        if !rows.is_empty() {
                            let (a, b) = rows[l % rows.len()];
                            let chars: Vec<usize> = doc.text()[a..b].char_indices().map(|(i, _)| a + i).chain([b]).collect();
                            let at = chars[c % chars.len()];
                            let to = chars[(c % chars.len() + n).min(chars.len() - 1)];
                            doc.edit(at..to, &s);
                        }
                    }
                    Op::InLine(l, c, n, s) => {
                        let lines: Vec<(usize, usize)> = crate::text::lines(doc.text())
                            .iter()
                            .filter(|x| {
                                let t = &doc.text()[x.content.clone()];
                                !t.is_empty() && !t.contains('\t') && t.chars().count() <= 60
                            })
                            .map(|x| (x.content.start, x.content.end))
                            .collect();
                        if !lines.is_empty() {
                            let (a, b) = lines[l % lines.len()];
                            let chars: Vec<usize> = doc.text()[a..b].char_indices().map(|(i, _)| a + i).chain([b]).collect();
                            let at = chars[c % chars.len()];
                            let to = chars[(c % chars.len() + n).min(chars.len() - 1)];
                            // Twice: the first edit may parse the block, the second reads one cell.
                            doc.edit(at..to, &s);
                            let end = at + s.len();
                            doc.edit(end..end, &s);
                        }
                    }
                    Op::Insert(a, s) => { let a = a % len; doc.edit(a..a, &s); }
                    Op::Delete(a, n) => { let a = a % len; doc.edit(a..a + n, ""); }
                    Op::Replace(a, n, s) => { let a = a % len; doc.edit(a..a + n, &s); }
                }
                let full = parse::parse_blocks(doc.text(), 0..doc.text().len());
                prop_assert_eq!(doc.blocks(), &full[..]);
                let whole = parse::parse(doc.text());
                prop_assert_eq!(doc.document(), whole.clone());
                prop_assert_eq!(
            doc.diagnostics(&Settings::default()),
            check::check(&whole, doc.text(), &Settings::default())
        );
            }
        }
    }
}
