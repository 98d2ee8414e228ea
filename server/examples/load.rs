//! Load bench of the service, loopback only: starts `tuanthu-server` (built alongside) on a
//! fresh SQLite data dir (or `--database postgres://…`), uploads a synthetic province of 12,002
//! instances (`tuanthu::unstable::synth`: 750 agencies × 12 obligations in 2026; the issue's
//! province has about 9,000) and its evidence received by the day before today, then N clients
//! for S seconds, each on one kept HTTP/1.1 connection, sending submissions to that plan and, one
//! request in ten, that plan's report as of the day before today (accepting gzip unless
//! `--identity`). Every submission makes a new version of the plan's submissions, so a report
//! asked for after one is evaluated again: the figures are those of a plan reported on while it
//! receives submissions. Prints throughput, p50/p99 latencies per kind, how many distinct reports
//! were served, and the error count.
//!
//!   cargo build --release -p tuanthu-server --bin tuanthu-server --example load
//!   ./target/release/examples/load --clients 50 --seconds 60 [--quick] [--identity]
//!
//! `--quick` runs 10 s instead of the given seconds. `--report-every N`: one request in N is a
//! report (10 by default; 0: submissions only, to profile the submission path). Also prints the
//! CPU time the service used during the run (user + system, from /proc), per request: a figure
//! other processes on the machine change less than wall-clock latencies. The service logs at
//! level `error`, or as `LOAD_SERVER_LOG` says (`RUST_LOG` syntax).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "load-bench-admin";

