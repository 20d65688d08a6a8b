//! Lines to cells: whatever shape a table arrives in (tabs, pipes, one cell per line, columns
//! aligned by spaces), its lines become raw rows of cells with exact ranges, each cell classed as
//! text, a value or blank. Nothing here knows which table or row a cell belongs to.

use std::ops::Range;

use crate::model::{Shape, Value};
use crate::spec::Unit;
use crate::text::Line;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Value,
    Blank,
}

#[derive(Debug, Clone)]
pub struct RawCell {
    /// The normalised text of a text cell (empty for values and blanks).
    pub norm: String,
    /// Trimmed content (empty at the insertion point for a blank cell).
    pub range: Range<usize>,
    /// Room between the delimiters.
    pub span: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Item {
    Row(RawRow),
    /// Prose or anything else that ends a run of label pieces.
    Break,
}

#[derive(Debug, Clone)]
pub struct RawRow {
    pub cells: Vec<RawCell>,
    pub shape: Shape,
    pub range: Range<usize>,
    /// The row begins a pipe table of its own: the line before it is neither a row nor a
    /// separator line (`|---|`), or a separator line follows it (it is that table's header).
    /// Decided by the lines around it that are not rows, so editing a row never changes it.
    pub opens_table: bool,
}

/// Longest text (in characters) a single-cell line may have and still be a table cell; longer lines
/// are prose.
const MAX_CELL_CHARS: usize = 60;

/// Most cells a raw row holds. A line split into more cells is prose; single cells gathered from
/// one line each start another row when the row has this many. The widest row of a real report
/// has under 40 cells (table 四's 15 numbers, merge debris, labels wrapped over lines); the limit
/// bounds the work one row can cause.
pub const MAX_ROW_CELLS: usize = 256;

fn is_ws(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{0C}' || c == '\u{FEFF}'
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start_matches(is_ws).len();
    let trail = s.len() - s.trim_end_matches(is_ws).len();
    if lead == s.len() {
        // Blank: an empty range after the first space, if any, so an insertion keeps one space.
        let at = r.start + s.chars().next().map_or(0, |c| c.len_utf8()).min(s.len());
        return at.min(r.end)..at.min(r.end);
    }
    r.start + lead..r.end - trail
}

fn cell(text: &str, span: Range<usize>) -> RawCell {
    let range = trim_range(text, span.clone());
    let kind = classify(&text[range.clone()]);
    let norm = if kind == Kind::Text {
        let raw = &text[range.clone()];
        let mut n = crate::text::norm(raw);
        // A cell that ends in `、` is the first piece of a wrapped label
        // (`2.申请人逾期未按收费通知要求缴纳费用、` / `行政机关不再处理…`): keep the `、` that the
        // pieces joined need, which normalising a whole label drops at its end.
        if raw.ends_with('、') && !n.is_empty() {
            n.push('.');
        }
        n
    } else {
        String::new()
    };
    RawCell {
        norm,
        range,
        span,
        kind,
    }
}

/// Is this line a page number or page furniture that `pdftotext` leaves between rows? A page
/// number's dashes stand on both sides (`- 3 -`, `-18-`, `— 4 —`); a minus sign right before the
/// digits and nothing after them (`-18`, `－18`) is a signed number — a cell of 本年增/减 on a line
/// of its own — like an unsigned number on a line of its own.
pub fn is_page_furniture(s: &str) -> bool {
    // `- 3 -`, `— 4 —`, `第 3 页`, `3/10`: short, and starting with a dash, 第 or a digit.
    if s.len() > 64 {
        return false;
    }
    if s.trim_matches(is_ws)
        .strip_prefix(['-', '－'])
        .is_some_and(|d| !d.is_empty() && d.chars().all(|c| fold_digit(c).is_ascii_digit()))
    {
        return false;
    }
    let mut chars = s.chars().filter(|c| !is_ws(*c));
    let Some(lead) = chars.next() else {
        return false;
    };
    if !(lead.is_ascii_digit() || matches!(lead, '-' | '—' | '–' | '－' | '第')) {
        return false;
    }
    let t: String = s.chars().filter(|c| !is_ws(*c)).collect();
    let inner = t.trim_matches(|c| matches!(c, '-' | '—' | '–' | '－'));
    let dashed =
        inner.len() < t.len() && !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit());
    let paged = t.starts_with('第')
        && t.ends_with('页')
        && t.chars().filter(|c| c.is_ascii_digit()).count() > 0;
    let ratio = t.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.chars().all(|c| c.is_ascii_digit())
            && b.chars().all(|c| c.is_ascii_digit())
    });
    dashed || paged || ratio
}

