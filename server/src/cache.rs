//! Parsed plan revisions, kept in memory: a revision is never changed once stored (each upload is
//! a new one), so a revision read once can serve every later request without reading and parsing
//! its JSON again. Bounded: the least recently used revision goes first.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tuanthu::eval::{EvalError, Evaluator, FormContext, PreparedForms, SubmissionForm};
use tuanthu::model::{AgencyIndex, Finding, Plan};

use crate::store::Revision;

/// A revision and, per obligation, the plan cut down to that obligation alone (submission checks
/// match within one obligation, so they need not expand the others' instances), prepared for
/// checking forms once per day.
pub struct CachedRevision {
    pub rev: Revision,
    by_obligation: HashMap<String, Plan>,
    /// By obligation id (`""`: the whole plan, for a form naming no obligation of it), of the day
    /// it was prepared on. Preparing (expanding the instances of hundreds of agencies) was nearly
    /// all of a check's cost.
    forms: Mutex<HashMap<String, PreparedForms<'static>>>,
    /// The registry's names by key, for comparing a token's agency with a submission's.
    pub agencies: Option<AgencyIndex>,
}

impl std::fmt::Debug for CachedRevision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedRevision")
            .field("rev", &self.rev)
            .field("obligations", &self.by_obligation.len())
            .finish_non_exhaustive()
    }
}

impl CachedRevision {
    pub fn new(rev: Revision) -> Self {
        let by_obligation = rev
            .plan
            .obligations
            .iter()
            .map(|o| {
                let mut plan = rev.plan.clone();
                plan.obligations.retain(|x| x.id == o.id);
                (o.id.as_str().to_string(), plan)
            })
            .collect();
        CachedRevision {
            agencies: rev.registry.as_ref().map(AgencyIndex::new),
            rev,
            by_obligation,
            forms: Mutex::default(),
        }
    }

    /// `evaluator.check_submission` of `form` against the plan cut down to `obligation` (the
    /// whole plan when it has no such obligation), prepared once per obligation and as-of day.
    /// `cx` must be of this revision (its events and registry) and the service's policies and
    /// calendar, as the prepared plans are kept by obligation and day only.
    pub fn check_form(
        &self,
        evaluator: &Evaluator,
        obligation: &str,
        form: &SubmissionForm,
        cx: &FormContext<'_>,
    ) -> Result<(Vec<Finding>, bool), EvalError> {
        let (key, plan) = match self.plan_for(obligation) {
            Some(plan) => (obligation.trim(), plan),
            None => ("", &self.rev.plan),
        };
        let mut forms = self
            .forms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let prepare = || Ok::<_, EvalError>(evaluator.prepare_forms(plan, cx)?.into_owned());
        let prepared = match forms.entry(key.to_string()) {
            Entry::Occupied(e) if e.get().as_of() == cx.as_of => e.into_mut(),
            Entry::Occupied(mut e) => {
                e.insert(prepare()?);
                e.into_mut()
            }
            Entry::Vacant(e) => e.insert(prepare()?),
        };
        prepared.check(form)
    }

    /// The plan with only obligation `id`, or `None` when the plan has no such obligation.
    pub fn plan_for(&self, id: &str) -> Option<&Plan> {
        self.by_obligation.get(id.trim())
    }
}

impl std::ops::Deref for CachedRevision {
    type Target = Revision;
    fn deref(&self) -> &Revision {
        &self.rev
    }
}

type Key = (String, i64);

/// At most `capacity` revisions by (plan id, revision number).
#[derive(Debug)]
pub struct RevisionCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    tick: u64,
    map: HashMap<Key, (u64, Arc<CachedRevision>)>,
}

