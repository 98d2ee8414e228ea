//! Obligations × responsible parties × periods → instances with due dates.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate};
use smallvec::SmallVec;

use super::due::{derive, Origin};
use super::{EvalError, FastMap, FastSet};
use crate::calendar::Calendar;
use crate::model::format_vi;
use crate::model::{
    agencies_of, fine_key, fold_key, AgencyGroup, AgencyIndex, AgencyRef, AgencyRegistry, Bound,
    Deadline, DueDate, DueRule, Event, EventDeadline, Finding, Frequency, Named, Obligation,
    Period, Plan, Schedule, Stage, Trigger,
};
use crate::policy::Policies;

/// Who an instance is for: a concrete agency, or a group nobody could expand. The name and key
/// are shared: every instance of a party (its periods, its obligations' schedule parts) copies
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Party {
    pub name: Arc<str>,
    pub key: Arc<str>,
    pub group: Option<AgencyGroup>,
}

/// An obligation's parties: nearly always one (a plan with one obligation per row names one
/// agency per row), kept without a vector of their own; the list of references they come from
/// likewise ([`responsible`]).
pub(crate) type Parties = SmallVec<[Party; 1]>;

/// One obligation instance before rules run.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub obligation: usize,
    pub party: Party,
    pub period: Period,
    pub stage: Option<String>,
    pub schedule: &'static str,
    pub triggered: bool,
    pub due: Option<Arc<DueDate>>,
    pub next_stage_due: Option<NaiveDate>,
    /// The plan's phrase behind this instance's timing (to quote the right sentence).
    pub phrase: Option<String>,
    /// Why it is (not) triggered, or which event created it: (vi, en), written once for every
    /// instance it explains.
    pub note: Option<Arc<(String, String)>>,
    /// Submissions counted as evidence, earliest first: inline, as most instances have one or
    /// none (an allocation per matched instance otherwise).
    pub evidence: SmallVec<[usize; 1]>,
}

/// An agency's canonical name, its fold key, and whether the registry names it: shared, so one
/// remembered is handed to every party and claim that names the agency without a copy.
pub(crate) type Canonical = (Arc<str>, Arc<str>, bool);

/// Rule id of the engine's findings about how the plan's agency names were read against the
/// registry.
pub const REGISTRY_RULE: &str = "tuanthu.registry";

/// The registry's names and aliases by key, made once per registry and plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct RegistryIndex {
    /// Agency by key: a name's fold key, or for agencies whose names fold together, the key
    /// [`told_apart`] gives each.
    by_key: FastMap<String, usize>,
    /// Fold keys that several agencies' names share ("UBND xã Tân An", "UBND xã Tân Ân", in
    /// the registry or both named by the plan): each name's [`fine_key`] and the key its agency
    /// goes by. A name of such a fold key takes the key its diacritics pick, else one no agency
    /// has: read as unknown, never as one of them.
    shared: FastMap<String, Vec<(Option<String>, String)>>,
    /// Names the plan gives that the registry has only with other diacritics ("Sở Tư phap" for
    /// "Sở Tư pháp", or "UBND xã Tân Ân" where it has only "UBND xã Tân An"), each with the
    /// agency it is read as: read so, but said ([`RegistryIndex::renamed`]).
    renamed: Vec<(String, usize)>,
}

impl RegistryIndex {
    pub fn new(registry: Option<&AgencyRegistry>, plan: Option<&Plan>) -> Self {
        let mut index = RegistryIndex::default();
        if let Some(r) = registry {
            index.add_registry(&AgencyIndex::new(r));
        }
        if let Some(plan) = plan {
            index.tell_plan_apart(plan, registry);
        }
        index
    }

