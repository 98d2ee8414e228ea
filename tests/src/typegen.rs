//! TypeScript definitions and Python TypedDicts generated from the contract's JSON Schema
//! (`tuanthu::api::schema_json`, made by schemars from the core's types), so the bindings'
//! types cannot drift from what the core serialises. `tests/generated_types.rs` checks the
//! files in the repository against this output (`TUANTHU_UPDATE_TYPES=1` rewrites them).
//!
//! Only the JSON Schema the core's types produce is handled: `$ref`, `const`, `enum`, `oneOf` /
//! `anyOf` unions, `type` (or a list of types), arrays, objects with `properties` and maps
//! (`additionalProperties`). Anything else is an error, so a new construct is noticed.

use std::fmt::Write;

use serde_json::{Map, Value};

/// Schema names renamed in TypeScript: the WASM package's `Plan` is the class made by
/// `Plan.fromJson`, so the plan's data is `PlanData`.
const TS_RENAMES: &[(&str, &str)] = &[("Plan", "PlanData")];

fn defs(schema: &Value) -> Result<&Map<String, Value>, String> {
    schema
        .get("$defs")
        .and_then(Value::as_object)
        .ok_or_else(|| "the schema has no $defs".to_string())
}

fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")?.as_str()?.strip_prefix("#/$defs/")
}

/// The members of a `oneOf` / `anyOf`, if `v` is a union.
fn union(v: &Value) -> Option<&Vec<Value>> {
    v.get("oneOf")
        .or_else(|| v.get("anyOf"))
        .and_then(Value::as_array)
}

fn types_of(v: &Value) -> Vec<&str> {
    match v.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn required(v: &Value) -> Vec<&str> {
    v.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn properties(v: &Value) -> Option<&Map<String, Value>> {
    v.get("properties").and_then(Value::as_object)
}

fn description(v: &Value) -> Option<&str> {
    v.get("description").and_then(Value::as_str)
}

/// The schema's descriptions are rustdoc: drop the intra-doc link brackets.
fn plain(text: &str) -> String {
    text.replace("[`", "`").replace("`]", "`")
}

// ----- TypeScript -------------------------------------------------------------------------------

fn ts_name(name: &str) -> &str {
    TS_RENAMES
        .iter()
        .find(|(from, _)| *from == name)
        .map_or(name, |(_, to)| to)
}

fn ts_literal(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        other => other.to_string(),
    }
}

fn ts_doc(out: &mut String, indent: &str, text: Option<&str>) {
    let Some(text) = text else { return };
    let text = plain(text);
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        let _ = writeln!(out, "{indent}/** {} */", lines[0]);
        return;
    }
    let _ = writeln!(out, "{indent}/**");
    for l in lines {
        let _ = writeln!(out, "{indent} *{}{l}", if l.is_empty() { "" } else { " " });
    }
    let _ = writeln!(out, "{indent} */");
}

fn ts_object(v: &Value, indent: &str) -> Result<String, String> {
    let mut out = String::from("{\n");
    let req = required(v);
    let inner = format!("{indent}    ");
    for (name, prop) in properties(v).into_iter().flatten() {
        ts_doc(&mut out, &inner, description(prop));
        let optional = if req.contains(&name.as_str()) {
            ""
        } else {
            "?"
        };
        let _ = writeln!(out, "{inner}{name}{optional}: {};", ts_type(prop, &inner)?);
    }
    out.push_str(indent);
    out.push('}');
    Ok(out)
}

/// A member of an externally tagged union (`{"before": …} | {"days": …}`, no tag field): its
/// siblings' keys as `?: never`, so TypeScript refuses an object with two of them, as serde does.
fn exclusive(member: &Value, members: &[Value]) -> Value {
    let untagged =
        |m: &Value| properties(m).is_some_and(|p| p.values().all(|v| v.get("const").is_none()));
    if !members.iter().all(untagged) {
        return member.clone();
    }
    let mut out = member.clone();
    let Some(props) = out.get_mut("properties").and_then(Value::as_object_mut) else {
        return out;
    };
    for other in members.iter().filter_map(properties) {
        for key in other.keys() {
            props
                .entry(key.clone())
                .or_insert_with(|| serde_json::json!({"tsNever": true}));
        }
    }
    out
}

