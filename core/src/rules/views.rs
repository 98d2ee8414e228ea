//! Read-only views of the model that rules receive as `x`.
//!
//! The same structs are filled by the evaluator and deserialised from rule unit tests, so a rule
//! test exercises exactly what production evaluation passes.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use rhai::{Dynamic, Engine, ImmutableString, INT};
use serde::{Deserialize, Serialize};

use super::date::{Cal, Date};

fn yes() -> bool {
    true
}

fn empty() -> Arc<str> {
    Arc::from("")
}

/// Facts about one obligation instance (agency × period × stage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceFacts {
    // Text an obligation's or an agency's instances share.
    pub obligation: Arc<str>,
    #[serde(default = "empty")]
    pub title: Arc<str>,
    /// `task` or `periodic_report`.
    #[serde(default = "task")]
    pub kind: Word,
    /// The schedule part that made this instance: once, ongoing, recurring, event_triggered,
    /// staged, unparsed.
    pub schedule: Word,
    pub agency: Arc<str>,
    /// An unexpanded group (no registry): nobody in particular can be assessed.
    #[serde(default)]
    pub is_group: bool,
    pub period: Arc<str>,
    #[serde(default)]
    pub stage: Option<String>,
    /// False for an event-triggered instance whose event has not happened, or an ongoing task
    /// whose precondition has not.
    #[serde(default = "yes")]
    pub triggered: bool,
    /// Last day on which evidence is on time, after the deadline policies.
    #[serde(default)]
    pub due: Option<NaiveDate>,
    /// The date as the plan or event states it.
    #[serde(default)]
    pub stated_due: Option<NaiveDate>,
    /// Received date of the earliest evidence.
    #[serde(default)]
    pub received: Option<NaiveDate>,
    #[serde(default)]
    pub document_number: Option<Arc<str>>,
    #[serde(default)]
    pub evidence_count: u32,
    pub as_of: NaiveDate,
    #[serde(default = "seven")]
    pub due_soon_days: u32,
    #[serde(default = "exclusive")]
    pub deadline_reading: Word,
    #[serde(default = "strict")]
    pub day_off: Word,
    #[serde(default)]
    pub recipient: Option<Arc<str>>,
    #[serde(default)]
    pub via: Option<Arc<str>>,
    /// For a stage whose result feeds a later stage (members → lead's consolidation): that later
    /// stage's last on-time day.
    #[serde(default)]
    pub next_stage_due: Option<NaiveDate>,
}

impl InstanceFacts {
    /// Boolean facts usable in a rule's `when:` header (evaluated natively, before any script runs).
    pub fn flag(&self, name: &str) -> Option<bool> {
        Some(match name {
            "has_due" => self.due.is_some(),
            "has_evidence" => self.received.is_some(),
            "triggered" => self.triggered,
            "is_group" => self.is_group,
            "has_next_stage_due" => self.next_stage_due.is_some(),
            "past_due" => self.due.is_some_and(|d| self.as_of > d),
            _ => return None,
        })
    }

    /// Text facts usable in `when:` as `name=value`.
    pub fn text(&self, name: &str) -> Option<&str> {
        Some(match name {
            "kind" => self.kind.as_ref(),
            "schedule" => self.schedule.as_ref(),
            _ => return None,
        })
    }
}

/// A word of the fixed vocabulary (a kind, a schedule type, a policy): borrowed when the
/// evaluator writes it, owned when a rule test reads it from JSON.
pub type Word = Cow<'static, str>;

fn task() -> Word {
    Cow::Borrowed("task")
}
fn seven() -> u32 {
    7
}
fn exclusive() -> Word {
    Cow::Borrowed("exclusive")
}
fn strict() -> Word {
    Cow::Borrowed("strict")
}

