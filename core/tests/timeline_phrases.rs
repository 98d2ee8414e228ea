//! Timeline phrases → schedules, as a table. Each row: phrase, plan year, expected schedule in a
//! compact form (see `summary`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failed unwrap is a failed test

use tuanthu::ingest::parse_timeline;
use tuanthu::model::{Bound, Frequency, Schedule};
use unicode_normalization::UnicodeNormalization;

fn bound(b: Bound) -> &'static str {
    match b {
        Bound::Before => "<",
        Bound::NoLaterThan => "<=",
    }
}

fn summary(s: &Schedule) -> String {
    match s {
        Schedule::Once { deadline } => format!("once {} {}", bound(deadline.bound), deadline.date),
        Schedule::Ongoing {
            from_year,
            until_year,
            precondition,
            ..
        } => {
            let mut out = format!("ongoing from {from_year}");
            if let Some(u) = until_year {
                out.push_str(&format!(" until {u}"));
            }
            if let Some(p) = precondition {
                out.push_str(&format!(" after {}", p.event.as_str()));
            }
            out
        }
        Schedule::Recurring {
            every,
            due,
            from_year,
            ..
        } => {
            let f = match every {
                Frequency::Yearly => "yearly",
                Frequency::HalfYearly => "half-yearly",
                Frequency::Quarterly => "quarterly",
                Frequency::Monthly => "monthly",
            };
            let due = match due {
                None => "none".to_string(),
                Some(d) => {
                    let m = d.month.map_or("*".to_string(), |m| m.to_string());
                    let off = if d.month_offset > 0 {
                        format!("+{}", d.month_offset)
                    } else {
                        String::new()
                    };
                    format!("{}{m}/{}{off}", bound(d.bound), d.day)
                }
            };
            format!("{f} due {due} from {from_year}")
        }
        Schedule::EventTriggered {
            trigger,
            within_days,
        } => match within_days {
            Some(n) => format!("on {} within {n}", trigger.event.as_str()),
            None => format!("on {}", trigger.event.as_str()),
        },
        Schedule::Staged { stages } => {
            let parts: Vec<String> = stages
                .iter()
                .map(|st| {
                    let names: Vec<&str> = st.parties.iter().map(|p| p.name()).collect();
                    format!(
                        "[{}] {} {}",
                        names.join(", "),
                        bound(st.deadline.bound),
                        st.deadline.date
                    )
                })
                .collect();
            format!("staged {}", parts.join("; "))
        }
        Schedule::Combined { parts } => parts.iter().map(summary).collect::<Vec<_>>().join(" + "),
        Schedule::Unparsed { .. } => "unparsed".to_string(),
    }
}

const Y: Option<i32> = Some(2026);

