//! The report format as data: sections, tables, rows, columns and the arithmetic relations of
//! 国办公开办函〔2021〕30号 (and what differs in the 2019 format). Every check reads these tables;
//! nothing else in the crate spells a standard label. The wordings by which prose restates a figure
//! of the tables are in [`prose`].

pub mod prose;

/// One of the six mandatory top-level sections.
#[derive(Debug)]
pub struct SectionSpec {
    /// Chinese numeral of the section: 一 … 六.
    pub numeral: &'static str,
    /// Standard title, numeral included.
    pub title: &'static str,
    /// Accepted variants of the title body (without numeral), reported as `section-title`.
    pub variants: &'static [&'static str],
    /// Words one of which a non-standard title must contain to be recognised at all.
    pub keywords: &'static [&'static str],
    /// The table this section must hold.
    pub table: Option<TableId>,
}

pub static SECTIONS: [SectionSpec; 6] = [
    SectionSpec {
        numeral: "一",
        title: "一、总体情况",
        variants: &[
            "政府信息公开总体工作情况",
            "总体工作情况",
            "基本情况",
            "概述",
        ],
        keywords: &["总体"],
        table: None,
    },
    SectionSpec {
        numeral: "二",
        title: "二、主动公开政府信息情况",
        variants: &[
            "政府信息主动公开情况",
            "主动公开情况",
            "主动公开政府信息的情况",
        ],
        keywords: &["主动公开"],
        table: Some(TableId::T2),
    },
    SectionSpec {
        numeral: "三",
        title: "三、收到和处理政府信息公开申请情况",
        variants: &[
            "收到和处理政府信息公开申请的情况",
            "依申请公开政府信息情况",
            "政府信息公开申请情况",
        ],
        keywords: &["申请"],
        table: Some(TableId::T3),
    },
    SectionSpec {
        numeral: "四",
        title: "四、政府信息公开行政复议、行政诉讼情况",
        variants: &[
            "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
            "政府信息公开行政复议行政诉讼情况",
            "申请行政复议和提起行政诉讼情况",
            "政府信息公开行政复议、行政诉讼的情况",
        ],
        keywords: &["复议", "诉讼"],
        table: Some(TableId::T4),
    },
    SectionSpec {
        numeral: "五",
        title: "五、存在的主要问题及改进情况",
        variants: &[
            "存在主要问题及改进情况",
            "政府信息公开工作存在的主要问题及改进情况",
            "存在的主要问题及整改措施",
            "存在的问题及改进措施",
            "存在的主要问题和改进措施",
            "存在的主要问题和改进情况",
        ],
        keywords: &["问题"],
        table: None,
    },
    SectionSpec {
        numeral: "六",
        title: "六、其他需要报告的事项",
        variants: &[
            "其他需报告的事项",
            "其他事项的报告",
            "其他需要汇报事项",
            "其他需要报告事项",
        ],
        keywords: &["其他"],
        table: None,
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableId {
    T2,
    T3,
    T4,
}

impl TableId {
    pub fn spec(self) -> &'static TableSpec {
        match self {
            TableId::T2 => &T2,
            TableId::T3 => &T3,
            TableId::T4 => &T4,
        }
    }
    /// Index into [`SECTIONS`] of the section that holds this table.
    pub fn section(self) -> usize {
        match self {
            TableId::T2 => 1,
            TableId::T3 => 2,
            TableId::T4 => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A whole number of 件 (documents, decisions, applications, cases).
    Count,
    /// 万元, the only non-integer cell of the report.
    Money,
    /// A change in a number of items, signed (2019 table 二's 本年增/减: `+126`, `-18`).
    Change,
    /// An amount of money written with its unit in the cell (2019 table 二's 采购总金额:
    /// `73802895.90元`, `523.15万元`); no relation reads it.
    Amount,
}

#[derive(Debug)]
pub struct ColSpec {
    pub label: &'static str,
    /// Merged header cells above this column, outermost first.
    pub parents: &'static [&'static str],
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A row that carries numbers.
    Data,
    /// A label spanning sub-rows; numbers printed on it are optional and must equal the sum of its
    /// children (T3-GRP).
    Group,
    /// A heading of a block of rows (第二十条第（一）项) that carries its own column header.
    Item,
}

#[derive(Debug)]
pub struct RowSpec {
    /// Standard label, exactly as the format prints it.
    pub label: &'static str,
    /// Index of the parent row in the same table.
    pub parent: Option<usize>,
    pub kind: RowKind,
    /// Index into the table's column sets.
    pub cols: usize,
    /// Labels of the 2019 format or common mistakes that mean this row; reported as `row-label`.
    pub aliases: &'static [&'static str],
}

/// Which notice's layout a table follows: 国办公开办函〔2021〕30号 or the 2019 one (国办公开办函〔2019〕60号,
/// for the 2019 and 2020 reports). Only table 二 has a layout of its own in 2019; table 三's one
/// difference (a single-row （六）其他处理) is read with the 2021 rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Edition {
    #[default]
    Y2021,
    Y2019,
}

#[derive(Debug)]
pub struct TableSpec {
    pub id: TableId,
    pub edition: Edition,
    /// Name in messages: 表二（主动公开政府信息情况）…
    pub name: &'static str,
    /// Short name: 表二 …
    pub short_name: &'static str,
    pub col_sets: &'static [&'static [ColSpec]],
    pub rows: &'static [RowSpec],
    /// Header words that are not column labels but belong to the table (merged header cells).
    pub header_words: &'static [&'static str],
}

