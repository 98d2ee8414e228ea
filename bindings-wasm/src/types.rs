//! The TypeScript definitions of every type that crosses the boundary: `contract.d.ts`, generated
//! from the core's JSON Schema (`tuanthu-tests`' `generated_types` test keeps it in step), and
//! `types.d.ts`, the few shapes only the JS API has.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const CONTRACT_TYPES: &str = include_str!("contract.d.ts");

#[wasm_bindgen(typescript_custom_section)]
const API_TYPES: &str = include_str!("types.d.ts");
