//! Web pages (.html/.htm) as published: decoded by the page's own charset (GB2312/GBK pages
//! included), parsed by html5ever (through `scraper`), block elements as lines, tables by their
//! cells with `rowspan`/`colspan` (a merged cell once, continued cells empty, as from Word), and
//! `<br>`/`<p>` inside a cell joined into the cell.

use ego_tree::NodeRef;
use scraper::{Html, Node};

use super::{Builder, Converted, GridCell, Source};

pub fn read(bytes: &[u8]) -> Converted {
    let text = decode(bytes);
    let doc = Html::parse_document(&text);
    let mut w = Walker {
        b: Builder::default(),
        line: String::new(),
        heading: None,
    };
    w.node(doc.tree.root());
    w.flush();
    w.b.finish(Source::Html)
}

/// The page's text: by its byte-order mark, else the charset it declares, else UTF-8 when it is
/// valid UTF-8, else GB18030 (a superset of GB2312 and GBK).
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    if let Some(enc) = declared_charset(bytes) {
        // GB2312 and GBK pages often hold characters of the larger sets: read them as GB18030.
        let enc = if enc == encoding_rs::GBK {
            encoding_rs::GB18030
        } else {
            enc
        };
        return enc.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The charset a page declares in its first 4 KiB (`<meta charset=…>` or `http-equiv`).
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&lower[from..], b"charset") {
        let mut j = from + i + "charset".len();
        while j < lower.len() && matches!(lower[j], b' ' | b'\t') {
            j += 1;
        }
        if lower.get(j) == Some(&b'=') {
            j += 1;
            while j < lower.len() && matches!(lower[j], b' ' | b'"' | b'\'') {
                j += 1;
            }
            let end = lower[j..]
                .iter()
                .position(|c| matches!(c, b'"' | b'\'' | b';' | b'>' | b' ' | b'/'))
                .map_or(lower.len(), |k| j + k);
            if let Some(enc) = encoding_rs::Encoding::for_label(&lower[j..end]) {
                // A page cannot really be UTF-16 once it has been read as ASCII-compatible text.
                if enc != encoding_rs::UTF_16LE && enc != encoding_rs::UTF_16BE {
                    return Some(enc);
                }
            }
        }
        from += i + 1;
    }
    None
}

const SKIP: &[&str] = &[
    "script", "style", "head", "noscript", "iframe", "title", "select", "option", "textarea",
    "template", "svg", "button",
];

const BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "center",
    "dl",
    "dt",
    "dd",
    "form",
    "hr",
    "address",
    "figure",
    "figcaption",
    "caption",
    "nav",
    "main",
    "body",
    "html",
    "table",
    "tr",
    "td",
    "th",
];

fn has_nested_table(n: NodeRef<Node>) -> bool {
    n.descendants()
        .skip(1)
        .any(|d| matches!(d.value(), Node::Element(e) if e.name() == "table"))
}

struct Walker {
    b: Builder,
    line: String,
    heading: Option<u8>,
}

/// Whitespace of the source collapses as a browser shows it.
fn push_collapsed(out: &mut String, s: &str) {
    for c in s.chars() {
        let c = if c.is_whitespace() || c == '\u{A0}' {
            ' '
        } else {
            c
        };
        if c == ' ' && (out.is_empty() || out.ends_with([' ', '\n'])) {
            continue;
        }
        out.push(c);
    }
}

impl Walker {
    fn flush(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.b.paragraph(&line, self.heading.take());
    }

    fn node(&mut self, n: NodeRef<Node>) {
        match n.value() {
            Node::Text(t) => push_collapsed(&mut self.line, t),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    return;
                }
                match name {
                    "br" => {
                        let h = self.heading;
                        self.flush();
                        self.heading = h;
                        return;
                    }
                    // A table holding other tables lays out the page (a common site design):
                    // its cells are blocks, and the tables inside are read as tables.
                    "table" if !has_nested_table(n) => {
                        self.flush();
                        let rows = table(n);
                        self.b.table(&rows);
                        return;
                    }
                    _ => {}
                }
                let block = BLOCK.contains(&name);
                if block {
                    self.flush();
                }
                if let Some(level) = name
                    .strip_prefix('h')
                    .and_then(|d| d.parse::<u8>().ok())
                    .filter(|l| (1..=6).contains(l))
                {
                    self.heading = Some(level);
                }
                for c in n.children() {
                    self.node(c);
                }
                if block {
                    self.flush();
                }
            }
            Node::Document | Node::Fragment => {
                for c in n.children() {
                    self.node(c);
                }
            }
            _ => {}
        }
    }
}

