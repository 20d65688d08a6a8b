//! The command line: `nianbao check`, `nianbao new` (and `nianbao lsp`). Reads files in UTF-8,
//! GB18030/GBK or UTF-16 (`input`), folders with their links (`walk`), prints diagnostics for
//! people or as JSON (`output`), and applies safe fixes when asked, keeping the file's identity
//! and never writing over a change made meanwhile (`write`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{Applicability, Code, Diagnostic, Severity};
use crate::settings::{self, Level, Settings};
use crate::{check, draft, fix, parse, stats};

pub mod formats;
mod input;
mod output;
mod previous;
mod stream;
mod walk;
mod write;

pub(crate) use input::read_text;
pub use input::streams_closed_at_start;
use input::{Input, encode, read_input};
use previous::Previous;
pub(crate) use walk::expand;
pub(crate) use write::{TempFile, install, write_atomic};

fn is_candidate(p: &Path) -> bool {
    crate::input::is_candidate(p)
}

#[derive(Parser, Debug)]
#[command(
    name = "nianbao",
    version,
    about = "政府信息公开工作年度报告检查工具（检查表格总计、勾稽关系、部分与标签）"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 检查报告文件或文件夹（.md .txt .docx .html .pdf），`-` 表示标准输入
    Check(CheckArgs),
    /// 输出一份标准格式的年度报告草稿（Markdown）；--from 以上一年度报告为底稿
    New {
        /// 机关名称（用 --from 时可省略，沿用上一年度报告的）
        #[arg(long)]
        org: Option<String>,
        /// 报告年度（用 --from 时可省略，为上一年度加一）
        #[arg(long)]
        year: Option<i32>,
        /// 上一年度报告（.docx .html .pdf .md .txt）：结转上年数字，沿用正文并标记待修改
        #[arg(long, value_name = "上一年度报告")]
        from: Option<PathBuf>,
        /// 写入这个文件（原子写入）；不给出时输出到标准输出
        #[arg(short, long, value_name = "OUT.md")]
        output: Option<PathBuf>,
    },
    /// 把报告（Word、网页、PDF 或文本）转为标准格式的 Markdown 草稿，数字和标签不变
    Convert(formats::ConvertArgs),
    /// 把报告导出为 Word 文档（公文格式）
    Export(formats::ExportArgs),
    /// 提取报告中的全部数字，每份报告一行（CSV 或 JSON）
    Extract(formats::ExtractArgs),
    /// 列出全部诊断代码及其含义
    Codes,
    /// 启动语言服务器（LSP，经标准输入输出通信）
    Lsp {
        /// 经标准输入输出通信（默认即是；为兼容编辑器客户端而接受）
        #[arg(long)]
        stdio: bool,
        /// 单条消息的上限（MiB）：更长的消息不读入，只回答一个错误
        #[arg(long, value_name = "MIB", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=4096))]
        max_message_mib: u16,
        /// 检查的文档大小上限（MiB）：更大的文档只收到一条说明，不做检查
        #[arg(long, value_name = "MIB", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=4096))]
        max_document_mib: u16,
    },
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// 文件或文件夹；不给出时检查当前文件夹
    pub paths: Vec<PathBuf>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// 自动修复可计算的总计、标准标签和标题，并写回文件
    #[arg(long)]
    pub fix: bool,
    /// 何时使用颜色
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// 不报告这些诊断代码（可重复，或用逗号分隔）
    #[arg(long, value_delimiter = ',')]
    pub disable: Vec<String>,
    /// 改变诊断代码的级别，如 `--severity cell-blank=off`（级别：error、warning、information、hint、off；可重复）
    #[arg(long, value_name = "代码=级别", value_delimiter = ',')]
    pub severity: Vec<String>,
    /// 与 --fix 同用：也应用需要确认的修复（插入缺少的部分、行和表格，空白单元格填 0）
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,
    /// 不读取项目设置文件 nianbao.toml
    #[arg(long)]
    pub no_config: bool,
    /// 上一年度报告：与它比较上年结转和现行有效件数（默认在所给路径和所给文件的文件夹中按机关名称和年度查找）
    #[arg(long, value_name = "文件", conflicts_with = "no_previous")]
    pub previous: Option<PathBuf>,
    /// 不查找上一年度报告
    #[arg(long)]
    pub no_previous: bool,
    /// 文件大小上限（MiB）：更大的文件不读取，报告一个错误，其他文件照常检查
    #[arg(long, value_name = "MIB", default_value_t = input::DEFAULT_MAX_MIB, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_file_mib: u16,
    /// 每份报告另给出读到的内容：表二、表三、表四各读到多少个单元格（格式共有多少个）、表格是 2021 年版还是 2019 年版
    #[arg(long)]
    pub stats: bool,
    /// 安静模式：不显示进度条；只输出诊断和无法处理的文件，不输出跳过的文件、修复数和汇总行（退出码照常）
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

