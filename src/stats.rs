//! How much of a report was read: per table 二/三/四, whether it was found, its cells holding a
//! value against the cells of its format (`Table::cells_read`), and the notice whose layout it
//! shows (2021 or 2019). What `nianbao check --stats` prints; `extract` takes the report's edition
//! from here.

use crate::model::{Document, Report, Table};
use crate::spec::{Edition, TableId};

/// The tables of a report, in the order of the format.
pub const TABLES: [TableId; 3] = [TableId::T2, TableId::T3, TableId::T4];

/// What was read of one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableStats {
    pub id: TableId,
    /// Cells holding a value (a number, or a word where a number belongs).
    pub read: usize,
    /// Cells the format has for this table in its edition.
    pub cells: usize,
    /// The notice whose layout the table shows: 2019 as soon as a 2019 label or row is found
    /// (table 二 is then read with the 2019 rows, table 三 with its single-row （六）其他处理).
    pub edition: Edition,
}

/// What was read of one report: each of tables 二/三/四, `None` where it was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportStats {
    pub tables: [Option<TableStats>; 3],
}

impl ReportStats {
    /// The report's edition: 2019 when any of its tables shows the 2019 layout, 2021 when its
    /// tables all show the 2021 one, `None` without tables.
    pub fn edition(&self) -> Option<Edition> {
        let mut found = self.tables.iter().flatten().peekable();
        found.peek()?;
        Some(if found.any(|t| t.edition == Edition::Y2019) {
            Edition::Y2019
        } else {
            Edition::Y2021
        })
    }
}

pub fn table(t: &Table) -> TableStats {
    let (read, cells) = t.cells_read();
    TableStats {
        id: t.id,
        read,
        cells,
        edition: if t.is_2019_layout() {
            Edition::Y2019
        } else {
            Edition::Y2021
        },
    }
}

pub fn report(r: &Report) -> ReportStats {
    ReportStats {
        tables: TABLES.map(|id| r.table(id).map(table)),
    }
}

/// The stats of each annual report of a document, in text order.
pub fn document(doc: &Document) -> Vec<ReportStats> {
    doc.annual_reports().map(report).collect()
}

/// The year of the notice an edition is, as people name it (`2021` 年版).
pub fn edition_year(e: Edition) -> u16 {
    match e {
        Edition::Y2021 => 2021,
        Edition::Y2019 => 2019,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats_of(text: &str) -> Vec<ReportStats> {
        document(&crate::parse::parse(text))
    }

    fn brief(s: &ReportStats) -> String {
        let tables: Vec<String> = s
            .tables
            .iter()
            .zip(TABLES)
            .map(|(t, id)| match t {
                Some(t) => format!("{id:?} {}/{} {}", t.read, t.cells, edition_year(t.edition)),
                None => format!("{id:?} -"),
            })
            .collect();
        format!(
            "{} ({:?})",
            tables.join(", "),
            s.edition().map(edition_year)
        )
    }

    #[test]
    fn every_cell_of_a_seed_is_read() {
        let s = stats_of(&crate::test_support::seed("000"));
        expect_test::expect!["T2 10/10 2021, T3 175/175 2021, T4 15/15 2021 (Some(2021))"]
            .assert_eq(&brief(&s[0]));
    }

    #[test]
    fn missing_tables_and_cells_and_the_2019_layout() {
        let text = crate::test_support::seed("000");
        // Table 四 cut out, one cell of table 三 blanked.
        let t4 = text.find("四、政府信息公开行政复议").unwrap();
        let t5 = text.find("五、存在的主要问题").unwrap();
        let mut cut = format!("{}{}", &text[..t4], &text[t5..]);
        let row = "一、本年新收政府信息公开申请数量\t\t4\t0\t0\t0\t0\t0\t4\t";
        assert!(cut.contains(row));
        cut = cut.replace(
            row,
            "一、本年新收政府信息公开申请数量\t\t\t0\t0\t0\t0\t0\t4\t",
        );
        let s = stats_of(&cut);
        expect_test::expect!["T2 10/10 2021, T3 174/175 2021, T4 - (Some(2021))"]
            .assert_eq(&brief(&s[0]));
        // Not a report: nothing.
        assert!(stats_of("会议纪要\n\n今天开会。\n").is_empty());
    }

    #[test]
    fn a_2019_report_is_of_the_2019_edition() {
        let report = crate::test_support::corpus()
            .into_iter()
            .map(|(_, text)| stats_of(&text))
            .find(|s| {
                s.first()
                    .is_some_and(|s| s.edition() == Some(Edition::Y2019))
            });
        let s = report.expect("the corpus has a report in the 2019 format");
        let t2 = s[0].tables[0].unwrap();
        assert_eq!(t2.edition, Edition::Y2019);
        // The 2019 table 二 has its own cells.
        assert_ne!(t2.cells, 10);
        assert_eq!(t2.read, t2.cells);
    }
}