/// The text of a cell: whitespace collapsed, line breaks where `<br>`, `<p>`, `<div>` or rows of
/// a nested table break it.
fn cell_text(n: NodeRef<Node>, out: &mut String) {
    for c in n.children() {
        match c.value() {
            Node::Text(t) => push_collapsed(out, t),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let breaks = matches!(name, "br" | "p" | "div" | "tr" | "li" | "table");
                if breaks {
                    out.push('\n');
                }
                if name == "td" || name == "th" {
                    out.push(' ');
                }
                cell_text(c, out);
                if breaks && name != "br" {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// The rows of a table (its own, not those of tables nested in its cells) as grid cells.
fn table(t: NodeRef<Node>) -> Vec<Vec<GridCell>> {
    let mut trs = Vec::new();
    collect_rows(t, &mut trs);
    // For each grid column, the rows still covered by a cell from above and that cell's width.
    let mut covered: Vec<(usize, usize)> = Vec::new();
    let mut out = Vec::with_capacity(trs.len());
    for tr in trs {
        let mut row: Vec<GridCell> = Vec::new();
        let mut col = 0;
        let next_free = |col: &mut usize, row: &mut Vec<GridCell>, covered: &[(usize, usize)]| {
            while let Some(&(left, span)) = covered.get(*col) {
                if left == 0 {
                    break;
                }
                row.push(GridCell {
                    text: String::new(),
                    colspan: span,
                    continued: true,
                });
                *col += span.max(1);
            }
        };
        let mut new_cover: Vec<(usize, usize, usize)> = Vec::new();
        for td in tr.children() {
            let Node::Element(e) = td.value() else {
                continue;
            };
            if !matches!(e.name(), "td" | "th") {
                continue;
            }
            next_free(&mut col, &mut row, &covered);
            let span_of = |a: &str| {
                e.attr(a)
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 1000)
            };
            let colspan = span_of("colspan");
            let rowspan = span_of("rowspan");
            let mut text = String::new();
            cell_text(td, &mut text);
            row.push(GridCell {
                text,
                colspan,
                continued: false,
            });
            if rowspan > 1 {
                new_cover.push((col, rowspan - 1, colspan));
            }
            col += colspan;
        }
        // Cells merged from above after the last cell of this row.
        next_free(&mut col, &mut row, &covered);
        // The rows above lose one row of cover; this row's spans start theirs.
        for (left, _) in covered.iter_mut() {
            *left = left.saturating_sub(1);
        }
        for (c, left, span) in new_cover {
            if covered.len() < c + span {
                covered.resize(c + span, (0, 1));
            }
            covered[c] = (left, span);
            for k in &mut covered[c + 1..c + span] {
                *k = (0, 1);
            }
        }
        out.push(row);
    }
    out
}

fn collect_rows<'a>(n: NodeRef<'a, Node>, out: &mut Vec<NodeRef<'a, Node>>) {
    for c in n.children() {
        if let Node::Element(e) = c.value() {
            match e.name() {
                "tr" => out.push(c),
                "table" => {}
                _ => collect_rows(c, out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rowspan_and_colspan_once() {
        let page = "<html><head><meta charset=\"utf-8\"><title>x</title></head><body>\
            <h1>某局2024年政府信息公开工作年度报告</h1><p>正文&nbsp;一<br>正文二</p>\
            <table><tr><td colspan=2 rowspan=2>说明</td><td>甲</td></tr>\
            <tr><td>商业<br>企业</td></tr><tr><td rowspan=2>三</td><td>（一）</td><td>1</td></tr>\
            <tr><td>（二）</td><td>2</td></tr></table></body></html>";
        let c = read(page.as_bytes());
        assert_eq!(
            c.text,
            "# 某局2024年政府信息公开工作年度报告\n\n正文 一\n\n正文二\n\n说明\t甲\n\t商业企业\n三\t（一）\t1\n\t（二）\t2\n"
        );
    }

    #[test]
    fn layout_tables_are_blocks() {
        let page = "<table><tr><td>站点导航</td></tr><tr><td><p>某局2024年政府信息公开工作年度报告</p>\
            <table><tr><td>规章</td><td>0</td></tr></table></td></tr></table>";
        let c = read(page.as_bytes());
        assert_eq!(
            c.text,
            "站点导航\n\n某局2024年政府信息公开工作年度报告\n\n规章\t0\n"
        );
    }

    #[test]
    fn gbk_pages_by_their_charset() {
        let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>政府信息公开</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(html);
        assert_eq!(read(&bytes).text, "政府信息公开\n");
        // Undeclared and not UTF-8: GB18030.
        let (bytes, _, _) = encoding_rs::GBK.encode("<p>年度报告</p>");
        assert_eq!(read(&bytes).text, "年度报告\n");
    }
}
