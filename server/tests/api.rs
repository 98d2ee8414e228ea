//! The API end to end, in-process, on SQLite and (with `TUANTHU_TEST_POSTGRES_URL`) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::{example, example_upload, Backend, Svc, ADMIN};
use tuanthu::api::to_canonical_json;
use tuanthu::eval::{EvaluationRequest, Evaluator};
use tuanthu::input::{from_json_str, submissions_from_csv};
use tuanthu::model::{Event, Plan};

const VL: &str = "vinh-long-144-KH-UBND";
const MB: usize = 1024 * 1024;

/// What the library says for the same plan, registry, events and submissions.
fn library_report(province: &str, submissions_csv: &str, as_of: &str) -> String {
    let req = EvaluationRequest {
        plan: from_json_str("plan", &example(province, "plan.json")).unwrap(),
        submissions: submissions_from_csv("s", submissions_csv).unwrap(),
        events: from_json_str::<Vec<Event>>("e", &example(province, "events.json")).unwrap(),
        as_of: as_of.parse().unwrap(),
        policies: Default::default(),
        registry: Some(from_json_str("r", &example(province, "registry.json")).unwrap()),
        calendar: Default::default(),
    };
    to_canonical_json(&Evaluator::standard().unwrap().evaluate(&req).unwrap())
}

both_backends!(report_matches_library_and_reruns_byte_identical);
async fn report_matches_library_and_reruns_byte_identical(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    let info = s.upload_example("vinh-long").await;
    assert_eq!(info["revision"], 1);
    let plan: Plan = from_json_str("p", &example("vinh-long", "plan.json")).unwrap();
    assert_eq!(info["plan_hash"], tuanthu_server::hash::plan_hash(&plan));

    // The example's evidence includes rows the engine does not count: the batch is refused
    // whole, naming them; without them it is stored.
    let all = example("vinh-long", "submissions.csv");
    let url = format!("/v1/plans/{VL}/submissions/batch");
    let r = s.post_csv(&url, ADMIN, all.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(s.submission_count(VL).await, 0);
    let refused: std::collections::BTreeSet<u64> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["submission"].as_u64().unwrap())
        .collect();
    assert!(!refused.is_empty());
    let csv: String = all
        .split_inclusive('\n')
        .enumerate()
        .filter(|(i, _)| *i == 0 || !refused.contains(&(*i as u64 - 1)))
        .map(|(_, l)| l)
        .collect();
    let r = s.post_csv(&url, ADMIN, csv.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let n = submissions_from_csv("s", &csv).unwrap().len();
    assert_eq!(r.json()["ids"].as_array().unwrap().len(), n);
    assert_eq!(s.submission_count(VL).await, n);

    let viewer = s.token("báo cáo", "viewer", None).await;
    let r = s
        .get(&format!("/v1/plans/{VL}/report?as_of=2026-11-23"), &viewer)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // The service speaks the contract: the library's report, byte for byte.
    assert_eq!(r.text(), library_report("vinh-long", &csv, "2026-11-23"));

    let csv_r = s
        .get(
            &format!("/v1/plans/{VL}/report?as_of=2026-11-23&format=csv"),
            &viewer,
        )
        .await;
    assert_eq!(csv_r.status, StatusCode::OK);
    assert!(
        csv_r.body.starts_with("\u{feff}obligation,".as_bytes()),
        "BOM then the header"
    );
    assert!(csv_r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));

    let x = s
        .get(
            &format!("/v1/plans/{VL}/report?as_of=2026-11-23&format=xlsx"),
            &viewer,
        )
        .await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.body.starts_with(b"PK\x03\x04"), "an .xlsx is a zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(x.body.clone())).unwrap();
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut workbook)
        .unwrap();
    let report: tuanthu::model::Report = serde_json::from_slice(&r.body).unwrap();
    let obligations: std::collections::BTreeSet<&str> = report
        .assessments
        .iter()
        .map(|a| a.obligation.as_str())
        .collect();
    assert_eq!(
        workbook.matches("<sheet ").count(),
        1 + obligations.len(),
        "summary + one per obligation"
    );
    assert!(workbook.contains("name=\"Tổng hợp\""));
    for o in &obligations {
        assert!(workbook.contains(&format!("name=\"NV {o}\"")), "{o}");
    }
    // The CSV is the library's CSV behind a BOM.
    let lib_csv = tuanthu::report::render_csv(&report, tuanthu::model::Lang::Vi).unwrap();
    assert_eq!(&csv_r.body[3..], lib_csv.as_bytes());

    let filtered = s
        .get(&format!("/v1/plans/{VL}/report?as_of=2026-11-23&agency=s%E1%BB%9F%20y%20t%E1%BA%BF&status=overdue"), &viewer)
        .await;
    assert_eq!(filtered.status, StatusCode::OK, "{}", filtered.text());
    let fj = filtered.json();
    let rows = fj["assessments"].as_array().unwrap();
    assert!(
        !rows.is_empty(),
        "Sở Y tế has overdue work on 23/11 in the example"
    );
    assert!(rows
        .iter()
        .all(|a| a["agency"] == "Sở Y tế" && a["status"] == "overdue"));
    assert_eq!(fj["summary"]["total"]["total"], rows.len());

    // Every evaluation is in the audit trail, and re-runs give the same bytes.
    let audit = s.get("/v1/audit", &viewer).await;
    assert_eq!(audit.status, StatusCode::OK);
    let records = audit.json();
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 4);
    for (resp, record) in [&filtered, &x, &csv_r, &r].iter().zip(records) {
        assert_eq!(resp.headers["x-audit-id"].to_str().unwrap(), record["id"]);
        assert_eq!(record["plan_hash"], info["plan_hash"]);
        assert_eq!(
            record["pack_hash"],
            tuanthu_server::hash::pack_hash(Evaluator::standard().unwrap().pack())
        );
        assert_eq!(record["as_of"], "2026-11-23");
        assert_eq!(
            record["result_hash"],
            tuanthu_server::hash::sha256_hex(&resp.body)
        );
        let again = s
            .get(
                &format!("/v1/audit/{}/rerun", record["id"].as_str().unwrap()),
                &viewer,
            )
            .await;
        assert_eq!(again.status, StatusCode::OK);
        assert!(
            again.body == resp.body,
            "re-run of {} differs",
            record["id"]
        );
    }
    // A submission after the report changes a new report, not the re-run of the old one.
    let one = r#"{"agency": "Sở Tư pháp", "obligation": "IV.1", "period": "2026", "received": "2026-11-20", "document_number": "77/BC-STP"}"#;
    assert_eq!(
        s.post_json(&format!("/v1/plans/{VL}/submissions"), ADMIN, one)
            .await
            .status,
        StatusCode::CREATED
    );
    let again = s
        .get(
            &format!("/v1/audit/{}/rerun", records[3]["id"].as_str().unwrap()),
            &viewer,
        )
        .await;
    assert!(again.body == r.body);
}

