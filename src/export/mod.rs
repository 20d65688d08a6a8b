//! A report as the Word document a body submits and publishes (`nianbao export --to docx`),
//! written with `docx-rs`: A4 with the margins of official documents, the title in
//! 方正小标宋简体 二号, section headings in 黑体 and sub-headings in 楷体_GB2312, the body in
//! 仿宋_GB2312 三号 on a fixed 28-point line pitch, page numbers `— N —`, and tables 二/三/四 with
//! the official merged header and label cells, numbers right-aligned.

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, SpecialIndentType, Table, TableCell, TableRow, VAlignType, VMergeType, WidthType,
};

use crate::convert::{self, Line, TableText};
use crate::model::{Document, Report};
use crate::spec::{self, RowKind, TableId};

/// Fonts of the official look; Word and WPS show a substitute where one is not installed
/// (方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体).
pub const TITLE_FONT: &str = "方正小标宋简体";
/// What the title falls back to where 方正小标宋简体 is not installed (named for the Latin
/// characters of the title, and in the docs).
pub const TITLE_FALLBACK_FONT: &str = "宋体";
pub const HEADING_FONT: &str = "黑体";
pub const SUBHEADING_FONT: &str = "楷体_GB2312";
pub const BODY_FONT: &str = "仿宋_GB2312";
const LATIN_FONT: &str = "Times New Roman";

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 五号 10.5 pt, 小五 9 pt.
const SIZE_TITLE: usize = 44;
const SIZE_BODY: usize = 32;
const SIZE_FOOTER: usize = 28;
const SIZE_TABLE: usize = 21;
const SIZE_TABLE_SMALL: usize = 18;

/// A4 in twentieths of a point, and the margins of GB/T 9704 (37/35/28/26 mm).
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1588;
const MARGIN_RIGHT: i32 = 1474;
const TEXT_W: usize = (PAGE_W as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// The fixed line pitch of the body: 28 pt.
const PITCH: i32 = 560;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ExportError(pub String);

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
        .cs(LATIN_FONT)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

fn pitch(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line)
        .before(0)
        .after(0)
}

fn body_paragraph(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, SIZE_BODY))
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(2 * 320)),
            None,
            None,
        )
        .line_spacing(pitch(PITCH))
}

/// The Word document of a text's reports (each report of a compilation in turn, the next one
/// on a new page).
pub fn docx(doc: &Document, text: &str) -> Result<Vec<u8>, ExportError> {
    let reports: Vec<&Report> = doc
        .reports
        .iter()
        .filter(|r| r.is_annual_report())
        .collect();
    if reports.is_empty() {
        return Err(ExportError(
            "这不是政府信息公开工作年度报告，无法导出（没有报告标题，标准部分标题也少于三个）"
                .to_string(),
        ));
    }
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run("— ", "宋体", SIZE_FOOTER))
            .add_page_num(PageNum::new())
            .add_run(run(" —", "宋体", SIZE_FOOTER)),
    );
    let mut d = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(851)
                .footer(992),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_BODY)
        .footer(footer);
    for (n, report) in reports.iter().enumerate() {
        let wrapped = report.shape == crate::model::Shape::Layout;
        let lines = convert::paragraphs(&convert::lines_of(report, text), wrapped);
        let sig = signature_start(&lines);
        let first_heading = lines
            .iter()
            .position(|l| matches!(l, Line::Heading(..)))
            .unwrap_or(lines.len());
        let mut first = true;
        for (i, l) in lines.iter().enumerate() {
            let p = match l {
                Line::Title(t) => Some(title(t, true)),
                // A short line before the title (the body's name) belongs to the title block.
                Line::Text(s)
                    if i < first_heading && before_title(&lines, i) && s.chars().count() <= 30 =>
                {
                    Some(title(s, false))
                }
                Line::Heading(_, t) => Some(
                    Paragraph::new()
                        .add_run(run(t, HEADING_FONT, SIZE_BODY))
                        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
                        .line_spacing(pitch(PITCH))
                        .keep_next(true),
                ),
                Line::Text(s) if i >= sig => Some(
                    Paragraph::new()
                        .add_run(run(s, BODY_FONT, SIZE_BODY))
                        .align(AlignmentType::Right)
                        .indent(None, None, Some(4 * 320), None)
                        .line_spacing(pitch(PITCH)),
                ),
                Line::Text(s) if convert::is_subheading(s) => {
                    Some(body_paragraph(s, SUBHEADING_FONT).keep_next(true))
                }
                Line::Text(s) => Some(body_paragraph(s, BODY_FONT)),
                // A table kept as its lines (the 2019 table 二): a table of its cells.
                Line::Verbatim(_) => {
                    if i == 0 || !matches!(lines[i - 1], Line::Verbatim(_)) {
                        let rows: Vec<&str> = lines[i..]
                            .iter()
                            .map_while(|l| match l {
                                Line::Verbatim(s) => Some(s.as_str()),
                                _ => None,
                            })
                            .collect();
                        d = d.add_table(verbatim_table(&rows));
                        d = d.add_paragraph(Paragraph::new().line_spacing(pitch(PITCH)));
                    }
                    None
                }
                Line::Blank => None,
                Line::Table(id) => {
                    if let Some(t) = report.table(*id) {
                        d = d.add_table(table(TableText::from_model(t, text)));
                        // Word needs a paragraph between two tables.
                        d = d.add_paragraph(Paragraph::new().line_spacing(pitch(PITCH)));
                    }
                    None
                }
            };
            if let Some(mut p) = p {
                if first && n > 0 {
                    p = p.page_break_before(true);
                }
                first = false;
                d = d.add_paragraph(p);
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| ExportError(format!("无法生成 Word 文档：{e}")))?;
    Ok(out.into_inner())
}

fn before_title(lines: &[Line], i: usize) -> bool {
    lines[i + 1..]
        .iter()
        .find(|l| !matches!(l, Line::Blank))
        .is_some_and(|l| matches!(l, Line::Title(_)))
}

/// A line of the title; the last one is followed by a blank line's room.
fn title(t: &str, last: bool) -> Paragraph {
    Paragraph::new()
        .add_run(
            Run::new()
                .add_text(t)
                .fonts(
                    RunFonts::new()
                        .east_asia(TITLE_FONT)
                        .ascii(TITLE_FALLBACK_FONT)
                        .hi_ansi(TITLE_FALLBACK_FONT),
                )
                .size(SIZE_TITLE),
        )
        .align(AlignmentType::Center)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(700)
                .before(0)
                .after(if last { PITCH as u32 } else { 0 }),
        )
}

