//! The arithmetic of a table: every 总计 cell with the value its parts add up to, and every
//! column of table 三's 勾稽关系, computed from the relations of [`crate::spec`].
//!
//! This is the one place that decides whether a total is wrong ([`TotalCell::is_wrong`]): the
//! checks, the fixes, hover, inlay hints and 填入本表全部总计 all read it, so they cannot disagree.
//! Targets are computed from the non-total cells only, so every total has one target and the
//! targets agree with one another: filling them all makes every sum relation hold.

use std::ops::Range;

use crate::model::{Cell, Table, Value};
use crate::spec::{self, RelationKind, RowKind, TableId};

/// One term of a sum.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: &'static str,
    pub value: i64,
    /// The cell the value was read from (`None` for a term that is itself computed).
    pub range: Option<Range<usize>>,
}

/// A 总计 cell and what it must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct TotalCell {
    /// Index into `Table::rows`.
    pub row: usize,
    /// Column index within the row.
    pub col: usize,
    /// The sum of the parts.
    pub target: i64,
    /// The cell's value; `None` when the cell is blank.
    pub actual: Option<i64>,
    /// The terms of the sum, when asked for ([`Detail::Parts`]).
    pub parts: Option<Vec<Part>>,
    /// At least one part is filled in (not blank).
    pub parts_filled: bool,
    /// Relation of the format document (T3-ROW …).
    pub relation: &'static str,
    /// What kind of total the cell is, for messages.
    pub subject: Subject,
    /// Words for the parts when listed briefly: 各项办理结果.
    pub parts_word: &'static str,
}

impl TotalCell {
    /// The one definition of a wrong total: some part is filled in, and the total is blank or
    /// differs from the sum of the parts. Where no part is filled in, the parts are what is
    /// missing (reported as blank cells), not the total: a blank total over blank parts, or a
    /// total written over parts left blank, is not called wrong.
    pub fn is_wrong(&self) -> bool {
        self.parts_filled && self.actual != Some(self.target)
    }

    /// The parts, empty when they were not asked for.
    pub fn parts(&self) -> &[Part] {
        self.parts.as_deref().unwrap_or(&[])
    }

    /// The cell itself.
    pub fn cell<'a>(&self, t: &'a Table) -> &'a Cell {
        &t.rows[self.row].cells[self.col]
    }

    /// Words for the cell: 「（一）予以公开」行的总计, （七）总计「自然人」列 …
    pub fn subject(&self, t: &Table) -> String {
        let row = &t.rows[self.row];
        let spec = t.spec();
        let col = &spec.cols_of(row.spec)[self.col];
        match self.subject {
            Subject::RowTotal => format!("{}行的总计", spec.row_name(row.spec)),
            Subject::ColumnTotal => {
                format!("{}「{}」列", spec.rows[row.spec].label, col.label)
            }
            Subject::GroupSubtotal => {
                format!("「{}」的小计「{}」", spec.rows[row.spec].label, col.label)
            }
            Subject::T4Total => format!("{}的总计", col.parents.last().copied().unwrap_or("")),
        }
    }

    /// The parts in words: 「自然人 4 + 商业企业 0」, or for long sums only the non-zero ones
    /// (「各项办理结果：（一）予以公开 6 + …，其余为 0」).
    pub fn parts_in_words(&self) -> String {
        let parts = self.parts();
        let listed: Vec<String> = parts
            .iter()
            .filter(|p| parts.len() <= LIST_ALL || p.value != 0)
            .map(|p| format!("{} {}", p.name, p.value))
            .collect();
        if parts.len() <= LIST_ALL {
            listed.join(" + ")
        } else if listed.is_empty() {
            format!("{}均为 0", self.parts_word)
        } else {
            format!("{}：{}，其余为 0", self.parts_word, listed.join(" + "))
        }
    }
}

/// Sums of at most this many parts are listed whole; longer ones name only their non-zero parts.
pub const LIST_ALL: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The 总计 column of a row (T3-ROW, and （七）总计's own 总计).
    RowTotal,
    /// A column of （七）总计 (T3-SUM).
    ColumnTotal,
    /// A printed group subtotal (T3-GRP).
    GroupSubtotal,
    /// A 总计 of table 四.
    T4Total,
}

