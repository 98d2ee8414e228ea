//! The one-obligation-per-row workload of the peer engines' benchmark, made here deterministically
//! (SplitMix64, no data file): one row = one agency, a deadline "before D" read exclusively, a
//! received date or none, and one as-of date (20/11/2026).
//!
//! Rows are mapped onto requests as the Python adapter in `bench/peers/` maps them: one obligation
//! per row (`once`, `before D`, lead = the agency), one submission per received date; rows with a
//! received date are evaluated as of the latest received date (the engine counts only evidence
//! received by the as-of day), rows without one as of 20/11/2026.

#![allow(dead_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // benchmark inputs: fail loudly

use chrono::{Days, NaiveDate};
use serde_json::{json, Value};
use tuanthu::eval::EvaluationRequest;
// The synthetic provinces' generator (SplitMix64); every bound below is > 0, so `below` is `% n`.
use tuanthu::unstable::synth::Rng;

const AGENCIES: [&str; 20] = [
    "EPA", "OSHA", "FDA", "FAA", "FCC", "SEC", "FERC", "NRC", "DOT", "DOE", "IRS", "CMS", "USDA",
    "FTC", "CFPB", "NHTSA", "PHMSA", "MSHA", "FRA", "FMCSA",
];

/// One row of the workload.
pub struct Row {
    pub agency: &'static str,
    pub id: String,
    pub due: NaiveDate,
    pub received: Option<NaiveDate>,
}

pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn shift(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d.checked_add_days(Days::new(days.unsigned_abs())).unwrap()
    } else {
        d.checked_sub_days(Days::new(days.unsigned_abs())).unwrap()
    }
}

/// `n` rows with the peers' mix: due 15/11 of 2026..2030 (70%), any day of 2026..2030 (25%),
/// within ±10 days of as-of (5%); 80% received, due ± up to 30 days.
pub fn rows(n: usize, seed: u64) -> Vec<Row> {
    let mut rng = Rng(seed);
    let lo = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let span = (NaiveDate::from_ymd_opt(2030, 12, 31).unwrap() - lo).num_days() as u64 + 1;
    (0..n)
        .map(|i| {
            let agency = AGENCIES[rng.below(AGENCIES.len() as u64) as usize];
            let id = format!("{agency}-{:03}-{i:07}", rng.below(1000));
            let u = rng.below(100);
            let due = if u < 70 {
                NaiveDate::from_ymd_opt(2026 + rng.below(5) as i32, 11, 15).unwrap()
            } else if u < 95 {
                shift(lo, rng.below(span) as i64)
            } else {
                shift(as_of(), rng.below(21) as i64 - 10)
            };
            let received = (rng.below(100) < 80).then(|| shift(due, rng.below(61) as i64 - 30));
            Row {
                agency,
                id,
                due,
                received,
            }
        })
        .collect()
}

fn obligation(r: &Row) -> Value {
    json!({
        "id": r.id,
        "title": r.id,
        "lead": [{"kind": "agency", "name": r.agency}],
        "schedule": {"type": "once", "deadline": {"date": r.due, "bound": "before"}},
    })
}

/// The rows as the adapter's requests: [with a received date, without one] (empty ones left out).
pub fn requests(rows: &[Row]) -> Vec<EvaluationRequest> {
    let policies =
        json!({"deadline_reading": "exclusive", "day_off": "strict", "due_soon_days": 6});
    let (with, without): (Vec<&Row>, Vec<&Row>) = rows.iter().partition(|r| r.received.is_some());
    let latest = with.iter().filter_map(|r| r.received).max();
    let mut out = Vec::new();
    if !with.is_empty() {
        let subs: Vec<Value> = with
            .iter()
            .map(|r| json!({"agency": r.agency, "obligation": r.id, "received": r.received}))
            .collect();
        out.push(json!({
            "plan": {"id": "peers-received", "title": "peers: received",
                     "obligations": with.iter().map(|r| obligation(r)).collect::<Vec<_>>()},
            "submissions": subs,
            "as_of": latest.unwrap().max(as_of()),
            "policies": policies,
        }));
    }
    if !without.is_empty() {
        out.push(json!({
            "plan": {"id": "peers-open", "title": "peers: nothing received",
                     "obligations": without.iter().map(|r| obligation(r)).collect::<Vec<_>>()},
            "as_of": as_of(),
            "policies": policies,
        }));
    }
    out.into_iter()
        .map(|v| serde_json::from_value(v).expect("a valid request"))
        .collect()
}
