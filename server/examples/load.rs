//! Load bench of the service, loopback only: starts `tuanthu-server` (built alongside) on a
//! fresh SQLite data dir (or `--database postgres://…`), loads the Vĩnh Long example plan, then
//! N clients for S seconds, each on one kept HTTP/1.1 connection, sending submissions and, one
//! request in ten, the plan's report (accepting gzip). Prints throughput, p50/p99 latencies per
//! kind and the error count.
//!
//! With `--province`, reports are of a synthetic province of about 9,000 instances instead
//! (`tuanthu::unstable::synth`: 750 agencies × 12 obligations in 2026, its evidence received
//! by the day before today loaded through the API first), as of the day before today.
//!
//!   cargo build --release -p tuanthu-server --bin tuanthu-server --example load
//!   ./target/release/examples/load --clients 50 --seconds 60 [--province]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "load-bench-admin";
const PLAN: &str = "vinh-long-144-KH-UBND";
const REPORT_PLAN: &str = "hung-yen-draft";

#[path = "../tests/common/http.rs"]
mod http_client;

/// One request on a fresh connection with the bench's admin token.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(u16, Vec<u8>)> {
    http_client::request(addr, TOKEN, method, path, headers, body)
}

/// One keep-alive HTTP/1.1 connection, as a real client keeps it (a new TCP connection per
/// request would measure the handshake, not the service). Reconnects when the server closed it.
struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Self {
        Conn { addr, stream: None }
    }

    fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> std::io::Result<(u16, Vec<u8>)> {
        let fresh = self.stream.is_none();
        match self.try_request(method, path, headers, body) {
            Ok(r) => Ok(r),
            // A kept connection the server had closed: once more on a new one.
            Err(_) if !fresh => {
                self.stream = None;
                self.try_request(method, path, headers, body)
            }
            Err(e) => {
                self.stream = None;
                Err(e)
            }
        }
    }

    fn try_request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> std::io::Result<(u16, Vec<u8>)> {
        if self.stream.is_none() {
            let s = TcpStream::connect(self.addr)?;
            s.set_read_timeout(Some(Duration::from_secs(30)))?;
            s.set_nodelay(true)?;
            self.stream = Some(BufReader::new(s));
        }
        let addr = self.addr;
        let r = self.stream.as_mut().unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        r.get_mut().write_all(req.as_bytes())?;
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("connection closed"));
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let (k, v) = l.split_once(':').unwrap_or((l, ""));
            let (k, v) = (k.to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "content-length" => length = v.parse::<usize>().ok(),
                "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
                "connection" => close = v.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let mut out = Vec::new();
        if chunked {
            loop {
                line.clear();
                r.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim(), 16)
                    .map_err(|_| std::io::Error::other("bad chunk size"))?;
                let start = out.len();
                out.resize(start + n, 0);
                r.read_exact(&mut out[start..])?;
                line.clear();
                r.read_line(&mut line)?;
                if n == 0 {
                    break;
                }
            }
        } else if let Some(n) = length {
            out.resize(n, 0);
            r.read_exact(&mut out)?;
        } else {
            r.read_to_end(&mut out)?;
            close = true;
        }
        if close {
            self.stream = None;
        }
        Ok((status, out))
    }
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn main() {
    let mut clients = 50usize;
    let mut seconds = 60u64;
    let mut database: Option<String> = None;
    let mut province = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--clients" => clients = args.next().unwrap().parse().unwrap(),
            "--seconds" => seconds = args.next().unwrap().parse().unwrap(),
            "--database" => database = args.next(),
            "--province" => province = true,
            _ => panic!("usage: load [--clients N] [--seconds S] [--database URL] [--province]"),
        }
    }
    let exe = std::env::current_exe().unwrap();
    let server = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("tuanthu-server");
    let data: PathBuf = std::env::temp_dir().join(format!("tuanthu-load-{}", std::process::id()));
    let mut cmd = Command::new(&server);
    cmd.args(["--listen", "127.0.0.1:0", "--data"]).arg(&data);
    if let Some(db) = &database {
        cmd.args(["--database", db]);
    }
    let mut child = cmd
        .env("TUANTHU_ADMIN_TOKEN", TOKEN)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (build it with --bin tuanthu-server)",
                server.display()
            )
        });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line
        .trim()
        .trim_start_matches("listening on http://")
        .parse()
        .unwrap();

    // Submissions go to Vĩnh Long; reports are of Hưng Yên with its example submissions, so a
    // report's cost does not grow with the bench's own submissions.
    for province in ["vinh-long", "hung-yen"] {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../rules/examples")
            .join(province);
        let read = |f: &str| std::fs::read_to_string(root.join(f)).unwrap();
        let upload = format!(
            "{{\"plan\": {}, \"registry\": {}, \"events\": {}}}",
            read("plan.json"),
            read("registry.json"),
            read("events.json")
        );
        let (st, _) = http(
            addr,
            "POST",
            "/v1/plans",
            &[("Content-Type", "application/json")],
            &upload,
        )
        .unwrap();
        assert_eq!(st, 201);
        if province == "hung-yen" {
            let (st, _) = http(
                addr,
                "POST",
                &format!("/v1/plans/{REPORT_PLAN}/submissions/batch"),
                &[("Content-Type", "text/csv")],
                &read("submissions.csv"),
            )
            .unwrap();
            assert_eq!(st, 201, "hung-yen's example submissions are all counted");
        }
    }

    let (report_plan, as_of) = if province {
        load_province(addr)
    } else {
        (REPORT_PLAN.to_string(), "2026-11-23".to_string())
    };
    let report_path = format!("/v1/plans/{report_plan}/report?as_of={as_of}");
    // The first report is evaluated afresh (nothing cached yet): what a report costs after a
    // new submission to its own plan.
    let t = Instant::now();
    let (st, body) = http(addr, "GET", &report_path, &[], "").unwrap();
    let cold = t.elapsed().as_secs_f64() * 1e3;
    assert_eq!(st, 200);
    let report: serde_json::Value = serde_json::from_slice(&body).unwrap();
    println!(
        "report of {report_plan} as of {as_of}: {} instances, {} bytes, first (evaluated) in {cold:.1} ms",
        report["assessments"].as_array().map_or(0, Vec::len),
        body.len()
    );

    // Reports travel gzipped, as to any HTTP client that accepts it (browsers do); checked once
    // here that the inflated body is the report's bytes. The timed requests below measure until
    // the last byte arrived, not the client's inflating.
    let gz = [("Accept-Encoding", "gzip")];
    let (st, zipped) = Conn::new(addr)
        .request("GET", &report_path, &gz, "")
        .unwrap();
    assert_eq!(st, 200);
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut inflated)
        .unwrap();
    assert!(
        inflated == body,
        "the gzipped report inflates to the report"
    );
    println!("report gzipped: {} bytes", zipped.len());

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let report_path = report_path.clone();
            std::thread::spawn(move || {
                let mut conn = Conn::new(addr);
                let (mut sub, mut rep, mut errors) = (Vec::new(), Vec::new(), 0usize);
                let mut i = 0usize;
                while Instant::now() < deadline {
                    i += 1;
                    let t = Instant::now();
                    if i % 10 == 0 {
                        match conn.request("GET", &report_path, &[("Accept-Encoding", "gzip")], "") {
                            Ok((200, _)) => rep.push(t.elapsed().as_secs_f64() * 1e3),
                            _ => errors += 1,
                        }
                    } else {
                        let body = format!(r#"{{"agency": "Sở Tư pháp", "obligation": "II.3", "received": "2026-04-18", "document_number": "{}/BC-STP"}}"#, c * 10_000_000 + i);
                        let key = format!("load-{c}-{i}");
                        let path = format!("/v1/plans/{PLAN}/submissions");
                        match conn.request("POST", &path, &[("Content-Type", "application/json"), ("Idempotency-Key", &key)], &body) {
                            Ok((201, _)) => sub.push(t.elapsed().as_secs_f64() * 1e3),
                            _ => errors += 1,
                        }
                    }
                }
                (sub, rep, errors)
            })
        })
        .collect();
    let (mut sub, mut rep, mut errors) = (Vec::new(), Vec::new(), 0);
    for h in handles {
        let (s, r, e) = h.join().unwrap();
        sub.extend(s);
        rep.extend(r);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&data);
    println!(
        "{clients} clients, {elapsed:.1} s, backend {}",
        if database.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    );
    println!(
        "submissions: {} ok, {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
        sub.len(),
        sub.len() as f64 / elapsed,
        pct(&mut sub, 0.5),
        pct(&mut sub, 0.99)
    );
    println!(
        "reports:     {} ok, {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
        rep.len(),
        rep.len() as f64 / elapsed,
        pct(&mut rep, 0.5),
        pct(&mut rep, 0.99)
    );
    println!("errors: {errors}");
}