impl RevisionCache {
    pub fn new(capacity: usize) -> Self {
        RevisionCache {
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, plan_id: &str, revision: i64) -> Option<Arc<CachedRevision>> {
        let mut g = self.lock();
        g.tick += 1;
        let tick = g.tick;
        let e = g.map.get_mut(&(plan_id.to_string(), revision))?;
        e.0 = tick;
        Some(e.1.clone())
    }

    /// Keeps `rev`, dropping the least recently used revision when full.
    pub fn insert(&self, rev: Revision) -> Arc<CachedRevision> {
        let key = (rev.info.plan_id.clone(), rev.info.revision);
        let value = Arc::new(CachedRevision::new(rev));
        let mut g = self.lock();
        g.tick += 1;
        let tick = g.tick;
        if !g.map.contains_key(&key) && g.map.len() >= self.capacity {
            if let Some(old) = g
                .map
                .iter()
                .min_by_key(|(_, v)| v.0)
                .map(|(k, _)| k.clone())
            {
                g.map.remove(&old);
            }
        }
        g.map.insert(key, (tick, value.clone()));
        value
    }

    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Bounded slots by key, each made once and shared (an `Arc`); the least recently used key goes
/// first when full. The one bookkeeping behind [`Flight`] and [`Lanes`].
#[derive(Debug)]
struct Slots<K, S> {
    capacity: usize,
    inner: Mutex<SlotsInner<K, S>>,
}

#[derive(Debug)]
struct SlotsInner<K, S> {
    tick: u64,
    map: HashMap<K, (u64, Arc<S>)>,
}

impl<K: std::hash::Hash + Eq + Clone, S> Slots<K, S> {
    fn new(capacity: usize) -> Self {
        Slots {
            capacity: capacity.max(1),
            inner: Mutex::new(SlotsInner {
                tick: 0,
                map: HashMap::new(),
            }),
        }
    }

    /// The slot of `key`, made by `make` (after the least recently used key goes, when full).
    fn get(&self, key: &K, make: impl FnOnce() -> S) -> Arc<S> {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.tick += 1;
        let tick = g.tick;
        if let Some(e) = g.map.get_mut(key) {
            e.0 = tick;
            return e.1.clone();
        }
        if g.map.len() >= self.capacity {
            if let Some(old) = g
                .map
                .iter()
                .min_by_key(|(_, v)| v.0)
                .map(|(k, _)| k.clone())
            {
                g.map.remove(&old);
            }
        }
        let slot = Arc::new(make());
        g.map.insert(key.clone(), (tick, slot.clone()));
        slot
    }

    fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map
            .len()
    }
}

/// State kept per key between computations (e.g. a report's request, extended as submissions
/// arrive): made once per key and shared; bounded, the least recently used key goes first.
#[derive(Debug)]
pub struct Keep<K, S> {
    slots: Slots<K, S>,
}

impl<K: std::hash::Hash + Eq + Clone, S> Keep<K, S> {
    pub fn new(capacity: usize) -> Self {
        Keep {
            slots: Slots::new(capacity),
        }
    }

