//! Evidence → instances. Every submission ends up either counted for one instance or explained
//! by a finding; none is dropped.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::Arc;

use chrono::NaiveDate;

use super::expand::{Canonical, Instance, Party, Registry};
use super::{FastMap, FastSet};
use crate::model::{AgencyGroup, AgencyRef, Obligation, Period, Plan, Schedule, Submission};
use crate::policy::Policies;
use crate::rules::views::SubmissionFacts;

/// A submission as the matcher sees it (batch evidence or a form being typed).
pub(crate) struct Claim<'a> {
    pub agency: &'a str,
    pub obligation: &'a str,
    pub stage: Option<&'a str>,
    /// `Err(text)` when the period was given but is not a period string.
    pub period: Option<Result<Period, String>>,
    pub received: Option<NaiveDate>,
    /// The received date as typed (a form); `None`: as the matcher writes `received`.
    pub received_text: Option<&'a str>,
    pub document_number: Option<&'a str>,
    pub is_form: bool,
}

/// Instances by (obligation, agency key): matching is a lookup, not a scan.
#[derive(Default)]
pub(crate) struct InstanceIndex {
    /// Agency keys → small numbers, so a lookup borrows the key instead of allocating one.
    keys: FastMap<String, usize>,
    map: HashMap<(usize, usize), Slot, BuildHasherDefault<NumberHasher>>,
}

/// Hashes the numbers [`InstanceIndex`] gives obligations and agencies (positions it assigns in
/// order, never values an input chooses, so no input can steer them into collisions): a
/// multiply-and-rotate costs a fraction of SipHash on every instance and every claim.
#[derive(Default, Clone, Copy)]
pub(crate) struct NumberHasher(u64);

impl Hasher for NumberHasher {
    fn finish(&self) -> u64 {
        // The product's high bits are its best mixed; hash tables index by the low ones.
        self.0.rotate_left(26)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// The instances of one (obligation, agency): nearly always one, kept without a vector of its
/// own (a plan with one obligation per row has one slot per instance).
enum Slot {
    One(usize),
    Many(Vec<usize>),
}

impl Slot {
    fn push(&mut self, n: usize) {
        match self {
            Slot::One(first) => *self = Slot::Many(vec![*first, n]),
            Slot::Many(all) => all.push(n),
        }
    }

    fn as_slice(&self) -> &[usize] {
        match self {
            Slot::One(n) => std::slice::from_ref(n),
            Slot::Many(all) => all,
        }
    }
}

impl InstanceIndex {
    pub fn new(instances: &[Instance]) -> Self {
        let mut index = InstanceIndex::default();
        // Sized once: most plans have one (obligation, agency) key per instance or close to it.
        index.map.reserve(instances.len());
        for n in 0..instances.len() {
            index.add(instances, n);
        }
        index
    }

    fn add(&mut self, instances: &[Instance], n: usize) {
        let i = &instances[n];
        let fresh = self.keys.len();
        let key = match self.keys.get(&*i.party.key) {
            Some(&k) => k,
            None => *self
                .keys
                .entry(String::from(&*i.party.key))
                .or_insert(fresh),
        };
        match self.map.entry((i.obligation, key)) {
            std::collections::hash_map::Entry::Occupied(mut slot) => slot.get_mut().push(n),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(Slot::One(n));
            }
        }
    }

    /// Forgets the instances from `from` on (added by claims since), as if they had never been
    /// added: what a prepared form check does before the next form.
    pub fn forget_from(&mut self, instances: &[Instance], from: usize) {
        for i in instances.iter().skip(from) {
            let Some(&k) = self.keys.get(&*i.party.key) else {
                continue;
            };
            let key = (i.obligation, k);
            let empty = match self.map.get_mut(&key) {
                Some(Slot::One(n)) => *n >= from,
                Some(Slot::Many(all)) => {
                    all.retain(|&n| n < from);
                    all.is_empty()
                }
                None => false,
            };
            if empty {
                self.map.remove(&key);
            }
        }
    }

    fn get(&self, obligation: usize, key: &str) -> &[usize] {
        self.keys
            .get(key)
            .and_then(|&k| self.map.get(&(obligation, k)))
            .map_or(&[], Slot::as_slice)
    }
}

/// Result of matching one claim.
pub(crate) struct Matched {
    pub facts: SubmissionFacts,
    /// The instance this evidence is for, if any (counted or not).
    pub instance: Option<usize>,
    /// Counted as evidence (received on or before the as-of date).
    pub counts: bool,
}

pub(crate) struct Matcher<'a> {
    plan: &'a Plan,
    registry: &'a Registry<'a>,
    as_of: NaiveDate,
    policies: &'a Policies,
    /// Fold keys of every agency the plan or the registry names ([`Matcher::known`]).
    known: OnceCell<FastSet<Rc<str>>>,
    by_obligation: FastMap<&'a str, usize>,
    /// Agency names as written → (canonical name, key, in registry): the same few hundred names
    /// recur across thousands of submissions.
    /// Shared, so a hit copies no strings.
    canonical: RefCell<FastMap<String, Rc<Canonical>>>,
    /// Texts the facts of many submissions share, made once per evaluation.
    texts: RefCell<ClaimTexts>,
}

