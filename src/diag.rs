//! Diagnostics and fixes as plain data: byte ranges into the checked text, Chinese messages, and
//! edits. Front ends convert them (positions, JSON, LSP) without interpreting them.

use std::ops::Range;

/// The diagnostic codes of the format document (§7), a public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    TotalMismatch,
    BalanceMismatch,
    CellBlank,
    ValueInvalid,
    RowShape,
    SectionMissing,
    SectionOrder,
    SectionTitle,
    TableMissing,
    RowMissing,
    RowLabel,
    FormatOutdated,
    BasisOutdated,
    TextMismatch,
    PriorYearMismatch,
    FeeMissing,
    PeriodMismatch,
    GuizhangLevel,
    DraftTodo,
}

impl Code {
    pub const ALL: [Code; 19] = [
        Code::TotalMismatch,
        Code::BalanceMismatch,
        Code::CellBlank,
        Code::ValueInvalid,
        Code::RowShape,
        Code::SectionMissing,
        Code::SectionOrder,
        Code::SectionTitle,
        Code::TableMissing,
        Code::RowMissing,
        Code::RowLabel,
        Code::FormatOutdated,
        Code::BasisOutdated,
        Code::TextMismatch,
        Code::PriorYearMismatch,
        Code::FeeMissing,
        Code::PeriodMismatch,
        Code::GuizhangLevel,
        Code::DraftTodo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::TotalMismatch => "total-mismatch",
            Code::BalanceMismatch => "balance-mismatch",
            Code::CellBlank => "cell-blank",
            Code::ValueInvalid => "value-invalid",
            Code::RowShape => "row-shape",
            Code::SectionMissing => "section-missing",
            Code::SectionOrder => "section-order",
            Code::SectionTitle => "section-title",
            Code::TableMissing => "table-missing",
            Code::RowMissing => "row-missing",
            Code::RowLabel => "row-label",
            Code::FormatOutdated => "format-outdated",
            Code::BasisOutdated => "basis-outdated",
            Code::TextMismatch => "text-mismatch",
            Code::PriorYearMismatch => "prior-year-mismatch",
            Code::FeeMissing => "fee-missing",
            Code::PeriodMismatch => "period-mismatch",
            Code::GuizhangLevel => "guizhang-level",
            Code::DraftTodo => "draft-todo",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The default severity of the format document.
    pub fn severity(self) -> Severity {
        use Code::*;
        match self {
            TotalMismatch | BalanceMismatch | ValueInvalid | RowShape | SectionMissing
            | SectionOrder | TableMissing | RowMissing => Severity::Error,
            PeriodMismatch | DraftTodo => Severity::Information,
            _ => Severity::Warning,
        }
    }

    /// One line in Chinese: what the code checks (README, hover, `nianbao codes`).
    pub fn summary(self) -> &'static str {
        use Code::*;
        match self {
            TotalMismatch => "总计与各分项之和不符（表三行总计、（七）总计，表四各总计，分组小计）",
            BalanceMismatch => "表三勾稽关系不成立：第一项加第二项之和不等于第三项加第四项之和",
            CellBlank => "表格单元格为空（按 0 计算）",
            ValueInvalid => "单元格不是正确的数字：文字、负数、件数带小数或单元格内带单位",
            RowShape => {
                "表格行的形状不对：单元格数与表头列数不符、数字写成汉字或两个数字挤在一格、行放在了别的分组下，无法确定各数字属于哪一列"
            }
            SectionMissing => "缺少六个必备部分之一",
            SectionOrder => "部分顺序错误或重复出现",
            SectionTitle => "部分标题与标准标题不一致",
            TableMissing => "第二、三、四部分缺少表格，或表格中没有数字",
            RowMissing => "表格缺少标准行（或第二十条的某一项）",
            RowLabel => "行或列的标签与标准标签不一致",
            FormatOutdated => "2021 年及以后的报告使用了 2019 年版表格格式",
            BasisOutdated => "2021 年及以后的报告以国办公开办函〔2019〕60号为依据",
            TextMismatch => {
                "正文中的数字与表格不一致（申请数、办理结果、结转、复议诉讼、表二各项、比例），或正文所列分项之和与合计不符"
            }
            PriorYearMismatch => "与上一年度报告的数据不衔接",
            FeeMissing => "2021 年及以后的报告第六部分未说明信息处理费收取情况",
            PeriodMismatch => "未写明统计期限，或统计期限不是报告年度",
            GuizhangLevel => "乡镇、街道不能制定规章，规章数应为 0",
            DraftTodo => {
                "草稿中尚未填写的地方：模板的填写提示、不完整的日期、标题或落款中的 XX、某某"
            }
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "information" | "info" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
    pub fn chinese(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Information => "提示",
            Severity::Hint => "提示",
        }
    }
}

/// A replacement of `range` (bytes of the checked text) by `new_text`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub new_text: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, new_text: impl Into<String>) -> Edit {
        Edit {
            range,
            new_text: new_text.into(),
        }
    }

    pub fn insert(at: usize, new_text: impl Into<String>) -> Edit {
        Edit::replace(at..at, new_text)
    }
}

/// How far a fix can be trusted, which decides who may apply it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Applicability {
    /// Computed from the document itself and certain (a total from its parts, a standard label):
    /// applied by `check --fix`, fill-all and `source.fixAll`.
    Safe,
    /// Probably right but the user must decide (inserted structure, a 0 for a blank cell): offered
    /// as a code action, applied only by an explicit choice (`check --fix --unsafe-fixes`).
    Unsafe,
    /// One of several possible corrections (which side of a contradiction is wrong is unknown):
    /// shown, never applied by a command that applies many fixes at once.
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// A correction: edits applied together, whole or not at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    /// The fix an editor should offer first for its diagnostic (a computed total).
    pub preferred: bool,
    pub edits: Vec<Edit>,
}

impl Fix {
    fn new(title: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability,
            preferred: false,
            edits,
        }
    }
    pub fn safe(title: impl Into<String>, edit: Edit) -> Fix {
        Fix::new(title, Applicability::Safe, vec![edit])
    }
    pub fn unsafe_edit(title: impl Into<String>, edit: Edit) -> Fix {
        Fix::new(title, Applicability::Unsafe, vec![edit])
    }
    pub fn unsafe_edits(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Unsafe, edits)
    }
    pub fn display_only(title: impl Into<String>, edit: Edit) -> Fix {
        Fix::new(title, Applicability::DisplayOnly, vec![edit])
    }
    pub fn preferred(mut self) -> Fix {
        self.preferred = true;
        self
    }
    /// Applied by `check --fix`, fill-all and `source.fixAll`.
    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
}

/// A document other than the checked one (last year's report), known to the front end by this id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// Another place that explains a diagnostic: a part of a sum, a contradicting cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// `None`: the checked document itself.
    pub file: Option<FileId>,
    /// Bytes of that document.
    pub range: Range<usize>,
    pub message: String,
}

impl Related {
    pub fn here(range: Range<usize>, message: impl Into<String>) -> Related {
        Related {
            file: None,
            range,
            message: message.into(),
        }
    }
    pub fn in_file(file: FileId, range: Range<usize>, message: impl Into<String>) -> Related {
        Related {
            file: Some(file),
            range,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub range: Range<usize>,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity, no related places and no fix.
    pub fn new(code: Code, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            range,
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }
    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }
    pub fn with_related(mut self, related: Vec<Related>) -> Diagnostic {
        self.related = related;
        self
    }
}
