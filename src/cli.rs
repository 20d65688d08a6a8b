//! The command line: `nianbao check`, `nianbao new` (and `nianbao lsp`). Reads files in UTF-8 or
//! GB18030/GBK, prints diagnostics for people (rustc/ruff style) or as JSON, and applies safe
//! fixes atomically when asked.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::diag::{Applicability, Code, Diagnostic, Severity};
use crate::settings::{self, Level, Settings};
use crate::text::{Encoding, LineIndex};
use crate::{check, draft, fix, parse};

pub mod formats;

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

/// What reading one input gave.
struct Input {
    display: String,
    path: Option<PathBuf>,
    text: String,
    /// Encoding the file was in, to write it back the same way.
    gb18030: bool,
    /// A Word document, web page or PDF turned into text, with the places of its parts.
    converted: Option<crate::input::Converted>,
    /// For a converted file: where each diagnostic stands in the original (same order).
    places: Vec<String>,
}

enum Outcome {
    Checked {
        input: Input,
        /// How many annual reports the file holds (more than one in a compilation, 0 when it
        /// is not a report).
        reports: usize,
        diags: Vec<Diagnostic>,
        fixed: Option<FixOutcome>,
    },
    Failed {
        display: String,
        error: String,
    },
}

struct FixOutcome {
    applied: Vec<Code>,
    error: Option<String>,
}

pub fn run(cli: Cli) -> ExitCode {
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
        } => formats::run_new_from(&from, year, org, output.as_deref()),
        Command::New {
            org, year, output, ..
        } => {
            let (Some(org), Some(year)) = (org, year) else {
                eprintln!(
                    "错误：请给出 --org 机关名称和 --year 报告年度，或用 --from 指定上一年度报告"
                );
                return ExitCode::from(2);
            };
            if org.trim().is_empty() {
                eprintln!("错误：--org 机关名称不能为空");
                return ExitCode::from(2);
            }
            if !(1990..=2100).contains(&year) {
                eprintln!("错误：--year 应为四位年份，例如 2025");
                return ExitCode::from(2);
            }
            let draft = draft::new_report(org.trim(), year);
            match output {
                Some(o) => match write_atomic(&o, draft.as_bytes()) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("错误：{}：{e}", o.display());
                        ExitCode::from(2)
                    }
                },
                None => {
                    print!("{draft}");
                    ExitCode::SUCCESS
                }
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
            for c in Code::ALL {
                println!(
                    "{:<20} {:<12} {}",
                    c.as_str(),
                    c.severity().as_str(),
                    c.summary()
                );
            }
            ExitCode::SUCCESS
        }
    }
}

fn is_candidate(p: &Path) -> bool {
    crate::input::is_candidate(p)
}

/// Expands folders (recursively, sorted) into candidate files; errors for paths that do not exist.
pub(crate) fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            files.push(p.clone());
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_map(|e| match e {
                        Ok(e) => Some(e),
                        Err(err) => {
                            errors
                                .push((p.display().to_string(), format!("无法读取文件夹：{err}")));
                            None
                        }
                    })
                    .filter(|e| e.file_type().is_file() && is_candidate(e.path()))
                    .map(|e| e.into_path())
                    .collect();
                files.append(&mut found);
            }
            Ok(_) => files.push(p.clone()),
            Err(e) => errors.push((p.display().to_string(), io_message(&e))),
        }
    }
    (files, errors)
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        _ => format!("无法读取：{e}"),
    }
}

/// Decodes bytes as UTF-8, or else as GB18030 (a superset of GBK and GB2312).
fn decode(bytes: &[u8]) -> Result<(String, bool), String> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), false));
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err("无法识别文件编码（既不是 UTF-8，也不是 GB18030/GBK）".to_string());
    }
    Ok((text.into_owned(), true))
}

/// The text of a file of any supported format (or of standard input for `-`).
pub(crate) fn read_text(p: &Path) -> Result<String, String> {
    read_input(p).map(|i| i.text)
}

fn read_input(p: &Path) -> Result<Input, String> {
    if p.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| io_message(&e))?;
        let (text, gb) = decode(&bytes)?;
        return Ok(Input {
            display: "<标准输入>".to_string(),
            path: None,
            text,
            gb18030: gb,
            converted: None,
            places: Vec::new(),
        });
    }
    let bytes = std::fs::read(p).map_err(|e| io_message(&e))?;
    let converted = crate::input::read(p, &bytes).map_err(|e| e.to_string())?;
    let (text, gb) = match &converted {
        Some(c) => (c.text.clone(), false),
        None => decode(&bytes)?,
    };
    Ok(Input {
        display: p.display().to_string(),
        path: Some(p.to_path_buf()),
        text,
        gb18030: gb,
        converted,
        places: Vec::new(),
    })
}

