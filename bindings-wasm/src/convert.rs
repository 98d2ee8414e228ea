//! Crossing the JS boundary: JS values ↔ the JSON contract, dates, and errors as JS `Error`s.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tuanthu::api::{ApiError, ErrorKind, ErrorObject};
use tuanthu::eval::EvalError;
use tuanthu::input::{from_json_str, submissions_from_records, InputError};
use tuanthu::model::Submission;
use tuanthu::rules::RuleError;
use wasm_bindgen::{JsCast, JsValue};

/// A failure shown to JS as `Error` with `name = "TuanthuError"`: the core's [`ErrorObject`],
/// mechanically: `message` is its one-line `Display`, and `kind`, `file`, `line`, `field` and
/// `detail` (the object's `message`) are properties (`null` when absent), as Python's exceptions
/// carry them.
#[derive(Debug)]
pub struct TuanthuError(ErrorObject);

impl TuanthuError {
    /// Bad input in an argument of a JS call (the message names the argument).
    pub fn input(message: impl Into<String>) -> Self {
        TuanthuError(ErrorObject::new(ErrorKind::Input, message))
    }
}

impl From<ApiError> for TuanthuError {
    fn from(e: ApiError) -> Self {
        TuanthuError(e.object())
    }
}

impl From<InputError> for TuanthuError {
    fn from(e: InputError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<EvalError> for TuanthuError {
    fn from(e: EvalError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<RuleError> for TuanthuError {
    fn from(e: RuleError) -> Self {
        ApiError::from(e).into()
    }
}

impl From<TuanthuError> for JsValue {
    fn from(TuanthuError(e): TuanthuError) -> JsValue {
        let error = js_sys::Error::new(&e.to_string());
        error.set_name("TuanthuError");
        let text = |v: Option<&str>| v.map_or(JsValue::NULL, JsValue::from_str);
        let line = e
            .line
            .map_or(JsValue::NULL, |l| JsValue::from_f64(l as f64));
        let props = [
            ("kind", JsValue::from_str(e.kind.as_str())),
            ("file", text(e.file.as_deref())),
            ("line", line),
            ("field", text(e.field.as_deref())),
            ("detail", JsValue::from_str(&e.message)),
        ];
        for (key, value) in props {
            // Setting a property on a fresh Error cannot fail; if it ever did, the message stays.
            let _ = js_sys::Reflect::set(&error, &key.into(), &value);
        }
        error.into()
    }
}

/// What a JS value is, for messages: `typeof`, except `null` and arrays.
pub fn js_type(value: &JsValue) -> String {
    if value.is_null() {
        return "null".into();
    }
    if js_sys::Array::is_array(value) {
        return "array".into();
    }
    value
        .js_typeof()
        .as_string()
        .unwrap_or_else(|| "unknown".into())
}

/// A required text argument. wasm-bindgen's `&str` parameters read anything else as a string's
/// pointer and length (a number traps with "memory access out of bounds"), so every exported
/// function takes `JsValue` and checks here.
pub fn text_arg(what: &str, value: &JsValue) -> Result<String, TuanthuError> {
    value.as_string().ok_or_else(|| {
        TuanthuError::input(format!("{what}: expected a string, got {}", js_type(value)))
    })
}

/// An optional text argument: `undefined` or `null` give `None`.
pub fn optional_text_arg(what: &str, value: &JsValue) -> Result<Option<String>, TuanthuError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    text_arg(what, value).map(Some)
}

/// An optional boolean argument: `undefined` or `null` give `None`.
pub fn optional_bool_arg(what: &str, value: &JsValue) -> Result<Option<bool>, TuanthuError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_bool().map(Some).ok_or_else(|| {
        TuanthuError::input(format!(
            "{what}: expected a boolean, got {}",
            js_type(value)
        ))
    })
}

/// The JSON text of a JS value: a string is taken as JSON text as it is; anything else goes
/// through `JSON.stringify` (which throws on cycles, BigInt and nesting deeper than the JS stack:
/// reported, not trapped; and gives `undefined` for a function or a symbol: reported too).
pub fn json_text(what: &str, value: &JsValue) -> Result<String, TuanthuError> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if value.is_undefined() {
        return Err(TuanthuError::input(format!(
            "{what}: a value is required (got undefined)"
        )));
    }
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        let why = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "not serialisable".into());
        TuanthuError::input(format!("{what}: cannot be turned into JSON: {why}"))
    })?;
    // `String::from(JsString)` would throw a non-TuanthuError on `undefined`.
    JsValue::from(text).as_string().ok_or_else(|| {
        TuanthuError::input(format!(
            "{what}: cannot be turned into JSON: a {} has no JSON form",
            js_type(value)
        ))
    })
}

