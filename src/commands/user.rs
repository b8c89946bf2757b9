//! `tideline user add|list|disable`: the back end's users, in DATABASE_URL or the
//! private cluster of the data directory (joined if `tideline serve` runs it).

use anyhow::Context;
use std::io::Read;
use std::path::PathBuf;
use tideline_server::users::{self, DEFAULT_TENANT, NewUser};
use tideline_server::{Database, DbSource, Role};

#[derive(clap::Args)]
pub struct Args {
    /// Where the private PostgreSQL cluster lives when DATABASE_URL is not set.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(clap::Subcommand)]
enum UserCommand {
    /// Add a user. The password comes from --password-stdin or $TIDELINE_PASSWORD, never
    /// from an argument.
    Add {
        username: String,
        /// agent, team_lead (or lead) or admin.
        #[arg(long)]
        role: Role,
        /// The name people see (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// A queue the user works (repeat for several).
        #[arg(long = "queue")]
        queues: Vec<String>,
        /// Read the password from standard input (up to the first newline).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Disable a user and end their sessions.
    Disable { username: String },
}

pub fn run(a: Args) -> anyhow::Result<()> {
    let source = DbSource::from_env(a.data_dir)?;
    super::serve::runtime()?.block_on(async move {
        let db = Database::open(&source, 2).await.context("cannot open the database")?;
        let client = db.pool.get().await.context("cannot connect to the database")?;
        match a.command {
            UserCommand::Add { username, role, name, queues, password_stdin } => {
                let password = password(password_stdin)?;
                let new = NewUser { display_name: name.unwrap_or_default(), username, role, queues, password };
                users::add(&**client, DEFAULT_TENANT, &new, "cli").await?;
                println!("added {} ({})", new.username, new.role);
            }
            UserCommand::List => {
                for u in users::list(&**client, DEFAULT_TENANT).await? {
                    println!(
                        "{}\t{}\t{}\t{}{}",
                        u.info.username,
                        u.info.display_name,
                        u.info.role,
                        u.info.queues.join(","),
                        if u.disabled { "\tdisabled" } else { "" }
                    );
                }
            }
            UserCommand::Disable { username } => {
                users::disable(&**client, DEFAULT_TENANT, &username, "cli").await?;
                println!("disabled {username}; their sessions are ended");
            }
        }
        drop(client);
        anyhow::Ok(())
    })
}

fn password(from_stdin: bool) -> anyhow::Result<String> {
    let p = if from_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("cannot read the password from standard input")?;
        s.lines().next().unwrap_or_default().to_string()
    } else {
        std::env::var("TIDELINE_PASSWORD")
            .map_err(|_| anyhow::anyhow!("give the password with --password-stdin or TIDELINE_PASSWORD"))?
    };
    anyhow::ensure!(!p.is_empty(), "the password is empty");
    Ok(p)
}
