//! Whole-report tests on the real published reports in tests/fixtures/seeds: golden diagnostics,
//! the same report in two shapes, and generated one-number mutations of tables 三 and 四.

mod support;

use expect_test::expect_file;
use nianbao::check;
use nianbao::diag::{Code, Diagnostic, Severity};
use nianbao::model::{Document, Report, Value};
use nianbao::parse::parse;
use nianbao::spec::TableId;
use nianbao::text::{Encoding, LineIndex};

/// The one report of a text (every fixture here is a single report).
fn one(doc: &Document) -> &Report {
    assert_eq!(doc.reports.len(), 1, "one report");
    &doc.reports[0]
}

use support::{fixtures, seeds};

fn check(doc: &Document, text: &str) -> Vec<Diagnostic> {
    check::check(doc, text, &nianbao::settings::Settings::default())
}

fn render(text: &str, diags: &[Diagnostic]) -> String {
    let idx = LineIndex::new(text);
    let mut s = String::new();
    for d in diags {
        let p = idx.position(text, d.range.start, Encoding::Utf32);
        s.push_str(&format!(
            "{}:{} {} {} «{}» {}\n",
            p.line + 1,
            p.character + 1,
            d.severity.as_str(),
            d.code,
            &text[d.range.clone()],
            d.message
        ));
        for f in &d.fixes {
            s.push_str(&format!(
                "    fix: {} {:?}\n",
                f.title,
                f.edits.iter().map(|e| &e.new_text).collect::<Vec<_>>()
            ));
        }
    }
    s
}

#[test]
fn golden_diagnostics_of_every_seed() {
    for (stem, text) in seeds() {
        let r = parse(&text);
        assert!(r.is_report(), "{stem}");
        let d = check(&r, &text);
        expect_file![fixtures().join(format!("golden/{stem}.txt"))].assert_eq(&render(&text, &d));
    }
}

fn by_code<'a>(d: &'a [Diagnostic], code: Code, text: &'a str) -> Vec<&'a str> {
    d.iter()
        .filter(|x| x.code == code)
        .map(|x| &text[x.range.clone()])
        .collect()
}

