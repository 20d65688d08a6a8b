//! The wordings by which the prose of a report restates a figure of its tables (`text-mismatch`),
//! as data: what each wording says, which cells (or sum of cells) it restates, and a sentence of a
//! real published report that uses it. A sentence is read only through these wordings; anything
//! else in the prose is not a figure of the tables.
//!
//! A pattern is a regular expression over a sentence as the check prepares it: white space
//! removed (a space between two digits kept), full-width digits folded to ASCII, ASCII
//! punctuation folded to full width (`，；：（）`), `%` for `％`. `{N}` stands for the figure (Arabic
//! digits, or Chinese numerals such as 三十五, 两). A pattern without `{N}` states zero in words
//! (「未收到」「未发生…行政复议」): its figure is 0.

use super::{t2, t3, t4};

/// The columns of table 三 a figure restates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T3Cols {
    /// The 总计 column.
    Total,
    /// One applicant column.
    Col(usize),
    /// The five columns of 法人或其他组织, added up.
    Legal,
}

/// What a figure of the prose restates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Table 三: the sum of `rows` (a group row stands for its data rows) in `cols`.
    T3 {
        rows: &'static [usize],
        cols: T3Cols,
    },
    /// Table 三, the rows of the sentence's previous table-三 figure, in other columns
    /// (「收到申请75件，涉及自然人72件」).
    T3SameRows(T3Cols),
    /// Table 四: the sum over the case kinds `groups` (their first columns, [`t4::REVIEW`] …) of
    /// the columns `cols` (relative: [`t4::UPHELD`] … [`t4::TOTAL`]).
    T4 {
        groups: &'static [usize],
        cols: &'static [usize],
    },
    /// Table 四, the case kinds of the sentence's table-四 figures just before, in `cols`
    /// (「行政复议351件，其中结果维持72件」, 「行政诉讼1件、行政复议2件，均已结案」).
    T4SameGroups(&'static [usize]),
    /// Table 二: a row and a column of its column set.
    T2 { row: usize, col: usize },
    /// Table 二, the row of the sentence's previous table-二 figure, in `col`
    /// (「行政规范性文件本年度未制发，现行有效件数11件」).
    T2SameRow(usize),
}

/// How the figure relates to its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The figure is one of the targets, which one the words do not tell (「办理申请218件」: received
    /// or handled): it contradicts the tables only when it equals none of them.
    Any,
    /// The figure is each of the targets (「未发生行政复议、行政诉讼」: both are 0).
    Each,
}

/// What the sentence must be about for a wording to be read in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    /// Any sentence (the wording itself says what it counts).
    Any,
    /// A sentence about applications (it says 申请): a bare 「办结148件」 counts them only there.
    Applications,
    /// A sentence about 政府信息公开 (行政复议 and 行政诉讼 of other matters are not in table 四), or
    /// any sentence of section 四.
    Disclosure,
}

/// One accepted wording.
#[derive(Debug)]
pub struct Wording {
    /// A short name (tests, docs).
    pub id: &'static str,
    /// What the wording states, in Chinese (docs/text-mismatch.md).
    pub says: &'static str,
    /// The regular expression, `{N}` standing for the figure.
    pub pattern: &'static str,
    pub targets: &'static [Target],
    pub reading: Reading,
    pub about: About,
    /// A sentence that uses the wording: a real report's (the file stem of a seed in
    /// `../shared/seeds/` or a report in `../shared/corpus/reports/`), or, where the seeds and the
    /// corpus have none yet, one adapted from a real sentence, which `source` says.
    pub example: &'static str,
    pub source: &'static str,
}

const NEW: &[usize] = &[t3::NEW];
const CARRIED: &[usize] = &[t3::CARRIED];
const HANDLED: &[usize] = &[t3::TOTAL];
const CARRY_NEXT: &[usize] = &[t3::CARRY_NEXT];
const DISCLOSED: &[usize] = &[t3::DISCLOSED];
const PARTIAL: &[usize] = &[t3::DISCLOSED + 1];
const DISCLOSED_AND_PARTIAL: &[usize] = &[t3::DISCLOSED, t3::DISCLOSED + 1];
const WITHHELD: &[usize] = &[t3::WITHHELD];
const UNAVAILABLE: &[usize] = &[t3::UNAVAILABLE];
const NOT_HANDLED: &[usize] = &[t3::NOT_HANDLED];
const OTHER: &[usize] = &[t3::OTHER];

