//! The budget of one rule call, counted on the thread that runs it.
//!
//! Rhai's own operation limit misses work: a closure that a native function calls (`map`,
//! `filter`, `index_of`, `sort`, `reduce`, `all`, ...) and each element comparison a native
//! function makes (`contains`, `in`, `index_of(value)`, `==` on arrays) run on a copy of the
//! call's counter that is thrown away when they return, so nested closures could run millions of
//! calls under a limit of 100,000. Rhai still calls the `on_progress` hook for every one of those
//! operations, so the engine's hook spends from this meter instead: one unit per operation
//! wherever it happens, plus what native functions charge for work Rhai does not see at all
//! ([`charge`], e.g. a native `sort()`). A wall-clock deadline, read every [`CLOCK_EVERY`] units,
//! ends anything whose units are cheap but slow.
//!
//! On `wasm32` there is no `std::time::Instant`: there the deadlines become fuel, at
//! [`FUEL_PER_MS`] units per millisecond, which bounds the same work without a clock (a host may
//! later give the meter `performance.now()` instead).

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rhai::{Dynamic, EvalAltResult, Position};

use super::sandbox::{EvaluationAllowance, Limits};

/// Units between two reads of the clock: reading it costs ~20 ns, an operation ~30 ns.
pub const CLOCK_EVERY: u64 = 1024;

/// Units per millisecond where there is no clock (`wasm32`): about what one millisecond of rule
/// work spends on a native build (measured on the standard pack: ~30 ns per operation).
pub const FUEL_PER_MS: u64 = 30_000;

/// Why a rule call was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The call spent its operation budget (closures and charged native work included).
    Operations,
    /// The call ran past its own wall-clock deadline.
    CallDeadline,
    /// The evaluation spent its operation budget.
    EvaluationOperations,
    /// The evaluation ran past its wall-clock deadline.
    EvaluationDeadline,
}

impl Stop {
    const ALL: [Stop; 4] = [
        Stop::Operations,
        Stop::CallDeadline,
        Stop::EvaluationOperations,
        Stop::EvaluationDeadline,
    ];

    /// The termination token Rhai carries back in `ErrorTerminated`.
    fn token(self) -> &'static str {
        match self {
            Stop::Operations => "tuanthu:operations",
            Stop::CallDeadline => "tuanthu:call-deadline",
            Stop::EvaluationOperations => "tuanthu:evaluation-operations",
            Stop::EvaluationDeadline => "tuanthu:evaluation-deadline",
        }
    }

    /// The stop a termination token names, if it is one of ours.
    pub fn from_token(token: &Dynamic) -> Option<Stop> {
        let text = token.clone().into_immutable_string().ok()?;
        Stop::ALL.into_iter().find(|s| s.token() == text.as_str())
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod clock {
    use std::time::Duration;
    pub type Instant = std::time::Instant;
    pub fn now() -> Option<Instant> {
        Some(Instant::now())
    }
    pub fn after(start: Instant, d: Duration) -> Option<Instant> {
        start.checked_add(d)
    }
    pub fn since(start: Instant) -> Duration {
        start.elapsed()
    }
    pub fn passed(deadline: Instant) -> bool {
        Instant::now() >= deadline
    }
}

// Type-checked in host tests too, so the `wasm32` build cannot drift.
#[cfg(any(target_arch = "wasm32", test))]
#[cfg_attr(test, allow(dead_code))]
mod no_clock {
    use std::time::Duration;
    /// No clock on `wasm32`: deadlines are fuel (see the module documentation).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    pub enum Instant {}
    pub fn now() -> Option<Instant> {
        None
    }
    pub fn after(start: Instant, _: Duration) -> Option<Instant> {
        match start {}
    }
    pub fn since(start: Instant) -> Duration {
        match start {}
    }
    pub fn passed(deadline: Instant) -> bool {
        match deadline {}
    }
}

#[cfg(target_arch = "wasm32")]
use no_clock as clock;

/// Rule-call time an evaluation has left, in nanoseconds, shared by every block's budget (and
/// so by every thread that judges one): `None` without a clock.
#[derive(Debug)]
struct TimeLeft(Option<AtomicU64>);

impl TimeLeft {
    fn get(&self) -> Option<Duration> {
        self.0
            .as_ref()
            .map(|t| Duration::from_nanos(t.load(Ordering::Relaxed)))
    }

    /// Takes `spent` off what is left (never below zero).
    fn spend(&self, spent: Duration) {
        if let Some(t) = &self.0 {
            let nanos = u64::try_from(spent.as_nanos()).unwrap_or(u64::MAX);
            // `fetch_update` with a closure that always returns `Some` cannot fail.
            let _ = t.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                Some(left.saturating_sub(nanos))
            });
        }
    }
}