#[test]
fn what_the_seeds_must_show() {
    let s = seeds();
    let get = |p: &str| {
        s.iter()
            .find(|(n, _)| n.starts_with(p))
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    for p in ["000", "002"] {
        let t = get(p);
        let d = check(&parse(&t), &t);
        assert!(
            d.iter().all(|x| x.severity != Severity::Error),
            "{p}: {}",
            render(&t, &d)
        );
    }
    let t = get("001");
    let d = check(&parse(&t), &t);
    assert_eq!(by_code(&d, Code::RowLabel, &t), ["规范性文件"]);
    assert_eq!(
        by_code(&d, Code::SectionTitle, &t),
        ["六、其他需报告的事项"]
    );
    let fix = &d.iter().find(|x| x.code == Code::RowLabel).unwrap().fixes[0];
    assert_eq!(fix.edits[0].new_text, "行政规范性文件");

    let t = get("003");
    let d = check(&parse(&t), &t);
    assert_eq!(
        by_code(&d, Code::SectionTitle, &t),
        ["五、存在主要问题及改进情况", "六、其他事项的报告"]
    );

    let t = get("004");
    let r = parse(&t);
    let d = check(&r, &t);
    for id in [TableId::T2, TableId::T3, TableId::T4] {
        let table = one(&r).table(id).unwrap();
        for row in &table.rows {
            assert!(
                row.cells
                    .iter()
                    .all(|c| !c.missing && matches!(c.value, Value::Count(_) | Value::Money(_))),
                "{id:?} {row:?}"
            );
        }
    }
    assert_eq!(one(&r).table(TableId::T3).unwrap().rows.len(), 25);
    assert_eq!(one(&r).table(TableId::T4).unwrap().rows[0].cells.len(), 15);
    assert!(
        d.iter()
            .all(|x| x.code != Code::TotalMismatch && x.code != Code::BalanceMismatch)
    );
}

/// Sections and table numbers, without ranges: what two shapes of one report must share.
fn shape_free(r: &Report) -> String {
    let mut s = format!("year={:?} org={:?}\n", r.year, r.org);
    for sec in &r.sections {
        s.push_str(&format!(
            "section {} standard={}\n",
            sec.index, sec.is_standard
        ));
    }
    for t in &r.tables {
        for row in &t.rows {
            if row.cells.is_empty() {
                continue;
            }
            let vals: Vec<String> = row.cells.iter().map(|c| format!("{:?}", c.value)).collect();
            s.push_str(&format!(
                "{:?} row {} exact={} {}\n",
                t.id,
                row.spec,
                row.is_standard,
                vals.join(",")
            ));
        }
    }
    s
}

#[test]
fn one_report_in_two_shapes_gives_one_model() {
    let tsv = std::fs::read_to_string(fixtures().join("seeds/000_745ac7de65919f15.txt")).unwrap();
    let md = std::fs::read_to_string(fixtures().join("markdown/000_745ac7de65919f15.md")).unwrap();
    let (a, b) = (parse(&tsv), parse(&md));
    assert_eq!(shape_free(one(&a)), shape_free(one(&b)));
    assert_eq!(
        one(&b).table(TableId::T3).unwrap().shape,
        nianbao::model::Shape::Markdown
    );
    assert!(check(&b, &md).iter().all(|d| d.severity != Severity::Error));
}

/// Every number of tables 三 and 四 of every seed (and of the PDF and Markdown shapes), changed on
/// its own, breaks a total or the balance, and the diagnostic points at that cell or names it.
#[test]
fn every_single_number_change_is_caught() {
    let mut texts = seeds();
    for e in std::fs::read_dir(fixtures().join("pdf")).unwrap() {
        let p = e.unwrap().path();
        if p.to_string_lossy().ends_with(".layout.txt") {
            texts.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    texts.push((
        "md".into(),
        std::fs::read_to_string(fixtures().join("markdown/000_745ac7de65919f15.md")).unwrap(),
    ));
    let mut mutations = 0;
    for (name, text) in texts {
        let r = parse(&text);
        for id in [TableId::T3, TableId::T4] {
            let t = one(&r).table(id).unwrap();
            for row in &t.rows {
                for c in &row.cells {
                    let Value::Count(n) = c.value else { continue };
                    for new in [n + 1, n + 7] {
                        let mutated =
                            format!("{}{}{}", &text[..c.range.start], new, &text[c.range.end..]);
                        let cell = c.range.start..c.range.start + new.to_string().len();
                        let d = check(&parse(&mutated), &mutated);
                        let hit = d.iter().any(|x| {
                            matches!(x.code, Code::TotalMismatch | Code::BalanceMismatch)
                                && (x.range == cell
                                    || x.related.iter().any(|rel| rel.range == cell))
                        });
                        assert!(
                            hit,
                            "{name}: {id:?} row {} col {} {n}→{new}\n{}",
                            row.spec,
                            c.col,
                            render(&mutated, &d)
                        );
                        mutations += 1;
                    }
                }
            }
        }
    }
    assert!(mutations > 2000, "{mutations}");
}

/// The same report with other line breaks, full-width digits, ASCII punctuation, `1、` numbering
/// and one cell per line (with `|||` debris and breaks inside pipe cells) gives the same numbers.
#[test]
fn text_variants_give_one_model() {
    let tsv = std::fs::read_to_string(fixtures().join("seeds/000_745ac7de65919f15.txt")).unwrap();
    let base = shape_free(one(&parse(&tsv)));
    let fullwidth: String = tsv
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()
            } else {
                c
            }
        })
        .collect();
    let ascii = tsv
        .replace('（', "(")
        .replace('）', ")")
        .replace('，', ",")
        .replace('：', ":")
        .replace(['“', '”'], "\"");
    let numbering = tsv
        .replace("1.属于", "1、属于")
        .replace("2.其他法律", "2. 其他法律");
    for (name, text) in [
        ("crlf", tsv.replace('\n', "\r\n")),
        ("cr", tsv.replace('\n', "\r")),
        ("fullwidth digits", fullwidth),
        ("ascii punctuation", ascii),
        ("numbering", numbering),
    ] {
        assert_eq!(shape_free(one(&parse(&text))), base, "{name}");
    }
    // One cell per line, breaks inside pipe cells, debris lines.
    let mut web = String::new();
    for line in tsv.lines() {
        if line.contains('\t') {
            for cell in line.split('\t') {
                if cell.is_empty() {
                    continue;
                }
                web.push_str(&format!("|\n {cell}  |\n"));
            }
            web.push_str("|||\n");
        } else {
            web.push_str(line);
            web.push('\n');
        }
    }
    let r = parse(&web);
    let t3 = one(&r).table(TableId::T3).unwrap();
    assert_eq!(t3.shape, nianbao::model::Shape::CellPerLine);
    let values = |r: &Report| -> Vec<String> {
        r.tables
            .iter()
            .flat_map(|t| {
                t.rows.iter().filter(|x| !x.cells.is_empty()).map(move |x| {
                    format!(
                        "{:?} {} {:?}",
                        t.id,
                        x.spec,
                        x.cells.iter().map(|c| c.value.clone()).collect::<Vec<_>>()
                    )
                })
            })
            .collect()
    };
    assert_eq!(values(one(&r)), values(one(&parse(&tsv))));
}