const REVIEW: &[usize] = &[t4::REVIEW];
const LITIGATION: &[usize] = &[t4::DIRECT, t4::AFTER];
const TOTAL: &[usize] = &[t4::TOTAL];

const fn t3(rows: &'static [usize]) -> Target {
    Target::T3 {
        rows,
        cols: T3Cols::Total,
    }
}

/// Every accepted wording. Where two match the same figure, the first in this list is read (the
/// more specific wordings come first: 予以公开及部分公开 before 部分公开).
pub static WORDINGS: &[Wording] = &[
    // ---------------------------------------------------------------- table 三: received
    Wording {
        id: "new-received",
        says: "本年新收申请数（收到、受理、接收……申请N件）",
        pattern: "(?:收到|受理|接收|新收|接到)[^，。；：0-9]*?(?:政府信息公开|信息公开)?申请(?:数量?)?(?:共计|共|合计|总计|总数)?(?:为|达)?{N}(?:件|个|条)",
        targets: &[t3(NEW)],
        reading: Reading::Any,
        about: About::Any,
        example: "2025年，全区共收到政府信息公开申请154件，共办结148件，结转至2026年6件。",
        source: "203_fujian-pingtan-gwh-2025",
    },
    Wording {
        id: "new-received-letters",
        says: "本年新收申请数（收到依申请公开信件N件）",
        pattern: "(?:收到|受理|接收)依申请公开(?:信件|申请)(?:共计|共)?{N}件",
        targets: &[t3(NEW)],
        reading: Reading::Any,
        about: About::Any,
        example: "2024年，收到依申请公开信件4件，办结4件，办结率100%。",
        source: "000_745ac7de65919f15",
    },
    Wording {
        id: "new-none",
        says: "本年新收申请数为 0（未收到依申请公开信件、申请）",
        pattern: "(?:未|没有)(?:收到|受理|接到)(?:任何)?(?:政府信息公开|依申请公开|信息公开)(?:申请|信件)(?:[，。；！]|$)",
        targets: &[t3(NEW)],
        reading: Reading::Each,
        about: About::Any,
        example: "2022年,全区未收到依申请公开信件。",
        source: "004_968440a473f92860",
    },
    Wording {
        id: "received-and-handled-before",
        says: "本年新收或办结的申请数，数字在前（共受理办结N件依申请公开信息）",
        pattern: "受理办结{N}件(?:依申请公开信息|政府信息公开申请|申请)",
        targets: &[t3(NEW), t3(HANDLED)],
        reading: Reading::Any,
        about: About::Any,
        example: "今年我局共受理办结2件依申请公开信息，并依法依规完成答复。",
        source: "213_fujian-pingtan-supingpianqu-2020",
    },
    Wording {
        id: "new-received-before",
        says: "本年新收申请数，数字在前（共受理N件依申请公开信息、共收到N件申请）",
        pattern: "(?:收到|受理|接收)(?:了)?{N}件(?:政府信息公开|依申请公开|信息公开)?(?:申请|信息)",
        targets: &[t3(NEW)],
        reading: Reading::Any,
        about: About::Any,
        example: "2020年度共受理2件依申请公开信息，主要受理方式为信函申请。",
        source: "213_fujian-pingtan-supingpianqu-2020",
    },
    // ---------------------------------------------------------------- table 三: applicants
    Wording {
        id: "natural-persons",
        says: "同一句前一个表三数字所在行的自然人数（涉及自然人N件）",
        pattern: "自然人(?:提出)?(?:的)?(?:申请)?{N}件",
        targets: &[Target::T3SameRows(T3Cols::Col(0))],
        reading: Reading::Any,
        about: About::Any,
        example: "2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件，涉及自然人80件、商业企业1件。",
        source: "202_fujian-pingtan-gwh-2023",
    },
    Wording {
        id: "legal-persons",
        says: "同一句前一个表三数字所在行的法人或其他组织数（法人或其他组织N件）",
        pattern: "法人(?:或|和|及)其他组织(?:提出)?(?:的)?(?:申请)?{N}件",
        targets: &[Target::T3SameRows(T3Cols::Legal)],
        reading: Reading::Any,
        about: About::Any,
        example: "2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件，涉及自然人80件、法人或其他组织1件。",
        source: "改写自 202_fujian-pingtan-gwh-2023（原句为「商业企业1件」）",
    },
    Wording {
        id: "business",
        says: "同一句前一个表三数字所在行的商业企业数（商业企业N件）",
        pattern: "商业企业(?:提出)?(?:的)?(?:申请)?{N}件",
        targets: &[Target::T3SameRows(T3Cols::Col(1))],
        reading: Reading::Any,
        about: About::Any,
        example: "2022年，全区收到政府信息公开申请75件，涉及自然人72件、商业企业3件，均在法定期限内予以答复，办结率100%。",
        source: "206_fujian-pingtan-gwh-2022",
    },
    // ---------------------------------------------------------------- table 三: carried over
    Wording {
        id: "carried",
        says: "上年结转申请数（含上年度结转申请N件）",
        pattern: "上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开|信息公开)?(?:申请)?(?:共计|共)?{N}件",
        targets: &[t3(CARRIED)],
        reading: Reading::Any,
        about: About::Any,
        example: "2024 年，全市共受理政府信息公开申请 3119 件，答复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度答复），均在法定期限内予以答复。",
        source: "201_huaian-shi-gov-2024",
    },
    // ---------------------------------------------------------------- table 三: handled
    Wording {
        id: "handled",
        says: "本年办结数，即（七）总计（办结、答复……N件）",
        pattern: "(?:办结|答复|办理完毕|处理完毕)(?:了)?(?:政府信息公开|信息公开|依申请公开)?(?:申请)?(?:共计|共)?{N}件",
        targets: &[t3(HANDLED)],
        reading: Reading::Any,
        about: About::Applications,
        example: "全年我局依法办结政府信息公开申请58件，其中网络申请数14件，信函申请数44件。",
        source: "223_fujian-pingtan-jiaotongjianshe-2024（句子后半「申请内容主要涉及……」略去）",
    },
    Wording {
        id: "handled-before",
        says: "本年办结数，数字在前（N件均已答复）",
        pattern: "{N}件(?:申请)?均已(?:及时)?(?:办结|答复)",
        targets: &[t3(HANDLED)],
        reading: Reading::Any,
        about: About::Applications,
        example: "2.对申请的办理情况：2件均已及时答复，其中同意公开信息数2件。",
        source: "213_fujian-pingtan-supingpianqu-2020",
    },
    Wording {
        id: "processed",
        says: "本年新收或办结的申请数（办理政府信息公开申请N件）",
        pattern: "办理(?:了)?(?:政府信息公开|依申请公开|信息公开)(?:申请)?(?:共计|共)?{N}件",
        targets: &[t3(NEW), t3(HANDLED)],
        reading: Reading::Any,
        about: About::Any,
        example: "全年办理政府信息公开申请218件。",
        source: "204_fujian-pingtan-gwh-2024",
    },
    Wording {
        id: "applications-info",
        says: "本年新收或办结的申请数（依申请公开政府信息N条）",
        pattern: "依申请公开(?:政府)?信息(?:数)?(?:为)?{N}(?:件|条)",
        targets: &[t3(NEW), t3(HANDLED)],
        reading: Reading::Any,
        about: About::Any,
        example: "依申请公开政府信息5条，提交申请的方式为网站申请，已在规定时限内完成回复。",
        source: "217_fujian-pingtan-shichangjianguan-2021",
    },
    // ---------------------------------------------------------------- table 三: results
    Wording {
        id: "disclosed-and-partial",
        says: "予以公开与部分公开之和（予以公开及部分公开N件）",
        pattern: "(?:予以公开|同意公开|全部公开)(?:及|和|与|、|或)(?:部分公开|区分处理)(?:的)?(?:申请)?(?:共)?{N}件",
        targets: &[t3(DISCLOSED_AND_PARTIAL)],
        reading: Reading::Any,
        about: About::Any,
        example: "办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%；不予公开5件，占6.17%；无法提供31件，占38.27%；不予处理1件，占1.23%；其他处理2件，占2.47%。",
        source: "202_fujian-pingtan-gwh-2023",
    },
    Wording {
        id: "disclosed",
        says: "（一）予以公开（予以公开、同意公开N件）",
        pattern: "(?:予以公开|同意公开)(?:的)?(?:申请)?(?:为)?{N}件",
        targets: &[t3(DISCLOSED)],
        reading: Reading::Any,
        about: About::Any,
        example: "其中，同意公开3件，占比37.5%；无法提供4件，占比50%；区分处理后公开1件，占比12.5%。",
        source: "215_fujian-pingtan-gonganju-2024",
    },
    Wording {
        id: "disclosed-info",
        says: "（一）予以公开（同意公开信息数N件、N条）",
        pattern: "(?:予以公开|同意公开)信息数(?:为)?{N}(?:件|条)",
        targets: &[t3(DISCLOSED)],
        reading: Reading::Any,
        about: About::Any,
        example: "2.对申请的办理情况：2件均已及时答复，其中同意公开信息数2件。",
        source: "213_fujian-pingtan-supingpianqu-2020",
    },
    Wording {
        id: "partial",
        says: "（二）部分公开（部分公开、区分处理后公开N件）",
        pattern: "(?:部分公开|区分处理后公开|区分处理)(?:的)?(?:申请)?(?:为)?{N}件",
        targets: &[t3(PARTIAL)],
        reading: Reading::Any,
        about: About::Any,
        example: "其中，同意公开3件，占比37.5%；无法提供4件，占比50%；区分处理后公开1件，占比12.5%。",
        source: "215_fujian-pingtan-gonganju-2024",
    },
    Wording {
        id: "withheld",
        says: "（三）不予公开各项之和（不予公开N件）",
        pattern: "不予公开(?:的)?(?:申请)?(?:为)?{N}件",
        targets: &[t3(WITHHELD)],
        reading: Reading::Any,
        about: About::Any,
        example: "办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%；不予公开5件，占6.17%；无法提供31件，占38.27%；不予处理1件，占1.23%；其他处理2件，占2.47%。",
        source: "202_fujian-pingtan-gwh-2023",
    },
    Wording {
        id: "withheld-info",
        says: "（三）不予公开各项之和（不予公开信息数N条）",
        pattern: "不予公开信息数(?:为)?{N}(?:件|条)",
        targets: &[t3(WITHHELD)],
        reading: Reading::Any,
        about: About::Any,
        example: "依申请公开信息数1条，不予公开信息数为0条。",
        source: "221_fujian-pingtan-shehuishiye-2019",
    },
    Wording {
        id: "unavailable",
        says: "（四）无法提供各项之和（无法提供N件）",
        pattern: "无法提供(?:的)?(?:申请)?{N}件",
        targets: &[t3(UNAVAILABLE)],
        reading: Reading::Any,
        about: About::Any,
        example: "其中，同意公开3件，占比37.5%；无法提供4件，占比50%；区分处理后公开1件，占比12.5%。",
        source: "215_fujian-pingtan-gonganju-2024",
    },
    Wording {
        id: "not-handled",
        says: "（五）不予处理各项之和（不予处理N件）",
        pattern: "不予处理(?:的)?(?:申请)?{N}件",
        targets: &[t3(NOT_HANDLED)],
        reading: Reading::Any,
        about: About::Any,
        example: "办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%；不予公开5件，占6.17%；无法提供31件，占38.27%；不予处理1件，占1.23%；其他处理2件，占2.47%。",
        source: "202_fujian-pingtan-gwh-2023",
    },
    Wording {
        id: "other-handling",
        says: "（六）其他处理各项之和（其他处理N件）",
        pattern: "其他处理(?:的)?(?:申请)?{N}件",
        targets: &[t3(OTHER)],
        reading: Reading::Any,
        about: About::Any,
        example: "办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%；不予公开5件，占6.17%；无法提供31件，占38.27%；不予处理1件，占1.23%；其他处理2件，占2.47%。",
        source: "202_fujian-pingtan-gwh-2023",
    },
    // ---------------------------------------------------------------- table 三: carried forward
    Wording {
        id: "carry-next",
        says: "结转下年度继续办理数（结转至下年度N件、结转至次年年份N件）",
        pattern: "结转(?:至|到)?(?:下(?:一)?年(?:度)?|20[0-9]{2}年(?:度)?)(?:继续办理)?(?:的)?(?:申请)?(?:共)?{N}件",
        targets: &[t3(CARRY_NEXT)],
        reading: Reading::Any,
        about: About::Any,
        example: "2025年，全区共收到政府信息公开申请154件，共办结148件，结转至2026年6件。",
        source: "203_fujian-pingtan-gwh-2025",
    },
    Wording {
        id: "carry-next-before",
        says: "结转下年度继续办理数，数字在前（N件顺延到下年度）",
        pattern: "{N}件(?:申请)?(?:结转|顺延)(?:至|到)?下(?:一)?年(?:度)?",
        targets: &[t3(CARRY_NEXT)],
        reading: Reading::Any,
        about: About::Any,
        example: "2024 年，全市共受理政府信息公开申请 3119 件，答复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度答复），均在法定期限内予以答复。",
        source: "201_huaian-shi-gov-2024",
    },
    // ---------------------------------------------------------------- table 四
    Wording {
        id: "review",
        says: "行政复议总计（行政复议N件、起、次）",
        pattern: "行政复议(?:案件|申请)?(?:共计|共)?(?:为)?{N}(?:件|起|次|宗|个)",
        targets: &[Target::T4 {
            groups: REVIEW,
            cols: TOTAL,
        }],
        reading: Reading::Any,
        about: About::Disclosure,
        example: "2025年，全区共收到政府信息公开申请154件，共办结148件，结转至2026年6件。全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。",
        source: "203_fujian-pingtan-gwh-2025",
    },
    Wording {
        id: "litigation",
        says: "行政诉讼总计：未经复议直接起诉与复议后起诉之和（行政诉讼N件、起）",
        pattern: "行政诉讼(?:案件)?(?:共计|共)?(?:为)?{N}(?:件|起|次|宗|个)",
        targets: &[Target::T4 {
            groups: LITIGATION,
            cols: TOTAL,
        }],
        reading: Reading::Any,
        about: About::Disclosure,
        example: "全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。",
        source: "203_fujian-pingtan-gwh-2025",
    },
    Wording {
        id: "no-review-or-litigation",
        says: "行政复议、行政诉讼均为 0（未发生、没有、未有……行政复议、行政诉讼）",
        pattern: "(?:未发生|没有发生|未出现|没有出现|未有|没有|无)[^，。；0-9]*?行政复议(?:、|和|或|及|与|或者)(?:提起)?行政诉讼(?:有关|相关)?(?:案件|的情况|情况|的事项|事项|的情形|情形)?(?:[，。；！]|$)",
        targets: &[
            Target::T4 {
                groups: REVIEW,
                cols: TOTAL,
            },
            Target::T4 {
                groups: LITIGATION,
                cols: TOTAL,
            },
        ],
        reading: Reading::Each,
        about: About::Disclosure,
        example: "全年没有应公开而不予公开的情况，没有因政府信息公开针对区公安局申请行政复议或行政诉讼的事项。",
        source: "215_fujian-pingtan-gonganju-2024",
    },
    Wording {
        id: "no-review",
        says: "行政复议为 0（未发生……行政复议）",
        pattern: "(?:未发生|没有发生|未出现|没有出现|未有|没有|无)[^，。；0-9]*?行政复议(?:有关|相关)?(?:案件|的情况|情况|的事项|事项|的情形|情形)?(?:[，。；！]|$)",
        targets: &[Target::T4 {
            groups: REVIEW,
            cols: TOTAL,
        }],
        reading: Reading::Each,
        about: About::Disclosure,
        example: "2022年，未有政府信息公开行政复议有关情况。",
        source: "改写自 230_fujian-pingtan-jingjifazhan-2022（原句兼说行政诉讼）",
    },
    Wording {
        id: "no-litigation",
        says: "行政诉讼为 0（未发生……行政诉讼）",
        pattern: "(?:未发生|没有发生|未出现|没有出现|未有|没有|无)[^，。；0-9]*?行政诉讼(?:有关|相关)?(?:案件|的情况|情况|的事项|事项|的情形|情形)?(?:[，。；！]|$)",
        targets: &[Target::T4 {
            groups: LITIGATION,
            cols: TOTAL,
        }],
        reading: Reading::Each,
        about: About::Disclosure,
        example: "2022年，未有政府信息公开行政诉讼有关情况。",
        source: "改写自 230_fujian-pingtan-jingjifazhan-2022（原句兼说行政复议）",
    },
    Wording {
        id: "upheld",
        says: "同一句前面所说案件的结果维持数（其中结果维持N件）",
        pattern: "(?:结果)?维持(?:原(?:行政行为|决定|判决))?(?:的)?{N}(?:件|起|次|宗|个)",
        targets: &[Target::T4SameGroups(&[t4::UPHELD])],
        reading: Reading::Any,
        about: About::Disclosure,
        example: "政府信息公开行政复议 351 件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚未审结 37 件；政府信息公开行政诉讼 46 件，其中结果维持 25 件，结果纠正 5 件，其他结果 9 件，尚未审结 7 件。",
        source: "201_huaian-shi-gov-2024",
    },
    Wording {
        id: "corrected",
        says: "同一句前面所说案件的结果纠正数（结果纠正N件）",
        pattern: "(?:结果)?纠正(?:的)?{N}(?:件|起|次|宗|个)",
        targets: &[Target::T4SameGroups(&[t4::CORRECTED])],
        reading: Reading::Any,
        about: About::Disclosure,
        example: "政府信息公开行政复议 351 件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚未审结 37 件。",
        source: "201_huaian-shi-gov-2024",
    },
    Wording {
        id: "other-result",
        says: "同一句前面所说案件的其他结果数（其他结果N件）",
        pattern: "其他结果(?:的)?{N}(?:件|起|次|宗|个)",
        targets: &[Target::T4SameGroups(&[t4::OTHER])],
        reading: Reading::Any,
        about: About::Disclosure,
        example: "政府信息公开行政复议 351 件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚未审结 37 件。",
        source: "201_huaian-shi-gov-2024",
    },
    Wording {
        id: "pending",
        says: "同一句前面所说案件的尚未审结数（尚未审结N件）",
        pattern: "(?:尚未审结|未审结|正在审理|审理中)(?:的)?{N}(?:件|起|次|宗|个)",
        targets: &[Target::T4SameGroups(&[t4::PENDING])],
        reading: Reading::Any,
        about: About::Disclosure,
        example: "政府信息公开行政诉讼 46 件，其中结果维持 25 件，结果纠正 5 件，其他结果 9 件，尚未审结 7 件。",
        source: "201_huaian-shi-gov-2024",
    },
    Wording {
        id: "all-closed",
        says: "前面所说的案件都已审结：尚未审结为 0（均已结案、均已审结）",
        pattern: "(?:均|都|全部)已(?:经)?(?:结案|审结)",
        targets: &[Target::T4SameGroups(&[t4::PENDING])],
        reading: Reading::Each,
        about: About::Disclosure,
        example: "2022年，全区政府信息公开工作方面共有行政诉讼案件1件、行政复议案件2件，均已结案。",
        source: "206_fujian-pingtan-gwh-2022",
    },
    Wording {
        id: "all-upheld",
        says: "前面所说的案件结果都是维持：结果纠正、其他结果、尚未审结均为 0（均获维持、均被维持）",
        pattern: "(?:均|全部|都)(?:获|被|予以|已被|获得)?维持",
        targets: &[Target::T4SameGroups(&[
            t4::CORRECTED,
            t4::OTHER,
            t4::PENDING,
        ])],
        reading: Reading::Each,
        about: About::Disclosure,
        example: "2024年，收到依申请公开信件4件，办结4件，办结率100%。因政府信息公开引起的行政复议2件，均获维持。",
        source: "改写自 000_745ac7de65919f15（原句无「均获维持」；「均获维持」是审稿中常见的说法）",
    },
    // ---------------------------------------------------------------- table 二
    Wording {
        id: "normative-issued",
        says: "行政规范性文件本年制发件数（制发、印发、出台行政规范性文件N件）",
        pattern: "(?:制发|印发|出台|制定)(?:了)?(?:的)?(?:行政)?规范性文件(?:共)?{N}(?:件|份|个)",
        targets: &[Target::T2 {
            row: t2::NORMATIVE,
            col: t2::ISSUED,
        }],
        reading: Reading::Any,
        about: About::Any,
        example: "2024年，制发行政规范性文件7件，废止行政规范性文件1件；现行有效行政规范性文件7件。",
        source: "000_745ac7de65919f15",
    },
    Wording {
        id: "normative-none-issued",
        says: "行政规范性文件本年制发件数为 0（行政规范性文件本年度未制发）",
        pattern: "(?:行政)?规范性文件(?:本年度?|今年|全年)?(?:未|没有)(?:制发|出台|制定|印发)",
        targets: &[Target::T2 {
            row: t2::NORMATIVE,
            col: t2::ISSUED,
        }],
        reading: Reading::Each,
        about: About::Any,
        example: "其他应主动公开的政府信息36条;行政规范性文件本年度未制发，现行有效件数11件。",
        source: "211_fujian-pingtan-junshanpianqu-2024",
    },
    Wording {
        id: "normative-repealed",
        says: "行政规范性文件本年废止件数（废止行政规范性文件N件）",
        pattern: "废止(?:了)?(?:的)?(?:行政)?规范性文件(?:共)?{N}(?:件|份|个)",
        targets: &[Target::T2 {
            row: t2::NORMATIVE,
            col: t2::REPEALED,
        }],
        reading: Reading::Any,
        about: About::Any,
        example: "2024年，制发行政规范性文件7件，废止行政规范性文件1件；现行有效行政规范性文件7件。",
        source: "000_745ac7de65919f15",
    },
    Wording {
        id: "normative-in-force",
        says: "行政规范性文件现行有效件数（现行有效行政规范性文件N件）",
        pattern: "现行有效(?:的)?(?:行政)?规范性文件(?:共)?(?:为)?{N}(?:件|份|个)",
        targets: &[Target::T2 {
            row: t2::NORMATIVE,
            col: t2::IN_FORCE,
        }],
        reading: Reading::Any,
        about: About::Any,
        example: "设立规范性文件库，集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。",
        source: "206_fujian-pingtan-gwh-2022",
    },
    Wording {
        id: "in-force-count",
        says: "同一句前面所说文件（规章或行政规范性文件）的现行有效件数（现行有效件数N件）",
        pattern: "现行有效(?:件数|数量)(?:为)?{N}件",
        targets: &[Target::T2SameRow(t2::IN_FORCE)],
        reading: Reading::Any,
        about: About::Any,
        example: "其他应主动公开的政府信息36条;行政规范性文件本年度未制发，现行有效件数11件。",
        source: "211_fujian-pingtan-junshanpianqu-2024",
    },
    Wording {
        id: "rules-issued",
        says: "规章本年制发件数（新增公开、制定规章N件）",
        pattern: "(?:制发|印发|出台|制定|新增公开)(?:了)?(?:的)?(?:市政府|省政府|政府)?规章(?:共)?{N}件",
        targets: &[Target::T2 {
            row: t2::GUIZHANG,
            col: t2::ISSUED,
        }],
        reading: Reading::Any,
        about: About::Any,
        example: "2024 年，市政府网站主动公开各类政府信息 5500 余条，全年新增公开市政府规章 1 件、市政府及市政府办政策性文件 11 件。",
        source: "201_huaian-shi-gov-2024",
    },
    Wording {
        id: "rules-in-force",
        says: "规章现行有效件数（现行有效规章N件）",
        pattern: "现行有效(?:的)?(?:市政府|省政府|政府)?规章(?:共)?(?:为)?{N}件",
        targets: &[Target::T2 {
            row: t2::GUIZHANG,
            col: t2::IN_FORCE,
        }],
        reading: Reading::Any,
        about: About::Any,
        example: "2024年，制发行政规范性文件7件，废止行政规范性文件1件；现行有效规章3件。",
        source: "改写自 000_745ac7de65919f15（原句说现行有效行政规范性文件）",
    },
    Wording {
        id: "decisions",
        says: "行政许可、行政处罚、行政强制的本年处理决定数量（作出行政处罚决定N件）",
        pattern: "(?:作出|办理|办结)?行政(?P<kind>许可|处罚|强制)(?:处理)?决定(?:数量?)?(?:共计|共)?(?:为)?{N}(?:件|个|起)",
        targets: &[
            Target::T2 {
                row: t2::LICENSING,
                col: 0,
            },
            Target::T2 {
                row: t2::PENALTY,
                col: 0,
            },
            Target::T2 {
                row: t2::ENFORCEMENT,
                col: 0,
            },
        ],
        reading: Reading::Any,
        about: About::Any,
        example: "全年作出行政处罚决定211件。",
        source: "表二「本年处理决定数量」的正文写法，数字取自 217_fujian-pingtan-shichangjianguan-2021 的表二（样本报告正文中尚无此句）",
    },
    Wording {
        id: "fees",
        says: "行政事业性收费的本年收费金额（万元）",
        pattern: "行政事业性收费(?:金额|收费金额|总额|共计|共)?(?:为|达)?{N}万元",
        targets: &[Target::T2 {
            row: t2::FEES,
            col: 0,
        }],
        reading: Reading::Any,
        about: About::Any,
        example: "本年度行政事业性收费金额59.91万元。",
        source: "表二「本年收费金额（单位：万元）」的正文写法，数字取自 002_43b3efced0382fbe 的表二（样本报告正文中尚无此句）",
    },
];