/// `|---|:---:|`: the separator row of a pipe table.
pub(crate) fn is_md_separator(s: &str) -> bool {
    let t = s.trim();
    t.contains('-')
        && t.contains('|')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// Splits one line into cells and says which shape it has. `None` for a line with no content.
fn split_line(text: &str, line: &Range<usize>) -> Option<(Vec<RawCell>, Shape)> {
    let s = &text[line.clone()];
    if s.chars().all(is_ws) || is_md_separator(s) || is_page_furniture(s) {
        return None;
    }
    if s.contains('\t') {
        let mut cells = Vec::with_capacity(memchr::memchr_iter(b'\t', s.as_bytes()).count() + 1);
        let mut start = line.start;
        for i in memchr::memchr_iter(b'\t', s.as_bytes()) {
            cells.push(cell(text, start..line.start + i));
            start = line.start + i + 1;
        }
        cells.push(cell(text, start..line.end));
        return Some((cells, Shape::Tsv));
    }
    let t = s.trim_matches(is_ws);
    if t.starts_with('|') || t.ends_with('|') {
        let mut bounds: Vec<usize> = s.match_indices('|').map(|(i, _)| line.start + i).collect();
        let lead_pipe = t.starts_with('|');
        let trail_pipe = t.ends_with('|');
        let mut spans = Vec::new();
        let mut prev = if lead_pipe {
            bounds.remove(0) + 1
        } else {
            line.start
        };
        for b in &bounds {
            spans.push(prev..*b);
            prev = b + 1;
        }
        if !trail_pipe {
            spans.push(prev..line.end);
        }
        let cells: Vec<RawCell> = spans.into_iter().map(|sp| cell(text, sp)).collect();
        if cells.iter().all(|c| c.kind == Kind::Blank) {
            return None; // `|||` merge debris
        }
        let shape = if cells.len() == 1 {
            Shape::CellPerLine
        } else {
            Shape::Markdown
        };
        return Some((cells, shape));
    }
    // Columns aligned by runs of two or more spaces.
    let mut cells = Vec::new();
    let mut i = 0;
    let mut cell_start: Option<usize> = None;
    let mut last_non_ws = 0;
    while i < s.len() {
        let c = s[i..].chars().next().unwrap_or(' ');
        let w = c.len_utf8();
        if is_ws(c) {
            // A gap is two spaces, a tab-like ideographic space, or a form feed.
            let mut j = i;
            let mut n = 0;
            while j < s.len() {
                let d = s[j..].chars().next().unwrap_or('x');
                if !is_ws(d) {
                    break;
                }
                n += if d == '\u{3000}' { 2 } else { 1 };
                j += d.len_utf8();
            }
            if (n >= 2 || j == s.len())
                && let Some(st) = cell_start.take()
            {
                cells.push(cell(text, line.start + st..line.start + last_non_ws));
            }
            i = j;
            continue;
        }
        if cell_start.is_none() {
            cell_start = Some(i);
        }
        i += w;
        last_non_ws = i;
    }
    if let Some(st) = cell_start {
        cells.push(cell(text, line.start + st..line.start + last_non_ws));
    }
    if cells.is_empty() {
        return None;
    }
    let cells = split_single_spaced_numbers(text, cells);
    let shape = if cells.len() > 1 {
        Shape::Layout
    } else {
        Shape::CellPerLine
    };
    Some((cells, shape))
}

/// `规章 0 0 0` or `0 0 0 0`: numbers separated by single spaces become cells of their own.
fn split_single_spaced_numbers(text: &str, cells: Vec<RawCell>) -> Vec<RawCell> {
    let mut out = Vec::with_capacity(cells.len());
    for c in cells {
        let s = &text[c.range.clone()];
        if !s.contains(' ') || s.chars().count() > MAX_CELL_CHARS {
            out.push(c);
            continue;
        }
        // Peel numeric tokens off the end.
        let mut tokens: Vec<Range<usize>> = Vec::new();
        let mut end = c.range.end;
        loop {
            let part = &text[c.range.start..end];
            let trimmed = part.trim_end();
            let Some(sp) = trimmed.rfind(' ') else { break };
            let tok = &trimmed[sp + 1..];
            if classify(tok) != Kind::Value {
                break;
            }
            tokens.push(c.range.start + sp + 1..c.range.start + trimmed.len());
            end = c.range.start + sp;
        }
        if tokens.is_empty() {
            out.push(c);
            continue;
        }
        let head = trim_range(text, c.range.start..end);
        if !head.is_empty() {
            out.push(cell(text, head));
        }
        for t in tokens.into_iter().rev() {
            out.push(RawCell {
                norm: String::new(),
                range: t.clone(),
                span: t,
                kind: Kind::Value,
            });
        }
    }
    out
}

/// What one line is, seen on its own.
pub enum LineKind {
    /// Blank, a Markdown separator, page furniture.
    Skip,
    /// Prose: ends a run of label pieces.
    Break,
    /// A single cell (one cell per line, or a short line on its own): gathered into a row with
    /// the lines around it.
    Single(RawCell, Shape),
    /// A row of its own.
    Row(RawRow),
}

/// Splits and classes one line.
pub fn line_kind(text: &str, line: &Range<usize>) -> LineKind {
    let full = line;
    // A suppression comment after a row's last `|` is no cell of the row.
    let cut;
    let line = match super::trailing_suppression(&text[line.clone()]) {
        Some(open) => {
            cut = line.start..line.start + open;
            &cut
        }
        None => line,
    };
    let s = &text[line.clone()];
    // Prose: a long line with no cell delimiter at all. Decided without splitting it.
    if s.len() > MAX_CELL_CHARS * 4
        && !s.contains(['\t', '|', '\u{3000}'])
        && !s.contains("  ")
        && s.chars().count() > MAX_CELL_CHARS
    {
        return LineKind::Break;
    }
    let Some((mut cells, shape)) = split_line(text, line) else {
        return LineKind::Skip;
    };
    if cells.len() > MAX_ROW_CELLS {
        return LineKind::Break;
    }
    if cells.len() == 1 {
        let c = cells.swap_remove(0);
        if c.kind == Kind::Text && text[c.range.clone()].chars().count() > MAX_CELL_CHARS {
            return LineKind::Break;
        }
        return LineKind::Single(c, shape);
    }
    LineKind::Row(RawRow {
        cells,
        shape,
        range: full.clone(),
        opens_table: false,
    })
}

/// A line before a row, as far as where pipe tables begin is concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    Row,
    Separator,
    Other,
}

