//! `tideline channel add|list|remove`: the provider accounts contact arrives through, in
//! the same database as `tideline user`. A secret comes from a file or standard input,
//! never from an argument (arguments show in `ps` and shell history), and is never
//! printed.

use anyhow::Context;
use std::io::Read;
use std::path::PathBuf;
use tideline_core::Priority;
use tideline_server::db::channels::{self, ChannelConfig, ChannelKind, ChannelSettings};
use tideline_server::domain::channel_admin;
use tideline_server::users::DEFAULT_TENANT;
use tideline_server::{Database, DbSource};

#[derive(clap::Args)]
pub struct Args {
    /// Where the private PostgreSQL cluster lives when DATABASE_URL is not set.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// The URL providers reach the server at, for the webhook URLs printed (default
    /// $TIDELINE_PUBLIC_URL, else http://127.0.0.1:7420).
    #[arg(long, global = true)]
    public_url: Option<String>,
    #[command(subcommand)]
    command: ChannelCommand,
}

#[derive(clap::Subcommand)]
enum ChannelCommand {
    /// Add a channel: KIND is twilio-voice, twilio-sms, web, branch or pbx (a phone
    /// system whose call records are imported; it needs no secret).
    Add {
        kind: ChannelKind,
        /// A short name: lowercase letters, digits and dashes (it is part of the URL).
        name: String,
        /// Twilio: the account SID (AC…).
        #[arg(long)]
        account_sid: Option<String>,
        /// Twilio messaging: the number replies are sent from.
        #[arg(long = "from")]
        from_number: Option<String>,
        /// The provider's API base URL (default https://api.twilio.com).
        #[arg(long)]
        api_base: Option<String>,
        /// The queue its contacts go to (default: the `general` queue).
        #[arg(long)]
        queue: Option<String>,
        /// The default priority of cases it opens.
        #[arg(long, default_value = "normal")]
        priority: Priority,
        /// Read the secret (Twilio auth token, or the site's or system's signing key)
        /// from this file.
        #[arg(long, conflicts_with = "secret_stdin")]
        secret_file: Option<PathBuf>,
        /// Read the secret from standard input (up to the first newline).
        #[arg(long)]
        secret_stdin: bool,
    },
    /// List channels with the webhook URL to give each provider.
    List {
        /// As JSON (secrets are never included).
        #[arg(long)]
        json: bool,
    },
    /// Remove a channel. What it delivered stays on the timelines.
    Remove { name: String },
}

#[derive(serde::Serialize)]
struct Listed {
    name: String,
    kind: ChannelKind,
    /// None for a PBX, whose records are imported.
    webhook_url: Option<String>,
    settings: ChannelSettings,
}

pub fn public_url(given: Option<String>) -> String {
    given
        .or_else(|| std::env::var("TIDELINE_PUBLIC_URL").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "http://127.0.0.1:7420".into())
        .trim_end_matches('/')
        .to_string()
}

pub fn run(a: Args) -> anyhow::Result<()> {
    let source = DbSource::from_env(a.data_dir)?;
    let base = public_url(a.public_url);
    super::serve::runtime()?.block_on(async move {
        let db = Database::open(&source, 2).await.context("cannot open the database")?;
        let mut client = db.pool.get().await.context("cannot connect to the database")?;
        match a.command {
            ChannelCommand::Add {
                kind,
                name,
                account_sid,
                from_number,
                api_base,
                queue,
                priority,
                secret_file,
                secret_stdin,
            } => {
                let secret = if kind.needs_secret() || secret_file.is_some() || secret_stdin {
                    secret(secret_file, secret_stdin)?
                } else {
                    String::new()
                };
                let status_callback = (kind == ChannelKind::TwilioSms)
                    .then(|| kind.webhook_path(&name).map(|p| base.clone() + &p))
                    .flatten();
                let settings = ChannelSettings { account_sid, from_number, api_base, status_callback };
                let cfg = ChannelConfig { name, kind, settings, secret };
                let route = queue.map(|q| (q, priority));
                channel_admin::add(&mut client, DEFAULT_TENANT, &cfg, route, "cli").await?;
                match kind.webhook_path(&cfg.name) {
                    Some(path) => println!("added {} ({}); give the provider {base}{path}", cfg.name, cfg.kind),
                    None => println!(
                        "added {0} ({1}); import its records with `tideline import call-records FILE --channel {0}`",
                        cfg.name, cfg.kind
                    ),
                }
            }
            ChannelCommand::List { json } => {
                let listed: Vec<Listed> = channels::list(&**client, DEFAULT_TENANT)
                    .await?
                    .into_iter()
                    .map(|c| Listed {
                        webhook_url: c.kind.webhook_path(&c.name).map(|p| format!("{base}{p}")),
                        name: c.name,
                        kind: c.kind,
                        settings: c.settings,
                    })
                    .collect();
                if json {
                    super::print_json(&listed)?;
                } else {
                    for c in &listed {
                        let to = c.webhook_url.as_deref().unwrap_or("(records imported: tideline import call-records)");
                        println!("{}\t{}\t{to}", c.name, c.kind);
                    }
                }
            }
            ChannelCommand::Remove { name } => {
                channel_admin::remove(&mut client, DEFAULT_TENANT, &name, "cli").await?;
                println!("removed {name}");
            }
        }
        drop(client);
        anyhow::Ok(())
    })
}

fn secret(file: Option<PathBuf>, stdin: bool) -> anyhow::Result<String> {
    let raw = match (file, stdin) {
        (Some(f), _) => std::fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?,
        (None, true) => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).context("cannot read the secret from standard input")?;
            s
        }
        (None, false) => anyhow::bail!("give the channel's secret with --secret-file FILE or --secret-stdin"),
    };
    let s = raw.lines().next().unwrap_or_default().trim().to_string();
    anyhow::ensure!(!s.is_empty(), "the secret is empty");
    Ok(s)
}