/// The longest match of a wording, in characters: a wording whose words lie further apart (a verb
/// and its 申请 in one long clause) is not read.
pub const MAX_MATCH_CHARS: usize = 40;

/// The names of the capture groups: the figure, and (for [`WORDINGS`] whose targets are one per
/// kind) the kind, whose position among `KINDS` picks the target.
pub const FIGURE_GROUP: &str = "n";
pub const KIND_GROUP: &str = "kind";
/// The kinds a `kind` group names, in the order of the wording's targets.
pub const KINDS: &[&str] = &["许可", "处罚", "强制"];

/// The figure in a pattern: Arabic digits (with decimals, for 万元) or Chinese numerals.
pub const FIGURE_PATTERN: &str = "(?P<n>[0-9]+(?:\\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+)";

/// A percentage stated with a figure of table 三, right after it: 「42件，占51.85%」「3件（占比37.5%）」.
pub const PERCENT_PATTERN: &str = "^(?:，|（)?(?:占比|占|所占比例)(?:为|达)?(?:总数的|全部申请的|申请总数的|办结总数的)?(?P<p>[0-9]+(?:\\.[0-9]+)?)%";

/// Words that make a sentence (before the figure) or the figure's clause a comparison, a plan or
/// another period: what it says is not this year's figure.
pub const NOT_THIS_YEAR: &[&str] = &[
    "同比",
    "环比",
    "较上年",
    "较去年",
    "较上一年",
    "比上年",
    "比去年",
    "与上年",
    "与去年",
    "上年同期",
    "去年同期",
    "增长",
    "减少",
    "下降",
    "上升",
    "增加",
    "持平",
    "翻番",
    "多于",
    "少于",
    "历年",
    "以来",
    "近年",
    "近三年",
    "近五年",
    "计划",
    "预计",
    "力争",
    "拟",
    "目标",
];

