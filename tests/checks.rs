//! Each check on a small change to the standard draft, with the diagnostics written out inline.

use expect_test::{Expect, expect};
mod support;

use nianbao::diag::Code;
use nianbao::draft::new_report;
use nianbao::fix::apply_edits;
use nianbao::parse::parse;
use nianbao::text::{Encoding, LineIndex};

/// A whole column left blank, its （七）总计 included: nothing is filled there, so nothing is a
/// wrong total; the blank cells are reported as blank (with an unsafe 0), no safe fix touches them,
/// and fill-all and the inlay hints agree.
#[test]
fn a_blank_column_is_not_a_wrong_total() {
    let md = draft();
    let doc = parse(&md);
    let t = doc.reports[0].table(nianbao::spec::TableId::T3).unwrap();
    let mut edits: Vec<nianbao::diag::Edit> = t
        .rows
        .iter()
        .filter_map(|r| r.cells.first())
        .map(|c| nianbao::diag::Edit {
            range: c.range.clone(),
            new_text: String::new(),
        })
        .collect();
    edits.sort_by_key(|e| e.range.start);
    let text = apply_edits(&md, &edits);
    let doc = parse(&text);
    let d = check(&doc, &text);
    assert!(d.iter().all(|x| x.code != Code::TotalMismatch), "{d:#?}");
    let blanks: Vec<_> = d.iter().filter(|x| x.code == Code::CellBlank).collect();
    assert!(!blanks.is_empty());
    assert!(blanks.iter().all(|x| x.fixes.iter().all(|f| !f.is_safe())));
    assert!(nianbao::fix::fix_all(&d).is_empty());
    assert!(
        nianbao::fix::fill_table_totals(&doc.reports[0], nianbao::spec::TableId::T3).is_empty()
    );
    assert!(nianbao::ide::inlay_hints(&doc, 0..text.len()).is_empty());
}

/// The diagnostics of a text, but the standard draft's own `draft-todo` notes (tested apart).
fn check(doc: &nianbao::model::Document, text: &str) -> Vec<nianbao::diag::Diagnostic> {
    let mut settings = nianbao::settings::Settings::default();
    settings.disable(Code::DraftTodo);
    nianbao::check::check(doc, text, &settings)
}

fn draft() -> String {
    new_report("某某市某某局", 2025)
}

/// Diagnostics as `line:col code «text» message`, fixes indented below.
fn show(text: &str) -> String {
    let r = parse(text);
    let idx = LineIndex::new(text);
    let mut s = String::new();
    for d in check(&r, text) {
        let p = idx.position(text, d.range.start, Encoding::Utf32);
        s.push_str(&format!(
            "{}:{} {} «{}» {}\n",
            p.line + 1,
            p.character + 1,
            d.code,
            &text[d.range.clone()],
            d.message
        ));
        for f in &d.fixes {
            s.push_str(&format!("  fix: {}\n", f.title));
        }
    }
    s
}

fn check_with(edit: impl Fn(String) -> String, expect: Expect) {
    let text = edit(draft());
    expect.assert_eq(&show(&text));
}

fn replace_line(text: String, starts: &str, new: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut done = false;
    for l in text.split('\n') {
        if !done && l.starts_with(starts) {
            out.push(new.to_string());
            done = true;
        } else {
            out.push(l.to_string());
        }
    }
    assert!(done, "no line starts with {starts}");
    out.join("\n")
}

#[test]
fn the_draft_is_clean() {
    check_with(|t| t, expect![""]);
}