/// Turns a block's lines into raw rows. Single cells (one per line, or a short line on its own)
/// gather into one row until a text cell follows a value.
pub fn raw_rows(text: &str, lines: &[Line]) -> Vec<Item> {
    let mut out = Vec::with_capacity(lines.len());
    let mut stream: Option<RawRow> = None;
    // Whether the stream holds a value: carried, so no line looks back at the cells before it.
    let mut stream_has_value = false;
    let flush = |stream: &mut Option<RawRow>, out: &mut Vec<Item>| {
        if let Some(r) = stream.take() {
            out.push(Item::Row(r));
        }
    };
    // What the last line that was not page furniture was, for `RawRow::opens_table`.
    let mut prev = Prev::Other;
    for line in lines {
        match line_kind(text, &line.content) {
            LineKind::Skip => {
                let s = &text[line.content.clone()];
                if is_md_separator(s) {
                    // The row just before is the header of a table of its own.
                    if prev == Prev::Row
                        && let Some(Item::Row(r)) = out.last_mut()
                    {
                        r.opens_table = true;
                    }
                    prev = Prev::Separator;
                } else if !is_page_furniture(s) {
                    prev = Prev::Other;
                }
            }
            LineKind::Break => {
                flush(&mut stream, &mut out);
                out.push(Item::Break);
                prev = Prev::Other;
            }
            LineKind::Single(c, shape) => {
                let starts_new = stream.as_ref().is_some_and(|r| {
                    (c.kind == Kind::Text && stream_has_value) || r.cells.len() >= MAX_ROW_CELLS
                });
                if starts_new {
                    flush(&mut stream, &mut out);
                }
                if stream.is_none() {
                    stream_has_value = false;
                }
                stream_has_value |= c.kind == Kind::Value;
                let r = stream.get_or_insert_with(|| RawRow {
                    cells: Vec::new(),
                    shape,
                    range: c.range.start..c.range.end,
                    opens_table: true,
                });
                r.range.end = c.range.end.max(r.range.end);
                if shape == Shape::CellPerLine && r.shape != Shape::CellPerLine {
                    r.shape = Shape::CellPerLine;
                }
                r.cells.push(c);
                prev = Prev::Other;
            }
            LineKind::Row(mut row) => {
                flush(&mut stream, &mut out);
                row.opens_table = prev == Prev::Other;
                out.push(Item::Row(row));
                prev = Prev::Row;
            }
        }
    }
    flush(&mut stream, &mut out);
    out
}