/// Facts about one submission (batch evidence, or a report-submission form being typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionFacts {
    // Text many submissions share (an agency's name, an obligation's id and title, a period,
    // a received date) is shared, not copied per submission.
    /// True when checking a web form rather than a batch of evidence.
    #[serde(default)]
    pub is_form: bool,
    pub agency: Arc<str>,
    /// Named in the registry or anywhere in the plan.
    #[serde(default = "yes")]
    pub agency_known: bool,
    /// The name is, but for its diacritics, the name of several agencies ("UBND xã Tân An",
    /// "UBND xã Tân Ân"), and its diacritics pick none of them: it is read as an unknown agency,
    /// never as one of them.
    #[serde(default)]
    pub agency_ambiguous: bool,
    /// Lead or performer (directly or as a member of a responsible group).
    #[serde(default = "yes")]
    pub responsible: bool,
    #[serde(default)]
    pub coordinating: bool,
    pub obligation: Arc<str>,
    #[serde(default = "yes")]
    pub obligation_exists: bool,
    #[serde(default = "empty")]
    pub obligation_title: Arc<str>,
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default = "yes")]
    pub stage_ok: bool,
    #[serde(default)]
    pub period: Option<Arc<str>>,
    #[serde(default = "yes")]
    pub period_ok: bool,
    #[serde(default)]
    pub period_inferred: bool,
    /// The received date as typed (forms) or as given.
    #[serde(default = "empty")]
    pub received_text: Arc<str>,
    #[serde(default)]
    pub received: Option<NaiveDate>,
    #[serde(default)]
    pub document_number: Option<Arc<str>>,
    pub as_of: NaiveDate,
    /// Last on-time day of the instance this evidence is for, when known.
    #[serde(default)]
    pub due: Option<NaiveDate>,
    /// Another submission for the same instance came earlier.
    #[serde(default)]
    pub duplicate: bool,
    #[serde(default = "exclusive")]
    pub deadline_reading: Word,
    #[serde(default = "strict")]
    pub day_off: Word,
}

impl SubmissionFacts {
    /// Boolean facts usable in a rule's `when:` header.
    pub fn flag(&self, name: &str) -> Option<bool> {
        Some(match name {
            "is_form" => self.is_form,
            "agency_known" => self.agency_known,
            "agency_ambiguous" => self.agency_ambiguous,
            "responsible" => self.responsible,
            "coordinating" => self.coordinating,
            "obligation_exists" => self.obligation_exists,
            "stage_ok" => self.stage_ok,
            "period_ok" => self.period_ok,
            "period_inferred" => self.period_inferred,
            "has_received" => self.received.is_some(),
            "received_after_as_of" => self.received.is_some_and(|r| r > self.as_of),
            "has_due" => self.due.is_some(),
            "late" => matches!((self.received, self.due), (Some(r), Some(d)) if r > d),
            "has_document_number" => self
                .document_number
                .as_deref()
                .is_some_and(|d| !trim(d).is_empty()),
            "document_number_valid" => self
                .document_number
                .as_deref()
                .is_some_and(|d| split_doc_number(d).is_some()),
            "duplicate" => self.duplicate,
            _ => return None,
        })
    }

    pub fn text(&self, _name: &str) -> Option<&str> {
        None
    }
}

/// Placeholders a message template of an instance rule may use.
pub const INSTANCE_PLACEHOLDERS: &[&str] = &[
    "agency",
    "obligation",
    "title",
    "period",
    "stage",
    "due",
    "stated_due",
    "received",
    "as_of",
    "days_late",
    "days_left",
    "policy",
    "deadline_reading",
    "day_off",
    "recipient",
    "via",
    "to",
    "next_stage_due",
    "document_number",
];

/// Placeholders a message template of a submission rule may use.
pub const SUBMISSION_PLACEHOLDERS: &[&str] = &[
    "agency",
    "obligation",
    "obligation_title",
    "stage",
    "period",
    "received",
    "received_text",
    "as_of",
    "due",
    "days_late",
    "policy",
    "deadline_reading",
    "day_off",
    "document_number",
];

