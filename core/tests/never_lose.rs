//! Never invent, never lose: report routes however long the words before the recipient, agency
//! lists with unknown items kept (with a warning), per-line coverage of the plan text, and dates
//! only from timeline phrases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use tuanthu::ingest::{parse_plan, ParseOptions};
use tuanthu::model::{AgencyRef, Obligation, ObligationKind, Plan, Severity, WarningCode};

/// A small plan whose section IV item is `report`, and whose one task has `lead` as its lead field.
fn plan_with(lead: &str, report: &str) -> Plan {
    let text = format!(
        "ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nSố: 12/KH-UBND\nTây Ninh, ngày 20 tháng 4 năm 2026\n\
         KẾ HOẠCH\nTriển khai thi hành Luật An ninh mạng\n\
         I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nTriển khai kịp thời, đồng bộ Luật An ninh mạng.\n\
         II. NHIỆM VỤ\n1. Rà soát văn bản\n- Cơ quan chủ trì: {lead}\n- Thời hạn: chậm nhất ngày 30/6/2026.\n\
         III. KINH PHÍ\nKinh phí từ ngân sách nhà nước.\n\
         IV. TỔ CHỨC THỰC HIỆN\n1. {report}\n"
    );
    parse_plan(&text, &ParseOptions::new("t")).plan
}

/// [`plan_with`] the lead field `lead` and a plain yearly report.
fn with_lead(lead: &str) -> Plan {
    plan_with(lead, "Hằng năm, trước ngày 15/11 báo cáo về Công an tỉnh.")
}

fn report(p: &Plan) -> &Obligation {
    p.obligations
        .iter()
        .find(|o| o.kind == ObligationKind::PeriodicReport)
        .unwrap_or_else(|| panic!("no report in {:#?}", p.obligations))
}

fn codes(p: &Plan, code: WarningCode) -> Vec<&tuanthu::model::IngestWarning> {
    p.warnings
        .iter()
        .filter(|w| w.code == code.as_str())
        .collect()
}

/// The words before the recipient may be few or many: recipient, via and onward are read alike.
#[test]
fn report_route_whatever_stands_before_the_recipient() {
    let objects = [
        "",
        "kết quả ",
        "kết quả thực hiện ",
        "kết quả thực hiện Kế hoạch ",
        "kết quả thực hiện Kế hoạch triển khai thi hành Luật An ninh mạng trên địa bàn tỉnh ",
        "tình hình, kết quả triển khai thực hiện các nhiệm vụ được giao tại Kế hoạch này và những khó khăn, vướng mắc ",
    ];
    for obj in objects {
        let sentence = format!(
            "Các sở, ban, ngành tỉnh, UBND các xã, phường hằng năm, trước ngày 15/11 báo cáo {obj}về \
             Ủy ban nhân dân tỉnh (qua Công an tỉnh) để tổng hợp, báo cáo Bộ Công an."
        );
        let p = plan_with("Công an tỉnh.", &sentence);
        let r = report(&p)
            .reporting
            .as_ref()
            .unwrap_or_else(|| panic!("{sentence}"));
        assert_eq!(r.recipient.name(), "Ủy ban nhân dân tỉnh", "{sentence}");
        assert_eq!(
            r.via.as_ref().map(AgencyRef::name),
            Some("Công an tỉnh"),
            "{sentence}"
        );
        assert_eq!(
            r.onward.as_ref().map(AgencyRef::name),
            Some("Bộ Công an"),
            "{sentence}"
        );
        assert!(
            codes(&p, WarningCode::RecipientChosen).is_empty(),
            "{sentence}"
        );
    }
}

/// A report sent to several bodies keeps them all: those listed with the recipient in `also_to`,
/// those listed with the onward body in `onward_also`; a body that starts the next clause is
/// neither.
#[test]
fn every_body_a_report_goes_to_is_kept() {
    let names = |v: &[AgencyRef]| v.iter().map(|a| a.name().to_string()).collect::<Vec<_>>();
    for (sentence, to, also, onward_also) in [
        (
            "Hằng năm, trước ngày 15/11, các sở báo cáo về Sở Tư pháp và Công an tỉnh.",
            "Sở Tư pháp",
            vec!["Công an tỉnh"],
            vec![],
        ),
        (
            "Hằng năm, Công an tỉnh tổng hợp, báo cáo UBND tỉnh, Bộ Công an trước ngày 15/12.",
            "Ủy ban nhân dân tỉnh",
            vec!["Bộ Công an"],
            vec![],
        ),
        (
            "Hằng năm, trước ngày 15/11, các sở báo cáo về Ủy ban nhân dân tỉnh (qua Công an tỉnh) \
             để tổng hợp, báo cáo Bộ Công an, Thủ tướng Chính phủ.",
            "Ủy ban nhân dân tỉnh",
            vec![],
            vec!["Thủ tướng Chính phủ"],
        ),
        (
            "Hằng năm, trước ngày 15/11, các sở báo cáo về Công an tỉnh, Sở Tư pháp phối hợp theo dõi.",
            "Công an tỉnh",
            vec![],
            vec![],
        ),
    ] {
        let p = plan_with("Công an tỉnh.", sentence);
        let r = report(&p)
            .reporting
            .as_ref()
            .unwrap_or_else(|| panic!("{sentence}"));
        assert_eq!(r.recipient.name(), to, "{sentence}");
        assert_eq!(names(&r.also_to), also, "{sentence}");
        assert_eq!(names(&r.onward_also), onward_also, "{sentence}");
        assert!(
            codes(&p, WarningCode::RecipientChosen).is_empty(),
            "{sentence}: {:#?}",
            p.warnings
        );
    }
}