/// The request the library would be given for `province`'s example with `csv`'s submissions.
fn library_request(province: &str, csv: &str, as_of: &str) -> EvaluationRequest {
    EvaluationRequest {
        plan: from_json_str("plan", &example(province, "plan.json")).unwrap(),
        submissions: submissions_from_csv("s", csv).unwrap(),
        events: from_json_str::<Vec<Event>>("e", &example(province, "events.json")).unwrap(),
        as_of: as_of.parse().unwrap(),
        policies: Default::default(),
        registry: Some(from_json_str("r", &example(province, "registry.json")).unwrap()),
        calendar: Default::default(),
    }
}

both_backends!(audit_requests_are_stored_by_reference_and_checked_on_rerun);
async fn audit_requests_are_stored_by_reference_and_checked_on_rerun(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    s.upload_example("hung-yen").await;
    let all = example("hung-yen", "submissions.csv");
    let lines: Vec<&str> = all.split_inclusive('\n').collect();
    let first: String = lines[..3].concat();
    let url = "/v1/plans/hung-yen-draft/submissions/batch";
    assert_eq!(
        s.post_csv(url, ADMIN, first.clone()).await.status,
        StatusCode::CREATED
    );
    let report = "/v1/plans/hung-yen-draft/report?as_of=2026-11-23";
    let a = s.get(report, ADMIN).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    // Then more, one by one: the next report's request is the kept one, extended.
    for line in &lines[3..] {
        let csv = format!("{}{line}", lines[0]);
        assert_eq!(
            s.post_csv(url, ADMIN, csv).await.status,
            StatusCode::CREATED
        );
    }
    let b1 = s.get(report, ADMIN).await;
    assert_eq!(b1.status, StatusCode::OK);
    let records = s.get("/v1/audit", ADMIN).await.json();
    let records = records.as_array().unwrap().clone();
    assert_eq!(records.len(), 2);
    // The recorded hash is the whole request's (sha256 of its canonical JSON), as the library
    // would be given it.
    for (rec, csv) in [(&records[1], &first), (&records[0], &all)] {
        let req = library_request("hung-yen", csv, "2026-11-23");
        assert_eq!(
            rec["request_hash"],
            tuanthu_server::hash::sha256_hex(to_canonical_json(&req).as_bytes())
        );
    }
    // Stored by reference: no request JSON is kept.
    let rows = sqlx::query("SELECT request_json FROM audit_requests")
        .fetch_all(&s.state.db.pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(sqlx::Row::get::<String, _>(r, "request_json"), "");
    }
    let rerun = |rec: &serde_json::Value| {
        let id = rec["id"].as_str().unwrap().to_string();
        let s = &s;
        async move { s.get(&format!("/v1/audit/{id}/rerun"), ADMIN).await }
    };
    assert!(rerun(&records[1]).await.body == a.body);
    assert!(rerun(&records[0]).await.body == b1.body);
    // Rows stored before submissions carried a version count as older than every reference.
    let first_rows = sqlx::query("UPDATE submissions SET version = NULL WHERE version = 1")
        .execute(&s.state.db.pool)
        .await
        .unwrap();
    assert_eq!(first_rows.rows_affected(), 2);
    assert!(rerun(&records[1]).await.body == a.body);
    assert!(rerun(&records[0]).await.body == b1.body);
    // A stored submission changed behind the service's back: the rebuilt request is not the
    // recorded one, and the re-run says so instead of answering for another request.
    let changed = sqlx::query(
        "UPDATE submissions SET submission_json = REPLACE(submission_json, '\"received\":\"2026-', \
         '\"received\":\"2025-') WHERE id = (SELECT MIN(id) FROM submissions)",
    )
    .execute(&s.state.db.pool)
    .await
    .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    for rec in &records {
        let r = rerun(rec).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert!(
            r.message().contains("does not make the recorded request"),
            "{}",
            r.message()
        );
    }
}

