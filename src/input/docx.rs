//! Word documents (.docx, Office Open XML): the zip container through `zip`, the XML through
//! `quick-xml`. Paragraphs become lines (with the numbering text Word generates, such as `（一）`
//! or `1.`, and `#` marks for headings by style), tables become rows of cells with every merged
//! cell once (`gridSpan`, `vMerge`), as a copy from Word gives them.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Builder, Converted, GridCell, InputError, Source};

/// Largest part of a document read (uncompressed): a guard against zip bombs.
const MAX_PART: u64 = 256 * 1024 * 1024;

pub fn read(bytes: &[u8]) -> Result<Converted, InputError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(InputError::new(
            "这个文件不是 .docx 格式：它是加密的 Word 文档，或是改了扩展名的旧版 .doc 文档。请在 Word 或 WPS 中取消密码，或「另存为」Word 文档（.docx）后再检查",
        ));
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        InputError::new(format!(
            "无法读取 Word 文档：文件已损坏或不是 .docx 格式（{e}）"
        ))
    })?;
    let main = main_part(&mut zip).ok_or_else(|| {
        InputError::new("无法读取 Word 文档：文件中没有正文（word/document.xml）")
    })?;
    let document = part(&mut zip, &main)?.ok_or_else(|| {
        InputError::new("无法读取 Word 文档：文件中没有正文（word/document.xml）")
    })?;
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d);
    let join = |name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let styles = match part(&mut zip, &join("styles.xml"))? {
        Some(x) => Styles::read(&x),
        None => Styles::default(),
    };
    let numbering = match part(&mut zip, &join("numbering.xml"))? {
        Some(x) => Numbering::read(&x),
        None => Numbering::default(),
    };
    let mut w = Walker {
        styles: &styles,
        numbering,
        b: Builder::default(),
        paras: Vec::new(),
        tables: Vec::new(),
        skip: 0,
        in_text: false,
        in_run: 0,
        in_ppr: 0,
        in_tcpr: 0,
    };
    w.walk(&document)
        .map_err(|e| InputError::new(format!("无法读取 Word 文档：正文的 XML 有误（{e}）")))?;
    Ok(w.b.finish(Source::Docx))
}

/// The name of the main document part: from the package relationships, or the usual name.
fn main_part<R: std::io::Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> Option<String> {
    if let Ok(Some(rels)) = part(zip, "_rels/.rels") {
        let mut r = Reader::from_reader(&rels[..]);
        let mut buf = Vec::new();
        loop {
            match r.read_event_into(&mut buf) {
                Ok(Event::Empty(e) | Event::Start(e))
                    if e.local_name().as_ref() == b"Relationship" =>
                {
                    let ty = attr(&e, b"Type").unwrap_or_default();
                    if ty.ends_with("/officeDocument")
                        && let Some(t) = attr(&e, b"Target")
                    {
                        let t = t.trim_start_matches('/').to_string();
                        if zip.by_name(&t).is_ok() {
                            return Some(t);
                        }
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
            buf.clear();
        }
    }
    zip.by_name("word/document.xml")
        .is_ok()
        .then(|| "word/document.xml".to_string())
}

fn part<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Option<Vec<u8>>, InputError> {
    let f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => {
            return Err(InputError::new(format!(
                "无法读取 Word 文档中的 {name}：{e}"
            )));
        }
    };
    let mut out = Vec::with_capacity(f.size().min(MAX_PART) as usize);
    f.take(MAX_PART + 1)
        .read_to_end(&mut out)
        .map_err(|e| InputError::new(format!("无法读取 Word 文档中的 {name}：{e}")))?;
    if out.len() as u64 > MAX_PART {
        return Err(InputError::new(
            "Word 文档的正文过大（超过 256 MB），未读取",
        ));
    }
    Ok(Some(out))
}

/// The value of the attribute with local name `name` (any namespace prefix).
fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name).then(|| {
            let raw = String::from_utf8_lossy(&a.value);
            quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| raw.into_owned())
        })
    })
}

fn val(e: &BytesStart) -> Option<String> {
    attr(e, b"val")
}

// ---------------------------------------------------------------- styles

