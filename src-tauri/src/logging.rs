//! The console's log file, for support: `logs/console.log` in the data directory, kept
//! to [`MAX_BYTES`] by rotating into `console.log.1` … `console.log.{KEEP}`, so it never
//! fills an agent's disk. What is logged is what a support engineer needs to see what
//! happened: start-up, sign-in and sign-out (server and username), sync errors, server
//! checks. Never a token, a password, a cache key or a message body: log lines name
//! people and records by id, never their content.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One file's largest size before it is rotated.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;
/// Rotated files kept besides the current one.
pub const KEEP: usize = 3;
pub const FILE: &str = "console.log";

/// Where the log lives for the data directory `dir`.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// A size-rotated append-only file, shared by every thread that logs.
#[derive(Clone)]
pub struct RotatingFile {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    path: PathBuf,
    file: File,
    len: u64,
    max: u64,
}

impl RotatingFile {
    pub fn open(dir: &Path, max: u64) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(FILE);
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let len = file.metadata()?.len();
        Ok(RotatingFile { inner: Arc::new(Mutex::new(Inner { path, file, len, max })) })
    }
}

impl Inner {
    fn rotate(&mut self) -> io::Result<()> {
        let numbered = |n: usize| self.path.with_file_name(format!("{FILE}.{n}"));
        let _ = std::fs::remove_file(numbered(KEEP));
        for n in (1..KEEP).rev() {
            let _ = std::fs::rename(numbered(n), numbered(n + 1));
        }
        std::fs::rename(&self.path, numbered(1))?;
        self.file = OpenOptions::new().create(true).append(true).open(&self.path)?;
        self.len = 0;
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.len > 0 && inner.len + buf.len() as u64 > inner.max {
            inner.rotate()?;
        }
        inner.file.write_all(buf)?;
        inner.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).file.flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for RotatingFile {
    type Writer = RotatingFile;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// A subscriber writing to `file`: `RUST_LOG` if set, else `info`.
pub fn subscriber(file: RotatingFile) -> impl tracing::Subscriber + Send + Sync {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_writer(file).finish()
}

/// Starts logging to the data directory's log file (a console that cannot open its log
/// still runs: the log is for support, not for the agent's work).
pub fn init(data_dir: &Path) {
    match RotatingFile::open(&dir(data_dir), MAX_BYTES) {
        Ok(file) => {
            let _ = tracing::subscriber::set_global_default(subscriber(file));
        }
        Err(e) => eprintln!("tideline-console: cannot open the log in {}: {e}", dir(data_dir).display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_rotates_by_size_and_keeps_a_bounded_number_of_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = RotatingFile::open(dir.path(), 100).unwrap();
        for i in 0..40 {
            writeln!(log, "line {i:03} of some forty-odd bytes, padded...").unwrap();
        }
        let mut names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["console.log", "console.log.1", "console.log.2", "console.log.3"]);
        for name in &names {
            assert!(std::fs::metadata(dir.path().join(name)).unwrap().len() <= 100, "{name}");
        }
        let current = std::fs::read_to_string(dir.path().join("console.log")).unwrap();
        assert!(current.ends_with("line 039 of some forty-odd bytes, padded...\n"), "{current}");
        let older = std::fs::read_to_string(dir.path().join("console.log.1")).unwrap();
        assert!(older.contains("line 037"), "{older}");
    }

    #[test]
    fn logging_resumes_an_existing_file_and_counts_its_size() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "x".repeat(90)).unwrap();
        let mut log = RotatingFile::open(dir.path(), 100).unwrap();
        writeln!(log, "this line does not fit").unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("console.log.1")).unwrap(), "x".repeat(90));
    }
}
