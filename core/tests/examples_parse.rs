//! The hand-written example plans and registries in `rules/examples/` deserialise into the model
//! and say what the plan texts say.
//!
//! Every fact asserted here was checked by hand against the plan text (see `rules/examples/REVIEW.md`).
//! The plan texts are copied to `core/tests/data/plans/`, named after the plan id, so that each
//! obligation's quoted `source.text` is compared with the original lines.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use chrono::NaiveDate;
use tuanthu::model::{
    fold_key, AgencyGroup, AgencyRef, AgencyRegistry, Bound, Deadline, Frequency, ObligationKind,
    Plan, Schedule, SourceSpan,
};
use unicode_normalization::is_nfc;

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rules/examples")
}

fn plan_text_path(plan_id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/plans")
        .join(format!("{plan_id}.txt"))
}

fn read(path: &PathBuf) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load_plan(dir: &str) -> (Plan, String) {
    let path = examples_dir().join(dir).join("plan.json");
    let raw = read(&path);
    let plan: Plan =
        serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (plan, raw)
}

fn load_registry(dir: &str) -> (AgencyRegistry, String) {
    let path = examples_dir().join(dir).join("registry.json");
    let raw = read(&path);
    let reg: AgencyRegistry =
        serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (reg, raw)
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Every dated deadline in a schedule, with the stage id when it belongs to a stage.
fn deadlines(s: &Schedule) -> Vec<(Option<&str>, &Deadline)> {
    match s {
        Schedule::Once { deadline } => vec![(None, deadline)],
        Schedule::Staged { stages } => stages
            .iter()
            .map(|st| (Some(st.id.as_str()), &st.deadline))
            .collect(),
        Schedule::Combined { parts } => parts.iter().flat_map(deadlines).collect(),
        _ => Vec::new(),
    }
}

/// Every source span of an obligation: its own and its stages'.
fn spans(o: &tuanthu::model::Obligation) -> Vec<&SourceSpan> {
    fn stage_spans(s: &Schedule) -> Vec<&SourceSpan> {
        match s {
            Schedule::Staged { stages } => {
                stages.iter().filter_map(|st| st.source.as_ref()).collect()
            }
            Schedule::Combined { parts } => parts.iter().flat_map(stage_spans).collect(),
            _ => Vec::new(),
        }
    }
    o.source.iter().chain(stage_spans(&o.schedule)).collect()
}

/// Every party an obligation names.
fn parties(o: &tuanthu::model::Obligation) -> Vec<&AgencyRef> {
    fn stage_parties(s: &Schedule) -> Vec<&AgencyRef> {
        match s {
            Schedule::Staged { stages } => stages.iter().flat_map(|st| &st.parties).collect(),
            Schedule::Combined { parts } => parts.iter().flat_map(stage_parties).collect(),
            _ => Vec::new(),
        }
    }
    o.lead
        .iter()
        .chain(&o.coordinating)
        .chain(&o.performers)
        .chain(stage_parties(&o.schedule))
        .collect()
}

/// What was checked by hand for one plan.
struct Expected {
    dir: &'static str,
    id: &'static str,
    number: Option<&'static str>,
    issue_date: Option<&'static str>,
    /// Obligation id and the name of its first lead (None: the plan names performers only).
    obligations: &'static [(&'static str, Option<&'static str>)],
    /// (obligation id, stage id, date, bound) of every dated deadline.
    deadlines: &'static [(&'static str, Option<&'static str>, &'static str, Bound)],
    /// Periodic report: id, due month, due day, recipient, via.
    report: (&'static str, u32, u32, &'static str, &'static str),
}

