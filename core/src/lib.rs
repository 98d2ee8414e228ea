//! tuanthu: compliance engine for Vietnamese implementation plans.
//!
//! A plan (Kế hoạch) becomes [`model::Obligation`]s; [`eval`] expands them into instances (agency ×
//! period), computes due dates on the Vietnamese working calendar ([`calendar`]) under explicit
//! [`policy`] choices, and runs a sandboxed Rhai rule pack ([`rules`]) that classifies each instance
//! and explains why, quoting the plan.
//!
//! The supported API is [`api`] (JSON in, JSON out), [`eval`], [`model`], [`input`], [`policy`],
//! [`calendar`], [`report`], [`rules`] and, with the `ingest` feature (on by default), [`ingest`].
//! [`unstable`] holds benchmark and tooling helpers with no compatibility promise.

// Unit tests may unwrap: a failing unwrap is a failing test. Library code may not (workspace lints).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

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
pub mod unstable;