fn fold_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '，' => ',',
        '＋' => '+',
        '－' | '−' => '-',
        c => c,
    }
}

const UNITS: &[&str] = &["万元", "元", "件", "个", "次", "条", "项", "%", "％", "人"];
const PLACEHOLDERS: &[&str] = &[
    "—", "——", "-", "－", "/", "／", "无", "暂无", "×", "N/A", "／",
];

/// Is this cell text a value (a number, perhaps malformed) rather than a label?
pub fn classify(s: &str) -> Kind {
    let t = s.trim_matches(is_ws);
    if t.is_empty() {
        return Kind::Blank;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return Kind::Value;
    }
    if PLACEHOLDERS.contains(&t) {
        return Kind::Value;
    }
    // Labels start with a character that no number starts with.
    let lead = t.chars().next().map_or(' ', fold_digit);
    if !(lead.is_ascii_digit() || matches!(lead, '+' | '-')) {
        return Kind::Text;
    }
    let folded: String = t.chars().map(fold_digit).collect();
    let body = folded.trim_start_matches(['+', '-']);
    let Some(first) = body.chars().next() else {
        return Kind::Text;
    };
    if !first.is_ascii_digit() {
        return Kind::Text;
    }
    // `1.属于国家秘密`, `3、其他`: a numbered label.
    let digits_end = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let rest = &body[digits_end..];
    let mut rc = rest.chars();
    if let Some(sep) = rc.next()
        && matches!(sep, '.' | '、')
        && rc.next().is_none_or(|c| !c.is_ascii_digit())
    {
        return Kind::Text;
    }
    let mut core = body;
    for u in UNITS {
        if let Some(x) = core.strip_suffix(u) {
            core = x.trim_end();
            break;
        }
    }
    if core
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | ' '))
    {
        Kind::Value
    } else {
        Kind::Text
    }
}

