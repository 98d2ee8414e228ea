//! Deadline policies: explicit choices where the law leaves room, shown in every explanation.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

/// How "trước ngày D" (before D) is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineReading {
    /// Literally before D: the last permitted day is D − 1 (default).
    #[default]
    Exclusive,
    /// D itself is still on time.
    Inclusive,
}

impl DeadlineReading {
    /// The name used in JSON, rules and explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineReading::Exclusive => "exclusive",
            DeadlineReading::Inclusive => "inclusive",
        }
    }
}

/// What happens when the last permitted day is a weekend or public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayOffRule {
    /// The day stands (default).
    #[default]
    Strict,
    /// Civil Code 2015 art. 148(5): moves to the next working day.
    NextWorkingDay,
}

impl DayOffRule {
    /// The name used in JSON, rules and explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            DayOffRule::Strict => "strict",
            DayOffRule::NextWorkingDay => "next_working_day",
        }
    }
}

/// A day of the year written `15/11`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DayMonth {
    pub day: u32,
    pub month: u32,
}

impl fmt::Display for DayMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}", self.day, self.month)
    }
}

impl TryFrom<String> for DayMonth {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let bad = || format!("invalid day/month '{s}': expected DD/MM such as 15/11");
        let (d, m) = s.trim().split_once('/').ok_or_else(bad)?;
        let day: u32 = d.trim().parse().map_err(|_| bad())?;
        let month: u32 = m.trim().parse().map_err(|_| bad())?;
        // 2024 is a leap year, so 29/02 is accepted (and clamps to 28/02 in other years).
        chrono::NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(bad)?;
        Ok(DayMonth { day, month })
    }
}

impl From<DayMonth> for String {
    fn from(d: DayMonth) -> String {
        d.to_string()
    }
}

impl JsonSchema for DayMonth {
    fn schema_name() -> Cow<'static, str> {
        "DayMonth".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": "^[0-9]{1,2}/[0-9]{1,2}$", "description": "DD/MM, e.g. 15/11"})
    }
}

/// The policies in force for one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    pub deadline_reading: DeadlineReading,
    pub day_off: DayOffRule,
    /// An open instance is "sắp đến hạn" (due soon) within this many days of its last day.
    pub due_soon_days: u32,
    /// Due day for a yearly report whose plan states none (`định kỳ hằng năm` with no date).
    /// `None`: such reports have no due date and are assessed `unknown`.
    pub default_yearly_due: Option<DayMonth>,
}

impl Default for Policies {
    fn default() -> Self {
        Policies {
            deadline_reading: DeadlineReading::Exclusive,
            day_off: DayOffRule::Strict,
            due_soon_days: 7,
            default_yearly_due: None,
        }
    }
}

impl Policies {
    /// These policies with every field `o` sets replaced.
    #[must_use]
    pub fn with(mut self, o: &PolicyOverrides) -> Policies {
        if let Some(v) = o.deadline_reading {
            self.deadline_reading = v;
        }
        if let Some(v) = o.day_off {
            self.day_off = v;
        }
        if let Some(v) = o.due_soon_days {
            self.due_soon_days = v;
        }
        if let Some(v) = o.default_yearly_due {
            self.default_yearly_due = Some(v);
        }
        self
    }
}

/// Policy choices set by a rule pack, a plan or a caller; unset fields inherit.
/// Precedence, lowest first: built-in defaults, rule pack, plan, caller.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_reading: Option<DeadlineReading>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_off: Option<DayOffRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_soon_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_yearly_due: Option<DayMonth>,
}

impl PolicyOverrides {
    pub fn is_empty(&self) -> bool {
        *self == PolicyOverrides::default()
    }
}
