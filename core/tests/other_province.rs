//! A plan written the way another province might write it (synthetic, in the same administrative
//! style): `a.` letters, `Đơn vị chủ trì/thực hiện`, `Thời hạn`, `;` separators, `chậm nhất
//! ngày`, quarters, staged deadlines, a prose task, a quarterly and yearly report, a header table.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use chrono::NaiveDate;
use tuanthu::ingest::{parse_plan, ParseOptions};
use tuanthu::model::{AgencyGroup, Bound, Frequency, ObligationKind, Plan, Schedule, Severity};
use unicode_normalization::UnicodeNormalization;

fn plan() -> Plan {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/plans/synthetic-other-province.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    parse_plan(&text, &ParseOptions::for_file(path)).plan
}

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn names(v: &[tuanthu::model::AgencyRef]) -> Vec<&str> {
    v.iter().map(|a| a.name()).collect()
}

fn once(s: &Schedule) -> (NaiveDate, Bound) {
    match s {
        Schedule::Once { deadline } => (deadline.date, deadline.bound),
        other => panic!("not once: {other:?}"),
    }
}

#[test]
fn header() {
    let p = plan();
    assert_eq!(p.id, "synthetic-other-province");
    assert_eq!(p.number.as_deref(), Some("215/KH-UBND"));
    assert_eq!(p.issuer.as_deref(), Some("Ủy ban nhân dân tỉnh Tây Ninh"));
    assert_eq!(p.jurisdiction.as_deref(), Some("Tây Ninh"));
    assert_eq!(p.issue_date, Some(d(2026, 5, 5)));
    assert_eq!(
        p.title,
        "Thực hiện Luật An ninh mạng trên địa bàn tỉnh Tây Ninh năm 2026"
    );
    assert_eq!(p.law_effective_date, Some(d(2026, 7, 1)));
    let numbers: Vec<_> = p
        .legal_basis
        .iter()
        .filter_map(|r| r.number.as_deref())
        .collect();
    assert_eq!(numbers, vec!["116/2025/QH15", "437/QĐ-TTg"]);
}