/// How much to compute: the targets alone (cheap), or the parts too (for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Targets,
    Parts,
}

/// Every 总计 cell of a table with its target (and its parts with [`Detail::Parts`]). A total whose
/// parts cannot be read (a part that is not a number, a row whose cells cannot be told apart) or
/// whose own cell is not a number has no entry: nothing can be said about it.
pub fn compute(t: &Table, detail: Detail) -> Vec<TotalCell> {
    let placement = t.placement();
    let mut sums = Sums {
        t,
        at: &placement.at,
        order: &placement.order,
        keep: detail == Detail::Parts,
        // A total per row, a row of them per group and for （七）总计: rarely more than this.
        out: Vec::with_capacity(2 * t.rows.len() + 8),
    };
    for rel in spec::RELATIONS.iter().filter(|r| r.table == t.id) {
        match &rel.kind {
            RelationKind::RowSum { total, parts } => sums.row_sums(rel.id, *total, parts),
            RelationKind::ColumnSum { total, under } => sums.column_sums(rel.id, *total, *under),
            RelationKind::GroupSum => sums.group_sums(rel.id),
            RelationKind::Balance { .. } => {}
        }
    }
    sums.out
}

/// The wrong totals of a table, with their parts. The targets are computed first and the parts
/// only when some total is wrong, so a correct table costs no lists of parts.
pub fn wrong(t: &Table) -> Vec<TotalCell> {
    wrong_of(t, &compute(t, Detail::Targets))
}

/// [`wrong`], given the table's targets (`compute(t, Detail::Targets)`).
pub fn wrong_of(t: &Table, targets: &[TotalCell]) -> Vec<TotalCell> {
    if !targets.iter().any(TotalCell::is_wrong) {
        return Vec::new();
    }
    compute(t, Detail::Parts)
        .into_iter()
        .filter(TotalCell::is_wrong)
        .collect()
}

/// The total at a cell (row index into `Table::rows`, column), with its parts.
pub fn at(t: &Table, row: usize, col: usize) -> Option<TotalCell> {
    compute(t, Detail::Parts)
        .into_iter()
        .find(|tc| tc.row == row && tc.col == col)
}

/// Where each row of a table's spec is in the table, by spec index: its row in the standard
/// order ([`Table::rows_in_order`]), or failing that its first row of that kind.
pub fn row_index(t: &Table) -> &[Option<usize>] {
    &t.placement().at
}

/// Does the table hold numbers whose row is not known for certain: a row out of the standard
/// order, a row without a label (placed by its position alone), or numbers on a group label that
/// has no subtotal of its own (三、本年度办理结果, whose sum is （七）总计)?
pub fn unplaced_numbers(t: &Table) -> bool {
    t.placement().unplaced
}

/// The computation of one table's totals.
struct Sums<'a> {
    t: &'a Table,
    at: &'a [Option<usize>],
    /// [`Table::rows_in_order`].
    order: &'a [bool],
    keep: bool,
    out: Vec<TotalCell>,
}

