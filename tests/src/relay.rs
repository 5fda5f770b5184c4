//! TCP relays in front of a real service: one that starts listening late
//! (the service, seen from its clients, comes up only after them), one that
//! can freeze (the service hangs), one that loses the answer to a ClickHouse
//! INSERT and then refuses the queries after it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::free_addr;

/// An address that refuses connections for `after`, then relays each one
/// to `to`.
pub fn relay_later(to: SocketAddr, after: Duration) -> SocketAddr {
    let listen = free_addr();
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        let listener = TcpListener::bind(listen).await.expect("bind the relay");
        while let Ok((mut inbound, _)) = listener.accept().await {
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(to).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    listen
}

/// A relay to `to` that can freeze: while frozen it forwards nothing in
/// either direction and holds what it read, as a server that hangs with its
/// connections open; thawed, it forwards what it held and goes on.
#[derive(Debug, Clone)]
pub struct Freezer {
    pub addr: SocketAddr,
    frozen: Arc<AtomicBool>,
}

impl Freezer {
    /// Starts relaying at once (not frozen).
    pub fn start(to: SocketAddr) -> Freezer {
        let addr = free_addr();
        let frozen = Arc::new(AtomicBool::new(false));
        let listener = std::net::TcpListener::bind(addr).expect("bind the relay");
        listener.set_nonblocking(true).expect("non-blocking");
        let listener = TcpListener::from_std(listener).expect("tokio listener");
        let gate = Arc::clone(&frozen);
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let gate = Arc::clone(&gate);
                tokio::spawn(async move {
                    wait_thawed(&gate).await;
                    if let Ok(outbound) = TcpStream::connect(to).await {
                        let (in_r, in_w) = inbound.into_split();
                        let (out_r, out_w) = outbound.into_split();
                        tokio::join!(pump(in_r, out_w, &gate), pump(out_r, in_w, &gate));
                    }
                });
            }
        });
        Freezer { addr, frozen }
    }

    /// Stops forwarding (`true`) or resumes it (`false`).
    pub fn set_frozen(&self, frozen: bool) {
        self.frozen.store(frozen, Ordering::SeqCst);
    }
}

async fn wait_thawed(frozen: &AtomicBool) {
    while frozen.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Copies `from` to `to` chunk by chunk, holding each chunk while frozen.
async fn pump(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    frozen: &AtomicBool,
) {
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n @ 1..) = from.read(&mut buf).await {
        wait_thawed(frozen).await;
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// A relay to ClickHouse's HTTP interface that loses the answer to the
/// first INSERT: it forwards the request, and once the server starts to
/// answer (the rows are stored) closes the client's connection instead.
/// For `refuse_for` after that it refuses every other request (closes the
/// connection on it), so the client's check of what arrived fails, while
/// INSERTs still pass. Requests are recognised on every connection as the
/// client sends them (the client keeps connections alive): an INSERT names
/// its statement in the URL (`query=INSERT…`), a query sends it as the body.
#[derive(Debug, Clone)]
pub struct LostAnswer {
    pub addr: SocketAddr,
    state: Arc<LostState>,
}

#[derive(Debug)]
struct LostState {
    refuse_for: Duration,
    phase: Mutex<Phase>,
    lost: AtomicU64,
    refused: AtomicU64,
}

/// Where the relay is in its one fault.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for the first INSERT.
    Armed,
    /// The INSERT is with the server.
    Inserting,
    /// Its answer was lost: other requests are refused until then.
    Refusing(Instant),
}

/// What the relay does with a request.
#[derive(Debug, PartialEq, Eq)]
enum Fate {
    Forward,
    /// Forward, and lose the answer.
    LoseAnswer,
    Refuse,
}

impl LostState {
    fn fate(&self, insert: bool) -> Fate {
        let mut phase = self.phase.lock().unwrap_or_else(|p| p.into_inner());
        match *phase {
            Phase::Armed if insert => {
                *phase = Phase::Inserting;
                Fate::LoseAnswer
            }
            Phase::Refusing(until) if !insert && Instant::now() < until => {
                self.refused.fetch_add(1, Ordering::SeqCst);
                Fate::Refuse
            }
            _ => Fate::Forward,
        }
    }

    fn answer_lost(&self) {
        self.lost.fetch_add(1, Ordering::SeqCst);
        let mut phase = self.phase.lock().unwrap_or_else(|p| p.into_inner());
        *phase = Phase::Refusing(Instant::now() + self.refuse_for);
    }
}

impl LostAnswer {
    /// Starts relaying to `to` at once, ready to lose the first INSERT's answer.
    pub fn start(to: SocketAddr, refuse_for: Duration) -> LostAnswer {
        let addr = free_addr();
        let state = Arc::new(LostState {
            refuse_for,
            phase: Mutex::new(Phase::Armed),
            lost: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        });
        let listener = std::net::TcpListener::bind(addr).expect("bind the relay");
        listener.set_nonblocking(true).expect("non-blocking");
        let listener = TcpListener::from_std(listener).expect("tokio listener");
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                tokio::spawn(relay_requests(inbound, to, Arc::clone(&shared)));
            }
        });
        LostAnswer { addr, state }
    }

    /// INSERT answers lost so far (0 or 1).
    pub fn lost(&self) -> u64 {
        self.state.lost.load(Ordering::SeqCst)
    }

    /// Requests refused so far.
    pub fn refused(&self) -> u64 {
        self.state.refused.load(Ordering::SeqCst)
    }
}

/// Relays one client connection request by request. The client sends a
/// request only after the answer to the one before (no pipelining), so the
/// first bytes it sends after the server spoke start a request.
async fn relay_requests(inbound: TcpStream, to: SocketAddr, state: Arc<LostState>) {
    let Ok(outbound) = TcpStream::connect(to).await else {
        return;
    };
    let (mut client_r, mut client_w) = inbound.into_split();
    let (mut server_r, mut server_w) = outbound.into_split();
    let (mut up, mut down) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    let mut request_starts = true;
    let mut lose_answer = false;
    loop {
        tokio::select! {
            n = client_r.read(&mut up) => {
                let Ok(n @ 1..) = n else { break };
                if request_starts {
                    request_starts = false;
                    match state.fate(is_insert(&up[..n])) {
                        Fate::Forward => {}
                        Fate::LoseAnswer => lose_answer = true,
                        Fate::Refuse => break,
                    }
                }
                if server_w.write_all(&up[..n]).await.is_err() {
                    break;
                }
            }
            n = server_r.read(&mut down) => {
                let Ok(n @ 1..) = n else { break };
                if lose_answer {
                    state.answer_lost();
                    break;
                }
                request_starts = true;
                if client_w.write_all(&down[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    // Dropping the halves closes both connections.
}

/// Whether the request starting with `bytes` is an INSERT (its request
/// line carries the statement as `query=INSERT…`, form-encoded).
fn is_insert(bytes: &[u8]) -> bool {
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    line.windows(12).any(|w| w == b"query=INSERT")
}
