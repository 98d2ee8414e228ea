//! tuanthu: compliance engine for Vietnamese implementation plans.
//!
//! A plan (Kế hoạch) becomes [`model::Obligation`]s; [`eval`] expands them into instances (agency ×
//! period), computes due dates on the Vietnamese working calendar ([`calendar`]) under explicit
//! [`policy`] choices, and runs a sandboxed Rhai rule pack ([`rules`]) that classifies each instance
//! and explains why, quoting the plan.

pub mod api;
pub mod calendar;
pub mod eval;
#[cfg(feature = "ingest")]
pub mod ingest;
pub mod input;
pub mod model;
pub mod policy;
pub mod report;
pub mod rules;
pub mod synth;