/// Where the signature (the body's name and the date: short lines at the end) begins.
fn signature_start(lines: &[Line]) -> usize {
    let mut at = lines.len();
    for (i, l) in lines.iter().enumerate().rev() {
        match l {
            Line::Blank => continue,
            Line::Text(s)
                if s.chars().count() <= 30
                    && !s.ends_with(['。', '：'])
                    && !convert::is_subheading(s) =>
            {
                at = i;
            }
            _ => break,
        }
    }
    // Only a block of at most three lines after the sections.
    if lines.len() - at > 4 {
        lines.len()
    } else {
        at
    }
}

// ---------------------------------------------------------------- tables

/// A cell: its text, paragraph alignment, grid span and vertical merge.
fn cell(
    text: &str,
    align: AlignmentType,
    span: usize,
    merge: Option<VMergeType>,
    widths: &[usize],
    size: usize,
) -> TableCell {
    let mut c = TableCell::new()
        .add_paragraph(
            Paragraph::new()
                .add_run(run(text, BODY_FONT, size))
                .align(align)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(240)
                        .before(0)
                        .after(0),
                ),
        )
        .vertical_align(VAlignType::Center)
        .width(widths.iter().sum(), WidthType::Dxa);
    if span > 1 {
        c = c.grid_span(span);
    }
    if let Some(m) = merge {
        c = c.vertical_merge(m);
    }
    c
}

fn table(mut t: TableText) -> Table {
    match t.id {
        TableId::T2 => table_2(&mut t),
        TableId::T3 => table_3(&mut t),
        TableId::T4 => table_4(&mut t),
    }
}

/// Lines of tab-separated cells as a table, one column per cell of the widest line.
fn verbatim_table(lines: &[&str]) -> Table {
    let cols = lines
        .iter()
        .map(|l| l.split('\t').count())
        .max()
        .unwrap_or(1);
    let w = vec![TEXT_W / cols; cols];
    let rows = lines
        .iter()
        .map(|l| {
            // A shorter line's last cell spans the rest: the row keeps its number of cells.
            let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
            let n = cells.len();
            let row = cells
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    let align =
                        if crate::parse::cells::classify(c) == crate::parse::cells::Kind::Value {
                            AlignmentType::Right
                        } else {
                            AlignmentType::Center
                        };
                    let span = if k + 1 == n { cols - k } else { 1 };
                    cell(c, align, span, None, &w[k..k + span], SIZE_TABLE)
                })
                .collect();
            TableRow::new(row).cant_split()
        })
        .collect();
    grid(&w, rows)
}

