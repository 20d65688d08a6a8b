//! Text extracted from published PDFs (`pdftotext -layout`) parses to the same numbers as the
//! report it was made from (tests/fixtures/pdf/*.values.json, written from the seeds).

use nianbao::model::{Report, Value};
use nianbao::spec::{self, TableId};
use serde_json::Value as J;

fn num(v: &Value) -> J {
    match v {
        Value::Count(n) => J::from(*n),
        Value::Money(f) => J::from(format!("{f}")),
        Value::Blank => J::Null,
        Value::Invalid(s) => J::from(format!("invalid: {s}")),
        Value::Malformed { why, .. } => J::from(format!("malformed: {why}")),
    }
}

fn t3_key(row: usize) -> String {
    let s = &spec::T3.rows[row];
    match s.parent {
        Some(p) if spec::T3.rows[p].parent.is_some() => {
            format!("{}/{}", spec::T3.rows[p].label, s.label)
        }
        _ => s.label.to_string(),
    }
}

fn values(r: &Report) -> J {
    let mut t2 = serde_json::Map::new();
    if let Some(t) = r.table(TableId::T2) {
        for row in &t.rows {
            if row.cells.is_empty() {
                continue;
            }
            let vals: Vec<J> = row.cells.iter().map(|c| num(&c.value)).collect();
            t2.insert(spec::T2.rows[row.spec].label.to_string(), J::from(vals));
        }
    }
    let mut t3 = serde_json::Map::new();
    if let Some(t) = r.table(TableId::T3) {
        for row in &t.rows {
            let vals: Vec<J> = row.cells.iter().map(|c| num(&c.value)).collect();
            t3.insert(t3_key(row.spec), J::from(vals));
        }
    }
    let t4: Vec<J> = r
        .table(TableId::T4)
        .and_then(|t| t.rows.first())
        .map_or(vec![], |row| {
            row.cells.iter().map(|c| num(&c.value)).collect()
        });
    serde_json::json!({"year": r.year, "t2": t2, "t3": t3, "t4": t4})
}

#[test]
fn layout_text_gives_the_seed_numbers() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf");
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".layout.txt") else {
            continue;
        };
        let text = std::fs::read_to_string(&p).unwrap();
        let want: J = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{stem}.values.json"))).unwrap(),
        )
        .unwrap();
        let r = nianbao::parse::parse(&text);
        assert_eq!(r.reports.len(), 1, "{name}: one report");
        let got = values(&r.reports[0]);
        let mut want = want;
        // Money is compared as written.
        if let Some(f) = want["t2"].get_mut("行政事业性收费") {
            *f = J::from(vec![J::from(format!(
                "{}",
                f[0].as_str().unwrap_or("0").parse::<f64>().unwrap()
            ))]);
        }
        assert_eq!(got["t3"], want["t3"], "{name}: table 三");
        assert_eq!(got["t4"], want["t4"], "{name}: table 四");
        assert_eq!(got["t2"], want["t2"], "{name}: table 二");
        assert_eq!(got["year"], want["year"], "{name}: year");
        let diags = nianbao::check::check(&r, &text, &Default::default());
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == nianbao::diag::Severity::Error)
            .map(|d| (d.code, d.message.clone()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        // Labels and titles: the same findings as in the report the PDF was made from.
        let seed = std::fs::read_to_string(dir.join(format!("../seeds/{stem}.txt"))).unwrap();
        let words = |text: &str| -> Vec<String> {
            let mut v: Vec<String> =
                nianbao::check::check(&nianbao::parse::parse(text), text, &Default::default())
                    .iter()
                    .filter(|d| {
                        matches!(
                            d.code,
                            nianbao::diag::Code::RowLabel | nianbao::diag::Code::SectionTitle
                        )
                    })
                    .map(|d| d.message.clone())
                    .collect();
            v.sort();
            v
        };
        assert_eq!(words(&text), words(&seed), "{name}");
        seen += 1;
    }
    assert_eq!(seen, 5);
}