    /// The state of `key`, made by `make` when there is none.
    pub fn get(&self, key: &K, make: impl FnOnce() -> S) -> Arc<S> {
        self.slots.get(key, make)
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A bounded map whose values are computed once per key, however many requests ask at the same
/// time (single flight): the first caller computes, the others wait for its value. A failed
/// computation leaves the key empty, so the next caller tries again. The least recently used key
/// goes first when full.
#[derive(Debug)]
pub struct Flight<K, V> {
    slots: Slots<K, tokio::sync::OnceCell<V>>,
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Flight<K, V> {
    pub fn new(capacity: usize) -> Self {
        Flight {
            slots: Slots::new(capacity),
        }
    }

    /// The value of `key`, computed by `make` when nobody has it yet.
    pub async fn get_or_try_init<E, F, Fut>(&self, key: &K, make: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        let cell = self.slots.get(key, tokio::sync::OnceCell::new);
        cell.get_or_try_init(make).await.cloned()
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The newest value of each key among versions that only grow (a plan's report as its
/// submissions grow), with at most one computation per key at a time: a caller that needs
/// version `want` or newer gets the newest value when that is new enough, and otherwise queues
/// (first come, first served) for the key's one computation, which reads the newest version
/// when it starts. So however many submissions arrive, the callers waiting meanwhile share the
/// next computation instead of each starting one of its own. A newer value than asked for is
/// correct: it is of a state the caller's request saw or followed. A failed computation is not
/// kept: the next caller in the queue tries again. Bounded: the least recently used key goes.
#[derive(Debug)]
pub struct Lanes<K, V> {
    slots: Slots<K, Lane<V>>,
}

#[derive(Debug)]
struct Lane<V> {
    newest: Mutex<Option<(i64, V)>>,
    /// Held while computing: one computation per key at a time.
    running: tokio::sync::Mutex<()>,
}

impl<V: Clone> Lane<V> {
    fn newest_from(&self, want: i64) -> Option<(i64, V)> {
        let g = self.newest.lock().unwrap_or_else(|e| e.into_inner());
        g.as_ref().filter(|(v, _)| *v >= want).cloned()
    }
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Lanes<K, V> {
    pub fn new(capacity: usize) -> Self {
        Lanes {
            slots: Slots::new(capacity),
        }
    }

    fn lane(&self, key: &K) -> Arc<Lane<V>> {
        self.slots.get(key, || Lane {
            newest: Mutex::new(None),
            running: tokio::sync::Mutex::new(()),
        })
    }

    /// The value of `key` at version `want` or newer, with its version; `make` computes the
    /// value of the newest version (it must return a version of at least `want`: versions only
    /// grow, and `make` reads the current one).
    pub async fn get_at_least<E, F, Fut>(&self, key: &K, want: i64, make: F) -> Result<(i64, V), E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(i64, V), E>>,
    {
        let lane = self.lane(key);
        if let Some(hit) = lane.newest_from(want) {
            return Ok(hit);
        }
        let _turn = lane.running.lock().await;
        // Computed while this caller waited its turn?
        if let Some(hit) = lane.newest_from(want) {
            return Ok(hit);
        }
        let (version, value) = make().await?;
        let mut g = lane.newest.lock().unwrap_or_else(|e| e.into_inner());
        let older = if g.as_ref().is_none_or(|(v, _)| *v < version) {
            g.replace((version, value.clone()))
        } else {
            None
        };
        // The value replaced (a whole report, when it was the last reference) is freed after
        // the lock is let go: the callers that only read the newest do not wait for that.
        drop(g);
        drop(older);
        Ok((version, value))
    }

    /// The newest value of `key` computed so far, with its version (no computation, no wait).
    pub fn newest(&self, key: &K) -> Option<(i64, V)> {
        self.lane(key).newest_from(i64::MIN)
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rev(plan_id: &str, revision: i64) -> Revision {
        let plan: Plan = serde_json::from_value(serde_json::json!({
            "id": plan_id, "title": "t", "obligations": []
        }))
        .unwrap();
        Revision::unstored(plan, revision, None, vec![])
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn flight_computes_once_for_concurrent_callers_and_retries_after_failure() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let f: Arc<Flight<u32, u64>> = Arc::new(Flight::new(2));
        let runs = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (f, runs) = (f.clone(), runs.clone());
                tokio::spawn(async move {
                    f.get_or_try_init(&1, || async {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        Ok::<_, ()>(42)
                    })
                    .await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), Ok(42));
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "one computation for 16 callers"
        );
        // A failure is not kept: the next caller computes again.
        assert_eq!(
            f.get_or_try_init(&2, || async { Err::<u64, _>("no") })
                .await,
            Err("no")
        );
        assert_eq!(
            f.get_or_try_init(&2, || async { Ok::<_, ()>(7) }).await,
            Ok(7)
        );
        // Bounded: a third key drops the least recently used one (1, since 2 was used last).
        assert_eq!(
            f.get_or_try_init(&3, || async { Ok::<_, ()>(9) }).await,
            Ok(9)
        );
        assert_eq!(f.len(), 2);
        assert_eq!(
            f.get_or_try_init(&1, || async { Ok::<_, ()>(0) }).await,
            Ok(0)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn lanes_run_one_computation_at_a_time_and_never_serve_an_older_version() {
        use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
        let lanes: Arc<Lanes<u32, i64>> = Arc::new(Lanes::new(4));
        // The "database": a version that grows while callers ask.
        let current = Arc::new(AtomicI64::new(1));
        let (running, most, runs) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
        );
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let (lanes, current) = (lanes.clone(), current.clone());
                let (running, most, runs) = (running.clone(), most.clone(), runs.clone());
                tokio::spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(i * 3)).await;
                    // A submission, then a report that must see it.
                    let want = current.fetch_add(1, Ordering::SeqCst) + 1;
                    let (v, value) = lanes
                        .get_at_least(&7, want, || async {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            runs.fetch_add(1, Ordering::SeqCst);
                            let v = current.load(Ordering::SeqCst);
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                            running.fetch_sub(1, Ordering::SeqCst);
                            Ok::<_, ()>((v, v * 10))
                        })
                        .await
                        .unwrap();
                    assert!(v >= want, "asked for version {want} or newer, got {v}");
                    assert_eq!(value, v * 10, "the value is the one of its version");
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1, "one computation at a time");
        let runs = runs.load(Ordering::SeqCst);
        assert!(
            runs < 40,
            "callers waiting meanwhile share a computation: {runs} for 40 callers"
        );
        // Nothing new: served from the newest value, no computation.
        let v = current.load(Ordering::SeqCst);
        let hit = lanes
            .get_at_least(&7, v, || async { Err::<(i64, i64), _>("not called") })
            .await;
        assert_eq!(hit, Ok((v, v * 10)));
        // A failure is not kept: the next caller computes.
        assert_eq!(
            lanes
                .get_at_least(&7, v + 1, || async { Err::<(i64, i64), _>("no") })
                .await,
            Err("no")
        );
        assert_eq!(
            lanes
                .get_at_least(&7, v + 1, || async { Ok::<_, &str>((v + 1, 0)) })
                .await,
            Ok((v + 1, 0))
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_that_queue_during_a_computation_share_the_next_one() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let lanes: Arc<Lanes<u32, i64>> = Arc::new(Lanes::new(2));
        // A computation of version 1, held until the gate opens.
        let (started_tx, started) = tokio::sync::oneshot::channel::<()>();
        let (open, gate) = tokio::sync::oneshot::channel::<()>();
        let first = tokio::spawn({
            let lanes = lanes.clone();
            async move {
                lanes
                    .get_at_least(&1, 1, || async move {
                        let _ = started_tx.send(());
                        let _ = gate.await;
                        Ok::<_, ()>((1, 10))
                    })
                    .await
            }
        });
        started.await.unwrap();
        // Eight callers that need version 2 (a submission acknowledged after the running
        // computation read its version) queue behind it.
        let runs = Arc::new(AtomicUsize::new(0));
        let waiting: Vec<_> = (0..8)
            .map(|_| {
                let (lanes, runs) = (lanes.clone(), runs.clone());
                tokio::spawn(async move {
                    lanes
                        .get_at_least(&1, 2, || async move {
                            runs.fetch_add(1, Ordering::SeqCst);
                            Ok::<_, ()>((2, 20))
                        })
                        .await
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            0,
            "they wait for the running one"
        );
        let _ = open.send(());
        assert_eq!(first.await.unwrap(), Ok((1, 10)));
        for w in waiting {
            assert_eq!(w.await.unwrap(), Ok((2, 20)), "version 2 or newer");
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "the eight share one computation"
        );
        assert_eq!(lanes.newest(&1), Some((2, 20)));
    }

    #[test]
    fn bounded_and_least_recently_used_goes_first() {
        let c = RevisionCache::new(2);
        c.insert(rev("a", 1));
        c.insert(rev("a", 2));
        assert!(c.get("a", 1).is_some()); // a/1 now more recent than a/2
        c.insert(rev("b", 1));
        assert_eq!(c.len(), 2);
        assert!(c.get("a", 2).is_none());
        assert!(c.get("a", 1).is_some());
        assert!(c.get("b", 1).is_some());
        // Revisions are keyed by plan and number: another plan's revision 1 is not a/1.
        assert_eq!(c.get("b", 1).unwrap().info.plan_id, "b");
    }

    #[test]
    fn a_form_checked_on_a_prepared_plan_is_checked_as_the_engine_checks_it_on_every_day() {
        use tuanthu::unstable::synth::{province, Shape};
        let req = province(
            3,
            Shape {
                agencies: 20,
                obligations: 3,
                years: 2,
                evidence_percent: 60,
            },
        );
        let cached = CachedRevision::new(Revision {
            plan: req.plan.clone(),
            registry: req.registry.clone(),
            events: req.events.clone(),
            ..rev("p", 1)
        });
        let ev = Evaluator::standard().unwrap();
        // Two days in turn: the plan prepared for one day is not used on another.
        for as_of in ["2026-03-01", "2027-06-30", "2026-03-01"] {
            let cx = FormContext {
                as_of: as_of.parse().unwrap(),
                events: &cached.events,
                policies: &Default::default(),
                registry: cached.registry.as_ref(),
                calendar: &Default::default(),
            };
            for s in req.submissions.iter().take(40) {
                // dd/mm/yyyy and no document number: the form as a person types it.
                let mut form = SubmissionForm {
                    received: s.received.format("%d/%m/%Y").to_string(),
                    document_number: None,
                    ..SubmissionForm::from(s)
                };
                for obligation in [s.obligation.as_str(), "khong-co"] {
                    form.obligation = obligation.to_string();
                    let plan = cached.plan_for(obligation).unwrap_or(&cached.rev.plan);
                    let want = ev.check_submission(plan, &form, &cx).unwrap();
                    let got = cached.check_form(&ev, obligation, &form, &cx).unwrap();
                    assert_eq!(got, want, "{as_of} {form:?}");
                }
            }
        }
    }
}
