//! `casetrail serve`: settings from flags, the environment and an optional TOML file (in that
//! order of precedence), checked before anything starts; then the demo (with `--demo`) and
//! the web server.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use casetrail_app::Quiet;
use clap::Args;
use serde::Deserialize;

use crate::env::Env;

/// Start the web workbench (`--demo` loads invented cases, an audit and users first).
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (printed at start). Default 127.0.0.1:8080.
    #[arg(long, env = "CASETRAIL_ADDR")]
    addr: Option<SocketAddr>,
    /// Load the demo first: four fixture cases, a long case, a generated region, a demo audit
    /// with two panels and a user for every role (all invented).
    #[arg(long)]
    demo: bool,
    /// A TOML file with any of: addr, log_format, secure_cookies, session_hours, key_file,
    /// signing_key, trusted_proxies.
    #[arg(long, env = "CASETRAIL_CONFIG")]
    config: Option<PathBuf>,
    /// Log lines as `text` (default) or `json`.
    #[arg(long, env = "CASETRAIL_LOG_FORMAT")]
    log_format: Option<LogFormat>,
    /// Mark cookies Secure: set when the workbench is served over TLS (directly or by a proxy).
    #[arg(long, env = "CASETRAIL_SECURE_COOKIES")]
    secure_cookies: Option<bool>,
    /// Hours a session lasts (1-24). Default 8.
    #[arg(long, env = "CASETRAIL_SESSION_HOURS")]
    session_hours: Option<u64>,
    /// The address of a reverse proxy in front of the workbench (repeatable). Only requests
    /// from these addresses have their `X-Forwarded-For` read; from anywhere else the header
    /// is ignored, so a client cannot choose the address it is throttled by.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The pseudonym key file (else CASETRAIL_PSEUDONYM_KEY, else DATA/pseudonym.key).
    #[arg(long)]
    key: Option<PathBuf>,
    #[command(flatten)]
    signing: crate::args::SigningKeyArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// The configuration file. Unknown keys are refused, so a misspelt setting is not silently
/// ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    addr: Option<SocketAddr>,
    log_format: Option<LogFormat>,
    secure_cookies: Option<bool>,
    session_hours: Option<u64>,
    key_file: Option<PathBuf>,
    signing_key: Option<PathBuf>,
    trusted_proxies: Option<Vec<std::net::IpAddr>>,
}

/// The settings the server runs with, once every source is merged and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub addr: SocketAddr,
    pub log_format: LogFormat,
    pub secure_cookies: bool,
    pub session_hours: u64,
    pub key_file: Option<PathBuf>,
    /// Where the checkpoint signing key is (None: the default place).
    pub signing_key: Option<PathBuf>,
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

fn read_config(path: &Path) -> anyhow::Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the configuration file {}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "the configuration file {} is not valid: {}",
            path.display(),
            e.to_string().trim_end()
        )
    })
}

impl ServeArgs {
    /// Flags and environment first, then the file, then the defaults; checked.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(path) => read_config(path)?,
            None => ConfigFile::default(),
        };
        let session_hours = self.session_hours.or(file.session_hours).unwrap_or(8);
        if !(1..=24).contains(&session_hours) {
            anyhow::bail!(
                "session_hours must be between 1 and 24 (a working day at most); it is {session_hours}"
            );
        }
        Ok(Settings {
            addr: self
                .addr
                .or(file.addr)
                .unwrap_or_else(|| "127.0.0.1:8080".parse().expect("a socket address")),
            log_format: self
                .log_format
                .or(file.log_format)
                .unwrap_or(LogFormat::Text),
            secure_cookies: self.secure_cookies.or(file.secure_cookies).unwrap_or(false),
            session_hours,
            key_file: self.key.clone().or(file.key_file),
            signing_key: self.signing.signing_key.clone().or(file.signing_key),
            trusted_proxies: if self.trusted_proxies.is_empty() {
                file.trusted_proxies.unwrap_or_default()
            } else {
                self.trusted_proxies.clone()
            },
        })
    }
}

