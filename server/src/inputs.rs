//! A report's evaluation request, kept per (plan, revision, as-of) between reports: the list of
//! submissions the engine reads and the request's hash, brought up to a newer snapshot of the
//! plan's stored submissions by appending what was added, instead of copying and hashing every
//! stored submission again for each report. When the newer snapshot does not extend the kept
//! one (read again from the database, or a submission sorted in before the end), both are made
//! again from the whole snapshot. Its reports are evaluated in one evaluation session
//! (`tuanthu::eval::EvaluationSession`), which judges again only the evaluation blocks whose
//! inputs changed since the last report: the same bytes as a fresh evaluation.

use std::sync::{Arc, Weak};

use tuanthu::eval::{EvaluationRequest, EvaluationSession, Evaluator, FormContext};
use tuanthu::model::{Report, Submission};

use crate::cache::CachedRevision;
use crate::hash::{request_hash, RequestHasher};
use crate::store::Snapshot;

/// The request the service evaluates for `rev` as of `as_of` with `submissions`: no caller
/// policies, no calendar changes. One definition for the kept request and the audit's re-run,
/// whose hashes must agree.
pub fn service_request(
    rev: &CachedRevision,
    as_of: chrono::NaiveDate,
    submissions: Vec<Submission>,
) -> EvaluationRequest {
    EvaluationRequest {
        plan: rev.plan.clone(),
        submissions,
        events: rev.events.clone(),
        as_of,
        policies: Default::default(),
        registry: rev.registry.clone(),
        calendar: Default::default(),
    }
}

/// The request of one plan revision as of one day, at one snapshot of its submissions.
#[derive(Debug)]
pub struct RequestInputs {
    rev: Arc<CachedRevision>,
    as_of: chrono::NaiveDate,
    of: Option<Arc<Snapshot>>,
    /// The snapshot's submissions, shared with it: the session knows those of its last report
    /// by identity.
    submissions: Vec<Arc<Submission>>,
    /// `None` when the request's JSON is not of the shape the hasher expects: then the whole
    /// request is hashed (the same definition).
    hasher: Option<RequestHasher>,
    /// The service asks for no caller policies and no calendar changes.
    policies: tuanthu::policy::PolicyOverrides,
    calendar: tuanthu::calendar::CalendarOverrides,
    /// The session the kept request's reports are evaluated in (made at the first report).
    session: Option<EvaluationSession>,
    /// The session's last report, as [`RequestInputs::evaluate_shared`] returned it (what its
    /// word on unchanged elements is about); none when it was returned otherwise.
    last_report: Weak<Report>,
}

impl RequestInputs {
    pub fn new(rev: Arc<CachedRevision>, as_of: chrono::NaiveDate) -> Self {
        RequestInputs {
            rev,
            as_of,
            of: None,
            submissions: Vec::new(),
            hasher: None,
            policies: Default::default(),
            calendar: Default::default(),
            session: None,
            last_report: Weak::new(),
        }
    }

    /// The request with no submissions (what the hasher's fixed text is cut from).
    fn empty_request(&self) -> EvaluationRequest {
        service_request(&self.rev, self.as_of, Vec::new())
    }

    /// Brings the kept request to `snap`: appends its added submissions when it extends the
    /// kept snapshot (the same entries first, as the writer's in-memory copy keeps them), and
    /// otherwise starts again from all of them.
    pub fn sync(&mut self, snap: &Arc<Snapshot>) {
        let extends = self.of.as_ref().is_some_and(|old| {
            old.list.len() <= snap.list.len()
                && old
                    .list
                    .iter()
                    .zip(&snap.list)
                    .all(|(a, b)| Arc::ptr_eq(a, b))
        });
        // Unset until the end: a panic between here and there leaves a state that is rebuilt.
        self.of = None;
        let from = if extends {
            self.submissions.len()
        } else {
            self.submissions.clear();
            // Room for the submissions to come: appending then seldom moves the whole list.
            self.submissions
                .reserve(snap.list.len().saturating_add(snap.list.len() / 2));
            self.hasher = RequestHasher::new(&self.empty_request());
            0
        };
        let added = &snap.list[from..];
        self.submissions
            .extend(added.iter().map(|s| s.submission.clone()));
        if let Some(h) = &mut self.hasher {
            h.extend(added.iter().map(|s| &*s.submission));
        }
        self.of = Some(snap.clone());
    }

    /// The kept request's report: the same as `evaluator.evaluate` of
    /// [`RequestInputs::request`], without copying the plan or the submissions, evaluated in
    /// this request's session (made of `evaluator` at the first report; the service has one
    /// evaluator).
    pub fn evaluate(&mut self, evaluator: &Evaluator) -> Result<Report, tuanthu::eval::EvalError> {
        // The report before the next is not one a rendering can be of.
        self.last_report = Weak::new();
        let cx = FormContext {
            as_of: self.as_of,
            events: &self.rev.events,
            policies: &self.policies,
            registry: self.rev.registry.as_ref(),
            calendar: &self.calendar,
        };
        self.session
            .get_or_insert_with(|| evaluator.session())
            .evaluate_shared(&self.rev.plan, &self.submissions, &cx)
    }