/// The person who heads the recipient (`báo cáo Chủ tịch UBND tỉnh`) and an aside in
/// parentheses before the direction word (`gửi báo cáo (bằng văn bản) về X`) leave the recipient
/// as it is.
#[test]
fn a_role_or_an_aside_before_the_recipient() {
    for sentence in [
        "Hằng năm, trước ngày 15/11, các sở báo cáo Chủ tịch UBND tỉnh kết quả thực hiện.",
        "Hằng năm, trước ngày 15/11, các sở gửi báo cáo (bằng văn bản và qua hệ thống thông tin \
         báo cáo) về UBND tỉnh.",
        "Hằng năm, trước ngày 15/11, các sở gửi báo cáo về Chủ tịch Ủy ban nhân dân tỉnh.",
    ] {
        let p = plan_with("Công an tỉnh.", sentence);
        let r = report(&p)
            .reporting
            .as_ref()
            .unwrap_or_else(|| panic!("{sentence}: {:#?}", p.warnings));
        assert_eq!(r.recipient.name(), "Ủy ban nhân dân tỉnh", "{sentence}");
        assert!(codes(&p, WarningCode::NoRecipient).is_empty(), "{sentence}");
    }
}

/// `(qua Y)` written after the verb, before the recipient, is the route's via: it used to be
/// dropped with no warning.
#[test]
fn a_via_written_before_the_recipient_is_kept() {
    for sentence in [
        "Các cơ quan, đơn vị báo cáo kết quả thực hiện (qua Công an tỉnh) trước ngày 10/12 hằng năm để tổng hợp báo cáo UBND tỉnh.",
        "Các sở, ngành gửi báo cáo (thông qua Công an tỉnh) về UBND tỉnh trước ngày 10/12 hằng năm.",
    ] {
        let p = plan_with("Công an tỉnh.", sentence);
        let r = report(&p)
            .reporting
            .as_ref()
            .unwrap_or_else(|| panic!("{sentence}"));
        assert_eq!(r.recipient.name(), "Ủy ban nhân dân tỉnh", "{sentence}");
        assert_eq!(
            r.via.as_ref().map(AgencyRef::name),
            Some("Công an tỉnh"),
            "{sentence}"
        );
    }
}

#[test]
fn report_without_onward_or_via() {
    let p = plan_with(
        "Công an tỉnh.",
        "Hằng năm, trước ngày 15/11, các sở, ban, ngành tỉnh báo cáo kết quả thực hiện về Công an tỉnh.",
    );
    let r = report(&p)
        .reporting
        .as_ref()
        .unwrap_or_else(|| panic!("no route"));
    assert_eq!(r.recipient.name(), "Công an tỉnh");
    assert!(r.via.is_none() && r.onward.is_none());
    // Absent fields are not written: plans without an onward body serialise as before.
    let json = serde_json::to_string(r).unwrap_or_default();
    assert!(!json.contains("onward") && !json.contains("via"), "{json}");
}

/// Two bodies the same report is sent to, neither passing it on: the first is taken, with a
/// warning naming the other.
#[test]
fn recipient_chosen_among_several_is_a_warning() {
    let p = plan_with(
        "Công an tỉnh.",
        "Hằng năm, trước ngày 15/11, các sở, ban, ngành tỉnh báo cáo kết quả về Sở Tư pháp và gửi về Công an tỉnh.",
    );
    assert_eq!(
        report(&p).reporting.as_ref().map(|r| r.recipient.name()),
        Some("Sở Tư pháp")
    );
    let w = codes(&p, WarningCode::RecipientChosen);
    assert_eq!(w.len(), 1, "{:#?}", p.warnings);
    assert_eq!(w[0].severity, Some(Severity::Warning));
    assert!(w[0].message.contains("Công an tỉnh"));
}

