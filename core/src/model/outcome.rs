use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Bound, Explanation, ObligationId, Period, SourceSpan};
use crate::policy::{DayOffRule, DeadlineReading, Policies};

/// Status of one obligation instance (DESIGN.md §3), matching government task-tracking reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    DoneOnTime,
    DoneLate,
    InProgress,
    Overdue,
    Ongoing,
    NotTriggered,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::DoneOnTime,
        Status::DoneLate,
        Status::InProgress,
        Status::Overdue,
        Status::Ongoing,
        Status::NotTriggered,
        Status::Unknown,
    ];

    /// Machine name, as in JSON and in rules.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::DoneOnTime => "done_on_time",
            Status::DoneLate => "done_late",
            Status::InProgress => "in_progress",
            Status::Overdue => "overdue",
            Status::Ongoing => "ongoing",
            Status::NotTriggered => "not_triggered",
            Status::Unknown => "unknown",
        }
    }

    /// Parses a machine name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The short label of tables and forms: `Đúng hạn`, `QUÁ HẠN`, `On time`...
    pub fn short_label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Vi, Status::DoneOnTime) => "Đúng hạn",
            (Lang::Vi, Status::DoneLate) => "Quá hạn (đã xong)",
            (Lang::Vi, Status::InProgress) => "Trong hạn",
            (Lang::Vi, Status::Overdue) => "QUÁ HẠN",
            (Lang::Vi, Status::Ongoing) => "Thường xuyên",
            (Lang::Vi, Status::NotTriggered) => "Chưa phát sinh",
            (Lang::Vi, Status::Unknown) => "Chưa xác định",
            (Lang::En, Status::DoneOnTime) => "On time",
            (Lang::En, Status::DoneLate) => "Done late",
            (Lang::En, Status::InProgress) => "In progress",
            (Lang::En, Status::Overdue) => "OVERDUE",
            (Lang::En, Status::Ongoing) => "Ongoing",
            (Lang::En, Status::NotTriggered) => "Not triggered",
            (Lang::En, Status::Unknown) => "Unknown",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Vi, Status::DoneOnTime) => "Đã hoàn thành đúng hạn",
            (Lang::Vi, Status::DoneLate) => "Đã hoàn thành quá hạn",
            (Lang::Vi, Status::InProgress) => "Đang thực hiện trong hạn",
            (Lang::Vi, Status::Overdue) => "Chưa hoàn thành, quá hạn",
            (Lang::Vi, Status::Ongoing) => "Thường xuyên (không có thời hạn)",
            (Lang::Vi, Status::NotTriggered) => "Chưa phát sinh",
            (Lang::Vi, Status::Unknown) => "Chưa xác định",
            (Lang::En, Status::DoneOnTime) => "Done on time",
            (Lang::En, Status::DoneLate) => "Done late",
            (Lang::En, Status::InProgress) => "In progress, on time",
            (Lang::En, Status::Overdue) => "Overdue",
            (Lang::En, Status::Ongoing) => "Ongoing (no deadline)",
            (Lang::En, Status::NotTriggered) => "Not triggered",
            (Lang::En, Status::Unknown) => "Unknown",
        }
    }
}

/// Output language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Something a rule says about an instance, a submission or a form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Id of the rule that produced it.
    // Shared by the rule's findings; the obligation, agency and stage by the instance's (a copy
    // of each per finding was most of a finding's allocations).
    pub rule: Arc<str>,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obligation: Option<SharedObligationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Arc<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Arc<str>>,
    /// Index (0-based) of the submission concerned in the input list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission: Option<usize>,
    /// Form field concerned (form validation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message_vi: Message,
    pub message_en: Message,
    /// The rule itself failed (runtime error, sandbox limit, wrong return type) and was skipped;
    /// the message says why. Absent (false) for every finding a rule made on purpose.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rule_failed: bool,
}

impl Finding {
    /// An error finding of `rule` about nothing in particular; callers fill in what it concerns
    /// with struct update syntax (`Finding { field: .., ..Finding::error(..) }`).
    pub fn error(
        rule: impl Into<Arc<str>>,
        message_vi: impl Into<Message>,
        message_en: impl Into<Message>,
    ) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::Error,
            obligation: None,
            agency: None,
            period: None,
            stage: None,
            submission: None,
            field: None,
            message_vi: message_vi.into(),
            message_en: message_en.into(),
            rule_failed: false,
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.message_vi,
            Lang::En => &self.message_en,
        }
    }
}

/// The policies that decided a due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AppliedPolicy {
    pub deadline_reading: DeadlineReading,
    pub day_off: DayOffRule,
}

/// A due date and how it was derived from the plan's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DueDate {
    /// The date the plan (or event) states.
    pub stated: NaiveDate,
    pub bound: Bound,
    /// Last day on which evidence counts as on time, after the policies.
    pub last_day: NaiveDate,
    pub policy: AppliedPolicy,
    /// Steps, e.g. "trước ngày 15/11/2026 (exclusive) → 14/11/2026; Saturday, next_working_day → 16/11/2026".
    pub derivation_vi: String,
    pub derivation_en: String,
}

/// A finding's message. A rule's literal message is the same text on every finding the rule
/// makes, so it is shared (a clone counts a reference; a copy per finding was most of a row's
/// allocations on a workload of one obligation per row); a message rendered for one finding is
/// its own. Its JSON and its schema are a string's.
#[derive(Clone)]
pub enum Message {
    Shared(Arc<str>),
    Owned(String),
}

impl Message {
    pub fn as_str(&self) -> &str {
        match self {
            Message::Shared(s) => s,
            Message::Owned(s) => s,
        }
    }
}

impl Default for Message {
    fn default() -> Self {
        Message::Owned(String::new())
    }
}

