//! The data contract: plans, obligations, schedules, evidence, events and results.
//!
//! Every type here has one JSON form (serde) and a JSON Schema (schemars), shared by the CLI, the
//! Python binding and the WASM binding, so a government system gets the same answer from any of them.

/// `JsonSchema` for a type serialised as `$like` is (a shared or lazily written string): the
/// contract names and describes one type, whatever the representation in memory.
macro_rules! schema_like {
    ($t:ty, $like:ty) => {
        impl schemars::JsonSchema for $t {
            fn inline_schema() -> bool {
                <$like>::inline_schema()
            }
            fn schema_name() -> std::borrow::Cow<'static, str> {
                <$like>::schema_name()
            }
            fn schema_id() -> std::borrow::Cow<'static, str> {
                <$like>::schema_id()
            }
            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                <$like>::json_schema(generator)
            }
        }
    };
}

mod agency;
mod date;
mod evidence;
mod explanation;
mod outcome;
mod period;
mod plan;
mod schedule;
mod warning;

pub(crate) use agency::{agencies_of, folded_abbreviation, pick_by_diacritics, Named};
pub use agency::{
    fine_key, fold_key, normalize_text, same_agency_name, AgencyGroup, AgencyIndex, AgencyRef,
    AgencyRegistry, RegisteredAgency,
};
pub use date::{format_vi, parse_date, parse_date_text, DateTextError};
pub use evidence::{Event, EventDeadline, EventKind, Submission};
pub use explanation::Explanation;
pub use outcome::{
    AppliedPolicy, Assessment, DueDate, Finding, Lang, Message, PackIdentity, Provenance, Report,
    Severity, SharedObligationId, Status, StatusCounts, Summary,
};
pub use period::{Period, PeriodParseError};
pub use plan::{
    Coverage, IngestWarning, LegalReference, Obligation, ObligationId, ObligationKind, Plan,
    Reporting, SourceSpan,
};
pub use schedule::{Bound, Deadline, DueRule, Frequency, Schedule, Stage, Trigger};
pub use warning::WarningCode;
