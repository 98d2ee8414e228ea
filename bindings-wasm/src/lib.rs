//! tuanthu in the browser and in Node.js: the engine, its JSON contract and the standard rule
//! pack, compiled to WebAssembly with wasm-bindgen.
//!
//! Values cross the boundary as JSON (a JS object or a JSON string in, a JS object out), through
//! the same serde types and canonical serialisation as the CLI and Python, so every language
//! returns the same bytes for the same request. Every failure is a JS `Error` whose `name` is
//! `TuanthuError` and whose `kind` is `input`, `evaluation` or `rule` (with the core error
//! object's `file`, `line`, `field` and `detail`): nothing here panics on input
//! (the release build aborts on panic, so a panic would be a trap, never an exception).

mod convert;
mod types;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use chrono::NaiveDate;
use serde::Deserialize;
use tuanthu::api::{to_canonical_json, FormMessage, ObligationSummary};
use tuanthu::calendar::CalendarOverrides;
use tuanthu::eval::{EvaluationRequest, Evaluator, FormContext, SubmissionForm};
use tuanthu::model::{AgencyRegistry, Event, Lang, Period, Status};
use tuanthu::policy::PolicyOverrides;
use tuanthu::rules::{InlineRule, Limits, PackManifest, PackSource, RulePack, SourceFile};
use wasm_bindgen::prelude::*;

use convert::{
    as_of_from_js, from_js, js_type, json_text, optional_bool_arg, optional_from_js,
    optional_text_arg, submissions_from_js, text_arg, to_js, TuanthuError,
};

/// Version of this package (and of the engine it embeds).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A compiled rule pack with the Vietnamese working calendar: create once, evaluate many times.
#[wasm_bindgen]
pub struct Engine {
    evaluator: Evaluator,
}

/// A rule pack given as sources: `{manifest?, rules: [{name, text}], tests?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackInput {
    #[serde(default)]
    manifest: Option<PackManifest>,
    rules: Vec<SourceFile>,
    #[serde(default)]
    tests: Vec<SourceFile>,
}

/// The optional last argument of `evaluate`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EvaluateOptions {
    #[serde(default)]
    registry: Option<AgencyRegistry>,
    #[serde(default)]
    calendar: CalendarOverrides,
}

/// The optional last argument of `validateSubmission` and `formSession`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FormOptions {
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    events: Vec<Event>,
    #[serde(default)]
    policies: PolicyOverrides,
    #[serde(default)]
    registry: Option<AgencyRegistry>,
    #[serde(default)]
    calendar: CalendarOverrides,
}

/// [`FormOptions`] read and checked once: the as-of date parsed (`None`: the host's today at
/// each check).
struct FormSetup {
    as_of: Option<NaiveDate>,
    options: FormOptions,
}

impl FormSetup {
    fn from_js(options: &JsValue) -> Result<FormSetup, JsValue> {
        let options: FormOptions = optional_from_js("options", options)?;
        let as_of = options
            .as_of
            .as_deref()
            .map(convert::parse_as_of)
            .transpose()?;
        Ok(FormSetup { as_of, options })
    }

    /// The messages for a form typed by a person, against `plan`.
    fn messages(
        &self,
        evaluator: &Evaluator,
        plan: &tuanthu::model::Plan,
        form: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let form: SubmissionForm = from_js("form", form)?;
        let as_of = match self.as_of {
            Some(day) => day,
            None => convert::today()?,
        };
        let o = &self.options;
        let findings = evaluator
            .validate_submission(
                plan,
                &form,
                &FormContext {
                    as_of,
                    events: &o.events,
                    policies: &o.policies,
                    registry: o.registry.as_ref(),
                    calendar: &o.calendar,
                },
            )
            .map_err(TuanthuError::from)?;
        let messages: Vec<FormMessage> = findings.iter().map(FormMessage::from).collect();
        to_js(&messages)
    }
}