/// An unknown item of a lead field is kept as a lead, with a warning on the field's line.
#[test]
fn unknown_agency_in_a_field_is_kept_with_a_warning() {
    for (lead, want) in [
        (
            "Hiệp hội Doanh nghiệp tỉnh, Sở Tư pháp, Công an tỉnh.",
            vec!["Hiệp hội Doanh nghiệp tỉnh", "Sở Tư pháp", "Công an tỉnh"],
        ),
        (
            "Sở Tư pháp, Hiệp hội Doanh nghiệp tỉnh, Công an tỉnh.",
            vec!["Sở Tư pháp", "Hiệp hội Doanh nghiệp tỉnh", "Công an tỉnh"],
        ),
        (
            "Sở Tư pháp, Công an tỉnh và Hiệp hội Doanh nghiệp tỉnh.",
            vec!["Sở Tư pháp", "Công an tỉnh", "Hiệp hội Doanh nghiệp tỉnh"],
        ),
    ] {
        let p = with_lead(lead);
        let task = &p.obligations[0];
        let got: Vec<&str> = task.lead.iter().map(AgencyRef::name).collect();
        assert_eq!(got, want, "{lead}");
        let w = codes(&p, WarningCode::UnknownAgency);
        assert_eq!(w.len(), 1, "{lead}: {:#?}", p.warnings);
        assert_eq!(w[0].severity, Some(Severity::Warning));
        assert_eq!(w[0].line, 11, "the lead field's line");
        assert_eq!(w[0].text.as_deref(), Some("Hiệp hội Doanh nghiệp tỉnh"));
    }
}

fn parse(text: &str) -> Plan {
    parse_plan(text, &ParseOptions::new("t")).plan
}

const HEAD: &str = "ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nSố: 12/KH-UBND\nTây Ninh, ngày 20 tháng 4 năm 2026\nKẾ HOẠCH\nTriển khai thi hành Luật An ninh mạng\n";

/// The three shared plans: every line accounted for, and the figures add up.
#[test]
fn shared_plans_are_fully_accounted_for() {
    for name in ["vinh-long-144-KH-UBND", "hung-yen-draft", "can-tho-qd-kh"] {
        let path = format!("{}/tests/data/plans/{name}.txt", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let p = parse(&text);
        let c = p
            .coverage
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no coverage"));
        let non_empty = text.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(c.lines as usize, non_empty, "{name}");
        assert_eq!(c.accounted, c.lines, "{name}: {:?}", c.unaccounted_lines);
        assert!(
            codes(&p, WarningCode::TextNotAccounted).is_empty(),
            "{name}"
        );
    }
}

/// An undated duty written as an unnumbered paragraph of a task section is part of no
/// obligation: it is said, on its first line, once per run of lines (blank lines do not end a
/// run), and the figure shows it.
#[test]
fn a_paragraph_read_as_nothing_is_a_warning() {
    let text = format!(
        "{HEAD}I. MỤC ĐÍCH, YÊU CẦU\nTriển khai kịp thời.\nII. NHIỆM VỤ\n\
         Sở Tư pháp tổ chức phổ biến Luật cho cán bộ,\n\ncông chức trên địa bàn tỉnh.\n\
         1. Rà soát văn bản\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: chậm nhất ngày 30/6/2026.\n\
         III. GIẢI PHÁP\nCác sở chủ động bố trí cán bộ.\n\
         1. Tập huấn\n- Cơ quan chủ trì: Sở Nội vụ.\n- Thời hạn: quý III/2026.\n"
    );
    let p = parse(&text);
    assert_eq!(p.obligations.len(), 2, "{:#?}", p.obligations);
    let c = p.coverage.as_ref().unwrap_or_else(|| panic!("no coverage"));
    let w = codes(&p, WarningCode::TextNotAccounted);
    let lines: Vec<u32> = w.iter().map(|x| x.line).collect();
    assert_eq!(lines, vec![9, 16], "{:#?}", p.warnings);
    assert!(w.iter().all(|x| x.severity == Some(Severity::Warning)));
    assert!(w[0]
        .text
        .as_deref()
        .is_some_and(|t| t.contains("công chức")));
    assert_eq!(c.unaccounted_lines, vec![9, 11, 16]);
    assert_eq!(c.accounted + 3, c.lines);
}

/// Text between sections that nothing reads (here: under an unnumbered task section heading,
/// before any item) is reported as one run per stretch of lines.
#[test]
fn unaccounted_runs_are_one_warning_each() {
    let text = format!(
        "{HEAD}II. NHIỆM VỤ\nMột đoạn không có nhiệm vụ cụ thể.\n\n\
         1. Rà soát văn bản\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: chậm nhất ngày 30/6/2026.\n\
         IV. TỔ CHỨC THỰC HIỆN\nCác sở báo cáo khi có yêu cầu.\n"
    );
    let p = parse(&text);
    let c = p.coverage.as_ref().unwrap_or_else(|| panic!("no coverage"));
    let w = codes(&p, WarningCode::TextNotAccounted);
    assert_eq!(w.len(), 1, "{:#?}", p.warnings);
    assert_eq!(w[0].line, 7);
    assert_eq!(c.unaccounted_lines, vec![7]);
    assert_eq!(c.accounted + 1, c.lines);
}

/// Coverage is kept in the JSON, and a plan without it (hand-written) serialises without it.
#[test]
fn coverage_round_trips_and_is_optional() {
    let text = format!(
        "{HEAD}II. NHIỆM VỤ\n1. Rà soát văn bản\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: chậm nhất ngày 30/6/2026.\n"
    );
    let mut p = parse(&text);
    let json = serde_json::to_string(&p).unwrap_or_default();
    assert!(
        json.contains("\"coverage\":{\"lines\":9,\"accounted\":9}"),
        "{json}"
    );
    let back: Plan = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, p);
    p.coverage = None;
    let json = serde_json::to_string(&p).unwrap_or_default();
    assert!(!json.contains("coverage"));
}