/// An obligation's id and title as shared text, once made (by plan position).
pub(crate) type ObligationNames = Option<(Arc<str>, Arc<str>)>;

/// What [`Matcher::claim`] writes into many submissions' facts alike: an obligation's id and
/// title (by plan position), a period's and a received date's text.
#[derive(Default)]
struct ClaimTexts {
    obligations: Vec<ObligationNames>,
    periods: FastMap<Period, Arc<str>>,
    dates: FastMap<NaiveDate, Arc<str>>,
}

impl ClaimTexts {
    /// Texts for a plan of `obligations` obligations: their slots made once (grown one by one,
    /// a plan of thousands of rows reallocated the vector a dozen times).
    fn sized(obligations: usize) -> Self {
        ClaimTexts {
            obligations: vec![None; obligations],
            ..ClaimTexts::default()
        }
    }

    /// The id and title of obligation `o`, at plan position `n`.
    fn obligation(&mut self, n: usize, o: &Obligation) -> (Arc<str>, Arc<str>) {
        if self.obligations.len() <= n {
            self.obligations.resize_with(n + 1, || None);
        }
        self.obligations[n]
            .get_or_insert_with(|| (o.id.as_str().into(), o.title.as_str().into()))
            .clone()
    }

    /// A period as its `Display` writes it.
    fn period(&mut self, p: &Period) -> Arc<str> {
        if let Some(t) = self.periods.get(p) {
            return t.clone();
        }
        let t: Arc<str> = crate::rules::text::period_text(p).into();
        self.periods.insert(p.clone(), t.clone());
        t
    }

    /// A received date as `dd/mm/yyyy`.
    fn date(&mut self, d: NaiveDate) -> Arc<str> {
        self.dates
            .entry(d)
            .or_insert_with(|| crate::rules::text::date_vi(d).into())
            .clone()
    }
}

pub(crate) fn names(o: &Obligation) -> impl Iterator<Item = &AgencyRef> {
    let staged: Vec<&AgencyRef> = stage_parties(&o.schedule);
    o.lead
        .iter()
        .chain(&o.performers)
        .chain(&o.coordinating)
        .chain(staged)
        .chain(o.reporting.iter().flat_map(|r| {
            std::iter::once(&r.recipient)
                .chain(&r.via)
                .chain(&r.also_to)
        }))
}

fn stage_parties(s: &Schedule) -> Vec<&AgencyRef> {
    match s {
        Schedule::Staged { stages } => stages.iter().flat_map(|st| st.parties.iter()).collect(),
        Schedule::Combined { parts } => parts.iter().flat_map(stage_parties).collect(),
        _ => Vec::new(),
    }
}

/// Whether the schedule has a stage `id`: looked up in place, not a list of ids per claim.
fn has_stage(s: &Schedule, id: &str) -> bool {
    match s {
        Schedule::Staged { stages } => stages.iter().any(|st| st.id.as_str() == id),
        Schedule::Combined { parts } => parts.iter().any(|p| has_stage(p, id)),
        _ => false,
    }
}