#[rustfmt::skip]
const CASES: &[(&str, Option<i32>, &str)] = &[
    // Ongoing.
    ("Năm 2026 và các năm tiếp theo.", Y, "ongoing from 2026"),
    ("năm 2026 và các năm tiếp theo", None, "ongoing from 2026"),
    ("Từ năm 2027 và những năm tiếp theo", Y, "ongoing from 2027"),
    ("Từ năm 2026 trở đi", None, "ongoing from 2026"),
    ("Giai đoạn 2026 - 2030", None, "ongoing from 2026 until 2030"),
    ("Thường xuyên", Y, "ongoing from 2026"),
    ("Thực hiện thường xuyên, liên tục", Y, "ongoing from 2026"),
    ("Năm 2026 và các năm tiếp theo (sau khi Bộ Công an tổ chức tập huấn, hướng dẫn)", Y, "ongoing from 2026 after training_held"),
    ("Năm 2026 (sau khi Bộ Công an tổ chức tập huấn chuyên sâu)", Y, "ongoing from 2026 until 2026 after training_held"),
    // Once, before.
    ("trước ngày 20 tháng 4 năm 2026", None, "once < 2026-04-20"),
    ("Hoàn thành trước ngày 10/4/2026.", None, "once < 2026-04-10"),
    ("Hoàn thành trước ngày 01/7/2026", None, "once < 2026-07-01"),
    ("trước 30/9/2026", None, "once < 2026-09-30"),
    ("Trước ngày 15-10-2026", None, "once < 2026-10-15"),
    ("Kết quả rà soát gửi về Công an tỉnh (qua Phòng An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao) *trước ngày 20 tháng 4 năm 2026* để tập hợp", None, "once < 2026-04-20"),
    // Once, no later than.
    ("Chậm nhất ngày 30/6/2026", None, "once <= 2026-06-30"),
    ("chậm nhất vào ngày 15 tháng 8 năm 2026", None, "once <= 2026-08-15"),
    ("Chậm nhất trước ngày 31/12/2026", None, "once < 2026-12-31"),
    ("Đến hết ngày 31/10/2026", None, "once <= 2026-10-31"),
    ("Thời hạn 30/11/2026", None, "once <= 2026-11-30"),
    ("hoàn thành trong tháng 6/2026", None, "once <= 2026-06-30"),
    ("Trong tháng 02 năm 2027", None, "once <= 2027-02-28"),
    ("Tháng 9/2026", None, "once <= 2026-09-30"),
    ("trước tháng 6/2026", None, "once < 2026-06-01"),
    ("Hoàn thành trong quý II năm 2026", None, "once <= 2026-06-30"),
    ("Quý I/2027", None, "once <= 2027-03-31"),
    ("quý 4/2026", None, "once <= 2026-12-31"),
    ("Trong Quý III", Y, "once <= 2026-09-30"),
    ("6 tháng đầu năm 2026", None, "once <= 2026-06-30"),
    ("6 tháng cuối năm 2026", None, "once <= 2026-12-31"),
    ("Trong năm 2026", None, "once <= 2026-12-31"),
    ("Năm 2027", None, "once <= 2027-12-31"),
    ("Từ tháng 7/2026", None, "ongoing from 2026"),
    ("Bắt đầu từ quý III năm 2026 và thường xuyên", None, "ongoing from 2026"),
    ("Từ ngày 01/7/2026", None, "ongoing from 2026"),
    ("Trước ngày 30/6", Y, "once < 2026-06-30"),
    ("Sau ngày 01/7/2026", None, "ongoing from 2026"),
    ("Trong 30 ngày kể từ ngày Luật có hiệu lực thi hành", None, "on document_issued within 30"),
    ("Không sau ngày 30/6/2026", None, "once <= 2026-06-30"),
    // Ranges: due by the end of the second period.
    ("Tháng 9/2026 - tháng 12/2026", None, "once <= 2026-12-31"),
    ("Tháng 9 - 12/2026", None, "once <= 2026-12-31"),
    ("Quý III - Quý IV/2026", None, "once <= 2026-12-31"),
    ("01/7/2026 - 31/12/2026", None, "once <= 2026-12-31"),
    ("tháng 11/2026 – tháng 2/2027", None, "once <= 2027-02-28"),
    // Early or middle of a period: its end, with a `vague_timeline` warning.
    ("Đầu năm 2027", None, "once <= 2027-12-31"),
    ("Giữa năm 2026", None, "once <= 2026-12-31"),
    ("Cuối năm 2026", None, "once <= 2026-12-31"),
    // Combined.
    ("Hoàn thành trong quý II năm 2026; duy trì thực hiện thường xuyên hằng năm", None, "once <= 2026-06-30 + ongoing from 2026"),
    ("Trước ngày 01/7/2026 và thực hiện thường xuyên", None, "once < 2026-07-01 + ongoing from 2026"),
    ("Trước ngày 30/9/2026 hoặc khi có yêu cầu", None, "once < 2026-09-30 + on request"),
    // Recurring.
    ("Hằng năm, trước ngày 15 tháng 11 hoặc đột xuất theo yêu cầu của cấp có thẩm quyền", Y, "yearly due <11/15 from 2026 + on request"),
    ("định kỳ hằng năm (trước ngày 15/11) hoặc đột xuất", Y, "yearly due <11/15 from 2026 + on request"),
    ("Định kỳ hàng năm hoặc đột xuất báo cáo kết quả thực hiện gửi về UBND tỉnh trước ngày 05/12", Y, "yearly due <12/5 from 2026 + on request"),
    ("trước ngày 15/12 hằng năm", Y, "yearly due <12/15 from 2026"),
    ("Báo cáo định kỳ hằng năm", Y, "yearly due none from 2026"),
    ("trước ngày 15 hằng tháng", Y, "monthly due <*/15 from 2026"),
    // The day apart from `hằng tháng`: the day of each month.
    ("Định kỳ hằng tháng, trước ngày 25", Y, "monthly due <*/25 from 2026"),
    ("Báo cáo hằng tháng, chậm nhất ngày 05", Y, "monthly due <=*/5 from 2026"),
    ("trước ngày 05 của tháng đầu quý sau, định kỳ hằng quý", Y, "quarterly due <*/5+1 from 2026"),
    ("Định kỳ 6 tháng", Y, "half-yearly due none from 2026"),
    ("định kỳ 6 tháng (trước ngày 15/6 và 15/12)", Y, "half-yearly due <*/15 from 2026"),
    ("hằng quý, trước ngày 20 của tháng cuối quý", Y, "quarterly due <*/20 from 2026"),
    ("Hằng năm, chậm nhất ngày 10/12", Y, "yearly due <=12/10 from 2026"),
    ("Định kỳ 6 tháng (trước ngày 15/6) và hằng năm (trước ngày 15/12)", Y, "half-yearly due <*/15 from 2026 + yearly due <12/15 from 2026"),
    ("hằng quý (trước ngày 20 của tháng cuối quý) và hằng năm (trước ngày 10/12)", Y, "quarterly due <*/20 from 2026 + yearly due <12/10 from 2026"),
    // Events.
    ("Khi có yêu cầu của cấp có thẩm quyền.", Y, "on request"),
    ("Theo yêu cầu của cơ quan có thẩm quyền", None, "on request"),
    ("Đột xuất", None, "on request"),
    ("Theo tiến độ dự thảo Nghị định", None, "on draft_published"),
    ("Sau khi Chính phủ ban hành các Nghị định có liên quan hướng dẫn thi hành Luật", None, "on decree_issued"),
    ("Ngay sau khi Nghị định được ban hành", None, "on decree_issued"),
    ("Trong thời hạn 30 ngày kể từ ngày Nghị định có hiệu lực", None, "on decree_issued within 30"),
    ("trong thời hạn 15 ngày làm việc kể từ ngày nhận được yêu cầu", None, "on request within 15"),
    ("Trong vòng 10 ngày kể từ ngày ký ban hành Kế hoạch này", None, "on plan_issued within 10"),
    // Staged.
    ("Các sở, ban, ngành tỉnh gửi kết quả về Công an tỉnh trước ngày 13/4/2026; Công an tỉnh tổng hợp, báo cáo Bộ Công an trước ngày 16/4/2026", None,
     "staged [các sở, ban, ngành tỉnh] < 2026-04-13; [Công an tỉnh] < 2026-04-16"),
    // NFD, Markdown, spacing.
    ("**Hoàn thành trước ngày 10/4/2026**", None, "once < 2026-04-10"),
    ("  trước   ngày  *20*  tháng 4 năm 2026 ", None, "once < 2026-04-20"),
    ("<sup>1</sup>Trước ngày 31/8/2026", None, "once < 2026-08-31"),
    // Not understood.
    ("Sớm nhất có thể", Y, "unparsed"),
    ("Theo kế hoạch của Bộ Công an", Y, "unparsed"),
    ("", Y, "unparsed"),
    ("Sau khi có ý kiến của lãnh đạo", Y, "unparsed"),
    ("định kỳ", Y, "unparsed"),
    ("trước ngày 31/2/2026", None, "unparsed"),
    ("Thường xuyên", None, "unparsed"),
    ("Hằng năm", None, "unparsed"),
];