impl Sums<'_> {
    /// In every row of numbers, column `total` is the sum of columns `parts` (T3-ROW, T4-R/D/A):
    /// data rows, and group rows that print a subtotal (the 2019 table 三's single-row
    /// （六）其他处理).
    fn row_sums(&mut self, relation: &'static str, total: usize, parts: &[usize]) {
        let t = self.t;
        let spec = t.spec();
        for (ri, row) in t.rows.iter().enumerate() {
            let numbers = match spec.rows[row.spec].kind {
                RowKind::Data => true,
                RowKind::Group => spec.has_subtotal(row.spec),
                RowKind::Item => false,
            };
            if !numbers || row.cells.len() <= total || !row.fit.is_certain() {
                continue;
            }
            if t.id == TableId::T3 && row.spec == spec::t3::TOTAL {
                continue; // its total is the sum of its own targets (column_sums)
            }
            let cols = spec.cols_of(row.spec);
            let Some(sum) = gather(
                parts.iter().map(|&p| (cols[p].label, row.cells.get(p))),
                self.keep,
            ) else {
                continue;
            };
            let c = &row.cells[total];
            if !c.value.is_count_or_blank() {
                continue;
            }
            self.out.push(TotalCell {
                row: ri,
                col: total,
                target: sum.value,
                actual: actual(c),
                parts: sum.parts,
                parts_filled: sum.filled,
                relation,
                subject: if t.id == TableId::T4 {
                    Subject::T4Total
                } else {
                    Subject::RowTotal
                },
                parts_word: "各项",
            });
        }
    }

    /// In every column, row `total` is the sum of the result rows under `under` (T3-SUM); its
    /// 总计 column is the sum of the other columns' targets.
    fn column_sums(&mut self, relation: &'static str, total: usize, under: usize) {
        let t = self.t;
        let spec = t.spec();
        let Some(ti) = self.at[total] else { return };
        let leaves = result_rows(t, self.at, under, total);
        // A row whose cells cannot be told apart, a row out of its place or without a label
        // (which row's numbers it holds is a guess), or numbers on a label that cannot hold any,
        // make every column's sum unknown.
        if std::iter::once(ti)
            .chain(leaves.iter().copied())
            .any(|r| !t.rows[r].fit.is_certain())
            || unplaced_numbers(t)
        {
            return;
        }
        let ncols = spec.cols_of(total).len();
        let mut col_targets = Vec::with_capacity(ncols);
        for col in 0..ncols.saturating_sub(1) {
            let sum = gather(
                leaves.iter().map(|&li| {
                    let r = &t.rows[li];
                    (spec.short_label(r.spec), r.cells.get(col))
                }),
                self.keep,
            );
            col_targets.push(sum.as_ref().map(|s| (s.value, s.filled)));
            let (Some(c), Some(sum)) = (t.rows[ti].cells.get(col), sum) else {
                continue;
            };
            if !c.value.is_count_or_blank() {
                continue;
            }
            self.out.push(TotalCell {
                row: ti,
                col,
                target: sum.value,
                actual: actual(c),
                parts: sum.parts,
                parts_filled: sum.filled,
                relation,
                subject: Subject::ColumnTotal,
                parts_word: "各项办理结果",
            });
        }
        // The corner: the sum of the column targets.
        let corner = ncols - 1;
        let Some(c) = t.rows[ti].cells.get(corner) else {
            return;
        };
        let Some(targets) = col_targets.iter().copied().collect::<Option<Vec<_>>>() else {
            return;
        };
        if !c.value.is_count_or_blank() {
            return;
        }
        let parts = self.keep.then(|| {
            targets
                .iter()
                .enumerate()
                .map(|(col, &(value, _))| Part {
                    name: spec.cols_of(total)[col].label,
                    value,
                    range: t.rows[ti].cells.get(col).map(|c| c.range.clone()),
                })
                .collect()
        });
        self.out.push(TotalCell {
            row: ti,
            col: corner,
            target: targets.iter().map(|v| v.0).sum(),
            actual: actual(c),
            parts_filled: targets.iter().any(|v| v.1),
            parts,
            relation,
            subject: Subject::RowTotal,
            parts_word: "各列",
        });
    }

    /// Every group row that prints numbers equals the sum of its children, column by column; its
    /// 总计 column is the sum of its own column subtotals (T3-GRP).
    fn group_sums(&mut self, relation: &'static str) {
        let t = self.t;
        let spec = t.spec();
        for (ri, row) in t.rows.iter().enumerate() {
            if spec.rows[row.spec].kind != RowKind::Group
                || row.cells.is_empty()
                || !spec.has_subtotal(row.spec)
            {
                continue;
            }
            let kids: Vec<usize> = spec
                .data_descendants(row.spec)
                .iter()
                .filter_map(|&k| self.at[k])
                .collect();
            if kids.is_empty() {
                continue; // a 2019 single-row group: nothing to add up
            }
            let order = self.order;
            if std::iter::once(ri)
                .chain(kids.iter().copied())
                .any(|r| !t.rows[r].fit.is_certain())
                || t.rows
                    .iter()
                    .zip(order)
                    .any(|(r, ok)| !ok && spec.data_descendants(row.spec).contains(&r.spec))
            {
                continue;
            }
            let ncols = row.cells.len();
            // Each column's subtotal as computed from the children, for the group's own 总计.
            let mut subtotals: Vec<Option<i64>> = Vec::with_capacity(ncols);
            for (col, c) in row.cells.iter().enumerate() {
                let last = col + 1 == ncols;
                let sum = if last {
                    // The group's 总计: the sum of the group's columns as printed where printed.
                    let mut parts = Vec::new();
                    let mut value = 0;
                    for (k, v) in subtotals.iter().enumerate() {
                        value += v.unwrap_or(0);
                        if self.keep {
                            parts.push(Part {
                                name: spec.cols_of(row.spec)[k].label,
                                value: v.unwrap_or(0),
                                range: Some(row.cells[k].range.clone()),
                            });
                        }
                    }
                    Some(Sum {
                        value,
                        parts: self.keep.then_some(parts),
                        filled: true,
                    })
                } else if c.value == Value::Blank {
                    subtotals.push(None);
                    continue;
                } else {
                    gather(
                        kids.iter().map(|&k| {
                            let r = &t.rows[k];
                            (spec.rows[r.spec].label, r.cells.get(col))
                        }),
                        self.keep,
                    )
                };
                subtotals.push(sum.as_ref().map(|s| s.value));
                let Some(sum) = sum else { continue };
                if c.value == Value::Blank || !c.value.is_count_or_blank() {
                    continue; // a group prints its subtotals only where it wants to
                }
                self.out.push(TotalCell {
                    row: ri,
                    col,
                    target: sum.value,
                    actual: c.value.count(),
                    parts: sum.parts,
                    parts_filled: sum.filled,
                    relation,
                    subject: Subject::GroupSubtotal,
                    parts_word: "各子项",
                });
            }
        }
    }
}