/// What one evaluation's rule calls are given, before it is split into the budgets of its
/// blocks ([`EvaluationShares::budget`]): the fuel is divided, the rule-call time is shared.
#[derive(Debug, Clone)]
pub struct EvaluationShares {
    time_left: Arc<TimeLeft>,
    /// Units of the whole evaluation, to be divided among its blocks.
    fuel: u64,
    /// What running out of `fuel` means: operations, or (without a clock) time.
    fuel_stop: Stop,
    call_ms: u64,
    max_operations: u64,
    allowance: EvaluationAllowance,
}

impl EvaluationShares {
    /// The allowance of an evaluation whose rules judge `instances` obligation instances and
    /// submissions ([`Limits::evaluation_allowance`]).
    pub fn start(limits: &Limits, instances: usize) -> Self {
        let allowance = limits.evaluation_allowance(instances);
        let has_clock = clock::now().is_some();
        let time_fuel = if has_clock {
            u64::MAX
        } else {
            allowance.ms.saturating_mul(FUEL_PER_MS)
        };
        let (fuel, fuel_stop) = if allowance.operations <= time_fuel {
            (allowance.operations, Stop::EvaluationOperations)
        } else {
            (time_fuel, Stop::EvaluationDeadline)
        };
        let nanos = Duration::from_millis(allowance.ms).as_nanos();
        EvaluationShares {
            time_left: Arc::new(TimeLeft(
                has_clock.then(|| AtomicU64::new(u64::try_from(nanos).unwrap_or(u64::MAX))),
            )),
            fuel,
            fuel_stop,
            call_ms: limits.rule_call_ms,
            max_operations: limits.max_operations,
            allowance,
        }
    }

    /// Units of the whole evaluation.
    pub fn fuel(&self) -> u64 {
        self.fuel
    }

    /// What the evaluation was given, for the messages that say it ran out.
    pub fn allowance(&self) -> EvaluationAllowance {
        self.allowance
    }

    /// The units of the block that judges units `from..to` of `of` (instances and submissions
    /// counted alike): the whole fuel cut at `fuel * k / of` for every boundary `k`, so the
    /// shares of consecutive blocks add up to the whole, exactly, however the blocks are cut.
    pub fn fuel_between(&self, from: usize, to: usize, of: usize) -> u64 {
        let cut = |k: usize| -> u64 {
            if of == 0 {
                return 0;
            }
            let x = u128::from(self.fuel) * k as u128 / of as u128;
            u64::try_from(x).unwrap_or(u64::MAX)
        };
        cut(to.min(of)).saturating_sub(cut(from.min(of)))
    }

    /// A budget with `fuel` units of its own that shares this evaluation's rule-call time.
    pub fn budget(&self, fuel: u64) -> EvaluationBudget {
        EvaluationBudget {
            fuel: Cell::new(fuel),
            shares: self.clone(),
        }
    }
}

/// The time and fuel of the rule calls of one block of an evaluation (the whole evaluation
/// when it is one block). Only time spent inside rule calls counts against `evaluation_ms`, so
/// expanding and matching a large plan on a busy machine does not take time away from its
/// rules. The fuel is the block's own; the time is the evaluation's, spent by whichever block
/// calls a rule first, so where it runs out depends on the machine (a clock is not
/// deterministic; fuel is).
#[derive(Debug)]
pub struct EvaluationBudget {
    /// Units left for this block.
    fuel: Cell<u64>,
    shares: EvaluationShares,
}