#[derive(Default, Clone)]
struct StyleInfo {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, usize)>,
}

#[derive(Default)]
struct Styles {
    by_id: HashMap<String, StyleInfo>,
}

impl Styles {
    fn read(xml: &[u8]) -> Styles {
        let mut s = Styles::default();
        let mut r = Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut cur: Option<(String, StyleInfo)> = None;
        let mut num_id: Option<String> = None;
        let mut ilvl = 0usize;
        while let Ok(ev) = r.read_event_into(&mut buf) {
            match ev {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"style" => {
                        if let Some(id) = attr(&e, b"styleId") {
                            cur = Some((id, StyleInfo::default()));
                        }
                    }
                    b"name" => {
                        if let (Some((_, st)), Some(v)) = (cur.as_mut(), val(&e)) {
                            st.name = v;
                        }
                    }
                    b"basedOn" => {
                        if let Some((_, st)) = cur.as_mut() {
                            st.based_on = val(&e);
                        }
                    }
                    b"outlineLvl" => {
                        if let Some((_, st)) = cur.as_mut() {
                            st.outline = val(&e).and_then(|v| v.parse().ok());
                        }
                    }
                    b"numId" => num_id = val(&e),
                    b"ilvl" => ilvl = val(&e).and_then(|v| v.parse().ok()).unwrap_or(0),
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"numPr" => {
                        if let (Some((_, st)), Some(n)) = (cur.as_mut(), num_id.take()) {
                            st.num = Some((n, ilvl));
                        }
                        ilvl = 0;
                    }
                    b"style" => {
                        if let Some((id, st)) = cur.take() {
                            s.by_id.insert(id, st);
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        s
    }

    /// The style and the styles it is based on, nearest first.
    fn chain<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a StyleInfo> + 'a {
        let mut next = self.by_id.get(id);
        let mut n = 0;
        std::iter::from_fn(move || {
            let cur = next?;
            n += 1;
            next = if n < 16 {
                cur.based_on.as_ref().and_then(|b| self.by_id.get(b))
            } else {
                None
            };
            Some(cur)
        })
    }

    /// The heading level a paragraph style gives: 标题 N / Heading N, Title, or an outline level.
    fn heading_level(&self, id: &str) -> Option<u8> {
        for st in self.chain(id) {
            let n = st.name.to_lowercase();
            for prefix in ["heading ", "标题 ", "heading", "标题"] {
                if let Some(rest) = n.strip_prefix(prefix)
                    && let Ok(level) = rest.trim().parse::<u8>()
                {
                    return Some(level.clamp(1, 6));
                }
            }
            if n == "title" || n == "标题" {
                return Some(1);
            }
            if let Some(o) = st.outline
                && o < 9
            {
                return Some((o + 1).min(6));
            }
        }
        None
    }

    fn numbering(&self, id: &str) -> Option<(String, usize)> {
        self.chain(id).find_map(|s| s.num.clone())
    }
}

// ---------------------------------------------------------------- numbering

#[derive(Default, Clone)]
struct Level {
    start: i64,
    format: String,
    text: String,
}

#[derive(Default)]
struct Numbering {
    /// numId → abstractNumId, with start overrides per level.
    nums: HashMap<String, (String, HashMap<usize, i64>)>,
    abstracts: HashMap<String, HashMap<usize, Level>>,
    /// Counters of each list (numId), per level.
    counters: HashMap<String, Vec<i64>>,
}

impl Numbering {
    fn read(xml: &[u8]) -> Numbering {
        let mut n = Numbering::default();
        let mut r = Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut abs: Option<(String, HashMap<usize, Level>)> = None;
        let mut lvl: Option<(usize, Level)> = None;
        let mut num: Option<(String, String, HashMap<usize, i64>)> = None;
        let mut override_lvl: Option<usize> = None;
        while let Ok(ev) = r.read_event_into(&mut buf) {
            match ev {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"abstractNum" => {
                        abs = attr(&e, b"abstractNumId").map(|id| (id, HashMap::new()));
                    }
                    b"lvl" if num.is_none() => {
                        let i = attr(&e, b"ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        lvl = Some((
                            i,
                            Level {
                                start: 1,
                                format: "decimal".to_string(),
                                text: String::new(),
                            },
                        ));
                    }
                    b"start" => {
                        if let (Some((_, l)), Some(v)) = (lvl.as_mut(), val(&e)) {
                            l.start = v.parse().unwrap_or(1);
                        }
                    }
                    b"numFmt" => {
                        if let (Some((_, l)), Some(v)) = (lvl.as_mut(), val(&e)) {
                            l.format = v;
                        }
                    }
                    b"lvlText" => {
                        if let (Some((_, l)), Some(v)) = (lvl.as_mut(), val(&e)) {
                            l.text = v;
                        }
                    }
                    b"num" => {
                        num = attr(&e, b"numId").map(|id| (id, String::new(), HashMap::new()));
                    }
                    b"abstractNumId" => {
                        if let (Some(nm), Some(v)) = (num.as_mut(), val(&e)) {
                            nm.1 = v;
                        }
                    }
                    b"lvlOverride" => {
                        override_lvl = attr(&e, b"ilvl").and_then(|v| v.parse().ok());
                    }
                    b"startOverride" => {
                        if let (Some(nm), Some(i), Some(v)) = (num.as_mut(), override_lvl, val(&e))
                        {
                            nm.2.insert(i, v.parse().unwrap_or(1));
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"lvl" => {
                        if let (Some((_, levels)), Some((i, l))) = (abs.as_mut(), lvl.take()) {
                            levels.insert(i, l);
                        }
                    }
                    b"abstractNum" => {
                        if let Some((id, levels)) = abs.take() {
                            n.abstracts.insert(id, levels);
                        }
                    }
                    b"num" => {
                        if let Some((id, a, o)) = num.take() {
                            n.nums.insert(id, (a, o));
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        n
    }

    /// The text Word shows before a paragraph of list `num_id` at level `ilvl`, counting it.
    fn next(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let (abs, overrides) = self.nums.get(num_id)?;
        let levels = self.abstracts.get(abs)?;
        let level = levels.get(&ilvl)?;
        let start_of = |i: usize| {
            overrides
                .get(&i)
                .copied()
                .or_else(|| levels.get(&i).map(|l| l.start))
                .unwrap_or(1)
        };
        let counters = self.counters.entry(num_id.to_string()).or_default();
        if counters.len() <= ilvl {
            for i in counters.len()..=ilvl {
                counters.push(start_of(i) - 1);
            }
        }
        counters[ilvl] += 1;
        for (i, c) in counters.iter_mut().enumerate().skip(ilvl + 1) {
            *c = start_of(i) - 1;
        }
        if level.format == "bullet" || level.format == "none" {
            return None;
        }
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
            {
                chars.next();
                let i = (d as usize).saturating_sub(1);
                let n = counters.get(i).copied().unwrap_or(1).max(1);
                let fmt = levels.get(&i).map_or("decimal", |l| l.format.as_str());
                out.push_str(&format_number(n, fmt));
                continue;
            }
            out.push(c);
        }
        Some(out)
    }
}

/// A list number in one of Word's formats.
pub(crate) fn format_number(n: i64, fmt: &str) -> String {
    const CN: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let chinese = |n: i64| -> String {
        match n {
            0..=9 => CN[n as usize].to_string(),
            10..=19 => format!("十{}", if n == 10 { "" } else { CN[(n - 10) as usize] }),
            20..=99 => format!(
                "{}十{}",
                CN[(n / 10) as usize],
                if n % 10 == 0 {
                    ""
                } else {
                    CN[(n % 10) as usize]
                }
            ),
            _ => n.to_string(),
        }
    };
    let letter = |n: i64, base: u8| -> String {
        let i = ((n - 1).rem_euclid(26)) as u8;
        let times = ((n - 1) / 26 + 1).max(1) as usize;
        std::iter::repeat_n((base + i) as char, times).collect()
    };
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting"
        | "ideographLegalTraditional" => chinese(n),
        "ideographTraditional" => {
            const GAN: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
            GAN.get((n - 1) as usize)
                .map_or(n.to_string(), |s| s.to_string())
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32('①' as u32 + n as u32 - 1).map_or(n.to_string(), |c| c.to_string())
        }
        "decimalZero" => format!("{n:02}"),
        "upperLetter" => letter(n, b'A'),
        "lowerLetter" => letter(n, b'a'),
        "upperRoman" | "lowerRoman" => {
            let mut s = String::new();
            let mut v = n;
            for (k, r) in [
                (1000, "M"),
                (900, "CM"),
                (500, "D"),
                (400, "CD"),
                (100, "C"),
                (90, "XC"),
                (50, "L"),
                (40, "XL"),
                (10, "X"),
                (9, "IX"),
                (5, "V"),
                (4, "IV"),
                (1, "I"),
            ] {
                while v >= k {
                    s.push_str(r);
                    v -= k;
                }
            }
            if fmt == "lowerRoman" {
                s.to_lowercase()
            } else {
                s
            }
        }
        _ => n.to_string(),
    }
}

// ---------------------------------------------------------------- the body

#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    num_id: Option<String>,
    ilvl: usize,
    outline: Option<u8>,
}

#[derive(Default)]
struct TableState {
    rows: Vec<Vec<GridCell>>,
    row: Option<Vec<GridCell>>,
    cell: Option<CellState>,
}

#[derive(Default)]
struct CellState {
    text: String,
    span: usize,
    continued: bool,
}

struct Walker<'s> {
    styles: &'s Styles,
    numbering: Numbering,
    b: Builder,
    paras: Vec<Para>,
    tables: Vec<TableState>,
    /// Depth inside elements whose text is not shown (deleted text, field codes, fallbacks).
    skip: usize,
    in_text: bool,
    in_run: usize,
    in_ppr: usize,
    in_tcpr: usize,
}

/// Elements whose content is not part of the visible text.
fn skipped(name: &[u8]) -> bool {
    matches!(
        name,
        b"del"
            | b"delText"
            | b"instrText"
            | b"delInstrText"
            | b"moveFrom"
            | b"Fallback"
            | b"rPr"
            | b"sectPr"
            | b"tblPr"
            | b"tblGrid"
            | b"trPr"
            | b"footnoteReference"
            | b"endnoteReference"
            | b"commentReference"
            | b"annotationRef"
    )
}

impl Walker<'_> {
    fn walk(&mut self, xml: &[u8]) -> Result<(), quick_xml::Error> {
        let mut r = Reader::from_reader(xml);
        let mut buf = Vec::new();
        loop {
            let ev = r.read_event_into(&mut buf)?;
            match ev {
                Event::Start(e) => self.start(&e, false),
                Event::Empty(e) => {
                    self.start(&e, true);
                    self.end(e.local_name().as_ref(), true);
                }
                Event::End(e) => self.end(e.local_name().as_ref(), false),
                Event::Text(t) if self.in_text && self.skip == 0 => {
                    let s = t.decode().map_err(quick_xml::Error::Encoding)?;
                    self.push(&s);
                }
                Event::GeneralRef(g) if self.in_text && self.skip == 0 => {
                    let c = match g.resolve_char_ref()? {
                        Some(c) => Some(c),
                        None => match &*g {
                            b"amp" => Some('&'),
                            b"lt" => Some('<'),
                            b"gt" => Some('>'),
                            b"quot" => Some('"'),
                            b"apos" => Some('\''),
                            _ => None,
                        },
                    };
                    if let Some(c) = c {
                        self.push(c.encode_utf8(&mut [0; 4]));
                    }
                }
                Event::CData(t) if self.in_text && self.skip == 0 => {
                    self.push(&String::from_utf8_lossy(&t));
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(())
    }

    fn push(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    fn start(&mut self, e: &BytesStart, empty: bool) {
        let name = e.local_name();
        let name = name.as_ref();
        if self.skip > 0 || skipped(name) {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        match name {
            b"p" => self.paras.push(Para::default()),
            b"pPr" => self.in_ppr += 1,
            b"pStyle" if self.in_ppr > 0 => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = val(e);
                }
            }
            b"numId" if self.in_ppr > 0 => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = val(e);
                }
            }
            b"ilvl" if self.in_ppr > 0 => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = val(e).and_then(|v| v.parse().ok()).unwrap_or(0);
                }
            }
            b"outlineLvl" if self.in_ppr > 0 => {
                if let Some(p) = self.paras.last_mut() {
                    p.outline = val(e).and_then(|v| v.parse().ok());
                }
            }
            b"r" => self.in_run += 1,
            b"t" if self.in_run > 0 => self.in_text = !empty,
            b"tab" if self.in_run > 0 && self.in_ppr == 0 => self.push(" "),
            b"br" | b"cr" if self.in_run > 0 => self.push("\n"),
            b"noBreakHyphen" if self.in_run > 0 => self.push("-"),
            b"tbl" => self.tables.push(TableState::default()),
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some(Vec::new());
                }
            }
            b"tc" => {
                if let Some(t) = self.tables.last_mut() {
                    t.cell = Some(CellState {
                        span: 1,
                        ..Default::default()
                    });
                }
            }
            b"tcPr" => self.in_tcpr += 1,
            b"gridSpan" if self.in_tcpr > 0 => {
                if let Some(c) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    c.span = val(e).and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
                }
            }
            b"vMerge" if self.in_tcpr > 0 => {
                if let Some(c) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    c.continued = val(e).is_none_or(|v| v != "restart");
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8], empty: bool) {
        if self.skip > 0 {
            if !empty {
                self.skip -= 1;
            }
            return;
        }
        match name {
            b"p" => self.end_paragraph(),
            b"pPr" => self.in_ppr = self.in_ppr.saturating_sub(1),
            b"r" => self.in_run = self.in_run.saturating_sub(1),
            b"t" => self.in_text = false,
            b"tcPr" => self.in_tcpr = self.in_tcpr.saturating_sub(1),
            b"tc" => {
                if let Some(t) = self.tables.last_mut()
                    && let Some(c) = t.cell.take()
                {
                    t.row.get_or_insert_with(Vec::new).push(GridCell {
                        text: if c.continued { String::new() } else { c.text },
                        colspan: c.span,
                        continued: c.continued,
                    });
                }
            }
            b"tr" => {
                if let Some(t) = self.tables.last_mut()
                    && let Some(row) = t.row.take()
                {
                    t.rows.push(row);
                }
            }
            b"tbl" => {
                let Some(t) = self.tables.pop() else {
                    return;
                };
                match self.tables.last_mut().and_then(|o| o.cell.as_mut()) {
                    // A table inside a cell: its text joins the cell's.
                    Some(cell) => {
                        for row in &t.rows {
                            let line: Vec<&str> = row
                                .iter()
                                .map(|c| c.text.trim())
                                .filter(|s| !s.is_empty())
                                .collect();
                            if !line.is_empty() {
                                cell.text.push('\n');
                                cell.text.push_str(&line.join(" "));
                            }
                        }
                    }
                    None => self.b.table(&t.rows),
                }
            }
            _ => {}
        }
    }

