//! The VS Code extension's settings offer exactly the diagnostic codes the checker has, each with
//! an English and a Chinese description (package.json `enum`s, package.nls*.json).

use serde_json::Value;

fn json(path: &str) -> Value {
    let p = format!("{}/editors/vscode/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn vscode_settings_list_every_code_with_descriptions() {
    let codes: Vec<String> = nianbao::diag::Code::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    let pkg = json("package.json");
    let props = &pkg["contributes"]["configuration"]["properties"];

    let items = &props["nianbao.disabledCodes"]["items"];
    assert_eq!(strings(&items["enum"]), codes, "disabledCodes enum");
    let described = strings(&items["enumDescriptions"]);
    assert_eq!(described.len(), codes.len());

    let severity = &props["nianbao.severity"];
    assert_eq!(severity["additionalProperties"], false);
    let mut keys: Vec<String> = severity["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut sorted = codes.clone();
    keys.sort();
    sorted.sort();
    assert_eq!(keys, sorted, "severity properties");
    for code in &codes {
        assert_eq!(
            strings(&severity["properties"][code]["enum"]),
            ["error", "warning", "information", "hint", "off"],
            "severity levels of {code}"
        );
    }

    let en = json("package.nls.json");
    let zh = json("package.nls.zh-cn.json");
    for (code, key) in codes.iter().zip(&described) {
        let key = key.trim_matches('%');
        assert_eq!(key, format!("code.{code}"));
        for (lang, nls) in [("en", &en), ("zh-cn", &zh)] {
            let text = nls[key].as_str().unwrap_or_default();
            assert!(!text.is_empty(), "{lang} description of {code}");
        }
        let zh_text = zh[key].as_str().unwrap_or_default();
        assert!(
            zh_text
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "the Chinese description of {code} is not Chinese: {zh_text}"
        );
    }
}