    /// The registry's fold keys; each agency whose name or alias shares a fold key with another
    /// agency's goes by its own key under that fold key.
    fn add_registry(&mut self, agencies: &AgencyIndex) {
        for (key, named) in agencies.entries() {
            match named {
                Named::One(i) => {
                    self.by_key.insert(key.clone(), *i);
                }
                Named::Shared(names) => {
                    let own = |i: usize| format!("{key}\u{1f}{i}");
                    for i in agencies_of(names) {
                        self.by_key.insert(own(i), i);
                    }
                    let told = names.iter().map(|(f, i)| (f.clone(), own(*i))).collect();
                    self.shared.insert(key.clone(), told);
                }
            }
        }
    }

    /// Names of the plan the registry does not know that fold together but whose diacritics
    /// differ each go by their own key. Distinct names are folded once: a plan of one obligation
    /// per row names the same few agencies on every row.
    /// Also notes the plan's names that the registry has only with other diacritics.
    fn tell_plan_apart(&mut self, plan: &Plan, registry: Option<&AgencyRegistry>) {
        // In the plan's order, each once: the notes about renamed names follow the plan.
        let mut seen: FastSet<&str> = FastSet::default();
        let mut names: Vec<&str> = Vec::new();
        for o in &plan.obligations {
            for a in super::matching::names(o) {
                if let AgencyRef::Agency { name, .. } = a {
                    if seen.insert(name) {
                        names.push(name);
                    }
                }
            }
        }
        let mut fines: FastMap<String, Vec<String>> = FastMap::default();
        for name in names {
            let key = fold_key(name);
            if let (Some(&i), Some(r)) = (self.by_key.get(&key), registry) {
                if spelled_otherwise(name, &key, &r.agencies[i]) {
                    self.renamed.push((name.to_string(), i));
                }
                continue;
            }
            if self.shared.contains_key(&key) {
                continue;
            }
            if let Some(fine) = fine_key(name) {
                let seen = fines.entry(key).or_default();
                if !seen.contains(&fine) {
                    seen.push(fine);
                }
            }
        }
        for (key, seen) in fines.into_iter().filter(|(_, f)| f.len() > 1) {
            let named = seen
                .into_iter()
                .map(|f| {
                    let own = format!("{key}\u{1f}{f}");
                    (Some(f), own)
                })
                .collect();
            self.shared.insert(key, named);
        }
    }
}

/// Whether `name` (of fold key `key`, written with diacritics) differs in its diacritics from
/// every name and alias of `agency` that folds as it does. A registry name written without
/// diacritics could be any spelling, so it differs from none.
fn spelled_otherwise(name: &str, key: &str, agency: &crate::model::RegisteredAgency) -> bool {
    let Some(fine) = fine_key(name) else {
        return false;
    };
    std::iter::once(&agency.name)
        .chain(&agency.aliases)
        .filter(|n| fold_key(n) == key)
        .all(|n| fine_key(n).is_some_and(|f| f != fine))
}

/// The key of the agency `name` means among those that share its fold key `key`: the one its
/// diacritics pick, else a key none of them has.
fn told_apart(key: String, name: &str, named: &[(Option<String>, String)]) -> String {
    crate::model::pick_by_diacritics(name, named).unwrap_or_else(|| format!("{key}{AMBIGUOUS}"))
}

/// The end of the key of a name that folds onto several agencies' names and whose diacritics
/// pick none of them (no agency's key ends so).
pub(crate) const AMBIGUOUS: &str = "\u{1f}?";

/// Registry lookups by folded name.
pub(crate) struct Registry<'a> {
    pub registry: Option<&'a AgencyRegistry>,
    /// The registry's names and aliases by key (borrowed when prepared once for many
    /// checks: [`super::PreparedForms`]).
    index: Cow<'a, RegistryIndex>,
    /// Names as written → their fold key: a plan with one obligation per row names the same few
    /// agencies on every row, and folding (Unicode normalisation) costs more than a lookup.
    /// Shared, so a hit copies no string.
    keys: RefCell<FastMap<String, Rc<str>>>,
    /// Names as written → [`Registry::canonical`], for the same reason.
    canonical: RefCell<FastMap<String, Canonical>>,
    /// Each group's parties, made once: a province's obligations name the same few groups, and
    /// making them per obligation was two texts per member.
    members: RefCell<FastMap<AgencyGroup, Rc<[Party]>>>,
}