    fn end_paragraph(&mut self) {
        let Some(p) = self.paras.pop() else {
            return;
        };
        let num = p
            .num_id
            .clone()
            .map(|n| (n, p.ilvl))
            .or_else(|| p.style.as_deref().and_then(|s| self.styles.numbering(s)));
        let mut text = String::new();
        if let Some((id, ilvl)) = num
            && id != "0"
            && !p.text.trim().is_empty()
            && let Some(label) = self.numbering.next(&id, ilvl)
        {
            text.push_str(&label);
            if label.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                text.push(' ');
            }
        }
        text.push_str(&p.text);
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            if !cell.text.is_empty() {
                cell.text.push('\n');
            }
            cell.text.push_str(&text);
            return;
        }
        let heading = p
            .outline
            .filter(|o| *o < 9)
            .map(|o| (o + 1).min(6))
            .or_else(|| {
                p.style
                    .as_deref()
                    .and_then(|s| self.styles.heading_level(s))
            });
        self.b.paragraph(&text, heading);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_words() {
        assert_eq!(format_number(3, "chineseCounting"), "三");
        assert_eq!(format_number(12, "chineseCountingThousand"), "十二");
        assert_eq!(format_number(20, "chineseCounting"), "二十");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(4, "lowerRoman"), "iv");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(28, "upperLetter"), "BB");
    }
}
