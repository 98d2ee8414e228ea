//! What a rule returns, checked strictly: a wrong type is an error finding, never a guess.

use rhai::{Dynamic, Map};

use crate::model::{Severity, Status};

/// A rule's answer for one instance or submission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub status: Option<Status>,
    pub due_soon: Option<bool>,
    pub messages: Vec<RuleMessage>,
}

impl Verdict {
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.due_soon.is_none() && self.messages.is_empty()
    }
}

/// A message a rule emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMessage {
    pub severity: Severity,
    pub message_vi: String,
    pub message_en: String,
    pub field: Option<String>,
}

const KEYS: &str = "status, due_soon, severity, message, message_vi, message_en, field";

/// A message written once in a rule's header (`// message: id | severity | vi | en`) with
/// `{placeholders}` that the host fills from the facts: no string building inside the script.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MessageTemplate {
    pub id: String,
    pub severity: Severity,
    pub vi: String,
    pub en: String,
}

/// Values for `{placeholders}`.
pub trait Placeholders {
    /// Appends the text for a placeholder name; `false` when the fact is absent.
    fn write_placeholder(&self, name: &str, out: &mut String) -> bool;
}

/// Fills `{name}` placeholders; an absent value renders as "—".
pub fn render(template: &str, facts: &dyn Placeholders) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                if !facts.write_placeholder(&after[..close], &mut out) {
                    out.push('—');
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Placeholder names used in a template.
pub fn placeholder_names(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

/// What a verdict's messages are rendered with.
pub struct Context<'a> {
    pub default_severity: Severity,
    pub templates: &'a [MessageTemplate],
    pub facts: &'a dyn Placeholders,
    /// False when the messages cannot be kept (the evaluation's findings are at their count
    /// limit): templates are still looked up and checked, but not filled.
    pub render: bool,
}

/// Reads `()`, a map, or an array of maps.
pub fn parse(value: Dynamic, ctx: &Context<'_>) -> Result<Verdict, String> {
    let mut verdict = Verdict::default();
    if value.is_unit() {
        return Ok(verdict);
    }
    // A bare string is a status: `return "overdue";` (no map to build on the hot path).
    if value.is_string() {
        let s = value.into_string().unwrap_or_default();
        verdict.status = Some(parse_status(&s)?);
        return Ok(verdict);
    }
    if value.is_map() {
        let map = value.cast::<Map>();
        add_map(&mut verdict, map, ctx)?;
        return Ok(verdict);
    }
    if value.is_array() {
        for (i, item) in value.cast::<rhai::Array>().into_iter().enumerate() {
            if item.is_unit() {
                continue;
            }
            let type_name = item.type_name();
            let map = item.try_cast::<Map>().ok_or_else(|| {
                format!("item {i} of the returned array is {type_name}, expected a map")
            })?;
            add_map(&mut verdict, map, ctx)?;
        }
        return Ok(verdict);
    }
    Err(format!(
        "rule returned {}, expected () (no verdict), a status string, a map #{{{KEYS}}} or an array of such maps",
        value.type_name()
    ))
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s).ok_or_else(|| {
        format!("unknown status '{s}'; expected one of done_on_time, done_late, in_progress, overdue, ongoing, not_triggered, unknown")
    })
}

fn string(map: &Map, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) => v
            .clone()
            .into_string()
            .map(Some)
            .map_err(|t| format!("'{key}' is {t}, expected a string")),
    }
}

fn add_map(verdict: &mut Verdict, map: Map, ctx: &Context<'_>) -> Result<(), String> {
    if let Some(k) = map
        .keys()
        .find(|k| !KEYS.split(", ").any(|known| known == k.as_str()))
    {
        return Err(format!("unknown key '{k}' in verdict; allowed: {KEYS}"));
    }
    if let Some(s) = string(&map, "status")? {
        let status = parse_status(&s)?;
        if verdict.status.is_some_and(|prev| prev != status) {
            return Err("the rule returned two different statuses".into());
        }
        verdict.status = Some(status);
    }
    if let Some(v) = map.get("due_soon") {
        verdict.due_soon = Some(
            v.as_bool()
                .map_err(|t| format!("'due_soon' is {t}, expected true or false"))?,
        );
    }
    let vi = string(&map, "message_vi")?;
    let en = string(&map, "message_en")?;
    let severity =
        match string(&map, "severity")? {
            Some(s) => Some(Severity::parse(&s).ok_or_else(|| {
                format!("unknown severity '{s}'; expected info, warning or error")
            })?),
            None => None,
        };
    if let Some(id) = string(&map, "message")? {
        if vi.is_some() || en.is_some() {
            return Err(
                "use either `message` (a template id) or message_vi/message_en, not both".into(),
            );
        }
        let t = ctx
            .templates
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| format!("no message template '{id}' in the rule's header"))?;
        verdict.messages.push(RuleMessage {
            severity: severity.unwrap_or(t.severity),
            message_vi: if ctx.render {
                render(&t.vi, ctx.facts)
            } else {
                String::new()
            },
            message_en: if ctx.render {
                render(&t.en, ctx.facts)
            } else {
                String::new()
            },
            field: string(&map, "field")?,
        });
        return Ok(());
    }
    if vi.is_some() || en.is_some() || severity.is_some() {
        let (message_vi, message_en) = match (vi, en) {
            (Some(vi), Some(en)) => (vi, en),
            (Some(vi), None) => (vi.clone(), vi),
            (None, Some(en)) => (en.clone(), en),
            (None, None) => return Err("a finding needs message_vi or message_en".into()),
        };
        verdict.messages.push(RuleMessage {
            severity: severity.unwrap_or(ctx.default_severity),
            message_vi,
            message_en,
            field: string(&map, "field")?,
        });
    }
    Ok(())
}
