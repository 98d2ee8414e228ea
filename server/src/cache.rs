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