fn put(out: &mut String, s: Option<&str>) -> bool {
    s.map(|s| out.push_str(s)).is_some()
}

fn put_date(out: &mut String, d: Option<NaiveDate>) -> bool {
    d.map(|d| super::text::push_date_vi(out, d)).is_some()
}

fn put_days(out: &mut String, n: Option<i64>) -> bool {
    n.map(|n| super::text::push_int(out, n)).is_some()
}

impl super::verdict::Placeholders for InstanceFacts {
    fn write_placeholder(&self, name: &str, out: &mut String) -> bool {
        match name {
            "agency" => put(out, Some(&*self.agency)),
            "obligation" => put(out, Some(&*self.obligation)),
            "title" => put(out, Some(&*self.title)),
            "period" => put(out, Some(&*self.period)),
            "stage" => put(out, self.stage.as_deref()),
            "due" => put_date(out, self.due),
            "stated_due" => put_date(out, self.stated_due),
            "received" => put_date(out, self.received),
            "as_of" => put_date(out, Some(self.as_of)),
            "days_late" => put_days(
                out,
                self.due
                    .map(|d| (self.received.unwrap_or(self.as_of) - d).num_days()),
            ),
            "days_left" => put_days(out, self.due.map(|d| (d - self.as_of).num_days())),
            "policy" => {
                out.push_str(&self.deadline_reading);
                out.push_str(", ");
                out.push_str(&self.day_off);
                true
            }
            "deadline_reading" => put(out, Some(&self.deadline_reading)),
            "day_off" => put(out, Some(&self.day_off)),
            "recipient" => put(out, self.recipient.as_deref()),
            "via" => put(out, self.via.as_deref()),
            "to" => match (&self.recipient, &self.via) {
                (Some(r), Some(v)) => {
                    out.push_str(r);
                    out.push_str(" (qua ");
                    out.push_str(v);
                    out.push(')');
                    true
                }
                (Some(r), None) => put(out, Some(&**r)),
                _ => false,
            },
            "next_stage_due" => put_date(out, self.next_stage_due),
            "document_number" => put(out, self.document_number.as_deref()),
            _ => false,
        }
    }
}

impl super::verdict::Placeholders for SubmissionFacts {
    fn write_placeholder(&self, name: &str, out: &mut String) -> bool {
        match name {
            "agency" => put(out, Some(&*self.agency)),
            "obligation" => put(out, Some(&*self.obligation)),
            "obligation_title" => put(out, Some(&*self.obligation_title)),
            "stage" => put(out, self.stage.as_deref()),
            "period" => put(out, self.period.as_deref()),
            "received" => put_date(out, self.received),
            "received_text" => put(out, Some(&*self.received_text)),
            "as_of" => put_date(out, Some(self.as_of)),
            "due" => put_date(out, self.due),
            "days_late" => put_days(
                out,
                match (self.received, self.due) {
                    (Some(r), Some(d)) => Some((r - d).num_days()),
                    _ => None,
                },
            ),
            "policy" => {
                out.push_str(&self.deadline_reading);
                out.push_str(", ");
                out.push_str(&self.day_off);
                true
            }
            "deadline_reading" => put(out, Some(&self.deadline_reading)),
            "day_off" => put(out, Some(&self.day_off)),
            "document_number" => put(out, self.document_number.as_deref()),
            _ => false,
        }
    }
}

/// An instance as rules see it.
#[derive(Debug, Clone)]
pub struct InstanceView {
    pub facts: Arc<InstanceFacts>,
    pub cal: Cal,
}

/// A submission as rules see it.
#[derive(Debug, Clone)]
pub struct SubmissionView {
    pub facts: Arc<SubmissionFacts>,
    pub cal: Cal,
}

