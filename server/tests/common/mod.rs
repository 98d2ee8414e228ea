//! Test harness: a service on a fresh database (SQLite in a temporary directory, or a fresh
//! PostgreSQL database when `TUANTHU_TEST_POSTGRES_URL` is set), called in-process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const ADMIN: &str = "test-admin-secret";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn example(province: &str, file: &str) -> String {
    std::fs::read_to_string(repo().join("rules/examples").join(province).join(file)).unwrap()
}

/// `{"plan": ..., "registry": ..., "events": ...}` of a shipped example.
pub fn example_upload(province: &str) -> String {
    format!(
        "{{\"plan\": {}, \"registry\": {}, \"events\": {}}}",
        example(province, "plan.json"),
        example(province, "registry.json"),
        example(province, "events.json")
    )
}

/// A fresh empty directory under the system's temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "tuanthu-server-{tag}-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        chrono::Utc::now().timestamp_micros()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh database URL for `backend`: `None` (SQLite in the data dir), a new PostgreSQL
/// database, or `Err(())` when PostgreSQL is not configured (the test is skipped).
pub async fn database(backend: Backend) -> Result<Option<String>, ()> {
    match backend {
        Backend::Sqlite => Ok(None),
        Backend::Postgres => {
            let Ok(base) = std::env::var("TUANTHU_TEST_POSTGRES_URL") else {
                eprintln!("skipped: TUANTHU_TEST_POSTGRES_URL is not set");
                return Err(());
            };
            static N: AtomicUsize = AtomicUsize::new(0);
            let name = format!(
                "tt_{}_{}_{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst),
                chrono::Utc::now().timestamp_micros()
            );
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut c)
                .await
                .unwrap();
            let (head, tail) = match base.split_once('?') {
                Some((h, t)) => (h.to_string(), format!("?{t}")),
                None => (base.clone(), String::new()),
            };
            // The URL names a database (…/postgres): the new one replaces it.
            let cut = head.rfind('/').unwrap();
            Ok(Some(format!("{}{name}{tail}", &head[..=cut])))
        }
    }
}

#[derive(Clone)]
pub struct Svc {
    pub app: Router,
    pub state: std::sync::Arc<tuanthu_server::AppState>,
    pub dir: PathBuf,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The error message of a contract error body.
    pub fn message(&self) -> String {
        self.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

impl Svc {
    pub async fn start(backend: Backend, max_body: usize) -> Option<Svc> {
        let db = database(backend).await.ok()?;
        let dir = temp_dir("api");
        let mut config = tuanthu_server::Config::new("127.0.0.1:0".parse().unwrap(), dir.clone());
        config.database = db;
        config.admin_token = Some(ADMIN.into());
        config.max_body_bytes = max_body;
        let (app, state) = tuanthu_server::build(&config).await.unwrap();
        Some(Svc { app, state, dir })
    }

    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        headers: &[(&str, &str)],
        body: impl Into<Vec<u8>>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            b = b.header("content-type", ct);
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b.body(Body::from(body.into())).unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, uri: &str, token: &str) -> Resp {
        self.call("GET", uri, Some(token), None, &[], Vec::new())
            .await
    }

    pub async fn post_json(&self, uri: &str, token: &str, body: &str) -> Resp {
        self.call(
            "POST",
            uri,
            Some(token),
            Some("application/json"),
            &[],
            body,
        )
        .await
    }

    pub async fn post_csv(&self, uri: &str, token: &str, body: impl Into<Vec<u8>>) -> Resp {
        self.call("POST", uri, Some(token), Some("text/csv"), &[], body)
            .await
    }

    /// Creates a token and returns its secret.
    pub async fn token(&self, name: &str, role: &str, agency: Option<&str>) -> String {
        let body = serde_json::json!({"name": name, "role": role, "agency": agency}).to_string();
        let r = self.post_json("/v1/tokens", ADMIN, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["token"].as_str().unwrap().to_string()
    }

    pub async fn upload_example(&self, province: &str) -> serde_json::Value {
        let r = self
            .post_json("/v1/plans", ADMIN, &example_upload(province))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()
    }

    pub async fn submission_count(&self, plan: &str) -> usize {
        let r = self
            .get(&format!("/v1/plans/{plan}/submissions"), ADMIN)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json().as_array().unwrap().len()
    }
}

/// Runs the same test body on SQLite and (when configured) PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            use super::Backend;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(Backend::Postgres).await
            }
        }
    };
}