impl<'a> Matcher<'a> {
    pub fn new(
        plan: &'a Plan,
        registry: &'a Registry<'a>,
        as_of: NaiveDate,
        policies: &'a Policies,
    ) -> Self {
        let by_obligation = plan
            .obligations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect();
        Matcher {
            plan,
            registry,
            as_of,
            policies,
            known: OnceCell::new(),
            by_obligation,
            canonical: RefCell::new(FastMap::default()),
            texts: RefCell::new(ClaimTexts::sized(plan.obligations.len())),
        }
    }

    /// The obligations' ids and titles the claims made (by plan position): the judgement's
    /// facts and assessments share them rather than make each again (twice per row on a plan
    /// of one obligation per row).
    pub fn into_obligation_names(self) -> Vec<ObligationNames> {
        self.texts.into_inner().obligations
    }

    /// Whether the plan or the registry names the agency of fold key `key`. Made on first use:
    /// an agency the registry names never needs it, and a prepared form check
    /// ([`super::PreparedForms`]) makes a matcher per form.
    fn known(&self, key: &str) -> bool {
        self.known
            .get_or_init(|| {
                // Shared keys: a plan with one obligation per row names the same few agencies
                // on every row, and a copy of the key per name was most of this set's cost.
                let mut known: FastSet<Rc<str>> = self
                    .plan
                    .obligations
                    .iter()
                    .flat_map(names)
                    .map(|a| self.registry.shared_key(a.name()))
                    .collect();
                if let Some(r) = self.registry.registry {
                    for a in &r.agencies {
                        known.insert(self.registry.shared_key(&a.name));
                    }
                }
                known
            })
            .contains(key)
    }

    fn reading(&self) -> crate::rules::views::Word {
        self.policies.deadline_reading.as_str().into()
    }

    fn day_off(&self) -> crate::rules::views::Word {
        self.policies.day_off.as_str().into()
    }