/// Words of the fixed vocabulary (schedule types, kinds, policies) as shared Rhai strings, so
/// reading `x.schedule` allocates nothing.
fn word(s: &str) -> ImmutableString {
    static WORDS: std::sync::OnceLock<Vec<ImmutableString>> = std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        [
            "once",
            "ongoing",
            "recurring",
            "event_triggered",
            "staged",
            "unparsed",
            "task",
            "periodic_report",
            "exclusive",
            "inclusive",
            "strict",
            "next_working_day",
        ]
        .into_iter()
        .map(ImmutableString::from)
        .collect()
    });
    words
        .iter()
        .find(|w| w.as_str() == s)
        .cloned()
        .unwrap_or_else(|| s.into())
}

fn date(d: Option<NaiveDate>) -> Dynamic {
    d.map_or(Dynamic::UNIT, |d| Dynamic::from(Date(d)))
}

/// Optional text is `""` when absent, so rules compare strings with strings. The empty text is
/// one shared string: an absent stage or document number is read on most rule calls, and each
/// read (the memo's key of it too) made a string of its own.
fn opt_str<S: AsRef<str>>(s: &Option<S>) -> ImmutableString {
    static EMPTY: std::sync::OnceLock<ImmutableString> = std::sync::OnceLock::new();
    match s.as_ref().map_or("", AsRef::as_ref) {
        "" => EMPTY.get_or_init(ImmutableString::new).clone(),
        text => text.into(),
    }
}

fn days_between(later: NaiveDate, earlier: NaiveDate) -> INT {
    (later - earlier).num_days()
}

/// A value a rule read from a view, as a key of the evaluator's memo of rule calls
/// (`crate::eval::memo`): a rule's answer depends only on the values it read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Unit,
    Bool(bool),
    Int(INT),
    Date(NaiveDate),
    Str(ImmutableString),
    /// The evaluation's calendar: the same for every call of one evaluation.
    Cal,
    /// Anything else: a call that read it is not memoised.
    Opaque,
}

/// The memo key of a property's value.
pub(crate) trait ToKey {
    fn key(&self) -> Key;
}

impl ToKey for bool {
    fn key(&self) -> Key {
        Key::Bool(*self)
    }
}
impl ToKey for INT {
    fn key(&self) -> Key {
        Key::Int(*self)
    }
}
impl ToKey for Date {
    fn key(&self) -> Key {
        Key::Date(self.0)
    }
}
impl ToKey for ImmutableString {
    fn key(&self) -> Key {
        Key::Str(self.clone())
    }
}
impl ToKey for String {
    fn key(&self) -> Key {
        Key::Str(self.as_str().into())
    }
}
impl ToKey for Cal {
    fn key(&self) -> Key {
        Key::Cal
    }
}
impl ToKey for Dynamic {
    fn key(&self) -> Key {
        if self.is_unit() {
            Key::Unit
        } else if let Ok(n) = self.as_int() {
            Key::Int(n)
        } else if let Ok(b) = self.as_bool() {
            Key::Bool(b)
        } else if let Some(d) = self.read_lock::<Date>() {
            Key::Date(d.0)
        } else {
            Key::Opaque
        }
    }
}

/// Property reads of the current rule call, when the evaluator records them.
type Reads = Vec<(u8, Key)>;

thread_local! {
    static READS: std::cell::RefCell<Option<Reads>> = const { std::cell::RefCell::new(None) };
}

/// Reads one call may record: a call that reads more (a loop over properties) is not memoised,
/// and recording stops, so a rule spending its whole budget on reads costs no more memory.
const MAX_READS: usize = 64;

fn record(prop: u8, value: &impl ToKey) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            match reads.len() {
                n if n < MAX_READS => reads.push((prop, value.key())),
                MAX_READS => reads.push((prop, Key::Opaque)),
                _ => {}
            }
        }
    });
}

/// Runs `f` (one rule call) recording, in order, every view property it reads and its value.
pub(crate) fn recording<T>(f: impl FnOnce() -> T) -> (T, Reads) {
    let outer = READS.with(|r| r.replace(Some(Vec::new())));
    let out = f();
    let reads = READS.with(|r| r.replace(outer)).unwrap_or_default();
    (out, reads)
}