/// A sum: its value, its parts (when asked for) and whether any part is filled in.
struct Sum {
    value: i64,
    parts: Option<Vec<Part>>,
    filled: bool,
}

/// The sum of `cells`; `None` when a cell is missing or not a number (the sum is then unknown).
fn gather<'a>(
    cells: impl Iterator<Item = (&'static str, Option<&'a Cell>)>,
    keep: bool,
) -> Option<Sum> {
    let mut parts = Vec::with_capacity(if keep { cells.size_hint().0 } else { 0 });
    let mut filled = false;
    let mut value = 0i64;
    for (name, c) in cells {
        let c = c?;
        filled |= c.value != Value::Blank;
        let v = c.value.count()?;
        value = value.saturating_add(v);
        if keep {
            parts.push(Part {
                name,
                value: v,
                range: Some(c.range.clone()),
            });
        }
    }
    Some(Sum {
        value,
        parts: keep.then_some(parts),
        filled,
    })
}

/// A total cell's value, `None` when blank.
fn actual(c: &Cell) -> Option<i64> {
    c.value.count().filter(|_| c.value != Value::Blank)
}

/// Rows (indices into `Table::rows`) whose values add up to （七）总计: the data rows under
/// 三、本年度办理结果, with a group standing for its children when only the group is printed (the
/// 2019 single-row （六）).
fn result_rows(t: &Table, at: &[Option<usize>], under: usize, total: usize) -> Vec<usize> {
    let spec = t.spec();
    let mut out = Vec::new();
    for c in spec.children(under) {
        if c == total {
            continue;
        }
        match spec.rows[c].kind {
            RowKind::Data => out.extend(at[c]),
            _ => {
                let kids: Vec<usize> = spec
                    .data_descendants(c)
                    .iter()
                    .filter_map(|&k| at[k])
                    .collect();
                if kids.is_empty() {
                    out.extend(
                        t.rows
                            .iter()
                            .position(|r| r.spec == c && !r.cells.is_empty()),
                    );
                } else {
                    out.extend(kids);
                }
            }
        }
    }
    out
}

