//! Every denied request is logged (tracing, warn level), with who and what was refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::{Backend, Svc};

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn denied_requests_are_logged() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    // One thread: the subscriber set for it sees every handler of the current-thread runtime.
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = Svc::start(Backend::Sqlite, 1 << 20).await.unwrap();
        s.upload_example("vinh-long").await;
        let viewer = s.token("xem-bao-cao", "viewer", None).await;
        let stp = s.token("stp-token", "submitter", Some("Sở Tư pháp")).await;
        let url = "/v1/plans/vinh-long-144-KH-UBND/submissions";
        let body = r#"{"agency": "Sở Y tế", "obligation": "II.3", "received": "2026-04-18"}"#;
        assert_eq!(
            s.call("GET", "/v1/plans", None, None, &[], Vec::new())
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            s.get("/v1/plans", "wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            s.post_json(url, &viewer, body).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            s.post_json(url, &stp, body).await.status,
            StatusCode::FORBIDDEN
        );
    });
    let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let denials: Vec<&str> = log.lines().filter(|l| l.contains("denied")).collect();
    assert_eq!(denials.len(), 4, "{log}");
    assert!(denials[0].contains("no Authorization header"), "{log}");
    assert!(denials[1].contains("unknown token"), "{log}");
    assert!(
        denials[2].contains("xem-bao-cao") && denials[2].contains("role"),
        "{log}"
    );
    assert!(
        denials[3].contains("stp-token") && denials[3].contains("Sở Y tế"),
        "{log}"
    );
    assert!(denials.iter().all(|l| l.contains("WARN")));
}
