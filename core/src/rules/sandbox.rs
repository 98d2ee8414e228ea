//! The hardened Rhai engine every rule runs in. Rules are untrusted input.

use std::sync::OnceLock;

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage, BasicMapPackage,
    BasicMathPackage, BasicStringPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{Engine, Module, Shared};
use serde::{Deserialize, Serialize};

type SharedModule = Shared<Module>;

/// Sandbox limits. Always on; a rule pack cannot relax them, only the host can, within
/// [`Limits::validate`]'s safe maxima.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Budget units per rule call: one per operation, also inside closures that native
    /// functions call, plus native work charged by size. Bounds every loop.
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
    /// Wall-clock deadline of one rule call, in milliseconds (fuel on `wasm32`).
    pub rule_call_ms: u64,
    /// Rule calls of one rule a block of an evaluation lets a limit stop (budget, deadline,
    /// depth, size); after that the rule is not run again in that block, and a finding says so.
    /// Counted per block (a run of whole obligations or of submissions fixed by the input), so
    /// the report is the same on any number of threads.
    pub max_stops_per_rule: usize,
    /// Budget units of all rule calls of one evaluation, before the per-instance allowance
    /// below: deterministic, so a rule that spends its whole call budget on every instance is
    /// stopped after the same calls on every machine. Shared among the evaluation's blocks in
    /// proportion to the instances and submissions each judges.
    pub max_evaluation_operations: u64,
    /// Wall-clock deadline of all rule calls of one evaluation, in milliseconds, before the
    /// per-instance allowance below (a backstop for slow native work the budget units
    /// undercount; fuel on `wasm32`).
    pub evaluation_ms: u64,
    /// Budget units added to `max_evaluation_operations` for each obligation instance and each
    /// submission an evaluation judges, so a large request's budget grows with its work (see
    /// [`Limits::evaluation_allowance`]); 0 keeps the fixed budget alone. One call is still
    /// bounded by `max_operations`, so a hanging rule is stopped as quickly as before.
    pub evaluation_operations_per_instance: u64,
    /// Microseconds added to `evaluation_ms` for each obligation instance and each submission;
    /// 0 keeps the fixed deadline alone.
    pub evaluation_us_per_instance: u64,
    /// Size of one rule's source: compiling is superlinear in it, so it is checked first.
    pub max_rule_bytes: usize,
    /// Rules in a pack.
    pub max_rules: usize,
    /// Bytes of one finding message (each language); longer ones are cut and say so.
    pub max_message_bytes: usize,
    /// Findings one rule call may return; more are dropped with an error finding that says so.
    pub max_findings_per_call: usize,
    /// Findings of one evaluation; more are dropped with one finding that says how many.
    pub max_findings: usize,
    /// Bytes of all finding messages of one evaluation: bounds the report.
    pub max_findings_bytes: usize,
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
            rule_call_ms: 250,
            max_stops_per_rule: 3,
            max_evaluation_operations: 10_000_000,
            evaluation_ms: 1_500,
            // The standard pack spends about 40 units per instance (memo replays included), and
            // its rule calls take a few microseconds: room for packs 25 times as busy, on a
            // loaded machine, while a rule that spends everything everywhere still stops at
            // about 1,000 units (~30 us) per instance on average.
            evaluation_operations_per_instance: 1_000,
            evaluation_us_per_instance: 50,
            max_rule_bytes: 64 * 1024,
            max_rules: 256,
            max_message_bytes: 2 * 1024,
            max_findings_per_call: 32,
            max_findings: 20_000,
            max_findings_bytes: 16 * 1024 * 1024,
        }
    }
}

/// The budget of all rule calls of one evaluation, from [`Limits::evaluation_allowance`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationAllowance {
    /// Budget units of all rule calls.
    pub operations: u64,
    /// Wall-clock deadline of all rule calls, in milliseconds.
    pub ms: u64,
    /// The obligation instances and submissions it was sized for.
    pub instances: u64,
}

/// A host limit outside its safe range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("limit {name} = {value} is outside the safe range {min}..={max}{why}")]
pub struct LimitError {
    pub name: &'static str,
    pub value: u64,
    pub min: u64,
    pub max: u64,
    /// Why the range is what it is, when it is not obvious (empty otherwise).
    pub why: &'static str,
}

/// One limit's safe range.
struct Range {
    name: &'static str,
    min: u64,
    max: u64,
    why: &'static str,
}

const fn range(name: &'static str, min: u64, max: u64, why: &'static str) -> Range {
    Range {
        name,
        min,
        max,
        why,
    }
}

