//! The standard draft that `nianbao new` writes: a complete report in Markdown, tables at zero,
//! every place the drafter must fill marked.

use crate::edit::render_table;
use crate::model::Shape;
use crate::spec::SECTIONS;

/// The complete standard draft that `nianbao new` prints: it checks clean.
pub fn new_report(org: &str, year: i32) -> String {
    let eol = "\n";
    let mut s = String::new();
    s.push_str(&format!("# {org}{year}年政府信息公开工作年度报告\n\n"));
    s.push_str(&format!(
        "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。\n\n"
    ));
    let bodies: [&str; 6] = [
        "（一）主动公开\n\n（填写主动公开工作情况。）\n\n（二）依申请公开\n\n（填写依申请公开工作情况。）\n\n（三）政府信息管理\n\n（填写政府信息管理情况。）\n\n（四）政府信息公开平台建设\n\n（填写平台建设情况。）\n\n（五）监督保障\n\n（填写监督保障情况。）\n",
        "",
        "",
        "",
        "（一）存在的主要问题\n\n（填写存在的主要问题。）\n\n（二）改进情况\n\n（填写改进情况。）\n",
        "本年度未收取信息处理费。（如有收取，写明收取金额和依据。）\n",
    ];
    for (i, sec) in SECTIONS.iter().enumerate() {
        s.push_str(&format!("## {}\n\n", sec.title));
        if let Some(id) = sec.table {
            s.push_str(&render_table(id, Shape::Markdown, eol));
            s.push('\n');
        } else {
            s.push_str(bodies[i]);
        }
        s.push('\n');
    }
    s.push_str(&format!("{org}\n\n{}年1月  日\n", year + 1));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::parse::parse;
    use crate::settings::Settings;
    use crate::spec::{RowKind, TableId};

    #[test]
    fn new_report_checks_clean() {
        let t = new_report("某某市某某局", 2025);
        let doc = parse(&t);
        let r = &doc.reports[0];
        assert!(r.is_annual_report());
        let d = check(&doc, &t, &Settings::default());
        assert!(
            d.is_empty(),
            "{:#?}",
            d.iter().map(|d| (&d.code, &d.message)).collect::<Vec<_>>()
        );
        assert_eq!(r.tables.len(), 3);
        assert_eq!(r.table(TableId::T3).map(|t| t.rows.len()), Some(25));
    }

    #[test]
    fn rendered_tables_parse_back_in_every_shape() {
        for shape in [
            Shape::Markdown,
            Shape::Tsv,
            Shape::CellPerLine,
            Shape::Layout,
        ] {
            for id in [TableId::T2, TableId::T3, TableId::T4] {
                let body = render_table(id, shape, "\n");
                let sec = SECTIONS[id.section()].title;
                let text = format!("某局2025年政府信息公开工作年度报告\n\n{sec}\n\n{body}\n");
                let doc = parse(&text);
                let t = doc.reports[0]
                    .table(id)
                    .unwrap_or_else(|| panic!("{shape:?} {id:?}\n{text}"));
                let want = id
                    .spec()
                    .rows
                    .iter()
                    .filter(|x| x.kind == RowKind::Data)
                    .count();
                let got = t
                    .rows
                    .iter()
                    .filter(|x| id.spec().rows[x.spec].kind == RowKind::Data)
                    .count();
                assert_eq!(got, want, "{shape:?} {id:?}\n{text}");
                assert!(t.rows.iter().all(|x| x.is_standard), "{shape:?} {id:?}");
            }
        }
    }
}
