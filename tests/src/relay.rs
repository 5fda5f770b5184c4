//! TCP relays in front of a real service: one that starts listening late
//! (the service, seen from its clients, comes up only after them), one that
//! can freeze (the service hangs).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
