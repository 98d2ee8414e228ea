//! Lists numbered past 999: an item label of four digits is the next item where it continues
//! its list (`1000.` right after `999.`), a year at the start of a line stays text, and a
//! four-digit label out of sequence is read as text with a `label_out_of_sequence` warning,
//! never merged into the item before it in silence.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use proptest::prelude::*;
use tuanthu::ingest::{parse_plan, ParseOptions};
use tuanthu::model::{Plan, Severity, WarningCode};

/// Six header lines, then `items` under `II. NHIỆM VỤ`.
fn plan_with_items(items: &str) -> Plan {
    let text = format!(
        "ỦY BAN NHÂN DÂN TỈNH TÂY NINH\nSố: 12/KH-UBND\nTây Ninh, ngày 20 tháng 4 năm 2026\n\
         KẾ HOẠCH\nTriển khai thi hành Luật An ninh mạng\n\
         II. NHIỆM VỤ\n{items}"
    );
    parse_plan(&text, &ParseOptions::new("t")).plan
}

/// One task of three lines, its label written from `style` (`{n}.`, `{n})`, `- {n}.`).
fn task(style: &str, n: u32) -> String {
    format!(
        "{} Nhiệm vụ thứ {n}\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: trước ngày 30/6/2026.\n",
        style.replace("{n}", &n.to_string())
    )
}

fn tasks(style: &str, numbers: impl IntoIterator<Item = u32>) -> String {
    numbers.into_iter().map(|n| task(style, n)).collect()
}

fn ids(p: &Plan) -> Vec<String> {
    p.obligations
        .iter()
        .map(|o| o.id.as_str().to_string())
        .collect()
}

fn codes(p: &Plan, code: WarningCode) -> Vec<&tuanthu::model::IngestWarning> {
    p.warnings
        .iter()
        .filter(|w| w.code == code.as_str())
        .collect()
}

fn at_least_warnings(p: &Plan) -> Vec<&tuanthu::model::IngestWarning> {
    p.warnings
        .iter()
        .filter(|w| w.severity.unwrap_or(Severity::Warning) >= Severity::Warning)
        .collect()
}

#[test]
fn items_998_to_1002_are_five_items() {
    for style in ["{n}.", "{n})", "{n}/", "- {n}."] {
        let p = plan_with_items(&tasks(style, 998..=1002));
        assert_eq!(
            ids(&p),
            ["II.998", "II.999", "II.1000", "II.1001", "II.1002"],
            "{style}"
        );
        for o in &p.obligations {
            assert_eq!(o.lead.len(), 1, "{style}: {o:#?}");
        }
        assert!(
            at_least_warnings(&p).is_empty(),
            "{style}: {:#?}",
            p.warnings
        );
    }
}

#[test]
fn a_year_at_the_start_of_a_line_inside_an_item_stays_text() {
    for year_line in [
        "2026. Các sở, ngành tiếp tục rà soát văn bản.",
        "2027 - năm tiếp theo, các sở, ngành tiếp tục rà soát.",
        "Năm 2026. Các sở, ngành tiếp tục rà soát.",
        "2026/2027 các sở, ngành tiếp tục rà soát.",
    ] {
        let items = format!(
            "{}1. Rà soát văn bản\n{year_line}\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: trước ngày 30/6/2026.\n{}",
            "",
            tasks("{n}.", 2..=3)
        );
        let p = plan_with_items(&items);
        assert_eq!(ids(&p), ["II.1", "II.2", "II.3"], "{year_line}");
        assert!(
            codes(&p, WarningCode::LabelOutOfSequence).is_empty(),
            "{year_line}: {:#?}",
            p.warnings
        );
        let first = &p.obligations[0];
        let span = first.source.as_ref().map(|s| (s.line_start, s.line_end));
        // Item 1 runs from its label (line 7) over the year line to its deadline (line 10).
        assert_eq!(span, Some((7, 10)), "{year_line}");
    }
}

#[test]
fn a_four_digit_label_out_of_sequence_is_a_warning_with_its_line() {
    // `1045.` inside item 2 of a list of three: not item 1045, and not silently item 2's text.
    let items = format!(
        "{}2. Rà soát văn bản\n1045. Tổ chức tập huấn cho cán bộ.\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: trước ngày 30/6/2026.\n{}",
        task("{n}.", 1),
        task("{n}.", 3)
    );
    let p = plan_with_items(&items);
    assert_eq!(ids(&p), ["II.1", "II.2", "II.3"]);
    let w = codes(&p, WarningCode::LabelOutOfSequence);
    assert_eq!(w.len(), 1, "{:#?}", p.warnings);
    assert_eq!(w[0].severity, Some(Severity::Warning));
    // Six header lines, three of item 1, the label of item 2: line 11.
    assert_eq!(w[0].line, 11);
    assert_eq!(
        w[0].text.as_deref(),
        Some("1045. Tổ chức tập huấn cho cán bộ.")
    );
    assert!(w[0].message.contains("`2.`"), "{}", w[0].message);

    // After `999.`, a `1000)` changes the list's label style: declined and said, not merged
    // in silence.
    let mixed = format!("{}{}", tasks("{n}.", 998..=999), task("{n})", 1000));
    let p = plan_with_items(&mixed);
    assert_eq!(ids(&p), ["II.998", "II.999"]);
    let w = codes(&p, WarningCode::LabelOutOfSequence);
    assert_eq!(w.len(), 1, "{:#?}", p.warnings);
    assert_eq!(w[0].line, 6 + 3 + 3 + 1);

    // A skipped number (`1001.` after `999.`) is out of sequence too.
    let skipped = tasks("{n}.", [998, 999, 1001]);
    let p = plan_with_items(&skipped);
    assert_eq!(codes(&p, WarningCode::LabelOutOfSequence).len(), 1);
}

