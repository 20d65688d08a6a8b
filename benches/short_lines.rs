//! Parse + check of 1, 4 and 16 MB of short lines (ASCII, CJK, blank-separated, PDF-like wrapped
//! text): the shapes where a parser that looks back over what it has read grows quadratic. The
//! time per byte should be the same at every size. And what the language server does per
//! keystroke in 0.5 MB of them: a character typed at the end of the middle line and deleted, each
//! followed by the diagnostics of the new text.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "../tests/support/mod.rs"]
mod support;

use support::{ShortLines, short_lines};

fn analyse(text: &str) -> usize {
    let r = nianbao::parse::parse(text);
    nianbao::check::check(&r, text, &Default::default()).len()
}

fn bench(c: &mut Criterion) {
    for shape in ShortLines::ALL {
        let mut g = c.benchmark_group(format!("short lines: {}", shape.name()));
        g.sample_size(10);
        for mb in [1, 4, 16] {
            let text = short_lines(shape, mb << 20);
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_function(format!("{mb} MB"), |b| b.iter(|| analyse(black_box(&text))));
        }
        g.finish();
    }
}

fn keystroke(c: &mut Criterion) {
    let mut g = c.benchmark_group("keystroke in 0.5 MB of short lines");
    for shape in ShortLines::ALL {
        let text = short_lines(shape, 512 << 10);
        let middle = text.len() / 2;
        let at = middle + text[middle..].find('\n').unwrap_or(0);
        let mut buf = nianbao::incremental::Buffer::new(text);
        // The first edit parses the block and keeps its rows, as the first keystroke does.
        buf.edit(at..at, "年");
        buf.edit(at..at + 3, "");
        g.bench_function(shape.name(), |b| {
            b.iter(|| {
                buf.edit(at..at, "年");
                let n = buf.diagnostics(&Default::default()).len();
                buf.edit(at..at + 3, "");
                black_box(n + buf.diagnostics(&Default::default()).len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, keystroke);
criterion_main!(benches);
