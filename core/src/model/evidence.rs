use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ObligationId, Period};

/// Evidence that an agency did what an obligation asks: a report or document received.
///
/// JSON: `{"agency": "Sở Tư pháp", "obligation": "IV.1", "period": "2026", "received": "2026-11-13",
/// "document_number": "123/BC-STP"}`. CSV files use the same column names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The submitting agency as named by the recipient.
    pub agency: String,
    /// Obligation id in the plan, e.g. `II.3` or `IV.1`.
    pub obligation: ObligationId,
    /// Stage id for staged obligations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Period covered. When absent, the period whose due date is the first on or after `received`
    /// is used, and the assessment says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Date the recipient received it (ngày nhận).
    pub received: NaiveDate,
    /// Document number and symbol (số, ký hiệu), e.g. `123/BC-STP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Kind of an event: `request` (yêu cầu của cấp có thẩm quyền), `decree_issued`, `training_held`,
/// `draft_published`, or a kind a province defines. Lower-case ASCII words joined by `_`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
#[schemars(with = "String")]
pub struct EventKind(String);

impl EventKind {
    pub const REQUEST: &'static str = "request";
    pub const DECREE_ISSUED: &'static str = "decree_issued";
    pub const TRAINING_HELD: &'static str = "training_held";
    pub const DRAFT_PUBLISHED: &'static str = "draft_published";

    /// `request`: a request from a competent authority (yêu cầu của cấp có thẩm quyền).
    pub fn request() -> Self {
        EventKind(Self::REQUEST.to_string())
    }

    /// A kind from its name; `None` unless lower-case ASCII letters, digits and `_`.
    pub fn new(name: &str) -> Option<Self> {
        let ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        ok.then(|| EventKind(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EventKind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        EventKind::new(&s).ok_or_else(|| {
            format!("invalid event kind '{s}': expected lower-case words joined by '_', e.g. request, decree_issued")
        })
    }
}

impl From<EventKind> for String {
    fn from(k: EventKind) -> String {
        k.0
    }
}

/// Something that happened and starts event-triggered obligations: a request from a competent
/// authority, a decree issued, a training held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Unique id, referenced by submissions as period `event:<id>`.
    pub id: String,
    pub kind: EventKind,
    pub date: NaiveDate,
    /// Obligations it triggers; empty = every obligation triggered by this kind of event.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub obligations: Vec<ObligationId>,
    /// Agencies addressed; empty = every responsible agency.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<EventDeadline>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The deadline an event sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum EventDeadline {
    /// A date, read like `trước ngày D`.
    Before(NaiveDate),
    /// A date that itself is allowed (`chậm nhất ngày D`).
    NoLaterThan(NaiveDate),
    /// Calendar days after the event date (Civil Code art. 147: the event day is not counted).
    Days(u32),
    /// Working days after the event date.
    WorkingDays(u32),
}