const fn data(label: &'static str, parent: Option<usize>, cols: usize) -> RowSpec {
    RowSpec {
        label,
        parent,
        kind: RowKind::Data,
        cols,
        aliases: &[],
    }
}
const fn group(label: &'static str, parent: Option<usize>) -> RowSpec {
    RowSpec {
        label,
        parent,
        kind: RowKind::Group,
        cols: 0,
        aliases: &[],
    }
}
const fn item(label: &'static str, cols: usize) -> RowSpec {
    RowSpec {
        label,
        parent: None,
        kind: RowKind::Item,
        cols,
        aliases: &[],
    }
}
const fn count(label: &'static str) -> ColSpec {
    ColSpec {
        label,
        parents: &[],
        unit: Unit::Count,
    }
}

// ---------------------------------------------------------------- table 二

/// The label of table 二's first header column (over the row labels).
pub const T2_ITEM_HEADER: &str = "信息内容";

const T2_ITEM1: &[ColSpec] = &[
    count("本年制发件数"),
    count("本年废止件数"),
    count("现行有效件数"),
];
const T2_DECISIONS: &[ColSpec] = &[count("本年处理决定数量")];
const T2_FEES: &[ColSpec] = &[ColSpec {
    label: "本年收费金额（单位：万元）",
    parents: &[],
    unit: Unit::Money,
}];

pub static T2: TableSpec = TableSpec {
    id: TableId::T2,
    edition: Edition::Y2021,
    name: "表二（主动公开政府信息情况）",
    short_name: "表二",
    col_sets: &[T2_ITEM1, T2_DECISIONS, T2_DECISIONS, T2_FEES],
    rows: &[
        item("第二十条第（一）项", 0),
        data("规章", Some(0), 0),
        RowSpec {
            label: "行政规范性文件",
            parent: Some(0),
            kind: RowKind::Data,
            cols: 0,
            aliases: &["规范性文件"],
        },
        item("第二十条第（五）项", 1),
        data("行政许可", Some(3), 1),
        item("第二十条第（六）项", 2),
        data("行政处罚", Some(5), 2),
        data("行政强制", Some(5), 2),
        item("第二十条第（八）项", 3),
        data("行政事业性收费", Some(8), 3),
    ],
    header_words: &[T2_ITEM_HEADER],
};

/// Row indices of table 二 that checks name.
pub mod t2 {
    pub const GUIZHANG: usize = 1;
    pub const NORMATIVE: usize = 2;
    pub const LICENSING: usize = 4;
    pub const PENALTY: usize = 6;
    pub const ENFORCEMENT: usize = 7;
    pub const FEES: usize = 9;
    /// Column indices of 第二十条第（一）项.
    pub const ISSUED: usize = 0;
    pub const REPEALED: usize = 1;
    pub const IN_FORCE: usize = 2;
}

const T2_2019_ITEM1: &[ColSpec] = &[
    count("本年新制作数量"),
    count("本年新公开数量"),
    count("对外公开总数量"),
];
/// 本年增/减 may be signed (`+126`, `-18`).
const T2_2019_ITEMS: &[ColSpec] = &[
    count("上一年项目数量"),
    ColSpec {
        label: "本年增/减",
        parents: &[],
        unit: Unit::Change,
    },
    count("处理决定数量"),
];
const T2_2019_FEES: &[ColSpec] = &[
    count("上一年项目数量"),
    ColSpec {
        label: "本年增/减",
        parents: &[],
        unit: Unit::Change,
    },
];
/// 采购总金额 is written with its unit in the cell in practice (`73802895.90元`, `523.15万元`).
const T2_2019_PURCHASES: &[ColSpec] = &[
    count("采购项目数量"),
    ColSpec {
        label: "采购总金额",
        parents: &[],
        unit: Unit::Amount,
    },
];

/// Table 二 in the 2019 layout (国办公开办函〔2019〕60号), standard for the 2019 and 2020 reports.
/// Rows 1 and 2 (规章, 规范性文件) keep the indices of [`t2`].
pub static T2_2019: TableSpec = TableSpec {
    id: TableId::T2,
    edition: Edition::Y2019,
    name: "表二（主动公开政府信息情况）",
    short_name: "表二",
    col_sets: &[
        T2_2019_ITEM1,
        T2_2019_ITEMS,
        T2_2019_ITEMS,
        T2_2019_FEES,
        T2_2019_PURCHASES,
    ],
    rows: &[
        item("第二十条第（一）项", 0),
        data("规章", Some(0), 0),
        data("规范性文件", Some(0), 0),
        item("第二十条第（五）项", 1),
        data("行政许可", Some(3), 1),
        data("其他对外管理服务事项", Some(3), 1),
        item("第二十条第（六）项", 2),
        data("行政处罚", Some(6), 2),
        data("行政强制", Some(6), 2),
        item("第二十条第（八）项", 3),
        data("行政事业性收费", Some(9), 3),
        item("第二十条第（九）项", 4),
        data("政府集中采购", Some(11), 4),
    ],
    header_words: &[T2_ITEM_HEADER],
};

