//! Parse + check of 1, 4 and 16 MB of short lines (ASCII, CJK, blank-separated, PDF-like wrapped
//! text): the shapes where a parser that looks back over what it has read grows quadratic. The
//! time per byte should be the same at every size.

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

criterion_group!(benches, bench);
criterion_main!(benches);