/// Uploads a synthetic province of about 9,000 instances and its evidence received by the day
/// before today (the service refuses evidence from the future); returns its plan id and that day.
fn load_province(addr: SocketAddr) -> (String, String) {
    use tuanthu::unstable::synth::{province, Shape};
    let req = province(
        7,
        Shape {
            agencies: 750,
            obligations: 12,
            years: 1,
            evidence_percent: 80,
        },
    );
    let as_of =
        (chrono::Utc::now() + chrono::Duration::hours(7) - chrono::Duration::days(1)).date_naive();
    let upload =
        serde_json::json!({"plan": req.plan, "registry": req.registry, "events": req.events});
    let (st, _) = http(
        addr,
        "POST",
        "/v1/plans",
        &[("Content-Type", "application/json")],
        &upload.to_string(),
    )
    .unwrap();
    assert_eq!(st, 201, "upload of the synthetic province");
    let subs: Vec<_> = req
        .submissions
        .iter()
        .filter(|s| s.received <= as_of)
        .collect();
    let path = format!("/v1/plans/{}/submissions/batch", req.plan.id);
    let (mut stored, mut refused) = (0usize, 0usize);
    for chunk in subs.chunks(200) {
        let body = serde_json::to_string(chunk).unwrap();
        let (st, _) = http(
            addr,
            "POST",
            &path,
            &[("Content-Type", "application/json")],
            &body,
        )
        .unwrap();
        if st == 201 {
            stored += chunk.len();
            continue;
        }
        // All or nothing: one the engine would not count refuses its batch; file one by one.
        for s in chunk {
            let body = serde_json::to_string(&[s]).unwrap();
            match http(
                addr,
                "POST",
                &path,
                &[("Content-Type", "application/json")],
                &body,
            )
            .unwrap()
            .0
            {
                201 => stored += 1,
                _ => refused += 1,
            }
        }
    }
    println!(
        "synthetic province {}: {} obligations, {stored} submissions stored, {refused} refused",
        req.plan.id,
        req.plan.obligations.len()
    );
    (req.plan.id.clone(), as_of.format("%Y-%m-%d").to_string())
}
