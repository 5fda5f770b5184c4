//! A TCP relay that starts listening late: an address for a real service
//! that, seen from its clients, comes up only after them.

use std::net::SocketAddr;
use std::time::Duration;

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
