//! The server under test: `todo-api serve` child processes on a free port, sharing one
//! data directory, each killed when dropped so no error path leaves one running.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use tempfile::TempDir;

const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Short enough that the time to ready is measured to a few milliseconds; the probes
/// cost little next to a starting server.
const READY_POLL: Duration = Duration::from_millis(2);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// A fixed secret keeps the server from warning that it generated one for PostgreSQL.
const JWT_SECRET: &str = "loadbench-signing-secret-0123456789abcdef";
/// The file the server keeps its SQLite database in by default (see `api/src/config.rs`).
const SQLITE_FILE: &str = "todo.db";

/// How to start the server: the binary, its data directory and its database. Outlives
/// the servers it starts, so that a restart finds the same database.
pub struct Launcher {
    bin: PathBuf,
    database_url: String,
    data_dir: TempDir,
}

impl Launcher {
    /// `database_url` `None` means SQLite in the data directory.
    pub fn new(bin: &Path, database_url: Option<&str>) -> anyhow::Result<Self> {
        let data_dir = tempfile::Builder::new()
            .prefix("loadbench-")
            .tempdir()
            .context("creating the server's data directory")?;
        // Named here rather than left to the server's default, so the sustained mode
        // knows which file to read the outbox from; the server opens it the same way.
        let database_url = match database_url {
            Some(url) => url.to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                data_dir.path().join(SQLITE_FILE).display()
            ),
        };
        Ok(Self {
            bin: bin.to_owned(),
            database_url,
            data_dir,
        })
    }

    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    pub fn start(&self) -> anyhow::Result<Server> {
        let listen = format!("127.0.0.1:{}", free_port()?);
        let log_path = self.data_dir.path().join("server.log");
        let log = File::options()
            .create(true)
            .append(true)
            .open(&log_path)
            .context("opening the server log")?;

        let mut command = Command::new(&self.bin);
        command
            .arg("serve")
            .arg("--listen")
            .arg(&listen)
            .arg("--data-dir")
            .arg(self.data_dir.path())
            .arg("--database-url")
            .arg(&self.database_url)
            // An inherited DATABASE_URL would be ignored, but keep the child's view plain.
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .env("TODO_JWT_SECRET", JWT_SECRET)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        let spawned = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", self.bin.display()))?;
        Ok(Server {
            child,
            spawned,
            base_url: format!("http://{listen}"),
            log_path,
        })
    }
}

pub struct Server {
    child: Child,
    spawned: Instant,
    base_url: String,
    log_path: PathBuf,
}

impl Server {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Polls `/readyz` until it answers 200 and returns the time since the process was
    /// spawned: start-up, migrations and the first listener all count.
    pub async fn wait_ready(&mut self, client: &reqwest::Client) -> anyhow::Result<Duration> {
        let url = format!("{}/readyz", self.base_url);
        let deadline = self.spawned + READY_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "server exited ({status}) before it was ready:\n{}",
                    self.log()
                );
            }
            let ready = client.get(&url).send().await;
            if ready.is_ok_and(|response| response.status().is_success()) {
                return Ok(self.spawned.elapsed());
            }
            tokio::time::sleep(READY_POLL).await;
        }
        bail!("server not ready after {READY_TIMEOUT:?}:\n{}", self.log())
    }

    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// Asks the server to shut down (SIGTERM) and waits for it, so the database is left
    /// as a normal restart would find it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid()])
            .status()
            .context("running kill")?;
        if !status.success() {
            bail!("kill -TERM {} failed ({status})", self.pid());
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        bail!("server still running {STOP_TIMEOUT:?} after SIGTERM")
    }

    /// Everything the servers of this data directory logged so far (warnings and errors
    /// only).
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