impl<'a> Registry<'a> {
    pub fn new(registry: Option<&'a AgencyRegistry>, plan: Option<&Plan>) -> Self {
        Registry::with_index(registry, Cow::Owned(RegistryIndex::new(registry, plan)))
    }

    /// A registry whose names were folded before (by [`Registry::into_index`] of one made by
    /// [`Registry::new`] from the same registry).
    pub fn with_index(registry: Option<&'a AgencyRegistry>, index: Cow<'a, RegistryIndex>) -> Self {
        Registry {
            registry,
            index,
            keys: RefCell::default(),
            canonical: RefCell::default(),
            members: RefCell::default(),
        }
    }

    /// The folded names, to make the same registry again without folding them.
    pub fn into_index(self) -> RegistryIndex {
        self.index.into_owned()
    }

    /// [`fold_key`] of a name (told apart by its diacritics where several agencies' names
    /// share it), remembered for the evaluation.
    pub fn key(&self, name: &str) -> String {
        self.shared_key(name).to_string()
    }

    /// [`Registry::key`] without a copy: for callers that only compare or keep it.
    pub fn shared_key(&self, name: &str) -> Rc<str> {
        if let Some(k) = self.keys.borrow().get(name) {
            return k.clone();
        }
        let key = fold_key(name);
        let k: Rc<str> = match self.index.shared.get(&key) {
            Some(named) => told_apart(key, name, named).into(),
            None => key.into(),
        };
        self.keys.borrow_mut().insert(name.to_string(), k.clone());
        k
    }

    /// Canonical name and key of an agency named any way the registry knows.
    pub fn canonical(&self, name: &str) -> Canonical {
        if let Some(c) = self.canonical.borrow().get(name) {
            return c.clone();
        }
        let c = self.canonical_uncached(name);
        self.canonical
            .borrow_mut()
            .insert(name.to_string(), c.clone());
        c
    }

    fn canonical_uncached(&self, name: &str) -> Canonical {
        let key = self.key(name);
        match (self.registry, self.index.by_key.get(&key)) {
            (Some(r), Some(&i)) => {
                let n = &r.agencies[i].name;
                (n.as_str().into(), self.key(n).into(), true)
            }
            _ => (crate::model::normalize_text(name).into(), key.into(), false),
        }
    }

    /// A warning for each name of the plan read as a registry agency that the registry spells
    /// with other diacritics: the reading may merge two agencies ("UBND xã Tân Ân" into "UBND
    /// xã Tân An" when the registry lacks the first), so it is never silent.
    pub fn renamed_findings(&self, plan: &Plan) -> Vec<Finding> {
        let Some(r) = self.registry else {
            return Vec::new();
        };
        let renamed = self.index.renamed.iter();
        renamed
            .filter_map(|(name, i)| Some((name, &r.agencies.get(*i)?.name)))
            .map(|(name, registered)| {
                let ids: Vec<&str> = plan
                    .obligations
                    .iter()
                    .filter(|o| super::matching::names(o).any(|a| a.name() == name))
                    .map(|o| o.id.as_str())
                    .collect();
                let ids = ids.join(", ");
                Finding {
                    severity: crate::model::Severity::Warning,
                    agency: Some(name.as_str().into()),
                    ..Finding::error(
                        REGISTRY_RULE,
                        format!(
                            "Kế hoạch ghi “{name}” (nhiệm vụ {ids}); danh mục cơ quan chỉ có \
                             “{registered}”, viết khác dấu. Đã hiểu là “{registered}”; nếu là hai \
                             cơ quan khác nhau, hãy thêm “{name}” vào danh mục cơ quan"
                        ),
                        format!(
                            "The plan names “{name}” (obligations {ids}); the agency registry has \
                             only “{registered}”, with other diacritics. It is read as \
                             “{registered}”; if they are two agencies, add “{name}” to the registry"
                        ),
                    )
                }
            })
            .collect()
    }