impl EvaluationBudget {
    /// The budget of an evaluation, in one block, whose rules judge `instances` obligation
    /// instances and submissions ([`Limits::evaluation_allowance`]).
    pub fn start(limits: &Limits, instances: usize) -> Self {
        let shares = EvaluationShares::start(limits, instances);
        shares.budget(shares.fuel())
    }

    /// What the evaluation was given, for the messages that say it ran out.
    pub fn allowance(&self) -> EvaluationAllowance {
        self.shares.allowance
    }

    /// Whether the evaluation's rule calls are out of time or fuel.
    pub fn expired(&self) -> bool {
        self.fuel.get() == 0 || self.shares.time_left.get() == Some(Duration::ZERO)
    }

    /// Units the evaluation has left: what a rule call spent is the difference before and after.
    pub(crate) fn fuel_left(&self) -> u64 {
        self.fuel.get()
    }

    /// Spends `units` for a rule call whose answer is known without running it (the evaluator's
    /// memo: the same script on the same read values spends the same units, deterministically),
    /// if running it would not have been stopped by a unit limit. `false` (nothing spent) means
    /// the call must run for real, to be stopped as it would have been.
    pub(crate) fn replay(&self, units: u64) -> bool {
        // As in `call`: without a clock (`wasm32`) the call's deadline is fuel too.
        let call_fuel = if cfg!(target_arch = "wasm32") {
            self.shares.call_ms.saturating_mul(FUEL_PER_MS)
        } else {
            u64::MAX
        };
        let fuel = self.fuel.get();
        if self.expired() || units > self.shares.max_operations || units > call_fuel || units > fuel
        {
            return false;
        }
        self.fuel.set(fuel - units);
        true
    }

    /// Spends `units` that rule calls judged in an earlier evaluation spent, when more than that
    /// is left (so each of those calls would again have found its units and the budget not
    /// expired before it); `false` (nothing spent) otherwise.
    pub(crate) fn spend_kept(&self, units: u64) -> bool {
        let fuel = self.fuel.get();
        if fuel <= units || self.shares.time_left.get() == Some(Duration::ZERO) {
            return false;
        }
        self.fuel.set(fuel - units);
        true
    }

    /// Runs `f` as one rule call metered on this thread; returns what it returned and why the
    /// meter stopped it, if it did.
    pub fn call<T>(&self, f: impl FnOnce() -> T) -> (T, Option<Stop>) {
        let start = clock::now();
        let shares = &self.shares;
        let call = Duration::from_millis(shares.call_ms);
        let (deadline, deadline_stop) = match (start, shares.time_left.get()) {
            (Some(t), Some(left)) if left < call => {
                (clock::after(t, left), Stop::EvaluationDeadline)
            }
            (Some(t), _) => (clock::after(t, call), Stop::CallDeadline),
            (None, _) => (None, Stop::CallDeadline),
        };
        // Without a clock the call's deadline is fuel too.
        let call_fuel = if start.is_some() {
            u64::MAX
        } else {
            shares.call_ms.saturating_mul(FUEL_PER_MS)
        };
        let fuel = self.fuel.get();
        let (units, units_stop) = [
            (shares.max_operations, Stop::Operations),
            (call_fuel, Stop::CallDeadline),
            (fuel, shares.fuel_stop),
        ]
        .into_iter()
        .min_by_key(|(u, _)| *u)
        .unwrap_or((shares.max_operations, Stop::Operations));
        let previous = METER.with(|m| {
            m.replace(Meter {
                active: true,
                left: units,
                units_stop,
                since_clock: 0,
                deadline,
                deadline_stop,
                stopped: None,
            })
        });
        let out = f();
        let meter = METER.with(|m| m.replace(previous));
        self.fuel.set(fuel.saturating_sub(units - meter.left));
        if let Some(t) = start {
            shares.time_left.spend(clock::since(t));
        }
        (out, meter.stopped)
    }
}