    /// Matches a claim; may add member instances for an agency of an unexpanded group.
    pub fn claim(
        &self,
        c: &Claim<'_>,
        instances: &mut Vec<Instance>,
        index: &mut InstanceIndex,
    ) -> Matched {
        let cached = self.canonical.borrow().get(c.agency).cloned();
        let canonical = cached.unwrap_or_else(|| {
            let found = Rc::new(self.registry.canonical(c.agency));
            self.canonical
                .borrow_mut()
                .insert(c.agency.to_string(), found.clone());
            found
        });
        let (agency, key, in_registry) = (&*canonical.0, &*canonical.1, canonical.2);
        let mut texts = self.texts.borrow_mut();
        let received_text = match (c.received_text, c.received) {
            (Some(t), _) => t.into(),
            (None, Some(d)) => texts.date(d),
            (None, None) => Arc::from(""),
        };
        let found = self.by_obligation.get(c.obligation.trim()).copied();
        let (obligation_id, obligation_title) = match found {
            Some(oi) => texts.obligation(oi, &self.plan.obligations[oi]),
            None => (c.obligation.trim().into(), Arc::from("")),
        };
        let mut facts = SubmissionFacts {
            is_form: c.is_form,
            agency: canonical.0.clone(),
            agency_known: in_registry || self.known(key),
            agency_ambiguous: key.ends_with(super::expand::AMBIGUOUS),
            responsible: false,
            coordinating: false,
            obligation: obligation_id,
            obligation_exists: false,
            // The title of an obligation the plan has, else "" (one text made per claim less).
            obligation_title,
            stage: c.stage.map(str::to_string),
            stage_ok: true,
            period: match &c.period {
                Some(Ok(p)) => Some(texts.period(p)),
                Some(Err(text)) => Some(text.as_str().into()),
                None => None,
            },
            period_ok: !matches!(c.period, Some(Err(_))),
            period_inferred: false,
            received_text,
            received: c.received,
            document_number: c.document_number.map(Arc::from),
            as_of: self.as_of,
            due: None,
            duplicate: false,
            deadline_reading: self.reading(),
            day_off: self.day_off(),
        };
        let unmatched = |facts: SubmissionFacts| Matched {
            facts,
            instance: None,
            counts: false,
        };
        let Some(oi) = found else {
            return unmatched(facts);
        };
        let obligation = &self.plan.obligations[oi];
        facts.obligation_exists = true;

        // Stage: must exist when given; inferred when the agency acts in exactly one stage.
        let mut stage = c.stage.map(str::to_string);
        if let Some(s) = &stage {
            if !has_stage(&obligation.schedule, s) {
                // The stage is wrong, not necessarily the agency: say whether it is responsible
                // in any stage, without adopting it into a group for evidence that will not count.
                facts.stage_ok = false;
                let groups = self.registry.groups_of(agency);
                facts.responsible = !index.get(oi, key).is_empty()
                    || group_instances(oi, &groups, instances).next().is_some();
                facts.coordinating = !facts.responsible && self.coordinates(oi, agency, key);
                return unmatched(facts);
            }
        }

        // Borrowed from the index when no stage filters them (the common case): no vector per claim.
        let direct = index.get(oi, key);
        let candidates: Cow<'_, [usize]> = if stage.is_none() && !direct.is_empty() {
            Cow::Borrowed(direct)
        } else {
            let staged: Vec<usize> = direct
                .iter()
                .copied()
                .filter(|&n| stage.is_none() || instances[n].stage == stage)
                .collect();
            if staged.is_empty() {
                let adopted = self.adopt_into_group(oi, agency, key, stage.as_deref(), instances);
                for &n in &adopted {
                    index.add(instances, n);
                }
                Cow::Owned(adopted)
            } else {
                Cow::Owned(staged)
            }
        };
        if candidates.is_empty() {
            facts.coordinating = self.coordinates(oi, agency, key);
            return unmatched(facts);
        }
        facts.responsible = true;
        if stage.is_none() {
            // One stage among the candidates (none, or the same one): it is the claim's.
            let mut stages = candidates.iter().map(|&n| &instances[n].stage);
            if let Some(first) = stages.next() {
                if stages.all(|s| s == first) {
                    stage.clone_from(first);
                    facts.stage = stage.clone();
                }
            }
        }

        let chosen = match &c.period {
            Some(Err(_)) => None,
            Some(Ok(p)) => candidates
                .iter()
                .copied()
                .find(|&n| &instances[n].period == p),
            None => {
                let pick = infer_period(&candidates, instances, c.received);
                if let Some(n) = pick {
                    facts.period = Some(texts.period(&instances[n].period));
                    facts.period_inferred = candidates.len() > 1;
                }
                pick
            }
        };
        let Some(n) = chosen else {
            facts.period_ok = false;
            return unmatched(facts);
        };
        facts.due = instances[n].due.as_ref().map(|d| d.last_day);
        let counts = c.received.is_some_and(|r| r <= self.as_of);
        Matched {
            facts,
            instance: Some(n),
            counts,
        }
    }

    /// Whether the agency (by name and fold key) is among the obligation's coordinating agencies
    /// or belongs to a coordinating group.
    fn coordinates(&self, oi: usize, agency: &str, key: &str) -> bool {
        let groups = self.registry.groups_of(agency);
        self.registry
            .resolve(&self.plan.obligations[oi].coordinating)
            .iter()
            .any(|p| &*p.key == key || p.group.is_some_and(|g| groups.contains(&g)))
    }

    /// For an agency that belongs to a responsible group nobody expanded (no registry), make
    /// its own instances, copies of the group's.
    fn adopt_into_group(
        &self,
        oi: usize,
        agency: &str,
        key: &str,
        stage: Option<&str>,
        instances: &mut Vec<Instance>,
    ) -> Vec<usize> {
        let groups = self.registry.groups_of(agency);
        if groups.is_empty() {
            return Vec::new();
        }
        let templates: Vec<Instance> = group_instances(oi, &groups, instances)
            .filter(|i| stage.is_none() || i.stage.as_deref() == stage)
            .cloned()
            .collect();
        let mut added = Vec::new();
        for mut t in templates {
            if added
                .iter()
                .any(|&n: &usize| instances[n].period == t.period && instances[n].stage == t.stage)
            {
                continue;
            }
            t.party = Party {
                name: agency.into(),
                key: key.into(),
                group: None,
            };
            t.evidence.clear();
            instances.push(t);
            added.push(instances.len() - 1);
        }
        added
    }
}

