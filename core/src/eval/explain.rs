//! Assessments with explanations that point back to the plan's own words.
//!
//! An assessment owns almost nothing of its own: the obligation's title and source, the rule
//! lists and the source quotes are shared (one per obligation, list or phrase), and the two
//! explanations are one [`Parts`] (what the sentence says) written in either language only when
//! read ([`Explanation`]).

use std::sync::Arc;

use chrono::NaiveDate;

use super::expand::Instance;
use crate::model::{
    Assessment, DueDate, Explanation, Lang, Obligation, Period, SourceSpan, Status, Submission,
};
use crate::rules::text;

/// What an instance's explanation says, in no language yet: shared by its two
/// [`Explanation`]s, written by [`Parts::render`]. Equal parts write equal texts (the
/// explanations' quick equality).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Parts {
    status: Status,
    due_soon: bool,
    note: Option<Arc<(String, String)>>,
    why: Option<Why>,
    due: Option<Arc<DueDate>>,
    received: Option<(NaiveDate, Option<Arc<str>>)>,
    days: Option<Days>,
    rules: Arc<[Arc<str>]>,
    source: Option<Arc<Quote>>,
}

/// The clause that says why an instance has its status, when the status needs one.
#[derive(Debug, PartialEq, Eq)]
enum Why {
    Unclassified,
    /// The timing phrase nobody could read.
    Unparsed(String),
    /// The group nobody expanded.
    Group(Arc<str>),
    NoDue,
    Ongoing(Period),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Days {
    Late(i64),
    Left(i64),
}

/// The plan's lines and sentence an explanation quotes: one per obligation and timing phrase.
#[derive(Debug, PartialEq, Eq)]
struct Quote {
    line_start: u32,
    line_end: u32,
    text: String,
}

/// Texts shared by the facts and assessments one worker writes in one evaluation: per
/// obligation (by plan position), its id, title, recipients, source and the quotes of its
/// timing phrases.
#[derive(Default)]
pub(crate) struct Shared {
    obligations: Vec<Option<ObligationTexts>>,
    /// Ids and titles made already (by the matcher), used rather than made again.
    names: Arc<[super::matching::ObligationNames]>,
    /// Periods as their `Display` writes them (an instance's facts carry one).
    periods: super::FastMap<Period, Arc<str>>,
}

pub(crate) struct ObligationTexts {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub recipient: Option<Arc<str>>,
    pub via: Option<Arc<str>>,
    source: Option<Arc<SourceSpan>>,
    /// Quotes by timing phrase; an obligation has few.
    quotes: Vec<(Option<String>, Arc<Quote>)>,
}

impl Shared {
    /// Texts that take the ids and titles in `names` (by plan position) as made; sized for
    /// them (the plan's obligations, when the matcher saw the plan).
    pub fn with_names(names: &Arc<[super::matching::ObligationNames]>) -> Self {
        Shared {
            obligations: std::iter::repeat_with(|| None).take(names.len()).collect(),
            names: names.clone(),
            periods: Default::default(),
        }
    }

    /// The texts of obligation `o`, at plan position `n`.
    pub fn obligation(&mut self, n: usize, o: &Obligation) -> &mut ObligationTexts {
        if self.obligations.len() <= n {
            self.obligations.resize_with(n + 1, || None);
        }
        let named = self.names.get(n).and_then(Option::as_ref);
        let slot = &mut self.obligations[n];
        slot.get_or_insert_with(|| {
            let (id, title) = named.map_or_else(
                || (o.id.as_str().into(), o.title.as_str().into()),
                |(id, title)| (id.clone(), title.clone()),
            );
            ObligationTexts::new(id, title, o)
        })
    }
}

impl ObligationTexts {
    fn new(id: Arc<str>, title: Arc<str>, o: &Obligation) -> Self {
        ObligationTexts {
            id,
            title,
            recipient: o.reporting.as_ref().map(|r| r.recipient.name().into()),
            via: o
                .reporting
                .as_ref()
                .and_then(|r| r.via.as_ref().map(|v| v.name().into())),
            source: o.source.clone().map(Arc::new),
            quotes: Vec::new(),
        }
    }
}

impl Shared {
    /// `p` as its `Display` writes it.
    pub fn period(&mut self, p: &Period) -> Arc<str> {
        if let Some(t) = self.periods.get(p) {
            return t.clone();
        }
        let t: Arc<str> = text::period_text(p).into();
        self.periods.insert(p.clone(), t.clone());
        t
    }
}

impl ObligationTexts {
    fn quote(&mut self, phrase: Option<&str>) -> Option<Arc<Quote>> {
        let src = self.source.as_ref()?;
        if let Some((_, q)) = self.quotes.iter().find(|(p, _)| p.as_deref() == phrase) {
            return Some(q.clone());
        }
        let q = Arc::new(Quote {
            line_start: src.line_start,
            line_end: src.line_end,
            text: quote(src, phrase),
        });
        self.quotes.push((phrase.map(str::to_string), q.clone()));
        Some(q)
    }
}

/// The ids of the rules that judged an instance, shared (as [`Assessment::rules`]).
pub(crate) type RuleList = Arc<[Arc<str>]>;

/// Rule lists by the pack positions of their rules: one shared list per distinct set, so an
/// instance's list costs a lookup, not a copy of each rule id.
#[derive(Default)]
pub(crate) struct RuleLists {
    lists: super::FastMap<Vec<usize>, RuleList>,
    /// The list being collected (pack positions, ascending).
    current: Vec<usize>,
    /// The list returned last.
    last: Option<(Vec<usize>, RuleList)>,
}

impl RuleLists {
    /// Starts the list of a new instance.
    pub fn start(&mut self) {
        self.current.clear();
    }

