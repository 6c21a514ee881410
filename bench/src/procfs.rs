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

/// User plus system CPU time of every process on this machine whose command name is
/// `command` (PostgreSQL's server processes are all `postgres`), or `None` when there is
/// none. A process that exits while the list is read is left out, and so is the time
/// of those that exited before.
pub fn cpu_time_of_command(command: &str) -> anyhow::Result<Option<Duration>> {
    let mut total = None;
    for entry in std::fs::read_dir("/proc").context("listing /proc")? {
        let pid = entry.context("listing /proc")?.file_name();
        let Some(pid) = pid
            .to_str()
            .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(name) = std::fs::read_to_string(format!("/proc/{pid}/comm")) else {
            continue;
        };
        if name.trim_end() != command {
            continue;
        }
        if let Ok(time) = cpu_time(pid) {
            total = Some(total.unwrap_or(Duration::ZERO) + time);
        }
    }
    Ok(total)
}

/// How many times the threads of `pid` have blocked (voluntary context switches): each
/// hand-off between threads, such as a statement sent to SQLite's connection thread or a
/// wait on the network, is one. Threads that have exited are left out.
pub fn blocking_waits(pid: &str) -> anyhow::Result<u64> {
    let tasks = format!("/proc/{pid}/task");
    let mut total = 0;
    for entry in std::fs::read_dir(&tasks).with_context(|| format!("listing {tasks}"))? {
        let status = entry
            .with_context(|| format!("listing {tasks}"))?
            .path()
            .join("status");
        // A thread may exit between the listing and the read.
        let Ok(status) = std::fs::read_to_string(&status) else {
            continue;
        };
        total += status_number(&status, "voluntary_ctxt_switches:").context("no switch count")?;
    }
    Ok(total)
}

pub fn memory(pid: &str) -> anyhow::Result<Memory> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    Ok(Memory {
        peak_kib: status_number(&status, "VmHWM:").context("VmHWM")?,
        current_kib: status_number(&status, "VmRSS:").context("VmRSS")?,
    })
}

/// The number of a `/proc/.../status` line (for memory, in KiB).
fn status_number(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_processes_of_a_command_and_none_for_an_unknown_one() -> anyhow::Result<()> {
        let own = std::fs::read_to_string("/proc/self/comm")?;
        let before = cpu_time("self")?;
        let counted = cpu_time_of_command(own.trim_end())?;
        assert!(counted.is_some_and(|time| time >= before), "{counted:?}");
        assert_eq!(cpu_time_of_command("no such command")?, None);
        Ok(())
    }

    #[test]
    fn a_thread_that_sleeps_counts_as_blocking() -> anyhow::Result<()> {
        // Other tests' threads run and exit meanwhile, so the process-wide sum may go
        // down; this thread's own count only goes up, and the sum always includes it.
        let own_waits = || -> anyhow::Result<u64> {
            let status = std::fs::read_to_string("/proc/thread-self/status")?;
            status_number(&status, "voluntary_ctxt_switches:").context("no switch count")
        };
        let before = own_waits()?;
        std::thread::sleep(std::time::Duration::from_millis(1));
        let after = own_waits()?;
        assert!(after > before, "{before} then {after}");
        assert!(blocking_waits("self")? >= after);
        Ok(())
    }
}