/// Words after a party and a separator that name no party (the list is cut short there) are
/// said, with the words.
#[test]
fn a_list_cut_short_is_a_warning() {
    let p = with_lead("Công an tỉnh, phối hợp chặt chẽ với các cơ quan liên quan.");
    let lead: Vec<&str> = p.obligations[0].lead.iter().map(AgencyRef::name).collect();
    assert_eq!(lead, vec!["Công an tỉnh"]);
    let w = codes(&p, WarningCode::AgencyTextNotUnderstood);
    assert_eq!(w.len(), 1, "{:#?}", p.warnings);
    assert_eq!(w[0].line, 11);
    assert!(w[0].text.as_deref().is_some_and(|t| t.contains("phối hợp")));
}

/// Words glued to the last party of a field with no separator (`Sở Y tế làm đầu mối`), or a
/// qualifier after a separator that names no party, are said, with the words; a group's own
/// qualifier is kept in its name instead, and a parenthesis after a name is not a loss.
#[test]
fn words_glued_to_a_party_are_a_warning() {
    for (lead, kept, said) in [
        ("Sở Y tế làm đầu mối.", vec!["Sở Y tế"], Some("làm đầu mối")),
        (
            "Các trường đại học, cao đẳng trên địa bàn tỉnh.",
            vec!["các trường đại học"],
            Some("cao đẳng trên địa bàn tỉnh"),
        ),
        (
            "Các doanh nghiệp viễn thông trên địa bàn tỉnh.",
            vec!["các doanh nghiệp viễn thông trên địa bàn tỉnh"],
            None,
        ),
        (
            "Công an tỉnh (Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao).",
            vec!["Công an tỉnh"],
            None,
        ),
        ("Sở KH&CN.", vec!["Sở Khoa học và Công nghệ"], None),
        // A sentence glued to the lead is its work: left out, but said when it names parties.
        (
            "Công an tỉnh tham mưu UBND tỉnh, Sở Tư pháp thẩm định.",
            vec!["Công an tỉnh"],
            Some("tham mưu UBND tỉnh, Sở Tư pháp thẩm định"),
        ),
        (
            "Công an tỉnh rà soát các văn bản quy phạm pháp luật.",
            vec!["Công an tỉnh"],
            None,
        ),
        // A comma missing between two bodies: the second is said, never merged.
        (
            "Sở Tư pháp Công an tỉnh, Sở Y tế.",
            vec!["Sở Tư pháp", "Sở Y tế"],
            Some("Công an tỉnh"),
        ),
    ] {
        let p = with_lead(lead);
        let names: Vec<&str> = p.obligations[0].lead.iter().map(AgencyRef::name).collect();
        assert_eq!(names, kept, "{lead}");
        let w = codes(&p, WarningCode::AgencyTextNotUnderstood);
        match said {
            Some(words) => {
                assert_eq!(w.len(), 1, "{lead}: {:#?}", p.warnings);
                assert_eq!(w[0].line, 11, "{lead}");
                assert!(
                    w[0].text.as_deref().is_some_and(|t| t.contains(words)),
                    "{lead}: {:#?}",
                    w[0]
                );
            }
            None => assert!(w.is_empty(), "{lead}: {:#?}", p.warnings),
        }
    }
}

fn names(l: &[AgencyRef]) -> Vec<&str> {
    l.iter().map(AgencyRef::name).collect()
}

