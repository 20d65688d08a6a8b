//! Reading grows linearly with the text on every shape of input: parse + check of `4n` bytes
//! costs about four times what `n` bytes cost, never the sixteen times of a step that looks back
//! over everything read before it. Measured as the CPU time of this thread (the best of three
//! runs, so other work on the machine adds nothing that survives), and asserted as a ratio with
//! room to spare: linear work gives 3–8 (a larger text also misses the caches more often),
//! quadratic work 13 and more at these sizes.

mod support;

use support::{ShortLines, short_lines};

/// CPU time used by the calling thread so far, in seconds.
fn thread_cpu() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant Linux knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

fn analyse(text: &str) -> usize {
    let doc = nianbao::parse::parse(text);
    nianbao::check::check(&doc, text, &Default::default()).len()
}

/// The least CPU time of three runs of `f`.
fn best_of_three(mut f: impl FnMut() -> usize) -> f64 {
    (0..3)
        .map(|_| {
            let t = thread_cpu();
            std::hint::black_box(f());
            thread_cpu() - t
        })
        .fold(f64::INFINITY, f64::min)
}

/// Cost of `4n` bytes over the cost of `n` bytes of the text `make` builds.
fn growth(make: impl Fn(usize) -> String, n: usize) -> f64 {
    let small = make(n);
    let large = make(4 * n);
    let a = best_of_three(|| analyse(&small));
    let b = best_of_three(|| analyse(&large));
    b / a.max(1e-6)
}

/// Repeats `unit` to about `bytes` bytes after `head`.
fn repeated(head: &str, unit: &str, tail: &str, bytes: usize) -> String {
    format!("{head}{}{tail}", unit.repeat(bytes / unit.len() + 1))
}

/// Builds a text of about the given size.
type Maker = Box<dyn Fn(usize) -> String>;

/// Inputs shaped to reach each step of reading a table: one cell per line gathered into one long
/// row, rows announcing a table without end, a line of many cells, a header broken into single
/// characters, headings and report titles without end.
fn adversarial() -> Vec<(&'static str, Maker)> {
    const T3: &str = "三、收到和处理政府信息公开申请情况\n";
    vec![
        (
            "label pieces one per line, then numbers",
            Box::new(|n| repeated(T3, "予以公开\n1.属于国家秘密\nabcdefgh\n", "5\n6\n", n)),
        ),
        (
            "rows of table 二 without end",
            Box::new(|n| repeated("二、主动公开政府信息情况\n", "规章\t0\t0\t0\n", "", n)),
        ),
        (
            "rows of table 三 one cell per line",
            Box::new(|n| repeated(T3, "（一）予以公开\n3\n", "", n)),
        ),
        (
            "empty rows of table 三",
            Box::new(|n| repeated(T3, "1.属于国家秘密\t\t\t\n", "", n)),
        ),
        (
            "one line of many label cells",
            Box::new(|n| repeated(T3, "予以公开\t", "5\n", n)),
        ),
        (
            "table 四's header broken into characters",
            Box::new(|n| {
                repeated(
                    "四、政府信息公开行政复议、行政诉讼情况\n结果维持\n",
                    "行\n政\n复\n议\n",
                    "1\n",
                    n,
                )
            }),
        ),
    ]
}

const LIMIT: f64 = 10.0;

#[test]
fn short_lines_grow_linearly() {
    let mut report = String::new();
    let mut worst = 0.0f64;
    for shape in ShortLines::ALL {
        let g = growth(|n| short_lines(shape, n), 512 << 10);
        report.push_str(&format!("{}: ×{g:.1}\n", shape.name()));
        worst = worst.max(g);
    }
    eprint!("{report}");
    assert!(
        worst < LIMIT,
        "4× the text cost more than {LIMIT}×:\n{report}"
    );
}

#[test]
fn table_shapes_grow_linearly() {
    let mut report = String::new();
    let mut worst = 0.0f64;
    for (name, make) in adversarial() {
        let g = growth(make, 128 << 10);
        report.push_str(&format!("{name}: ×{g:.1}\n"));
        worst = worst.max(g);
    }
    eprint!("{report}");
    assert!(
        worst < LIMIT,
        "4× the text cost more than {LIMIT}×:\n{report}"
    );
}