    /// Groups an agency belongs to: the registry's word, else its name's shape.
    pub fn groups_of(&self, name: &str) -> Vec<AgencyGroup> {
        let key = self.key(name);
        match (self.registry, self.index.by_key.get(&key)) {
            (Some(r), Some(&i)) => r.agencies[i].effective_groups().into_owned(),
            _ => AgencyGroup::infer(name).into_iter().collect(),
        }
    }

    fn members(&self, group: AgencyGroup) -> Rc<[Party]> {
        if let Some(m) = self.members.borrow().get(&group) {
            return m.clone();
        }
        let made: Rc<[Party]> = match self.registry {
            Some(r) => r
                .agencies
                .iter()
                .filter(|a| a.effective_groups().contains(&group))
                .map(|a| Party {
                    name: a.name.as_str().into(),
                    key: self.key(&a.name).into(),
                    group: None,
                })
                .collect(),
            None => Rc::from([]),
        };
        self.members.borrow_mut().insert(group, made.clone());
        made
    }

    /// Concrete parties for a list of references, groups expanded, without repeats.
    pub fn resolve<'r>(&self, refs: impl IntoIterator<Item = &'r AgencyRef>) -> Parties {
        let mut out = Distinct::default();
        let mut push = |p: Party| out.push(p, |q| &q.key);
        for r in refs {
            match r {
                AgencyRef::Agency { name, .. } => {
                    let (name, key, _) = self.canonical(name);
                    push(Party {
                        name,
                        key,
                        group: None,
                    });
                }
                AgencyRef::Group { group, name, .. } => {
                    let members = self.members(*group);
                    if members.is_empty() {
                        push(Party {
                            name: name.as_str().into(),
                            key: self.key(name).into(),
                            group: Some(*group),
                        });
                    } else {
                        members.iter().cloned().for_each(&mut push);
                    }
                }
            }
        }
        out.kept
    }
}

/// Items kept in order, the first of each key: a scan while there are few (most lists name one
/// to a few parties), a set beyond (a province's list of communes names hundreds, and comparing
/// each with every one before it was quadratic).
struct Distinct<T> {
    kept: SmallVec<[T; 1]>,
    seen: FastSet<String>,
}

impl<T> Default for Distinct<T> {
    fn default() -> Self {
        Distinct {
            kept: SmallVec::new(),
            seen: FastSet::default(),
        }
    }
}

impl<T> Distinct<T> {
    /// Items kept before the set takes over from the scan.
    const SCAN_UP_TO: usize = 16;

    /// Keeps `item` unless one with the same key was kept.
    fn push(&mut self, item: T, key: impl Fn(&T) -> &str) {
        let k = key(&item);
        if self.kept.len() < Self::SCAN_UP_TO {
            if self.kept.iter().any(|q| key(q) == k) {
                return;
            }
        } else {
            if self.seen.is_empty() {
                self.seen
                    .extend(self.kept.iter().map(|q| key(q).to_string()));
            }
            if !self.seen.insert(k.to_string()) {
                return;
            }
        }
        self.kept.push(item);
    }
}

pub(crate) struct Context<'a> {
    pub as_of: NaiveDate,
    pub policies: &'a Policies,
    pub cal: &'a Calendar,
    pub events: &'a [Event],
    pub registry: &'a Registry<'a>,
    /// Due dates of plain deadlines by (stated date, bound is `before`): a function of those two
    /// under one evaluation's policies and calendar, and plans with one obligation per row repeat
    /// a few dates on thousands of rows.
    pub dues: RefCell<FastMap<(NaiveDate, bool), Arc<DueDate>>>,
}

/// Instances of one obligation, in party order then period order.
pub(crate) fn expand(
    index: usize,
    obligation: &Obligation,
    ctx: &Context<'_>,
    out: &mut Vec<Instance>,
) -> Result<(), EvalError> {
    let parties = ctx.registry.resolve(responsible(obligation, ctx.registry));
    match &obligation.schedule {
        // The common case of a plan with one obligation per row: its parties are used once, so
        // they move into the instances instead of being copied.
        Schedule::Once { deadline } => {
            once(index, deadline, parties, ctx, out);
            Ok(())
        }
        schedule => expand_schedule(index, obligation, schedule, &parties, ctx, out),
    }
}