/// A lead field that goes on with `phối hợp (với) ...` names the coordinating parties: the
/// clause reads as a sentence, and the parties in it used to be dropped with no warning.
#[test]
fn a_coordination_clause_in_a_lead_field_names_the_coordinating_parties() {
    for (lead, coordinating, unknown) in [
        (
            "Sở Tư pháp chủ trì, phối hợp với Công an tỉnh và các cơ quan liên quan.",
            vec!["Công an tỉnh", "các cơ quan liên quan"],
            0,
        ),
        ("Sở Tư pháp, phối hợp với Công an tỉnh.", vec!["Công an tỉnh"], 0),
        (
            "Sở Tư pháp phối hợp Công an tỉnh, Sở Nội vụ.",
            vec!["Công an tỉnh", "Sở Nội vụ"],
            0,
        ),
        (
            "Sở Tư pháp chủ trì, phối hợp với Báo Tây Ninh, Đài Phát thanh và Truyền hình tỉnh tổ chức tuyên truyền.",
            vec!["Báo Tây Ninh", "Đài Phát thanh và Truyền hình tỉnh"],
            1,
        ),
        // No clause: nothing is read as coordinating.
        ("Sở Tư pháp; Công an tỉnh phối hợp.", vec![], 0),
    ] {
        let p = with_lead(lead);
        let o = &p.obligations[0];
        let expected_lead = if coordinating.is_empty() {
            vec!["Sở Tư pháp", "Công an tỉnh"]
        } else {
            vec!["Sở Tư pháp"]
        };
        assert_eq!(names(&o.lead), expected_lead, "{lead}");
        assert_eq!(names(&o.coordinating), coordinating, "{lead}");
        assert!(
            codes(&p, WarningCode::AgencyTextNotUnderstood).is_empty(),
            "{lead}: {:#?}",
            p.warnings
        );
        let said = codes(&p, WarningCode::UnknownAgency);
        assert_eq!(said.len(), unknown, "{lead}: {:#?}", p.warnings);
        assert!(said.iter().all(|w| w.line == 11), "{lead}");
    }
    // In a performer field: the party before `chủ trì` leads, those after `phối hợp` coordinate.
    let p = with_lead("Sở Tư pháp.");
    assert!(p.obligations[0].coordinating.is_empty());
    let text = "ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nSố: 12/KH-UBND\nTây Ninh, ngày 20 tháng 4 năm 2026\n\
         KẾ HOẠCH\nTriển khai thi hành Luật An ninh mạng\nII. NHIỆM VỤ\n1. Rà soát văn bản\n\
         - Cơ quan thực hiện: Các sở, ban, ngành tỉnh; Sở Nội vụ chủ trì, phối hợp với Công an tỉnh thực hiện\n\
         - Thời hạn: chậm nhất ngày 30/6/2026.\n";
    let o = parse_plan(text, &ParseOptions::new("t"))
        .plan
        .obligations
        .remove(0);
    assert_eq!(names(&o.lead), ["Sở Nội vụ"]);
    assert_eq!(names(&o.performers), ["các sở, ban, ngành tỉnh"]);
    assert_eq!(names(&o.coordinating), ["Công an tỉnh"]);
}

/// An enumeration that writes the head noun once (`các Sở: Tư pháp, Nội vụ`, `Sở Tư pháp, Nội
/// vụ`, `các Sở Tư pháp, Nội vụ`) names each body whole. The first form used to keep only the
/// group `các Sở` with no warning; the others kept `Nội vụ` as an unknown party.
#[test]
fn a_head_noun_written_once_names_every_body_of_the_enumeration() {
    for lead in [
        "Các Sở: Tư pháp, Nội vụ, Tài chính.",
        "Sở Tư pháp, Nội vụ, Tài chính.",
        "các Sở Tư pháp, Nội vụ và Tài chính.",
        "Sở Tư pháp, Sở Nội vụ; Tài chính.",
    ] {
        let p = with_lead(lead);
        assert_eq!(
            names(&p.obligations[0].lead),
            ["Sở Tư pháp", "Sở Nội vụ", "Sở Tài chính"],
            "{lead}"
        );
        let said: Vec<_> = p
            .warnings
            .iter()
            .filter(|w| w.line == 11 && w.severity >= Some(Severity::Warning))
            .collect();
        assert!(said.is_empty(), "{lead}: {said:#?}");
    }
    // A name with a head noun of its own is read as written.
    let p = with_lead("Sở Tư pháp, Ban Quản lý Khu kinh tế.");
    assert_eq!(
        names(&p.obligations[0].lead),
        ["Sở Tư pháp", "Ban Quản lý Khu kinh tế"]
    );
    // Words after a colon that the list does not read are said, not dropped.
    let p = with_lead("Công an tỉnh: đầu mối tổng hợp.");
    assert_eq!(names(&p.obligations[0].lead), ["Công an tỉnh"]);
    assert_eq!(
        codes(&p, WarningCode::AgencyTextNotUnderstood).len(),
        1,
        "{:#?}",
        p.warnings
    );
}