/// Row and column indices of [`T2_2019`].
pub mod t2_2019 {
    pub const GUIZHANG: usize = 1;
    pub const NORMATIVE: usize = 2;
    pub const LICENSING: usize = 4;
    pub const OTHER_SERVICES: usize = 5;
    pub const PENALTY: usize = 7;
    pub const ENFORCEMENT: usize = 8;
    pub const FEES: usize = 10;
    pub const PURCHASES: usize = 12;
    /// Columns of 第二十条第（一）项: 本年新制作数量, 本年新公开数量, 对外公开总数量.
    pub const MADE: usize = 0;
    pub const PUBLISHED: usize = 1;
    pub const PUBLIC_TOTAL: usize = 2;
    /// Columns of 第二十条第（五）（六）（八）项: 上一年项目数量, 本年增/减, 处理决定数量.
    pub const PREVIOUS: usize = 0;
    pub const CHANGE: usize = 1;
    pub const DECISIONS: usize = 2;
}

/// A cell of a table: (row, column within the row's column set).
pub type CellAt = (usize, usize);

/// The figures of the 2019 table 二 that mean what a cell of the 2021 table means, as
/// ((2019 row, column), (2021 row, column)): 本年新制作数量 is 本年制发件数, 处理决定数量 is
/// 本年处理决定数量. No other 2019 figure has a 2021 cell: 本年新公开数量 counts documents
/// published, not repealed; 对外公开总数量 counts every document published, in force or not;
/// 上一年项目数量 and 本年增/减 count items, not decisions or money; 其他对外管理服务事项 and
/// 第二十条第（九）项 are not in the 2021 table.
pub static T2_FROM_2019: &[(CellAt, CellAt)] = &[
    (
        (t2_2019::GUIZHANG, t2_2019::MADE),
        (t2::GUIZHANG, t2::ISSUED),
    ),
    (
        (t2_2019::NORMATIVE, t2_2019::MADE),
        (t2::NORMATIVE, t2::ISSUED),
    ),
    ((t2_2019::LICENSING, t2_2019::DECISIONS), (t2::LICENSING, 0)),
    ((t2_2019::PENALTY, t2_2019::DECISIONS), (t2::PENALTY, 0)),
    (
        (t2_2019::ENFORCEMENT, t2_2019::DECISIONS),
        (t2::ENFORCEMENT, 0),
    ),
];

/// The 2019 cells of 行政事业性收费 (上一年项目数量, 本年增/减) that, both 0, say the body had no fee
/// item all year, so that its 2021 本年收费金额 is 0.
pub const T2_2019_NO_FEE_ITEMS: (usize, [usize; 2]) =
    (t2_2019::FEES, [t2_2019::PREVIOUS, t2_2019::CHANGE]);

/// Column and row labels that only the 2019 table 二 has. The column labels of the items both
/// editions have (第二十条第（一）（五）（六）（八）项: `TableNorms::col_markers_2019`) decide the
/// edition a table is read with; the others (其他对外管理服务事项, and 第二十条第（九）项 with its row
/// 政府集中采购 and its columns) decide it only in a table without any column header of either
/// edition: among the 2021 columns they are rows the 2021 table does not have.
pub static T2_2019_MARKERS: &[&str] = &[
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "处理决定数量",
    "其他对外管理服务事项",
    "第二十条第（九）项",
    "政府集中采购",
    "采购项目数量",
    "采购总金额",
];

// ---------------------------------------------------------------- table 三

/// Table 三's note on its balance, in the merged cell over its row labels.
pub const T3_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
/// Table 三's merged header over all its columns, and over the five legal-person columns.
pub const T3_APPLICANT: &str = "申请人情况";
pub const T3_LEGAL: &str = "法人或其他组织";

const APPLICANT: &[&str] = &[T3_APPLICANT];
const LEGAL: &[&str] = &[T3_APPLICANT, T3_LEGAL];
const T3_COLS: &[ColSpec] = &[
    ColSpec {
        label: "自然人",
        parents: APPLICANT,
        unit: Unit::Count,
    },
    ColSpec {
        label: "商业企业",
        parents: LEGAL,
        unit: Unit::Count,
    },
    ColSpec {
        label: "科研机构",
        parents: LEGAL,
        unit: Unit::Count,
    },
    ColSpec {
        label: "社会公益组织",
        parents: LEGAL,
        unit: Unit::Count,
    },
    ColSpec {
        label: "法律服务机构",
        parents: LEGAL,
        unit: Unit::Count,
    },
    ColSpec {
        label: "其他",
        parents: LEGAL,
        unit: Unit::Count,
    },
    ColSpec {
        label: "总计",
        parents: APPLICANT,
        unit: Unit::Count,
    },
];

/// Row indices of table 三 that the relations name.
pub mod t3 {
    pub const NEW: usize = 0;
    pub const CARRIED: usize = 1;
    pub const RESULTS: usize = 2;
    pub const DISCLOSED: usize = 3;
    pub const WITHHELD: usize = 5;
    pub const UNAVAILABLE: usize = 14;
    pub const NOT_HANDLED: usize = 18;
    pub const OTHER: usize = 24;
    pub const TOTAL: usize = 28;
    pub const CARRY_NEXT: usize = 29;
    /// Column index of 总计.
    pub const TOTAL_COL: usize = 6;
}