#[test]
fn timeline_table() {
    let mut failures = Vec::new();
    for (phrase, ctx, want) in CASES {
        let got = match parse_timeline(phrase, *ctx) {
            Ok(s) => summary(&s),
            Err(_) => "unparsed".to_string(),
        };
        if got != *want {
            failures.push(format!("{phrase:?}\n    want {want}\n    got  {got}"));
        }
        // NFD input reads the same.
        let nfd: String = phrase.nfd().collect();
        let got_nfd = match parse_timeline(&nfd, *ctx) {
            Ok(s) => summary(&s),
            Err(_) => "unparsed".to_string(),
        };
        if got_nfd != got {
            failures.push(format!("NFD differs: {phrase:?}: {got_nfd} vs {got}"));
        }
    }
    assert!(CASES.len() >= 60, "{} cases", CASES.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn deadline_text_is_quoted_as_written() {
    let s = parse_timeline(
        "Kết quả gửi về Công an tỉnh *trước ngày 20 tháng 4 năm 2026* để tập hợp",
        None,
    )
    .unwrap();
    match s {
        Schedule::Once { deadline } => {
            assert_eq!(
                deadline.text.as_deref(),
                Some("trước ngày 20 tháng 4 năm 2026")
            )
        }
        other => panic!("{other:?}"),
    }
    let s = parse_timeline("hoàn thành trong tháng 6/2026.", None).unwrap();
    match s {
        Schedule::Once { deadline } => {
            assert_eq!(deadline.text.as_deref(), Some("trong tháng 6/2026"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unparsed_keeps_the_phrase() {
    let err = parse_timeline("Sớm nhất có thể", Some(2026)).unwrap_err();
    assert!(!err.is_empty());
}