/// The safe maxima of the whole evaluation budget, per-instance allowance included.
const MAX_EVALUATION_OPERATIONS: u64 = 10_000_000_000;
const MAX_EVALUATION_MS: u64 = 600_000;

/// The safe maxima. Depths bound native stack use (deeper ones overflow a thread's stack);
/// 0 would mean "unlimited" to Rhai, so every minimum is 1 but the per-instance allowances'
/// (there 0 means no allowance).
const RANGES: &[Range] = &[
    range("max_operations", 1, 100_000_000, ""),
    range(
        "max_call_levels",
        1,
        64,
        " (deeper calls can overflow the native stack)",
    ),
    range(
        "max_expr_depth",
        1,
        128,
        " (deeper expressions can overflow the native stack)",
    ),
    range(
        "max_fn_expr_depth",
        1,
        128,
        " (deeper expressions can overflow the native stack)",
    ),
    range("max_string_size", 1, 1024 * 1024, ""),
    range("max_array_size", 1, 65_536, ""),
    range("max_map_size", 1, 65_536, ""),
    range("max_variables", 1, 4_096, ""),
    range("max_functions", 1, 4_096, ""),
    range("rule_call_ms", 1, 60_000, ""),
    range("max_stops_per_rule", 1, 1_000_000, ""),
    range(
        "max_evaluation_operations",
        1,
        MAX_EVALUATION_OPERATIONS,
        "",
    ),
    range("evaluation_ms", 1, MAX_EVALUATION_MS, ""),
    range("evaluation_operations_per_instance", 0, 1_000_000, ""),
    range("evaluation_us_per_instance", 0, 1_000_000, ""),
    range(
        "max_rule_bytes",
        1,
        256 * 1024,
        " (compile time grows with the square of a rule's size)",
    ),
    range("max_rules", 1, 4_096, ""),
    range("max_message_bytes", 1, 64 * 1024, ""),
    range("max_findings_per_call", 1, 1_024, ""),
    range("max_findings", 1, 1_000_000, ""),
    range("max_findings_bytes", 1, 256 * 1024 * 1024, ""),
];

impl Limits {
    /// Every limit with its value, in the order of [`RANGES`].
    fn values(&self) -> [u64; 21] {
        let n = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
        [
            self.max_operations,
            n(self.max_call_levels),
            n(self.max_expr_depth),
            n(self.max_fn_expr_depth),
            n(self.max_string_size),
            n(self.max_array_size),
            n(self.max_map_size),
            n(self.max_variables),
            n(self.max_functions),
            self.rule_call_ms,
            n(self.max_stops_per_rule),
            self.max_evaluation_operations,
            self.evaluation_ms,
            self.evaluation_operations_per_instance,
            self.evaluation_us_per_instance,
            n(self.max_rule_bytes),
            n(self.max_rules),
            n(self.max_message_bytes),
            n(self.max_findings_per_call),
            n(self.max_findings),
            n(self.max_findings_bytes),
        ]
    }

    /// Checks every limit against its safe range. Every entry point that takes limits from a
    /// host (library, CLI, Python, WASM) goes through this, via [`crate::rules::RulePack::compile`].
    ///
    /// ```
    /// use tuanthu::rules::Limits;
    /// assert!(Limits::default().validate().is_ok());
    /// let e = Limits { max_operations: 0, ..Limits::default() }.validate().unwrap_err();
    /// assert_eq!(e.to_string(), "limit max_operations = 0 is outside the safe range 1..=100000000");
    /// ```
    pub fn validate(&self) -> Result<(), LimitError> {
        for (r, value) in RANGES.iter().zip(self.values()) {
            if !(r.min..=r.max).contains(&value) {
                return Err(LimitError {
                    name: r.name,
                    value,
                    min: r.min,
                    max: r.max,
                    why: r.why,
                });
            }
        }
        Ok(())
    }

    /// The budget of all rule calls of one evaluation that judges `instances` obligation
    /// instances and submissions: the fixed budget plus the per-instance allowance, at most the
    /// safe maxima of `max_evaluation_operations` and `evaluation_ms`.
    ///
    /// ```
    /// use tuanthu::rules::Limits;
    /// let a = Limits::default().evaluation_allowance(1_000_000);
    /// assert_eq!((a.operations, a.ms), (1_010_000_000, 51_500));
    /// ```
    pub fn evaluation_allowance(&self, instances: usize) -> EvaluationAllowance {
        let n = u64::try_from(instances).unwrap_or(u64::MAX);
        let operations = self
            .evaluation_operations_per_instance
            .saturating_mul(n)
            .saturating_add(self.max_evaluation_operations)
            .min(MAX_EVALUATION_OPERATIONS.max(self.max_evaluation_operations));
        let extra_ms = self
            .evaluation_us_per_instance
            .saturating_mul(n)
            .div_ceil(1000);
        let ms = extra_ms
            .saturating_add(self.evaluation_ms)
            .min(MAX_EVALUATION_MS.max(self.evaluation_ms));
        EvaluationAllowance {
            operations,
            ms,
            instances: n,
        }
    }

