//! Sandboxed Rhai rules: the engine, the types rules see, rule packs and their unit tests.
//!
//! A rule is a `.rhai` file with a header comment and a `check(x)` function:
//!
//! ```text
//! // id: evidence.document-number
//! // title: Số, ký hiệu văn bản đúng thể thức (Nghị định 30/2020)
//! // applies_to: submission
//! // severity: warning
//! fn check(x) {
//!     if x.document_number == () { return; }
//!     if doc_number_parts(x.document_number) == () {
//!         return #{ message_vi: "...", message_en: "...", field: "document_number" };
//!     }
//! }
//! ```
//! `check` returns `()` (nothing to say), a verdict map `#{status, due_soon, severity, message_vi,
//! message_en, field}`, or an array of them. The first instance rule (in pack order) that returns
//! a `status` classifies the instance.

pub(crate) mod budget;
mod charged;
pub(crate) mod date;
mod pack;
mod sandbox;
mod standard;
mod testing;
pub(crate) mod text;
pub(crate) mod verdict;
pub(crate) mod views;

pub(crate) use pack::RuleFailure;
pub use pack::{
    content_sha256, AppliesTo, InlineRule, PackManifest, PackSource, Rule, RuleError, RuleMeta,
    RulePack, SourceFile,
};
pub(crate) use pack::{lower_hex, sha256_hex, Flags};
pub use sandbox::{hardened_engine, EvaluationAllowance, LimitError, Limits};
pub use testing::{CaseResult, TestReport};
