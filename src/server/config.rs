//! The server's settings (`initializationOptions`, `workspace/configuration` section `nianbao`,
//! `workspace/didChangeConfiguration`): read from JSON, validated, with a Chinese message for
//! whatever is wrong. Layers: defaults, then the initialization options, then the workspace
//! settings; a key a layer does not name keeps the value of the layer below.

use std::collections::HashMap;

use serde_json::Value;

use crate::diag::{Code, Severity};

/// Default quiet window: long enough that the keystrokes of a number typed into a 总计 cell
/// (typically 80–150 ms apart) produce one analysis rather than a flash of errors per digit, short
/// enough to feel live (texlab uses 300 ms, Deno 200 ms).
pub const DEFAULT_DELAY_MS: u64 = 150;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub disabled: Vec<Code>,
    /// Per-code severity; `None` means "off".
    pub severity: HashMap<Code, Option<Severity>>,
    pub delay_ms: u64,
    pub inlay_hints: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            disabled: Vec::new(),
            severity: HashMap::new(),
            delay_ms: DEFAULT_DELAY_MS,
            inlay_hints: true,
        }
    }
}

impl Config {
    /// The severity a diagnostic of `code` is shown with, `None` when it is not shown.
    pub fn effective(&self, code: Code, default: Severity) -> Option<Severity> {
        if self.disabled.contains(&code) {
            return None;
        }
        match self.severity.get(&code) {
            Some(s) => *s,
            None => Some(default),
        }
    }

    /// Applies the layers in order. Each layer may be `null` (no settings) or an object, either
    /// the settings themselves or `{ "nianbao": { … } }`.
    pub fn from_layers(layers: &[&Value]) -> Result<Config, String> {
        let mut c = Config::default();
        for l in layers {
            c.apply(l)?;
        }
        Ok(c)
    }

    fn apply(&mut self, v: &Value) -> Result<(), String> {
        let obj = match v {
            Value::Null => return Ok(()),
            Value::Object(o) => match o.get("nianbao") {
                Some(Value::Object(inner)) => inner,
                Some(Value::Null) => return Ok(()),
                Some(_) => return Err("nianbao 配置应为一个对象".to_string()),
                None => o,
            },
            _ => return Err("nianbao 配置应为一个对象（JSON object）".to_string()),
        };
        let mut next = self.clone();
        for (k, v) in obj {
            if v.is_null() {
                continue;
            }
            match k.as_str() {
                "disabledCodes" => {
                    let Value::Array(items) = v else {
                        return Err(
                            "disabledCodes 应为诊断代码的字符串数组，例如 [\"cell-blank\"]"
                                .to_string(),
                        );
                    };
                    let mut codes = Vec::new();
                    for it in items {
                        let s = it.as_str().unwrap_or_default();
                        match Code::parse(s) {
                            // Each code once: the list stays as short as the set of codes, so
                            // a look-up per diagnostic costs the same whatever was sent.
                            Some(c) if codes.contains(&c) => {}
                            Some(c) => codes.push(c),
                            None => {
                                return Err(format!(
                                    "disabledCodes 中的「{}」不是诊断代码。{}",
                                    show(it),
                                    known_codes()
                                ));
                            }
                        }
                    }
                    next.disabled = codes;
                }
                "severity" => {
                    let Value::Object(map) = v else {
                        return Err("severity 应为对象：诊断代码 → error、warning、information、hint 或 off".to_string());
                    };
                    let mut out = HashMap::new();
                    for (code, sev) in map {
                        let Some(c) = Code::parse(code) else {
                            return Err(format!(
                                "severity 中的「{code}」不是诊断代码。{}",
                                known_codes()
                            ));
                        };
                        let s = sev.as_str().unwrap_or_default();
                        let level = match s {
                            "off" => None,
                            _ => match Severity::parse(s) {
                                Some(l) => Some(l),
                                None => {
                                    return Err(format!(
                                        "severity 中「{code}」的级别「{}」无效，应为 error、warning、information、hint 或 off",
                                        show(sev)
                                    ));
                                }
                            },
                        };
                        out.insert(c, level);
                    }
                    next.severity = out;
                }
                "diagnosticsDelayMs" => match v.as_u64() {
                    Some(ms) if ms <= 60_000 => next.delay_ms = ms,
                    _ => {
                        return Err(format!(
                            "diagnosticsDelayMs 应为 0 到 60000 之间的整数（毫秒），收到的是 {}",
                            show(v)
                        ));
                    }
                },
                "inlayHints" => match v.as_bool() {
                    Some(b) => next.inlay_hints = b,
                    None => {
                        return Err(format!(
                            "inlayHints 应为 true 或 false，收到的是 {}",
                            show(v)
                        ));
                    }
                },
                // Settings of other tools or of editor plugins (e.g. `path`, `trace`) are not ours.
                _ => {}
            }
        }
        *self = next;
        Ok(())
    }
}

fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn known_codes() -> String {
    let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    format!("可用的代码：{}", all.join("、"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;
    use serde_json::json;

    #[test]
    fn layers_override_only_what_they_name() {
        let init = json!({ "diagnosticsDelayMs": 0, "disabledCodes": ["cell-blank"] });
        let ws = json!({ "nianbao": { "severity": { "row-label": "off", "total-mismatch": "warning" } } });
        let c = Config::from_layers(&[&init, &ws, &Value::Null]).expect("valid");
        assert_eq!(c.delay_ms, 0);
        assert_eq!(c.disabled, [Code::CellBlank]);
        assert_eq!(c.effective(Code::RowLabel, Severity::Warning), None);
        assert_eq!(
            c.effective(Code::TotalMismatch, Severity::Error),
            Some(Severity::Warning)
        );
        assert_eq!(c.effective(Code::CellBlank, Severity::Warning), None);
        assert_eq!(
            c.effective(Code::FeeMissing, Severity::Warning),
            Some(Severity::Warning)
        );
        assert!(c.inlay_hints);
    }

    #[test]
    fn invalid_settings_say_what_is_wrong() {
        let err = |v: Value| Config::from_layers(&[&v]).expect_err("invalid");
        expect!["diagnosticsDelayMs 应为 0 到 60000 之间的整数（毫秒），收到的是 -5"]
            .assert_eq(&err(json!({ "diagnosticsDelayMs": -5 })));
        expect!["inlayHints 应为 true 或 false，收到的是 \"yes\""]
            .assert_eq(&err(json!({ "inlayHints": "yes" })));
        expect!["disabledCodes 中的「\"total\"」不是诊断代码。可用的代码：total-mismatch、balance-mismatch、cell-blank、value-invalid、section-missing、section-order、section-title、table-missing、row-missing、row-label、format-outdated、basis-outdated、text-mismatch、prior-year-mismatch、fee-missing、period-mismatch、guizhang-level"]
            .assert_eq(&err(json!({ "disabledCodes": ["total"] })));
        expect!["severity 中「cell-blank」的级别「\"loud\"」无效，应为 error、warning、information、hint 或 off"]
            .assert_eq(&err(json!({ "severity": { "cell-blank": "loud" } })));
        expect!["nianbao 配置应为一个对象（JSON object）"].assert_eq(&err(json!(3)));
    }
}
