//! SIGTERM and Ctrl-C as a value the producer loop can watch: the loop
//! stops taking new messages, waits for every acknowledgement, and the
//! process exits 0.

use tokio::sync::watch;

/// A receiver that turns `true` on the first SIGTERM or Ctrl-C. Must be
/// called inside the runtime.
pub fn on_signal() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        eprintln!("cmp-loadgen: signal received, waiting for outstanding acknowledgements");
        let _ = tx.send(true);
    });
    rx
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = ctrl_c() => {}
            }
        }
        Err(e) => {
            eprintln!("cmp-loadgen: cannot listen for SIGTERM ({e}); Ctrl-C still works");
            ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    ctrl_c().await;
}

/// Ctrl-C; never returns if it cannot be listened for (a failure to listen
/// is not a request to stop).
async fn ctrl_c() {
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("cmp-loadgen: cannot listen for Ctrl-C ({e})");
        std::future::pending::<()>().await;
    }
}