/// Instances of a `once` schedule, one per party.
fn once(
    index: usize,
    deadline: &Deadline,
    parties: impl IntoIterator<Item = Party>,
    ctx: &Context<'_>,
    out: &mut Vec<Instance>,
) {
    let due = plain_due(deadline, ctx);
    for p in parties {
        let mut i = instance(index, p, Period::Once, "once");
        i.due = Some(due.clone());
        i.phrase.clone_from(&deadline.text);
        out.push(i);
    }
}

/// [`Obligation::responsible`] with the evaluation's remembered fold keys (folding a name is
/// Unicode normalisation; most obligations name one party and need no comparison at all).
fn responsible<'o>(o: &'o Obligation, registry: &Registry<'_>) -> SmallVec<[&'o AgencyRef; 2]> {
    let all = o.lead.iter().chain(&o.performers);
    if o.lead.len() + o.performers.len() <= 1 {
        return all.collect();
    }
    let mut out = Distinct::default();
    for a in all {
        out.push((a, registry.key(a.name())), |(_, k)| k.as_str());
    }
    out.kept.into_iter().map(|(a, _)| a).collect()
}

fn base(index: usize, party: &Party, period: Period, schedule: &'static str) -> Instance {
    instance(index, party.clone(), period, schedule)
}

fn instance(index: usize, party: Party, period: Period, schedule: &'static str) -> Instance {
    Instance {
        obligation: index,
        party,
        period,
        stage: None,
        schedule,
        triggered: true,
        due: None,
        next_stage_due: None,
        phrase: None,
        note: None,
        evidence: SmallVec::new(),
    }
}

/// Years from `from` through the as-of year (at least `from`), capped by `until`.
fn years(from: i32, until: Option<i32>, as_of: NaiveDate) -> std::ops::RangeInclusive<i32> {
    let last = as_of.year().max(from);
    from..=until.map_or(last, |u| u.min(last))
}

fn expand_schedule(
    index: usize,
    obligation: &Obligation,
    schedule: &Schedule,
    parties: &[Party],
    ctx: &Context<'_>,
    out: &mut Vec<Instance>,
) -> Result<(), EvalError> {
    match schedule {
        Schedule::Once { deadline } => once(index, deadline, parties.iter().cloned(), ctx, out),
        Schedule::Ongoing {
            from_year,
            until_year,
            precondition,
            text,
        } => {
            let (triggered, note) = match precondition {
                None => (true, None),
                Some(t) => precondition_met(obligation, t, ctx),
            };
            let note = note.map(Arc::new);
            for y in years(*from_year, *until_year, ctx.as_of) {
                for p in parties {
                    let mut i = base(index, p, Period::Year(y), "ongoing");
                    i.triggered = triggered;
                    i.note = note.clone();
                    i.phrase = precondition
                        .as_ref()
                        .and_then(|t| t.text.clone())
                        .or_else(|| text.clone());
                    out.push(i);
                }
            }
        }
        Schedule::Recurring {
            every,
            due,
            from_year,
            until_year,
        } => {
            for period in periods(*every, *from_year, *until_year, ctx.as_of) {
                let stated =
                    recurring_due(obligation, *every, due.as_ref(), &period, ctx)?.map(Arc::new);
                for p in parties {
                    let mut i = base(index, p, period.clone(), "recurring");
                    i.due = stated.clone();
                    i.phrase = due.as_ref().and_then(|d| d.text.clone());
                    out.push(i);
                }
            }
        }
        Schedule::EventTriggered {
            trigger,
            within_days,
        } => expand_event(index, obligation, trigger, *within_days, parties, ctx, out),
        Schedule::Staged { stages } => expand_stages(index, stages, ctx, out),
        Schedule::Combined { parts } => {
            for part in parts {
                expand_schedule(index, obligation, part, parties, ctx, out)?;
            }
        }
        Schedule::Unparsed { text } => {
            for p in parties {
                let mut i = base(index, p, Period::Once, "unparsed");
                i.phrase = Some(text.clone());
                out.push(i);
            }
        }
    }
    Ok(())
}

