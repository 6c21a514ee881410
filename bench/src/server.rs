//! The server under test: a `todo-api serve` child process on a free port with its own
//! data directory, killed when dropped so no error path leaves it running.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use tempfile::TempDir;

const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// A fixed secret keeps the server from warning that it generated one for PostgreSQL.
const JWT_SECRET: &str = "loadbench-signing-secret-0123456789abcdef";

pub struct Server {
    child: Child,
    base_url: String,
    log_path: PathBuf,
    _data_dir: TempDir,
}

impl Server {
    pub fn spawn(bin: &Path, database_url: Option<&str>) -> anyhow::Result<Self> {
        let data_dir = tempfile::Builder::new()
            .prefix("loadbench-")
            .tempdir()
            .context("creating the server's data directory")?;
        let listen = format!("127.0.0.1:{}", free_port()?);
        let log_path = data_dir.path().join("server.log");
        let log = File::create(&log_path).context("creating the server log")?;

        let mut command = Command::new(bin);
        command
            .arg("serve")
            .arg("--listen")
            .arg(&listen)
            .arg("--data-dir")
            .arg(data_dir.path())
            // An inherited DATABASE_URL would silently replace the SQLite default.
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .env("TODO_JWT_SECRET", JWT_SECRET)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        if let Some(url) = database_url {
            command.arg("--database-url").arg(url);
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        Ok(Self {
            child,
            base_url: format!("http://{listen}"),
            log_path,
            _data_dir: data_dir,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub async fn wait_ready(&mut self, client: &reqwest::Client) -> anyhow::Result<()> {
        let url = format!("{}/readyz", self.base_url);
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "server exited ({status}) before it was ready:\n{}",
                    self.log()
                );
            }
            let ready = client.get(&url).send().await;
            if ready.is_ok_and(|response| response.status().is_success()) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("server not ready after {READY_TIMEOUT:?}:\n{}", self.log())
    }

    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// Everything the server logged so far (warnings and errors only).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now; the server binds it a moment later.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}