pub static T3: TableSpec = TableSpec {
    id: TableId::T3,
    edition: Edition::Y2021,
    name: "表三（收到和处理政府信息公开申请情况）",
    short_name: "表三",
    col_sets: &[T3_COLS],
    rows: &[
        data("一、本年新收政府信息公开申请数量", None, 0), // 0
        data("二、上年结转政府信息公开申请数量", None, 0), // 1
        group("三、本年度办理结果", None),                 // 2
        data("（一）予以公开", Some(2), 0),                // 3
        data(
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            Some(2),
            0,
        ), // 4
        group("（三）不予公开", Some(2)),                  // 5
        data("1.属于国家秘密", Some(5), 0),
        RowSpec {
            label: "2.其他法律行政法规禁止公开",
            parent: Some(5),
            kind: RowKind::Data,
            cols: 0,
            aliases: &["2.其他法律行政止公开"],
        },
        data("3.危及“三安全一稳定”", Some(5), 0),
        data("4.保护第三方合法权益", Some(5), 0),
        data("5.属于三类内部事务信息", Some(5), 0),
        data("6.属于四类过程性信息", Some(5), 0),
        data("7.属于行政执法案卷", Some(5), 0),
        data("8.属于行政查询事项", Some(5), 0),
        group("（四）无法提供", Some(2)), // 14
        data("1.本机关不掌握相关政府信息", Some(14), 0),
        data("2.没有现成信息需要另行制作", Some(14), 0),
        data("3.补正后申请内容仍不明确", Some(14), 0),
        group("（五）不予处理", Some(2)), // 18
        data("1.信访举报投诉类申请", Some(18), 0),
        data("2.重复申请", Some(18), 0),
        data("3.要求提供公开出版物", Some(18), 0),
        data("4.无正当理由大量反复申请", Some(18), 0),
        data("5.要求行政机关确认或重新出具已获取信息", Some(18), 0),
        group("（六）其他处理", Some(2)), // 24
        data(
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            Some(24),
            0,
        ),
        data(
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            Some(24),
            0,
        ),
        data("3.其他", Some(24), 0),
        data("（七）总计", Some(2), 0),          // 28
        data("四、结转下年度继续办理", None, 0), // 29
    ],
    header_words: &[T3_APPLICANT, T3_LEGAL, "本列数据的勾稽关系为"],
};

// ---------------------------------------------------------------- table 四

/// Table 四's merged headers: the two kinds of case, and the two kinds of 行政诉讼.
pub const T4_REVIEW: &str = "行政复议";
pub const T4_LITIGATION: &str = "行政诉讼";
pub const T4_DIRECT: &str = "未经复议直接起诉";
pub const T4_AFTER: &str = "复议后起诉";

const REVIEW: &[&str] = &[T4_REVIEW];
const DIRECT: &[&str] = &[T4_LITIGATION, T4_DIRECT];
const AFTER: &[&str] = &[T4_LITIGATION, T4_AFTER];