/// The number of reports in a text and its diagnostics as shown with `settings`.
fn analyse(text: &str, settings: &Settings) -> (usize, Vec<Diagnostic>) {
    let doc = parse::parse(text);
    let diags = check::check(&doc, text, settings);
    (doc.annual_reports().count(), diags)
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
    /// The settings for a file: the command line's over its project file's.
    fn settings_for(&self, path: Option<&Path>, flags: &Settings) -> Settings {
        let Some(folder) = path.and_then(Path::parent) else {
            return *flags;
        };
        let found = {
            let mut map = self.by_folder.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(folder.to_path_buf())
                .or_insert_with(|| {
                    settings::load_for(path.unwrap_or(folder)).map(std::sync::Arc::new)
                })
                .clone()
        };
        let Some(p) = found else { return *flags };
        if !p.errors.is_empty()
            && self
                .reported
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(p.path.clone())
        {
            eprintln!(
                "警告：项目设置文件 {} 有 {} 处问题（其余设置照常生效）：\n  {}",
                p.path.display(),
                p.errors.len(),
                p.errors.join("\n  ")
            );
        }
        p.settings.overlay(flags)
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| format!("无法创建临时文件：{e}"))?;
    tmp.write_all(bytes).map_err(|e| format!("写入失败：{e}"))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| format!("写入失败：{e}"))?;
    keep_permissions(tmp.path(), path);
    tmp.persist(path)
        .map_err(|e| format!("无法替换原文件：{}", e.error))?;
    Ok(())
}

/// Gives the temporary file `tmp` the permissions of the file it replaces, or those of a new
/// file (rw-r--r--) rather than the temporary file's own (rw-------).
pub(crate) fn keep_permissions(tmp: &Path, target: &Path) {
    match std::fs::metadata(target) {
        Ok(meta) => {
            let _ = std::fs::set_permissions(tmp, meta.permissions());
        }
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o644));
            }
        }
    }
}

fn encode(text: &str, gb: bool) -> Result<Vec<u8>, String> {
    if !gb {
        return Ok(text.as_bytes().to_vec());
    }
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    if unmappable {
        return Err("修复后的文本无法按 GB18030 编码写回".to_string());
    }
    Ok(bytes.into_owned())
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
    let error = match &input.path {
        Some(path) => {
            // Only write what re-encodes to the original bytes outside the edits.
            let original = encode(&input.text, input.gb18030);
            let on_disk = std::fs::read(path).ok();
            match (original, encode(&new_text, input.gb18030)) {
                (Ok(orig), Ok(bytes)) if on_disk.as_deref() == Some(&orig[..]) => {
                    write_atomic(path, &bytes).err()
                }
                (Ok(_), Ok(_)) => Some("文件在检查期间被修改，未写入".to_string()),
                (Err(e), _) | (_, Err(e)) => Some(e),
            }
        }
        None => None,
    };
    if error.is_none() {
        input.text = new_text;
    }
    Some(FixOutcome { applied, error })
}