/// Reads a value cell as the column's unit wants it.
pub fn parse_value(s: &str, unit: Unit) -> Value {
    // The commonest cell: a few plain digits, already trimmed.
    if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n = s.bytes().fold(0i64, |n, b| n * 10 + i64::from(b - b'0'));
        return match unit {
            Unit::Count | Unit::Change => Value::Count(n),
            Unit::Money | Unit::Amount => Value::Money(n as f64),
        };
    }
    let t = s.trim_matches(is_ws);
    if t.is_empty() {
        return Value::Blank;
    }
    if t.len() <= 12
        && t.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = t.parse::<i64>()
    {
        return match unit {
            Unit::Count | Unit::Change => Value::Count(n),
            Unit::Money | Unit::Amount => Value::Money(n as f64),
        };
    }
    if PLACEHOLDERS.contains(&t) {
        return Value::Invalid(format!("「{t}」不是数字，没有数据时应填 0"));
    }
    if let Some(v) = malformed(t) {
        return v;
    }
    let folded: String = t
        .chars()
        .map(fold_digit)
        .filter(|c| !matches!(c, ' ' | '(' | ')' | '（' | '）'))
        .collect();
    let mut folded = folded.as_str();
    for u in UNITS {
        if let Some(core) = folded.strip_suffix(u) {
            if unit != Unit::Amount {
                return Value::Invalid(format!("单元格中带有单位「{u}」，应只填数字"));
            }
            folded = core;
            break;
        }
    }
    let (neg, body) = match folded.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, folded.trim_start_matches('+')),
    };
    // Thousands separators: groups of three digits after each comma.
    let plain: String = if body.contains(',') {
        let mut parts = body.split(',');
        let first = parts.next().unwrap_or("");
        let ok = !first.is_empty()
            && first.len() <= 3
            && parts
                .clone()
                .all(|p| p.len() >= 3 && p[..3].chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Value::Invalid(format!("「{t}」不是有效的数字"));
        }
        body.replace(',', "")
    } else {
        body.to_string()
    };
    if plain.is_empty()
        || !plain.chars().all(|c| c.is_ascii_digit() || c == '.')
        || plain.matches('.').count() > 1
    {
        return Value::Invalid(format!("「{t}」不是有效的数字"));
    }
    if neg && unit != Unit::Change {
        return Value::Invalid(format!("「{t}」是负数，此处应为非负数"));
    }
    match unit {
        Unit::Count | Unit::Change => {
            if plain.contains('.') {
                let whole = plain.trim_end_matches('0').trim_end_matches('.');
                if !whole.contains('.')
                    && let Ok(n) = whole.parse::<i64>()
                {
                    return Value::Invalid(format!("件数应为整数，「{t}」应写作 {n}"));
                }
                return Value::Invalid(format!("件数应为整数，「{t}」带有小数"));
            }
            match plain.parse::<i64>() {
                Ok(n) if n <= 1_000_000_000_000 => Value::Count(if neg { -n } else { n }),
                _ => Value::Invalid(format!("「{t}」超出了合理的件数范围")),
            }
        }
        Unit::Money | Unit::Amount => match plain.parse::<f64>() {
            Ok(f) if f.is_finite() => Value::Money(f),
            _ => Value::Invalid(format!("「{t}」不是有效的金额")),
        },
    }
}