/// Column indices of table 四: each group of five starts at `REVIEW`, `DIRECT` or `AFTER`, and
/// within a group the columns are 结果维持, 结果纠正, 其他结果, 尚未审结, 总计.
pub mod t4 {
    pub const REVIEW: usize = 0;
    pub const DIRECT: usize = 5;
    pub const AFTER: usize = 10;
    pub const UPHELD: usize = 0;
    pub const CORRECTED: usize = 1;
    pub const OTHER: usize = 2;
    pub const PENDING: usize = 3;
    pub const TOTAL: usize = 4;
    /// The parts of a group's 总计, relative to the group's first column.
    pub const PARTS: [usize; 4] = [UPHELD, CORRECTED, OTHER, PENDING];
}
const fn t4(label: &'static str, parents: &'static [&'static str]) -> ColSpec {
    ColSpec {
        label,
        parents,
        unit: Unit::Count,
    }
}
const T4_COLS: &[ColSpec] = &[
    t4("结果维持", REVIEW),
    t4("结果纠正", REVIEW),
    t4("其他结果", REVIEW),
    t4("尚未审结", REVIEW),
    t4("总计", REVIEW),
    t4("结果维持", DIRECT),
    t4("结果纠正", DIRECT),
    t4("其他结果", DIRECT),
    t4("尚未审结", DIRECT),
    t4("总计", DIRECT),
    t4("结果维持", AFTER),
    t4("结果纠正", AFTER),
    t4("其他结果", AFTER),
    t4("尚未审结", AFTER),
    t4("总计", AFTER),
];

pub static T4: TableSpec = TableSpec {
    id: TableId::T4,
    edition: Edition::Y2021,
    name: "表四（政府信息公开行政复议、行政诉讼情况）",
    short_name: "表四",
    col_sets: &[T4_COLS],
    rows: &[data("", None, 0)],
    header_words: &[T4_REVIEW, T4_LITIGATION, T4_DIRECT, T4_AFTER],
};

// ---------------------------------------------------------------- relations

/// How a relation is laid over the table.
#[derive(Debug)]
pub enum RelationKind {
    /// In every row of numbers, column `total` equals the sum of columns `parts` (T3-ROW, T4-R/D/A).
    RowSum {
        total: usize,
        parts: &'static [usize],
    },
    /// In every column, row `total` equals the sum of the data rows below `under` other than
    /// `total` itself (T3-SUM).
    ColumnSum { total: usize, under: usize },
    /// Every group row that prints numbers equals the sum of its children (T3-GRP).
    GroupSum,
    /// In every column, the sum of rows `lhs` equals the sum of rows `rhs` (T3-ID).
    Balance {
        lhs: &'static [usize],
        rhs: &'static [usize],
    },
}

#[derive(Debug)]
pub struct Relation {
    /// Name used in the format document (T3-ROW …).
    pub id: &'static str,
    /// The rule in words, for people: 本行总计等于各类申请人之和.
    pub words: &'static str,
    pub table: TableId,
    pub kind: RelationKind,
}

pub const RELATIONS: &[Relation] = &[
    Relation {
        id: "T3-ROW",
        words: "本行总计等于各类申请人之和",
        table: TableId::T3,
        kind: RelationKind::RowSum {
            total: t3::TOTAL_COL,
            parts: &[0, 1, 2, 3, 4, 5],
        },
    },
    Relation {
        id: "T3-SUM",
        words: "（七）总计等于各项办理结果之和",
        table: TableId::T3,
        kind: RelationKind::ColumnSum {
            total: t3::TOTAL,
            under: t3::RESULTS,
        },
    },
    Relation {
        id: "T3-GRP",
        words: "分组小计等于其各子项之和",
        table: TableId::T3,
        kind: RelationKind::GroupSum,
    },
    Relation {
        id: "T3-ID",
        words: "勾稽关系：第一项加第二项之和等于第三项加第四项之和",
        table: TableId::T3,
        kind: RelationKind::Balance {
            lhs: &[t3::NEW, t3::CARRIED],
            rhs: &[t3::TOTAL, t3::CARRY_NEXT],
        },
    },
    Relation {
        id: "T4-R",
        words: "行政复议总计等于结果维持、结果纠正、其他结果与尚未审结之和",
        table: TableId::T4,
        kind: RelationKind::RowSum {
            total: t4::REVIEW + t4::TOTAL,
            parts: &[t4::REVIEW, t4::REVIEW + 1, t4::REVIEW + 2, t4::REVIEW + 3],
        },
    },
    Relation {
        id: "T4-D",
        words: "未经复议直接起诉的总计等于结果维持、结果纠正、其他结果与尚未审结之和",
        table: TableId::T4,
        kind: RelationKind::RowSum {
            total: t4::DIRECT + t4::TOTAL,
            parts: &[t4::DIRECT, t4::DIRECT + 1, t4::DIRECT + 2, t4::DIRECT + 3],
        },
    },
    Relation {
        id: "T4-A",
        words: "复议后起诉的总计等于结果维持、结果纠正、其他结果与尚未审结之和",
        table: TableId::T4,
        kind: RelationKind::RowSum {
            total: t4::AFTER + t4::TOTAL,
            parts: &[t4::AFTER, t4::AFTER + 1, t4::AFTER + 2, t4::AFTER + 3],
        },
    },
];

/// Citations of the 2019 notice as the basis of a report.
pub static BASIS_2019: &[&str] = &[
    "国办公开办函〔2019〕60号",
    "国办公开办函[2019]60号",
    "国办公开办函(2019)60号",
];

/// The 2019 notice cited by its title alone (`依据《关于政府信息公开工作年度报告有关事项的通知》`).
/// The 2021 notice has another title (《关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》),
/// and local notices name a year (《关于编制公布2021年政府信息公开工作年度报告有关事项的通知》).
pub static BASIS_2019_TITLES: &[&str] = &["《关于政府信息公开工作年度报告有关事项的通知》"];

/// The notice of the 2021 format, cited as the basis of reports from 2021 on.
pub const BASIS_2021: &str = "国办公开办函〔2021〕30号";

/// Words whose presence in section 六 counts as stating the 信息处理费.
/// Real reports say it in many ways: 本年度未收取信息处理费 / 未产生信息处理费 / 信息处理费为0 /
/// 无收费情况 / 未收取任何费用 / 不涉及收费 / 收取费用…元.
pub const FEE_WORDS: &[&str] = &["信息处理费", "处理费", "收费", "收取费用", "任何费用"];

/// How the name of a government body ends, for a line that holds nothing but a name (under a
/// title that lacks it, or in the signature above the date).
pub const ORG_ENDINGS: &[&str] = &[
    "人民政府",
    "政府",
    "办事处",
    "办公室",
    "办公厅",
    "委员会",
    "管理委员会",
    "管委会",
    "局",
    "厅",
    "委",
    "办",
    "部",
    "署",
    "院",
    "中心",
    "街道",
    "镇",
    "乡",
];

/// Organisation name endings of 乡镇/街道 bodies, which cannot make 规章.
pub const TOWNSHIP_SUFFIXES: &[&str] = &[
    "乡人民政府",
    "镇人民政府",
    "街道办事处",
    "乡政府",
    "镇政府",
    "街道",
    "乡",
    "镇",
];

/// Endings of names that end like a township's but are not one (a 区 whose name ends in 镇, a
/// county government).
const NOT_TOWNSHIP: &[&str] = &["县人民政府", "市人民政府", "区人民政府"];

/// Whether a body's name is that of a 乡镇 or 街道, which cannot make 规章.
pub fn is_township(org: &str) -> bool {
    TOWNSHIP_SUFFIXES.iter().any(|s| org.ends_with(s))
        && !NOT_TOWNSHIP.iter().any(|s| org.contains(s))
}

/// A parenthesised prompt of the standard draft, which the drafter replaces with the report's own
/// text: one that starts with one of these words（填写主动公开工作情况。）…
pub const DRAFT_PROMPT_STARTS: &[&str] = &["填写", "请填写", "此处填写", "在此填写", "请在此填写"];
/// … or holds one of these words anywhere（如有收取，写明收取金额和依据。）.
pub const DRAFT_PROMPT_WORDS: &[&str] = &["写明"];

/// The mark before each paragraph that `nianbao new --from` keeps from last year's report, until
/// the drafter has revised it and removes the mark.
pub const REVISION_MARK: &str = "【待修改】";

/// Stand-ins for a name or number not yet filled in, in a title or a signature.
pub const PLACEHOLDERS: &[&str] = &["XX", "xx", "Xx", "ＸＸ", "××", "某某"];

/// The first year of the 2021 format.
pub const FORMAT_2021_FROM: i32 = 2021;

/// The relation named `id`.
pub fn relation(id: &str) -> Option<&'static Relation> {
    RELATIONS.iter().find(|r| r.id == id)
}

