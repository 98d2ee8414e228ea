//! **Unstable**: helpers for benchmarks and tooling, outside the library's supported API.
//!
//! Nothing here follows semantic versioning: names, signatures and output may change in any
//! release. Embedders should use [`crate::api`], [`crate::eval`], [`crate::model`], [`crate::input`]
//! and [`crate::rules`] instead.

pub mod synth;