/// The property number of `x.cal`.
pub(crate) const CAL_PROP: u8 = u8::MAX;

/// Declares a view's properties once: each getter (which records what it returns) and the
/// function that computes the same value's key natively, by property number, for the memo.
macro_rules! properties {
    ($register:ident, $key_of:ident, $view:ty, $facts:ty, {
        $($name:literal => |$f:ident| $body:expr;)*
    }) => {
        /// The key of property number `prop`, computed exactly as its getter computes it.
        pub(crate) fn $key_of(facts: &$facts, prop: u8) -> Key {
            let mut i: u8 = 0;
            $(
                if prop == i {
                    let $f = facts;
                    return ToKey::key(&$body);
                }
                i += 1;
            )*
            let _ = i;
            if prop == CAL_PROP {
                Key::Cal
            } else {
                Key::Opaque
            }
        }

        fn $register(engine: &mut Engine) {
            let mut i: u8 = 0;
            $(
                let prop = i;
                engine.register_get($name, move |v: &mut $view| {
                    let $f = &*v.facts;
                    let value = $body;
                    record(prop, &value);
                    value
                });
                i += 1;
            )*
            let _ = i;
            engine.register_get("cal", |v: &mut $view| {
                record(CAL_PROP, &v.cal);
                v.cal.clone()
            });
        }
    };
}

properties!(register_instance, instance_key, InstanceView, InstanceFacts, {
    "obligation" => |f| ImmutableString::from(&*f.obligation);
    "title" => |f| ImmutableString::from(&*f.title);
    "kind" => |f| word(&f.kind);
    "schedule" => |f| word(&f.schedule);
    "agency" => |f| ImmutableString::from(&*f.agency);
    "is_group" => |f| f.is_group;
    "period" => |f| ImmutableString::from(&*f.period);
    "stage" => |f| opt_str(&f.stage);
    "triggered" => |f| f.triggered;
    "has_due" => |f| f.due.is_some();
    "due" => |f| date(f.due);
    "stated_due" => |f| date(f.stated_due);
    "has_evidence" => |f| f.received.is_some();
    "received" => |f| date(f.received);
    "document_number" => |f| opt_str(&f.document_number);
    "evidence_count" => |f| INT::from(f.evidence_count);
    "as_of" => |f| Date(f.as_of);
    "due_soon_days" => |f| INT::from(f.due_soon_days);
    "deadline_reading" => |f| word(&f.deadline_reading);
    "day_off" => |f| word(&f.day_off);
    "recipient" => |f| opt_str(&f.recipient);
    "via" => |f| opt_str(&f.via);
    "has_next_stage_due" => |f| f.next_stage_due.is_some();
    "next_stage_due" => |f| date(f.next_stage_due);
    // Convenience: calendar days from as-of to the due day (negative once passed), or ().
    "days_to_due" => |f| f
        .due
        .map_or(Dynamic::UNIT, |d| Dynamic::from(days_between(d, f.as_of)));
    // Received − last day in days (≤ 0: on time), or () without evidence or due date. Integer
    // facts keep hot rules on Rhai's native integer operators.
    "received_days_after_due" => |f| match (f.received, f.due) {
        (Some(r), Some(d)) => Dynamic::from(days_between(r, d)),
        _ => Dynamic::UNIT,
    };
});

