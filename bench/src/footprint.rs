//! What the server costs to run: time from `exec` to a ready `/readyz`, resident memory
//! when idle and at its peak under load, and the size of the release binaries.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use serde::Serialize;

use crate::procfs;

/// Goals from the issue; printed beside the figures, never asserted.
const GOAL_IDLE_MIB: f64 = 30.0;
const GOAL_PEAK_MIB: f64 = 100.0;
const GOAL_READY_MS: f64 = 200.0;
/// Lets the start-up work (migrations, the first sweep, the relay's first poll) finish
/// and its short-lived allocations return before idle memory is read.
pub const SETTLE: Duration = Duration::from_secs(1);
/// Shipped next to `todo-api` by the same release build.
const OTHER_BINARIES: [&str; 1] = ["todo-mcp"];

#[derive(Clone, Debug, Serialize)]
pub struct Binary {
    pub name: String,
    pub mib: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Footprint {
    pub backend: &'static str,
    /// First start on an empty database: includes creating the schema.
    pub ready_first_start_ms: f64,
    /// A restart on the database the first start left: the usual case.
    pub ready_restart_ms: f64,
    pub idle_rss_mib: f64,
    pub peak_rss_mib: f64,
    pub binaries: Vec<Binary>,
}

pub fn idle_rss_mib(pid: &str) -> anyhow::Result<f64> {
    Ok(mib(procfs::memory(pid)?.current_kib))
}

pub fn peak_rss_mib(pid: &str) -> anyhow::Result<f64> {
    Ok(mib(procfs::memory(pid)?.peak_kib))
}

/// `todo-api` and its sibling binaries, those that exist, in MiB.
pub fn binaries(server_bin: &Path) -> anyhow::Result<Vec<Binary>> {
    let mut found = vec![binary(server_bin)?];
    if let Some(dir) = server_bin.parent() {
        for name in OTHER_BINARIES {
            let path = dir.join(name);
            if path.is_file() {
                found.push(binary(&path)?);
            }
        }
    }
    Ok(found)
}

fn binary(path: &Path) -> anyhow::Result<Binary> {
    let bytes = std::fs::metadata(path)
        .with_context(|| format!("reading the size of {}", path.display()))?
        .len();
    Ok(Binary {
        name: path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        ),
        mib: bytes as f64 / (1024.0 * 1024.0),
    })
}

pub fn print(footprint: &Footprint) {
    let backend = footprint.backend;
    println!(
        "{backend:<9} time to ready (exec to /readyz 200): first start {:.0} ms \
         (creates the schema), restart {:.0} ms  [goal on SQLite < {GOAL_READY_MS:.0} ms]",
        footprint.ready_first_start_ms, footprint.ready_restart_ms
    );
    println!(
        "{backend:<9} memory: idle RSS {:.1} MiB ({} s after ready) [goal < {GOAL_IDLE_MIB:.0} MiB], \
         peak RSS (VmHWM) after the load {:.1} MiB [goal < {GOAL_PEAK_MIB:.0} MiB]",
        footprint.idle_rss_mib,
        SETTLE.as_secs(),
        footprint.peak_rss_mib
    );
    let sizes: Vec<String> = footprint
        .binaries
        .iter()
        .map(|b| format!("{} {:.1} MiB", b.name, b.mib))
        .collect();
    println!("{backend:<9} release binaries: {}", sizes.join(", "));
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}