    /// Adds the rule at pack position `n`.
    pub fn push(&mut self, n: usize) {
        self.current.push(n);
    }

    /// The list collected since [`RuleLists::start`], each rule named by `name`.
    pub fn finish<'n>(&mut self, name: impl Fn(usize) -> &'n str) -> RuleList {
        // Neighbouring instances are mostly judged by the same rules: no hashing for those.
        if let Some((ids, list)) = &self.last {
            if *ids == self.current {
                return list.clone();
            }
        }
        let list = match self.lists.get(&self.current) {
            Some(l) => l.clone(),
            None => {
                let list: Arc<[Arc<str>]> =
                    self.current.iter().map(|&n| Arc::from(name(n))).collect();
                self.lists.insert(self.current.clone(), list.clone());
                list
            }
        };
        match &mut self.last {
            Some((ids, last)) => {
                ids.clone_from(&self.current);
                *last = list.clone();
            }
            None => self.last = Some((self.current.clone(), list.clone())),
        }
        list
    }
}

/// The assessment of `inst`: `evidence` is its earliest submission with that submission's
/// document number (shared with the facts), `verdict` the status the rules gave and whether it
/// is due soon.
pub(crate) fn assess(
    shared: &mut Shared,
    inst: &Instance,
    obligation: &Obligation,
    evidence: Option<(&Submission, Option<Arc<str>>)>,
    verdict: (Option<Status>, bool),
    rules: Arc<[Arc<str>]>,
    as_of: NaiveDate,
) -> Assessment {
    let (status, due_soon) = verdict;
    let (evidence, document_number) = match evidence {
        Some((e, number)) => (Some(e), number),
        None => (None, None),
    };
    let classified = status.is_some();
    let status = status.unwrap_or(Status::Unknown);
    let last = inst.due.as_ref().map(|d| d.last_day);
    let days_late = match (status, last, evidence) {
        (Status::DoneLate, Some(l), Some(e)) => Some((e.received - l).num_days()),
        (Status::Overdue, Some(l), _) => Some((as_of - l).num_days()),
        _ => None,
    };
    let days_remaining = match (status, last) {
        (Status::InProgress, Some(l)) => Some((l - as_of).num_days()),
        _ => None,
    };
    let why = match status {
        Status::Unknown if !classified => Some(Why::Unclassified),
        Status::Unknown if inst.schedule == "unparsed" => Some(Why::Unparsed(
            inst.phrase.as_deref().unwrap_or("").to_string(),
        )),
        Status::Unknown if inst.party.group.is_some() => Some(Why::Group(inst.party.name.clone())),
        Status::Unknown if inst.due.is_none() => Some(Why::NoDue),
        Status::Ongoing => Some(Why::Ongoing(inst.period.clone())),
        _ => None,
    };
    let days = match (days_late, days_remaining) {
        (Some(n), _) => Some(Days::Late(n)),
        (_, Some(n)) => Some(Days::Left(n)),
        _ => None,
    };
    let texts = shared.obligation(inst.obligation, obligation);
    let parts = Arc::new(Parts {
        status,
        due_soon,
        note: inst.note.clone(),
        why,
        due: inst.due.clone(),
        received: evidence.map(|e| (e.received, document_number.clone())),
        days,
        rules: rules.clone(),
        source: texts.quote(inst.phrase.as_deref()),
    });
    Assessment {
        obligation: texts.id.clone().into(),
        title: texts.title.clone(),
        agency: inst.party.name.clone(),
        period: inst.period.clone(),
        stage: inst.stage.as_deref().map(Arc::from),
        status,
        due_soon,
        due: inst.due.clone(),
        received: evidence.map(|e| e.received),
        document_number,
        days_late,
        days_remaining,
        rules,
        explanation_vi: Explanation::of(Lang::Vi, parts.clone()),
        explanation_en: Explanation::of(Lang::En, parts),
        source: texts.source.clone(),
    }
}