/// A dash where a name has `và` (`Đài Phát thanh - Truyền hình tỉnh`) names the body whole: the
/// words after the dash were dropped with no warning.
#[test]
fn a_dash_for_va_in_a_name_keeps_the_whole_name() {
    for lead in [
        "Đài Phát thanh - Truyền hình tỉnh.",
        "Đài Phát thanh-Truyền hình tỉnh.",
        "Đài Phát thanh – Truyền hình tỉnh.",
    ] {
        let p = with_lead(lead);
        assert_eq!(
            names(&p.obligations[0].lead),
            ["Đài Phát thanh và Truyền hình tỉnh"],
            "{lead}"
        );
        assert!(codes(&p, WarningCode::UnknownAgency).is_empty(), "{lead}");
    }
}

/// Groups of the two-level government in a coordinating field keep their qualifiers and kinds.
#[test]
fn two_level_government_groups_in_a_field() {
    let text = format!(
        "{HEAD}II. NHIỆM VỤ\n1. Tuyên truyền Luật\n- Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch.\n\
         - Cơ quan phối hợp: Các cơ quan báo chí, các đơn vị sự nghiệp công lập thuộc UBND tỉnh, \
         lực lượng vũ trang tỉnh, Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh, \
         UBND các xã, phường trên địa bàn tỉnh.\n- Thời hạn: năm 2026.\n"
    );
    let p = parse(&text);
    let groups: Vec<String> = p.obligations[0]
        .coordinating
        .iter()
        .map(|a| match a {
            AgencyRef::Group { group, name, .. } => format!("{group:?}:{name}"),
            AgencyRef::Agency { name, .. } => name.clone(),
        })
        .collect();
    assert_eq!(
        groups,
        vec![
            "Press:các cơ quan báo chí",
            "PublicServiceUnits:các đơn vị sự nghiệp công lập thuộc UBND tỉnh",
            "ArmedForces:lực lượng vũ trang tỉnh",
            "MassOrganisations:Mặt trận Tổ quốc và các tổ chức chính trị - xã hội tỉnh",
            "Communes:UBND các xã, phường trên địa bàn tỉnh",
        ]
    );
    assert!(
        p.warnings
            .iter()
            .all(|w| w.severity != Some(Severity::Warning)),
        "{:#?}",
        p.warnings
    );
}

/// A plan without sections is read as one task list: its body is not header, so text in it that
/// no obligation holds is reported.
#[test]
fn coverage_without_sections() {
    let text = format!(
        "{HEAD}1. Rà soát văn bản\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: chậm nhất ngày 30/6/2026.\n\
         2. Tập huấn\n- Cơ quan chủ trì: Sở Nội vụ.\n- Thời hạn: quý III/2026.\n"
    );
    let p = parse(&text);
    assert_eq!(p.obligations.len(), 2, "{:#?}", p.warnings);
    let c = p.coverage.as_ref().unwrap_or_else(|| panic!("no coverage"));
    assert_eq!(
        (c.lines, c.accounted),
        (11, 11),
        "{:?}",
        c.unaccounted_lines
    );
    assert!(codes(&p, WarningCode::NoSections).len() == 1);
}

#[test]
fn a_plan_with_more_than_ninety_nine_items_keeps_every_item() {
    let mut text = String::from(
        "Số: 7/KH-UBND\nAn Giang, ngày 3 tháng 5 năm 2026\nKẾ HOẠCH\n\
         Triển khai thi hành Luật An ninh mạng\nII. NHIỆM VỤ\n",
    );
    for n in 1..=120 {
        text.push_str(&format!(
            "{n}. Nhiệm vụ thứ {n}\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: trước ngày 30/6/2026.\n"
        ));
    }
    let p = parse_plan(&text, &ParseOptions::new("an-giang-7")).plan;
    let ids: Vec<&str> = p.obligations.iter().map(|o| o.id.as_str()).collect();
    let want: Vec<String> = (1..=120).map(|n| format!("II.{n}")).collect();
    assert_eq!(ids, want);
    assert!(codes(&p, WarningCode::RepeatedField).is_empty());
}

/// A plan whose one task item is `item` (lines under `II. NHIỆM VỤ`).
fn plan_with_item(item: &str) -> Plan {
    parse(&format!(
        "ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nSố: 12/KH-UBND\nTây Ninh, ngày 20 tháng 4 năm 2026\n\
         KẾ HOẠCH\nTriển khai thi hành Luật An ninh mạng\n\
         II. NHIỆM VỤ\n{item}\n"
    ))
}