fn ts_type(v: &Value, indent: &str) -> Result<String, String> {
    if let Some(name) = ref_name(v) {
        return Ok(ts_name(name).to_string());
    }
    if v.get("tsNever").is_some() {
        return Ok("never".into());
    }
    if let Some(c) = v.get("const") {
        return Ok(ts_literal(c));
    }
    if let Some(values) = v.get("enum").and_then(Value::as_array) {
        return Ok(values
            .iter()
            .map(ts_literal)
            .collect::<Vec<_>>()
            .join(" | "));
    }
    if let Some(members) = union(v) {
        let parts = members
            .iter()
            .map(|m| ts_type(&exclusive(m, members), indent))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(parts.join(" | "));
    }
    if v == &Value::Bool(true) || v.as_object().is_some_and(Map::is_empty) {
        return Ok("unknown".into());
    }
    let mut parts = Vec::new();
    for t in types_of(v) {
        parts.push(match t {
            "string" if v.get("format").and_then(Value::as_str) == Some("date") => {
                "IsoDate".to_string()
            }
            "string" => "string".into(),
            "integer" | "number" => "number".into(),
            "boolean" => "boolean".into(),
            "null" => "null".into(),
            "array" => {
                let item = ts_type(v.get("items").unwrap_or(&Value::Bool(true)), indent)?;
                if item.contains(' ') {
                    format!("({item})[]")
                } else {
                    format!("{item}[]")
                }
            }
            "object" if properties(v).is_some() => ts_object(v, indent)?,
            "object" => match v.get("additionalProperties") {
                Some(value @ Value::Object(_)) => {
                    format!("Record<string, {}>", ts_type(value, indent)?)
                }
                _ => "Record<string, unknown>".into(),
            },
            other => return Err(format!("unsupported type {other:?} in {v}")),
        });
    }
    if parts.is_empty() {
        return Err(format!("unsupported schema {v}"));
    }
    Ok(parts.join(" | "))
}

/// `contract.d.ts`: one exported type per definition of the schema, in name order.
pub fn typescript(schema: &Value) -> Result<String, String> {
    let mut out = String::from(
        "// GENERATED from the core's JSON Schema (`tuanthu schema`) by tests/src/typegen.rs: do not\n\
         // edit. Regenerate with `TUANTHU_UPDATE_TYPES=1 cargo test -p tuanthu-tests --test\n\
         // generated_types`. Field names are as serialised; a field marked `?` may be absent (the\n\
         // engine leaves it out of its output, or fills in a default when input omits it).\n\n\
         /** A calendar date in ISO form, `yyyy-mm-dd`, e.g. `2026-11-15` (ngày). */\n\
         export type IsoDate = string;\n",
    );
    for (name, def) in defs(schema)? {
        out.push('\n');
        ts_doc(&mut out, "", description(def));
        let name = ts_name(name);
        if types_of(def) == ["object"] && properties(def).is_some() {
            let _ = writeln!(out, "export interface {name} {}", ts_object(def, "")?);
        } else {
            let _ = writeln!(out, "export type {name} = {};", ts_type(def, "")?);
        }
    }
    Ok(out)
}

// ----- Python -----------------------------------------------------------------------------------

fn py_literal(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        other => other.to_string(),
    }
}