#[test]
fn obligations() {
    let p = plan();
    let ids: Vec<&str> = p.obligations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["II.1", "II.2", "II.3", "II.4.a", "II.4.b", "II.5", "II.6", "II.7", "IV.1"]
    );

    let o = p.obligation("II.1").unwrap();
    assert_eq!(names(&o.lead), vec!["Sở Tư pháp"]);
    assert_eq!(
        names(&o.coordinating),
        vec![
            "Công an tỉnh",
            "Sở Văn hóa, Thể thao và Du lịch",
            "Báo và Phát thanh, Truyền hình tỉnh",
            "UBND các xã, phường, đặc khu"
        ]
    );
    assert_eq!(once(&o.schedule), (d(2026, 6, 30), Bound::NoLaterThan));

    let o = p.obligation("II.2").unwrap();
    assert_eq!(
        names(&o.performers),
        vec!["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"]
    );
    let Schedule::Combined { parts } = &o.schedule else {
        panic!("{:?}", o.schedule)
    };
    assert_eq!(once(&parts[0]), (d(2026, 6, 30), Bound::NoLaterThan));
    assert!(matches!(
        parts[1],
        Schedule::Ongoing {
            from_year: 2026,
            ..
        }
    ));

    let o = p.obligation("II.3").unwrap();
    assert_eq!(o.performers.len(), 3);
    assert_eq!(o.performers[0].as_group(), Some(AgencyGroup::Departments));
    let Schedule::Staged { stages } = &o.schedule else {
        panic!("{:?}", o.schedule)
    };
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0].deadline.date, d(2026, 4, 13));
    assert_eq!(
        stages[0].recipient.as_ref().map(|r| r.name()),
        Some("Công an tỉnh")
    );
    assert_eq!(names(&stages[1].parties), vec!["Công an tỉnh"]);
    assert_eq!(
        stages[1].recipient.as_ref().map(|r| r.name()),
        Some("Bộ Công an")
    );

    let o = p.obligation("II.4.a").unwrap();
    assert_eq!(names(&o.lead), vec!["Công an tỉnh"]);
    assert!(
        matches!(&o.schedule, Schedule::EventTriggered { trigger, .. } if trigger.event.as_str() == "draft_published")
    );
    let o = p.obligation("II.4.b").unwrap();
    assert_eq!(names(&o.lead), vec!["Bộ Chỉ huy Quân sự tỉnh"]);
    assert!(
        matches!(&o.schedule, Schedule::EventTriggered { trigger, .. } if trigger.event.as_str() == "request")
    );

    let o = p.obligation("II.5").unwrap();
    assert!(matches!(
        &o.schedule,
        Schedule::EventTriggered { trigger, within_days: Some(30) } if trigger.event.as_str() == "decree_issued"
    ));
    let o = p.obligation("II.6").unwrap();
    assert_eq!(once(&o.schedule), (d(2027, 3, 31), Bound::NoLaterThan));

    // A task written as a sentence.
    let o = p.obligation("II.7").unwrap();
    assert_eq!(names(&o.lead), vec!["Sở Nội vụ"]);
    assert_eq!(names(&o.coordinating), vec!["Công an tỉnh"]);
    assert_eq!(once(&o.schedule), (d(2026, 7, 31), Bound::Before));

    // Quarterly and yearly report.
    let o = p.obligation("IV.1").unwrap();
    assert_eq!(o.kind, ObligationKind::PeriodicReport);
    assert_eq!(o.performers.len(), 2);
    let rep = o.reporting.as_ref().unwrap();
    assert_eq!(rep.recipient.name(), "Ủy ban nhân dân tỉnh");
    assert_eq!(rep.via.as_ref().map(|v| v.name()), Some("Công an tỉnh"));
    let Schedule::Combined { parts } = &o.schedule else {
        panic!("{:?}", o.schedule)
    };
    match &parts[0] {
        Schedule::Recurring {
            every: Frequency::Quarterly,
            due: Some(due),
            from_year: 2026,
            ..
        } => {
            assert_eq!((due.month, due.day, due.bound), (None, 20, Bound::Before));
        }
        other => panic!("{other:?}"),
    }
    match &parts[1] {
        Schedule::Recurring {
            every: Frequency::Yearly,
            due: Some(due),
            ..
        } => {
            assert_eq!((due.month, due.day), (Some(12), 10));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn warnings_name_what_was_not_known() {
    let p = plan();
    let unknown: Vec<_> = p
        .warnings
        .iter()
        .filter(|w| w.code == "unknown_agency")
        .collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(
        unknown[0].text.as_deref(),
        Some("Ban Quản lý dự án Đầu tư xây dựng tỉnh")
    );
    assert_eq!(unknown[0].line, 29);
    assert!(p
        .warnings
        .iter()
        .all(|w| w.severity != Some(Severity::Error)));
}

#[test]
fn nfd_and_crlf_read_the_same() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/plans/synthetic-other-province.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let nfd: String = text.nfd().collect::<String>().replace('\n', "\r\n");
    let a = parse_plan(&text, &ParseOptions::new("x")).plan;
    let b = parse_plan(&nfd, &ParseOptions::new("x")).plan;
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

/// A Markdown conversion with the header as a table and the tasks in an appendix table.
#[test]
fn appendix_task_table() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/plans/synthetic-appendix-table.md"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let p = parse_plan(&text, &ParseOptions::for_file(path)).plan;
    assert_eq!(p.number.as_deref(), Some("88/KH-UBND"));
    assert_eq!(p.issuer.as_deref(), Some("Ủy ban nhân dân tỉnh Quảng Trị"));
    assert_eq!(p.issue_date, Some(d(2026, 6, 2)));
    assert_eq!(p.title, "Triển khai thi hành Luật An ninh mạng");
    let ids: Vec<&str> = p.obligations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, vec!["III.1", "PL.I.1", "PL.I.2", "PL.II.1", "PL.II.2"]);

    let o = p.obligation("III.1").unwrap();
    assert_eq!(o.kind, ObligationKind::PeriodicReport);
    assert_eq!(o.performers.len(), 2);
    assert_eq!(
        o.reporting.as_ref().unwrap().recipient.name(),
        "Công an tỉnh"
    );
    let Schedule::Combined { parts } = &o.schedule else {
        panic!("{:?}", o.schedule)
    };
    assert!(
        matches!(&parts[0], Schedule::Recurring { every: Frequency::HalfYearly, due: Some(d), .. } if d.day == 10 && d.month.is_none())
    );
    assert!(
        matches!(&parts[1], Schedule::Recurring { every: Frequency::Yearly, due: Some(d), .. } if d.day == 10 && d.month == Some(12))
    );

    let o = p.obligation("PL.I.2").unwrap();
    assert_eq!(o.title, "Rà soát văn bản quy phạm pháp luật");
    assert_eq!(names(&o.lead), vec!["Sở Tư pháp"]);
    assert_eq!(o.coordinating[0].as_group(), Some(AgencyGroup::Departments));
    assert_eq!(once(&o.schedule), (d(2026, 9, 30), Bound::NoLaterThan));
    assert_eq!(o.products, vec!["Báo cáo rà soát"]);
    assert_eq!(o.source.as_ref().unwrap().line_start, 37);

    let o = p.obligation("PL.II.1").unwrap();
    assert!(matches!(
        &o.schedule,
        Schedule::EventTriggered {
            within_days: Some(60),
            ..
        }
    ));
}