#[wasm_bindgen]
impl Engine {
    /// `new Engine()` uses the standard rule pack; `new Engine({rules: [{name, text}], ...})`
    /// compiles the given sources (rule ids, syntax errors with file:line:col are reported).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "RulePackSource")] pack: JsValue,
    ) -> Result<Engine, JsValue> {
        let pack = if pack.is_undefined() || pack.is_null() {
            RulePack::standard().map_err(TuanthuError::from)?
        } else {
            let input: PackInput = from_js("rule pack", &pack)?;
            let manifest = input.manifest.unwrap_or_else(|| PackManifest {
                name: "custom".into(),
                ..PackManifest::default()
            });
            RulePack::compile(
                PackSource {
                    manifest,
                    rules: input.rules,
                    tests: input.tests,
                },
                Limits::default(),
            )
            .map_err(TuanthuError::from)?
        };
        Ok(Engine {
            evaluator: Evaluator::new(pack),
        })
    }

    /// A new engine with one more rule, or with the rule of the same id replaced.
    #[wasm_bindgen(js_name = withRule)]
    pub fn with_rule(
        &self,
        #[wasm_bindgen(js_name = fileName, unchecked_param_type = "string")] file_name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
    ) -> Result<Engine, JsValue> {
        let file_name = text_arg("fileName", &file_name)?;
        let source = text_arg("source", &source)?;
        let pack = self
            .evaluator
            .pack()
            .with_rule(&file_name, &source)
            .map_err(TuanthuError::from)?;
        Ok(Engine {
            evaluator: Evaluator::new(pack),
        })
    }

    /// `name@version` of the rule pack, as reports name it.
    #[wasm_bindgen(getter, js_name = rulePack)]
    pub fn rule_pack(&self) -> String {
        self.evaluator.pack().label()
    }

    /// The pack's rules in evaluation order (the contract's `RuleInfo`, as Python's
    /// `RulePack.rules` and `tuanthu rules --format json`).
    #[wasm_bindgen(unchecked_return_type = "RuleInfo[]")]
    pub fn rules(&self) -> Result<JsValue, JsValue> {
        to_js(&tuanthu::api::rule_listing(self.evaluator.pack()))
    }

    /// Runs the pack's own unit tests (`*.test.json`): the contract's `RuleTestReport`.
    #[wasm_bindgen(unchecked_return_type = "RuleTestReport")]
    pub fn test(&self) -> Result<JsValue, JsValue> {
        to_js(&tuanthu::api::test_report(self.evaluator.pack()))
    }

    /// A new engine with a rule written inline (`id`, a script defining `fn check(x)`); header
    /// lines the script lacks come from `defaults` (`{title, applies_to, severity}`), as
    /// Python's `RulePack.add_rule`. Errors give lines as in `source`.
    #[wasm_bindgen(js_name = withInlineRule)]
    pub fn with_inline_rule(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] source: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "InlineRule")] defaults: JsValue,
    ) -> Result<Engine, JsValue> {
        let id = text_arg("id", &id)?;
        let source = text_arg("source", &source)?;
        let defaults: InlineRule = optional_from_js("defaults", &defaults)?;
        let pack = self
            .evaluator
            .pack()
            .with_inline_rule(&id, &source, &defaults)
            .map_err(TuanthuError::from)?;
        Ok(Engine {
            evaluator: Evaluator::new(pack),
        })
    }

    /// Evaluates a plan: one assessment per obligation × agency × period, and findings.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Plan")] plan: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Submission[]")] submissions: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Event[] | undefined")] events: JsValue,
        #[wasm_bindgen(js_name = asOf, unchecked_param_type = "string | Date")] as_of: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PolicyOverrides")] policies: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "EvaluateOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let plan = plan_arg(&plan)?;
        let submissions = submissions_from_js(&submissions)?;
        let events: Vec<Event> = optional_from_js("events", &events)?;
        let policies: PolicyOverrides = optional_from_js("policies", &policies)?;
        let options: EvaluateOptions = optional_from_js("options", &options)?;
        let Some(as_of) = as_of_from_js(&as_of)? else {
            return Err(
                TuanthuError::input("asOf is required: a date such as '2026-11-23'").into(),
            );
        };
        let request = EvaluationRequest {
            plan: (*plan).clone(),
            submissions,
            events,
            as_of,
            policies,
            registry: options.registry,
            calendar: options.calendar,
        };
        let report = self
            .evaluator
            .evaluate(&request)
            .map_err(TuanthuError::from)?;
        to_js(&report)
    }

    /// Evaluates a whole `EvaluationRequest` (object or JSON text) and returns the report as
    /// canonical JSON text: the same bytes as `tuanthu check --format json` and Python.
    #[wasm_bindgen(js_name = evaluateJson)]
    pub fn evaluate_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EvaluationRequest | string")] request: JsValue,
    ) -> Result<String, JsValue> {
        // The core's JSON entry point, so errors name `<request>` as in Python.
        let text = json_text("request", &request)?;
        Ok(tuanthu::api::evaluate_json(&self.evaluator, &text).map_err(TuanthuError::from)?)
    }

    /// Field-level messages for a report-submission form as typed, against a loaded plan.
    /// `options.asOf` defaults to today's date on the host's clock (rules never read a clock).
    #[wasm_bindgen(js_name = validateSubmission, unchecked_return_type = "FormMessage[]")]
    pub fn validate_submission(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Plan")] plan: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SubmissionForm")] form: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "FormOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let plan = plan_arg(&plan)?;
        FormSetup::from_js(&options)?.messages(&self.evaluator, &plan, &form)
    }

    /// A form validator bound to a plan and its context (as-of date, events, policies, registry,
    /// calendar), read once: what a page calls at every keystroke (`session.validate(form)`).
    #[wasm_bindgen(js_name = formSession)]
    pub fn form_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Plan")] plan: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "FormOptions")] options: JsValue,
    ) -> Result<FormSession, JsValue> {
        Ok(FormSession {
            evaluator: self.evaluator.clone(),
            plan: plan_arg(&plan)?,
            setup: FormSetup::from_js(&options)?,
        })
    }

    /// Validates a whole `FormRequest` (object or JSON text) and returns the findings as canonical
    /// JSON text, as the shared test vectors expect.
    #[wasm_bindgen(js_name = validateFormJson)]
    pub fn validate_form_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "FormRequest | string")] request: JsValue,
    ) -> Result<String, JsValue> {
        let text = json_text("form request", &request)?;
        Ok(tuanthu::api::validate_form_json(&self.evaluator, &text).map_err(TuanthuError::from)?)
    }
}

