//! kill -9 while 20 clients submit: after a restart every acknowledged submission is there
//! exactly once, and retrying the requests in flight (same Idempotency-Key) stores each once.
//! SQLite always; PostgreSQL too when `TUANTHU_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{example_upload, Backend, ADMIN};

const PLAN: &str = "vinh-long-144-KH-UBND";
const CLIENTS: usize = 20;

/// One HTTP/1.1 request on a fresh connection as the administrator: (status, body as text).
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(u16, String)> {
    let (status, body) = common::http::request(addr, ADMIN, method, path, headers, body)?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

fn start(dir: &std::path::Path, database: Option<&str>) -> (Child, SocketAddr) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tuanthu-server"));
    cmd.args(["--listen", "127.0.0.1:0", "--data"]).arg(dir);
    if let Some(db) = database {
        cmd.args(["--database", db]);
    }
    let mut child = cmd
        .env("TUANTHU_ADMIN_TOKEN", ADMIN)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{line:?}"));
    (child, addr.parse().unwrap())
}

fn submission(client: usize, i: usize) -> (String, String, String) {
    let doc = format!("{}/BC-STP", client * 100_000 + i + 1);
    let body = format!(
        r#"{{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-18", "document_number": "{doc}"}}"#
    );
    (format!("crash-{client}-{i}"), doc, body)
}

fn crash_test(backend: Backend) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Ok(database) = rt.block_on(common::database(backend)) else {
        return;
    };
    let dir = common::temp_dir("crash");
    let (mut child, addr) = start(&dir, database.as_deref());
    let (status, body) = http(
        addr,
        "POST",
        "/v1/plans",
        &[("Content-Type", "application/json")],
        &example_upload("vinh-long"),
    )
    .unwrap();
    assert_eq!(status, 201, "{body}");

    let acked: Arc<Mutex<BTreeMap<String, (String, String)>>> = Default::default();
    let in_doubt: Arc<Mutex<Vec<(String, String, String)>>> = Default::default();
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (acked, in_doubt, stop) = (acked.clone(), in_doubt.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let (key, doc, body) = submission(c, i);
                    let path = format!("/v1/plans/{PLAN}/submissions");
                    match http(
                        addr,
                        "POST",
                        &path,
                        &[
                            ("Content-Type", "application/json"),
                            ("Idempotency-Key", &key),
                        ],
                        &body,
                    ) {
                        Ok((201, resp)) => {
                            let v: serde_json::Value = serde_json::from_str(&resp).unwrap();
                            let id = v["ids"][0].as_str().unwrap().to_string();
                            acked.lock().unwrap().insert(key, (id, doc));
                        }
                        Ok((status, resp)) => panic!("client {c}: {status} {resp}"),
                        // The service died under this request: it may or may not be stored.
                        Err(_) => {
                            in_doubt.lock().unwrap().push((key, doc, body));
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    // Let every client get acknowledgements, then kill -9 mid-stream.
    let t0 = std::time::Instant::now();
    while acked.lock().unwrap().len() < 2 * CLIENTS && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for t in threads {
        t.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let in_doubt = in_doubt.lock().unwrap().clone();
    assert!(
        acked.len() >= 2 * CLIENTS,
        "only {} acknowledged",
        acked.len()
    );

    let (mut child, addr) = start(&dir, database.as_deref());
    let count_docs = || -> BTreeMap<String, Vec<String>> {
        let (status, body) = http(
            addr,
            "GET",
            &format!("/v1/plans/{PLAN}/submissions"),
            &[],
            "",
        )
        .unwrap();
        assert_eq!(status, 200, "{body}");
        let list: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        let mut by_doc: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for s in list {
            by_doc
                .entry(
                    s["submission"]["document_number"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
                .or_default()
                .push(s["id"].as_str().unwrap().to_string());
        }
        by_doc
    };
    let stored = count_docs();
    for (key, (id, doc)) in &acked {
        assert_eq!(
            stored.get(doc),
            Some(&vec![id.clone()]),
            "acknowledged {key} must be stored exactly once"
        );
    }
    // Nothing half-written: every stored row is a whole submission of one of the requests.
    assert!(stored.values().all(|ids| ids.len() == 1));
    assert!(stored.len() <= acked.len() + in_doubt.len());
    // Retrying what was in flight stores each exactly once.
    for (key, _, body) in &in_doubt {
        let (status, resp) = http(
            addr,
            "POST",
            &format!("/v1/plans/{PLAN}/submissions"),
            &[
                ("Content-Type", "application/json"),
                ("Idempotency-Key", key),
            ],
            body,
        )
        .unwrap();
        assert_eq!(status, 201, "{resp}");
    }
    let after = count_docs();
    assert_eq!(after.len(), acked.len() + in_doubt.len());
    assert!(after.values().all(|ids| ids.len() == 1));
    eprintln!("{backend:?}: {} acknowledged before kill -9, {} in flight; after restart and retry {} stored, each once", acked.len(), in_doubt.len(), after.len());
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn kill_9_keeps_every_acknowledged_submission_once_sqlite() {
    crash_test(Backend::Sqlite);
}

#[test]
fn kill_9_keeps_every_acknowledged_submission_once_postgres() {
    crash_test(Backend::Postgres);
}