/// The instances of obligation `oi` made for one of `groups` (a group agency's own instances are
/// copies of these).
fn group_instances<'i>(
    oi: usize,
    groups: &'i [AgencyGroup],
    instances: &'i [Instance],
) -> impl Iterator<Item = &'i Instance> + 'i {
    instances
        .iter()
        .filter(move |i| i.obligation == oi && i.party.group.is_some_and(|g| groups.contains(&g)))
}

/// Without a stated period: the earliest period that has begun by the received date and has no
/// evidence yet; else the latest that has begun; else the first.
fn infer_period(
    candidates: &[usize],
    instances: &[Instance],
    received: Option<NaiveDate>,
) -> Option<usize> {
    let began = |n: usize| match (&instances[n].period, received) {
        (p, Some(r)) => p.bounds().is_none_or(|(start, _)| start <= r),
        (_, None) => true,
    };
    candidates
        .iter()
        .copied()
        .find(|&n| began(n) && instances[n].evidence.is_empty())
        .or_else(|| candidates.iter().copied().rev().find(|&n| began(n)))
        .or_else(|| candidates.first().copied())
}

/// Submissions matched to a plan's instances: the instances with their evidence (earliest
/// first), each submission's facts (repeats marked), and the index further claims look up. An
/// evaluation session keeps it to match appended submissions only ([`super::session`]).
pub(crate) struct Matching {
    pub instances: Vec<Instance>,
    pub facts: Vec<Arc<SubmissionFacts>>,
    index: InstanceIndex,
}

impl std::fmt::Debug for Matching {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matching")
            .field("instances", &self.instances.len())
            .field("submissions", &self.facts.len())
            .finish_non_exhaustive()
    }
}

impl Matching {
    /// Nothing matched yet to the plan's `instances` as expanded.
    pub fn new(instances: Vec<Instance>) -> Self {
        let index = InstanceIndex::new(&instances);
        Matching {
            instances,
            facts: Vec::new(),
            index,
        }
    }

    /// Matches `submissions[self.facts.len()..]`, `self` holding the matching of the ones
    /// before (the same submissions, the same plan and context): claims are made in order and
    /// each reads only what the claims before it left (which instances exist, which have
    /// evidence), so this is the matching of all of them in one pass. Returns, per instance,
    /// whether it is new or gained evidence (nothing else of an instance changes): repeats are
    /// marked again on those only, as the earliest received evidence of no other changed.
    pub fn extend(&mut self, matcher: &Matcher<'_>, submissions: &[Submission]) -> Vec<bool> {
        let before = self.instances.len();
        let mut touched = vec![false; before];
        for (k, s) in submissions.iter().enumerate().skip(self.facts.len()) {
            let m = matcher.claim(
                &Claim {
                    agency: &s.agency,
                    obligation: s.obligation.as_str(),
                    stage: s.stage.as_deref(),
                    period: s.period.clone().map(Ok),
                    received: Some(s.received),
                    received_text: None,
                    document_number: s.document_number.as_deref(),
                    is_form: false,
                },
                &mut self.instances,
                &mut self.index,
            );
            if let (Some(n), true) = (m.instance, m.counts) {
                if let Some(inst) = self.instances.get_mut(n) {
                    inst.evidence.push(k);
                }
                if let Some(t) = touched.get_mut(n) {
                    *t = true;
                }
            }
            self.facts.push(Arc::new(m.facts));
        }
        touched.resize(self.instances.len(), true);
        // The earliest received evidence counts; later ones are marked as repeats. A mark that
        // changes gives the facts a new allocation (a session compares them by address first).
        for (inst, _) in self.instances.iter_mut().zip(&touched).filter(|(_, &t)| t) {
            inst.evidence
                .sort_by_key(|&k| (submissions.get(k).map(|s| s.received), k));
            for (j, &k) in inst.evidence.iter().enumerate() {
                let repeat = j > 0;
                if let Some(f) = self.facts.get_mut(k) {
                    if f.duplicate != repeat {
                        Arc::make_mut(f).duplicate = repeat;
                    }
                }
            }
        }
        touched
    }
}

