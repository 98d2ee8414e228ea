//! Parsed plan revisions, kept in memory: a revision is never changed once stored (each upload is
//! a new one), so a revision read once can serve every later request without reading and parsing
//! its JSON again. Bounded: the least recently used revision goes first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tuanthu::model::Plan;

use crate::store::Revision;

/// A revision and, per obligation, the plan cut down to that obligation alone (submission checks
/// match within one obligation, so they need not expand the others' instances).
#[derive(Debug)]
pub struct CachedRevision {
    pub rev: Revision,
    by_obligation: HashMap<String, Plan>,
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
        CachedRevision { rev, by_obligation }
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

/// A bounded map whose values are computed once per key, however many requests ask at the same
/// time (single flight): the first caller computes, the others wait for its value. A failed
/// computation leaves the key empty, so the next caller tries again. The least recently used key
/// goes first when full.
#[derive(Debug)]
pub struct Flight<K, V> {
    capacity: usize,
    inner: Mutex<FlightInner<K, V>>,
}

#[derive(Debug)]
struct FlightInner<K, V> {
    tick: u64,
    map: HashMap<K, (u64, Arc<tokio::sync::OnceCell<V>>)>,
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Flight<K, V> {
    pub fn new(capacity: usize) -> Self {
        Flight {
            capacity: capacity.max(1),
            inner: Mutex::new(FlightInner {
                tick: 0,
                map: HashMap::new(),
            }),
        }
    }

    fn cell(&self, key: &K) -> Arc<tokio::sync::OnceCell<V>> {
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
        let cell = Arc::new(tokio::sync::OnceCell::new());
        g.map.insert(key.clone(), (tick, cell.clone()));
        cell
    }

    /// The value of `key`, computed by `make` when nobody has it yet.
    pub async fn get_or_try_init<E, F, Fut>(&self, key: &K, make: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        let cell = self.cell(key);
        cell.get_or_try_init(make).await.cloned()
    }

    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RevisionInfo;

    fn rev(plan_id: &str, revision: i64) -> Revision {
        let plan: Plan = serde_json::from_value(serde_json::json!({
            "id": plan_id, "title": "t", "obligations": []
        }))
        .unwrap();
        Revision {
            info: RevisionInfo {
                plan_id: plan_id.into(),
                revision,
                plan_hash: String::new(),
                title: "t".into(),
                obligations: 0,
                source_name: None,
                warnings: vec![],
                created_at: String::new(),
                created_by: String::new(),
            },
            plan,
            registry: None,
            events: vec![],
        }
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
}