/// Words of the figure's clause that say it counts something else than the tables do.
pub const OTHER_COUNT: &[&str] = &[
    "本级", "逾期", "延期", "超期", "来信", "来访", "信访", "投诉", "举报", "咨询", "热线", "诉求",
    "12345", "信箱", "留言", "建议", "提案",
];

/// Words of a sentence about applications that say table 三 is not what it counts: published
/// items (主动公开…条 has no cell in the tables).
pub const NOT_APPLICATIONS: &[&str] = &["主动公开"];
/// Words that make a match of a table-三 wording about another kind of application (收到行政复议
/// 申请3件).
pub const NOT_APPLICATION_MATCH: &[&str] = &["复议", "诉讼", "信访"];

/// Words that mean a year other than the report's, and how they may go on without meaning it
/// (上年结转, 上年度结转 are this year's figures).
pub const PAST_YEAR_WORDS: &[&str] = &["上年", "去年", "上一年", "前年"];
pub const PAST_YEAR_BUT: &[&str] = &["结转", "度结转"];

/// Words before a figure that make it approximate: nothing can be said of it.
pub const APPROXIMATE_BEFORE: &[&str] = &["近", "约", "逾", "超过", "不到", "不足", "将近", "上"];

/// The words that open a list of the parts of a stated total: 「共公布政府信息2602条（其中…82条，…）」.
pub const PARTS_OPEN: &[&str] = &["其中包括", "其中", "包括", "涵盖"];
/// Words of a part that make it a new total or an aside, not a part: the list ends before it.
pub const PARTS_END: &[&str] = &["另", "此外", "同时", "合计", "总计", "累计", "共"];
/// The first words of a last part that say the list is complete (a shorter sum is then wrong too).
pub const PARTS_REST: &[&str] = &["其他", "其余", "其它"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordings_are_named_once_and_have_examples() {
        let mut ids: Vec<&str> = WORDINGS.iter().map(|w| w.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "a wording id used twice");
        for w in WORDINGS {
            assert!(!w.example.is_empty() && !w.source.is_empty(), "{}", w.id);
            let numbered = w.pattern.contains("{N}");
            assert_eq!(numbered, w.reading == Reading::Any, "{}", w.id);
            if w.pattern.contains("(?P<kind>") {
                assert_eq!(w.targets.len(), KINDS.len(), "{}", w.id);
            }
        }
    }
}
