//! One HTTP/1.1 request on a fresh connection, over std's `TcpStream`: what the crash test and
//! the load example (both run the service as a process) need, without an HTTP client crate.
//! The load example includes this file by path.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The text of one request with `Authorization: Bearer {token}`; `keep_alive: false` asks the
/// service to close the connection after its answer.
pub fn request_text(
    addr: SocketAddr,
    token: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
    keep_alive: bool,
) -> String {
    let close = if keep_alive {
        ""
    } else {
        "Connection: close\r\n"
    };
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{close}Authorization: Bearer {token}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    req
}

/// `(status, body)` of one request with `Authorization: Bearer {token}`; an answer without a
/// status line is an error, never a status of its own.
pub fn request(
    addr: SocketAddr,
    token: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let req = request_text(addr, token, method, path, headers, body, false);
    s.write_all(req.as_bytes())?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    let head = String::from_utf8_lossy(&out[..out.len().min(20)]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line: {head:?}")))?;
    let body = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or_else(Vec::new, |i| out[i + 4..].to_vec());
    Ok((status, body))
}
