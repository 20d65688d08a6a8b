fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let r = nianbao::parse::parse(&text);
    println!("{:#?}", r.sections.iter().map(|s| (&s.title_text, s.standard)).collect::<Vec<_>>());
    for t in &r.tables {
        println!("{:?} {:?} rows={} headers={} 2019={:?}", t.id, t.shape, t.rows.len(), t.headers.len(), t.layout_2019);
        for row in &t.rows {
            let vals: Vec<String> = row.cells.iter().map(|c| format!("{:?}", c.value)).collect();
            println!("  {} {} [{}] g={:?} {}", row.spec, if row.exact {"="} else {"~"}, row.label_text, row.groups.iter().map(|g| &g.text).collect::<Vec<_>>(), vals.join(","));
        }
    }
    println!("title={:?} org={:?} year={:?} period={:?}", r.title.map(|t| t.text), r.org, r.year, r.period);
}