const EXPECTED: &[Expected] = &[
    Expected {
        dir: "vinh-long",
        id: "vinh-long-144-KH-UBND",
        number: Some("144/KH-UBND"),
        issue_date: Some("2026-04-16"),
        obligations: &[
            ("II.1", Some("Công an tỉnh")),
            ("II.2", Some("Công an tỉnh")),
            ("II.3", None),
            ("II.4.a", Some("Công an tỉnh")),
            ("II.4.b", Some("Bộ Chỉ huy Quân sự tỉnh")),
            ("II.4.c", Some("Công an tỉnh")),
            ("II.5", Some("Công an tỉnh")),
            ("II.6", Some("Công an tỉnh")),
            ("IV.1", None),
        ],
        deadlines: &[("II.3", None, "2026-04-20", Bound::Before)],
        report: ("IV.1", 11, 15, "Ủy ban nhân dân tỉnh", "Công an tỉnh"),
    },
    Expected {
        dir: "can-tho",
        id: "can-tho-qd-kh",
        number: None,
        issue_date: None,
        obligations: &[
            ("II.1", Some("Công an thành phố")),
            ("II.2", Some("Công an thành phố")),
            ("II.3", Some("Công an thành phố")),
            ("II.4", Some("Công an thành phố")),
            ("IV.1", None),
            ("IV.3", None),
        ],
        deadlines: &[
            (
                "II.1",
                Some("cong-an-thanh-pho"),
                "2026-06-30",
                Bound::NoLaterThan,
            ),
            ("II.1", Some("so-nganh"), "2026-07-01", Bound::Before),
            ("II.1", Some("xa-phuong"), "2026-07-01", Bound::Before),
        ],
        report: (
            "IV.3",
            11,
            15,
            "Công an thành phố",
            "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
        ),
    },
    Expected {
        dir: "hung-yen",
        id: "hung-yen-draft",
        number: None,
        issue_date: None,
        obligations: &[
            ("II.1", Some("Công an tỉnh")),
            ("II.2", Some("Công an tỉnh")),
            ("II.3", Some("Công an tỉnh")),
            ("II.4", Some("Công an tỉnh")),
            ("IV.1", None),
        ],
        deadlines: &[("II.3", None, "2026-04-10", Bound::Before)],
        report: (
            "IV.1",
            12,
            5,
            "UBND tỉnh",
            "Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao, Công an tỉnh",
        ),
    },
];

