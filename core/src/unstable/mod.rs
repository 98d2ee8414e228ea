//! **Unstable**: helpers for benchmarks and tooling, outside the library's supported API.
//!
//! Nothing here follows semantic versioning: names, signatures and output may change in any
//! release. Embedders should use [`crate::api`], [`crate::eval`], [`crate::model`], [`crate::input`]
//! and [`crate::rules`] instead.

pub mod synth;

/// The Vietnamese lunar calendar the working calendar derives Tết and Giỗ Tổ from (tooling and
/// tests; the supported API is [`crate::calendar::Calendar`]).
pub mod lunar {
    pub use crate::calendar::lunar::{
        hung_kings_day, lunar_to_solar, solar_to_lunar, tet, LunarDate, TIME_ZONE_HOURS,
    };
}