/// With no timeline field and no date in a content field, a timeline in the item's own heading
/// is read (said in an info note); it used to give `no_timeline`.
#[test]
fn a_timeline_in_the_item_heading_is_read() {
    let p = plan_with_item(
        "1. Tổ chức hội nghị quán triệt Luật (hoàn thành trong tháng 7/2026)\n\
         - Cơ quan chủ trì: Công an tỉnh\n- Cơ quan phối hợp: Sở Tư pháp",
    );
    let o = &p.obligations[0];
    let json = serde_json::to_string(&o.schedule).unwrap_or_default();
    assert!(json.contains("2026-07-31"), "{json}");
    assert!(
        codes(&p, WarningCode::NoTimeline).is_empty(),
        "{:#?}",
        p.warnings
    );
    let said = codes(&p, WarningCode::TimelineFromContent);
    assert_eq!(said.len(), 1, "{:#?}", p.warnings);
    assert!(said[0].message.contains("heading"));
}

/// An item whose only field is its timeline names its parties in its own sentence: the subject
/// before a role verb is the lead (`Sở Nội vụ có trách nhiệm ...`, `Đề nghị X phối hợp ...`),
/// the parties after `phối hợp với` coordinate.
#[test]
fn a_duty_sentence_with_an_inline_timeline_names_its_lead() {
    for (item, lead, coord) in [
        (
            "1. Sở Nội vụ có trách nhiệm tham mưu UBND tỉnh kiện toàn lực lượng chuyên trách; \
             thời gian hoàn thành: tháng 9/2026.",
            vec!["Sở Nội vụ"],
            vec![],
        ),
        (
            "1. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh phối hợp tuyên truyền Luật; \
             thời gian: năm 2026 và các năm tiếp theo.",
            vec!["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"],
            vec![],
        ),
        (
            "1. Công an tỉnh chủ trì, phối hợp với Sở Tư pháp rà soát văn bản; thời hạn: quý III/2026.",
            vec!["Công an tỉnh"],
            vec!["Sở Tư pháp"],
        ),
    ] {
        let p = plan_with_item(item);
        let o = &p.obligations[0];
        let names = |v: &[AgencyRef]| v.iter().map(|a| a.name().to_string()).collect::<Vec<_>>();
        assert_eq!(names(&o.lead), lead, "{item}");
        assert_eq!(names(&o.coordinating), coord, "{item}");
        assert!(
            codes(&p, WarningCode::NoResponsibleAgency).is_empty(),
            "{item}: {:#?}",
            p.warnings
        );
    }
}

/// An unknown name in the subject of a prose duty (`X chủ trì, phối hợp với ...`) is kept as a
/// lead party, the agencies after it are not lost, and a warning names it.
#[test]
fn unknown_name_in_a_prose_subject_keeps_the_list() {
    let p = plan_with_item(
        "1. Tuyên truyền Luật An ninh mạng\n- Công an tỉnh, Trung tâm Điều hành Đô thị XYZ chủ trì, \
         phối hợp với Sở Tư pháp, Ban Điều phối Dự án ABC, Sở Nội vụ thực hiện trong quý III/2026.",
    );
    let o = &p.obligations[0];
    let lead: Vec<&str> = o.lead.iter().map(AgencyRef::name).collect();
    assert_eq!(lead.len(), 2, "{lead:?}");
    assert!(
        lead[1].contains("Trung tâm Điều hành Đô thị XYZ"),
        "{lead:?}"
    );
    let coord: Vec<&str> = o.coordinating.iter().map(AgencyRef::name).collect();
    assert_eq!(coord.len(), 3, "{coord:?}");
    assert!(coord[1].contains("Ban Điều phối Dự án ABC"), "{coord:?}");
    assert!(coord[2].contains("Nội vụ"), "{coord:?}");
    let unknown: Vec<&str> = codes(&p, WarningCode::UnknownAgency)
        .iter()
        .filter_map(|w| w.text.as_deref())
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    assert!(codes(&p, WarningCode::UnknownAgency)
        .iter()
        .all(|w| w.severity == Some(Severity::Warning)));
}

/// A verb after a capitalised head word (`Ban hành ...`) is not taken for an unknown agency.
#[test]
fn a_sentence_starting_with_a_verb_gets_no_unknown_party() {
    let p = plan_with_item(
        "1. Ban hành quy chế phối hợp\n- Ban hành quy chế trong quý III/2026, Công an tỉnh chủ trì.",
    );
    assert!(
        codes(&p, WarningCode::UnknownAgency).is_empty(),
        "{:#?}",
        p.warnings
    );
}