properties!(register_submission, submission_key, SubmissionView, SubmissionFacts, {
    "is_form" => |f| f.is_form;
    "agency" => |f| ImmutableString::from(&*f.agency);
    "agency_known" => |f| f.agency_known;
    "agency_ambiguous" => |f| f.agency_ambiguous;
    "responsible" => |f| f.responsible;
    "coordinating" => |f| f.coordinating;
    "obligation" => |f| ImmutableString::from(&*f.obligation);
    "obligation_exists" => |f| f.obligation_exists;
    "obligation_title" => |f| ImmutableString::from(&*f.obligation_title);
    "stage" => |f| opt_str(&f.stage);
    "stage_ok" => |f| f.stage_ok;
    "period" => |f| opt_str(&f.period);
    "period_ok" => |f| f.period_ok;
    "period_inferred" => |f| f.period_inferred;
    "received_text" => |f| ImmutableString::from(&*f.received_text);
    "has_received" => |f| f.received.is_some();
    "received" => |f| date(f.received);
    "document_number" => |f| opt_str(&f.document_number);
    "document_number_valid" => |f| f.flag("document_number_valid") == Some(true);
    "as_of" => |f| Date(f.as_of);
    "has_due" => |f| f.due.is_some();
    "due" => |f| date(f.due);
    "duplicate" => |f| f.duplicate;
    "deadline_reading" => |f| word(&f.deadline_reading);
    "day_off" => |f| word(&f.day_off);
});

/// Registers the view types and their read-only properties.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<InstanceView>("Instance");
    register_instance(engine);
    engine.register_type_with_name::<SubmissionView>("Submission");
    register_submission(engine);
    engine.register_fn("doc_number_parts", doc_number_parts);
}

/// Splits a document number and symbol (Decree 30/2020, art. 8 and Appendix I) such as
/// `123/BC-STP` or `05/2026/NĐ-CP` into `#{number, year, kind, issuer}`; `()` when malformed.
fn doc_number_parts(s: ImmutableString) -> Dynamic {
    match split_doc_number(&s) {
        Some(p) => {
            let mut m = rhai::Map::new();
            m.insert("number".into(), p.number.into());
            m.insert("year".into(), p.year.map_or(Dynamic::UNIT, Dynamic::from));
            m.insert("kind".into(), p.kind.into());
            m.insert("issuer".into(), p.issuer.into());
            Dynamic::from_map(m)
        }
        None => Dynamic::UNIT,
    }
}

/// The parts of a document number, borrowed from it: checking one (the `when:` flag
/// `document_number_valid`, on every submission) allocates nothing.
struct DocNumber<'a> {
    number: &'a str,
    year: Option<INT>,
    kind: &'a str,
    issuer: &'a str,
}

/// `s.trim()`, without looking characters up when both ends are visible ASCII (nothing to
/// trim): the common document number. Checked on every submission's `when:` lines.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// `s` split at its first `/` (an ASCII byte, so both sides are whole characters).
fn split_slash(s: &str) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == b'/')?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

fn split_doc_number(s: &str) -> Option<DocNumber<'_>> {
    let t = trim(s);
    let t = trim(
        t.strip_prefix("Số:")
            .or_else(|| t.strip_prefix("số:"))
            .unwrap_or(t),
    );
    // `number/symbol` or `number/yyyy/symbol`, each part trimmed; no other count of parts.
    let (number, rest) = split_slash(t)?;
    let (year, symbol) = match split_slash(rest) {
        None => (None, rest),
        Some((y, symbol)) => {
            let y = trim(y);
            if symbol.contains('/') || y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (y.parse::<INT>().ok(), symbol)
        }
    };
    doc_number(trim(number), year, trim(symbol))
}

/// The parts of a document number, trimmed, checked: a number of 1–6 digits and a symbol made of
/// an upper-case kind, then one or more issuer words, each starting upper-case, joined by `-`
/// (`QĐ-UBND`, `KH-UBND.VP`).
fn doc_number<'a>(number: &'a str, year: Option<INT>, symbol: &'a str) -> Option<DocNumber<'a>> {
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) || number.len() > 6 {
        return None;
    }
    let (kind, issuer) = kind_and_issuer(symbol)?;
    Some(DocNumber {
        number,
        year,
        kind,
        issuer,
    })
}