impl std::ops::Deref for Message {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Message {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Message {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Message {}

impl PartialEq<str> for Message {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::hash::Hash for Message {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<String> for Message {
    fn from(s: String) -> Self {
        Message::Owned(s)
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Self {
        Message::Owned(s.to_string())
    }
}

impl From<Arc<str>> for Message {
    fn from(s: Arc<str>) -> Self {
        Message::Shared(s)
    }
}

impl From<Message> for String {
    fn from(m: Message) -> Self {
        match m {
            Message::Owned(s) => s,
            Message::Shared(s) => s.to_string(),
        }
    }
}

impl Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Message::Owned)
    }
}

// A string's schema: the contract's messages are strings.
schema_like!(Message, String);

/// An [`ObligationId`] shared by the assessments of the obligation's instances (a copy of the id
/// per assessment was one allocation per instance); its JSON and its schema are
/// [`ObligationId`]'s.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SharedObligationId(Arc<str>);

impl SharedObligationId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The shared text itself (a clone shares it).
    pub fn as_arc(&self) -> &Arc<str> {
        &self.0
    }
}

impl From<Arc<str>> for SharedObligationId {
    fn from(id: Arc<str>) -> Self {
        SharedObligationId(id)
    }
}

impl From<&ObligationId> for SharedObligationId {
    fn from(id: &ObligationId) -> Self {
        SharedObligationId(id.as_str().into())
    }
}

impl PartialEq<ObligationId> for SharedObligationId {
    fn eq(&self, other: &ObligationId) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Display for SharedObligationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// [`ObligationId`]'s schema, under its name: the contract names one type.
schema_like!(SharedObligationId, ObligationId);

/// The assessment of one obligation instance: one agency, one period (and stage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Assessment {
    pub obligation: SharedObligationId,
    // Shared by the obligation's instances (the doc comments are the JSON Schema's words).
    pub title: Arc<str>,
    // Shared by the agency's instances.
    pub agency: Arc<str>,
    pub period: Period,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Arc<str>>,
    pub status: Status,
    /// Open and within `due_soon_days` of the last day (sắp đến hạn).
    pub due_soon: bool,
    /// Shared by every instance with the same deadline (one derivation, many agencies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Arc<DueDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<Arc<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_late: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_remaining: Option<i64>,
    /// Rules that returned a verdict for this instance.
    // In pack order: one list shared by every instance the same rules judged.
    pub rules: Arc<[Arc<str>]>,
    // Written when read (see `Explanation`).
    pub explanation_vi: Explanation,
    pub explanation_en: Explanation,
    /// The plan's words this obligation comes from.
    // Shared by the obligation's instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Arc<SourceSpan>>,
}

impl Assessment {
    /// The explanation in `lang`.
    pub fn explanation(&self, lang: Lang) -> &Explanation {
        match lang {
            Lang::Vi => &self.explanation_vi,
            Lang::En => &self.explanation_en,
        }
    }
}

/// Counts of instances per status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusCounts {
    pub done_on_time: u32,
    pub done_late: u32,
    pub in_progress: u32,
    pub overdue: u32,
    pub ongoing: u32,
    pub not_triggered: u32,
    pub unknown: u32,
    pub total: u32,
}

impl StatusCounts {
    pub fn add(&mut self, s: Status) {
        *self.get_mut(s) += 1;
        self.total += 1;
    }

    pub fn get(&self, s: Status) -> u32 {
        match s {
            Status::DoneOnTime => self.done_on_time,
            Status::DoneLate => self.done_late,
            Status::InProgress => self.in_progress,
            Status::Overdue => self.overdue,
            Status::Ongoing => self.ongoing,
            Status::NotTriggered => self.not_triggered,
            Status::Unknown => self.unknown,
        }
    }

    fn get_mut(&mut self, s: Status) -> &mut u32 {
        match s {
            Status::DoneOnTime => &mut self.done_on_time,
            Status::DoneLate => &mut self.done_late,
            Status::InProgress => &mut self.in_progress,
            Status::Overdue => &mut self.overdue,
            Status::Ongoing => &mut self.ongoing,
            Status::NotTriggered => &mut self.not_triggered,
            Status::Unknown => &mut self.unknown,
        }
    }
}

/// Aggregates per agency and per obligation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    pub total: StatusCounts,
    // Keys shared with the assessments' agency and obligation texts (a copy per key was one
    // allocation per obligation on a plan of one obligation per row); the JSON is the same.
    pub by_agency: BTreeMap<Arc<str>, StatusCounts>,
    pub by_obligation: BTreeMap<Arc<str>, StatusCounts>,
    pub findings_by_severity: BTreeMap<String, u32>,
}

/// The inputs a report's verdicts follow from, identified by content hash (lower-case hex
/// SHA-256), for an audit trail: the same plan, pack, submissions and as-of date give the same
/// report on any machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Provenance {
    /// SHA-256 of the plan's canonical JSON (`tuanthu::api::to_canonical_json`: pretty,
    /// two-space indent, trailing newline), i.e. of the bytes `tuanthu parse` writes.
    pub plan_sha256: String,
    pub rule_pack: PackIdentity,
}

/// A rule pack by name, version and content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackIdentity {
    pub name: String,
    pub version: String,
    /// SHA-256 of the pack's files (`tuanthu::rules::content_sha256`).
    pub sha256: String,
}

/// The result of evaluating a plan: deterministic, byte for byte, for the same input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    pub plan: String,
    pub as_of: NaiveDate,
    pub policies: Policies,
    pub rule_pack: String,
    /// What the verdicts were computed from, by content: enough to reproduce them anywhere.
    pub provenance: Provenance,
    pub assessments: Vec<Assessment>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}
