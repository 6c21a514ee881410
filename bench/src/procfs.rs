//! CPU time and resident memory of a process, from Linux's `/proc`.

use std::time::Duration;

use anyhow::Context as _;

/// `/proc` reports CPU time in USER_HZ ticks, which Linux fixes at 100 per second.
const TICKS_PER_SECOND: u64 = 100;

/// Resident memory, in KiB.
pub struct Memory {
    pub peak_kib: u64,
    pub current_kib: u64,
}

/// User plus system CPU time of all threads of `pid` (a number, or "self").
pub fn cpu_time(pid: &str) -> anyhow::Result<Duration> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    // The command name may contain spaces, so fields are counted from after it.
    let (_, fields) = stat.rsplit_once(')').context("no command name")?;
    let fields: Vec<&str> = fields.split_whitespace().collect();
    let ticks = |index: usize| -> anyhow::Result<u64> {
        let field = fields.get(index).context("short stat line")?;
        Ok(field.parse()?)
    };
    // utime and stime are fields 14 and 15 of the whole line.
    let total = ticks(11)? + ticks(12)?;
    Ok(Duration::from_millis(total * 1_000 / TICKS_PER_SECOND))
}

pub fn memory(pid: &str) -> anyhow::Result<Memory> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    Ok(Memory {
        peak_kib: status_kib(&status, "VmHWM:").context("VmHWM")?,
        current_kib: status_kib(&status, "VmRSS:").context("VmRSS")?,
    })
}

fn status_kib(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..].split_whitespace().next()?.parse().ok()
}