/// The due date of a deadline stated by the plan itself (no origin), shared by every deadline of
/// the evaluation with the same date and bound.
fn plain_due(deadline: &Deadline, ctx: &Context<'_>) -> Arc<DueDate> {
    let key = (deadline.date, deadline.bound == Bound::Before);
    if let Some(d) = ctx.dues.borrow().get(&key) {
        return d.clone();
    }
    let due = Arc::new(deadline_due(deadline, ctx, None));
    ctx.dues.borrow_mut().insert(key, due.clone());
    due
}

fn deadline_due(deadline: &Deadline, ctx: &Context<'_>, origin: Option<&Origin>) -> DueDate {
    derive(deadline.date, deadline.bound, ctx.policies, ctx.cal, origin)
}

fn periods(every: Frequency, from: i32, until: Option<i32>, as_of: NaiveDate) -> Vec<Period> {
    let mut out = Vec::new();
    for y in years(from, until, as_of) {
        let parts: Vec<Period> = match every {
            Frequency::Yearly => vec![Period::Year(y)],
            Frequency::HalfYearly => (1..=2).map(|h| Period::Half(y, h)).collect(),
            Frequency::Quarterly => (1..=4).map(|q| Period::Quarter(y, q)).collect(),
            Frequency::Monthly => (1..=12).map(|m| Period::Month(y, m)).collect(),
        };
        for p in parts {
            // A period counts once it has begun; the first period always exists.
            let started = p.bounds().is_some_and(|(start, _)| start <= as_of);
            if started || out.is_empty() {
                out.push(p);
            }
        }
    }
    out
}

fn recurring_due(
    obligation: &Obligation,
    every: Frequency,
    rule: Option<&DueRule>,
    period: &Period,
    ctx: &Context<'_>,
) -> Result<Option<DueDate>, EvalError> {
    let Some((start, _)) = period.bounds() else {
        return Ok(None);
    };
    let Some(rule) = rule else {
        if every != Frequency::Yearly {
            return Ok(None);
        }
        let Some(dm) = ctx.policies.default_yearly_due else {
            return Ok(None);
        };
        let stated = clamp_date(start.year(), dm.month, dm.day);
        let origin = Origin {
            vi: format!("kế hoạch không nêu ngày; chính sách default_yearly_due {dm}"),
            en: format!("the plan states no day; policy default_yearly_due {dm}"),
        };
        return Ok(stated.map(|s| derive(s, Bound::Before, ctx.policies, ctx.cal, Some(&origin))));
    };
    let bad = |message: String| EvalError::Plan {
        obligation: obligation.id.to_string(),
        message,
    };
    let month_start = match every {
        Frequency::Yearly => {
            let m = rule
                .month
                .ok_or_else(|| bad("a yearly due rule needs `month`".into()))?;
            if !(1..=12).contains(&m) {
                return Err(bad(format!("due month {m} is not 1–12")));
            }
            NaiveDate::from_ymd_opt(start.year(), m, 1)
        }
        other => {
            let len = match other {
                Frequency::HalfYearly => 6,
                Frequency::Quarterly => 3,
                _ => 1,
            };
            let m = rule.month.unwrap_or(len);
            if !(1..=len).contains(&m) {
                return Err(bad(format!(
                    "due month {m} must count 1–{len} within the period"
                )));
            }
            start.checked_add_months(Months::new(m - 1))
        }
    }
    .and_then(|d| d.checked_add_months(Months::new(rule.month_offset)));
    if !(1..=31).contains(&rule.day) {
        return Err(bad(format!("due day {} is not 1–31", rule.day)));
    }
    let stated = month_start.and_then(|m| clamp_date(m.year(), m.month(), rule.day));
    Ok(stated.map(|s| derive(s, rule.bound, ctx.policies, ctx.cal, None)))
}