impl Parts {
    /// The explanation in `lang`: clauses joined by "; ", closed with ".".
    pub fn render(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        let pick = |v: &'static str, e: &'static str| if vi { v } else { e };
        let mut s = Sentence::new(self.status.label(lang));
        if self.due_soon {
            s.part(pick("sắp đến hạn", "due soon"));
        }
        if let Some(note) = self.note.as_deref() {
            s.part(if vi { &note.0 } else { &note.1 });
        }
        match &self.why {
            Some(Why::Unclassified) => s.part(pick(
                "không quy tắc nào phân loại được",
                "no rule classified this instance",
            )),
            Some(Why::Unparsed(t)) => {
                s.part(pick(
                    "không hiểu được thời hạn “",
                    "timeline not understood “",
                ));
                s.more(t);
                s.more(pick("”: cần người xem xét", "”: needs a person"));
            }
            Some(Why::Group(g)) => {
                s.part(pick("nhóm “", "group “"));
                s.more(g);
                s.more(pick(
                    "” chưa được liệt kê thành cơ quan cụ thể: cần danh mục cơ quan (registry)",
                    "” not expanded into agencies: supply an agency registry",
                ));
            }
            Some(Why::NoDue) => s.part(pick(
                "kế hoạch không nêu hạn",
                "the plan states no due date",
            )),
            Some(Why::Ongoing(p)) => {
                if vi {
                    s.part(&p.label_vi());
                    s.more("; đánh giá qua báo cáo định kỳ");
                } else {
                    s.part(&p.label_en());
                    s.more("; assessed through the periodic report");
                }
            }
            None => {}
        }
        if let Some(d) = &self.due {
            s.part(pick("hạn: ", "due: "));
            s.more(if vi {
                &d.derivation_vi
            } else {
                &d.derivation_en
            });
        }
        if let Some((received, number)) = &self.received {
            s.part(pick("nhận ngày ", "received "));
            s.date(*received);
            if let Some(n) = number {
                s.more(pick(", số ", ", no. "));
                s.more(n);
            }
        }
        match self.days {
            Some(Days::Late(n)) => {
                s.part(pick("trễ ", ""));
                s.int(n);
                s.more(pick(" ngày", " day(s) late"));
            }
            Some(Days::Left(n)) => {
                s.part(pick("còn ", ""));
                s.int(n);
                s.more(pick(" ngày", " day(s) left"));
            }
            None => {}
        }
        if !self.rules.is_empty() {
            s.part(pick("quy tắc: ", "rules: "));
            for (k, r) in self.rules.iter().enumerate() {
                if k > 0 {
                    s.more(", ");
                }
                s.more(r);
            }
        }
        if let Some(q) = &self.source {
            s.part(pick("kế hoạch, ", "plan, "));
            if q.line_start == q.line_end {
                s.more(pick("dòng ", "line "));
                s.int(i64::from(q.line_start));
            } else {
                s.more(pick("dòng ", "lines "));
                s.int(i64::from(q.line_start));
                s.more("–");
                s.int(i64::from(q.line_end));
            }
            s.more(": “");
            s.more(&q.text);
            s.more("”");
        }
        s.finish()
    }
}

/// Clauses joined by "; " and closed with ".".
struct Sentence(String);

impl Sentence {
    fn new(first: &str) -> Self {
        let mut s = String::with_capacity(256);
        s.push_str(first);
        Sentence(s)
    }
    /// A new clause.
    fn part(&mut self, text: &str) {
        self.0.push_str("; ");
        self.0.push_str(text);
    }
    /// More of the current clause.
    fn more(&mut self, text: &str) {
        self.0.push_str(text);
    }
    /// A number, as `{n}` writes it.
    fn int(&mut self, n: i64) {
        text::push_int(&mut self.0, n);
    }
    /// A date, as [`crate::model::format_vi`] writes it.
    fn date(&mut self, d: NaiveDate) {
        text::push_date_vi(&mut self.0, d);
    }
    fn finish(mut self) -> String {
        self.0.push('.');
        self.0
    }
}

/// The sentence of the source that holds the timing phrase, else the first line; trimmed of
/// Markdown emphasis and shortened to a readable length.
fn quote(src: &SourceSpan, phrase: Option<&str>) -> String {
    let clean = |s: &str| s.replace("**", "").replace('*', "").trim().to_string();
    let text = clean(&src.text);
    let sentence = phrase
        .map(clean)
        .filter(|p| !p.is_empty())
        .and_then(|p| {
            text.split(['\n', ';'])
                .flat_map(|line| line.split(". "))
                .find(|s| s.contains(p.as_str()))
                .map(str::to_string)
        })
        .unwrap_or_else(|| text.lines().next().unwrap_or("").to_string());
    shorten(sentence.trim(), 240)
}

fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max_chars).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::unstable::synth::{province, Shape};

    #[test]
    fn a_workers_texts_share_the_ids_and_titles_the_matcher_made() {
        // Made again per worker, they were two more texts per row of a one-obligation plan.
        let req = province(1, Shape::default());
        let o = &req.plan.obligations[0];
        let made: (Arc<str>, Arc<str>) = (o.id.as_str().into(), o.title.as_str().into());
        let mut shared = Shared::with_names(&Arc::from([None, Some(made.clone())]));
        let t = shared.obligation(1, o);
        assert!(Arc::ptr_eq(&t.id, &made.0) && Arc::ptr_eq(&t.title, &made.1));
        // Where the matcher made none, the texts are made from the obligation.
        let t = shared.obligation(0, o);
        assert_eq!((&*t.id, &*t.title), (o.id.as_str(), o.title.as_str()));
        assert!(!Arc::ptr_eq(&t.id, &made.0));
    }
}