fn run_check(args: CheckArgs) -> ExitCode {
    let flags = match flag_settings(&args) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("错误：{msg}");
            return ExitCode::from(2);
        }
    };
    let projects = ProjectFiles::default();
    let fix_level = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (files, expand_errors) = expand(&paths);
    let stdin_count = files.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 1 {
        eprintln!("错误：标准输入 `-` 只能给出一次");
        return ExitCode::from(2);
    }
    let outcomes: Vec<Outcome> = files
        .par_iter()
        .map(|p| match read_input(p) {
            Err(error) => Outcome::Failed {
                display: p.display().to_string(),
                error,
            },
            Ok(mut input) => {
                let settings = if args.no_config {
                    flags
                } else {
                    projects.settings_for(input.path.as_deref(), &flags)
                };
                let (reports, mut diags) = analyse(&input.text, &settings);
                let mut fixed = None;
                if args.fix && reports > 0 {
                    fixed = fix_input(&mut input, &diags, fix_level);
                    if fixed.as_ref().is_some_and(|f| f.error.is_none()) {
                        diags = analyse(&input.text, &settings).1;
                    }
                }
                if let Some(c) = &input.converted {
                    let doc = parse::parse(&input.text);
                    input.places = diags.iter().map(|d| c.describe(&doc, &d.range)).collect();
                }
                Outcome::Checked {
                    input,
                    reports,
                    diags,
                    fixed,
                }
            }
        })
        .collect();
    let mut outcomes = outcomes;
    for (display, error) in expand_errors {
        outcomes.insert(0, Outcome::Failed { display, error });
    }
    let color = match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::env::var_os("NO_COLOR").is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stdout())
        }
    };
    let summary = summarise(&outcomes);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        Format::Json => print_json(&mut out, &outcomes, &summary),
        Format::Human => print_human(&mut out, &outcomes, &summary, color, args.fix),
    };
    // With `--fix` on standard input, the fixed text goes to standard output after the report.
    if args.fix {
        for o in &outcomes {
            if let Outcome::Checked {
                input,
                fixed: Some(_),
                ..
            } = o
                && input.path.is_none()
                && args.format == Format::Human
            {
                let _ = write!(out, "{}", input.text);
            }
        }
    }
    if written.is_err() {
        return ExitCode::from(2);
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

fn summarise(outcomes: &[Outcome]) -> Summary {
    let mut s = Summary::default();
    for o in outcomes {
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
                    continue;
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
    s
}

fn print_human(
    out: &mut impl Write,
    outcomes: &[Outcome],
    s: &Summary,
    color: bool,
    fixing: bool,
) -> std::io::Result<()> {
    let paint = |style: Style, text: &str| -> String {
        if color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    };
    let bold = Style::new().bold();
    let blue = Style::new().bold().fg_color(Some(AnsiColor::Blue.into()));
    for o in outcomes {
        match o {
            Outcome::Failed { display, error } => {
                writeln!(
                    out,
                    "{}：{display}：{error}",
                    paint(
                        Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
                        "错误"
                    )
                )?;
                writeln!(out)?;
            }
            Outcome::Checked {
                input,
                reports,
                diags,
                fixed,
            } => {
                if *reports == 0 {
                    writeln!(
                        out,
                        "{}：{}：不是政府信息公开工作年度报告，已跳过",
                        paint(bold, "跳过"),
                        input.display
                    )?;
                    continue;
                }
                if let Some(f) = fixed {
                    match &f.error {
                        None => writeln!(
                            out,
                            "{}：{}：修复了 {} 处问题",
                            paint(
                                Style::new().bold().fg_color(Some(AnsiColor::Green.into())),
                                "已修复"
                            ),
                            input.display,
                            f.applied.len()
                        )?,
                        Some(e) => writeln!(
                            out,
                            "{}：{}：{e}",
                            paint(
                                Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
                                "修复失败"
                            ),
                            input.display
                        )?,
                    }
                }
                let idx = LineIndex::new(&input.text);
                for (i, d) in diags.iter().enumerate() {
                    let place = input.places.get(i).map(String::as_str);
                    render(
                        out,
                        &input.display,
                        &input.text,
                        &idx,
                        d,
                        place,
                        &paint,
                        blue,
                    )?;
                }
            }
        }
    }
    let mut line = if s.reports > s.files {
        format!(
            "检查 {} 份报告（{} 个文件）：{} 个错误，{} 个警告",
            s.reports, s.files, s.errors, s.warnings
        )
    } else {
        format!(
            "检查 {} 份报告：{} 个错误，{} 个警告",
            s.reports, s.errors, s.warnings
        )
    };
    if s.infos > 0 {
        line.push_str(&format!("，{} 个提示", s.infos));
    }
    if s.skipped > 0 {
        line.push_str(&format!("；跳过 {} 个非报告文件", s.skipped));
    }
    if s.io_errors > 0 {
        line.push_str(&format!("；{} 个文件无法处理", s.io_errors));
    }
    writeln!(out, "{}", paint(bold, &line))?;
    if fixing {
        writeln!(out, "已自动修复 {} 处问题", s.fixed)?;
    } else if s.fixable > 0 {
        writeln!(
            out,
            "其中 {} 处可用 `nianbao check --fix` 自动修复",
            s.fixable
        )?;
    }
    Ok(())
}

fn severity_style(sev: Severity) -> Style {
    let c = match sev {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        _ => AnsiColor::Cyan,
    };
    Style::new().bold().fg_color(Some(c.into()))
}

/// Display width of a source fragment, tabs expanded to four columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if c == '\t' {
                4
            } else {
                unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
            }
        })
        .sum()
}