/// A form validator made by `engine.formSession(plan, options)`: the plan and its context are
/// read once, so each keystroke only reads the form.
#[wasm_bindgen]
pub struct FormSession {
    evaluator: Evaluator,
    /// Shared with the `Plan` it was made from (freeing that one from JS does not affect this).
    plan: Rc<tuanthu::model::Plan>,
    setup: FormSetup,
}

#[wasm_bindgen]
impl FormSession {
    /// The same messages as `engine.validateSubmission(plan, form, options)`.
    #[wasm_bindgen(unchecked_return_type = "FormMessage[]")]
    pub fn validate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SubmissionForm")] form: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.setup.messages(&self.evaluator, &self.plan, &form)
    }
}

/// A plan, parsed once and kept on the Rust side (validating a form does not re-read it).
#[wasm_bindgen]
pub struct Plan {
    inner: Rc<tuanthu::model::Plan>,
    handle: u32,
}

/// Live plans by handle. wasm-bindgen checks a `&Plan` parameter with a plain `Error` (not a
/// `TuanthuError`), so methods take the plan as `JsValue` and find it here by its `__handle`; a
/// forged or stale handle finds nothing (or another live plan), never memory.
#[derive(Default)]
struct PlanRegistry {
    next: u32,
    live: HashMap<u32, Weak<tuanthu::model::Plan>>,
}

thread_local! {
    static PLANS: RefCell<PlanRegistry> = RefCell::new(PlanRegistry::default());
}

fn register_plan(plan: tuanthu::model::Plan) -> Plan {
    let inner = Rc::new(plan);
    let handle = PLANS.with(|r| {
        let mut r = r.borrow_mut();
        // Handles are reused only after 2^32 plans, and never one still alive.
        while r.live.contains_key(&r.next) {
            r.next = r.next.wrapping_add(1);
        }
        let handle = r.next;
        r.next = r.next.wrapping_add(1);
        r.live.insert(handle, Rc::downgrade(&inner));
        handle
    });
    Plan { inner, handle }
}

impl Drop for Plan {
    fn drop(&mut self) {
        PLANS.with(|r| r.borrow_mut().live.remove(&self.handle));
    }
}

/// The plan a `Plan` argument stands for; anything else (a plain object, a freed plan) is a
/// `TuanthuError` naming the argument.
fn plan_arg(value: &JsValue) -> Result<Rc<tuanthu::model::Plan>, TuanthuError> {
    let wrong = || {
        TuanthuError::input(format!(
            "plan: expected a Plan (from Plan.fromJson), got {}",
            js_type(value)
        ))
    };
    if !value.is_object() {
        return Err(wrong());
    }
    // The getter of a freed plan throws: that is "not a plan" too.
    let handle = js_sys::Reflect::get(value, &JsValue::from_str("__handle"))
        .ok()
        .and_then(|h| h.as_f64())
        .filter(|h| h.fract() == 0.0 && *h >= 0.0 && *h <= f64::from(u32::MAX))
        .ok_or_else(wrong)?;
    // In range and whole: checked just above.
    let handle = handle as u32;
    PLANS
        .with(|r| r.borrow().live.get(&handle).and_then(Weak::upgrade))
        .ok_or_else(wrong)
}

