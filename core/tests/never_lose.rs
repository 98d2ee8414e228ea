//! Never invent, never lose: report routes however long the words before the recipient, agency
//! lists with unknown items kept (with a warning), per-line coverage of the plan text, and dates
//! only from timeline phrases.

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
        let p = plan_with(lead, "Hằng năm, trước ngày 15/11 báo cáo về Công an tỉnh.");
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