mod common;
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
    /// `X-Result-Sha256` of the last answer: which report it was.
    result_hash: Option<String>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Self {
        Conn {
            addr,
            stream: None,
            result_hash: None,
        }
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
        let req = http_client::request_text(self.addr, TOKEN, method, path, headers, body, true);
        let r = self.stream.as_mut().unwrap();
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
        self.result_hash = None;
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
                "x-result-sha256" => self.result_hash = Some(v.to_string()),
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
    let mut gzip = true;
    let mut report_every = 10usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--clients" => clients = args.next().unwrap().parse().unwrap(),
            "--seconds" => seconds = args.next().unwrap().parse().unwrap(),
            "--database" => database = args.next(),
            "--quick" => seconds = 10,
            "--identity" => gzip = false,
            "--report-every" => report_every = args.next().unwrap().parse().unwrap(),
            _ => panic!(
                "usage: load [--clients N] [--seconds S] [--quick] [--identity] \
                 [--report-every N] [--database URL]"
            ),
        }
    }
    // `--quick` wins over `--seconds` whatever their order.
    if std::env::args().any(|a| a == "--quick") {
        seconds = 10;
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
        // `LOAD_SERVER_LOG=error,tuanthu_server::latency=debug`: the service logs where each
        // report's time went (to this program's stderr).
        .env(
            "RUST_LOG",
            std::env::var("LOAD_SERVER_LOG").unwrap_or_else(|_| "error".into()),
        )
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

    let (plan, as_of, templates) = load_province(addr);
    let report_path = format!("/v1/plans/{plan}/report?as_of={as_of}");
    let submit_path = format!("/v1/plans/{plan}/submissions");
    // The first report is evaluated afresh (nothing cached yet).
    let t = Instant::now();
    let (st, body) = http(addr, "GET", &report_path, &[], "").unwrap();
    let cold = t.elapsed().as_secs_f64() * 1e3;
    assert_eq!(st, 200);
    let report: serde_json::Value = serde_json::from_slice(&body).unwrap();
    println!(
        "report of {plan} as of {as_of}: {} instances, {} bytes, first (evaluated) in {cold:.1} ms",
        report["assessments"].as_array().map_or(0, Vec::len),
        body.len()
    );
    // Reports travel gzipped, as to any HTTP client that accepts it (browsers do); checked once
    // here that the inflated body is the report's bytes. The timed requests below measure until
    // the last byte arrived, not the client's inflating.
    const GZ: &[(&str, &str)] = &[("Accept-Encoding", "gzip")];
    let (st, zipped) = Conn::new(addr)
        .request("GET", &report_path, GZ, "")
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
    let report_headers: &'static [(&str, &str)] = if gzip { GZ } else { &[] };

    let templates = std::sync::Arc::new(templates);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let cpu_before = cpu_seconds(child.id());
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (report_path, submit_path) = (report_path.clone(), submit_path.clone());
            let templates = templates.clone();
            std::thread::spawn(move || {
                let mut conn = Conn::new(addr);
                let (mut sub, mut rep, mut errors) = (Vec::new(), Vec::new(), 0usize);
                let mut hashes = std::collections::HashSet::new();
                let mut i = 0usize;
                while Instant::now() < deadline {
                    i += 1;
                    let t = Instant::now();
                    if report_every > 0 && i % report_every == 0 {
                        match conn.request("GET", &report_path, report_headers, "") {
                            Ok((200, _)) => {
                                rep.push(t.elapsed().as_secs_f64() * 1e3);
                                hashes.extend(conn.result_hash.take());
                            }
                            _ => errors += 1,
                        }
                    } else {
                        // Another report of an instance the province's evidence names, with a
                        // document number of its own: counted, and a new version of the plan's
                        // submissions.
                        let mut s = templates[(c * 7919 + i) % templates.len()].clone();
                        s["document_number"] = format!("{}/BC-LOAD", c * 10_000_000 + i).into();
                        let key = format!("load-{c}-{i}");
                        match conn.request(
                            "POST",
                            &submit_path,
                            &[
                                ("Content-Type", "application/json"),
                                ("Idempotency-Key", &key),
                            ],
                            &s.to_string(),
                        ) {
                            Ok((201, _)) => sub.push(t.elapsed().as_secs_f64() * 1e3),
                            Ok((st, body)) => {
                                if errors == 0 {
                                    eprintln!(
                                        "submission: {st} {}",
                                        String::from_utf8_lossy(&body)
                                    );
                                }
                                errors += 1
                            }
                            Err(_) => errors += 1,
                        }
                    }
                }
                (sub, rep, errors, hashes)
            })
        })
        .collect();
    let (mut sub, mut rep, mut errors) = (Vec::new(), Vec::new(), 0);
    let mut hashes = std::collections::HashSet::new();
    for h in handles {
        let (s, r, e, d) = h.join().unwrap();
        sub.extend(s);
        rep.extend(r);
        errors += e;
        hashes.extend(d);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds(child.id()) - cpu_before;
    // The report as the bench left it: every submission of the run is in it.
    let (st, body) = http(addr, "GET", &report_path, &[], "").unwrap();
    assert_eq!(st, 200);
    let last: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&data);
    println!(
        "{clients} clients, {elapsed:.1} s, backend {}, reports {}",
        if database.is_some() {
            "postgres"
        } else {
            "sqlite"
        },
        if gzip { "gzipped" } else { "identity" }
    );
    println!(
        "submissions: {} ok, {:.0}/s, p50 {:.1} ms, p99 {:.1} ms",
        sub.len(),
        sub.len() as f64 / elapsed,
        pct(&mut sub, 0.5),
        pct(&mut sub, 0.99)
    );
    println!(
        "reports:     {} ok, {:.0}/s, p50 {:.1} ms, p99 {:.1} ms, {} distinct",
        rep.len(),
        rep.len() as f64 / elapsed,
        pct(&mut rep, 0.5),
        pct(&mut rep, 0.99),
        hashes.len()
    );
    println!(
        "last report: {} instances, {} findings, {} bytes",
        last["assessments"].as_array().map_or(0, Vec::len),
        last["findings"].as_array().map_or(0, Vec::len),
        body.len()
    );
    println!(
        "service CPU: {cpu:.1} s user+system in {elapsed:.1} s, {:.2} ms per request",
        cpu * 1e3 / (sub.len() + rep.len()).max(1) as f64
    );
    println!("errors: {errors}");
}

/// User + system CPU seconds of process `pid` so far (Linux /proc; 0 elsewhere).
fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at state; utime and stime
    // are the 14th and 15th fields of the line, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Uploads a synthetic province (12,002 instances) and its evidence received by the day
/// before today (the service refuses evidence from the future); returns its plan id, that day,
/// and the stored submissions as JSON (the bench files them again).
fn load_province(addr: SocketAddr) -> (String, String, Vec<serde_json::Value>) {
    let req = common::province_request();
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
    let (mut stored, mut refused) = (Vec::new(), 0usize);
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
            stored.extend_from_slice(chunk);
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
                201 => stored.push(*s),
                _ => refused += 1,
            }
        }
    }
    println!(
        "synthetic province {}: {} obligations, {} submissions stored, {refused} refused",
        req.plan.id,
        req.plan.obligations.len(),
        stored.len()
    );
    let templates = stored
        .iter()
        .map(|s| serde_json::to_value(s).unwrap())
        .collect();
    (
        req.plan.id.clone(),
        as_of.format("%Y-%m-%d").to_string(),
        templates,
    )
}