/// Duties grouped by agency (`1. Công an thành phố:` then dated bullets), a task in one
/// sentence, two labels on one line, a report section titled `CHẾ ĐỘ BÁO CÁO`.
#[test]
fn agency_first_layout() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/plans/synthetic-agency-first.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let p = parse_plan(&text, &ParseOptions::for_file(path)).plan;
    assert_eq!(
        p.issuer.as_deref(),
        Some("Ủy ban nhân dân thành phố Hải Phòng")
    );
    assert_eq!(p.number.as_deref(), Some("301/KH-UBND"));
    assert_eq!(p.issue_date, Some(d(2026, 5, 12)));
    let ids: Vec<&str> = p.obligations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, vec!["II.1.1", "II.1.2", "II.2", "II.3", "III.p1"]);

    let o = p.obligation("II.1.1").unwrap();
    assert_eq!(names(&o.lead), vec!["Công an thành phố"]);
    assert_eq!(once(&o.schedule), (d(2026, 9, 30), Bound::NoLaterThan));
    let o = p.obligation("II.1.2").unwrap();
    assert_eq!(names(&o.lead), vec!["Công an thành phố"]);
    assert_eq!(names(&o.coordinating), vec!["Sở Tư pháp"]);
    assert!(matches!(
        o.schedule,
        Schedule::Ongoing {
            from_year: 2026,
            ..
        }
    ));
    // The undated bullet is reported, not silently dropped.
    assert!(p
        .warnings
        .iter()
        .any(|w| w.code == "duty_without_timeline" && w.line == 20));

    let o = p.obligation("II.2").unwrap();
    assert_eq!(names(&o.lead), vec!["Sở Tư pháp"]);
    assert_eq!(names(&o.coordinating), vec!["Công an thành phố"]);
    assert_eq!(once(&o.schedule), (d(2026, 9, 30), Bound::Before));

    let o = p.obligation("II.3").unwrap();
    assert_eq!(names(&o.lead), vec!["Công an thành phố"]);
    assert_eq!(once(&o.schedule), (d(2026, 8, 31), Bound::NoLaterThan));

    let o = p.obligation("III.p1").unwrap();
    assert_eq!(o.kind, ObligationKind::PeriodicReport);
    assert_eq!(o.performers.len(), 2);
    let rep = o.reporting.as_ref().unwrap();
    assert_eq!(rep.recipient.name(), "Ủy ban nhân dân thành phố");
    assert_eq!(
        rep.via.as_ref().map(|v| v.name()),
        Some("Công an thành phố")
    );
    let Schedule::Combined { parts } = &o.schedule else {
        panic!("{:?}", o.schedule)
    };
    assert!(
        matches!(&parts[0], Schedule::Recurring { every: Frequency::Yearly, due: Some(d), from_year: 2026, .. } if d.month == Some(11) && d.day == 20)
    );
    assert!(matches!(&parts[1], Schedule::EventTriggered { .. }));
}

/// The shared plans with their province's name replaced by another's read the same, and the
/// header names the new province whole: a name of two towns joined by a dash (`Bà Rịa - Vũng
/// Tàu`, as provinces were named before 2025 and may still be in a quoted document) included.
#[test]
fn another_province_name_is_read_whole() {
    let plans = [
        ("vinh-long-144-KH-UBND", "Vĩnh Long"),
        ("hung-yen-draft", "Hưng Yên"),
        ("can-tho-qd-kh", "Cần Thơ"),
    ];
    let others = [
        "Tây Ninh",
        "Thừa Thiên Huế",
        "Bà Rịa - Vũng Tàu",
        "Bà Rịa – Vũng Tàu",
        "Bà Rịa-Vũng Tàu",
        "Phan Rang - Tháp Chàm",
        "Đắk Lắk",
        "Khánh Hòa",
    ];
    for (file, own) in plans {
        let path = format!("{}/tests/data/plans/{file}.txt", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let original = parse_plan(&text, &ParseOptions::new("p")).plan;
        let before = serde_json::to_string(&original.obligations).unwrap();
        for other in others {
            let swap = |s: &str| {
                s.replace(own, other)
                    .replace(&own.to_uppercase(), &other.to_uppercase())
            };
            let p = parse_plan(&swap(&text), &ParseOptions::new("p")).plan;
            assert_eq!(p.jurisdiction.as_deref(), Some(other), "{file} as {other}");
            let issuer = p.issuer.as_deref().unwrap_or_default();
            assert!(issuer.ends_with(other), "{file} as {other}: {issuer}");
            let after = serde_json::to_string(&p.obligations).unwrap();
            assert_eq!(after, swap(&before), "{file} as {other}: obligations");
        }
    }
}