/// A column of table 三 whose 勾稽关系 fails: 一 + 二 ≠ （七）总计 + 四.
#[derive(Debug, Clone, PartialEq)]
pub struct Imbalance {
    pub col: usize,
    pub lhs: Vec<Part>,
    pub rhs: Vec<Part>,
    pub lhs_sum: i64,
    pub rhs_sum: i64,
    /// The last cell of the right-hand side (四、结转下年度继续办理), where the diagnostic stands.
    pub anchor: Range<usize>,
}

impl Imbalance {
    /// What the last right-hand cell would have to be for the relation to hold (`None` when that
    /// would be negative).
    pub fn balancing_last(&self) -> Option<i64> {
        let v = self.lhs_sum - (self.rhs_sum - self.rhs.last().map_or(0, |p| p.value));
        (v >= 0).then_some(v)
    }
}

/// The columns of a table whose balance relation (T3-ID) fails as printed, with its parts named.
/// A column where a term cannot be read says nothing.
pub fn imbalances(t: &Table) -> Vec<Imbalance> {
    let mut out = Vec::new();
    let spec = t.spec();
    let at = row_index(t);
    for rel in spec::RELATIONS.iter().filter(|r| r.table == t.id) {
        let RelationKind::Balance { lhs, rhs } = &rel.kind else {
            continue;
        };
        let uncertain = lhs
            .iter()
            .chain(rhs.iter())
            .filter_map(|&r| at[r])
            .any(|r| !t.rows[r].fit.is_certain());
        if uncertain {
            continue;
        }
        for col in 0..spec.col_sets[0].len() {
            let term = |r: usize| -> Option<(&Cell, i64)> {
                let c = t.rows[at[r]?].cells.get(col)?;
                Some((c, c.value.count()?))
            };
            let sum = |rows: &[usize]| -> Option<i64> {
                rows.iter().map(|&r| term(r).map(|(_, v)| v)).sum()
            };
            let (Some(l), Some(r)) = (sum(lhs), sum(rhs)) else {
                continue;
            };
            if l == r {
                continue;
            }
            let parts = |rows: &[usize]| -> Vec<Part> {
                rows.iter()
                    .filter_map(|&r| {
                        term(r).map(|(c, value)| Part {
                            name: spec.short_label(r),
                            value,
                            range: Some(c.range.clone()),
                        })
                    })
                    .collect()
            };
            let Some((anchor, _)) = rhs.last().and_then(|&r| term(r)) else {
                continue;
            };
            out.push(Imbalance {
                col,
                lhs: parts(lhs),
                rhs: parts(rhs),
                lhs_sum: l,
                rhs_sum: r,
                anchor: anchor.range.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn t3(rows: &str) -> String {
        format!("某局2024年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n{rows}")
    }

    #[test]
    fn a_blank_total_over_blank_parts_is_not_wrong() {
        // The 自然人 column is left blank, its （七）总计 too: nothing is filled, nothing is wrong.
        let text = t3(
            "三、本年度办理结果\t（一）予以公开\t\t1\t0\t0\t0\t0\t1\n\t（七）总计\t\t1\t0\t0\t0\t0\t1\n",
        );
        let doc = parse(&text);
        let t = &doc.reports[0].tables[0];
        let all = compute(t, Detail::Targets);
        let natural = all
            .iter()
            .find(|tc| tc.subject == Subject::ColumnTotal && tc.col == 0)
            .expect("the 自然人 column total");
        assert_eq!((natural.target, natural.actual), (0, None));
        assert!(!natural.is_wrong());
        assert!(wrong(t).is_empty());
    }

    #[test]
    fn a_blank_total_over_filled_parts_is_wrong() {
        let text = t3("一、本年新收政府信息公开申请数量\t2\t1\t0\t0\t0\t0\t\n");
        let doc = parse(&text);
        let t = &doc.reports[0].tables[0];
        let w = wrong(t);
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].target, w[0].actual), (3, None));
        expect_test::expect![
            "自然人 2 + 商业企业 1 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0"
        ]
        .assert_eq(&w[0].parts_in_words());
    }
}