enum Outcome {
    Checked {
        input: Box<Input>,
        /// How many annual reports the file holds (more than one in a compilation, 0 when it
        /// is not a report).
        reports: usize,
        diags: Vec<Diagnostic>,
        fixed: Option<FixOutcome>,
        /// What was read of each report.
        stats: Vec<stats::ReportStats>,
        /// A word about the file's project settings (`nianbao.toml`) to show once.
        note: Option<String>,
    },
    Failed {
        path: PathBuf,
        error: String,
    },
}

struct FixOutcome {
    applied: Vec<Code>,
    error: Option<String>,
}

/// An error for the user on standard error, and the exit status for it.
fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(2)
}

/// Why an organisation's name cannot be used in a draft (a line break would start a heading or
/// a paragraph of its own; control characters print as nothing or move the cursor).
fn bad_org(org: &str) -> Option<&'static str> {
    if org.trim().is_empty() {
        return Some("--org 机关名称不能为空");
    }
    if org
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Some("--org 机关名称不能包含换行符、制表符或其他控制字符");
    }
    None
}

/// Writes everything to standard output; a consumer that stopped reading (`| head`) is not
/// an error.
fn print_all(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(format!("无法写入标准输出：{}", input::os_message(&e))),
    }
}

pub fn run(cli: Cli) -> ExitCode {
    let needs_stdout = match &cli.command {
        // The server deals with its own streams.
        Command::Lsp { .. } => None,
        Command::Check(_) | Command::Codes => Some(true),
        Command::New { output, .. } => Some(output.is_none()),
        Command::Convert(a) => Some(a.output.is_none()),
        Command::Extract(a) => Some(a.output.is_none()),
        Command::Export(_) => Some(false),
    };
    if let Some(needs) = needs_stdout {
        let closed = input::guard_std_streams();
        if needs && closed.stdout {
            return fail("标准输出已关闭，无法输出结果");
        }
    }
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Convert(args) => formats::run_convert(args),
        Command::Export(args) => formats::run_export(args),
        Command::Extract(args) => formats::run_extract(args),
        Command::New {
            org,
            year,
            from: Some(from),
            output,
        } => {
            if let Some(why) = org.as_deref().and_then(bad_org) {
                return fail(why);
            }
            formats::run_new_from(&from, year, org, output.as_deref())
        }
        Command::New {
            org, year, output, ..
        } => {
            let (Some(org), Some(year)) = (org, year) else {
                return fail(
                    "请给出 --org 机关名称和 --year 报告年度，或用 --from 指定上一年度报告",
                );
            };
            if let Some(why) = bad_org(&org) {
                return fail(why);
            }
            if !(1990..=2100).contains(&year) {
                return fail("--year 应为四位年份，例如 2025");
            }
            let draft = draft::new_report(org.trim(), year);
            match output {
                Some(o) => match write_atomic(&o, draft.as_bytes()) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(format!("{}：{e}", output::escape(&o.display().to_string()))),
                },
                None => print_all(draft.as_bytes()),
            }
        }
        Command::Lsp {
            max_message_mib,
            max_document_mib,
            ..
        } => ExitCode::from(crate::server::run_stdio_with(crate::server::sync::Limits {
            max_message: usize::from(max_message_mib) << 20,
            max_document: usize::from(max_document_mib) << 20,
        }) as u8),
        Command::Codes => {
            let mut text = String::new();
            for c in Code::ALL {
                text.push_str(&format!(
                    "{:<20} {:<12} {}\n",
                    c.as_str(),
                    c.severity().as_str(),
                    c.summary()
                ));
            }
            print_all(text.as_bytes())
        }
    }
}

/// The number of reports in a text, its diagnostics as shown with `settings` (each report also
/// against last year's, found by `lookup`) and what was read of each report; `offer` sees the
/// parsed text (a report read once may be another's last year).
fn analyse(
    text: &str,
    settings: &Settings,
    lookup: check::Lookup,
    offer: impl FnOnce(&crate::model::Document),
) -> (usize, Vec<Diagnostic>, Vec<stats::ReportStats>) {
    let doc = parse::parse(text);
    let diags = check::check_with(&doc, text, settings, lookup);
    offer(&doc);
    (doc.annual_reports().count(), diags, stats::document(&doc))
}

