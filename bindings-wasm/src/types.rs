//! Shapes made for JS callers (the rest of the contract is the core's serde types), and the
//! TypeScript definitions of every type that crosses the boundary.

use serde::Serialize;
use tuanthu::model::{AgencyRef, Finding, Obligation, Severity};
use wasm_bindgen::prelude::*;

/// One message for a form field, as the contract names it.
#[derive(Serialize)]
pub struct FormMessage {
    /// `agency`, `obligation`, `stage`, `period`, `received`, `document_number`; `null` for a
    /// message about the whole form (a rule that failed to run).
    pub field: Option<String>,
    pub severity: Severity,
    #[serde(rename = "ruleId")]
    pub rule_id: String,
    pub message_vi: String,
    pub message_en: String,
}

impl From<&Finding> for FormMessage {
    fn from(f: &Finding) -> Self {
        FormMessage {
            field: f.field.clone(),
            severity: f.severity,
            rule_id: f.rule.clone(),
            message_vi: f.message_vi.clone(),
            message_en: f.message_en.clone(),
        }
    }
}

/// An obligation as a picker shows it.
#[derive(Serialize)]
pub struct ObligationSummary {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    /// Lead and performing agencies (or groups), by name.
    pub responsible: Vec<String>,
    pub coordinating: Vec<String>,
}

fn names<'a>(refs: impl IntoIterator<Item = &'a AgencyRef>) -> Vec<String> {
    refs.into_iter().map(|r| r.name().to_string()).collect()
}

impl From<&Obligation> for ObligationSummary {
    fn from(o: &Obligation) -> Self {
        ObligationSummary {
            id: o.id.to_string(),
            title: o.title.clone(),
            kind: o.kind.as_str(),
            responsible: names(o.responsible()),
            coordinating: names(&o.coordinating),
        }
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = include_str!("types.d.ts");
