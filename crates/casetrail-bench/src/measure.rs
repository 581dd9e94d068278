//! Running a phase in a child process of its own and reading back what it measured.

use std::process::Command;

use anyhow::{Context, bail};

/// A phase's one-line result, as the child prints it: `RESULT key=value ...`.
#[derive(Debug, Default)]
pub struct Measured {
    fields: Vec<(String, String)>,
}

impl Measured {
    pub fn get(&self, key: &str) -> anyhow::Result<f64> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .with_context(|| format!("the phase reported no {key}"))?
            .1
            .parse()
            .with_context(|| format!("{key} is not a number"))
    }
}

pub fn run_phase(args: &[String]) -> anyhow::Result<Measured> {
    let exe = std::env::current_exe()?;
    let out = Command::new(exe).arg("phase").args(args).output()?;
    if !out.status.success() {
        bail!(
            "phase {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8(out.stdout)?;
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .with_context(|| format!("phase {args:?} printed no RESULT line"))?;
    Ok(Measured {
        fields: line
            .split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    })
}

pub fn mib(m: &Measured) -> anyhow::Result<String> {
    Ok(format!("{:.0} MiB", m.get("peak_kib")? / 1024.0))
}

/// Peak resident memory of this process so far (VmHWM), in KiB.
pub fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
