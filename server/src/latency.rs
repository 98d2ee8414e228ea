//! Where a report's time goes, at debug level only: one event per report (target
//! `tuanthu_server::latency`) when its last byte has left, splitting its latency into the reads
//! before it, the wait for the lane, its own evaluation and rendering, the audit's commit and
//! the sending. Off (no event, nothing wrapped) unless that
//! target is enabled, e.g. `RUST_LOG=info,tuanthu_server::latency=debug`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;

/// The event's target.
pub const TARGET: &str = "tuanthu_server::latency";

/// Whether reports are timed.
pub fn enabled() -> bool {
    tracing::enabled!(target: TARGET, tracing::Level::DEBUG)
}

/// Time spent in a part of a report's handling, which may run on another thread.
#[derive(Debug, Default)]
pub struct Stopwatch(AtomicU64);

impl Stopwatch {
    /// Adds the time since `since`.
    pub fn add_since(&self, since: Instant) {
        let us = u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.0.fetch_add(us, Ordering::Relaxed);
    }

    pub fn get(&self) -> Duration {
        Duration::from_micros(self.0.load(Ordering::Relaxed))
    }
}

/// The parts of one report's latency, until the response was handed to the server.
#[derive(Debug, Default, Clone, Copy)]
pub struct Split {
    /// Authentication, the revision and the version of the plan's submissions read.
    pub prepare: Duration,
    /// Waiting for the lanes: the evaluation, then the rendering, running for an older version.
    pub lane_wait: Duration,
    /// This request's own evaluation (snapshot and evaluation), when it ran one.
    pub evaluate: Duration,
    /// This request's own rendering (bytes, sha256, gzip), when it made one.
    pub render: Duration,
    /// The audit record's commit.
    pub audit: Duration,
}

/// `body`, which logs `split` and the sending time when it is dropped: the server drops a
/// response body once its last byte is written to the socket. `start`: when the request came.
pub fn timed_body(body: Bytes, start: Instant, split: Split) -> Bytes {
    if !enabled() {
        return body;
    }
    Bytes::from_owner(Sent {
        body,
        start,
        handed: Instant::now(),
        split,
    })
}

struct Sent {
    body: Bytes,
    start: Instant,
    handed: Instant,
    split: Split,
}

impl AsRef<[u8]> for Sent {
    fn as_ref(&self) -> &[u8] {
        &self.body
    }
}

impl Drop for Sent {
    fn drop(&mut self) {
        let us = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let s = &self.split;
        tracing::debug!(
            target: TARGET,
            total_us = us(self.start.elapsed()),
            prepare_us = us(s.prepare),
            lane_wait_us = us(s.lane_wait),
            evaluate_us = us(s.evaluate),
            render_us = us(s.render),
            audit_us = us(s.audit),
            send_us = us(self.handed.elapsed()),
            bytes = self.body.len(),
            "report"
        );
    }
}
