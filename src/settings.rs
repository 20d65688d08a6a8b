//! Which diagnostics are reported and how: the settings shared by `nianbao check` and the language
//! server. They come in layers — defaults, a project file `nianbao.toml` found upward from the
//! checked file, then the editor's settings or the command line — each layer naming only what it
//! changes. Suppression comments in the text are applied with them, in [`Settings::apply`].

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Severity};
use crate::model::{Suppression, suppressed};

/// The name of the project settings file.
pub const FILE_NAME: &str = "nianbao.toml";

/// Rule selection and severities. Cheap to copy and to compare (the incremental checker keys its
/// caches on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Settings {
    /// Bit `code as usize` set: the code is listed as disabled (`disabled-codes`).
    disabled: u64,
    /// Bit set: the code's level is set by `severity[code]` (`None` there means `off`).
    overridden: u64,
    severity: [Option<Severity>; Code::ALL.len()],
}

/// A severity a setting can name: a level, or `off` (not reported at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    Shown(Severity),
}

impl Level {
    /// `error`, `warning` (`warn`), `information` (`info`), `hint`, `off`, and the Chinese words
    /// of the messages (错误, 警告, 提示, 关闭).
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" | "关闭" => Level::Off,
            "error" | "err" | "错误" => Level::Shown(Severity::Error),
            "warning" | "warn" | "警告" => Level::Shown(Severity::Warning),
            "information" | "info" | "提示" => Level::Shown(Severity::Information),
            "hint" => Level::Shown(Severity::Hint),
            _ => return None,
        })
    }
}

/// What the valid levels are, for messages.
pub const LEVELS: &str = "error、warning（warn）、information（info）、hint 或 off";

impl Settings {
    /// Whether diagnostics of `code` are reported (its check is run).
    pub fn enabled(&self, code: Code) -> bool {
        self.severity(code).is_some()
    }

    /// The severity diagnostics of `code` are shown with, `None` when they are not reported.
    pub fn severity(&self, code: Code) -> Option<Severity> {
        if self.disabled & bit(code) != 0 {
            None
        } else if self.overridden & bit(code) != 0 {
            self.severity[code as usize]
        } else {
            Some(code.severity())
        }
    }

    /// Lists `code` as disabled.
    pub fn disable(&mut self, code: Code) {
        self.disabled |= bit(code);
    }

    /// Makes `codes` the list of disabled codes (a layer of editor settings that names the list
    /// replaces the one below).
    pub fn set_disabled(&mut self, codes: impl IntoIterator<Item = Code>) {
        self.disabled = codes.into_iter().fold(0, |acc, c| acc | bit(c));
    }

    /// Sets a code's level (`off`: not reported).
    pub fn set_level(&mut self, code: Code, level: Level) {
        self.overridden |= bit(code);
        self.severity[code as usize] = match level {
            Level::Off => None,
            Level::Shown(s) => Some(s),
        };
    }

    /// The codes not reported, in the order of [`Code::ALL`].
    pub fn disabled_codes(&self) -> Vec<Code> {
        Code::ALL
            .into_iter()
            .filter(|c| !self.enabled(*c))
            .collect()
    }

    /// `later` over `self` (the editor's or the command line's settings over the project file's):
    /// the codes either disables are disabled, and a level `later` sets replaces `self`'s.
    pub fn overlay(&self, later: &Settings) -> Settings {
        let mut out = *self;
        out.disabled |= later.disabled;
        for c in Code::ALL {
            if later.overridden & bit(c) != 0 {
                out.overridden |= bit(c);
                out.severity[c as usize] = later.severity[c as usize];
            }
        }
        out
    }

    /// The diagnostics as shown: those not disabled and not silenced by a suppression comment,
    /// each with its severity (the one set for its code, else the check's own: a code's default,
    /// or a lower one for a finding that can have a good reason). This is the one place both
    /// apply.
    pub fn apply(&self, diags: &mut Vec<Diagnostic>, suppressions: &[Suppression]) {
        diags.retain_mut(|d| match self.severity(d.code) {
            Some(s) if !suppressed(suppressions, d.code.as_str(), &d.range) => {
                if self.overridden & bit(d.code) != 0 {
                    d.severity = s;
                }
                true
            }
            _ => false,
        });
    }

    /// Reads the project file's text. Every problem is reported (in Chinese), and what is valid
    /// is kept: a typo in one key does not reset the others.
    pub fn from_toml(text: &str) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut errors = Vec::new();
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("不是有效的 TOML：{}", e.message()));
                return (s, errors);
            }
        };
        for (key, value) in &table {
            match key.as_str() {
                "disabled-codes" | "disable" => match value.as_array() {
                    Some(items) => {
                        let (codes, error) =
                            code_list(key, items.iter().map(|it| (it.as_str(), shown(it))));
                        codes.into_iter().for_each(|c| s.disable(c));
                        errors.extend(error);
                    }
                    None => errors.push(format!(
                        "{key} 应为诊断代码的数组，例如 {key} = [\"cell-blank\"]"
                    )),
                },
                "severity" => match value.as_table() {
                    Some(map) => {
                        for (code, level) in map {
                            match severity_entry(code, level.as_str(), &shown(level)) {
                                Ok((c, l)) => s.set_level(c, l),
                                Err(e) => errors.push(e),
                            }
                        }
                    }
                    None => errors.push(
                        "severity 应为一个表：[severity] 下每行「诊断代码 = \"级别\"」".to_string(),
                    ),
                },
                other => errors.push(format!(
                    "未知的设置「{other}」（可用：disabled-codes、severity）"
                )),
            }
        }
        (s, errors)
    }
}