#[wasm_bindgen]
impl Plan {
    /// A plan from its JSON contract form (object or JSON text).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "PlanData | string")] plan: JsValue,
    ) -> Result<Plan, JsValue> {
        Ok(register_plan(from_js("plan", &plan)?))
    }

    /// How methods that take a plan find it (see `plan_arg`); not part of the typed API.
    #[wasm_bindgen(getter, js_name = __handle, skip_typescript)]
    pub fn handle(&self) -> u32 {
        self.handle
    }

    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn title(&self) -> String {
        self.inner.title.clone()
    }

    /// The plan as a plain object of the JSON contract (`JSON.stringify(plan)` uses it).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "PlanData")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        to_js(&*self.inner)
    }

    /// The plan as canonical JSON text (pretty, two-space indent, trailing newline): the same
    /// bytes as `tuanthu parse` and Python's `Plan.to_json()`.
    #[wasm_bindgen(js_name = toJsonText)]
    pub fn to_json_text(&self) -> String {
        to_canonical_json(&*self.inner)
    }

    /// What the plan reader could not understand (empty for hand-written plan JSON).
    #[wasm_bindgen(unchecked_return_type = "IngestWarning[]")]
    pub fn warnings(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.warnings)
    }

    /// One line per obligation, for pickers: id, title, kind, and the names of the agencies
    /// responsible (lead and performers) and coordinating.
    #[wasm_bindgen(unchecked_return_type = "ObligationSummary[]")]
    pub fn obligations(&self) -> Result<JsValue, JsValue> {
        let list: Vec<ObligationSummary> = self
            .inner
            .obligations
            .iter()
            .map(ObligationSummary::from)
            .collect();
        to_js(&list)
    }
}

/// The date a `Date` or text names, for hosts that want the engine's own reading of a date
/// (`15/11/2026`, `2026-11-15`); `undefined` when it is not a real date.
#[wasm_bindgen(js_name = parseDate)]
pub fn parse_date(
    #[wasm_bindgen(unchecked_param_type = "string | Date")] text: JsValue,
) -> Result<Option<String>, JsValue> {
    if let Some(date) = text.dyn_ref::<js_sys::Date>() {
        return Ok(convert::local_day(date).map(|d| d.to_string()));
    }
    if let Some(text) = text.as_string() {
        return Ok(tuanthu::model::parse_date_text(&text).map(|d| d.to_string()));
    }
    Err(TuanthuError::input(format!(
        "text: expected a string such as '15/11/2026' or a Date, got {}",
        js_type(&text)
    ))
    .into())
}

/// Submissions from CSV text with the CLI's columns (`agency, obligation, received, period,
/// stage, document_number, note`); errors name the row and the column.
#[wasm_bindgen(js_name = submissionsFromCsv, unchecked_return_type = "Submission[]")]
pub fn submissions_from_csv(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> Result<JsValue, JsValue> {
    let text = text_arg("text", &text)?;
    let list = tuanthu::input::submissions_from_csv("submissions.csv", &text)
        .map_err(TuanthuError::from)?;
    to_js(&list)
}

fn lang_of(lang: &JsValue) -> Result<Lang, JsValue> {
    match optional_text_arg("lang", lang)?.as_deref().unwrap_or("vi") {
        "vi" => Ok(Lang::Vi),
        "en" => Ok(Lang::En),
        other => Err(TuanthuError::input(format!("lang: '{other}' is not 'vi' or 'en'")).into()),
    }
}

/// The label of a status, as the CLI's table shows it (`short`, default) or in full:
/// `statusLabel('overdue', 'vi')` → `QUÁ HẠN`, `statusLabel('overdue', 'en', false)` → `Overdue`.
#[wasm_bindgen(js_name = statusLabel)]
pub fn status_label(
    #[wasm_bindgen(unchecked_param_type = "Status")] status: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Lang")] lang: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "boolean")] short: JsValue,
) -> Result<String, JsValue> {
    let status = text_arg("status", &status)?;
    let lang = lang_of(&lang)?;
    let short = optional_bool_arg("short", &short)?;
    let status = Status::parse(&status).ok_or_else(|| {
        TuanthuError::input(format!(
            "status: '{status}' is not a status of the contract"
        ))
    })?;
    Ok(if short.unwrap_or(true) {
        status.short_label(lang)
    } else {
        status.label(lang)
    }
    .to_string())
}

/// The label of a period code: `periodLabel('2026-Q2', 'vi')` → `quý II/2026`, `'once'` → `một lần`.
#[wasm_bindgen(js_name = periodLabel)]
pub fn period_label(
    #[wasm_bindgen(unchecked_param_type = "Period")] period: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Lang")] lang: JsValue,
) -> Result<String, JsValue> {
    let period = text_arg("period", &period)?;
    let lang = lang_of(&lang)?;
    let period: Period = period.parse().map_err(|_| {
        TuanthuError::input(format!(
            "period: '{period}' is not a period code (once, 2026, 2026-H1, 2026-Q2, 2026-06, event:<id>)"
        ))
    })?;
    Ok(match lang {
        Lang::Vi => period.label_vi(),
        Lang::En => period.label_en(),
    })
}
