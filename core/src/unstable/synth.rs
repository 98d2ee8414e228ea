//! Synthetic provinces for benchmarks: deterministic (seeded), mixed schedules, ~80% evidence.
//!
//! Not test data of record: the shipped examples in `rules/examples/` are.

use chrono::NaiveDate;

use crate::eval::EvaluationRequest;
use crate::model::{
    AgencyGroup, AgencyRef, AgencyRegistry, Bound, Deadline, DueRule, Event, EventDeadline,
    EventKind, Frequency, Obligation, ObligationId, ObligationKind, Period, Plan, RegisteredAgency,
    Reporting, Schedule, Stage, Submission, Trigger,
};
use crate::policy::PolicyOverrides;

/// Size of a synthetic province.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub agencies: usize,
    pub obligations: usize,
    pub years: i32,
    /// Share of instances with evidence, in percent.
    pub evidence_percent: u32,
}

impl Default for Shape {
    /// The benchmark province: 150 agencies × 12 obligations × 5 years, 80% evidence.
    fn default() -> Self {
        Shape {
            agencies: 150,
            obligations: 12,
            years: 5,
            evidence_percent: 80,
        }
    }
}

/// A small deterministic generator (SplitMix64): no dependency, same numbers everywhere. Public
/// (unstable) so the benchmarks generate their workloads with the same numbers.
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn percent(&mut self, p: u32) -> bool {
        self.below(100) < u64::from(p)
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// One synthetic province as an evaluation request (as of 31/12 of its last year).
pub fn province(seed: u64, shape: Shape) -> EvaluationRequest {
    let mut rng = Rng(seed);
    let first = 2026;
    let last = first + shape.years - 1;
    let departments = shape.agencies.min(14);
    let agencies: Vec<RegisteredAgency> = (0..shape.agencies)
        .map(|i| {
            if i < departments {
                RegisteredAgency {
                    name: format!("Sở Ngành {:02}", i + 1),
                    aliases: vec![],
                    groups: Some(vec![AgencyGroup::Departments]),
                }
            } else {
                RegisteredAgency {
                    name: format!("UBND xã Số {:03}", i + 1 - departments),
                    aliases: vec![],
                    groups: Some(vec![AgencyGroup::Communes]),
                }
            }
        })
        .collect();
    let everyone = vec![
        AgencyRef::group(AgencyGroup::Departments, "các sở, ban, ngành tỉnh"),
        AgencyRef::group(AgencyGroup::Communes, "UBND các xã, phường"),
    ];
    let police = AgencyRef::agency("Công an tỉnh");

    let mut obligations = Vec::with_capacity(shape.obligations);
    for k in 0..shape.obligations {
        let id = ObligationId::new(format!("II.{}", k + 1));
        // Mix: yearly reports, ongoing tasks, a one-off, an on-request task, a staged task.
        let (kind, schedule) = match k % 6 {
            0 | 3 => (
                ObligationKind::PeriodicReport,
                Schedule::Recurring {
                    every: Frequency::Yearly,
                    due: Some(DueRule {
                        month: Some(if k % 2 == 0 { 11 } else { 12 }),
                        day: if k % 2 == 0 { 15 } else { 5 },
                        bound: Bound::Before,
                        month_offset: 0,
                        text: None,
                    }),
                    from_year: first,
                    until_year: None,
                },
            ),
            1 => (
                ObligationKind::Task,
                Schedule::Ongoing {
                    from_year: first,
                    until_year: None,
                    precondition: None,
                    text: None,
                },
            ),
            2 => (
                ObligationKind::Task,
                Schedule::Combined {
                    parts: vec![
                        Schedule::Once {
                            deadline: Deadline {
                                date: date(first, 6, 30),
                                bound: Bound::NoLaterThan,
                                text: None,
                            },
                        },
                        Schedule::Recurring {
                            every: Frequency::Yearly,
                            due: Some(DueRule {
                                month: Some(7),
                                day: 1,
                                bound: Bound::Before,
                                month_offset: 0,
                                text: None,
                            }),
                            from_year: first + 1,
                            until_year: None,
                        },
                    ],
                },
            ),
            4 => (
                ObligationKind::Task,
                Schedule::EventTriggered {
                    trigger: Trigger {
                        event: EventKind::request(),
                        text: None,
                    },
                    within_days: Some(15),
                },
            ),
            _ => (
                ObligationKind::Task,
                Schedule::Combined {
                    parts: vec![
                        Schedule::Staged {
                            stages: vec![
                                Stage {
                                    id: "members".into(),
                                    parties: everyone.clone(),
                                    deadline: Deadline {
                                        date: date(first, 4, 13),
                                        bound: Bound::Before,
                                        text: None,
                                    },
                                    recipient: Some(police.clone()),
                                    source: None,
                                },
                                Stage {
                                    id: "lead".into(),
                                    parties: vec![police.clone()],
                                    deadline: Deadline {
                                        date: date(first, 4, 16),
                                        bound: Bound::Before,
                                        text: None,
                                    },
                                    recipient: None,
                                    source: None,
                                },
                            ],
                        },
                        Schedule::Recurring {
                            every: Frequency::Yearly,
                            due: Some(DueRule {
                                month: Some(4),
                                day: 13,
                                bound: Bound::Before,
                                month_offset: 0,
                                text: None,
                            }),
                            from_year: first + 1,
                            until_year: None,
                        },
                    ],
                },
            ),
        };
        obligations.push(Obligation {
            id,
            kind,
            title: format!("Nhiệm vụ tổng hợp số {}", k + 1),
            content: None,
            lead: vec![],
            coordinating: vec![police.clone()],
            performers: everyone.clone(),
            products: vec![],
            schedule,
            reporting: Some(Reporting {
                recipient: AgencyRef::agency("Ủy ban nhân dân tỉnh"),
                via: Some(police.clone()),
                onward: None,
                also_to: vec![],
                onward_also: vec![],
            }),
            source: None,
        });
    }

    let events: Vec<Event> = (first..=last)
        .map(|y| Event {
            id: format!("REQ-{y}"),
            kind: EventKind::request(),
            date: date(y, 3, 2),
            obligations: vec![],
            agencies: vec![],
            deadline: Some(EventDeadline::Days(15)),
            description: None,
        })
        .collect();

    let plan = Plan {
        id: format!("synthetic-{seed}"),
        number: Some(format!("{}/KH-UBND", 100 + seed % 900)),
        issuer: Some("Ủy ban nhân dân tỉnh Mẫu".into()),
        jurisdiction: Some("Tỉnh Mẫu".into()),
        place: None,
        issue_date: Some(date(first, 4, 1)),
        title: "Kế hoạch triển khai thi hành Luật An ninh mạng (tổng hợp)".into(),
        legal_basis: vec![],
        law_effective_date: Some(date(first, 7, 1)),
        policies: PolicyOverrides::default(),
        obligations,
        warnings: vec![],
        coverage: None,
    };

    // Evidence: per obligation, agency and year, most of it around the due day.
    let mut submissions = Vec::new();
    for (k, o) in plan.obligations.iter().enumerate() {
        for a in &agencies {
            for y in first..=last {
                if !rng.percent(shape.evidence_percent) {
                    continue;
                }
                let (period, due) = match (k % 6, y == first) {
                    (0 | 3, _) => (
                        Period::Year(y),
                        date(y, if k % 2 == 0 { 11 } else { 12 }, 5),
                    ),
                    (1, _) => (Period::Year(y), date(y, 12, 1)),
                    (2, true) | (5, true) => (Period::Once, date(y, 4, 10)),
                    (2 | 5, false) => (Period::Year(y), date(y, 4, 10)),
                    _ => (Period::Event(format!("REQ-{y}")), date(y, 3, 15)),
                };
                let offset = i64::try_from(rng.below(30)).unwrap_or(0) - 20;
                let received = due
                    .checked_add_signed(chrono::TimeDelta::days(offset))
                    .unwrap_or(due);
                let stage = (k % 6 == 5 && y == first).then(|| "members".to_string());
                let document_number = if rng.percent(95) {
                    format!(
                        "{}/BC-{}",
                        1 + rng.below(400),
                        a.name
                            .chars()
                            .filter(|c| c.is_uppercase())
                            .collect::<String>()
                    )
                } else {
                    "so 12 BC".into()
                };
                submissions.push(Submission {
                    agency: a.name.clone(),
                    obligation: o.id.clone(),
                    stage,
                    period: Some(period),
                    received,
                    document_number: Some(document_number),
                    note: None,
                });
            }
        }
    }

    EvaluationRequest {
        plan,
        submissions,
        events,
        as_of: date(last, 12, 31),
        policies: PolicyOverrides::default(),
        registry: Some(AgencyRegistry { agencies }),
        calendar: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_province_is_deterministic_and_sized() {
        let a = province(7, Shape::default());
        let b = province(7, Shape::default());
        assert_eq!(a, b);
        assert_eq!(a.registry.as_ref().map(|r| r.agencies.len()), Some(150));
        assert_eq!(a.plan.obligations.len(), 12);
        let share = a.submissions.len() as f64 / (150.0 * 12.0 * 5.0);
        assert!((0.75..0.85).contains(&share), "evidence share {share}");
    }
}
