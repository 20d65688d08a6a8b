//! Parse + check throughput: each seed, the corpus of real reports, a 1 MB document, and 10 000 reports through `check`; and
//! what the language server does per keystroke: an edit applied to the incremental buffer and the
//! diagnostics of the new text, on a seed and on a compilation of 100 copies.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "../tests/support/mod.rs"]
mod support;

fn seeds() -> Vec<(String, String)> {
    support::seeds()
        .into_iter()
        .map(|(stem, text)| (stem[..3].to_string(), text))
        .collect()
}

fn analyse(text: &str) -> usize {
    let r = nianbao::parse::parse(text);
    nianbao::check::check(&r, text, &Default::default()).len()
}

fn bench(c: &mut Criterion) {
    let seeds = seeds();
    let mut g = c.benchmark_group("parse+check");
    for (name, text) in &seeds {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(format!("seed {name}"), |b| {
            b.iter(|| analyse(black_box(text)))
        });
    }
    // The corpus of real reports, every shape: the whole set per iteration.
    let corpus = support::corpus();
    let bytes: usize = corpus.iter().map(|(_, t)| t.len()).sum();
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(format!("corpus ({} reports)", corpus.len()), |b| {
        b.iter(|| {
            corpus
                .iter()
                .map(|(_, t)| analyse(black_box(t)))
                .sum::<usize>()
        })
    });
    // About 1 MB: one report with its sections repeated (a compilation of many bodies' reports).
    let one = &seeds[0].1;
    let big = one.repeat(1_000_000 / one.len() + 1);
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.sample_size(10);
    g.bench_function("1 MB", |b| b.iter(|| analyse(black_box(&big))));
    // 100 KB, to read the cost per byte against the 1 MB figure.
    let mid = one.repeat(100_000 / one.len() + 1);
    g.throughput(Throughput::Bytes(mid.len() as u64));
    g.bench_function("100 KB", |b| b.iter(|| analyse(black_box(&mid))));
    g.finish();

    // 10 000 reports through the checker on every core, as `nianbao check DIR` does.
    let reports: Vec<&String> = (0..10_000).map(|i| &seeds[i % seeds.len()].1).collect();
    let mut g = c.benchmark_group("check 10000 reports");
    g.sample_size(10);
    g.bench_function("parallel", |b| {
        b.iter(|| {
            use rayon::prelude::*;
            reports.par_iter().map(|t| analyse(t)).sum::<usize>()
        })
    });
    g.finish();
}

/// One keystroke, made and undone: the edit and the diagnostics after it, twice per iteration.
fn keystroke(text: &str, at: usize, typed: &str) -> impl FnMut() -> usize {
    let mut buf = nianbao::incremental::Buffer::new(text.to_string());
    let undo = text[at..at + typed.len()].to_string();
    let digit = typed.bytes().all(|b| b.is_ascii_digit());
    move || {
        let mut n = 0;
        if digit {
            buf.edit(at..at + typed.len(), typed);
            n += buf.diagnostics(&Default::default()).len();
            buf.edit(at..at + typed.len(), &undo);
        } else {
            buf.edit(at..at, typed);
            n += buf.diagnostics(&Default::default()).len();
            buf.edit(at..at + typed.len(), "");
        }
        n + buf.diagnostics(&Default::default()).len()
    }
}

fn edits(c: &mut Criterion) {
    let seeds = seeds();
    let one = &seeds[0].1;
    let digit = one
        .find("一、本年新收")
        .map(|i| i + one[i..].find('4').unwrap_or(0));
    let label = one.find("法人或其他组织");
    let prose = one.find("区政府办公室坚持");
    let mut g = c.benchmark_group("keystroke");
    for (name, text, at, typed) in [
        ("seed 000: a number in a cell", one.clone(), digit, "7"),
        (
            "seed 000: a character in a header",
            one.clone(),
            label,
            "年",
        ),
        ("seed 000: a character in prose", one.clone(), prose, "年"),
        (
            "100 copies: a number in a cell",
            one.repeat(100),
            digit.map(|d| d + 50 * one.len()),
            "7",
        ),
        (
            "100 copies: a character in a header",
            one.repeat(100),
            label.map(|d| d + 50 * one.len()),
            "年",
        ),
    ] {
        let Some(at) = at else { continue };
        let mut run = keystroke(&text, at, typed);
        g.bench_function(name, |b| b.iter(|| black_box(run())));
    }
    g.finish();
}

criterion_group!(benches, bench, edits);
criterion_main!(benches);