/// Where the diagnostics' places in other files (last year's report) stand, for the output.
fn other_places(diags: &[Diagnostic], previous: &Previous) -> Vec<(usize, usize, previous::Place)> {
    let mut out = Vec::new();
    for (i, d) in diags.iter().enumerate() {
        for (j, r) in d.related.iter().enumerate() {
            if let Some(file) = r.file
                && let Some(place) = previous.place(file, &r.range)
            {
                out.push((i, j, place));
            }
        }
    }
    out
}

/// The settings of the command line (`--disable`, `--severity`), or a message about a wrong one.
fn flag_settings(args: &CheckArgs) -> Result<Settings, String> {
    let mut s = Settings::default();
    for d in &args.disable {
        match Code::parse(d.trim()) {
            Some(c) => s.disable(c),
            None => {
                return Err(format!(
                    "未知的诊断代码「{d}」（`nianbao codes` 列出全部代码）"
                ));
            }
        }
    }
    for item in &args.severity {
        let Some((code, level)) = item.split_once('=') else {
            return Err(format!(
                "--severity 应写作「代码=级别」，如 cell-blank=off，收到的是「{item}」"
            ));
        };
        let Some(c) = Code::parse(code.trim()) else {
            return Err(format!(
                "未知的诊断代码「{code}」（`nianbao codes` 列出全部代码）"
            ));
        };
        let Some(l) = Level::parse(level) else {
            return Err(format!(
                "--severity 中「{code}」的级别「{level}」无效，应为 {}",
                settings::LEVELS
            ));
        };
        s.set_level(c, l);
    }
    Ok(s)
}

/// The project files found so far, by folder, and the ones whose problems were reported.
#[derive(Default)]
struct ProjectFiles {
    by_folder: std::sync::Mutex<
        std::collections::HashMap<PathBuf, Option<std::sync::Arc<settings::ProjectFile>>>,
    >,
    reported: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl ProjectFiles {
    /// The settings for a file: the command line's over its project file's; and the first time
    /// a project file with problems is met, a warning about them.
    fn settings_for(&self, path: Option<&Path>, flags: &Settings) -> (Settings, Option<String>) {
        let Some(folder) = path.and_then(Path::parent) else {
            return (*flags, None);
        };
        let found = {
            let mut map = self.by_folder.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(folder.to_path_buf())
                .or_insert_with(|| {
                    settings::load_for(path.unwrap_or(folder)).map(std::sync::Arc::new)
                })
                .clone()
        };
        let Some(p) = found else {
            return (*flags, None);
        };
        let note = (!p.errors.is_empty()
            && self
                .reported
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(p.path.clone()))
        .then(|| {
            format!(
                "警告：项目设置文件 {} 有 {} 处问题（其余设置照常生效）：\n  {}",
                output::escape(&p.path.display().to_string()),
                p.errors.len(),
                p.errors.join("\n  ")
            )
        });
        (p.settings.overlay(flags), note)
    }
}

fn fix_input(
    input: &mut Input,
    diags: &[Diagnostic],
    at_least: Applicability,
) -> Option<FixOutcome> {
    let edits = fix::fix_all_with(diags, at_least);
    if edits.is_empty() {
        return None;
    }
    if let Some(c) = &input.converted {
        return Some(FixOutcome {
            applied: Vec::new(),
            error: Some(format!(
                "{}不能直接修复：先用 `nianbao convert` 转成 Markdown 再修复",
                c.source.name()
            )),
        });
    }
    let applied: Vec<Code> = diags
        .iter()
        .filter(|d| {
            d.fixes.iter().any(|f| {
                f.applicability <= at_least
                    && f.applicability != Applicability::DisplayOnly
                    && f.edits.iter().all(|e| edits.contains(e))
            })
        })
        .map(|d| d.code)
        .collect();
    let new_text = fix::apply_edits(&input.text, &edits);
    let raw = input.raw.take().unwrap_or_default();
    // Only a text that comes back byte for byte outside the edits is written.
    let (error, raw) = match input::round_trip_problem(&raw, &input.text, input.encoding) {
        Some(why) => (
            Some(format!("文件的编码无法原样写回（{why}），未写入")),
            raw,
        ),
        None => match encode(&new_text, input.encoding) {
            Err(e) => (Some(e), raw),
            Ok(bytes) => match (&input.path, input.stamp) {
                (Some(path), Some(stamp)) => {
                    let expected = write::Expected { bytes: &raw, stamp };
                    (write::replace(path, &bytes, Some(expected)).err(), raw)
                }
                (Some(_), None) => (Some("不是普通文件，未写入".to_string()), raw),
                // Standard input: the fixed text goes to standard output.
                (None, _) => (None, bytes),
            },
        },
    };
    input.raw = Some(raw);
    if error.is_none() {
        input.text = new_text;
    }
    Some(FixOutcome { applied, error })
}

/// What checking one file takes besides the file: the same for every file of a run.
struct Job<'a> {
    flags: Settings,
    projects: &'a ProjectFiles,
    no_config: bool,
    /// `--fix`: the fixes applied, those of at least this applicability.
    fix: Option<Applicability>,
    /// The largest file read.
    limit: u64,
    /// Last year's reports.
    previous: &'a Previous,
}