/// The day in that month, or its last day (29/02 in a common year → 28/02).
fn clamp_date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    (1..=d)
        .rev()
        .find_map(|day| NaiveDate::from_ymd_opt(y, m, day))
}

fn event_applies(e: &Event, obligation: &Obligation, trigger: &Trigger, as_of: NaiveDate) -> bool {
    e.kind == trigger.event
        && e.date <= as_of
        && (e.obligations.is_empty() || e.obligations.contains(&obligation.id))
}

fn precondition_met(
    obligation: &Obligation,
    t: &Trigger,
    ctx: &Context<'_>,
) -> (bool, Option<(String, String)>) {
    match ctx
        .events
        .iter()
        .find(|e| event_applies(e, obligation, t, ctx.as_of))
    {
        Some(e) => (
            true,
            Some((
                format!(
                    "điều kiện đã có: sự kiện {} ngày {}",
                    e.id,
                    format_vi(e.date)
                ),
                format!("precondition met: event {} on {}", e.id, format_vi(e.date)),
            )),
        ),
        None => (
            false,
            Some((
                format!(
                    "chờ sự kiện “{}”",
                    t.text.as_deref().unwrap_or(t.event.as_str())
                ),
                format!(
                    "awaiting event “{}”",
                    t.text.as_deref().unwrap_or(t.event.as_str())
                ),
            )),
        ),
    }
}

fn expand_event(
    index: usize,
    obligation: &Obligation,
    trigger: &Trigger,
    within_days: Option<u32>,
    parties: &[Party],
    ctx: &Context<'_>,
    out: &mut Vec<Instance>,
) {
    let phrase = trigger.text.clone();
    let mut any = false;
    for e in ctx
        .events
        .iter()
        .filter(|e| event_applies(e, obligation, trigger, ctx.as_of))
    {
        any = true;
        let addressed: Vec<Arc<str>> = e
            .agencies
            .iter()
            .map(|a| ctx.registry.canonical(a).1)
            .collect();
        let due = event_due(e, within_days, ctx).map(Arc::new);
        let note = Arc::new((
            format!("phát sinh từ sự kiện {} ngày {}", e.id, format_vi(e.date)),
            format!("triggered by event {} on {}", e.id, format_vi(e.date)),
        ));
        for p in parties {
            if !addressed.is_empty() && !addressed.iter().any(|a| **a == *p.key) {
                continue;
            }
            let mut i = base(index, p, Period::Event(e.id.clone()), "event_triggered");
            i.due = due.clone();
            i.phrase = phrase.clone();
            i.note = Some(note.clone());
            out.push(i);
        }
    }
    if !any {
        let what = trigger.text.as_deref().unwrap_or(trigger.event.as_str());
        let note = Arc::new((format!("chờ: {what}"), format!("awaiting: {what}")));
        for p in parties {
            let mut i = base(index, p, Period::AwaitingEvent, "event_triggered");
            i.triggered = false;
            i.phrase = phrase.clone();
            i.note = Some(note.clone());
            out.push(i);
        }
    }
}

fn event_due(e: &Event, within_days: Option<u32>, ctx: &Context<'_>) -> Option<DueDate> {
    let origin = |vi: String, en: String| Origin { vi, en };
    let from = format_vi(e.date);
    let days =
        |n: u32| {
            e.date
                .checked_add_days(chrono::Days::new(u64::from(n)))
                .map(|d| {
                    let o = origin(
                format!("{n} ngày kể từ ngày {from} (không tính ngày bắt đầu, BLDS 2015 điều 147)"),
                format!("{n} days from {from} (the first day not counted, Civil Code art. 147)"),
            );
                    derive(d, Bound::NoLaterThan, ctx.policies, ctx.cal, Some(&o))
                })
        };
    match (&e.deadline, within_days) {
        (Some(EventDeadline::Before(d)), _) => {
            Some(derive(*d, Bound::Before, ctx.policies, ctx.cal, None))
        }
        (Some(EventDeadline::NoLaterThan(d)), _) => {
            Some(derive(*d, Bound::NoLaterThan, ctx.policies, ctx.cal, None))
        }
        (Some(EventDeadline::Days(n)), _) => days(*n),
        (Some(EventDeadline::WorkingDays(n)), _) => {
            let d = ctx.cal.add_working_days(e.date, i64::from(*n));
            let o = origin(
                format!("{n} ngày làm việc kể từ ngày {from}"),
                format!("{n} working days from {from}"),
            );
            Some(derive(
                d,
                Bound::NoLaterThan,
                ctx.policies,
                ctx.cal,
                Some(&o),
            ))
        }
        (None, Some(n)) => days(n),
        (None, None) => None,
    }
}