/// Labelled sub-items with fields of their own, read into one obligation, are a warning that
/// names them; sub-items nested as usual are split and give none.
#[test]
fn an_item_swallowing_labelled_sub_items_is_a_warning() {
    // Lettered sub-items with their own dates after the item's fields: the item's one
    // obligation (lead and deadline of the item) takes them in.
    let p = plan_with_item(
        "1. Xây dựng văn bản\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: năm 2026.\n\
         a) Dự thảo quy chế, hoàn thành trong quý II/2026.\n\
         b) Dự thảo quy định, hoàn thành trong quý III/2026.",
    );
    let w = codes(&p, WarningCode::SubItemsMerged);
    assert_eq!(w.len(), 1, "{:#?}", p.warnings);
    assert_eq!(w[0].severity, Some(Severity::Warning));
    assert!(w[0].message.contains("a), b)"), "{}", w[0].message);
    assert_eq!(w[0].line, 7);

    let split = plan_with_item(
        "1. Xây dựng văn bản\na) Dự thảo quy chế\n- Cơ quan chủ trì: Sở Tư pháp.\n- Thời hạn: quý II/2026.\n\
         b) Dự thảo quy định\n- Cơ quan chủ trì: Sở Nội vụ.\n- Thời hạn: quý III/2026.",
    );
    assert_eq!(split.obligations.len(), 2);
    assert!(codes(&split, WarningCode::SubItemsMerged).is_empty());
}

/// A sub-task's title is its item title and the words before its first colon, cut at that
/// colon however many accented letters stand before it (never in the middle of a word).
#[test]
fn a_sub_task_title_is_cut_at_its_colon_not_mid_word() {
    let text = "ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nSố: 12/KH-UBND\nTây Ninh, ngày 20 tháng 4 năm 2026\n\
         KẾ HOẠCH\nTriển khai thi hành Luật An ninh mạng\n\
         I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nTriển khai kịp thời, đồng bộ Luật An ninh mạng.\n\
         II. NHIỆM VỤ\n1. Tuyên truyền\n\
         a) Tổ chức hội nghị phổ biến Luật cho cán bộ, công chức: mỗi năm một lần tại trụ sở Ủy ban nhân dân tỉnh\n\
         - Cơ quan chủ trì: Sở Tư pháp.\n- Thời gian thực hiện: chậm nhất ngày 30/6/2026.\n";
    let p = parse_plan(text, &ParseOptions::new("t")).plan;
    let a = p
        .obligations
        .iter()
        .find(|o| o.id.as_str() == "II.1.a")
        .unwrap_or_else(|| panic!("{:#?}", p.obligations));
    assert_eq!(
        a.title,
        "Tuyên truyền: Tổ chức hội nghị phổ biến Luật cho cán bộ, công chức"
    );
}

/// An item labelled `3)` after items `1.` and `2.` is the list's third item, read as such; the
/// change of label style is an `info` note on its line (it changes no obligation), and a list
/// written in one style, whichever, gets none. Lettered sub-items are lists too (`b.` after `a)`).
#[test]
fn a_label_style_change_within_a_list_is_an_info_note() {
    let task = |label: &str, n: u32| {
        format!(
            "{label} Nhiệm vụ thứ {n}\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: trước ngày 30/6/2026.\n"
        )
    };
    let mixed = [task("1.", 1), task("2.", 2), task("3)", 3)].concat();
    let p = plan_with_item(&mixed);
    let ids: Vec<&str> = p.obligations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["II.1", "II.2", "II.3"]);
    let notes = codes(&p, WarningCode::LabelStyleChanged);
    assert_eq!(notes.len(), 1, "{:#?}", p.warnings);
    assert_eq!(notes[0].severity, Some(Severity::Info));
    assert_eq!(notes[0].text.as_deref(), Some("3)"));
    assert!(notes[0].message.contains("`2.`"), "{}", notes[0].message);
    // The line of `3) Nhiệm vụ thứ 3`: six header lines, then three lines per task.
    assert_eq!(notes[0].line, 6 + 3 + 3 + 1);

    for label in ["{n}.", "{n})", "({n})", "{n}/"] {
        let same: String = (1..=3)
            .map(|n| task(&label.replace("{n}", &n.to_string()), n))
            .collect();
        let p = plan_with_item(&same);
        assert_eq!(p.obligations.len(), 3, "{label}");
        assert!(
            codes(&p, WarningCode::LabelStyleChanged).is_empty(),
            "{label}: {:#?}",
            p.warnings
        );
    }

    let letters = "1. Rà soát văn bản\n\
                   a) Nghị định thứ nhất\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: trước ngày 30/6/2026.\n\
                   b. Nghị định thứ hai\n- Cơ quan chủ trì: Sở Tư pháp.\n- Thời hạn: trước ngày 30/9/2026.\n";
    let p = plan_with_item(letters);
    let notes = codes(&p, WarningCode::LabelStyleChanged);
    assert_eq!(notes.len(), 1, "{:#?}", p.warnings);
    assert_eq!(notes[0].text.as_deref(), Some("b."));
}
