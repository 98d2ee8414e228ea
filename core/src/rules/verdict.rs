//! What a rule returns, checked strictly: a wrong type is an error finding, never a guess.

use rhai::{Dynamic, Map};

use std::sync::Arc;

use crate::model::{Message, Severity, Status};

/// A rule's answer for one instance or submission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub status: Option<Status>,
    pub due_soon: Option<bool>,
    pub messages: Messages,
}

/// A verdict's messages: a rule that says something nearly always says one thing, kept without
/// a vector of its own (one allocation per verdict with a message).
pub type Messages = smallvec::SmallVec<[RuleMessage; 1]>;

impl Verdict {
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.due_soon.is_none() && self.messages.is_empty()
    }
}

/// A message a rule emits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMessage {
    pub severity: Severity,
    pub message_vi: Message,
    pub message_en: Message,
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
    // Braces are ASCII, never part of a longer UTF-8 sequence: a byte scan finds them, and
    // costs less than a char search on these short texts.
    while let Some(open) = rest.bytes().position(|b| b == b'{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.bytes().position(|b| b == b'}') {
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

/// A returned value read and checked, its template messages not yet filled in. It depends on
/// the value and the rule alone, so a value many calls return is read once ([`read`]) and each
/// call fills in only its own facts ([`Reading::verdict`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reading {
    status: Option<Status>,
    due_soon: Option<bool>,
    messages: Vec<MessageReading>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct MessageReading {
    severity: Severity,
    text: Text,
    field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    /// The template at this position of the rule's header.
    Template(usize),
    /// Written out by the rule: shared by every finding of the calls that return it.
    Literal { vi: Arc<str>, en: Arc<str> },
}

impl Reading {
    /// The verdict for one call: template messages filled from `ctx.facts` (left empty when not
    /// `ctx.render`), the rest as read. `ctx.templates` must be those the value was read with.
    pub fn verdict(&self, ctx: &Context<'_>) -> Verdict {
        let fill = |t: Option<&MessageTemplate>, pick: fn(&MessageTemplate) -> &str| match t {
            Some(t) if ctx.render => Message::Owned(render(pick(t), ctx.facts)),
            _ => Message::default(),
        };
        Verdict {
            status: self.status,
            due_soon: self.due_soon,
            messages: self
                .messages
                .iter()
                .map(|m| {
                    let (message_vi, message_en) = match &m.text {
                        Text::Template(k) => {
                            let t = ctx.templates.get(*k);
                            (fill(t, |t| &t.vi), fill(t, |t| &t.en))
                        }
                        Text::Literal { vi, en } => {
                            (Message::Shared(vi.clone()), Message::Shared(en.clone()))
                        }
                    };
                    RuleMessage {
                        severity: m.severity,
                        message_vi,
                        message_en,
                        field: m.field.clone(),
                    }
                })
                .collect(),
        }
    }
}

/// Reads `()`, a map, or an array of maps, and fills in its messages.
pub fn parse(value: Dynamic, ctx: &Context<'_>) -> Result<Verdict, String> {
    read(value, ctx.templates, ctx.default_severity).map(|r| r.verdict(ctx))
}

/// Reads `()`, a status string, a map, or an array of maps, as a rule with these message
/// templates and this default severity returned it.
pub fn read(
    value: Dynamic,
    templates: &[MessageTemplate],
    default_severity: Severity,
) -> Result<Reading, String> {
    let mut reading = Reading::default();
    if value.is_unit() {
        return Ok(reading);
    }
    // A bare string is a status: `return "overdue";` (no map to build on the hot path).
    if value.is_string() {
        let s = value.into_string().unwrap_or_default();
        reading.status = Some(parse_status(&s)?);
        return Ok(reading);
    }
    let header = Header {
        templates,
        default_severity,
    };
    if value.is_map() {
        let map = value.cast::<Map>();
        add_map(&mut reading, map, &header)?;
        return Ok(reading);
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
            add_map(&mut reading, map, &header)?;
        }
        return Ok(reading);
    }
    Err(format!(
        "rule returned {}, expected () (no verdict), a status string, a map #{{{KEYS}}} or an array of such maps",
        value.type_name()
    ))
}