impl TableSpec {
    /// The full path of a row, outermost first: 三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密.
    pub fn row_path(&self, row: usize) -> Vec<&'static str> {
        let mut path = vec![self.rows[row].label];
        let mut cur = self.rows[row].parent;
        while let Some(p) = cur {
            path.push(self.rows[p].label);
            cur = self.rows[p].parent;
        }
        path.reverse();
        path.retain(|s| !s.is_empty());
        path
    }

    /// A row in words for messages: 「（一）予以公开」, or the table's short name for the one row
    /// of table 四.
    pub fn row_name(&self, row: usize) -> String {
        match self.rows[row].label {
            "" => self.short_name.to_string(),
            label => format!("「{label}」"),
        }
    }

    /// A column in words: 自然人, or 行政复议·结果维持 where the label alone is ambiguous.
    pub fn col_name(&self, row: usize, col: usize) -> String {
        let c = &self.cols_of(row)[col];
        match self.id {
            TableId::T4 => format!("{}·{}", c.parents.last().copied().unwrap_or(""), c.label),
            _ => c.label.to_string(),
        }
    }

    /// A row's label without its trailing parenthetical: （二）部分公开（区分处理的…） → （二）部分公开.
    pub fn short_label(&self, row: usize) -> &'static str {
        self.norms().short[row]
    }

    pub fn cols_of(&self, row: usize) -> &'static [ColSpec] {
        self.col_sets[self.rows[row].cols]
    }

    pub fn children(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        self.rows
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.parent == Some(row))
            .map(|(i, _)| i)
    }

    /// Data rows below `row` at any depth.
    pub fn data_descendants(&self, row: usize) -> &'static [usize] {
        &self.norms().descendants[row]
    }

    /// Can numbers printed on this row's label be a sum of its own: a data row, or a group whose
    /// rows hold no total (（三）不予公开 can print its subtotal; 三、本年度办理结果 cannot).
    pub fn has_subtotal(&self, row: usize) -> bool {
        self.norms().subtotal[row]
    }

    fn find_data_descendants(&self, row: usize, out: &mut Vec<usize>) {
        for c in self.children(row) {
            match self.rows[c].kind {
                RowKind::Data => out.push(c),
                _ => self.find_data_descendants(c, out),
            }
        }
    }
}