both_backends!(cached_reports_equal_fresh_evaluations_after_new_submissions);
async fn cached_reports_equal_fresh_evaluations_after_new_submissions(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    s.upload_example("hung-yen").await;
    let all = example("hung-yen", "submissions.csv");
    let lines: Vec<&str> = all.split_inclusive('\n').collect();
    assert!(lines.len() >= 4, "a header and at least three rows");
    let first: String = lines[..3].concat();
    let url = "/v1/plans/hung-yen-draft/submissions/batch";
    let post = |csv: String| s.post_csv(url, ADMIN, csv);
    assert_eq!(post(first.clone()).await.status, StatusCode::CREATED);

    let report = "/v1/plans/hung-yen-draft/report?as_of=2026-11-23";
    let filtered = format!("{report}&agency=s%E1%BB%9F%20t%C6%B0%20ph%C3%A1p");
    let a1 = s.get(report, ADMIN).await;
    let a2 = s.get(report, ADMIN).await;
    assert_eq!(a1.status, StatusCode::OK, "{}", a1.text());
    assert_eq!(a1.text(), library_report("hung-yen", &first, "2026-11-23"));
    assert!(a2.body == a1.body, "the cached report is the evaluated one");
    let f1 = s.get(&filtered, ADMIN).await;

    // New submissions: the next report is a fresh evaluation of all of them, not the cached one.
    let rest: String = [lines[0]]
        .into_iter()
        .chain(lines[3..].iter().copied())
        .collect();
    assert_eq!(post(rest).await.status, StatusCode::CREATED);
    let b1 = s.get(report, ADMIN).await;
    let fresh = library_report("hung-yen", &all, "2026-11-23");
    assert_eq!(b1.text(), fresh);
    assert!(b1.body != a1.body, "the new submissions change the report");
    // Filters are applied to the cached evaluation: the same as filtering a fresh one.
    let f2 = s.get(&filtered, ADMIN).await;
    let whole: tuanthu::model::Report = serde_json::from_str(&fresh).unwrap();
    let filter = tuanthu_server::export::Filter {
        agency: Some("sở tư pháp".into()),
        ..Default::default()
    };
    let expected = tuanthu_server::export::json(&tuanthu_server::export::filter(whole, &filter));
    assert!(f2.body == expected, "{}", f2.text());
    assert!(f2.body != f1.body);

    // Every request is audited, cached or not; identical requests share one stored request,
    // and each re-run gives the bytes that were served.
    let records = s.get("/v1/audit", ADMIN).await.json();
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 5);
    let served = [&f2, &b1, &f1, &a2, &a1];
    for (resp, rec) in served.iter().zip(records) {
        assert_eq!(resp.headers["x-audit-id"].to_str().unwrap(), rec["id"]);
        let again = s
            .get(
                &format!("/v1/audit/{}/rerun", rec["id"].as_str().unwrap()),
                ADMIN,
            )
            .await;
        assert!(again.body == resp.body, "re-run of {}", rec["id"]);
    }
    assert_eq!(records[3]["request_hash"], records[4]["request_hash"]);
    assert_ne!(records[1]["request_hash"], records[3]["request_hash"]);

    // gzip when the client accepts it: the same bytes once inflated, the same result hash.
    let z = s
        .call(
            "GET",
            report,
            Some(ADMIN),
            None,
            &[("accept-encoding", "gzip")],
            "",
        )
        .await;
    assert_eq!(z.status, StatusCode::OK);
    assert_eq!(z.headers["content-encoding"], "gzip");
    assert!(z.body.len() < b1.body.len());
    let mut inflated = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&z.body[..]),
        &mut inflated,
    )
    .unwrap();
    assert!(inflated == b1.body);
    assert_eq!(z.headers["x-result-sha256"], b1.headers["x-result-sha256"]);
    assert!(b1.headers.get("content-encoding").is_none());
}