#[allow(clippy::too_many_arguments)]
fn render(
    out: &mut impl Write,
    path: &str,
    text: &str,
    idx: &LineIndex,
    d: &Diagnostic,
    place: Option<&str>,
    paint: &impl Fn(Style, &str) -> String,
    blue: Style,
) -> std::io::Result<()> {
    let sev = severity_style(d.severity);
    writeln!(
        out,
        "{}: {}",
        paint(sev, &format!("{}[{}]", d.severity.chinese(), d.code)),
        paint(Style::new().bold(), &d.message)
    )?;
    let start = idx.position(text, d.range.start, Encoding::Utf32);
    let line_no = (start.line + 1).to_string();
    let pad = " ".repeat(line_no.len());
    match place {
        // A Word document, web page or PDF: the place in words a person finds there.
        Some(place) => writeln!(out, "{pad}{} {path}：{place}", paint(blue, "-->"))?,
        None => writeln!(
            out,
            "{pad}{} {path}:{}:{}",
            paint(blue, "-->"),
            start.line + 1,
            start.character + 1
        )?,
    }
    let lr = idx.line_range(start.line as usize);
    let line = &text[lr.clone()];
    let shown: String = line.replace('\t', "    ");
    writeln!(out, "{pad} {}", paint(blue, "|"))?;
    writeln!(
        out,
        "{} {} {}",
        paint(blue, &line_no),
        paint(blue, "|"),
        shown.trim_end()
    )?;
    let from = d.range.start.clamp(lr.start, lr.end);
    let to = d.range.end.clamp(from, lr.end);
    let lead = width(&text[lr.start..from]);
    let len = width(&text[from..to]).max(1);
    writeln!(
        out,
        "{pad} {} {}{}",
        paint(blue, "|"),
        " ".repeat(lead),
        paint(sev, &"^".repeat(len))
    )?;
    if let Some(f) = d.fixes.iter().min_by_key(|f| f.applicability) {
        let how = match f.applicability {
            Applicability::Safe => "可自动修复",
            Applicability::Unsafe => "建议（需确认，`--fix --unsafe-fixes` 可应用）",
            Applicability::DisplayOnly => "可能的修改",
        };
        writeln!(out, "{pad} {} {how}：{}", paint(blue, "="), f.title)?;
    }
    writeln!(out)?;
    Ok(())
}

fn print_json(out: &mut impl Write, outcomes: &[Outcome], s: &Summary) -> std::io::Result<()> {
    use serde_json::{Value as J, json};
    let mut files = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Failed { display, error } => {
                files.push(json!({"path": display, "error": error}))
            }
            Outcome::Checked {
                input,
                reports,
                diags,
                fixed,
            } => {
                let idx = LineIndex::new(&input.text);
                let range = |r: &std::ops::Range<usize>| -> J {
                    let a = idx.position(&input.text, r.start, Encoding::Utf16);
                    let b = idx.position(&input.text, r.end, Encoding::Utf16);
                    json!({"start": {"line": a.line, "character": a.character}, "end": {"line": b.line, "character": b.character}})
                };
                let ds: Vec<J> = diags
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        let mut j = json!({
                            "code": d.code.as_str(),
                            "severity": d.severity.as_str(),
                            "message": d.message,
                            "range": range(&d.range),
                            "related": d.related.iter().map(|r| json!({"range": range(&r.range), "message": r.message})).collect::<Vec<_>>(),
                            "fixes": d.fixes.iter().map(|f| json!({
                                "title": f.title,
                                "applicability": f.applicability.as_str(),
                                "safe": f.is_safe(),
                                "edits": f.edits.iter().map(|e| json!({"range": range(&e.range), "new_text": e.new_text})).collect::<Vec<_>>(),
                            })).collect::<Vec<_>>(),
                        });
                        if let Some(p) = input.places.get(i) {
                            j["place"] = json!(p);
                        }
                        j
                    })
                    .collect();
                let mut file = json!({"path": input.display, "is_report": *reports > 0,
                                      "reports": reports, "diagnostics": ds});
                if let Some(f) = fixed {
                    file["fixed"] = json!({
                        "applied": f.applied.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                        "error": f.error,
                    });
                }
                files.push(file);
            }
        }
    }
    let doc = json!({
        "files": files,
        "summary": {
            "files": s.files,
            "reports": s.reports,
            "skipped": s.skipped,
            "errors": s.errors,
            "warnings": s.warnings,
            "information": s.infos,
            "fixable": s.fixable,
            "fixed": s.fixed,
            "io_errors": s.io_errors,
        }
    });
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
    writeln!(out)
}