/// A label without its trailing parenthetical: （二）部分公开（区分处理的…） → （二）部分公开.
pub fn short_label(label: &'static str) -> &'static str {
    let skip = if label.starts_with('（') {
        label.find('）').map_or(0, |i| i + '）'.len_utf8())
    } else {
        0
    };
    match label[skip..].find('（') {
        Some(i) => &label[..skip + i],
        None => label,
    }
}

/// A column's path in words: 申请人情况 › 法人或其他组织 › 商业企业.
pub fn col_path(col: &ColSpec) -> String {
    let mut parts: Vec<&str> = col.parents.to_vec();
    parts.push(col.label);
    parts.join(" › ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t3_indices_match_labels() {
        assert_eq!(T3.rows[t3::RESULTS].label, "三、本年度办理结果");
        assert_eq!(T3.rows[t3::WITHHELD].label, "（三）不予公开");
        assert_eq!(T3.rows[t3::UNAVAILABLE].label, "（四）无法提供");
        assert_eq!(T3.rows[t3::NOT_HANDLED].label, "（五）不予处理");
        assert_eq!(T3.rows[t3::OTHER].label, "（六）其他处理");
        assert_eq!(T3.rows[t3::TOTAL].label, "（七）总计");
        assert_eq!(T3.rows[t3::CARRY_NEXT].label, "四、结转下年度继续办理");
        assert_eq!(T3.col_sets[0][t3::TOTAL_COL].label, "总计");
    }

    #[test]
    fn t2_indices_match_labels() {
        assert_eq!(T2.rows[t2::LICENSING].label, "行政许可");
        assert_eq!(T2.rows[t2::PENALTY].label, "行政处罚");
        assert_eq!(T2.rows[t2::ENFORCEMENT].label, "行政强制");
        assert_eq!(T2.rows[t2::FEES].label, "行政事业性收费");
        assert_eq!(T2_ITEM1[t2::IN_FORCE].label, "现行有效件数");
    }

    /// The 2019 column labels that decide table 二's edition: those of the items both editions
    /// have, not those of 第二十条第（九）项.
    #[test]
    fn t2_2019_column_markers() {
        let mut cols: Vec<&str> = T2.norms().col_markers_2019.iter().copied().collect();
        cols.sort_unstable();
        expect_test::expect![[r#"
            [
                "上一年项目数量",
                "处理决定数量",
                "对外公开总数量",
                "本年增/减",
                "本年新公开数量",
                "本年新制作数量",
            ]
        "#]]
        .assert_debug_eq(&cols);
    }

    #[test]
    fn t2_2019_indices_match_labels() {
        use t2_2019::*;
        let name = |r: usize, c: usize| {
            format!("{} {}", T2_2019.rows[r].label, T2_2019.cols_of(r)[c].label)
        };
        assert_eq!(name(GUIZHANG, MADE), "规章 本年新制作数量");
        assert_eq!(name(NORMATIVE, PUBLISHED), "规范性文件 本年新公开数量");
        assert_eq!(name(NORMATIVE, PUBLIC_TOTAL), "规范性文件 对外公开总数量");
        assert_eq!(name(LICENSING, PREVIOUS), "行政许可 上一年项目数量");
        assert_eq!(
            name(OTHER_SERVICES, CHANGE),
            "其他对外管理服务事项 本年增/减"
        );
        assert_eq!(name(PENALTY, DECISIONS), "行政处罚 处理决定数量");
        assert_eq!(name(ENFORCEMENT, DECISIONS), "行政强制 处理决定数量");
        assert_eq!(name(FEES, CHANGE), "行政事业性收费 本年增/减");
        assert_eq!(T2_2019.rows[PURCHASES].label, "政府集中采购");
        // Every carried figure goes from a count to a count, each 2021 cell from one figure.
        let mut to: Vec<(usize, usize)> = T2_FROM_2019.iter().map(|&(_, t)| t).collect();
        for &((r, c), (r21, c21)) in T2_FROM_2019 {
            assert_eq!(T2_2019.cols_of(r)[c].unit, Unit::Count);
            assert_eq!(T2.cols_of(r21)[c21].unit, Unit::Count);
        }
        to.sort_unstable();
        to.dedup();
        assert_eq!(to.len(), T2_FROM_2019.len());
    }

    #[test]
    fn t3_has_21_result_leaves() {
        let leaves = T3.data_descendants(t3::RESULTS);
        // 21 result rows plus （七）总计 itself.
        assert_eq!(leaves.len(), 22);
    }

    #[test]
    fn short_labels() {
        assert_eq!(short_label("（七）总计"), "（七）总计");
        assert_eq!(
            short_label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
            "（二）部分公开"
        );
        assert_eq!(
            short_label("一、本年新收政府信息公开申请数量"),
            "一、本年新收政府信息公开申请数量"
        );
        assert_eq!(short_label("3.危及“三安全一稳定”"), "3.危及“三安全一稳定”");
    }

    #[test]
    fn row_path_in_words() {
        expect_test::expect![[
            r#"["三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"]"#
        ]]
        .assert_eq(&format!("{:?}", T3.row_path(10)));
    }
}

/// What the parser and the checks look up in a table's spec, computed once: its labels normalised
/// in the shapes the parser compares against, and the rows below each row.
#[derive(Debug)]
pub struct TableNorms {
    /// The data rows below each row, at any depth (same index as `TableSpec::rows`).
    pub descendants: Vec<Vec<usize>>,
    /// The normalised label of each row (same index as `TableSpec::rows`).
    pub rows: Vec<&'static str>,
    /// The normalised aliases of each row.
    pub aliases: Vec<Vec<&'static str>>,
    /// Rows a label can name (data and group rows with a label), with their normalised labels.
    pub candidates: Vec<(usize, &'static str)>,
    /// The same, by the last character of the label (in the same order).
    pub candidates_by_end: rustc_hash::FxHashMap<char, Vec<(usize, &'static str)>>,
    /// Normalised header word or column label → the standard text (header words win).
    pub headers: rustc_hash::FxHashMap<&'static str, &'static str>,
    /// Normalised column and row labels that only the 2019 layout of this table has.
    pub markers_2019: rustc_hash::FxHashSet<&'static str>,
    /// Those of them that are column labels of an item both editions have (not of 第二十条第（九）项,
    /// which only the 2019 table has).
    pub col_markers_2019: rustc_hash::FxHashSet<&'static str>,
    /// Column labels of every column set: (normalised, standard).
    pub cols: Vec<(&'static str, &'static str)>,
    /// The length in characters of the longest normalised label or alias of the candidates.
    pub longest_label: usize,
    /// Whether numbers printed on each row's label can be a sum of its own
    /// ([`TableSpec::has_subtotal`]).
    pub subtotal: Vec<bool>,
    /// Each row's label without its trailing parenthetical ([`TableSpec::short_label`]).
    pub short: Vec<&'static str>,
}

static TABLE_NORMS: std::sync::LazyLock<[TableNorms; 4]> = std::sync::LazyLock::new(|| {
    [
        table_norms(&T2),
        table_norms(&T3),
        table_norms(&T4),
        table_norms(&T2_2019),
    ]
});

fn table_norms(t: &'static TableSpec) -> TableNorms {
    let rows: Vec<&'static str> = t.rows.iter().map(|r| normed(r.label)).collect();
    let candidates: Vec<(usize, &'static str)> = t
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.kind, RowKind::Data | RowKind::Group) && !r.label.is_empty())
        .map(|(i, _)| (i, rows[i]))
        .collect();
    let cols: Vec<(&'static str, &'static str)> = t
        .col_sets
        .iter()
        .flat_map(|cs| cs.iter().map(|c| (normed(c.label), c.label)))
        .collect();
    let mut candidates_by_end: rustc_hash::FxHashMap<char, Vec<(usize, &'static str)>> =
        rustc_hash::FxHashMap::default();
    for &(i, l) in &candidates {
        if let Some(c) = l.chars().next_back() {
            candidates_by_end.entry(c).or_default().push((i, l));
        }
    }
    let mut headers = rustc_hash::FxHashMap::default();
    for w in t.header_words {
        headers.entry(normed(w)).or_insert(*w);
    }
    for &(n, label) in &cols {
        headers.entry(n).or_insert(label);
    }
    let markers_2019: rustc_hash::FxHashSet<&'static str> = match t.id {
        TableId::T2 => T2_2019_MARKERS.iter().map(|m| normed(m)).collect(),
        _ => Default::default(),
    };
    // The column sets of the 2019 rows that the 2021 table has too (by label or alias).
    let in_2021 = |label: &'static str| {
        let n = normed(label);
        T2.rows
            .iter()
            .any(|r| normed(r.label) == n || r.aliases.iter().any(|a| normed(a) == n))
    };
    let col_markers_2019 = T2_2019
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Data && in_2021(r.label))
        .flat_map(|r| T2_2019.col_sets[r.cols].iter().map(|c| normed(c.label)))
        .filter(|l| markers_2019.contains(l))
        .collect();
    let aliases: Vec<Vec<&'static str>> = t
        .rows
        .iter()
        .map(|r| r.aliases.iter().map(|a| normed(a)).collect())
        .collect();
    let longest_label = candidates
        .iter()
        .flat_map(|&(i, l)| std::iter::once(l).chain(aliases[i].iter().copied()))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let descendants: Vec<Vec<usize>> = (0..t.rows.len())
        .map(|i| {
            let mut v = Vec::new();
            t.find_data_descendants(i, &mut v);
            v
        })
        .collect();
    let summed = |d: usize| {
        RELATIONS.iter().any(|rel| {
            rel.table == t.id
                && matches!(rel.kind, RelationKind::ColumnSum { total, .. } if total == d)
        })
    };
    let subtotal = t
        .rows
        .iter()
        .zip(&descendants)
        .map(|(r, d)| match r.kind {
            RowKind::Data => true,
            RowKind::Item => false,
            RowKind::Group => !d.iter().any(|&d| summed(d)),
        })
        .collect();
    TableNorms {
        markers_2019,
        col_markers_2019,
        longest_label,
        descendants,
        subtotal,
        short: t.rows.iter().map(|r| short_label(r.label)).collect(),
        aliases,
        rows,
        candidates,
        candidates_by_end,
        headers,
        cols,
    }
}

impl TableSpec {
    pub fn norms(&self) -> &'static TableNorms {
        match self.edition {
            Edition::Y2021 => &TABLE_NORMS[self.id as usize],
            Edition::Y2019 => &TABLE_NORMS[3],
        }
    }
    /// The spec of this table in the layout of `edition` (table 二 is the only one that differs).
    pub fn in_edition(&'static self, edition: Edition) -> &'static TableSpec {
        match (self.id, edition) {
            (TableId::T2, Edition::Y2019) => &T2_2019,
            (TableId::T2, Edition::Y2021) => &T2,
            _ => self,
        }
    }
}

/// Every label and title of the format, for [`normed`].
fn all_strings() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for s in &SECTIONS {
        v.push(s.title);
        v.extend(s.variants.iter().copied());
    }
    for t in [&T2, &T3, &T4, &T2_2019] {
        for r in t.rows {
            v.push(r.label);
            v.extend(r.aliases.iter().copied());
        }
        for cs in t.col_sets {
            v.extend(cs.iter().map(|c| c.label));
        }
        v.extend(t.header_words.iter().copied());
    }
    v.extend(T2_2019_MARKERS.iter().copied());
    v.extend(BASIS_2019.iter().copied());
    v
}

/// Keys are addresses of static strings, already unique: no need to hash them further.
#[derive(Default)]
struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type NormMap =
    std::collections::HashMap<(usize, usize), String, std::hash::BuildHasherDefault<AddressHasher>>;

static NORMED: std::sync::LazyLock<NormMap> = std::sync::LazyLock::new(|| {
    all_strings()
        .into_iter()
        .map(|s| ((s.as_ptr() as usize, s.len()), crate::text::norm(s)))
        .collect()
});

/// The normalised form ([`crate::text::norm`]) of a label or title of this module, computed once.
pub fn normed(s: &'static str) -> &'static str {
    match NORMED.get(&(s.as_ptr() as usize, s.len())) {
        Some(n) => n.as_str(),
        // A string of this module that the compiler placed at another address: normalise it once
        // and keep it for the life of the program, like the others (a bounded set).
        None => {
            type Extra = std::collections::HashMap<
                (usize, usize),
                &'static str,
                std::hash::BuildHasherDefault<AddressHasher>,
            >;
            static EXTRA: std::sync::Mutex<Option<Extra>> = std::sync::Mutex::new(None);
            let mut guard = EXTRA.lock().unwrap_or_else(|e| e.into_inner());
            let map = guard.get_or_insert_with(Extra::default);
            map.entry((s.as_ptr() as usize, s.len()))
                .or_insert_with(|| Box::leak(crate::text::norm(s).into_boxed_str()))
        }
    }
}

#[cfg(test)]
mod normed_tests {
    #[test]
    fn every_spec_string_is_normalised_once() {
        assert_eq!(super::normed(super::T3.rows[3].label), "(一)予以公开");
        assert_eq!(
            super::normed(super::SECTIONS[5].variants[0]),
            "其他需报告的事项"
        );
    }
}