fn kind_and_issuer(symbol: &str) -> Option<(&str, &str)> {
    let (kind, issuer) = symbol.split_once('-')?;
    let upper = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_uppercase() || c == 'Đ');
    let issuer_ok = !issuer.is_empty()
        && issuer.split('-').all(|w| {
            !w.is_empty()
                && w.chars().all(|c| c.is_alphanumeric() || c == '.')
                && w.chars().next().is_some_and(char::is_uppercase)
        });
    (upper(kind) && issuer_ok).then_some((kind, issuer))
}

#[cfg(test)]
mod tests {
    use super::{doc_number, opt_str, split_doc_number, DocNumber, INT};
    use proptest::prelude::*;

    #[test]
    fn absent_text_reads_as_one_shared_empty_string() {
        let (absent, empty) = (opt_str(&None::<String>), opt_str(&Some(String::new())));
        assert_eq!(absent.as_str(), "");
        assert!(absent.ptr_eq(&empty), "one string, not one per read");
        assert!(absent.ptr_eq(&opt_str(&None::<&str>)));
        assert_eq!(opt_str(&Some("05/BC")).as_str(), "05/BC");
    }

    /// The reader as first written (str::trim and str::split throughout): the fast one must
    /// give its answer on every text.
    fn split_doc_number_reference(s: &str) -> Option<DocNumber<'_>> {
        let t = s.trim();
        let t = t
            .strip_prefix("Số:")
            .or_else(|| t.strip_prefix("số:"))
            .unwrap_or(t)
            .trim();
        let mut parts = t.split('/').map(str::trim);
        let (number, year, symbol) = match (parts.next(), parts.next(), parts.next(), parts.next())
        {
            (Some(n), Some(sym), None, _) => (n, None, sym),
            (Some(n), Some(y), Some(sym), None)
                if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) =>
            {
                (n, y.parse::<INT>().ok(), sym)
            }
            _ => return None,
        };
        // The parts' check is shared: only the trimming and splitting were rewritten.
        doc_number(number, year, symbol)
    }

    fn parts<'a>(p: Option<DocNumber<'a>>) -> Option<(&'a str, Option<INT>, &'a str, &'a str)> {
        p.map(|p| (p.number, p.year, p.kind, p.issuer))
    }

    proptest! {
        #[test]
        fn the_fast_reader_reads_every_text_as_the_reference(
            s in prop_oneof![
                // Shaped like a document number, with stray spaces and characters.
                "(Số:|số:)?[ \t\u{a0}]{0,2}[0-9a]{0,3}[ \u{2003}]?/[ ]?([0-9]{4}[ ]?/)?\
                 [ ]?[BCQĐa/]{0,3}-[A-ZĐđ.0-9/-]{0,5}[ \u{0b}]{0,2}",
                "(Số:|số:)?[ \t\u{0b}\u{a0}\u{2003}0-9/BCKHQĐNUTPSđa.-]{0,14}",
            ]
        ) {
            prop_assert_eq!(parts(split_doc_number(&s)), parts(split_doc_number_reference(&s)));
            prop_assert_eq!(super::trim(&s), s.trim());
        }
    }

    #[test]
    fn document_numbers_per_decree_30() {
        for ok in [
            "123/BC-STP",
            "144/KH-UBND",
            "437/QĐ-TTg",
            "05/2026/NĐ-CP",
            "Số: 12/BC-CAT-PA05",
        ] {
            assert!(split_doc_number(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "123",
            "BC-STP",
            "123/bc-stp",
            "12a/BC-STP",
            "123/BC",
            "123/BC-",
            "1/2/3/BC-X",
            "1/2026/3/BC-X",
            " 1 / 2026 /BC-X/",
        ] {
            assert!(split_doc_number(bad).is_none(), "{bad}");
        }
        let p = split_doc_number("05/2026/NĐ-CP").unwrap();
        assert_eq!(
            (p.number, p.year, p.kind, p.issuer),
            ("05", Some(2026), "NĐ", "CP")
        );
    }
}
