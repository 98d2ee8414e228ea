//! The plan reader: Vietnamese plan text → [`Plan`].
pub mod agencies;
mod text;
pub mod timeline;

pub use agencies::{recognize_agencies, recognize_agency};
pub use timeline::parse_timeline;