/// The value of a number written in Chinese numerals (一, 十二, 两百零五), if the text is one.
pub fn chinese_number(s: &str) -> Option<i64> {
    let digit = |c: char| {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    if s.is_empty() || s.chars().count() > 12 {
        return None;
    }
    let mut total = 0i64;
    let mut section = 0i64;
    let mut pending: Option<i64> = None;
    for c in s.chars() {
        if let Some(d) = digit(c) {
            pending = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10_000,
            _ => return None,
        };
        if unit == 10_000 {
            total = (total + section + pending.take().unwrap_or(0)) * unit;
            section = 0;
        } else {
            section += pending.take().unwrap_or(1) * unit;
        }
    }
    Some(total + section + pending.unwrap_or(0))
}

/// A cell that breaks its row's reading: a number in Chinese numerals, or digits separated by
/// spaces (two numbers whose separator is missing, or a number typed with a space).
fn malformed(t: &str) -> Option<Value> {
    if let Some(n) = chinese_number(t) {
        return Some(Value::Malformed {
            why: format!("「{t}」不是数字，请填阿拉伯数字 {n}"),
            meant: Some(n),
        });
    }
    let folded: Vec<char> = t.chars().map(fold_digit).collect();
    // Digits, a gap of spaces, digits.
    let mut gaps = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        if is_ws(folded[i]) {
            let from = i;
            while i < folded.len() && is_ws(folded[i]) {
                i += 1;
            }
            let before = from > 0 && folded[from - 1].is_ascii_digit();
            let after = folded.get(i).is_some_and(|c| c.is_ascii_digit());
            if before && after {
                let width: usize = folded[from..i]
                    .iter()
                    .map(|&c| if c == '\u{3000}' || c == '\t' { 2 } else { 1 })
                    .sum();
                gaps.push(width);
            }
            continue;
        }
        i += 1;
    }
    let widest = gaps.iter().copied().max()?;
    let why = if widest >= 2 {
        format!("「{t}」像是两个数字：缺少分隔符？")
    } else {
        format!("「{t}」中间有空格")
    };
    Some(Value::Malformed { why, meant: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines;
    use expect_test::{Expect, expect};

    fn show(text: &str, expect: Expect) {
        let items = raw_rows(text, &lines(text));
        let mut out = String::new();
        for it in items {
            match it {
                Item::Break => out.push_str("BREAK\n"),
                Item::Row(r) => {
                    out.push_str(&format!("{:?}:", r.shape));
                    for c in r.cells {
                        let k = match c.kind {
                            Kind::Text => "T",
                            Kind::Value => "V",
                            Kind::Blank => "_",
                        };
                        out.push_str(&format!(" {k}[{}]", &text[c.range]));
                    }
                    out.push('\n');
                }
            }
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn tsv_keeps_blank_cells() {
        show(
            "3.要求提供公开出版物\t\t0\t0\t\t4\n",
            expect![[r#"
                Tsv: T[3.要求提供公开出版物] _[] V[0] V[0] _[] V[4]
            "#]],
        );
    }

    #[test]
    fn cell_per_line_gathers_rows() {
        show(
            "规章 |\n0 |\n|||\n1 |\n行政规范性文件 |\n6 |\n",
            expect![[r#"
                CellPerLine: T[规章] V[0] V[1]
                CellPerLine: T[行政规范性文件] V[6]
            "#]],
        );
    }

    #[test]
    fn markdown_and_layout() {
        show(
            "| 规章 | 0 |  | 3 |\n|---|---|\n  （一）予以公开      1   0    2\n行政许可 10 067 4\n",
            expect![[r#"
                Markdown: T[规章] V[0] _[] V[3]
                Layout: T[（一）予以公开] V[1] V[0] V[2]
                Layout: T[行政许可] V[10] V[067] V[4]
            "#]],
        );
    }

    #[test]
    fn a_suppression_ending_a_row_is_no_cell() {
        show(
            "| 规章 | 0 |  | 3 | <!-- nianbao-disable-line total-mismatch -->\n| 规章 | 0 | 3 <!-- nianbao-disable-line x -->\n规章\t1\t2 <!-- nianbao-disable-line -->\n",
            expect![[r#"
                Markdown: T[规章] V[0] _[] V[3]
                Markdown: T[规章] V[0] V[3]
                Tsv: T[规章] V[1] V[2]
            "#]],
        );
        // The row still covers its whole line.
        let t = "| 规章 | 0 | <!-- nianbao-disable-line x -->";
        let LineKind::Row(r) = line_kind(t, &(0..t.len())) else {
            panic!("a row");
        };
        assert_eq!(r.range, 0..t.len());
    }

    #[test]
    fn page_numbers_are_skipped() {
        show(
            "-3-\n\u{0C}— 4 —\n1 |\n",
            expect![[r#"
            CellPerLine: V[1]
        "#]],
        );
        for page in [
            "-3-",
            "- 18 -",
            "-18-",
            "—18—",
            "— 4 —",
            "– 3 –",
            "－18－",
            "- 18",
            "第18页",
            "第 3 页",
            "18/40",
            "  -6-  ",
        ] {
            assert!(is_page_furniture(page), "{page}");
        }
        for value in ["-18", "－18", " -18 ", "-１８", "18", "+18", "-"] {
            assert!(!is_page_furniture(value), "{value}");
        }
    }

    /// One cell per line, 本年增/减 of −18 on its line: a cell of the row, as +126 or 18 would be.
    #[test]
    fn a_negative_number_on_its_line_is_a_cell() {
        show(
            "行政处罚\n2648\n-18\n538\n行政强制\n126\n+26\n29\n-5-\n行政事业性收费\n0\n－3\n",
            expect![[r#"
                CellPerLine: T[行政处罚] V[2648] V[-18] V[538]
                CellPerLine: T[行政强制] V[126] V[+26] V[29]
                CellPerLine: T[行政事业性收费] V[0] V[－3]
            "#]],
        );
    }

    #[test]
    fn classifies_values() {
        assert_eq!(classify("1.属于国家秘密"), Kind::Text);
        assert_eq!(classify("59.91"), Kind::Value);
        assert_eq!(classify("251000元"), Kind::Value);
        assert_eq!(classify("１２"), Kind::Value);
        assert_eq!(classify("+126"), Kind::Value);
        assert_eq!(classify("—"), Kind::Value);
        assert_eq!(classify("2024年"), Kind::Text);
        assert_eq!(parse_value("１,２３４", Unit::Count), Value::Count(1234));
        assert_eq!(parse_value("7730.28", Unit::Money), Value::Money(7730.28));
        expect!["Invalid(\"单元格中带有单位「元」，应只填数字\")"]
            .assert_eq(&format!("{:?}", parse_value("251000元", Unit::Count)));
        expect!["Invalid(\"「-1」是负数，此处应为非负数\")"]
            .assert_eq(&format!("{:?}", parse_value("-1", Unit::Count)));
        expect!["Invalid(\"件数应为整数，「2.5」带有小数\")"]
            .assert_eq(&format!("{:?}", parse_value("2.5", Unit::Count)));
        expect![[r#"Malformed { why: "「五」不是数字，请填阿拉伯数字 5", meant: Some(5) }"#]]
            .assert_eq(&format!("{:?}", parse_value("五", Unit::Count)));
        expect![[r#"Malformed { why: "「5  2」像是两个数字：缺少分隔符？", meant: None }"#]]
            .assert_eq(&format!("{:?}", parse_value("5  2", Unit::Count)));
        expect![[r#"Malformed { why: "「1 0」中间有空格", meant: None }"#]]
            .assert_eq(&format!("{:?}", parse_value("1 0", Unit::Count)));
        // 2019 table 二: 本年增/减 is signed, 采购总金额 carries its unit.
        assert_eq!(parse_value("-18", Unit::Change), Value::Count(-18));
        assert_eq!(parse_value("+126", Unit::Change), Value::Count(126));
        assert_eq!(
            parse_value("73802895.90元", Unit::Amount),
            Value::Money(73802895.9)
        );
        assert_eq!(
            parse_value("523.15万元", Unit::Amount),
            Value::Money(523.15)
        );
        expect!["Invalid(\"件数应为整数，「1.5」带有小数\")"]
            .assert_eq(&format!("{:?}", parse_value("1.5", Unit::Change)));
        let n = |s: &str| chinese_number(s);
        assert_eq!(
            [
                n("一"),
                n("十"),
                n("十二"),
                n("二十"),
                n("两"),
                n("一百零五"),
                n("三千四百"),
                n("零")
            ],
            [
                Some(1),
                Some(10),
                Some(12),
                Some(20),
                Some(2),
                Some(105),
                Some(3400),
                Some(0)
            ]
        );
        assert_eq!(n("总计"), None);
    }
}
