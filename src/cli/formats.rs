//! The commands that turn reports into other files: `nianbao convert` (canonical Markdown),
//! `nianbao new --from` (this year's draft from last year's report), `nianbao export --to docx`
//! (the Word document to submit) and `nianbao extract` (the figures of many reports as a table).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use rayon::prelude::*;

use super::{expand, read_text, write_atomic};
use crate::settings::Settings;
use crate::{check, convert, export, extract, parse};

#[derive(clap::Args, Debug)]
pub struct ConvertArgs {
    /// 报告文件（.docx .html .pdf .md .txt）
    pub file: PathBuf,
    /// 写入这个文件（原子写入）；不给出时输出到标准输出
    #[arg(short, long, value_name = "OUT.md")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Docx,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// 报告文件（通常是 Markdown 草稿，也可以是其他支持的格式）
    pub file: PathBuf,
    /// 导出格式
    #[arg(long, value_enum, default_value_t = ExportFormat::Docx)]
    pub to: ExportFormat,
    /// 输出文件；不给出时写到报告旁边的同名 .docx（已存在时不覆盖）
    #[arg(short, long, value_name = "OUT.docx")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ExtractArgs {
    /// 文件或文件夹；不给出时为当前文件夹
    pub paths: Vec<PathBuf>,
    /// 输出格式：csv（UTF-8 带 BOM，Excel 和 WPS 可直接打开）或 json
    #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
    pub format: TableFormat,
    /// 写入这个文件（原子写入）；不给出时输出到标准输出
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 不在终端上显示进度
    #[arg(short, long)]
    pub quiet: bool,
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(2)
}

/// Writes `bytes` to `output` atomically, or to standard output.
fn emit(output: Option<&Path>, bytes: &[u8]) -> ExitCode {
    match output {
        Some(p) => match write_atomic(p, bytes) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(format!("{}：{e}", p.display())),
        },
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|_| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => fail(format!("无法写入标准输出：{e}")),
            }
        }
    }
}

pub fn run_convert(args: ConvertArgs) -> ExitCode {
    let text = match read_text(&args.file) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}：{e}", args.file.display())),
    };
    let doc = parse::parse(&text);
    if !doc.is_report() {
        eprintln!(
            "注意：{} 看起来不是政府信息公开工作年度报告，按原文转换",
            args.file.display()
        );
    }
    let md = convert::to_markdown(&doc, &text);
    emit(args.output.as_deref(), md.as_bytes())
}

pub fn run_new_from(
    from: &Path,
    year: Option<i32>,
    org: Option<String>,
    output: Option<&Path>,
) -> ExitCode {
    if let Some(y) = year
        && !(1990..=2100).contains(&y)
    {
        return fail("--year 应为四位年份，例如 2025");
    }
    let text = match read_text(from) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}：{e}", from.display())),
    };
    let doc = parse::parse(&text);
    let opts = convert::DraftOptions {
        year,
        org: org.map(|o| o.trim().to_string()).filter(|o| !o.is_empty()),
    };
    match convert::draft_from(&doc, &text, &opts) {
        Ok(md) => emit(output, md.as_bytes()),
        Err(e) => fail(format!("{}：{e}", from.display())),
    }
}