fn grid(widths: &[usize], rows: Vec<TableRow>) -> Table {
    Table::new(rows)
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
        .align(docx_rs::TableAlignmentType::Center)
}

fn table_2(t: &mut TableText) -> Table {
    let spec = &spec::T2;
    let w = [TEXT_W - 3 * 1900, 1900, 1900, 1900];
    let mut rows = Vec::new();
    let c = AlignmentType::Center;
    for i in 0..spec.rows.len() {
        if spec.rows[i].kind != RowKind::Item {
            continue;
        }
        let Some(item) = t.rows[i].clone() else {
            continue;
        };
        let cols = spec.cols_of(i);
        rows.push(TableRow::new(vec![cell(&item.label, c, 4, None, &w, SIZE_TABLE)]).cant_split());
        let mut header = vec![cell(
            &t.header(spec::T2_ITEM_HEADER),
            c,
            1,
            None,
            &w[..1],
            SIZE_TABLE,
        )];
        if cols.len() == 1 {
            header.push(cell(
                &t.header(cols[0].label),
                c,
                3,
                None,
                &w[1..],
                SIZE_TABLE,
            ));
        } else {
            for (k, col) in cols.iter().enumerate() {
                header.push(cell(
                    &t.header(col.label),
                    c,
                    1,
                    None,
                    &w[k + 1..k + 2],
                    SIZE_TABLE,
                ));
            }
        }
        rows.push(TableRow::new(header).cant_split());
        for ch in spec.children(i) {
            let Some(r) = &t.rows[ch] else {
                continue;
            };
            let mut cells = vec![cell(&r.label, c, 1, None, &w[..1], SIZE_TABLE)];
            if cols.len() == 1 {
                let v = r.values.first().map_or("", String::as_str);
                cells.push(cell(v, AlignmentType::Right, 3, None, &w[1..], SIZE_TABLE));
            } else {
                for k in 0..cols.len() {
                    let v = r.values.get(k).map_or("", String::as_str);
                    cells.push(cell(
                        v,
                        AlignmentType::Right,
                        1,
                        None,
                        &w[k + 1..k + 2],
                        SIZE_TABLE,
                    ));
                }
            }
            rows.push(TableRow::new(cells).cant_split());
        }
    }
    grid(&w, rows)
}

