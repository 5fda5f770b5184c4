//! The shutdown signal: SIGTERM or Ctrl-C flips a watch that every task
//! can await or poll.

use tokio::sync::watch;

/// A cloneable view of "shutdown was requested".
#[derive(Clone, Debug)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// A pair: the trigger and the view (tests trigger it by hand).
    pub fn new() -> (watch::Sender<bool>, Self) {
        let (tx, rx) = watch::channel(false);
        (tx, Self(rx))
    }

    /// Whether shutdown was requested.
    pub fn requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once shutdown is requested.
    pub async fn wait(&mut self) {
        // An error means the sender is gone, which also means: stop.
        let _ = self.0.wait_for(|v| *v).await;
    }
}

/// Spawns the signal listener and returns the view it triggers.
pub fn shutdown_signal() -> Shutdown {
    let (tx, view) = Shutdown::new();
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! {
                        _ = ctrl_c => {}
                        _ = term.recv() => {}
                    }
                }
                Err(_) => {
                    let _ = ctrl_c.await;
                }
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutdown requested");
        let _ = tx.send(true);
    });
    view
}