pub fn run_export(args: ExportArgs) -> ExitCode {
    let ExportFormat::Docx = args.to;
    let output = match &args.output {
        Some(o) => o.clone(),
        None => {
            let o = args.file.with_extension("docx");
            if o == args.file {
                return fail("输入已是 .docx：请用 -o 指定输出文件");
            }
            if o.exists() {
                return fail(format!(
                    "{} 已存在，未覆盖：请用 -o 指定输出文件",
                    o.display()
                ));
            }
            o
        }
    };
    let text = match read_text(&args.file) {
        Ok(t) => t,
        Err(e) => return fail(format!("{}：{e}", args.file.display())),
    };
    let doc = parse::parse(&text);
    let bytes = match export::docx(&doc, &text) {
        Ok(b) => b,
        Err(e) => return fail(format!("{}：{e}", args.file.display())),
    };
    match write_atomic(&output, &bytes) {
        Ok(()) => {
            eprintln!("已导出：{}", output.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("{}：{e}", output.display())),
    }
}

/// Files read and checked at a time: their records are written in order before the next batch
/// starts, so memory stays flat however many files there are.
const BATCH: usize = 256;

pub fn run_extract(args: ExtractArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (files, expand_errors) = expand(&paths);
    let mut failures = expand_errors.len();
    for (p, e) in &expand_errors {
        eprintln!(
            "错误：{}：{e}",
            super::output::escape(&p.display().to_string())
        );
    }
    // Standard output, or a temporary file beside the output renamed at the end.
    let mut tmp = None;
    let sink: Box<dyn Write> = match &args.output {
        Some(o) => {
            let dir = o
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            match super::TempFile::new_in(dir) {
                Ok(f) => {
                    let w = match f.as_file().try_clone() {
                        Ok(w) => w,
                        Err(e) => return fail(format!("无法创建临时文件：{e}")),
                    };
                    tmp = Some(f);
                    Box::new(std::io::BufWriter::new(w))
                }
                Err(e) => return fail(format!("无法创建临时文件：{e}")),
            }
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let progress = !args.quiet && std::io::stderr().is_terminal();
    let mut out = match Table::new(sink, args.format) {
        Ok(t) => t,
        Err(e) => return fail(format!("无法写入：{e}")),
    };
    // Counts as `nianbao check` counts them: each file's project settings (nianbao.toml) apply.
    let projects = super::ProjectFiles::default();
    let (mut reports, mut skipped) = (0usize, 0usize);
    for (n, batch) in files.chunks(BATCH).enumerate() {
        let results: Vec<Result<Vec<extract::Record>, (String, String)>> = batch
            .par_iter()
            .map(|p| {
                let display = p.display().to_string();
                let text = read_text(p).map_err(|e| (display.clone(), e))?;
                let doc = parse::parse(&text);
                let (settings, note) = projects.settings_for(Some(p), &Settings::default());
                if let Some(note) = note {
                    eprintln!("{note}");
                }
                let diags = check::check(&doc, &text, &settings);
                Ok(extract::records(&display, &doc, &diags))
            })
            .collect();
        for r in results {
            match r {
                Ok(recs) if recs.is_empty() => skipped += 1,
                Ok(recs) => {
                    for rec in &recs {
                        if let Err(e) = out.record(rec) {
                            return write_failed(e);
                        }
                    }
                    reports += recs.len();
                }
                Err((p, e)) => {
                    failures += 1;
                    if progress {
                        eprint!("\r\x1b[K");
                    }
                    eprintln!("错误：{p}：{e}");
                }
            }
        }
        if progress {
            let done = (n * BATCH + batch.len()).min(files.len());
            eprint!("\r已处理 {done}/{} 个文件，{reports} 份报告", files.len());
        }
    }
    if let Err(e) = out.finish() {
        return write_failed(e);
    }
    if let (Some(tmp), Some(o)) = (tmp, &args.output)
        && let Err(e) = super::install(tmp, o)
    {
        return fail(format!("{}：{e}", o.display()));
    }
    if progress {
        eprintln!();
        let mut line = format!("提取 {reports} 份报告");
        if skipped > 0 {
            line.push_str(&format!("；跳过 {skipped} 个非报告文件"));
        }
        if failures > 0 {
            line.push_str(&format!("；{failures} 个文件无法处理"));
        }
        eprintln!("{line}");
    }
    if failures > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn write_failed(e: std::io::Error) -> ExitCode {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    fail(format!("无法写入：{e}"))
}

/// The output table: CSV (UTF-8 with a byte-order mark, RFC 4180 quoting) or a JSON array with
/// one object per line.
enum Table {
    Csv(Box<csv::Writer<Box<dyn Write>>>),
    Json { out: Box<dyn Write>, first: bool },
}

impl Table {
    fn new(mut out: Box<dyn Write>, format: TableFormat) -> std::io::Result<Table> {
        let names = extract::FACTS
            .iter()
            .map(|(k, _)| *k)
            .chain(extract::columns().iter().map(|c| c.key.as_str()));
        match format {
            TableFormat::Csv => {
                out.write_all("\u{FEFF}".as_bytes())?;
                let mut w = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(out);
                w.write_record(names).map_err(std::io::Error::other)?;
                Ok(Table::Csv(Box::new(w)))
            }
            TableFormat::Json => {
                out.write_all(b"[")?;
                Ok(Table::Json { out, first: true })
            }
        }
    }

    fn record(&mut self, r: &extract::Record) -> std::io::Result<()> {
        match self {
            Table::Csv(w) => {
                let figures = r
                    .figures
                    .iter()
                    .map(|f| f.map_or(String::new(), |f| f.to_string()));
                w.write_record(r.facts.iter().cloned().chain(figures))
                    .map_err(std::io::Error::other)
            }
            Table::Json { out, first } => {
                use serde_json::{Value as J, json};
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                let mut s = String::from("{");
                let mut push = |k: &str, v: J| {
                    if s.len() > 1 {
                        s.push_str(", ");
                    }
                    s.push_str(&J::String(k.to_string()).to_string());
                    s.push_str(": ");
                    s.push_str(&v.to_string());
                };
                for ((k, _), v) in extract::FACTS.iter().zip(&r.facts) {
                    let v = match *k {
                        "report" | "errors" | "warnings" | "information" => {
                            v.parse::<u64>().map_or(J::Null, J::from)
                        }
                        "year" => v.parse::<i64>().map_or(J::Null, J::from),
                        "codes" => {
                            json!(v.split(';').filter(|c| !c.is_empty()).collect::<Vec<_>>())
                        }
                        _ => J::String(v.clone()),
                    };
                    push(k, v);
                }
                for (c, f) in extract::columns().iter().zip(&r.figures) {
                    let v = match f {
                        Some(extract::Figure::Count(n)) => J::from(*n),
                        Some(extract::Figure::Money(m)) => json!(m),
                        None => J::Null,
                    };
                    push(&c.key, v);
                }
                s.push('}');
                out.write_all(s.as_bytes())
            }
        }
    }

    fn finish(self) -> std::io::Result<()> {
        match self {
            Table::Csv(mut w) => w.flush(),
            Table::Json { mut out, first } => {
                out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
                out.flush()
            }
        }
    }
}
