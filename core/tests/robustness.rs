//! Arbitrary text never panics, never loops, and reads the same twice.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use std::time::{Duration, Instant};

use proptest::prelude::*;
use tuanthu::ingest::{parse_plan, parse_timeline, recognize_agencies, ParseOptions};

const FRAGMENTS: &[&str] = &[
    "KẾ HOẠCH",
    "QUYẾT ĐỊNH",
    "Điều 1.",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "II. NỘI DUNG",
    "III. KINH PHÍ",
    "IV. TỔ CHỨC THỰC HIỆN",
    "V.",
    "1.",
    "2)",
    "1.1.",
    "a)",
    "b.",
    "đ)",
    "- ",
    "+ ",
    "(1)",
    "###",
    "**",
    "*",
    "<sup>",
    "</sup>",
    "|",
    "|---|",
    "Cơ quan chủ trì:",
    "Cơ quan phối hợp:",
    "Đơn vị thực hiện:",
    "Thời gian thực hiện:",
    "Thời hạn:",
    "Nội dung, sản phẩm:",
    "Sản phẩm:",
    "Công an tỉnh",
    "Sở Văn hóa, Thể thao và Du lịch",
    "các sở, ban, ngành",
    "UBND các xã, phường",
    "các cơ quan, đơn vị có liên quan",
    "Báo và Phát thanh, Truyền hình",
    "(qua",
    ")",
    "(",
    ";",
    ",",
    "và",
    "trước ngày",
    "chậm nhất",
    "15/11",
    "31/2/2026",
    "01/7/2026",
    "ngày 20 tháng 4 năm 2026",
    "hằng năm",
    "định kỳ",
    "6 tháng",
    "quý II",
    "quý IV/2027",
    "tháng 13/2026",
    "đột xuất",
    "khi có yêu cầu",
    "sau khi",
    "ban hành",
    "Nghị định",
    "trong thời hạn 30 ngày kể từ ngày",
    "báo cáo",
    "gửi về",
    "Số: /KH-UBND",
    "Số: 12/KH-UBND",
    "ngày tháng năm 2026",
    "Vĩnh Long, ngày 16 tháng 4 năm 2026",
    "Nơi nhận:",
    "Căn cứ Luật",
    "số 437/QĐ-TTg",
    "năm 2026",
    "và các năm tiếp theo",
    "thường xuyên",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    " ",
    "\u{0301}",
    "\u{0323}",
    "Ư",
    "đ",
    "\u{FEFF}",
    "\u{200B}",
    "99999999999999999999",
    "ngày 99/99/99999",
];

fn fragment_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
            1 => any::<String>(),
            1 => "[a-zA-Z0-9ăâđêôơưĂÂĐÊÔƠƯàáảãạ ,.;:()/\\-]{0,30}",
        ],
        0..80,
    )
    .prop_map(|v| v.join(" "))
}

fn lines_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment_text(), 0..20).prop_map(|v| v.join("\n"))
}

proptest! {
    // 256 cases by default; PROPTEST_CASES=5000 for a longer run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn never_panics_and_is_deterministic(text in lines_text()) {
        let opts = ParseOptions::new("p");
        let start = Instant::now();
        let a = parse_plan(&text, &opts);
        prop_assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
        let b = parse_plan(&text, &opts);
        let ja = serde_json::to_string(&a.plan).unwrap();
        let jb = serde_json::to_string(&b.plan).unwrap();
        prop_assert_eq!(ja, jb);
        // Every obligation quotes lines that exist.
        let n = text.split('\n').count() as u32 + 1;
        for o in &a.plan.obligations {
            let s = o.source.as_ref().unwrap();
            prop_assert!(s.line_start >= 1 && s.line_start <= s.line_end && s.line_end <= n);
        }
        if a.plan.obligations.is_empty() {
            prop_assert!(a.has_errors());
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in any::<String>()) {
        let _ = parse_plan(&text, &ParseOptions::default());
        let _ = parse_timeline(&text, Some(2026));
        let _ = parse_timeline(&text, None);
        let _ = recognize_agencies(&text);
    }

    #[test]
    fn timeline_fragments_never_panic(text in fragment_text(), year in prop::option::of(-5000i32..5000)) {
        let a = parse_timeline(&text, year);
        let b = parse_timeline(&text, year);
        prop_assert_eq!(a, b);
        let _ = recognize_agencies(&text);
    }
}

#[test]
fn empty_and_garbage_give_an_error_warning() {
    for text in [
        "",
        "\n\n",
        "Xin chào",
        "KẾ HOẠCH",
        "II. NỘI DUNG\n1. Việc gì đó",
    ] {
        let out = parse_plan(text, &ParseOptions::new("x"));
        assert!(out.plan.obligations.is_empty(), "{text:?}");
        assert!(out.has_errors(), "{text:?}");
        let e = out
            .plan
            .warnings
            .iter()
            .find(|w| w.code == "no_obligations")
            .unwrap();
        assert_eq!(e.severity, Some(tuanthu::model::Severity::Error));
    }
}

#[test]
fn huge_numbers_and_dates_do_not_overflow() {
    let text = "KẾ HOẠCH\nX\nII. NHIỆM VỤ\n1. Việc\n- Cơ quan chủ trì: Công an tỉnh\n- Thời hạn: trước ngày 31/12/9999; quý IV năm 9999; trong thời hạn 999 ngày kể từ ngày ký\n";
    let out = parse_plan(text, &ParseOptions::new("x"));
    assert_eq!(out.plan.obligations.len(), 1);
    let _ = parse_timeline("trước ngày 15/11 hằng năm", Some(i32::MAX));
    let _ = parse_timeline("thường xuyên", Some(i32::MIN));
}

#[test]
fn extreme_context_years() {
    for y in [i32::MIN, -1, 0, i32::MAX] {
        for p in [
            "trong quý IV",
            "trước ngày 31/12",
            "6 tháng cuối năm",
            "thường xuyên",
            "hằng năm",
        ] {
            let _ = parse_timeline(p, Some(y));
        }
    }
}

#[test]
fn large_adversarial_inputs_stay_fast() {
    // Many headings, many dates in one line, deep nesting, a very long line.
    let mut text = String::new();
    for _ in 0..3000 {
        text.push_str("KẾ HOẠCH\n");
    }
    text.push_str("II. NHIỆM VỤ\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "{}. Việc {i}\n- Cơ quan chủ trì: Công an tỉnh\n",
            i % 99 + 1
        ));
    }
    text.push_str("- Thời hạn: ");
    for d in 0..3000 {
        text.push_str(&format!("trước ngày {}/{}/2026; ", d % 28 + 1, d % 12 + 1));
    }
    text.push('\n');
    text.push_str(&"Sở Văn hóa, Thể thao và Du lịch, ".repeat(5000));
    text.push_str("\nIV. TỔ CHỨC THỰC HIỆN\n1. Hằng năm báo cáo ");
    text.push_str(&"trước ngày 15/11, ".repeat(3000));
    let start = Instant::now();
    let out = parse_plan(&text, &ParseOptions::new("big"));
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    let _ = out.plan.obligations.len();
}