#[test]
fn row_total_and_column_total_and_balance() {
    check_with(
        |t| {
            let t = replace_line(
                t,
                "| 一、本年新收",
                "| 一、本年新收政府信息公开申请数量 |  |  | 3 | 1 | 0 | 0 | 0 | 0 | 3 |",
            );
            replace_line(
                t,
                "|  | （一）予以公开",
                "| 三、本年度办理结果 | （一）予以公开 |  | 3 | 1 | 0 | 0 | 0 | 0 | 4 |",
            )
        },
        expect![[r#"
            61:52 total-mismatch «3» 「一、本年新收政府信息公开申请数量」行的总计应为 4（自然人 3 + 商业企业 1 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0），实为 3
              fix: 将总计改为 4
            89:17 total-mismatch «0» （七）总计「自然人」列应为 3（各项办理结果：（一）予以公开 3，其余为 0），实为 0
              fix: 将总计改为 3
            89:21 total-mismatch «0» （七）总计「商业企业」列应为 1（各项办理结果：（一）予以公开 1，其余为 0），实为 0
              fix: 将总计改为 1
            89:41 total-mismatch «0» 「（七）总计」行的总计应为 4（自然人 3 + 商业企业 1 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0），实为 0
              fix: 将总计改为 4
            90:23 balance-mismatch «0» 「自然人」列勾稽关系不成立：一、本年新收政府信息公开申请数量 3 + 二、上年结转政府信息公开申请数量 0 = 3，而 （七）总计 0 + 四、结转下年度继续办理 0 = 0（第一项加第二项之和应等于第三项加第四项之和）
              fix: 将「四、结转下年度继续办理」改为 3（如果错的是这一项）
            90:27 balance-mismatch «0» 「商业企业」列勾稽关系不成立：一、本年新收政府信息公开申请数量 1 + 二、上年结转政府信息公开申请数量 0 = 1，而 （七）总计 0 + 四、结转下年度继续办理 0 = 0（第一项加第二项之和应等于第三项加第四项之和）
              fix: 将「四、结转下年度继续办理」改为 1（如果错的是这一项）
            90:47 balance-mismatch «0» 「总计」列勾稽关系不成立：一、本年新收政府信息公开申请数量 3 + 二、上年结转政府信息公开申请数量 0 = 3，而 （七）总计 0 + 四、结转下年度继续办理 0 = 0（第一项加第二项之和应等于第三项加第四项之和）
              fix: 将「四、结转下年度继续办理」改为 3（如果错的是这一项）
        "#]],
    );
}

#[test]
fn blank_total_with_filled_parts_is_a_fill_in() {
    check_with(
        |t| {
            replace_line(
                t,
                "| 四、结转下年度",
                "| 四、结转下年度继续办理 |  |  | 0 | 0 | 0 | 0 | 0 | 0 |  |",
            )
        },
        expect![[r#"
            90:47 total-mismatch «» 「四、结转下年度继续办理」行的总计应为 0（自然人 0 + 商业企业 0 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0），实为 空白
              fix: 填入总计 0
        "#]],
    );
}

#[test]
fn invalid_and_blank_cells() {
    check_with(
        |t| {
            replace_line(
                t,
                "| 二、上年结转",
                "| 二、上年结转政府信息公开申请数量 |  |  | 1.5 | -1 | 3件 |  | 无 | 0 | 0 |",
            )
        },
        expect![[r#"
            62:28 value-invalid «1.5» 「二、上年结转政府信息公开申请数量」「自然人」列：件数应为整数，「1.5」带有小数
            62:34 value-invalid «-1» 「二、上年结转政府信息公开申请数量」「商业企业」列：「-1」是负数，此处应为非负数
            62:39 value-invalid «3件» 「二、上年结转政府信息公开申请数量」「科研机构」列：单元格中带有单位「件」，应只填数字
            62:44 cell-blank «» 「二、上年结转政府信息公开申请数量」行「社会公益组织」为空，应填数字（没有数据时填 0）
              fix: 本行空白单元格填 0（1 处）
              fix: 本表空白单元格全部填 0（1 处）
            62:47 value-invalid «无» 「二、上年结转政府信息公开申请数量」「法律服务机构」列：「无」不是数字，没有数据时应填 0
        "#]],
    );
}

#[test]
fn table_four_totals() {
    check_with(
        |t| {
            replace_line(
                t,
                "| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
                "| 1 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 5 | 1 |",
            )
        },
        expect![[r#"
            98:19 total-mismatch «0» 行政复议的总计应为 3（结果维持 1 + 结果纠正 2 + 其他结果 0 + 尚未审结 0），实为 0
              fix: 将总计改为 3
            98:59 total-mismatch «1» 复议后起诉的总计应为 5（结果维持 0 + 结果纠正 0 + 其他结果 0 + 尚未审结 5），实为 1
              fix: 将总计改为 5
        "#]],
    );
}

#[test]
fn sections_missing_out_of_order_and_non_standard() {
    check_with(
        |t| {
            let t = t.replace(
                "## 五、存在的主要问题及改进情况",
                "## 五、存在的问题及改进措施",
            );
            let t = t.replace("## 一、总体情况\n", "");
            t.replace("## 六、其他需要报告的事项", "## 二、主动公开政府信息情况")
        },
        expect![[r#"
            26:4 section-missing «二、主动公开政府信息情况» 缺少第一部分「一、总体情况」，应在「二、主动公开政府信息情况」之前
              fix: 插入标题「一、总体情况」
            99:4 section-title «五、存在的问题及改进措施» 部分标题「五、存在的问题及改进措施」不是标准标题，应为「五、存在的主要问题及改进情况」
              fix: 改为标准标题「五、存在的主要问题及改进情况」
            109:4 section-missing «二、主动公开政府信息情况» 缺少第六部分「六、其他需要报告的事项」
              fix: 插入标题「六、其他需要报告的事项」
            109:4 section-order «二、主动公开政府信息情况» 第二部分「二、主动公开政府信息情况」重复出现
        "#]],
    );
}

#[test]
fn missing_table_and_row() {
    check_with(
        |t| {
            let start = t.find("| 行政复议").unwrap();
            let end = t.find("## 五、").unwrap();
            let t = format!("{}{}", &t[..start], &t[end..]);
            replace_line(t, "|  |  | 2.重复申请", "")
        },
        expect![[r#"
            82:9 row-missing «3.要求提供公开出版物» 表三（收到和处理政府信息公开申请情况）缺少「2.重复申请」行（（五）不予处理 之下）
              fix: 插入「2.重复申请」行（填 0）
            92:4 table-missing «四、政府信息公开行政复议、行政诉讼情况» 「四、政府信息公开行政复议、行政诉讼情况」缺少表格：应有表四（政府信息公开行政复议、行政诉讼情况）
              fix: 插入标准的表四（政府信息公开行政复议、行政诉讼情况）（全部填 0）
        "#]],
    );
}

#[test]
fn labels() {
    check_with(
        |t| {
            let t = t.replace("| 行政规范性文件 |", "| 规范性文件 |");
            let t = t.replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开");
            t.replace("| 本年制发件数 |", "| 本年（2025）制发件数 |")
        },
        expect![[r#"
            31:10 row-label «本年（2025）制发件数» 列标签「本年（2025）制发件数」不是标准标签，应为「本年制发件数」
              fix: 改为「本年制发件数」
            34:3 row-label «规范性文件» 行标签「规范性文件」不是标准标签，应为「行政规范性文件」
              fix: 改为「行政规范性文件」
            68:9 row-label «2.其他法律行政止公开» 行标签「2.其他法律行政止公开」不是标准标签，应为「2.其他法律行政法规禁止公开」
              fix: 改为「2.其他法律行政法规禁止公开」
        "#]],
    );
}

#[test]
fn year_rules() {
    check_with(
        |t| {
            let t = t.replace("国办公开办函〔2021〕30号", "国办公开办函〔2019〕60号");
            let t = t.replace(
                "本年度未收取信息处理费。（如有收取，写明收取金额和依据。）",
                "无。",
            );
            let t = t.replace(
                "统计期限为2025年1月1日至2025年12月31日",
                "统计期限为2024年1月1日至2024年12月31日",
            );
            // The 2019 table 三: （六）其他处理 is one row of numbers.
            let t = replace_line(
                t,
                "|  | （六）其他处理 |",
                "|  | （六）其他处理 |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            );
            let t = replace_line(t, "|  |  | 1.申请人无正当理由", "");
            let t = replace_line(t, "|  |  | 2.申请人逾期未按", "");
            replace_line(t, "|  |  | 3.其他", "")
        },
        expect![[r#"
            3:85 basis-outdated «国办公开办函〔2019〕60号» 2025 年度报告应依据国办公开办函〔2021〕30号，而不是已被取代的国办公开办函〔2019〕60号
            3:196 period-mismatch «统计期限为2024年1月1日至2024年12月31日» 统计期限应为报告年度 2025 年1月1日至12月31日
            85:6 format-outdated «（六）其他处理» 2025 年度报告应使用 2021 年版表三（收到和处理政府信息公开申请情况）格式，这里是 2019 年版的格式：（六）其他处理只有一行，没有 2021 年版的三个子项
              fix: 改写为 2021 年版表三：（六）其他处理分为 3 个子项，原有数字填入「3.其他」，第 1、2 项填 0
            110:4 fee-missing «六、其他需要报告的事项» 第六部分未说明信息处理费收取情况（如「本年度未收取信息处理费」），2021 年起为必报内容
        "#]],
    );
}

#[test]
fn township_cannot_make_guizhang() {
    check_with(
        |t| {
            let t = t.replace("某某市某某局", "某某镇人民政府");
            t.replace("| 规章 | 0 | 0 | 0 |", "| 规章 | 1 | 0 | 1 |")
        },
        expect![[r#"
            33:8 guizhang-level «1» 「某某镇人民政府」是乡镇（街道），不能制定规章，规章数应为 0，实为 1
            33:16 guizhang-level «1» 「某某镇人民政府」是乡镇（街道），不能制定规章，规章数应为 0，实为 1
        "#]],
    );
}

#[test]
fn suppression_comments() {
    check_with(
        |t| {
            let t = t.replace(
                "| 行政规范性文件 |",
                "<!-- nianbao-disable-next-line row-label -->\n| 规范性文件 |",
            );
            t.replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
        },
        expect![[r#"
            69:9 row-label «2.其他法律行政止公开» 行标签「2.其他法律行政止公开」不是标准标签，应为「2.其他法律行政法规禁止公开」
              fix: 改为「2.其他法律行政法规禁止公开」
        "#]],
    );
}

#[test]
fn fill_all_totals_of_a_table() {
    let t = replace_line(
        draft(),
        "| 一、本年新收",
        "| 一、本年新收政府信息公开申请数量 |  |  | 3 | 1 | 0 | 0 | 0 | 0 |  |",
    );
    let t = replace_line(
        t,
        "|  | （一）予以公开",
        "| 三、本年度办理结果 | （一）予以公开 |  | 3 | 1 | 0 | 0 | 0 | 0 | 0 |",
    );
    let r = parse(&t);
    let edits = nianbao::fix::fill_table_totals(&r.reports[0], nianbao::spec::TableId::T3);
    let fixed = apply_edits(&t, &edits);
    expect![""].assert_eq(&show(&fixed));
}

/// Inserted headings, rows and tables (offered, not applied by `--fix`) parse back as what they
/// stand for, in the document's own shape.
#[test]
fn inserting_fixes_make_the_structure_whole() {
    let tsv = support::seed("000");
    let md = draft();
    let cases: Vec<(&str, String)> = vec![
        (
            "md: row",
            replace_line(md.clone(), "|  |  | 2.重复申请", ""),
        ),
        (
            "md: section",
            md.replace("## 五、存在的主要问题及改进情况\n", ""),
        ),
        ("md: table", {
            let start = md.find("| 行政复议").unwrap();
            let end = md.find("## 五、").unwrap();
            format!("{}{}", &md[..start], &md[end..])
        }),
        (
            "tsv: row",
            tsv.replace("\t\t2.重复申请\t0\t0\t0\t0\t0\t0\t0\n", ""),
        ),
        ("tsv: table", {
            let start = tsv.find("(本列数据").unwrap();
            let end = tsv.find("四、政府信息公开行政复议").unwrap();
            format!("{}{}", &tsv[..start], &tsv[end..])
        }),
    ];
    for (name, text) in cases {
        let r = parse(&text);
        let d = check(&r, &text);
        let structural: Vec<_> = d
            .iter()
            .filter(|x| {
                matches!(
                    x.code,
                    nianbao::diag::Code::RowMissing
                        | nianbao::diag::Code::TableMissing
                        | nianbao::diag::Code::SectionMissing
                )
            })
            .collect();
        assert!(!structural.is_empty(), "{name}");
        let edits: Vec<_> = structural
            .iter()
            .flat_map(|x| x.fixes[0].edits.clone())
            .collect();
        let fixed = apply_edits(&text, &edits);
        let after = check(&parse(&fixed), &fixed);
        assert!(
            after
                .iter()
                .all(|x| x.severity != nianbao::diag::Severity::Error),
            "{name}:\n{}\n{fixed}",
            show(&fixed)
        );
    }
}

/// A compilation (汇编) of reports is checked report by report: each clean report stays clean,
/// and a broken total is found in the report that has it, with the year of that report.
#[test]
fn a_compilation_is_checked_report_by_report() {
    let a = draft();
    let b = new_report("某某县某某镇人民政府", 2024).replace(
        "| 一、本年新收政府信息公开申请数量 |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "| 一、本年新收政府信息公开申请数量 |  |  | 2 | 0 | 0 | 0 | 0 | 0 | 0 |",
    );
    let c = new_report("某某市某某委员会", 2023);
    let text = format!("{a}\n{b}\n{c}");
    assert_eq!(parse(&text).reports.len(), 3);
    // Without the split the sections of three reports would be out of order 12 times over.
    expect![[r#"
        178:52 total-mismatch «0» 「一、本年新收政府信息公开申请数量」行的总计应为 2（自然人 2 + 商业企业 0 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 0 + 其他 0），实为 0
          fix: 将总计改为 2
        207:23 balance-mismatch «0» 「自然人」列勾稽关系不成立：一、本年新收政府信息公开申请数量 2 + 二、上年结转政府信息公开申请数量 0 = 2，而 （七）总计 0 + 四、结转下年度继续办理 0 = 0（第一项加第二项之和应等于第三项加第四项之和）
          fix: 将「四、结转下年度继续办理」改为 2（如果错的是这一项）
    "#]]
    .assert_eq(&show(&text));
}

/// Rows that cannot be read as written get `row-shape`, not messages about totals the drafter did
/// not get wrong; and no safe fix touches them.
#[test]
fn damaged_rows_are_explained_not_fixed() {
    let cases: &[(&str, &str, &str)] = &[
        // One cell too few in table 四.
        (
            "t4 short",
            "| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        ),
        // A number in words, and other words, in a number cell.
        (
            "words",
            "|  | （一）予以公开",
            "|  | （一）予以公开 |  | 五 | 0 | 0 | 0 | 0 | 0 | 1 |",
        ),
        (
            "about",
            "|  | （一）予以公开",
            "|  | （一）予以公开 |  | 约5 | 0 | 0 | 0 | 0 | 0 | 5 |",
        ),
        (
            "unit",
            "|  | （一）予以公开",
            "|  | （一）予以公开 |  | 3（件） | 0 | 0 | 0 | 0 | 0 | 3 |",
        ),
        // A deleted pipe: two numbers in one cell; a number typed with a space.
        (
            "merged",
            "|  | （一）予以公开",
            "|  | （一）予以公开 |  | 5  2 | 0 | 0 | 0 | 0 | 7 |",
        ),
        (
            "spaced",
            "|  | （一）予以公开",
            "|  | （一）予以公开 |  | 1 0 | 0 | 0 | 0 | 0 | 0 | 10 |",
        ),
        // One cell too many, with something in it.
        (
            "long",
            "|  | （一）予以公开",
            "|  | （一）予以公开 |  | 1 | 0 | 0 | 0 | 0 | 0 | 1 | 7 |",
        ),
        // A figure typed into a label column of a row as wide as the table: in no column.
        (
            "in a label column",
            "| 一、本年新收",
            "| 一、本年新收政府信息公开申请数量 | 5 |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        ),
        (
            "in the last label column",
            "|  | （一）予以公开",
            "|  | （一）予以公开 | 3 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        ),
        // A row that is no standard row of the table, with numbers: they are not read.
        (
            "not a standard row",
            "| 二、上年结转",
            "| 其中：来信申请 |  |  | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n\
             | 二、上年结转政府信息公开申请数量 |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        ),
        // An item of （六） among the rows of （五）, where （五）4 is missing.
        (
            "misplaced",
            "|  |  | 4.无正当理由大量反复申请",
            "|  |  | 3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        ),
    ];
    let mut out = String::new();
    for (name, starts, new) in cases {
        let text = replace_line(draft(), starts, new);
        let doc = parse(&text);
        let d = check(&doc, &text);
        out.push_str(&format!("{name}:\n"));
        for x in &d {
            out.push_str(&format!(
                "  {} «{}» {}{}\n",
                x.code,
                &text[x.range.clone()],
                x.message,
                x.fixes
                    .iter()
                    .map(|f| format!(" [{}: {}]", f.applicability.as_str(), f.title))
                    .collect::<String>()
            ));
        }
        // No safe fix: fix-all leaves the text as it is.
        let edits = nianbao::fix::fix_all(&d);
        assert!(edits.is_empty(), "{name}: {edits:?}");
    }
    expect![[r#"
        t4 short:
          row-shape «0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0» 表四有 14 个单元格，表头有 15 列：无法判断缺的是哪一列（没有数据的单元格请填 0）
        words:
          row-shape «五» 「五」不是数字，请填阿拉伯数字 5 [unsafe: 改为 5]
        about:
          value-invalid «约5» 「（一）予以公开」「自然人」列：「约5」不是有效的数字
        unit:
          value-invalid «3（件）» 「（一）予以公开」「自然人」列：单元格中带有单位「件」，应只填数字
        merged:
          row-shape «（一）予以公开 |  | 5  2 | 0 | 0 | 0 | 0 | 7» 「（一）予以公开」有 6 个单元格，表头有 7 列：无法判断缺的是哪一列（没有数据的单元格请填 0）
          row-shape «5  2» 「5  2」像是两个数字：缺少分隔符？
        spaced:
          row-shape «1 0» 「1 0」中间有空格
        long:
          row-shape «（一）予以公开 |  | 1 | 0 | 0 | 0 | 0 | 0 | 1 | 7» 「（一）予以公开」有 8 个单元格，表头有 7 列：多出的单元格中有内容
        in a label column:
          row-shape «5» 「5」写在「一、本年新收政府信息公开申请数量」的标签列中，不在任何数据列，未计入：数字应填在右侧对应的列中（涉及本行的合计与勾稽关系因此不作检查）
        in the last label column:
          row-shape «3» 「3」写在「（一）予以公开」的标签列中，不在任何数据列，未计入：数字应填在右侧对应的列中（涉及本行的合计与勾稽关系因此不作检查）
        not a standard row:
          row-label «其中：来信申请» 「其中：来信申请」不是表三的标准行：这一行的数字没有读入，不参与合计与勾稽关系的检查
        misplaced:
          row-shape «3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0» 此行「3.其他」属于「（六）其他处理」，不应出现在「（五）不予处理」之下 [unsafe: 改为此处缺少的「4.无正当理由大量反复申请」]
    "#]].assert_eq(&out);
}

/// What a fresh draft still asks the drafter for: its prompts, the date's day, the placeholder
/// name in its title and signature; and nothing once they are filled in.
#[test]
fn draft_todo_lists_what_is_left_to_fill_in() {
    let text = new_report("某某县财政局", 2025);
    let doc = parse(&text);
    let d = nianbao::check::check(&doc, &text, &nianbao::settings::Settings::default());
    let idx = LineIndex::new(&text);
    let shown: Vec<String> = d
        .iter()
        .map(|x| {
            let p = idx.position(&text, x.range.start, Encoding::Utf32);
            format!(
                "{}:{} {} {}",
                p.line + 1,
                p.character + 1,
                x.code,
                x.message
            )
        })
        .collect();
    expect![[r#"
        1:1 draft-todo 标题中的「某某」是占位文字，请写出机关全称
        9:1 draft-todo 尚未填写：「（填写主动公开工作情况。）」是模板中的填写提示，请换成本机关的实际内容
        13:1 draft-todo 尚未填写：「（填写依申请公开工作情况。）」是模板中的填写提示，请换成本机关的实际内容
        17:1 draft-todo 尚未填写：「（填写政府信息管理情况。）」是模板中的填写提示，请换成本机关的实际内容
        21:1 draft-todo 尚未填写：「（填写平台建设情况。）」是模板中的填写提示，请换成本机关的实际内容
        25:1 draft-todo 尚未填写：「（填写监督保障情况。）」是模板中的填写提示，请换成本机关的实际内容
        104:1 draft-todo 尚未填写：「（填写存在的主要问题。）」是模板中的填写提示，请换成本机关的实际内容
        108:1 draft-todo 尚未填写：「（填写改进情况。）」是模板中的填写提示，请换成本机关的实际内容
        112:13 draft-todo 尚未填写：「（如有收取，写明收取金额和依据。）」是模板中的填写提示，请换成本机关的实际内容
        114:1 draft-todo 落款中的「某某」是占位文字，请写出机关全称和日期
        116:1 draft-todo 日期「2026年1月  日」不完整，请填写具体日期"#]].assert_eq(&shown.join("\n"));
    // Filled in: the prompts replaced, a real name and a full date.
    let mut done = new_report("东区财政局", 2025);
    for x in d.iter().filter(|x| x.message.contains("填写提示")) {
        done = done.replace(&text[x.range.clone()], "本年度工作情况良好。");
    }
    let done = done.replace("2026年1月  日", "2026年1月20日");
    let after = nianbao::check::check(
        &parse(&done),
        &done,
        &nianbao::settings::Settings::default(),
    );
    assert!(after.is_empty(), "{after:#?}");
}

/// A lost heading of a section without a table goes back where its text begins: right after the
/// table of the section before, not after the orphaned text.
#[test]
fn a_lost_heading_goes_back_before_its_text() {
    let md = draft().replace("## 五、存在的主要问题及改进情况\n", "");
    let d = check(&parse(&md), &md);
    let missing = d
        .iter()
        .find(|x| x.code == Code::SectionMissing)
        .expect("section-missing");
    let fixed = apply_edits(&md, &missing.fixes[0].edits);
    let heading = fixed.find("## 五、存在的主要问题及改进情况").unwrap();
    let text = fixed.find("（一）存在的主要问题").unwrap();
    let table_end = fixed
        .find("| 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")
        .unwrap();
    assert!(table_end < heading && heading < text, "{fixed}");
    assert!(check(&parse(&fixed), &fixed).is_empty());
}

/// Table 二 of the 2019 notice, in the compact pipe rows a 街道 draft writes.
const T2_2019: &str = "**第二十条第（一）项**

| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |
|---|---|---|---|
| 规章 | 0 | 0 | 0 |
| 规范性文件 | 2 | 2 | 15 |

**第二十条第（五）项**

| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
|---|---|---|---|
| 行政许可 | 12 | -2 | 30 |
| 其他对外管理服务事项 | 3 | +1 | 7 |

**第二十条第（六）项**

| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
|---|---|---|---|
| 行政处罚 | 5 | 0 | 9 |
| 行政强制 | 0 | 0 | 0 |

**第二十条第（八）项**

| 信息内容 | 上一年项目数量 | 本年增/减 |
|---|---|---|
| 行政事业性收费 | 1 | 0 |

**第二十条第（九）项**

| 信息内容 | 采购项目数量 | 采购总金额 |
|---|---|---|
| 政府集中采购 | 4 | 523.15万元 |
";

/// The draft with its table 二 replaced by the 2019 one.
fn with_2019_table_two(t: &str) -> String {
    let start = t.find("**第二十条第（一）项**").unwrap();
    let end = t.find("## 三、").unwrap();
    format!("{}{T2_2019}\n{}", &t[..start], &t[end..])
}

#[test]
fn the_2019_table_two_is_read_with_its_own_columns() {
    // A 2020 report: the 2019 layout is its own; every cell read, nothing to say.
    check_with(
        |t| {
            let t = with_2019_table_two(&t).replace("2025", "2020");
            t.replace("国办公开办函〔2021〕30号", "国办公开办函〔2019〕60号")
        },
        expect![""],
    );
    let text = with_2019_table_two(&draft()).replace("2025", "2020");
    let doc = parse(&text);
    let t2 = doc.reports[0].table(nianbao::spec::TableId::T2).unwrap();
    assert_eq!(t2.edition, nianbao::spec::Edition::Y2019);
    let cells: Vec<String> = t2
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| format!("{:?}", c.value)))
        .collect();
    expect![[r#"Count(0) Count(0) Count(0) Count(2) Count(2) Count(15) Count(12) Count(-2) Count(30) Count(3) Count(1) Count(7) Count(5) Count(0) Count(9) Count(0) Count(0) Count(0) Count(1) Count(0) Count(4) Money(523.15)"#]]
        .assert_eq(&cells.join(" "));
}

#[test]
fn the_2019_layout_in_a_later_report_is_said_once_per_table() {
    // A 2023 街道 report in the 2019 table 二 layout, citing the 2019 notice by its title only.
    check_with(
        |t| {
            let t = with_2019_table_two(&t).replace("2025", "2023");
            t.replace(
                "国办公开办函〔2021〕30号",
                "《关于政府信息公开工作年度报告有关事项的通知》",
            )
        },
        expect![[r#"
            3:85 basis-outdated «《关于政府信息公开工作年度报告有关事项的通知》» 2023 年度报告应依据国办公开办函〔2021〕30号，而不是已被取代的国办公开办函〔2019〕60号
            31:10 format-outdated «本年新制作数量» 2023 年度报告应使用 2021 年版表二（主动公开政府信息情况）格式，这里是 2019 年版的格式：有 2019 年版的「本年新制作数量」「本年新公开数量」「对外公开总数量」等 11 项；2021 年版没有对应单元格、改写时不带入的数字：「规范性文件」本年新公开数量 2、对外公开总数量 15；「行政许可」上一年项目数量 12 等 11 个（其余为 0）
              fix: 改写为 2021 年版表二：本年新制作数量填入本年制发件数，处理决定数量填入本年处理决定数量，其余单元格留空待填
        "#]],
    );
}

#[test]
fn the_fee_stated_in_other_words() {
    for said in [
        "本年度未产生信息处理费。",
        "信息处理费为0。",
        "本年度无收费情况。",
        "本机关未收取任何费用。",
        "不涉及收费事项。",
    ] {
        let text = draft().replace(
            "本年度未收取信息处理费。（如有收取，写明收取金额和依据。）",
            said,
        );
        let doc = parse(&text);
        let fee: Vec<_> = check(&doc, &text)
            .into_iter()
            .filter(|d| d.code == Code::FeeMissing)
            .collect();
        assert!(fee.is_empty(), "{said}: {fee:?}");
    }
}

/// Table 四 in the layouts real reports use besides the one wide table.
const T4_LAYOUTS: [(&str, &str); 3] = [
    (
        "three small tables under bold lines",
        "**行政复议**

| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
|---|---|---|---|---|
| 2 | 1 | 0 | 0 | 3 |

**行政诉讼（未经复议直接起诉）**

| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
|---|---|---|---|---|
| 1 | 0 | 0 | 1 | 5 |

**行政诉讼（复议后起诉）**

| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
|---|---|---|---|---|
| 0 | 0 | 0 | 0 | 0 |
",
    ),
    (
        "two tables, 复议 and 诉讼",
        "| 行政复议 | | | | |
|---|---|---|---|---|
| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
| 2 | 1 | 0 | 0 | 3 |

| 行政诉讼 | | | | | | | | | |
|---|---|---|---|---|---|---|---|---|---|
| 未经复议直接起诉 | | | | | 复议后起诉 | | | | |
| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
| 1 | 0 | 0 | 1 | 5 | 0 | 0 | 0 | 0 | 0 |
",
    ),
    (
        "transposed",
        "| | 行政复议 | 行政诉讼（未经复议直接起诉） | 行政诉讼（复议后起诉） |
|---|---|---|---|
| 结果维持 | 2 | 1 | 0 |
| 结果纠正 | 1 | 0 | 0 |
| 其他结果 | 0 | 0 | 0 |
| 尚未审结 | 0 | 1 | 0 |
| 总计 | 3 | 5 | 0 |
",
    ),
];

#[test]
fn table_four_in_pieces_is_read_by_meaning() {
    let base = draft();
    let start = base.find("## 四、").unwrap();
    let start = start + base[start..].find('\n').unwrap() + 1;
    let end = base.find("## 五、").unwrap();
    for (layout, table) in T4_LAYOUTS {
        let text = format!("{}\n{table}\n{}", &base[..start], &base[end..]);
        let doc = parse(&text);
        let t4 = doc.reports[0].table(nianbao::spec::TableId::T4).unwrap();
        let values: Vec<String> = t4.rows[0]
            .cells
            .iter()
            .map(|c| format!("{:?}", c.value))
            .collect();
        assert_eq!(
            values.join(" "),
            "Count(2) Count(1) Count(0) Count(0) Count(3) Count(1) Count(0) Count(0) Count(1) \
             Count(5) Count(0) Count(0) Count(0) Count(0) Count(0)",
            "{layout}"
        );
        // The one wrong total, on its own cell, and nothing else; its fix mends it.
        let d: Vec<_> = check(&doc, &text)
            .into_iter()
            .filter(|d| d.severity != nianbao::diag::Severity::Information)
            .collect();
        assert_eq!(d.len(), 1, "{layout}: {d:?}");
        assert_eq!(d[0].code, Code::TotalMismatch, "{layout}");
        assert_eq!(&text[d[0].range.clone()], "5", "{layout}");
        let fixed = apply_edits(&text, &d[0].fixes[0].edits);
        let doc = parse(&fixed);
        assert!(
            check(&doc, &fixed)
                .iter()
                .all(|x| x.code != Code::TotalMismatch),
            "{layout}"
        );
    }
}

#[test]
fn column_labels_with_a_year_or_a_slip() {
    check_with(
        |t| {
            let t = t.replacen(
                "| 信息内容 | 本年处理决定数量 |",
                "| 信息内容 | 2024年处理决定数量 |",
                1,
            );
            t.replacen(
                "| 尚未审结 | 总计 | 结果维持",
                "| 尚未审理 | 总计 | 结果维持",
                1,
            )
        },
        expect![[r#"
            38:10 row-label «2024年处理决定数量» 列标签「2024年处理决定数量」不是标准标签，应为「本年处理决定数量」
              fix: 改为「本年处理决定数量」
            97:24 row-label «尚未审理» 列标签「尚未审理」不是标准标签，应为「尚未审结」
              fix: 改为「尚未审结」
        "#]],
    );
}

/// A row with numbers between the rows of a table whose label is no standard row's: its figures
/// are not read, and `row-label` says so, in Markdown and in text pasted from Word. What follows
/// the table's last row (a note with a figure) is not taken for a row.
#[test]
fn rows_that_are_no_standard_row_are_named() {
    let seed = support::seed("000");
    let row = "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t";
    let last = "四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0";
    assert!(seed.contains(row) && seed.contains(last));
    let text = seed
        .replace(
            row,
            &format!("其中：来信申请\t\t1\t0\t0\t0\t0\t0\t1\t\n{row}"),
        )
        .replace(
            last,
            &format!("{last}\n注：本表统计期限为1月1日至12月31日\t1\t12\t31"),
        );
    let found: Vec<String> = check(&parse(&text), &text)
        .iter()
        .filter(|d| d.code == Code::RowLabel)
        .map(|d| format!("«{}» {}", &text[d.range.clone()], d.message))
        .collect();
    expect![[r#"
        [
            "«其中：来信申请» 「其中：来信申请」不是表三的标准行：这一行的数字没有读入，不参与合计与勾稽关系的检查",
        ]
    "#]]
    .assert_debug_eq(&found);
}