/// Reads one file (`-`: standard input), checks it and, with `--fix`, fixes it.
fn check_file(path: &Path, job: &Job) -> Outcome {
    let mut input = match read_input(path, job.limit, job.fix.is_some()) {
        Ok(input) => input,
        Err(error) => {
            return Outcome::Failed {
                path: path.to_path_buf(),
                error,
            };
        }
    };
    let (settings, note) = if job.no_config {
        (job.flags, None)
    } else {
        job.projects.settings_for(input.path.as_deref(), &job.flags)
    };
    let checked = input.path.clone();
    let lookup = |key: &str, year: i32| job.previous.find(checked.as_deref(), key, year);
    // Read as last year's report too, unless it is about to be fixed.
    let (reports, mut diags, mut stats) = if job.fix.is_some() {
        analyse(&input.text, &settings, &lookup, |_| {})
    } else {
        analyse(&input.text, &settings, &lookup, |doc| {
            if let Some(p) = &checked {
                job.previous.offer(p, &input.text, doc);
            }
        })
    };
    let mut fixed = None;
    if let Some(level) = job.fix {
        if reports > 0 {
            fixed = fix_input(&mut input, &diags, level);
            if fixed.as_ref().is_some_and(|f| f.error.is_none()) {
                (_, diags, stats) = analyse(&input.text, &settings, &lookup, |_| {});
            }
        }
        // Standard input with `--fix` always gives its text back, fixed or not.
        if input.path.is_none() && fixed.is_none() {
            fixed = Some(FixOutcome {
                applied: Vec::new(),
                error: None,
            });
        }
    }
    input.others = other_places(&diags, job.previous);
    if let Some(c) = &input.converted {
        let doc = parse::parse(&input.text);
        input.places = diags
            .iter()
            .map(|d| input::Described {
                at: c.describe(&doc, &d.range),
                related: d
                    .related
                    .iter()
                    .map(|r| match r.file {
                        None => c.describe(&doc, &r.range),
                        Some(_) => String::new(),
                    })
                    .collect(),
            })
            .collect();
    }
    Outcome::Checked {
        input: Box::new(input),
        reports,
        diags,
        fixed,
        stats,
        note,
    }
}

/// What is kept of a file once it is checked: its output, its counts, and the bytes of standard
/// input when they are given back on standard output.
struct Done {
    shown: Vec<u8>,
    counts: Summary,
    note: Option<String>,
    stdin_bytes: Option<Vec<u8>>,
}

fn done(o: Outcome, shown: &output::Shown, text_out: bool) -> Done {
    let mut counts = Summary::default();
    counts.add(&o);
    let bytes = output::file(&o, shown);
    let (note, stdin_bytes) = match o {
        Outcome::Checked { input, note, .. } => {
            let stdin = text_out && input.path.is_none();
            (note, input.raw.filter(|_| stdin))
        }
        Outcome::Failed { .. } => (None, None),
    };
    Done {
        shown: bytes,
        counts,
        note,
        stdin_bytes,
    }
}

/// Where the report goes, file by file: what cannot be written is kept as the first error,
/// and nothing more is written after it (the files are still checked and fixed).
struct Sink<'a> {
    out: std::io::BufWriter<Box<dyn Write>>,
    progress: &'a stream::Progress,
    /// The output is the terminal the bar is on: each file's output is written at once, with
    /// the bar taken off meanwhile.
    terminal: bool,
    error: Option<std::io::Error>,
}

impl Sink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        if self.error.is_some() || bytes.is_empty() {
            return;
        }
        let r = if self.terminal {
            self.progress
                .suspend(|| self.out.write_all(bytes).and_then(|_| self.out.flush()))
        } else {
            self.out.write_all(bytes)
        };
        if let Err(e) = r {
            self.error = Some(e);
        }
    }

    fn finish(mut self) -> std::io::Result<()> {
        match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        }
    }
}