both_backends!(revisions_are_kept_and_diffed);
async fn revisions_are_kept_and_diffed(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    s.upload_example("vinh-long").await;
    let mut plan: serde_json::Value =
        serde_json::from_str(&example("vinh-long", "plan.json")).unwrap();
    let obligations = plan["obligations"].as_array_mut().unwrap();
    let removed = obligations.remove(1)["id"].as_str().unwrap().to_string();
    obligations[0]["title"] = "Tiêu đề đã sửa".into();
    let changed = obligations[0]["id"].as_str().unwrap().to_string();
    let r = s.post_json("/v1/plans", ADMIN, &plan.to_string()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["revision"], 2);

    let revs = s
        .get(&format!("/v1/plans/{VL}/revisions"), ADMIN)
        .await
        .json();
    assert_eq!(revs.as_array().unwrap().len(), 2);
    assert_ne!(revs[0]["plan_hash"], revs[1]["plan_hash"]);
    let first = s.get(&format!("/v1/plans/{VL}?revision=1"), ADMIN).await;
    assert_eq!(
        first.text(),
        to_canonical_json(&from_json_str::<Plan>("p", &example("vinh-long", "plan.json")).unwrap())
    );
    let latest = s.get(&format!("/v1/plans/{VL}"), ADMIN).await;
    assert_eq!(latest.headers["x-plan-revision"], "2");

    let d = s
        .get(&format!("/v1/plans/{VL}/diff?from=1&to=2"), ADMIN)
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text());
    let d: tuanthu_server::PlanDiff = serde_json::from_slice(&d.body).unwrap();
    assert_eq!(d.removed, vec![removed]);
    assert!(d.added.is_empty());
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].id, changed);
    assert_eq!(d.changed[0].fields, vec!["title".to_string()]);
    assert_eq!(
        s.get(&format!("/v1/plans/{VL}/diff?from=1&to=9"), ADMIN)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

both_backends!(plans_as_issued_go_through_the_reader);
async fn plans_as_issued_go_through_the_reader(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    let text =
        std::fs::read(common::repo().join("core/tests/data/plans/vinh-long-144-KH-UBND.txt"))
            .unwrap();
    let r = s
        .call(
            "POST",
            "/v1/plans/vl-text/source?filename=144-KH-UBND.txt",
            Some(ADMIN),
            Some("text/plain"),
            &[],
            text.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let info = r.json();
    assert_eq!(info["source_name"], "144-KH-UBND.txt");
    assert!(info["obligations"].as_u64().unwrap() >= 5);
    // The reader's warnings come back with the revision, as stored in the plan.
    let plan: Plan = serde_json::from_slice(&s.get("/v1/plans/vl-text", ADMIN).await.body).unwrap();
    assert_eq!(
        info["warnings"],
        serde_json::to_value(&plan.warnings).unwrap()
    );
    // Path tricks in the file name: refused, nothing stored.
    for name in [
        "..%2F..%2Fetc%2Fpasswd",
        "a%2Fb.txt",
        "%2E%2Ehidden",
        "x%5Cy.docx",
    ] {
        let r = s
            .call(
                "POST",
                &format!("/v1/plans/vl-text/source?filename={name}"),
                Some(ADMIN),
                Some("text/plain"),
                &[],
                text.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {}", r.text());
        assert!(r.message().contains("file name"), "{}", r.message());
    }
    let revs = s.get("/v1/plans/vl-text/revisions", ADMIN).await.json();
    assert_eq!(revs.as_array().unwrap().len(), 1);
    // Text without obligations stores nothing.
    let r = s
        .call(
            "POST",
            "/v1/plans/empty/source?filename=e.txt",
            Some(ADMIN),
            Some("text/plain"),
            &[],
            "Xin chào\n",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(
        s.get("/v1/plans/empty", ADMIN).await.status,
        StatusCode::NOT_FOUND
    );
}

both_backends!(access_control_401_403_and_agency_binding);
async fn access_control_401_403_and_agency_binding(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    s.upload_example("vinh-long").await;
    let stp = s.token("STP", "submitter", Some("Sở Tư pháp")).await;
    let viewer = s.token("xem", "viewer", None).await;
    let url = format!("/v1/plans/{VL}/submissions");
    let own = r#"{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-18", "document_number": "51/BC-STP"}"#;
    let other = r#"{"agency": "Sở Y tế", "obligation": "II.3", "received": "2026-04-18", "document_number": "9/BC-SYT"}"#;

    let r = s
        .call("GET", "/v1/plans", None, None, &[], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.message().contains("Authorization"));
    let r = s.get("/v1/plans", "not-a-token").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.message().contains("unknown"));
    let r = s
        .call(
            "GET",
            "/v1/plans",
            None,
            None,
            &[("authorization", "Basic abc")],
            Vec::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let r = s.post_json(&url, &viewer, own).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.message().contains("viewer"), "{}", r.message());
    let r = s.post_json(&url, &stp, other).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(r.message().contains("Sở Y tế"), "{}", r.message());
    // A batch with one row for another agency is refused whole.
    let batch = format!("[{own}, {other}]");
    let r = s
        .call(
            "POST",
            &format!("{url}/batch"),
            Some(&stp),
            Some("application/json"),
            &[],
            batch,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.submission_count(VL).await, 0, "nothing stored");

    let r = s.post_json(&url, &stp, own).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // The registry's alias of the same agency is the same agency... and a case/accent variant.
    let alias = own
        .replace("\"Sở Tư pháp\"", "\"SỞ TƯ PHÁP\"")
        .replace("51/", "52/");
    assert_eq!(
        s.post_json(&url, &stp, &alias).await.status,
        StatusCode::CREATED
    );
    assert_eq!(s.submission_count(VL).await, 2);
    // A submitter sees its own agency's submissions, not reports or tokens.
    assert_eq!(s.get(&url, &stp).await.json().as_array().unwrap().len(), 2);
    assert_eq!(
        s.get(&format!("/v1/plans/{VL}/report?as_of=2026-11-23"), &stp)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = s
        .post_json("/v1/tokens", &stp, r#"{"name": "x", "role": "admin"}"#)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = s
        .post_json("/v1/plans", &viewer, &example_upload("vinh-long"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Tokens are stored hashed: the secret is nowhere in the database.
    let rows: Vec<(String,)> = sqlx::query_as("SELECT hash FROM tokens")
        .fetch_all(&s.state.db.pool)
        .await
        .unwrap();
    assert!(rows.iter().all(|(h,)| h.len() == 64 && h != &stp));
    assert!(rows
        .iter()
        .any(|(h,)| h == &tuanthu_server::hash::sha256_hex(stp.as_bytes())));
}

both_backends!(submissions_the_engine_would_not_count_are_refused);
async fn submissions_the_engine_would_not_count_are_refused(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    s.upload_example("vinh-long").await;
    let url = format!("/v1/plans/{VL}/submissions");
    let cases = [
        (
            r#"{"agency": "Sở Không Có", "obligation": "II.3", "received": "2026-04-18"}"#,
            "agency",
        ),
        (
            r#"{"agency": "Sở Tư pháp", "obligation": "IX.9", "received": "2026-04-18"}"#,
            "obligation",
        ),
        (
            r#"{"agency": "Sở Tư pháp", "obligation": "IV.1", "period": "2031", "received": "2026-04-18"}"#,
            "period",
        ),
    ];
    for (body, field) in cases {
        let r = s.post_json(&url, ADMIN, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text()
        );
        let j = r.json();
        assert!(j["message"].as_str().unwrap().contains("nothing stored"));
        let findings = j["findings"].as_array().unwrap();
        assert!(findings.iter().any(|f| f["field"] == field), "{field}: {j}");
    }
    // A coordinating agency: the engine notes its evidence but counts it for no instance (one
    // instance per lead agency), so it is refused, saying why in plain words, first.
    let coordinating = r#"{"agency": "Sở Y tế", "obligation": "II.2", "period": "2026", "received": "2026-10-01", "document_number": "55/BC-SYT"}"#;
    let r = s.post_json(&url, ADMIN, coordinating).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let j = r.json();
    let first = &j["findings"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["field"], "agency");
    assert!(
        first["message_vi"]
            .as_str()
            .unwrap()
            .contains("cơ quan chủ trì"),
        "{j}"
    );
    assert!(
        first["message_vi"]
            .as_str()
            .unwrap()
            .contains("chưa được lưu"),
        "{j}"
    );
    // The engine's own note that Sở Y tế coordinates II.2 comes along.
    assert!(
        j["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "info"
                && f["message_vi"].as_str().unwrap().contains("phối hợp")),
        "{j}"
    );
    assert_eq!(s.submission_count(VL).await, 0);
    // Received after today (in Việt Nam): the engine does not count evidence from the future.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::hours(7 + 24)).date_naive();
    let future = format!(
        r#"{{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "{tomorrow}", "document_number": "1/BC-STP"}}"#
    );
    let r = s.post_json(&url, ADMIN, &future).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["field"] == "received"),
        "{}",
        r.text()
    );
    // Unknown plan.
    let ok = r#"{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-18"}"#;
    assert_eq!(
        s.post_json("/v1/plans/nope/submissions", ADMIN, ok)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A batch with one bad row stores nothing.
    let csv = "agency,obligation,stage,period,received,document_number,note\nSở Tư pháp,II.3,,,18/04/2026,1/BC-STP,\nSở Không Có,II.3,,,18/04/2026,2/BC-X,\n";
    let r = s.post_csv(&format!("{url}/batch"), ADMIN, csv).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.message().contains("1 of 2"), "{}", r.message());
    assert_eq!(s.submission_count(VL).await, 0);
}

both_backends!(bad_input_is_a_4xx_with_a_message_and_stores_nothing);
async fn bad_input_is_a_4xx_with_a_message_and_stores_nothing(b: Backend) {
    let Some(s) = Svc::start(b, 256 * 1024).await else {
        return;
    };
    s.upload_example("vinh-long").await;
    let url = format!("/v1/plans/{VL}/submissions");
    // Oversized body.
    let big = format!(
        "[{}]",
        vec![
            r#"{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-18"}"#;
            4000
        ]
        .join(",")
    );
    assert!(big.len() > 256 * 1024);
    let r = s
        .call(
            "POST",
            &format!("{url}/batch"),
            Some(ADMIN),
            Some("application/json"),
            &[],
            big,
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert!(r.message().contains("larger"), "{}", r.message());
    // Malformed JSON: the contract error names the line.
    let r = s
        .post_json(
            &url,
            ADMIN,
            "{\n  \"agency\": \"Sở Tư pháp\",\n  \"obligation\": 3\n}",
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    let j = r.json();
    assert_eq!(j["kind"], "input");
    assert_eq!(j["line"], 3);
    let r = s.post_json(&url, ADMIN, "{not json").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = s.post_json(&url, ADMIN, r#"{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-18", "extra": 1}"#).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "unknown fields are refused: {}",
        r.text()
    );
    // Malformed CSV: a bad date names its row.
    let csv = "agency,obligation,stage,period,received,document_number,note\nSở Tư pháp,II.3,,,31/02/2026,1/BC-STP,\n";
    let r = s.post_csv(&format!("{url}/batch"), ADMIN, csv).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(r.json()["line"], 2);
    let r = s
        .post_csv(&format!("{url}/batch"), ADMIN, "a,b\n1,2,3\n")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    // Not UTF-8.
    let r = s
        .post_csv(&format!("{url}/batch"), ADMIN, vec![0xff, 0xfe, 0x41])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Wrong content types.
    let ok = r#"{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-18"}"#;
    for ct in [Some("text/plain"), Some("application/xml"), None] {
        let r = s.call("POST", &url, Some(ADMIN), ct, &[], ok).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
        assert!(r.message().contains("application/json"));
    }
    // Bad query values.
    for q in [
        "as_of=23/13/2026",
        "format=pdf",
        "status=late-ish",
        "lang=fr",
    ] {
        let r = s.get(&format!("/v1/plans/{VL}/report?{q}"), ADMIN).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.text());
    }
    // Query values of the wrong type: the contract's error object, not a plain-text rejection.
    for uri in [
        format!("/v1/plans/{VL}?revision=abc"),
        format!("/v1/plans/{VL}/registry?revision=1.5"),
        format!("/v1/plans/{VL}/report?revision=-x"),
        format!("/v1/plans/{VL}/diff?from=1&to=two"),
    ] {
        let r = s.get(&uri, ADMIN).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.text());
        let body = r.json();
        assert_eq!(body["kind"], "input", "{uri}: {body}");
        assert_eq!(body["file"], "<query string>", "{uri}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("revision") || message.contains("to"),
            "{uri}: the message names the parameter: {message}"
        );
    }
    // Plan ids with path tricks.
    let mut plan: serde_json::Value =
        serde_json::from_str(&example("vinh-long", "plan.json")).unwrap();
    plan["id"] = "../../x".into();
    assert_eq!(
        s.post_json("/v1/plans", ADMIN, &plan.to_string())
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(s.submission_count(VL).await, 0);
    assert_eq!(
        s.get("/v1/plans", ADMIN)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let audit = s.get("/v1/audit", ADMIN).await.json();
    assert!(
        audit.as_array().unwrap().is_empty(),
        "refused report requests are not evaluations"
    );
}

both_backends!(idempotency_key_makes_a_retry_safe);
async fn idempotency_key_makes_a_retry_safe(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    s.upload_example("vinh-long").await;
    let url = format!("/v1/plans/{VL}/submissions");
    let body = r#"{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-18", "document_number": "51/BC-STP"}"#;
    let key = [("idempotency-key", "k-1")];
    let first = s
        .call(
            "POST",
            &url,
            Some(ADMIN),
            Some("application/json"),
            &key,
            body,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let again = s
        .call(
            "POST",
            &url,
            Some(ADMIN),
            Some("application/json"),
            &key,
            body,
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(
        again.body, first.body,
        "the first acknowledgement, replayed"
    );
    assert_eq!(again.headers["idempotent-replay"], "true");
    assert_eq!(s.submission_count(VL).await, 1);
    let other = body.replace("51/", "52/");
    let r = s
        .call(
            "POST",
            &url,
            Some(ADMIN),
            Some("application/json"),
            &key,
            other,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(s.submission_count(VL).await, 1);
    // Concurrent retries of one request store it once.
    let key2 = [("idempotency-key", "k-2")];
    let body2 = body.replace("51/", "53/");
    let _ = key2;
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (s, url, body) = (s.clone(), url.clone(), body2.clone());
            tokio::spawn(async move {
                s.call(
                    "POST",
                    &url,
                    Some(ADMIN),
                    Some("application/json"),
                    &[("idempotency-key", "k-2")],
                    body,
                )
                .await
            })
        })
        .collect();
    let mut results = Vec::new();
    for h in handles {
        results.push(h.await.unwrap());
    }
    assert!(results.iter().all(|r| r.status == StatusCode::CREATED));
    assert!(results.iter().all(|r| r.body == results[0].body));
    assert_eq!(s.submission_count(VL).await, 2);
}

both_backends!(openapi_lists_every_route);
async fn openapi_lists_every_route(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    let r = s
        .call("GET", "/openapi.json", None, None, &[], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["components"]["schemas"]["Report"].is_object());
    // Every documented operation is routed: without a token it is 401 (or 200 when public),
    // never 404/405.
    for (method, path) in tuanthu_server::openapi::operations() {
        let uri = path.replace("{plan_id}", "p").replace("{id}", "x");
        let r = s.call(&method, &uri, None, None, &[], Vec::new()).await;
        assert!(
            r.status == StatusCode::UNAUTHORIZED
                || (r.status == StatusCode::OK
                    && doc["paths"][&path][method.to_lowercase()]["security"]
                        == serde_json::json!([])),
            "{method} {path}: {}",
            r.status
        );
    }
    let r = s
        .call("DELETE", "/v1/plans", None, None, &[], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// The checked-in document (server/openapi.json) is what the service serves. After changing
/// the API: `TUANTHU_UPDATE_OPENAPI=1 cargo test -p tuanthu-server --test api openapi`.
#[test]
fn openapi_document_is_checked_in() {
    let path = common::repo().join("server/openapi.json");
    let doc = tuanthu_server::openapi::document();
    if std::env::var_os("TUANTHU_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &doc).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == doc,
        "server/openapi.json is stale: re-run with TUANTHU_UPDATE_OPENAPI=1"
    );
}

#[tokio::test]
async fn sqlite_uses_wal_in_the_data_dir() {
    let s = Svc::start(Backend::Sqlite, MB).await.unwrap();
    assert_eq!(
        s.state.db.journal_mode().await.unwrap().as_deref(),
        Some("wal")
    );
    assert!(s.dir.join("tuanthu.sqlite3").exists());
}

both_backends!(pages_and_what_they_call);
async fn pages_and_what_they_call(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    s.upload_example("vinh-long").await;
    for (path, needle) in [
        ("/", "id=\"matrix\""),
        ("/form", "id=\"received\""),
        ("/pages/common.js", "dd/mm/yyyy"),
        ("/pages/style.css", "@media"),
    ] {
        let r = s.call("GET", path, None, None, &[], Vec::new()).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.text().contains(needle), "{path}");
    }
    // The form shows the engine's Vietnamese messages, and rule ids only to administrators.
    let form = s
        .call("GET", "/form", None, None, &[], Vec::new())
        .await
        .text();
    assert!(form.contains("message_vi") && form.contains("role === \"admin\""));
    // What the pages call.
    let stp = s.token("STP", "submitter", Some("Sở Tư pháp")).await;
    let who = s.get("/v1/whoami", &stp).await.json();
    assert_eq!(who["role"], "submitter");
    assert_eq!(who["agency"], "Sở Tư pháp");
    let reg = s.get(&format!("/v1/plans/{VL}/registry"), &stp).await;
    assert_eq!(reg.status, StatusCode::OK);
    let reg: tuanthu::model::AgencyRegistry = serde_json::from_slice(&reg.body).unwrap();
    assert_eq!(
        reg,
        from_json_str("r", &example("vinh-long", "registry.json")).unwrap()
    );
}

both_backends!(example_rows_one_by_one);
/// Each shipped example row on its own: the rows the engine does not count (an obligation the
/// plan lacks, a coordinating agency's evidence) are refused, every other row is stored.
async fn example_rows_one_by_one(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    for (province, stored, refused) in [("can-tho", 7, 1), ("hung-yen", 4, 0), ("vinh-long", 13, 2)]
    {
        let plan = s.upload_example(province).await["plan_id"]
            .as_str()
            .unwrap()
            .to_string();
        let csv = example(province, "submissions.csv");
        let mut lines = csv.lines();
        let header = lines.next().unwrap();
        let (mut ok, mut no) = (0, 0);
        for row in lines.filter(|l| !l.is_empty()) {
            let r = s
                .post_csv(
                    &format!("/v1/plans/{plan}/submissions/batch"),
                    ADMIN,
                    format!("{header}\n{row}\n"),
                )
                .await;
            match r.status {
                StatusCode::CREATED => ok += 1,
                StatusCode::UNPROCESSABLE_ENTITY => no += 1,
                other => panic!("{province}: {other} {}", r.text()),
            }
        }
        assert_eq!((ok, no), (stored, refused), "{province}");
        assert_eq!(s.submission_count(&plan).await, stored);
    }
}

both_backends!(a_spreadsheet_saved_by_excel_in_vietnamese_is_a_batch_like_the_english_csv);
/// Excel under Vietnamese regional settings saves "CSV" with `;` between cells; a spreadsheet
/// kept by hand names its columns in Vietnamese. The batch reads it as the English CSV.
async fn a_spreadsheet_saved_by_excel_in_vietnamese_is_a_batch_like_the_english_csv(b: Backend) {
    let Some(s) = Svc::start(b, 8 * MB).await else {
        return;
    };
    s.upload_example("hung-yen").await;
    let english = example("hung-yen", "submissions.csv");
    let mut rows = english.lines();
    rows.next();
    let vietnamese = std::iter::once(
        "\u{feff}Cơ quan;Nhiệm vụ;Giai đoạn;Kỳ;Ngày nhận;Số, ký hiệu;Ghi chú".to_string(),
    )
    .chain(rows.map(|r| r.replace(',', ";")))
    .collect::<Vec<_>>()
    .join("\r\n");
    assert!(
        !english.contains('"'),
        "the example has no quoted cells to keep"
    );
    let url = "/v1/plans/hung-yen-draft/submissions/batch";
    let r = s.post_csv(url, ADMIN, vietnamese).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let report = s
        .get("/v1/plans/hung-yen-draft/report?as_of=2026-11-23", ADMIN)
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    let library = Evaluator::standard()
        .unwrap()
        .evaluate(&library_request("hung-yen", &english, "2026-11-23"))
        .unwrap();
    let statuses = |assessments: &serde_json::Value| -> Vec<String> {
        let list = assessments.as_array().unwrap();
        list.iter().map(|a| a["status"].to_string()).collect()
    };
    let from_library = serde_json::to_value(&library.assessments).unwrap();
    assert_eq!(
        statuses(&report.json()["assessments"]),
        statuses(&from_library)
    );
}
