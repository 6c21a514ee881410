//! A throwaway PostgreSQL database per run, created and dropped with `psql` so the
//! benchmark needs no database driver of its own.

use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

pub struct ScratchDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Creates `loadbench_<pid>` on the server `admin_url` points at.
    pub fn create(admin_url: &str) -> anyhow::Result<Self> {
        let name = format!("loadbench_{}", std::process::id());
        psql(admin_url, &format!("DROP DATABASE IF EXISTS {name}"))?;
        psql(admin_url, &format!("CREATE DATABASE {name}"))?;
        Ok(Self {
            url: with_database(admin_url, &name)?,
            admin_url: admin_url.to_owned(),
            name,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = psql(&self.admin_url, &drop) {
            eprintln!("warning: could not drop database {}: {error:#}", self.name);
        }
    }
}

/// Brings a freshly seeded database to the state a running one is in: autovacuum
/// analyzes and vacuums a table within a minute of a bulk insert (PostgreSQL 13 and
/// later vacuum after inserts too), so the planner has statistics and index-only scans
/// find the visibility map set. Measured in the seconds after the seed instead, the
/// reads would be planned for empty tables and visit the heap for every index entry.
pub fn settle(url: &str) -> anyhow::Result<()> {
    psql(url, "VACUUM (ANALYZE)")
}

fn psql(url: &str, sql: &str) -> anyhow::Result<()> {
    let output = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .stdin(Stdio::null())
        .output()
        .context("running psql (is the PostgreSQL client installed?)")?;
    if !output.status.success() {
        bail!(
            "psql `{sql}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// `url` with its database name replaced by `name`, keeping any query parameters.
fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let (scheme, rest) = base
        .split_once("://")
        .with_context(|| format!("{url} is not a postgres:// URL"))?;
    let authority = rest.split('/').next().unwrap_or(rest);
    Ok(format!("{scheme}://{authority}/{name}{query}"))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() -> anyhow::Result<()> {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x")?,
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "x")?,
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x")?,
            "postgres://h:5432/x"
        );
        Ok(())
    }
}
