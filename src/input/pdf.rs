//! PDF through poppler's `pdftotext -layout` (Debian package `poppler-utils`): the layout text
//! then goes through the parser's PDF-layout path. Pages are told apart by the form feeds
//! `pdftotext` writes between them.

use std::path::Path;
use std::process::{Command, Stdio};

use super::{Converted, InputError, Place, Source, Span};

pub fn read(path: &Path) -> Result<Converted, InputError> {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                InputError::new(
                    "读取 PDF 需要 poppler 的 pdftotext，但没有找到：请安装 poppler-utils（Debian/Ubuntu：apt-get install poppler-utils；macOS：brew install poppler），或把 PDF 另存为 Word 文档后再检查",
                )
            } else {
                InputError::new(format!("无法运行 pdftotext：{e}"))
            }
        })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let err = err.trim();
        let why = if err.contains("Incorrect password") || err.contains("encrypt") {
            "PDF 已加密，请先取消密码保护".to_string()
        } else if err.contains("May not be a PDF") || err.contains("Couldn't find trailer") {
            "文件已损坏或不是 PDF".to_string()
        } else {
            err.lines().last().unwrap_or("").to_string()
        };
        return Err(InputError::new(format!("无法读取 PDF：{why}")));
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    from_layout_text(text)
}

/// The layout text of a PDF with its pages; an error for a PDF without a text layer.
pub(crate) fn from_layout_text(text: String) -> Result<Converted, InputError> {
    let visible = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{0C}')
        .count();
    if visible < 20 {
        return Err(InputError::new(
            "这份 PDF 没有文字层（可能是扫描件或图片）：需先文字识别（OCR），或向报送单位索取 Word 文档或带文字的 PDF 后再检查",
        ));
    }
    let mut spans = Vec::new();
    let mut start = 0;
    let mut page = 1;
    for (i, _) in text.match_indices('\u{0C}') {
        spans.push(Span {
            range: start..i,
            place: Place::Page(page),
        });
        page += 1;
        start = i + 1;
    }
    if start < text.len() {
        spans.push(Span {
            range: start..text.len(),
            place: Place::Page(page),
        });
    }
    Ok(Converted {
        text,
        source: Source::Pdf,
        spans,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_by_form_feeds() {
        let c = from_layout_text("第一页的文字很多很多很多很多很多很多很多\n\u{0C}第二页\n".into())
            .expect("text");
        let at = c.text.find("第二页").expect("page 2");
        assert_eq!(c.place_at(at), Some(&Place::Page(2)));
        assert_eq!(c.place_at(0), Some(&Place::Page(1)));
    }

    #[test]
    fn no_text_layer() {
        let e = from_layout_text("\u{0C}\u{0C}\n".into()).expect_err("scan");
        assert!(e.0.contains("文字识别"), "{e}");
    }
}