fn expand_stages(index: usize, stages: &[Stage], ctx: &Context<'_>, out: &mut Vec<Instance>) {
    let dues: Vec<Arc<DueDate>> = stages.iter().map(|s| plain_due(&s.deadline, ctx)).collect();
    let parties: Vec<Parties> = stages
        .iter()
        .map(|s| ctx.registry.resolve(&s.parties))
        .collect();
    for (k, stage) in stages.iter().enumerate() {
        // A stage feeds a later one when it sends its result to that stage's party.
        let next_due = stage.recipient.as_ref().and_then(|r| {
            let key = ctx.registry.canonical(r.name()).1;
            (k + 1..stages.len())
                .find(|&j| parties[j].iter().any(|p| *p.key == *key))
                .map(|j| dues[j].last_day)
        });
        for p in &parties[k] {
            let mut i = base(index, p, Period::Once, "staged");
            i.stage = Some(stage.id.clone());
            i.due = Some(dues[k].clone());
            i.next_stage_due = next_due;
            i.phrase = stage.deadline.text.clone();
            out.push(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Distinct, Registry};
    use crate::model::{AgencyGroup, AgencyRef, AgencyRegistry, RegisteredAgency};

    #[test]
    fn each_group_resolves_to_its_own_members_every_time() {
        let agency = |name: &str, group| RegisteredAgency {
            name: name.into(),
            aliases: Vec::new(),
            groups: Some(vec![group]),
        };
        let registry = AgencyRegistry {
            agencies: vec![
                agency("Sở Tư pháp", AgencyGroup::Departments),
                agency("UBND xã A", AgencyGroup::Communes),
                agency("UBND xã B", AgencyGroup::Communes),
            ],
        };
        let r = Registry::new(Some(&registry), None);
        let group = |group| AgencyRef::Group {
            group,
            name: format!("{group:?}"),
            text: None,
        };
        let names = |refs: &[AgencyRef]| -> Vec<String> {
            r.resolve(refs).iter().map(|p| p.name.to_string()).collect()
        };
        let (departments, communes) = (
            group(AgencyGroup::Departments),
            group(AgencyGroup::Communes),
        );
        // Asked in turn, and again once each group's members are remembered.
        for _ in 0..2 {
            assert_eq!(names(std::slice::from_ref(&departments)), ["Sở Tư pháp"]);
            assert_eq!(
                names(std::slice::from_ref(&communes)),
                ["UBND xã A", "UBND xã B"]
            );
        }
    }

    proptest::proptest! {
        /// The scan and the set keep what "the first of each key, in order" keeps, across the
        /// point where the set takes over.
        #[test]
        fn distinct_keeps_the_first_of_each_key(keys in proptest::collection::vec(0u8..40, 0..80)) {
            let mut d = Distinct::default();
            for (n, k) in keys.iter().enumerate() {
                d.push((n, k.to_string()), |(_, k)| k.as_str());
            }
            let mut want: Vec<(usize, String)> = Vec::new();
            for (n, k) in keys.iter().enumerate() {
                if !want.iter().any(|(_, w)| *w == k.to_string()) {
                    want.push((n, k.to_string()));
                }
            }
            proptest::prop_assert_eq!(d.kept.into_vec(), want);
        }
    }
}