fn table_3(t: &mut TableText) -> Table {
    let spec = &spec::T3;
    let cols = spec.col_sets[0];
    let num_w = 640;
    let label_w = TEXT_W - num_w * cols.len();
    let mut w = vec![560, 1150, label_w - 560 - 1150];
    w.extend(std::iter::repeat_n(num_w, cols.len()));
    let c = AlignmentType::Center;
    let s = SIZE_TABLE;
    let note = t.header(spec::T3_NOTE);
    let heads: Vec<String> = cols.iter().map(|col| t.header(col.label)).collect();
    let applicant = t.header(spec::T3_APPLICANT);
    let legal = t.header(spec::T3_LEGAL);
    let restart = || Some(VMergeType::Restart);
    let cont = || Some(VMergeType::Continue);
    let mut rows = vec![
        TableRow::new(vec![
            cell(&note, c, 3, restart(), &w[..3], s),
            cell(&applicant, c, 7, None, &w[3..], s),
        ]),
        TableRow::new(vec![
            cell("", c, 3, cont(), &w[..3], s),
            cell(&heads[0], c, 1, restart(), &w[3..4], s),
            cell(&legal, c, 5, None, &w[4..9], s),
            cell(&heads[6], c, 1, restart(), &w[9..10], s),
        ]),
        TableRow::new({
            let mut v = vec![
                cell("", c, 3, cont(), &w[..3], s),
                cell("", c, 1, cont(), &w[3..4], s),
            ];
            for k in 1..6 {
                v.push(cell(&heads[k], c, 1, None, &w[k + 3..k + 4], s));
            }
            v.push(cell("", c, 1, cont(), &w[9..10], s));
            v
        }),
    ];
    for r in rows.iter_mut() {
        *r = std::mem::replace(r, TableRow::new(vec![])).cant_split();
    }
    let values = |vals: &[String]| -> Vec<TableCell> {
        (0..cols.len())
            .map(|k| {
                let v = vals.get(k).map_or("", String::as_str);
                cell(v, AlignmentType::Right, 1, None, &w[k + 3..k + 4], s)
            })
            .collect()
    };
    // Which merged label cells are open: 三、本年度办理结果, and the group of the current sub-row.
    let mut results_open = false;
    let mut group_open: Option<usize> = None;
    let left = AlignmentType::Left;
    for (i, rs) in spec.rows.iter().enumerate() {
        let Some(r) = t.rows[i].clone() else {
            continue;
        };
        let parent = rs.parent;
        let grouped_leaf = parent.is_some_and(|p| spec.rows[p].parent.is_some());
        let has_children = spec.children(i).any(|ch| t.rows[ch].is_some());
        // A row the report gives no cell at all: its label spans the number columns.
        let bare = if rs.kind == RowKind::Data && r.values.is_empty() {
            cols.len()
        } else {
            0
        };
        let mut cells = Vec::new();
        match (rs.kind, parent) {
            (RowKind::Group, None) => continue, // 三、本年度办理结果: a merged cell beside its rows
            (_, None) => {
                cells.push(cell(&r.label, left, 3 + bare, None, &w[..3 + bare], s));
            }
            (RowKind::Group, Some(_)) if has_children => continue, // drawn beside its first child
            (_, Some(p)) => {
                // 三、本年度办理结果 down the left.
                let results = t.rows[spec::t3::RESULTS]
                    .as_ref()
                    .map_or(spec::T3.rows[spec::t3::RESULTS].label.to_string(), |x| {
                        x.label.clone()
                    });
                cells.push(cell(
                    if results_open { "" } else { &results },
                    c,
                    1,
                    if results_open { cont() } else { restart() },
                    &w[..1],
                    s,
                ));
                results_open = true;
                if grouped_leaf {
                    let g = p;
                    let g_label = t.rows[g]
                        .as_ref()
                        .map_or(spec.rows[g].label, |x| x.label.as_str())
                        .to_string();
                    let open = group_open == Some(g);
                    cells.push(cell(
                        if open { "" } else { &g_label },
                        c,
                        1,
                        if open { cont() } else { restart() },
                        &w[1..2],
                        s,
                    ));
                    group_open = Some(g);
                    cells.push(cell(&r.label, left, 1 + bare, None, &w[2..3 + bare], s));
                } else {
                    group_open = None;
                    cells.push(cell(&r.label, left, 2 + bare, None, &w[1..3 + bare], s));
                }
            }
        }
        if parent.is_none() {
            results_open = false;
            group_open = None;
        }
        if bare == 0 {
            cells.extend(values(&r.values));
        }
        rows.push(TableRow::new(cells).cant_split());
    }
    grid(&w, rows)
}

fn table_4(t: &mut TableText) -> Table {
    let spec = &spec::T4;
    let cols = spec.col_sets[0];
    let each = TEXT_W / cols.len();
    let w = vec![each; cols.len()];
    let c = AlignmentType::Center;
    let s = SIZE_TABLE_SMALL;
    let review = t.header(spec::T4_REVIEW);
    let litigation = t.header(spec::T4_LITIGATION);
    let direct = t.header(spec::T4_DIRECT);
    let after = t.header(spec::T4_AFTER);
    let labels: Vec<String> = cols.iter().map(|col| t.header(col.label)).collect();
    let values = t.rows[0].clone().map(|r| r.values).unwrap_or_default();
    let rows = vec![
        TableRow::new(vec![
            cell(&review, c, 5, Some(VMergeType::Restart), &w[..5], s),
            cell(&litigation, c, 10, None, &w[5..], s),
        ]),
        TableRow::new(vec![
            cell("", c, 5, Some(VMergeType::Continue), &w[..5], s),
            cell(&direct, c, 5, None, &w[5..10], s),
            cell(&after, c, 5, None, &w[10..], s),
        ]),
        TableRow::new(
            labels
                .iter()
                .enumerate()
                .map(|(k, l)| cell(l, c, 1, None, &w[k..k + 1], s))
                .collect(),
        ),
        TableRow::new(
            (0..cols.len())
                .map(|k| {
                    let v = values.get(k).map_or("", String::as_str);
                    cell(v, AlignmentType::Right, 1, None, &w[k..k + 1], s)
                })
                .collect(),
        ),
    ];
    grid(&w, rows.into_iter().map(TableRow::cant_split).collect())
}
