//! The server's settings (`initializationOptions`, `workspace/configuration` section `nianbao`,
//! `workspace/didChangeConfiguration`): read from JSON, validated, with a Chinese message for
//! everything that is wrong. Layers: defaults, then the initialization options, then the workspace
//! settings; a key a layer does not name keeps the value of the layer below, and a wrong key or
//! value is reported and skipped while the valid ones are kept. Which diagnostics are shown is the
//! engine's [`Settings`], shared with the command line (and with `nianbao.toml`, which the server
//! reads under the editor's settings).

use serde_json::Value;

use crate::settings::{LEVELS, Settings, code_list, severity_entry};

/// Default quiet window: long enough that the keystrokes of a number typed into a 总计 cell
/// (typically 80–150 ms apart, arriving up to about 15 ms later or sooner than typed) produce one
/// analysis rather than a flash of errors per digit; short enough that the result is there within
/// 200 ms of the last key (figures in the README).
pub const DEFAULT_DELAY_MS: u64 = 175;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Disabled codes and severities from the editor (over the project file's).
    pub settings: Settings,
    pub delay_ms: u64,
    pub inlay_hints: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            settings: Settings::default(),
            delay_ms: DEFAULT_DELAY_MS,
            inlay_hints: true,
        }
    }
}

impl Config {
    /// Applies the layers in order. Each layer may be `null` (no settings) or an object, either
    /// the settings themselves or `{ "nianbao": { … } }`. Returns the settings and every problem
    /// found (in Chinese); a wrong key or value leaves that setting as the layer below had it.
    pub fn from_layers(layers: &[&Value]) -> (Config, Vec<String>) {
        let mut c = Config::default();
        let mut errors = Vec::new();
        for l in layers {
            c.apply(l, &mut errors);
        }
        (c, errors)
    }

    fn apply(&mut self, v: &Value, errors: &mut Vec<String>) {
        let obj = match v {
            Value::Null => return,
            Value::Object(o) => match o.get("nianbao") {
                Some(Value::Object(inner)) => inner,
                Some(Value::Null) => return,
                Some(_) => {
                    errors.push("nianbao 配置应为一个对象".to_string());
                    return;
                }
                None => o,
            },
            _ => {
                errors.push("nianbao 配置应为一个对象（JSON object）".to_string());
                return;
            }
        };
        for (k, v) in obj {
            if v.is_null() {
                continue;
            }
            match k.as_str() {
                "disabledCodes" => {
                    let Value::Array(items) = v else {
                        errors.push(
                            "disabledCodes 应为诊断代码的字符串数组，例如 [\"cell-blank\"]"
                                .to_string(),
                        );
                        continue;
                    };
                    let (codes, error) = code_list(
                        "disabledCodes",
                        items.iter().map(|it| (it.as_str(), show(it))),
                    );
                    // The list replaces the one of the layer below.
                    self.settings.set_disabled(codes);
                    errors.extend(error);
                }
                "severity" => {
                    let Value::Object(map) = v else {
                        errors.push(format!("severity 应为对象：诊断代码 → {LEVELS}"));
                        continue;
                    };
                    for (code, sev) in map {
                        match severity_entry(code, sev.as_str(), &show(sev)) {
                            Ok((c, l)) => self.settings.set_level(c, l),
                            Err(e) => errors.push(e),
                        }
                    }
                }
                "diagnosticsDelayMs" => match v.as_u64() {
                    Some(ms) if ms <= 60_000 => self.delay_ms = ms,
                    _ => errors.push(format!(
                        "diagnosticsDelayMs 应为 0 到 60000 之间的整数（毫秒），收到的是 {}",
                        show(v)
                    )),
                },
                "inlayHints" => match v.as_bool() {
                    Some(b) => self.inlay_hints = b,
                    None => errors.push(format!(
                        "inlayHints 应为 true 或 false，收到的是 {}",
                        show(v)
                    )),
                },
                // Settings of other tools or of editor plugins (e.g. `path`, `trace`) are not ours.
                _ => {}
            }
        }
    }
}

fn show(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Severity};
    use expect_test::expect;
    use serde_json::json;

    #[test]
    fn layers_override_only_what_they_name() {
        let init = json!({ "diagnosticsDelayMs": 0, "disabledCodes": ["cell-blank"] });
        let ws =
            json!({ "nianbao": { "severity": { "row-label": "off", "total-mismatch": "warn" } } });
        let (c, errors) = Config::from_layers(&[&init, &ws, &Value::Null]);
        assert!(errors.is_empty());
        assert_eq!(c.delay_ms, 0);
        assert_eq!(
            c.settings.disabled_codes(),
            [Code::CellBlank, Code::RowLabel]
        );
        assert_eq!(c.settings.severity(Code::RowLabel), None);
        assert_eq!(
            c.settings.severity(Code::TotalMismatch),
            Some(Severity::Warning)
        );
        assert_eq!(
            c.settings.severity(Code::FeeMissing),
            Some(Severity::Warning)
        );
        assert!(c.inlay_hints);
    }

    #[test]
    fn every_problem_is_reported_and_the_valid_settings_kept() {
        let v = json!({
            "diagnosticsDelayMs": -5,
            "inlayHints": "yes",
            "disabledCodes": ["total", "cell-blank", "typo"],
            "severity": { "cell-blank": "loud", "row-label": "error" },
        });
        let (c, errors) = Config::from_layers(&[&v]);
        assert_eq!(c.delay_ms, DEFAULT_DELAY_MS);
        assert!(!c.settings.enabled(Code::CellBlank));
        assert_eq!(c.settings.severity(Code::RowLabel), Some(Severity::Error));
        expect![[r#"
            diagnosticsDelayMs 应为 0 到 60000 之间的整数（毫秒），收到的是 -5
            disabledCodes 中的「total」、「typo」不是诊断代码。可用的代码：total-mismatch、balance-mismatch、cell-blank、value-invalid、row-shape、section-missing、section-order、section-title、table-missing、row-missing、row-label、format-outdated、basis-outdated、text-mismatch、prior-year-mismatch、fee-missing、period-mismatch、guizhang-level、draft-todo
            inlayHints 应为 true 或 false，收到的是 yes
            severity 中「cell-blank」的级别「loud」无效，应为 error、warning（warn）、information（info）、hint 或 off"#]]
        .assert_eq(&errors.join("\n"));
        let (_, errors) = Config::from_layers(&[&json!(3)]);
        expect![[r#"["nianbao 配置应为一个对象（JSON object）"]"#]]
            .assert_eq(&format!("{errors:?}"));
    }
}