/// What a value is read against: the rule's header.
struct Header<'a> {
    templates: &'a [MessageTemplate],
    default_severity: Severity,
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

fn add_map(reading: &mut Reading, map: Map, header: &Header<'_>) -> Result<(), String> {
    if let Some(k) = map
        .keys()
        .find(|k| !KEYS.split(", ").any(|known| known == k.as_str()))
    {
        return Err(format!("unknown key '{k}' in verdict; allowed: {KEYS}"));
    }
    if let Some(s) = string(&map, "status")? {
        let status = parse_status(&s)?;
        if reading.status.is_some_and(|prev| prev != status) {
            return Err("the rule returned two different statuses".into());
        }
        reading.status = Some(status);
    }
    if let Some(v) = map.get("due_soon") {
        reading.due_soon = Some(
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
        let (k, t) = header
            .templates
            .iter()
            .enumerate()
            .find(|(_, t)| t.id == id)
            .ok_or_else(|| format!("no message template '{id}' in the rule's header"))?;
        reading.messages.push(MessageReading {
            severity: severity.unwrap_or(t.severity),
            text: Text::Template(k),
            field: string(&map, "field")?,
        });
        return Ok(());
    }
    if vi.is_some() || en.is_some() || severity.is_some() {
        let (vi, en) = match (vi, en) {
            (Some(vi), Some(en)) => (vi, en),
            (Some(vi), None) => (vi.clone(), vi),
            (None, Some(en)) => (en.clone(), en),
            (None, None) => return Err("a finding needs message_vi or message_en".into()),
        };
        reading.messages.push(MessageReading {
            severity: severity.unwrap_or(header.default_severity),
            text: Text::Literal {
                vi: vi.into(),
                en: en.into(),
            },
            field: string(&map, "field")?,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{a}` is "Sở Tư pháp", `{n}` is "3"; nothing else is known.
    struct Two;
    impl Placeholders for Two {
        fn write_placeholder(&self, name: &str, out: &mut String) -> bool {
            match name {
                "a" => out.push_str("Sở Tư pháp"),
                "n" => out.push('3'),
                _ => return false,
            }
            true
        }
    }

    #[test]
    fn placeholders_are_filled_around_multibyte_text() {
        let cases = [
            ("{a}: quá hạn {n} ngày", "Sở Tư pháp: quá hạn 3 ngày"),
            ("hạn “{x}” — {n}", "hạn “—” — 3"),
            ("{a}{n}{a}", "Sở Tư pháp3Sở Tư pháp"),
            ("no placeholder, đủ", "no placeholder, đủ"),
            ("mở {n} rồi {chưa đóng", "mở 3 rồi {chưa đóng"),
            ("}{n}", "}3"),
            ("", ""),
        ];
        for (template, want) in cases {
            assert_eq!(render(template, &Two), want, "{template}");
        }
    }

    #[test]
    fn a_value_read_once_gives_each_call_its_own_messages() {
        let templates = [MessageTemplate {
            id: "late".into(),
            severity: Severity::Warning,
            vi: "{a} trễ {n} ngày".into(),
            en: "{a} {n} day(s) late".into(),
        }];
        let mut map = Map::new();
        map.insert("status".into(), "done_late".into());
        map.insert("message".into(), "late".into());
        let value = Dynamic::from_map(map);
        let reading = read(value, &templates, Severity::Error).unwrap();
        for (render, vi, en) in [
            (true, "Sở Tư pháp trễ 3 ngày", "Sở Tư pháp 3 day(s) late"),
            // At the findings limit: looked up and checked, not filled.
            (false, "", ""),
        ] {
            let ctx = Context {
                default_severity: Severity::Error,
                templates: &templates,
                facts: &Two,
                render,
            };
            let verdict = reading.verdict(&ctx);
            assert_eq!(verdict.status, Some(Status::DoneLate));
            let message = RuleMessage {
                severity: Severity::Warning,
                message_vi: vi.into(),
                message_en: en.into(),
                field: None,
            };
            assert_eq!(verdict.messages.into_vec(), vec![message]);
        }
        let unknown = read(Dynamic::from("late-ish"), &templates, Severity::Error);
        assert!(unknown.unwrap_err().contains("unknown status 'late-ish'"));
    }
}
