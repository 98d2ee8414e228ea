//! The plan reader's warning codes: one enum, each code with its severity and meaning.
//!
//! Severity follows the consequence for the obligations: `warning` when an obligation, a date,
//! an agency or a recipient may be lost, merged or chosen among several, or plan text is not
//! accounted for (so `parse --fail-on warning` stops on it); `info` when the reading changes no
//! obligation; `error` when no plan is found. The table in `docs/ingest.md` is checked against
//! [`WarningCode::ALL`] by a test, so the two cannot drift apart.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Severity;

macro_rules! warning_codes {
    ($( $variant:ident => $code:literal, $sev:ident, $desc:literal; )*) => {
        /// Stable machine code of a plan reader warning (`"code"` in the JSON).
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            JsonSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum WarningCode {
            $(
                #[doc = $desc]
                $variant,
            )*
        }

        impl WarningCode {
            /// Every code, in the order of the documentation table.
            pub const ALL: &'static [WarningCode] = &[$(WarningCode::$variant),*];

            /// The code as written in JSON, e.g. `unknown_agency`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(WarningCode::$variant => $code,)*
                }
            }

            /// How serious a warning with this code is.
            pub fn severity(self) -> Severity {
                match self {
                    $(WarningCode::$variant => Severity::$sev,)*
                }
            }

            /// One line saying what the code means.
            pub fn description(self) -> &'static str {
                match self {
                    $(WarningCode::$variant => $desc,)*
                }
            }

            /// The code written `s`, if it is one.
            pub fn parse(s: &str) -> Option<WarningCode> {
                match s {
                    $($code => Some(WarningCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

warning_codes! {
    NoObligations => "no_obligations", Error, "no task or report found: not a plan";
    NoPlanHeading => "no_plan_heading", Warning, "no `KẾ HOẠCH` heading; the whole text is read";
    NoSections => "no_sections", Warning, "no `I.`, `II.` sections; items with fields read as section II";
    NoTasksSection => "no_tasks_section", Warning, "no task section";
    NoTitle => "no_title", Warning, "no plan title after the `KẾ HOẠCH` heading";
    BlankNumber => "blank_number", Info, "draft: `Số: /KH-UBND`";
    BlankDate => "blank_date", Info, "draft: `ngày tháng năm 2026`";
    NoNumber => "no_number", Info, "no document number found";
    NoDate => "no_date", Info, "no place and date line found";
    NoIssuer => "no_issuer", Info, "no issuing authority found";
    JurisdictionFromPlace => "jurisdiction_from_place", Info, "jurisdiction taken from the place of the date line";
    JurisdictionFromTitle => "jurisdiction_from_title", Info, "jurisdiction taken from the title (`trên địa bàn tỉnh X`)";
    PageFurnitureRemoved => "page_furniture_removed", Info, "a page number or running header/footer line was removed";
    InvalidDate => "invalid_date", Warning, "a date that is not in the calendar (`31/2/2026`)";
    YearFromBody => "year_from_body", Info, "the plan's year taken from the body";
    UnparsedTimeline => "unparsed_timeline", Warning, "timeline not understood; schedule `Unparsed`";
    NoTimeline => "no_timeline", Warning, "task with no timeline (`Unparsed` with empty text)";
    RecurringWithoutDueDate => "recurring_without_due_date", Warning, "`hằng năm` etc. with no day: `due: None`";
    VagueTimeline => "vague_timeline", Warning, "`đầu`/`giữa` (early, middle) before a year, quarter or month: the deadline is the period's end, the latest the words allow";
    YearInferred => "year_inferred", Info, "date or window without a year: the plan's year used";
    NoYear => "no_year", Warning, "a phrase needs a year and none is known";
    UnknownEvent => "unknown_event", Warning, "`sau khi ...` / `kể từ ...` event not recognised";
    PreconditionNotModelled => "precondition_not_modelled", Info, "a dated task also waits for an event";
    WorkingDays => "working_days", Info, "`N ngày làm việc` kept as N";
    TimelineClauseIgnored => "timeline_clause_ignored", Warning, "part of a timeline phrase with time words not understood; not in the schedule";
    TimelineFromContent => "timeline_from_content", Info, "no timeline field; the date in the content used";
    NoResponsibleAgency => "no_responsible_agency", Warning, "an obligation names no lead or performing agency";
    NoRecipient => "no_recipient", Warning, "a report's recipient is not recognised";
    RecipientChosen => "recipient_chosen", Warning, "several bodies could be the report's recipient: the one after the verb is taken";
    UnknownAgency => "unknown_agency", Warning, "a name or group not in the gazetteer, kept verbatim as a party with its role";
    AgencyTextNotUnderstood => "agency_text_not_understood", Warning, "words in an agency field that name no agency";
    NoAgencyRecognised => "no_agency_recognised", Warning, "no agency recognised in an agency field";
    StageWithoutParty => "stage_without_party", Info, "dated bullet without a subject: the task's agencies used";
    TaskFromProse => "task_from_prose", Info, "task item without field labels, read from its sentences";
    TaskTable => "task_table", Info, "a task table header: each row below is a task";
    TableRowUnnumbered => "table_row_unnumbered", Warning, "a task-table row without its number (`STT`): read as a task of its own, numbered by its place";
    AppendixRead => "appendix_read", Info, "the appendix task table read (ids `PL.<n>`)";
    SectionReadAsTasks => "section_read_as_tasks", Info, "unknown section whose items have task fields: read as tasks";
    ItemNotUnderstood => "item_not_understood", Warning, "a task item with no fields, agency or date: not an obligation";
    DutyWithoutTimeline => "duty_without_timeline", Warning, "undated duty beside dated ones under an agency heading: not an obligation";
    DatedDutySkipped => "dated_duty_skipped", Warning, "dated text not turned into an obligation";
    SecondReportClause => "second_report_clause", Warning, "a second report sentence in one item is not modelled";
    FundingSectionSkipped => "funding_section_skipped", Info, "funding section read; it makes no obligation";
    UnknownSection => "unknown_section", Info, "section not recognised and without task fields; no obligation made";
    SubItemsMerged => "sub_items_merged", Warning, "an item holds several labelled sub-items (`a)`, `b)`) with their own fields or dates, read as one obligation";
    LabelStyleChanged => "label_style_changed", Info, "an item's label changes style within its list (`3)` after `1.`, `2.`): read as the list's next item";
    LabelOutOfSequence => "label_out_of_sequence", Warning, "a line starts like an item label of four digits or more (`1045.`) that does not continue its list (`1000.` after `999.`): read as text, not as an item";
    RepeatedField => "repeated_field", Warning, "the same field given twice in an item (sub-items read as one?); values joined";
    FieldOutsideItem => "field_outside_item", Warning, "a task field outside any numbered item is ignored";
    DuplicateId => "duplicate_id", Warning, "two obligations with one id; the second renamed `<id>-2`";
    TextNotAccounted => "text_not_accounted", Warning, "plan lines that are part of no obligation, known section, header or other warning";
}

impl std::fmt::Display for WarningCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_name_is_the_code() {
        for c in WarningCode::ALL {
            let json = serde_json::to_string(c).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(WarningCode::parse(c.as_str()), Some(*c));
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut names: Vec<&str> = WarningCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len());
    }
}