    /// [`RequestInputs::evaluate`], shared, with what the session knows of it against the
    /// last report this returned ([`crate::reuse::Since`]: which elements are that one's).
    pub fn evaluate_shared(
        &mut self,
        evaluator: &Evaluator,
    ) -> Result<(Arc<Report>, crate::reuse::Since), tuanthu::eval::EvalError> {
        let before = std::mem::take(&mut self.last_report);
        let report = Arc::new(self.evaluate(evaluator)?);
        let (assessments, findings) = self
            .session
            .as_ref()
            .map_or((&[][..], &[][..]), EvaluationSession::last_unchanged);
        let since = crate::reuse::Since {
            before,
            assessments: assessments.to_vec(),
            findings: findings.to_vec(),
        };
        self.last_report = Arc::downgrade(&report);
        Ok((report, since))
    }

    /// What the last report's evaluation reused of the one before.
    pub fn last_reuse(&self) -> Option<tuanthu::eval::Reuse> {
        self.session.as_ref().map(EvaluationSession::last_reuse)
    }

    /// The submissions of the kept snapshot, in evaluation order.
    pub fn submissions(&self) -> &[Arc<Submission>] {
        &self.submissions
    }

    /// The parts of the request besides the plan and the submissions.
    pub fn context(&self) -> FormContext<'_> {
        FormContext {
            as_of: self.as_of,
            events: &self.rev.events,
            policies: &self.policies,
            registry: self.rev.registry.as_ref(),
            calendar: &self.calendar,
        }
    }

    /// sha256 of the request's canonical JSON.
    pub fn hash(&self) -> String {
        match &self.hasher {
            Some(h) => h.finish(),
            None => request_hash(&self.request()),
        }
    }

    /// The whole request (a copy: for the rare fallback and for tests).
    pub fn request(&self) -> EvaluationRequest {
        let submissions = self.submissions.iter().map(|s| Submission::clone(s));
        service_request(&self.rev, self.as_of, submissions.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Revision, StoredSubmission};

    fn stored(k: usize, submission: Submission) -> Arc<StoredSubmission> {
        Arc::new(StoredSubmission {
            id: format!("s{k:04}"),
            plan_id: "p".into(),
            created_at: String::new(),
            created_by: String::new(),
            submission: Arc::new(submission),
        })
    }

    #[test]
    fn kept_request_is_the_whole_request_of_each_snapshot() {
        let req = tuanthu::unstable::synth::province(
            5,
            tuanthu::unstable::synth::Shape {
                agencies: 10,
                obligations: 2,
                years: 1,
                evidence_percent: 90,
            },
        );
        assert!(req.submissions.len() >= 10);
        let rev = Arc::new(CachedRevision::new(Revision::unstored(
            req.plan.clone(),
            1,
            req.registry.clone(),
            req.events.clone(),
        )));
        let all: Vec<_> = (req.submissions.iter().cloned().enumerate())
            .map(|(k, s)| stored(k, s))
            .collect();
        let snap = |version, list: Vec<Arc<StoredSubmission>>| Arc::new(Snapshot { version, list });
        // Extended twice, then a snapshot read again (other entries: not an extension), then
        // one with a submission sorted in before the end, then a shorter one.
        let n = all.len();
        let mut reread: Vec<_> = all
            .iter()
            .map(|s| stored(0, Submission::clone(&s.submission)))
            .collect();
        let steps = [
            snap(1, all[..3].to_vec()),
            snap(2, all[..7].to_vec()),
            snap(3, all.clone()),
            snap(4, reread.clone()),
            {
                reread.insert(1, all[n - 1].clone());
                snap(5, reread.clone())
            },
            snap(6, all[..2].to_vec()),
        ];
        let as_of = req.as_of;
        let mut inputs = RequestInputs::new(rev, as_of);
        let ev = tuanthu::eval::Evaluator::standard().unwrap();
        for s in &steps {
            inputs.sync(s);
            let whole = EvaluationRequest {
                submissions: s
                    .list
                    .iter()
                    .map(|x| Submission::clone(&x.submission))
                    .collect(),
                ..req.clone()
            };
            // The snapshot's own entries, shared.
            assert_eq!(inputs.submissions().len(), s.list.len(), "v{}", s.version);
            assert!(inputs
                .submissions()
                .iter()
                .zip(&s.list)
                .all(|(a, b)| Arc::ptr_eq(a, &b.submission)));
            assert_eq!(inputs.hash(), request_hash(&whole), "v{}", s.version);
            assert_eq!(inputs.request(), whole);
            assert_eq!(
                tuanthu::api::to_canonical_json(&inputs.evaluate(&ev).unwrap()),
                tuanthu::api::to_canonical_json(&ev.evaluate(&whole).unwrap()),
                "v{}",
                s.version
            );
        }
    }
}