fn run_check(args: CheckArgs) -> ExitCode {
    let flags = match flag_settings(&args) {
        Ok(s) => s,
        Err(msg) => return fail(msg),
    };
    let projects = ProjectFiles::default();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (files, expand_errors) = expand(&paths);
    let stdin_count = files.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 1 {
        return fail("标准输入 `-` 只能给出一次");
    }
    let limit = input::mib(args.max_file_mib);
    let previous = if args.no_previous {
        Previous::none(limit)
    } else {
        match Previous::build(&files, args.previous.as_deref(), limit) {
            Ok(p) => p,
            Err(msg) => return fail(msg),
        }
    };
    let job = Job {
        flags,
        projects: &projects,
        no_config: args.no_config,
        fix: args.fix.then_some(if args.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        }),
        limit,
        previous: &previous,
    };
    // With `--fix -` standard output carries the text (or the JSON holding it); the human
    // report goes to standard error.
    let text_out = args.fix && stdin_count == 1 && args.format == Format::Human;
    let to_terminal = if text_out {
        std::io::IsTerminal::is_terminal(&std::io::stderr())
    } else {
        std::io::IsTerminal::is_terminal(&std::io::stdout())
    };
    let color = match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => std::env::var_os("NO_COLOR").is_none() && to_terminal,
    };
    let shown = output::Shown {
        format: args.format,
        color,
        fixing: args.fix,
        quiet: args.quiet,
        stats: args.stats,
    };
    let progress = stream::Progress::new(
        files.len(),
        !args.quiet && files.len() > 1 && std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    let target: Box<dyn Write> = if text_out {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    let mut sink = Sink {
        out: std::io::BufWriter::new(target),
        progress: &progress,
        terminal: to_terminal && progress.shown(),
        error: None,
    };
    let (mut printer, head) = output::Printer::start(args.format);
    sink.put(&head);
    let mut summary = Summary::default();
    for (path, error) in expand_errors {
        let d = done(Outcome::Failed { path, error }, &shown, text_out);
        summary.merge(&d.counts);
        sink.put(&printer.file(d.shown));
    }
    let mut stdin_bytes = None;
    let window = rayon::current_num_threads() * 16;
    stream::for_each_ordered(
        &files,
        window,
        |p| done(check_file(p, &job), &shown, text_out),
        |i, d| {
            summary.merge(&d.counts);
            if let Some(note) = &d.note {
                progress.suspend(|| eprintln!("{note}"));
            }
            sink.put(&printer.file(d.shown));
            if d.stdin_bytes.is_some() {
                stdin_bytes = d.stdin_bytes;
            }
            let next = files.get(i + 1).map(|p| output::failed_display(p));
            progress.advance(i + 1, next.as_deref().map(|n| output::escape(n)).as_deref());
        },
    );
    progress.clear();
    sink.put(&printer.end(&summary, &shown));
    let written = if text_out {
        // The report on standard error is a courtesy; the text on standard output is the result.
        let _ = sink.finish();
        let mut out = std::io::stdout().lock();
        out.write_all(stdin_bytes.as_deref().unwrap_or_default())
            .and_then(|_| out.flush())
    } else {
        sink.finish()
    };
    match written {
        Ok(()) => {}
        // A reader that stopped early (`| head`) has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            return fail(format!("无法写入标准输出：{}", input::os_message(&e)));
        }
    }
    if summary.io_errors > 0 {
        ExitCode::from(2)
    } else if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[derive(Default)]
struct Summary {
    /// Files that hold reports, and the reports they hold.
    files: usize,
    reports: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    fixable: usize,
    fixed: usize,
    io_errors: usize,
}

impl Summary {
    /// Counts one file.
    fn add(&mut self, o: &Outcome) {
        let s = self;
        match o {
            Outcome::Failed { .. } => s.io_errors += 1,
            Outcome::Checked {
                reports,
                diags,
                fixed,
                ..
            } => {
                if *reports == 0 {
                    s.skipped += 1;
                    return;
                }
                s.files += 1;
                s.reports += reports;
                for d in diags {
                    match d.severity {
                        Severity::Error => s.errors += 1,
                        Severity::Warning => s.warnings += 1,
                        _ => s.infos += 1,
                    }
                    if d.fixes.iter().any(|f| f.is_safe()) {
                        s.fixable += 1;
                    }
                }
                if let Some(f) = fixed {
                    if f.error.is_none() {
                        s.fixed += f.applied.len();
                    } else {
                        s.io_errors += 1;
                    }
                }
            }
        }
    }

    fn merge(&mut self, o: &Summary) {
        self.files += o.files;
        self.reports += o.reports;
        self.skipped += o.skipped;
        self.errors += o.errors;
        self.warnings += o.warnings;
        self.infos += o.infos;
        self.fixable += o.fixable;
        self.fixed += o.fixed;
        self.io_errors += o.io_errors;
    }
}