/// Reads a required argument of the contract; errors name the argument and the JSON path.
pub fn from_js<T: DeserializeOwned>(what: &str, value: &JsValue) -> Result<T, TuanthuError> {
    let text = json_text(what, value)?;
    Ok(from_json_str(what, &text)?)
}

/// The `submissions` argument (an array of row objects, or JSON text of one) through the core's
/// submissions table, as Python's lists of dicts, CSV files and DataFrames: the same columns, cell
/// rules and messages; errors name the row and the column as `[i].column`.
pub fn submissions_from_js(value: &JsValue) -> Result<Vec<Submission>, TuanthuError> {
    let text = json_text("submissions", value)?;
    Ok(submissions_from_records("submissions", &text)?)
}

/// Reads an optional argument: `undefined` or `null` give the default.
pub fn optional_from_js<T: DeserializeOwned + Default>(
    what: &str,
    value: &JsValue,
) -> Result<T, TuanthuError> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        from_js(what, value)
    }
}

/// A result for JS: the value's serde JSON (the contract's field names and forms), parsed into
/// plain objects and arrays.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| TuanthuError::input(format!("result could not be serialised: {e}")))?;
    js_sys::JSON::parse(&text)
}

/// `2026-11-23` or `23/11/2026` within the calendar's years; anything else is an error naming
/// `asOf` that says which of the two it is.
pub fn parse_as_of(text: &str) -> Result<NaiveDate, TuanthuError> {
    use tuanthu::model::{parse_date, DateTextError};
    parse_date(text).map_err(|e| {
        TuanthuError::input(match e {
            DateTextError::NotADate => {
                format!("asOf: '{text}' is not a real date; expected yyyy-mm-dd or dd/mm/yyyy")
            }
            DateTextError::OutOfRange(r) => format!("asOf: '{text}': {r}"),
        })
    })
}

/// The as-of date from a JS string or `Date` (its local calendar day); `None` when absent.
pub fn as_of_from_js(value: &JsValue) -> Result<Option<NaiveDate>, TuanthuError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if let Some(text) = value.as_string() {
        return parse_as_of(&text).map(Some);
    }
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        return local_day(date)
            .map(Some)
            .ok_or_else(|| TuanthuError::input("asOf: the Date is invalid"));
    }
    Err(TuanthuError::input(format!(
        "asOf: expected a string such as '2026-11-23' or a Date, got {}",
        js_type(value)
    )))
}

pub fn local_day(date: &js_sys::Date) -> Option<NaiveDate> {
    let (y, m, d) = (date.get_full_year(), date.get_month(), date.get_date());
    // An invalid Date gives NaN, which crosses as 0 or garbage: from_ymd_opt rejects it.
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m + 1, d)
}

/// Today on the host's clock, in its time zone: the default as-of date of a form.
pub fn today() -> Result<NaiveDate, TuanthuError> {
    local_day(&js_sys::Date::new_0()).ok_or_else(|| {
        TuanthuError::input("asOf: the host's clock gives no valid date; pass options.asOf")
    })
}
