//! A minimal HTTP/1.0 client for the API under test: requests with a
//! bearer token and a JSON body, and a Server-Sent Events reader. HTTP/1.0
//! keeps responses unchunked (the server closes the connection to end
//! one), so a stream's bytes are its events as they arrive.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An HTTP response: status, headers (lower-case names) and body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Headers,
    pub body: String,
}

impl Response {
    /// The body as JSON (panics, naming the body, when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn head(
    method: &str,
    addr: SocketAddr,
    path: &str,
    token: Option<&str>,
    extra: &[(&str, &str)],
) -> String {
    let mut h = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n");
    if let Some(t) = token {
        h.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    for (name, value) in extra {
        h.push_str(&format!("{name}: {value}\r\n"));
    }
    h
}

/// Response headers: lower-case names and values.
pub type Headers = Vec<(String, String)>;

/// The status, headers and the rest (the body so far) of a response.
fn split_head(text: &str) -> Option<(u16, Headers, &str)> {
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some((status, headers, body))
}

/// `method path` with an optional token and JSON body; panics when the
/// server cannot be reached or answers nothing within 60 s.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&str>,
) -> Response {
    try_request(addr, method, path, token, json, Duration::from_secs(60))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `method path` as [`request`], for a server that may be down: an error
/// says why there is no response (not reachable, no answer within `limit`).
pub async fn try_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<&str>,
    limit: Duration,
) -> Result<Response, String> {
    let mut s = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    let mut h = head(method, addr, path, token, &[]);
    if let Some(body) = json {
        h.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    h.push_str("\r\n");
    h.push_str(json.unwrap_or_default());
    s.write_all(h.as_bytes())
        .await
        .map_err(|e| format!("{method} {path}: send: {e}"))?;
    let mut buf = Vec::new();
    tokio::time::timeout(limit, s.read_to_end(&mut buf))
        .await
        .map_err(|_| format!("{method} {path}: no answer in {limit:?}"))?
        .map_err(|e| format!("{method} {path}: read: {e}"))?;
    let text = String::from_utf8_lossy(&buf);
    let (status, headers, body) =
        split_head(&text).ok_or_else(|| format!("{method} {path}: bad response {text}"))?;
    Ok(Response {
        status,
        headers,
        body: body.to_owned(),
    })
}

/// One Server-Sent Event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

/// An open event stream.
#[derive(Debug)]
pub struct EventStream {
    s: TcpStream,
    buf: String,
    pub status: u16,
    pub headers: Headers,
}

impl EventStream {
    /// Opens `path` (with `Last-Event-ID` when given).
    pub async fn open(
        addr: SocketAddr,
        path: &str,
        token: &str,
        last_event_id: Option<&str>,
    ) -> EventStream {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        let extra: Vec<(&str, &str)> = last_event_id
            .map(|id| vec![("Last-Event-ID", id), ("Accept", "text/event-stream")])
            .unwrap_or_else(|| vec![("Accept", "text/event-stream")]);
        let h = head("GET", addr, path, Some(token), &extra) + "\r\n";
        s.write_all(h.as_bytes()).await.expect("send");
        let mut stream = EventStream {
            s,
            buf: String::new(),
            status: 0,
            headers: Vec::new(),
        };
        loop {
            if let Some((status, headers, rest)) = split_head(&stream.buf) {
                let rest = rest.to_owned();
                stream.status = status;
                stream.headers = headers;
                stream.buf = rest;
                return stream;
            }
            assert!(
                stream.fill(Duration::from_secs(30)).await,
                "stream closed before its head"
            );
        }
    }

    /// Reads more; false when the stream ended or nothing came in `limit`.
    async fn fill(&mut self, limit: Duration) -> bool {
        let mut chunk = [0_u8; 8192];
        match tokio::time::timeout(limit, self.s.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => {
                self.buf.push_str(&String::from_utf8_lossy(&chunk[..n]));
                true
            }
            _ => false,
        }
    }

    /// The next event (keep-alive comments skipped), or `None` if none
    /// came within `limit` or the stream ended.
    pub async fn next(&mut self, limit: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            while let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf[..end].to_owned();
                self.buf.drain(..end + 2);
                let mut e = SseEvent::default();
                let mut data = Vec::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        e.id = Some(v.trim_start().to_owned());
                    } else if let Some(v) = line.strip_prefix("event:") {
                        e.event = Some(v.trim_start().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.strip_prefix(' ').unwrap_or(v).to_owned());
                    }
                }
                if e.id.is_some() || !data.is_empty() {
                    e.data = data.join("\n");
                    return Some(e);
                }
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() || !self.fill(left).await {
                return None;
            }
        }
    }
}