/// A Python annotation; `quote`: names of definitions as forward references (module-level
/// aliases are evaluated at import, class bodies are not: `from __future__ import annotations`).
fn py_type_q(v: &Value, quote: bool) -> Result<String, String> {
    if let Some(name) = ref_name(v) {
        return Ok(if quote {
            format!("\"{name}\"")
        } else {
            name.to_string()
        });
    }
    if let Some(c) = v.get("const") {
        return Ok(format!("Literal[{}]", py_literal(c)));
    }
    if let Some(values) = v.get("enum").and_then(Value::as_array) {
        let vs: Vec<String> = values.iter().map(py_literal).collect();
        return Ok(format!("Literal[{}]", vs.join(", ")));
    }
    if let Some(members) = union(v) {
        let parts = members
            .iter()
            .map(|m| py_type_q(m, quote))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(py_union(parts));
    }
    if v == &Value::Bool(true) || v.as_object().is_some_and(Map::is_empty) {
        return Ok("Any".into());
    }
    let mut parts = Vec::new();
    for t in types_of(v) {
        parts.push(match t {
            // The binding hands dates to Python as `datetime.date`.
            "string" if v.get("format").and_then(Value::as_str) == Some("date") => {
                "datetime.date".to_string()
            }
            "string" => "str".into(),
            "integer" => "int".into(),
            "number" => "float".into(),
            "boolean" => "bool".into(),
            "null" => "None".into(),
            "array" => format!(
                "List[{}]",
                py_type_q(v.get("items").unwrap_or(&Value::Bool(true)), quote)?
            ),
            "object" => match v.get("additionalProperties") {
                Some(value @ Value::Object(_)) if properties(v).is_none() => {
                    format!("Dict[str, {}]", py_type_q(value, quote)?)
                }
                _ => "Dict[str, Any]".into(),
            },
            other => return Err(format!("unsupported type {other:?} in {v}")),
        });
    }
    if parts.is_empty() {
        return Err(format!("unsupported schema {v}"));
    }
    Ok(py_union(parts))
}

/// A module-level annotation (quoted names).
fn py_type(v: &Value) -> Result<String, String> {
    py_type_q(v, true)
}

fn py_union(mut parts: Vec<String>) -> String {
    let none = parts.iter().position(|p| p == "None");
    if let (Some(i), 2) = (none, parts.len()) {
        parts.remove(i);
        return format!("Optional[{}]", parts[0]);
    }
    if parts.len() == 1 {
        return parts.remove(0);
    }
    format!("Union[{}]", parts.join(", "))
}

fn py_doc(out: &mut String, indent: &str, text: Option<&str>) {
    if let Some(text) = text {
        let text = plain(text).replace('\\', "\\\\").replace("\"\"\"", "'''");
        let _ = writeln!(out, "{indent}\"\"\"{}\"\"\"", text.trim_end());
    }
}

/// A TypedDict class (two when some keys are optional: the required ones in a base class, so
/// it works on Python 3.9 without `NotRequired`).
fn py_class(out: &mut String, name: &str, def: &Value) -> Result<(), String> {
    let req = required(def);
    let props: Vec<(&String, &Value)> = properties(def).into_iter().flatten().collect();
    let (must, may): (Vec<_>, Vec<_>) = props
        .into_iter()
        .partition(|(n, _)| req.contains(&n.as_str()));
    let field = |out: &mut String, (n, p): (&String, &Value)| -> Result<(), String> {
        let _ = writeln!(out, "    {n}: {}", py_type_q(p, false)?);
        Ok(())
    };
    let write_body = |out: &mut String, fields: &[(&String, &Value)]| -> Result<(), String> {
        if fields.is_empty() {
            out.push_str("    pass\n");
        }
        for f in fields {
            field(out, *f)?;
        }
        Ok(())
    };
    if may.is_empty() {
        let _ = writeln!(out, "\n\nclass {name}(TypedDict):");
        py_doc(out, "    ", description(def));
        write_body(out, &must)?;
    } else if must.is_empty() {
        let _ = writeln!(out, "\n\nclass {name}(TypedDict, total=False):");
        py_doc(out, "    ", description(def));
        write_body(out, &may)?;
    } else {
        let _ = writeln!(out, "\n\nclass _{name}Required(TypedDict):");
        write_body(out, &must)?;
        let _ = writeln!(out, "\n\nclass {name}(_{name}Required, total=False):");
        py_doc(out, "    ", description(def));
        write_body(out, &may)?;
    }
    Ok(())
}

/// The Python name of a union member that is an object: the definition's name and the value of
/// its tag (`ScheduleOnce`), or its single key (`EventDeadlineBefore`), or its position.
fn py_member_name(name: &str, member: &Value, i: usize) -> String {
    let props = properties(member);
    let tag = props.and_then(|p| p.values().find_map(|v| v.get("const")?.as_str()));
    let key = props.filter(|p| p.len() == 1).and_then(|p| p.keys().next());
    let suffix = tag.or(key.map(String::as_str)).map_or(i.to_string(), |t| {
        t.split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect()
    });
    format!("{name}{suffix}")
}