#[test]
fn every_example_directory_is_covered() {
    let found: BTreeSet<String> = fs::read_dir(examples_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("plan.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = EXPECTED.iter().map(|e| e.dir.to_string()).collect();
    assert_eq!(found, expected);
    for dir in &found {
        assert!(
            examples_dir().join(dir).join("registry.json").is_file(),
            "{dir} has no registry.json"
        );
    }
}

#[test]
fn plans_match_what_was_checked_by_hand() {
    for e in EXPECTED {
        let (plan, _) = load_plan(e.dir);
        assert_eq!(plan.id, e.id);
        assert_eq!(plan.number.as_deref(), e.number, "{}", e.id);
        assert_eq!(plan.issue_date, e.issue_date.map(date), "{}", e.id);
        assert_eq!(
            plan.law_effective_date,
            Some(date("2026-07-01")),
            "{}",
            e.id
        );
        assert!(
            plan.warnings.is_empty(),
            "{}: hand-written plans carry no warnings",
            e.id
        );
        assert!(plan.legal_basis.iter().any(
            |r| r.number.as_deref() == Some("437/QĐ-TTg") && r.date == Some(date("2026-03-16"))
        ));

        let ids: Vec<&str> = plan.obligations.iter().map(|o| o.id.as_str()).collect();
        let want: Vec<&str> = e.obligations.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, want, "{}: obligation ids in plan order", e.id);

        for (o, (id, lead)) in plan.obligations.iter().zip(e.obligations) {
            assert_eq!(
                o.lead.first().map(|a| a.name()),
                *lead,
                "{}: first lead of {id}",
                e.id
            );
            assert!(
                !o.responsible().is_empty(),
                "{}: {id} has nobody responsible",
                e.id
            );
        }

        let got: Vec<(&str, Option<&str>, NaiveDate, Bound)> = plan
            .obligations
            .iter()
            .flat_map(|o| {
                deadlines(&o.schedule)
                    .into_iter()
                    .map(move |(stage, d)| (o.id.as_str(), stage, d.date, d.bound))
            })
            .collect();
        let want: Vec<(&str, Option<&str>, NaiveDate, Bound)> = e
            .deadlines
            .iter()
            .map(|(id, stage, d, b)| (*id, *stage, date(d), *b))
            .collect();
        assert_eq!(got, want, "{}: dated deadlines", e.id);

        // The agencies' yearly report, with its due day and an ad hoc part. (Cần Thơ also has
        // IV.1: the city police's own report to the People's Committee, with no stated period.)
        let (id, month, day, recipient, via) = e.report;
        let r = plan.obligation(id).expect("report obligation");
        assert_eq!(r.kind, ObligationKind::PeriodicReport, "{}", e.id);
        let Schedule::Combined { parts } = &r.schedule else {
            panic!("{}: {id} schedule is {}", e.id, r.schedule.type_name())
        };
        match parts.as_slice() {
            [Schedule::Recurring {
                every: Frequency::Yearly,
                due: Some(due),
                from_year: 2026,
                until_year: None,
            }, Schedule::EventTriggered { trigger, .. }] => {
                assert_eq!(
                    (due.month, due.day, due.bound),
                    (Some(month), day, Bound::Before)
                );
                assert_eq!(trigger.event.as_str(), "request");
            }
            other => panic!("{}: {id} parts {other:?}", e.id),
        }
        let rep = r.reporting.as_ref().expect("reporting");
        assert_eq!(rep.recipient.name(), recipient);
        assert_eq!(rep.via.as_ref().map(|v| v.name()), Some(via));
        assert!(!r.performers.is_empty() && r.lead.is_empty());
        assert!(r.performers.iter().all(|p| p.as_group().is_some()));
    }
}

#[test]
fn quoted_source_text_is_the_original_lines() {
    for e in EXPECTED {
        let (plan, _) = load_plan(e.dir);
        let text = read(&plan_text_path(&plan.id));
        let lines: Vec<&str> = text.split('\n').collect();
        for o in &plan.obligations {
            let all = spans(o);
            assert!(o.source.is_some(), "{}: {} has no source", e.id, o.id);
            for s in all {
                assert!(1 <= s.line_start && s.line_start <= s.line_end);
                assert!((s.line_end as usize) <= lines.len());
                let want = lines[s.line_start as usize - 1..s.line_end as usize].join("\n");
                assert_eq!(
                    s.text, want,
                    "{}: {} lines {}-{}",
                    e.id, o.id, s.line_start, s.line_end
                );
                // Blocks start and end on text, not blank lines.
                assert!(!lines[s.line_start as usize - 1].trim().is_empty());
                assert!(!lines[s.line_end as usize - 1].trim().is_empty());
            }
        }
    }
}

#[test]
fn files_are_canonical_nfc_json() {
    for e in EXPECTED {
        let (plan, raw) = load_plan(e.dir);
        assert!(is_nfc(&raw), "{}: plan.json is not NFC", e.id);
        // Written in the model's own field order and pretty form, so a re-serialisation is identical.
        let again = serde_json::to_string_pretty(&plan).unwrap() + "\n";
        assert!(again == raw, "{}: plan.json is not in canonical form", e.id);
        let (_, raw) = load_registry(e.dir);
        assert!(is_nfc(&raw), "{}: registry.json is not NFC", e.dir);
    }
}

#[test]
fn registries_are_small_and_cover_the_named_agencies() {
    for e in EXPECTED {
        let (reg, _) = load_registry(e.dir);
        let (plan, _) = load_plan(e.dir);
        assert!(reg.agencies.len() <= 30, "{}", e.dir);

        // Names and aliases are unique keys: no two agencies share one (an alias may be
        // another way of writing its own agency's name, `Sở KH&CN`).
        let mut keys = BTreeMap::new();
        for a in &reg.agencies {
            for n in std::iter::once(&a.name).chain(&a.aliases) {
                let owner = keys.entry(fold_key(n)).or_insert(&a.name);
                assert_eq!(*owner, &a.name, "{}: duplicate key {n}", e.dir);
            }
        }

        let groups = |name: &str| {
            let a = reg
                .agencies
                .iter()
                .find(|a| a.name == name)
                .unwrap_or_else(|| panic!("{}: no {name}", e.dir));
            a.effective_groups().into_owned()
        };
        let police = if e.dir == "can-tho" {
            "Công an thành phố"
        } else {
            "Công an tỉnh"
        };
        let military = if e.dir == "can-tho" {
            "Bộ Chỉ huy Quân sự thành phố"
        } else {
            "Bộ Chỉ huy Quân sự tỉnh"
        };
        assert!(
            reg.agencies
                .iter()
                .any(|a| a.name == police && a.groups == Some(vec![]))
                && groups(police).is_empty(),
            "{}: {police} is in no group",
            e.dir
        );
        assert!(!groups(military).contains(&AgencyGroup::Departments));

        let count = |g: AgencyGroup| {
            reg.agencies
                .iter()
                .filter(|a| a.effective_groups().contains(&g))
                .count()
        };
        assert!(count(AgencyGroup::Departments) >= 11, "{}", e.dir);
        assert!(
            (6..=10).contains(&count(AgencyGroup::Communes)),
            "{}",
            e.dir
        );
        assert_eq!(count(AgencyGroup::Press), 1, "{}", e.dir);
        // Explicit groups everywhere (the police explicitly none).
        for a in &reg.agencies {
            if a.name != police {
                assert!(
                    a.groups.as_ref().is_some_and(|g| !g.is_empty()),
                    "{}: {} has no explicit groups",
                    e.dir,
                    a.name
                );
            }
        }

        // Every concrete agency a task names (lead, coordinating, performers, stage parties) is
        // in the registry under its name or an alias.
        for o in &plan.obligations {
            for p in parties(o) {
                if let AgencyRef::Agency { name, .. } = p {
                    let key = fold_key(name);
                    assert!(
                        reg.agencies.iter().any(|a| fold_key(&a.name) == key
                            || a.aliases.iter().any(|al| fold_key(al) == key)),
                        "{}: {} names {name}, not in the registry",
                        e.dir,
                        o.id
                    );
                }
            }
        }
    }
}
