//! The hardened Rhai engine every rule runs in. Rules are untrusted input.

use std::sync::OnceLock;

use rhai::packages::{Package, StandardPackage};
use rhai::{Engine, Module, Shared};

type SharedModule = Shared<Module>;
use serde::{Deserialize, Serialize};

/// Sandbox limits. Always on; a rule pack cannot relax them, only the host can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Operations per rule call: bounds every loop (`loop {}` stops here).
    pub max_operations: u64,
    /// Function call depth: bounds recursion.
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_fn_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    pub max_variables: usize,
    pub max_functions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 100_000,
            max_call_levels: 32,
            max_expr_depth: 64,
            max_fn_expr_depth: 32,
            max_string_size: 16 * 1024,
            max_array_size: 4 * 1024,
            max_map_size: 256,
            max_variables: 256,
            max_functions: 128,
        }
    }
}

/// Building the standard package costs ~0.4 ms; sharing one costs nothing per engine.
fn standard_package() -> SharedModule {
    static PACKAGE: OnceLock<SharedModule> = OnceLock::new();
    PACKAGE
        .get_or_init(|| StandardPackage::new().as_shared_module())
        .clone()
}

/// A Rhai engine with no module resolver (the `no_module` feature), no `eval`, no wall clock
/// (`no_time`), strict variables, every size and depth limited, and the tuanthu types registered.
pub fn hardened_engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(standard_package());
    engine
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_fn_expr_depth)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_variables(limits.max_variables)
        .set_max_functions(limits.max_functions)
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(true);
    engine.disable_symbol("eval");
    // `print`/`debug` would write to the host's stdout; rules communicate only through verdicts.
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    super::date::register(&mut engine);
    super::views::register(&mut engine);
    engine
}
