use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use super::{AgencyRef, Schedule, Severity};
use crate::policy::PolicyOverrides;

/// An implementation plan (Kế hoạch) as a list of obligations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Stable id chosen by the caller or derived from the file name, e.g. `vinh-long-144-KH-UBND`.
    pub id: String,
    /// Number and symbol (số, ký hiệu), e.g. `144/KH-UBND`; `None` for a draft with a blank number.
    #[serde(default)]
    pub number: Option<String>,
    /// Issuing authority, e.g. `Ủy ban nhân dân tỉnh Vĩnh Long`.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Province or city, e.g. `Vĩnh Long`.
    #[serde(default)]
    pub jurisdiction: Option<String>,
    /// Place in the date line.
    #[serde(default)]
    pub place: Option<String>,
    /// Issue date; `None` for a draft (`ngày tháng năm 2026`).
    #[serde(default)]
    pub issue_date: Option<NaiveDate>,
    pub title: String,
    /// Documents the plan implements (căn cứ, thực hiện).
    #[serde(default)]
    pub legal_basis: Vec<LegalReference>,
    /// Date the law takes effect when the plan states it (01/7/2026).
    #[serde(default)]
    pub law_effective_date: Option<NaiveDate>,
    /// Deadline policies this plan sets; they win over the rule pack's defaults.
    #[serde(default, skip_serializing_if = "PolicyOverrides::is_empty")]
    pub policies: PolicyOverrides,
    pub obligations: Vec<Obligation>,
    /// What the plan reader could not understand; empty for hand-written plans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<IngestWarning>,
    /// How much of the plan text the reader accounted for; absent for hand-written plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
}

/// How much of the plan's text the reader accounted for: every non-empty line is part of an
/// obligation, the header or closing, a section that assigns no dated duty, or a warning. Lines
/// accounted for only by a `text_not_accounted` warning are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// Non-empty lines of the input.
    pub lines: u32,
    /// Lines accounted for as part of an obligation, the header, a known section or a warning.
    pub accounted: u32,
    /// Line numbers (1-based) of the input that nothing accounted for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unaccounted_lines: Vec<u32>,
}

impl Coverage {
    /// Accounted lines as a share of all non-empty lines (1.0 for an empty text).
    pub fn ratio(&self) -> f64 {
        if self.lines == 0 {
            1.0
        } else {
            f64::from(self.accounted) / f64::from(self.lines)
        }
    }
}

impl Plan {
    /// The obligation with this id.
    pub fn obligation(&self, id: &str) -> Option<&Obligation> {
        self.obligations.iter().find(|o| o.id.as_str() == id)
    }
}

/// A document the plan is based on, e.g. `Quyết định số 437/QĐ-TTg ngày 16/3/2026`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalReference {
    /// Kind as written: `Quyết định`, `Luật`, `Nghị định`...
    pub kind: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The words as written.
    pub text: String,
}

/// Id of an obligation from its place in the plan: `II.4.b`, `IV.1`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ObligationId(pub String);

impl ObligationId {
    pub fn new(s: impl Into<String>) -> Self {
        ObligationId(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObligationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for ObligationId {
    fn schema_name() -> Cow<'static, str> {
        "ObligationId".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Place in the plan: section roman numeral, item number, letter: II.4.b, IV.1",
            "minLength": 1
        })
    }
}

/// What kind of duty an obligation is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    /// A task of section II (nhiệm vụ).
    #[default]
    Task,
    /// The periodic report on implementation results (báo cáo kết quả thực hiện), usually in IV.
    PeriodicReport,
}

impl ObligationKind {
    /// The name used in JSON and rules.
    pub fn as_str(self) -> &'static str {
        match self {
            ObligationKind::Task => "task",
            ObligationKind::PeriodicReport => "periodic_report",
        }
    }
}

/// One duty of the plan: who, what, by when, evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    pub id: ObligationId,
    #[serde(default)]
    pub kind: ObligationKind,
    pub title: String,
    /// What must be done (nội dung).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Lead agencies (cơ quan chủ trì): accountable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lead: Vec<AgencyRef>,
    /// Coordinating agencies (cơ quan phối hợp): not accountable on their own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coordinating: Vec<AgencyRef>,
    /// Performing agencies (cơ quan/đơn vị thực hiện): accountable, may replace the lead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub performers: Vec<AgencyRef>,
    /// Deliverables (sản phẩm).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<String>,
    pub schedule: Schedule,
    /// Where results go (báo cáo về ...), and via which office (qua ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting: Option<Reporting>,
    /// The plan's own words for this obligation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceSpan>,
}

impl Obligation {
    /// Parties that must produce evidence: leads and performers, in plan order, without repeats.
    pub fn responsible(&self) -> Vec<&AgencyRef> {
        let mut out: Vec<&AgencyRef> = Vec::new();
        for a in self.lead.iter().chain(&self.performers) {
            // Names told apart only by diacritics ("xã Tân An", "xã Tân Ân") are two parties.
            if !out
                .iter()
                .any(|b| super::same_agency_name(a.name(), b.name()))
            {
                out.push(a);
            }
        }
        out
    }
}

/// Recipient of results, the office that receives on its behalf, and the body the recipient
/// reports on to (`báo cáo ... về X (qua Y) để tổng hợp, báo cáo Z`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reporting {
    pub recipient: AgencyRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<AgencyRef>,
    /// Where the recipient sends the summary on (`để tổng hợp, báo cáo Z`): not a duty of the
    /// reporting agencies, kept so the chain is not lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onward: Option<AgencyRef>,
    /// Bodies the report goes to with the recipient (`báo cáo UBND tỉnh và Bộ Công an`), in the
    /// order written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_to: Vec<AgencyRef>,
    /// Bodies named with the onward one (`để tổng hợp, báo cáo UBND tỉnh, Bộ Công an`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub onward_also: Vec<AgencyRef>,
}

/// Lines of the source document (1-based, inclusive) and their text, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceSpan {
    pub line_start: u32,
    pub line_end: u32,
    pub text: String,
}

/// Something the plan reader could not understand, kept so nothing is silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestWarning {
    /// Stable machine code, e.g. `unparsed_timeline`: one of [`WarningCode`](super::WarningCode)
    /// for warnings the reader makes (kept as a string so older or hand-written plans still load).
    pub code: String,
    pub line: u32,
    pub message: String,
    /// The text concerned, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// How serious it is: `info` (a draft's blank number), `warning` (a phrase not understood),
    /// `error` (no plan found). Absent in warnings written before this field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
}

impl IngestWarning {
    /// The warning's code as the enum, when it is one the reader knows.
    pub fn known_code(&self) -> Option<super::WarningCode> {
        super::WarningCode::parse(&self.code)
    }
}
