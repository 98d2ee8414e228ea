use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{AgencyRef, EventKind, SourceSpan};

/// When an obligation is due. Built from the plan's timeline phrase (thời gian thực hiện).
///
/// JSON form is tagged by `type`, e.g. `{"type": "once", "deadline": {"date": "2026-04-20", "bound": "before"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Schedule {
    /// Done once by a deadline: `trước ngày 20/4/2026`, `hoàn thành trong tháng 6/2026`.
    Once { deadline: Deadline },
    /// Continuous work with no deadline of its own (`Năm 2026 và các năm tiếp theo`, `thường xuyên`),
    /// assessed yearly through the periodic report.
    Ongoing {
        from_year: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_year: Option<i32>,
        /// An event that must happen first (`sau khi Bộ Công an tổ chức tập huấn`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        precondition: Option<Trigger>,
        /// The phrase as written, e.g. `Năm 2026 và các năm tiếp theo`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// Repeats every period (`hằng năm, trước ngày 15/11`).
    Recurring {
        every: Frequency,
        /// Day the report is due in each period; `None` when the plan states none (never invented).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<DueRule>,
        from_year: i32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_year: Option<i32>,
    },
    /// Due only when an event happens (`khi có yêu cầu`, `sau khi Chính phủ ban hành các Nghị định`).
    EventTriggered {
        trigger: Trigger,
        /// Days allowed after the event when the plan states it (`trong thời hạn 30 ngày kể từ ...`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_days: Option<u32>,
    },
    /// Several stages, each with its own parties and deadline (members by 13/4, the lead by 16/4).
    Staged { stages: Vec<Stage> },
    /// Several schedules at once (`hoàn thành trong quý II; duy trì thường xuyên hằng năm`).
    Combined { parts: Vec<Schedule> },
    /// A timeline phrase the reader did not understand, kept verbatim.
    Unparsed { text: String },
}

impl Schedule {
    /// Short machine name of the variant, as rules see it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Schedule::Once { .. } => "once",
            Schedule::Ongoing { .. } => "ongoing",
            Schedule::Recurring { .. } => "recurring",
            Schedule::EventTriggered { .. } => "event_triggered",
            Schedule::Staged { .. } => "staged",
            Schedule::Combined { .. } => "combined",
            Schedule::Unparsed { .. } => "unparsed",
        }
    }
}

/// A date and how the plan bounds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    #[serde(serialize_with = "super::date::serialize_iso")]
    pub date: NaiveDate,
    pub bound: Bound,
    /// The phrase as written, e.g. `trước ngày 20 tháng 4 năm 2026`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// How a stated date bounds the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// `trước ngày D`: literally before D; the deadline-reading policy decides whether D itself counts.
    Before,
    /// `chậm nhất ngày D`, `hoàn thành trong tháng 6` (D = 30/6): D itself is within the deadline.
    NoLaterThan,
}

/// How often a recurring obligation repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Yearly,
    HalfYearly,
    Quarterly,
    Monthly,
}

/// The due day within each period of a recurring obligation.
///
/// For `yearly`, `month` is the calendar month (11 for `trước ngày 15/11`). For the shorter
/// frequencies, `month` counts within the period (1 = its first month; `None` = its last month),
/// and `month_offset` lets a report fall after the period closes (`trước ngày 5 của tháng sau quý`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DueRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
    pub day: u32,
    pub bound: Bound,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub month_offset: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// An event that starts an obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub event: EventKind,
    /// The phrase as written, e.g. `Khi có yêu cầu của cấp có thẩm quyền`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// One stage of a staged obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// Stable id within the obligation, e.g. `members`, `consolidate`.
    pub id: String,
    /// Who must act in this stage.
    pub parties: Vec<AgencyRef>,
    pub deadline: Deadline,
    /// Who receives this stage's result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<AgencyRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceSpan>,
}