#[test]
fn a_year_label_that_reads_as_an_item_out_of_sequence_is_a_warning() {
    // `2000.` after item 5's last sentence, followed by what reads as an item: not item 2000,
    // and not silently item 5's text.
    for (year_line, warned) in [
        ("2000. Sở Tư pháp chủ trì tổng hợp kết quả.", true),
        ("2026. Các sở, ngành tiếp tục rà soát.", true),
        ("- 2026. Sở Tư pháp chủ trì tổng hợp kết quả.", true),
        // A year at the start of text that is no item stays silent text.
        ("2026 và các năm tiếp theo, các sở tiếp tục rà soát.", false),
        ("Năm 2026 các sở, ngành tiếp tục rà soát.", false),
        ("2026. các sở, ngành tiếp tục rà soát.", false),
    ] {
        let items = format!(
            "{}{year_line}
{}",
            tasks("{n}.", 1..=5),
            task("{n}.", 6)
        );
        let p = plan_with_items(&items);
        let want: Vec<String> = (1..=6).map(|n| format!("II.{n}")).collect();
        assert_eq!(ids(&p), want, "{year_line}");
        let w = codes(&p, WarningCode::LabelOutOfSequence);
        if warned {
            assert_eq!(w.len(), 1, "{year_line}: {:#?}", p.warnings);
            assert_eq!(w[0].severity, Some(Severity::Warning));
            // Six header lines, five items of three lines: line 22.
            assert_eq!(w[0].line, 22, "{year_line}");
            assert_eq!(w[0].text.as_deref(), Some(year_line));
            assert!(w[0].message.contains("`5.`"), "{}", w[0].message);
        } else {
            assert!(w.is_empty(), "{year_line}: {:#?}", p.warnings);
        }
    }
    // A year a wrap put at the start of a line (the sentence before it goes on) stays text,
    // whatever follows it; so does a year with no list open before it.
    for items in [
        format!(
            "1. Rà soát văn bản
- Cơ quan chủ trì: Công an tỉnh.
- Thời hạn: hoàn thành trong năm
2026. Sở Tư pháp chủ trì tổng hợp.
{}",
            tasks("{n}.", 2..=3)
        ),
        format!(
            "2026. Sở Tư pháp chủ trì tổng hợp.
{}",
            tasks("{n}.", 1..=3)
        ),
    ] {
        let p = plan_with_items(&items);
        assert_eq!(ids(&p), ["II.1", "II.2", "II.3"], "{items}");
        assert!(
            codes(&p, WarningCode::LabelOutOfSequence).is_empty(),
            "{items}: {:#?}",
            p.warnings
        );
    }
}

#[test]
fn document_numbers_and_figures_at_a_line_start_are_no_labels() {
    for line in [
        "1045/QĐ-UBND ngày 3/5/2026 của Ủy ban nhân dân tỉnh.",
        "1000.000 đồng cho mỗi lớp tập huấn.",
        "2026-04-20 là ngày bắt đầu.",
    ] {
        let items = format!(
            "1. Rà soát văn bản theo Quyết định số\n{line}\n- Cơ quan chủ trì: Công an tỉnh.\n- Thời hạn: trước ngày 30/6/2026.\n"
        );
        let p = plan_with_items(&items);
        assert_eq!(ids(&p), ["II.1"], "{line}");
        assert!(
            codes(&p, WarningCode::LabelOutOfSequence).is_empty(),
            "{line}: {:#?}",
            p.warnings
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Renumbering a list from any start (across 999/1000 or not) changes the ids by the offset
    /// and nothing else: same obligations in the same order, same warnings.
    #[test]
    fn a_list_reads_the_same_from_any_start(
        start in 900u32..1100,
        len in 1u32..40,
        style in prop::sample::select(vec!["{n}.", "{n})", "{n}/", "- {n}."]),
    ) {
        // A list that starts past 999 has no item `999.` before it: its first label continues
        // nothing. Start such lists at a three-digit number so every item is in sequence.
        let start = if start > 999 { start - 200 } else { start };
        let base = plan_with_items(&tasks(style, 1..=len));
        let moved = plan_with_items(&tasks(style, start..start + len));
        prop_assert_eq!(base.obligations.len(), moved.obligations.len());
        for (a, b) in base.obligations.iter().zip(&moved.obligations) {
            let n: u32 = a.id.as_str().trim_start_matches("II.").parse().unwrap();
            prop_assert_eq!(b.id.as_str().to_string(), format!("II.{}", n + start - 1));
            prop_assert_eq!(&a.lead, &b.lead);
            prop_assert_eq!(&a.schedule, &b.schedule);
        }
        let warn_codes = |p: &Plan| p.warnings.iter().map(|w| w.code.clone()).collect::<Vec<_>>();
        prop_assert_eq!(warn_codes(&base), warn_codes(&moved));
    }
}