#[cfg(test)]
mod tests {
    use super::super::Evaluator;
    use super::*;
    use crate::unstable::synth::{province, Shape};

    #[test]
    fn a_claims_stage_is_one_its_obligation_has() {
        let req = province(3, Shape::default());
        fn first_stage(s: &Schedule) -> Option<String> {
            match s {
                Schedule::Staged { stages } => stages.first().map(|s| s.id.as_str().to_string()),
                Schedule::Combined { parts } => parts.iter().find_map(first_stage),
                _ => None,
            }
        }
        let staged =
            (req.plan.obligations.iter()).find_map(|o| Some((o, first_stage(&o.schedule)?)));
        let (o, stage) = staged.expect("a staged obligation in the synthetic province");
        let sub = |stage: &str| Submission {
            obligation: o.id.clone(),
            stage: Some(stage.to_string()),
            ..req.submissions[0].clone()
        };
        let subs = [sub(&stage), sub("no such stage")];
        let evaluator = Evaluator::standard().unwrap();
        let e = evaluator.expand_plan(&req.plan, &req.context()).unwrap();
        let matcher = Matcher::new(&req.plan, &e.registry, req.as_of, &e.policies);
        let mut matching = Matching::new(e.instances);
        matching.extend(&matcher, &subs);
        assert!(matching.facts[0].stage_ok, "its first stage: {stage}");
        assert!(!matching.facts[1].stage_ok);
    }

    /// Submissions of one obligation received on one day share one copy of each text their
    /// facts repeat (the obligation's id and title, the period, the received date), and each
    /// text is the one written afresh.
    #[test]
    fn claims_share_the_texts_submissions_repeat() {
        let req = province(3, Shape::default());
        let evaluator = Evaluator::standard().unwrap();
        let e = evaluator.expand_plan(&req.plan, &req.context()).unwrap();
        let matcher = Matcher::new(&req.plan, &e.registry, req.as_of, &e.policies);
        let mut matching = Matching::new(e.instances);
        matching.extend(&matcher, &req.submissions);
        let subs = &req.submissions;
        let alike = |a: &Submission, b: &Submission| {
            (&a.obligation, a.received, &a.period) == (&b.obligation, b.received, &b.period)
        };
        let pair = (0..subs.len())
            .flat_map(|i| (i + 1..subs.len()).map(move |j| (i, j)))
            .find(|&(i, j)| alike(&subs[i], &subs[j]) && subs[i].period.is_some());
        let (i, j) = pair.expect("two submissions alike in the synthetic province");
        let (a, b) = (&matching.facts[i], &matching.facts[j]);
        assert!(Arc::ptr_eq(&a.obligation, &b.obligation));
        assert!(Arc::ptr_eq(&a.obligation_title, &b.obligation_title));
        assert!(Arc::ptr_eq(&a.received_text, &b.received_text));
        let period = |f: &SubmissionFacts| f.period.clone().unwrap_or_else(|| "".into());
        assert!(Arc::ptr_eq(&period(a), &period(b)));
        let o = req
            .plan
            .obligations
            .iter()
            .find(|o| o.id == subs[i].obligation)
            .unwrap();
        assert_eq!(&*a.obligation, o.id.as_str());
        assert_eq!(&*a.obligation_title, o.title.as_str());
        assert_eq!(
            &*a.received_text,
            crate::rules::text::date_vi(subs[i].received)
        );
        let written = subs[i].period.as_ref().map(ToString::to_string);
        assert_eq!(a.period.as_deref(), written.as_deref());
    }
}