/// Starts logging to standard error, as text or JSON lines.
pub fn init_logging(format: LogFormat) {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,casetrail_web=info")),
        )
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

pub fn run(env: &Env, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let settings = args.settings()?;
    init_logging(settings.log_format);
    let data = env.data();
    let wb = env.write()?;
    let key = env.pseudonym_key(settings.key_file.clone())?;
    if args.demo {
        let demo = wb.load_workbench_demo(&key)?;
        // Stage 1 reads the stored projection: bring it up to the head once, here.
        if wb.projection_lag()? > 0 {
            wb.rebuild(&mut Quiet)?;
        }
        println!(
            "demo {} in {}: audit {}",
            if demo.already_loaded {
                "already loaded"
            } else {
                "loaded"
            },
            data.display(),
            demo.audit
        );
        println!("demo sign-ins (password for all: {}):", demo.password);
        for user in &demo.users {
            println!("  {:<20} {}", user.name, user.role.as_str());
        }
    }
    let signing = crate::args::SigningKeyArgs {
        signing_key: settings.signing_key.clone(),
        origin: args.signing.origin.clone(),
    };
    let signer = signing.open(data)?;
    let signed_with = format!(
        "checkpoints signed with key {} ({}): casetrail public-key prints it",
        signer.public_key().fingerprint(),
        signer.path().display()
    );
    // Uploaded PDFs are read by a child of this program under limits, never in the server.
    let program = std::env::current_exe().context("finding this program, to read PDFs with")?;
    casetrail_app::read_pdfs_with(casetrail_app::PdfReader::Sandboxed(program));
    let options = casetrail_web::server::Options {
        session_ttl: Duration::from_secs(settings.session_hours * 3600),
        secure_cookies: settings.secure_cookies,
        signer: Some(Arc::new(signer)),
        trusted_proxies: settings.trusted_proxies.clone(),
    };
    let shared = casetrail_web::server::Shared::with_options(wb, key, options);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let (bound, server) = casetrail_web::server::bind(shared, settings.addr);
        // Standard error: whoever reads the address from standard output may stop reading
        // after it, and a line written to a closed pipe would end the server.
        eprintln!("{signed_with}");
        println!("casetrail serving on http://{bound}");
        use std::io::Write;
        std::io::stdout().flush().ok();
        server.await;
    });
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Wrap {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn settings(args: &[&str], config: Option<&str>) -> anyhow::Result<Settings> {
        let dir = tempfile::tempdir().unwrap();
        let mut argv = vec!["serve".to_string()];
        argv.extend(args.iter().map(|a| a.to_string()));
        if let Some(text) = config {
            let path = dir.path().join("casetrail.toml");
            std::fs::write(&path, text).unwrap();
            argv.push("--config".into());
            argv.push(path.display().to_string());
        }
        Wrap::try_parse_from(argv).unwrap().serve.settings()
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let s = settings(&[], None).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.session_hours, 8);
        let file = "addr = \"127.0.0.1:9000\"\nsession_hours = 4\nsecure_cookies = true\nlog_format = \"json\"\n";
        let s = settings(&[], Some(file)).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:9000");
        assert_eq!((s.session_hours, s.secure_cookies), (4, true));
        assert_eq!(s.log_format, LogFormat::Json);
        let s = settings(
            &["--addr", "127.0.0.1:7000", "--session-hours", "2"],
            Some(file),
        )
        .unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:7000");
        assert_eq!(s.session_hours, 2);
    }

    #[test]
    fn a_bad_file_is_refused_saying_where() {
        let e = settings(&[], Some("adr = \"x\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("casetrail.toml") && e.contains("adr"), "{e}");
        let e = settings(&[], Some("session_hours = \"many\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("session_hours"), "{e}");
        let e = settings(&[], Some("session_hours = 40\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("between 1 and 24"), "{e}");
        let e = settings(&[], Some("addr = \"not an address\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("addr"), "{e}");
    }
}