    /// [`Limits::validate`] as a constructor: `Limits::checked(Limits { .. })`.
    pub fn checked(self) -> Result<Limits, LimitError> {
        self.validate().map(|()| self)
    }
}

/// The packages rules may use, built once (~0.4 ms) and shared by every engine. An allow-list:
/// Rhai's `LanguageCorePackage` (`sleep`, `exit`, `parse_json`, `get_fn_metadata_list`, tags),
/// `BasicTimePackage` (the clock), `BasicBlobPackage`, `BitFieldPackage` and
/// `DebuggingPackage` are left out. Every function this yields is listed in
/// `core/tests/data/rule-functions.txt`, and a test fails when a new one appears.
fn allowed_packages() -> &'static [SharedModule] {
    static PACKAGES: OnceLock<Vec<SharedModule>> = OnceLock::new();
    PACKAGES.get_or_init(|| {
        vec![
            ArithmeticPackage::new().as_shared_module(),
            LogicPackage::new().as_shared_module(),
            BasicMathPackage::new().as_shared_module(),
            BasicStringPackage::new().as_shared_module(),
            MoreStringPackage::new().as_shared_module(),
            BasicIteratorPackage::new().as_shared_module(),
            BasicFnPackage::new().as_shared_module(),
            BasicArrayPackage::new().as_shared_module(),
            BasicMapPackage::new().as_shared_module(),
        ]
    })
}

/// A Rhai engine with no module resolver (the `no_module` feature), no `eval`, no wall clock
/// (`no_time`), no printing, strict variables, every size and depth limited, every operation
/// metered by [`super::budget`], and the tuanthu types registered.
pub fn hardened_engine(limits: &Limits) -> Engine {
    let mut engine = Engine::new_raw();
    for package in allowed_packages() {
        engine.register_global_module(package.clone());
    }
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
    engine.on_progress(super::budget::on_progress);
    // Rules communicate only through verdicts: no way to write to the host's output.
    for symbol in ["eval", "print", "debug"] {
        engine.disable_symbol(symbol);
    }
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});
    super::charged::register(&mut engine);
    super::date::register(&mut engine);
    super::views::register(&mut engine);
    engine
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_every_limit_is_checked() {
        assert_eq!(Limits::default().validate(), Ok(()));
        assert_eq!(RANGES.len(), Limits::default().values().len());
        // Each limit, set below its minimum and then past its maximum, is refused under its
        // own name.
        for (i, r) in RANGES.iter().enumerate() {
            for bad in r.min.checked_sub(1).into_iter().chain([r.max + 1]) {
                let mut values = Limits::default().values();
                values[i] = bad;
                let e = limits_from(values).validate().unwrap_err();
                assert_eq!((e.name, e.value), (r.name, bad));
            }
        }
    }

    /// Rebuilds limits from [`Limits::values`] order, through serde so no field is forgotten.
    fn limits_from(values: [u64; 21]) -> Limits {
        let map: serde_json::Map<String, serde_json::Value> = RANGES
            .iter()
            .zip(values)
            .map(|(r, v)| (r.name.to_string(), v.into()))
            .collect();
        serde_json::from_value(map.into()).unwrap()
    }

    #[test]
    fn the_evaluation_allowance_grows_with_the_instances_up_to_the_safe_maxima() {
        let limits = Limits::default();
        let small = limits.evaluation_allowance(0);
        assert_eq!((small.operations, small.ms), (10_000_000, 1_500));
        let some = limits.evaluation_allowance(12_345);
        // 12,345 × 1,000 units; 12,345 × 50 us = 617.25 ms, rounded up.
        assert_eq!((some.operations, some.ms), (22_345_000, 2_118));
        let huge = limits.evaluation_allowance(usize::MAX);
        assert_eq!((huge.operations, huge.ms), (10_000_000_000, 600_000));
        let fixed = Limits {
            evaluation_operations_per_instance: 0,
            evaluation_us_per_instance: 0,
            ..limits
        }
        .evaluation_allowance(1_000_000);
        assert_eq!((fixed.operations, fixed.ms), (10_000_000, 1_500));
    }

    #[test]
    fn an_unknown_limit_is_an_error() {
        let e = serde_json::from_str::<Limits>(r#"{"max_ops": 5}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `max_ops`"), "{e}");
    }
}
