//! Reading Word documents: the share of unzipping and XML against parsing and checking the text
//! they give (`cargo bench --bench formats`).

use criterion::{Criterion, criterion_group, criterion_main};
use nianbao::input::{self, Format};

fn docx(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats");
    let bytes = std::fs::read(format!("{dir}/000_745ac7de65919f15.docx")).expect("fixture");
    let text = input::convert_bytes(Format::Docx, &bytes)
        .expect("docx")
        .expect("converted")
        .text;
    let mut g = c.benchmark_group("docx");
    g.bench_function("unzip + XML to text", |b| {
        b.iter(|| input::convert_bytes(Format::Docx, std::hint::black_box(&bytes)))
    });
    g.bench_function("parse + check the text", |b| {
        b.iter(|| {
            let t = std::hint::black_box(&text);
            let doc = nianbao::parse::parse(t);
            nianbao::check::check(&doc, t, &nianbao::settings::Settings::default())
        })
    });
    g.finish();
    let html = std::fs::read(format!("{dir}/000_745ac7de65919f15.html")).expect("fixture");
    c.bench_function("html: decode + html5ever to text", |b| {
        b.iter(|| input::convert_bytes(Format::Html, std::hint::black_box(&html)))
    });
}

criterion_group!(benches, docx);
criterion_main!(benches);