/// One entry of a severity table: a code and a level, as written (`shown` is how the level is
/// quoted in the message).
pub fn severity_entry(
    code: &str,
    level: Option<&str>,
    shown: &str,
) -> Result<(Code, Level), String> {
    let Some(c) = Code::parse(code) else {
        return Err(format!(
            "severity 中的「{code}」不是诊断代码。{}",
            known_codes()
        ));
    };
    match level.and_then(Level::parse) {
        Some(l) => Ok((c, l)),
        None => Err(format!(
            "severity 中「{code}」的级别「{shown}」无效，应为 {LEVELS}"
        )),
    }
}

/// A list of codes as written (each with how to quote it): the codes, and a message naming every
/// item that is not a code (`key` is the setting's name).
pub fn code_list<'a>(
    key: &str,
    items: impl IntoIterator<Item = (Option<&'a str>, String)>,
) -> (Vec<Code>, Option<String>) {
    let mut codes = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for (item, shown) in items {
        match item.and_then(Code::parse) {
            Some(c) => codes.push(c),
            None => unknown.push(format!("「{shown}」")),
        }
    }
    if unknown.is_empty() {
        return (codes, None);
    }
    unknown.dedup();
    let more = if unknown.len() > 5 {
        format!(" 等 {} 项", unknown.len())
    } else {
        String::new()
    };
    unknown.truncate(5);
    let msg = format!(
        "{key} 中的{}{more}不是诊断代码。{}",
        unknown.join("、"),
        known_codes()
    );
    (codes, Some(msg))
}

fn bit(code: Code) -> u64 {
    1 << (code as u32)
}

fn shown(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The list of codes, for messages about a wrong one.
pub fn known_codes() -> String {
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    format!("可用的代码：{}", names.join("、"))
}

/// The project file that applies to `path` (a file or a folder): the nearest `nianbao.toml` in its
/// folder or a folder above.
pub fn find_file(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()?.to_path_buf()
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|f| f.is_file())
}

/// A project file read: its settings and what was wrong in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFile {
    pub path: PathBuf,
    pub settings: Settings,
    pub errors: Vec<String>,
}

/// Reads the project file that applies to `path`, if there is one.
pub fn load_for(path: &Path) -> Option<ProjectFile> {
    let file = find_file(path)?;
    Some(match std::fs::read_to_string(&file) {
        Ok(text) => {
            let (settings, errors) = Settings::from_toml(&text);
            ProjectFile {
                path: file,
                settings,
                errors,
            }
        }
        Err(e) => ProjectFile {
            errors: vec![format!("无法读取：{e}")],
            path: file,
            settings: Settings::default(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn layers_and_levels() {
        let (file, errors) = Settings::from_toml(
            "disabled-codes = [\"cell-blank\"]\n[severity]\nrow-label = \"error\"\nperiod-mismatch = \"off\"\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!file.enabled(Code::CellBlank));
        assert_eq!(file.severity(Code::RowLabel), Some(Severity::Error));
        assert_eq!(file.severity(Code::PeriodMismatch), None);
        assert_eq!(file.severity(Code::TotalMismatch), Some(Severity::Error));
        // The editor turns row-label off and sets a level for period-mismatch.
        let mut editor = Settings::default();
        editor.set_level(Code::PeriodMismatch, Level::Shown(Severity::Hint));
        editor.disable(Code::RowLabel);
        let both = file.overlay(&editor);
        assert_eq!(both.severity(Code::CellBlank), None);
        assert_eq!(both.severity(Code::PeriodMismatch), Some(Severity::Hint));
        assert_eq!(both.severity(Code::RowLabel), None);
    }

    #[test]
    fn every_problem_is_reported_and_the_rest_kept() {
        let (s, errors) = Settings::from_toml(
            "disabled-codes = [\"cell-blank\", \"total\"]\nfoo = 1\n[severity]\nrow-label = \"warn\"\nsection-title = \"loud\"\nnope = \"error\"\n",
        );
        assert!(!s.enabled(Code::CellBlank));
        assert_eq!(s.severity(Code::RowLabel), Some(Severity::Warning));
        expect![[r#"
            disabled-codes 中的「total」不是诊断代码。可用的代码：total-mismatch、balance-mismatch、cell-blank、value-invalid、row-shape、section-missing、section-order、section-title、table-missing、row-missing、row-label、format-outdated、basis-outdated、text-mismatch、prior-year-mismatch、fee-missing、period-mismatch、guizhang-level、draft-todo
            未知的设置「foo」（可用：disabled-codes、severity）
            severity 中的「nope」不是诊断代码。可用的代码：total-mismatch、balance-mismatch、cell-blank、value-invalid、row-shape、section-missing、section-order、section-title、table-missing、row-missing、row-label、format-outdated、basis-outdated、text-mismatch、prior-year-mismatch、fee-missing、period-mismatch、guizhang-level、draft-todo
            severity 中「section-title」的级别「loud」无效，应为 error、warning（warn）、information（info）、hint 或 off"#]]
        .assert_eq(&errors.join("\n"));
    }

    #[test]
    fn the_project_file_is_found_upward() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("2024/县直部门");
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::write(
            dir.path().join(FILE_NAME),
            "disabled-codes = [\"cell-blank\"]\n",
        )
        .expect("write");
        let report = sub.join("报告.md");
        std::fs::write(&report, "x").expect("write");
        let p = load_for(&report).expect("found");
        assert!(!p.settings.enabled(Code::CellBlank));
        assert!(p.errors.is_empty());
    }
}
