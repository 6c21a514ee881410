//! The JSON written with `--json`: what was measured, on what, and when, so that
//! `scripts/bench-charts` can draw it and a later run can be compared with it.

use std::path::Path;

use anyhow::Context as _;
use chrono::{SecondsFormat, Utc};
use serde::Serialize;

#[derive(Serialize)]
struct Report<'a, T: Serialize> {
    tool: &'static str,
    mode: &'static str,
    backend: &'static str,
    recorded_at: String,
    /// Client and server share these cores, which bounds every figure.
    cores: usize,
    server_bin: String,
    #[serde(flatten)]
    body: &'a T,
}

pub struct Meta<'a> {
    pub mode: &'static str,
    pub backend: &'static str,
    pub server_bin: &'a Path,
}

pub fn write<T: Serialize>(path: &Path, meta: &Meta<'_>, body: &T) -> anyhow::Result<()> {
    let report = Report {
        tool: "loadbench",
        mode: meta.mode,
        backend: meta.backend,
        recorded_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        cores: std::thread::available_parallelism().map_or(0, usize::from),
        server_bin: meta.server_bin.display().to_string(),
        body,
    };
    let mut text = serde_json::to_string_pretty(&report).context("serialising the report")?;
    text.push('\n');
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}