#[derive(Debug, Clone, Copy)]
struct Meter {
    /// Off outside a rule call: Rhai's own limits still hold there.
    active: bool,
    left: u64,
    units_stop: Stop,
    since_clock: u64,
    deadline: Option<clock::Instant>,
    deadline_stop: Stop,
    /// Sticky: once stopped, every later unit is refused too.
    stopped: Option<Stop>,
}

impl Meter {
    const IDLE: Meter = Meter {
        active: false,
        left: 0,
        units_stop: Stop::Operations,
        since_clock: 0,
        deadline: None,
        deadline_stop: Stop::CallDeadline,
        stopped: None,
    };

    fn spend(&mut self, units: u64) -> Option<Stop> {
        if !self.active {
            return None;
        }
        if self.stopped.is_some() {
            return self.stopped;
        }
        if self.left < units {
            self.left = 0;
            self.stopped = Some(self.units_stop);
            return self.stopped;
        }
        self.left -= units;
        self.since_clock += units;
        if self.since_clock >= CLOCK_EVERY {
            self.since_clock = 0;
            if self.deadline.is_some_and(clock::passed) {
                self.stopped = Some(self.deadline_stop);
            }
        }
        self.stopped
    }
}

thread_local! {
    static METER: Cell<Meter> = const { Cell::new(Meter::IDLE) };
}

fn spend(units: u64) -> Option<Stop> {
    METER.with(|m| {
        let mut meter = m.get();
        let stop = meter.spend(units);
        m.set(meter);
        stop
    })
}

/// The engine's `on_progress` hook: one unit per Rhai operation.
pub fn on_progress(_: u64) -> Option<Dynamic> {
    spend(1).map(|s| Dynamic::from(s.token()))
}

/// Charges `units` of native work (e.g. one per element a native function walks); an error
/// that ends the rule call when the budget cannot pay.
pub fn charge(units: u64) -> Result<(), Box<EvalAltResult>> {
    match spend(units) {
        None => Ok(()),
        Some(s) => Err(Box::new(EvalAltResult::ErrorTerminated(
            Dynamic::from(s.token()),
            Position::NONE,
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_is_idle_outside_a_call_and_sticky_inside() {
        assert_eq!(spend(u64::MAX), None, "idle outside a rule call");
        let limits = Limits {
            max_operations: 10,
            ..Limits::default()
        };
        let budget = EvaluationBudget::start(&limits, 1);
        let ((), stop) = budget.call(|| {
            assert_eq!(spend(10), None);
            assert_eq!(spend(1), Some(Stop::Operations));
            assert!(charge(0).is_err(), "stays stopped");
        });
        assert_eq!(stop, Some(Stop::Operations));
        assert_eq!(spend(u64::MAX), None, "idle again after the call");
    }

    #[test]
    fn block_shares_add_up_to_the_evaluation_fuel() {
        let limits = Limits {
            max_evaluation_operations: 1_000_003,
            ..Limits::default()
        };
        for units in [0, 1, 7, 256, 9_001] {
            let shares = EvaluationShares::start(&limits, units);
            for step in [1, 3, 256, 10_000] {
                let cuts: Vec<usize> = (0..units).step_by(step).chain([units]).collect();
                let total: u64 = cuts
                    .windows(2)
                    .map(|w| shares.fuel_between(w[0], w[1], units))
                    .sum();
                let whole = if units == 0 { 0 } else { shares.fuel() };
                assert_eq!(total, whole, "{units} units cut every {step}");
            }
        }
        // A budget from a share spends its own fuel only.
        let shares = EvaluationShares::start(&limits, 10);
        let (a, b) = (shares.budget(5), shares.budget(7));
        assert!(a.replay(5) && !a.replay(1));
        assert_eq!((a.fuel_left(), b.fuel_left()), (0, 7));
        assert!(a.expired() && !b.expired());
    }

    #[test]
    fn tokens_round_trip() {
        for s in Stop::ALL {
            assert_eq!(Stop::from_token(&Dynamic::from(s.token())), Some(s));
        }
        assert_eq!(Stop::from_token(&Dynamic::from("other")), None);
    }
}