/// `types.py`'s contract part: aliases for string types, a TypedDict per object definition (and
/// per object member of a union), and the unions, in name order.
pub fn python(schema: &Value) -> Result<(String, Vec<String>), String> {
    let mut aliases = String::new();
    let mut classes = String::new();
    let mut unions = String::new();
    let mut names = Vec::new();
    for (name, def) in defs(schema)? {
        names.push(name.clone());
        if let Some(members) = union(def).filter(|m| m.iter().any(|m| properties(m).is_some())) {
            let mut parts = Vec::new();
            for (i, m) in members.iter().enumerate() {
                if properties(m).is_some() {
                    let member = py_member_name(name, m, i);
                    py_class(&mut classes, &member, m)?;
                    parts.push(format!("\"{member}\""));
                } else {
                    parts.push(py_type(m)?);
                }
            }
            let _ = writeln!(unions, "{name} = {}", py_union(parts));
        } else if properties(def).is_some() {
            py_class(&mut classes, name, def)?;
        } else {
            if let Some(d) = description(def) {
                for l in plain(d).lines() {
                    let _ = writeln!(aliases, "#: {l}");
                }
            }
            let _ = writeln!(aliases, "{name} = {}\n", py_type(def)?);
        }
    }
    Ok((format!("{aliases}{classes}\n\n{unions}"), names))
}

const PY_HEADER: &str = r#""""Types of the dicts tuanthu returns and of the inputs it accepts (for annotations).

GENERATED from the core's JSON Schema (`tuanthu schema`) by tests/src/typegen.rs: do not edit.
Regenerate with `TUANTHU_UPDATE_TYPES=1 cargo test -p tuanthu-tests --test generated_types`.
Optional keys are absent when empty; dates are `datetime.date`.

>>> from tuanthu.types import Assessment, Finding
"""

from __future__ import annotations

import datetime
import os
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, TypedDict, Union

if TYPE_CHECKING:
    from ._tuanthu import Plan, Submissions

# ----- The JSON contract ---------------------------------------------------------------------------

"#;

const PY_FOOTER: &str = r#"
# ----- Python only ---------------------------------------------------------------------------------

#: One case of ``RulePack.test()`` (the contract's ``RuleTestCase``).
TestCase = RuleTestCase


class TimingInfo(TypedDict):
    prepare_seconds: float
    evaluate_seconds: float


PathLike = Union[str, "os.PathLike[str]"]

DateLike = Union[datetime.date, str]

#: JSON text (str/bytes) or Python data (dict).
JsonLike = Union[str, bytes, Mapping[str, Any]]

#: A `Plan`, a dict, JSON text (a str starting with ``{``) or a plan JSON file path.
PlanLike = Union["Plan", Mapping[str, Any], str, "os.PathLike[str]"]

#: A `Submissions`, a list of dicts, a DataFrame, JSON text (a str starting with ``[``), or a CSV /
#: JSON file path.
SubmissionsLike = Union["Submissions", Sequence[Mapping[str, Any]], Any, str, "os.PathLike[str]", None]

#: A list of event dicts, JSON text, or a JSON file path.
EventsLike = Union[Sequence[Mapping[str, Any]], str, "os.PathLike[str]", None]

#: A registry dict, JSON text, or a JSON file path.
RegistryLike = Union[Mapping[str, Any], str, "os.PathLike[str]", None]
"#;

const PY_ONLY: &[&str] = &[
    "TestCase",
    "TimingInfo",
    "PathLike",
    "DateLike",
    "JsonLike",
    "PlanLike",
    "SubmissionsLike",
    "EventsLike",
    "RegistryLike",
];

/// The whole of `bindings-python/python/tuanthu/types.py`.
pub fn python_module(schema: &Value) -> Result<String, String> {
    let (contract, names) = python(schema)?;
    let mut out = format!("{PY_HEADER}{contract}{PY_FOOTER}\n__all__ = [\n");
    for n in names
        .iter()
        .map(String::as_str)
        .chain(PY_ONLY.iter().copied())
    {
        let _ = writeln!(out, "    \"{n}\",");
    }
    out.push_str("]\n");
    Ok(out)
}
