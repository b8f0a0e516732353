//! The private PostgreSQL cluster Infohus runs when no `DATABASE_URL` is given, and throw-away
//! clusters for tests.

use std::ffi::OsString;
use std::fs::{self, File};

use std::os::unix::fs::FileExt;

use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

mod setup;

pub use setup::*;

/// Fixed rather than left to PostgreSQL, which would take `PGPORT` from the environment and so rename
/// the socket (`.s.PGSQL.<port>`) behind our back; the socket directory is private, so nothing clashes.
pub(super) const PORT: u16 = 5432;
/// `sun_path` holds 108 bytes including the terminating NUL.
pub(super) const MAX_SOCKET_PATH: usize = 107;
/// Generous because a cluster that crashed replays its WAL before it accepts connections.
pub(super) const STARTUP_TIMEOUT: Duration = Duration::from_secs(120);
pub(super) const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(60);
pub(super) const POLL_INTERVAL: Duration = Duration::from_millis(20);
pub(super) const LOG_FILE: &str = "server.log";
/// How much of the server log an error message quotes.
pub(super) const LOG_TAIL_BYTES: u64 = 8 * 1024;
pub(super) const LOG_TAIL_LINES: usize = 30;

/// Runs the server and stops it when the pipe on its stdin closes, i.e. when the process that holds
/// the other end exits, however it exits. `$1` is a directory to delete once the server has stopped
/// (empty: keep it); the remaining arguments are the server's command line.
///
/// The shell exits when the server does, so its exit status is the server's. The reader is a
/// background job because only the foreground shell can `wait` for the server; a background job's
/// stdin is /dev/null, hence the copy on fd 3. Signals sent to our whole process group (Ctrl-C in a
/// terminal) reach the server directly; the shell ignores them so that it lives on to clean up.
pub(super) const WATCHDOG: &str = r#"
remove=$1
shift
"$@" </dev/null &
server=$!
trap '' HUP INT TERM
exec 3<&0
{ read -r _ <&3; kill -INT "$server"; } &
reader=$!
exec 3<&-
wait "$server"
status=$?
kill -KILL "$reader" 2>/dev/null
if [ -n "$remove" ]; then rm -rf -- "$remove"; fi
exit "$status"
"#;

/// The PostgreSQL server programs, all from one installation.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    pub initdb: PathBuf,
    pub postgres: PathBuf,
    pub pg_ctl: PathBuf,
}

impl PgBinaries {
    /// Finds initdb/postgres/pg_ctl on PATH, else the newest /usr/lib/postgresql/*/bin.
    pub fn locate() -> Result<Self, MissingBinaries> {
        let on_path: Vec<PathBuf> = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect())
            .unwrap_or_default();
        on_path
            .into_iter()
            // A relative entry would make the result depend on the working directory.
            .filter(|dir| dir.is_absolute())
            .chain(debian_bin_dirs())
            .find_map(|dir| Self::in_dir(&dir))
            .ok_or(MissingBinaries)
    }

    /// Another program of the installation (pg_dump, pg_restore): beside initdb where it is
    /// there, else on PATH or in Debian's folders.
    pub fn program(&self, name: &str) -> Option<PathBuf> {
        let beside = self.initdb.parent().map(|dir| dir.join(name));
        let on_path: Vec<PathBuf> = std::env::var_os("PATH")
            .map(|path| std::env::split_paths(&path).collect())
            .unwrap_or_default();
        beside
            .into_iter()
            .chain(debian_bin_dirs().into_iter().map(|dir| dir.join(name)))
            .chain(
                on_path
                    .into_iter()
                    .filter(|dir| dir.is_absolute())
                    .map(|dir| dir.join(name)),
            )
            .find(|program| is_executable(program))
    }

    /// Only a directory holding all three counts, so that the programs share one major version.
    fn in_dir(dir: &Path) -> Option<Self> {
        let found = Self {
            initdb: dir.join("initdb"),
            postgres: dir.join("postgres"),
            pg_ctl: dir.join("pg_ctl"),
        };
        let complete = [&found.initdb, &found.postgres, &found.pg_ctl]
            .into_iter()
            .all(|program| is_executable(program));
        complete.then_some(found)
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "PostgreSQL's server programs (initdb, postgres) were not found: install PostgreSQL (apt-get install postgresql) or set DATABASE_URL to use an existing server"
)]
pub struct MissingBinaries;

/// A running cluster that listens only on a Unix socket in its data directory.
///
/// Dropping it closes the watchdog's lifeline, which starts a fast shutdown without waiting for it;
/// [`EmbeddedPostgres::stop`] waits.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    data_dir: PathBuf,
    socket_dir: PathBuf,
    watchdog: Child,
    /// Our end of the watchdog's stdin: closing it stops the server.
    lifeline: Option<ChildStdin>,
    /// Kept open so that errors can quote the log even after the watchdog has deleted an ephemeral
    /// cluster's directory.
    log: File,
    /// Where this run's part of the log starts.
    log_start: u64,
}

impl EmbeddedPostgres {
    /// Starts the app's private cluster in `data_dir`, creating it on first use and reusing it
    /// afterwards, and returns once it accepts connections.
    ///
    /// The server listens only on a Unix socket inside `data_dir`. As root, initdb and the server run
    /// as the `postgres` system user, which is given the data directory and must be able to reach it.
    /// Lock files left by a server that crashed are removed. The server also stops if this process
    /// dies without calling [`EmbeddedPostgres::stop`], so a crash never leaves a postmaster behind
    /// to block the next start.
    pub async fn start(data_dir: &Path) -> anyhow::Result<Self> {
        let data_dir = data_dir.to_path_buf();
        tokio::task::spawn_blocking(move || Self::start_blocking(&data_dir, Lifetime::Persistent))
            .await
            .context("the PostgreSQL start-up task failed")?
    }

    /// A throw-away cluster for tests, in a fresh directory under /tmp, that never outlives this
    /// process: when the process exits or is killed, even without running destructors (statics are
    /// never dropped), the watchdog stops the server and deletes the directory.
    ///
    /// Blocking, because tests call it from a `std::sync::OnceLock` while each test has its own
    /// tokio runtime.
    pub fn start_ephemeral_blocking() -> anyhow::Result<Self> {
        // A short parent keeps the socket path far from the `sun_path` limit, and unlike $TMPDIR
        // /tmp is always reachable by the `postgres` user.
        let dir = tempfile::Builder::new()
            .prefix("infohus-pg-")
            .tempdir_in("/tmp")
            .context("could not create a directory for a throw-away PostgreSQL cluster")?;
        let cluster = Self::start_blocking(dir.path(), Lifetime::Ephemeral)?;
        // From here on the watchdog deletes the directory once the server has stopped.
        let _kept = dir.keep();
        Ok(cluster)
    }

    /// URL for sqlx, as the superuser `postgres`, whom the socket trusts.
    ///
    /// The port is spelled out and TLS disabled so that `PGPORT` or `PGSSLMODE` in the environment
    /// cannot redirect sqlx; the socket directory travels in `host`, which sqlx treats as a socket
    /// when it starts with `/`.
    pub fn url(&self, database: &str) -> String {
        self.url_as("postgres", database)
    }

    /// The address of a database, signing in as `user`.
    pub fn url_as(&self, user: &str, database: &str) -> String {
        format!(
            "postgres://{}@localhost:{PORT}/{}?host={}&sslmode=disable",
            percent_encode(user, b"-._~"),
            percent_encode(database, b"-._~"),
            percent_encode(&self.socket_dir.to_string_lossy(), b"-._~/"),
        )
    }

    /// Stops the cluster cleanly (fast shutdown: open transactions are rolled back) and waits for it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        tokio::task::spawn_blocking(move || {
            let status = self.shut_down()?;
            if !status.success() {
                bail!(
                    "PostgreSQL exited with {status}; its log ends with:\n{}",
                    self.log_tail()
                );
            }
            Ok(())
        })
        .await
        .context("the PostgreSQL shutdown task failed")?
    }

    fn start_blocking(data_dir: &Path, lifetime: Lifetime) -> anyhow::Result<Self> {
        let binaries = PgBinaries::locate()?;
        let run_as = unprivileged_user()?;

        let configured = std::path::absolute(data_dir)?;
        let data_dir = &match run_as {
            Some(user) if lifetime == Lifetime::Persistent && !reachable_by(&configured, user) => {
                let fallback = fallback_data_dir(&configured);
                tracing::warn!(
                    configured = %configured.display(),
                    data_dir = %fallback.display(),
                    "PostgreSQL runs as the `postgres` user, which cannot reach the configured data folder; using a folder it can reach instead (and again at every start)"
                );
                fs::create_dir_all(FALLBACK_ROOT)
                    .with_context(|| format!("could not create {FALLBACK_ROOT}"))?;
                fallback
            }
            _ => configured,
        };
        // Checked before anything is created, and again once symbolic links are resolved.
        check_socket_path(data_dir)?;
        fs::create_dir_all(data_dir)
            .with_context(|| format!("could not create {}", data_dir.display()))?;
        // Canonical, because a postmaster's /proc/<pid>/cwd is compared with it.
        let data_dir = fs::canonicalize(data_dir)
            .with_context(|| format!("could not resolve {}", data_dir.display()))?;
        check_socket_path(&data_dir)?;
        if let Some(user) = run_as {
            hand_over(&data_dir, user)?;
        }

        if data_dir.join("PG_VERSION").exists() {
            clear_stale_lock(&data_dir.join("postmaster.pid"), &data_dir)?;
            clear_stale_lock(&data_dir.join(format!(".s.PGSQL.{PORT}.lock")), &data_dir)?;
        } else {
            initdb(&binaries, &data_dir, run_as, lifetime)?;
        }
        Self::launch(&binaries, data_dir, run_as, lifetime)
    }

    fn launch(
        binaries: &PgBinaries,
        data_dir: PathBuf,
        run_as: Option<RunAs>,
        lifetime: Lifetime,
    ) -> anyhow::Result<Self> {
        let log_path = data_dir.join(LOG_FILE);
        let log = File::options()
            .create(true)
            .append(true)
            .read(true)
            .open(&log_path)
            .with_context(|| format!("could not open {}", log_path.display()))?;
        if let Some(user) = run_as {
            std::os::unix::fs::lchown(&log_path, Some(user.uid.as_raw()), Some(user.gid.as_raw()))
                .with_context(|| format!("could not hand {} over", log_path.display()))?;
        }
        let log_start = log.metadata()?.len();

        let socket_dir = data_dir.clone();
        let remove = match lifetime {
            Lifetime::Ephemeral => data_dir.clone().into_os_string(),
            Lifetime::Persistent => OsString::new(),
        };
        let mut watchdog = command(Path::new("/bin/sh"), run_as, &data_dir)
            .arg("-c")
            .arg(WATCHDOG)
            .arg("infohus-pg-watchdog")
            .arg(remove)
            .arg(&binaries.postgres)
            .arg("-D")
            .arg(&data_dir)
            .args(server_options(&socket_dir, lifetime)?)
            .stdin(Stdio::piped())
            .stdout(log.try_clone()?)
            .stderr(log.try_clone()?)
            .spawn()
            .map_err(|error| spawn_failed(error, "postgres", &data_dir, run_as))?;
        let lifeline = watchdog.stdin.take();

        let mut cluster = Self {
            data_dir,
            socket_dir,
            watchdog,
            lifeline,
            log,
            log_start,
        };
        if let Err(error) = cluster.wait_until_ready() {
            if let Err(stop_error) = cluster.shut_down() {
                tracing::warn!(%stop_error, "could not stop a PostgreSQL server that failed to start");
            }
            return Err(error);
        }
        tracing::info!(socket_dir = %cluster.socket_dir.display(), "PostgreSQL is ready");
        Ok(cluster)
    }

    /// Polls the postmaster's pid file the way `pg_ctl -w` does: its status line reads "ready" once
    /// the server accepts connections.
    fn wait_until_ready(&mut self) -> anyhow::Result<()> {
        let pid_file = self.data_dir.join("postmaster.pid");
        let socket = self.socket_dir.join(format!(".s.PGSQL.{PORT}"));
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self.watchdog.try_wait()? {
                bail!(
                    "PostgreSQL stopped while starting ({status}); its log ends with:\n{}",
                    self.log_tail()
                );
            }
            let ready = fs::read_to_string(&pid_file)
                .is_ok_and(|contents| contents.lines().nth(7).is_some_and(|l| l.trim() == "ready"));
            if ready && socket.exists() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "PostgreSQL did not accept connections within {} s; its log ends with:\n{}",
                    STARTUP_TIMEOUT.as_secs(),
                    self.log_tail()
                );
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// Closes the lifeline and waits for the watchdog, whose exit status is the server's.
    fn shut_down(&mut self) -> anyhow::Result<ExitStatus> {
        drop(self.lifeline.take());
        let deadline = Instant::now() + SHUTDOWN_TIMEOUT;
        let status = loop {
            if let Some(status) = self.watchdog.try_wait()? {
                break status;
            }
            if Instant::now() >= deadline {
                bail!(
                    "PostgreSQL did not stop within {} s; its log ends with:\n{}",
                    SHUTDOWN_TIMEOUT.as_secs(),
                    self.log_tail()
                );
            }
            std::thread::sleep(POLL_INTERVAL);
        };
        Ok(status)
    }

    fn log_tail(&self) -> String {
        let end = self.log.metadata().map(|m| m.len()).unwrap_or(0);
        let mut offset = self.log_start.max(end.saturating_sub(LOG_TAIL_BYTES));
        let mut bytes = Vec::new();
        let mut chunk = [0_u8; 4096];
        // Positional reads, because the children share this file description and its offset.
        while let Ok(read @ 1..) = self.log.read_at(&mut chunk, offset) {
            bytes.extend_from_slice(&chunk[..read]);
            offset += read as u64;
        }
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lifetime {
    Persistent,
    /// Durability traded for speed, and the directory deleted when the server stops.
    Ephemeral,
}

#[cfg(test)]
mod tests {
    use std::io::{self, BufRead, BufReader};
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;
    use std::sync::OnceLock;

    use nix::errno::Errno;
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    use sqlx::PgPool;

    use super::*;

    /// Set in the child process that `an_ephemeral_cluster_does_not_outlive_its_process` starts:
    /// "exit" or "kill", how that child is to end.
    const HELPER_ENV: &str = "INFOHUS_EMBEDDED_PG_HELPER";

    #[test]
    fn an_unreachable_data_folder_falls_back_to_one_named_after_it_under_var_lib() {
        let clone = Path::new("/root/infohus/var/postgres");
        let chosen = fallback_data_dir(clone);
        assert!(chosen.starts_with(FALLBACK_ROOT), "{}", chosen.display());
        assert_eq!(
            chosen,
            fallback_data_dir(clone),
            "the same folder at every start"
        );
        assert_ne!(
            chosen,
            fallback_data_dir(Path::new("/root/other/var/postgres"))
        );
        let name = chosen.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(name.starts_with("root-infohus-var-postgres-"), "{name}");
        let deep = Path::new("/root")
            .join("a-very-long-folder-name".repeat(10))
            .join("var/postgres");
        assert!(check_socket_path(&fallback_data_dir(&deep)).is_ok());
    }

    #[test]
    fn a_folder_of_mode_0700_is_not_reachable_by_the_postgres_user() -> anyhow::Result<()> {
        // Only meaningful where the cluster would run as `postgres`: as root with that user.
        let Ok(Some(user)) = unprivileged_user() else {
            return Ok(());
        };
        let dir = tempfile::tempdir()?;
        let closed = dir.path().join("closed");
        fs::create_dir(&closed)?;
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755))?;
        fs::set_permissions(&closed, fs::Permissions::from_mode(0o700))?;
        assert!(!reachable_by(&closed.join("var/postgres"), user));
        fs::set_permissions(&closed, fs::Permissions::from_mode(0o755))?;
        assert!(reachable_by(&closed.join("var/postgres"), user));
        Ok(())
    }

    #[test]
    fn the_server_programs_are_found() -> anyhow::Result<()> {
        let binaries = PgBinaries::locate()?;
        assert!(is_executable(&binaries.initdb));
        assert!(is_executable(&binaries.postgres));
        assert!(is_executable(&binaries.pg_ctl));
        Ok(())
    }

    #[tokio::test]
    async fn an_ephemeral_cluster_serves_queries_and_vanishes_when_stopped() -> anyhow::Result<()> {
        let cluster = EmbeddedPostgres::start_ephemeral_blocking()?;
        let data_dir = cluster.data_dir.clone();

        let pool = PgPool::connect(&cluster.url("postgres")).await?;
        let one: i32 = sqlx::query_scalar("select 1").fetch_one(&pool).await?;
        assert_eq!(one, 1);
        sqlx::query("create database scratch")
            .execute(&pool)
            .await?;
        let scratch = PgPool::connect(&cluster.url("scratch")).await?;
        let name: String = sqlx::query_scalar("select current_database()")
            .fetch_one(&scratch)
            .await?;
        assert_eq!(name, "scratch");
        scratch.close().await;
        pool.close().await;

        cluster.stop().await?;
        assert!(!data_dir.exists(), "{} was left behind", data_dir.display());
        Ok(())
    }

    #[tokio::test]
    async fn a_second_start_reuses_the_data_directory_despite_a_stale_pid_file()
    -> anyhow::Result<()> {
        let parent = tempfile::Builder::new()
            .prefix("infohus-pg-test-")
            .tempdir_in("/tmp")?;
        // As root the server runs as `postgres`, which must be able to enter the parent.
        fs::set_permissions(parent.path(), fs::Permissions::from_mode(0o755))?;
        let data_dir = parent.path().join("data");

        let first = EmbeddedPostgres::start(&data_dir).await?;
        let pool = PgPool::connect(&first.url("postgres")).await?;
        sqlx::query("create table remembered (note text)")
            .execute(&pool)
            .await?;
        sqlx::query("insert into remembered (note) values ('still here')")
            .execute(&pool)
            .await?;
        pool.close().await;
        first.stop().await?;

        // As after a crash and reboot: the recorded pid now belongs to an unrelated live process.
        fs::write(
            data_dir.join("postmaster.pid"),
            format!("{}\n{}\n", std::process::id(), data_dir.display()),
        )?;

        let second = EmbeddedPostgres::start(&data_dir).await?;
        let pool = PgPool::connect(&second.url("postgres")).await?;
        let note: String = sqlx::query_scalar("select note from remembered")
            .fetch_one(&pool)
            .await?;
        assert_eq!(note, "still here");
        pool.close().await;
        second.stop().await?;
        Ok(())
    }

    #[test]
    fn a_lock_naming_a_dead_process_is_stale() -> anyhow::Result<()> {
        let mut finished = Command::new("true").spawn()?;
        let pid = i32::try_from(finished.id())?;
        finished.wait()?;
        assert!(!server_is_running(pid, Path::new("/nonexistent")));
        Ok(())
    }

    #[test]
    fn an_ephemeral_cluster_does_not_outlive_its_process() -> anyhow::Result<()> {
        let module = module_path!();
        let helper = format!(
            "{}::ephemeral_cluster_helper",
            module.split_once("::").map_or(module, |(_, rest)| rest)
        );
        for ending in ["exit", "kill"] {
            let mut child = Command::new(std::env::current_exe()?)
                .args([helper.as_str(), "--exact", "--nocapture"])
                .env(HELPER_ENV, ending)
                .stdout(Stdio::piped())
                .spawn()?;
            let mut stdout = BufReader::new(child.stdout.take().context("no stdout")?);
            let mut data_dir = None;
            let mut line = String::new();
            while stdout.read_line(&mut line)? > 0 {
                if let Some(dir) = line.trim_end().strip_prefix("data_dir=") {
                    data_dir = Some(PathBuf::from(dir));
                    break;
                }
                line.clear();
            }
            let data_dir = data_dir.context("the helper did not start a cluster")?;
            let postmaster_pid: i32 = fs::read_to_string(data_dir.join("postmaster.pid"))?
                .lines()
                .next()
                .context("empty postmaster.pid")?
                .trim()
                .parse()?;

            if ending == "kill" {
                child.kill()?;
            }
            io::copy(&mut stdout, &mut io::sink())?;
            child.wait()?;

            let deadline = Instant::now() + Duration::from_secs(30);
            let server_gone = || kill(Pid::from_raw(postmaster_pid), None) == Err(Errno::ESRCH);
            while (!server_gone() || data_dir.exists()) && Instant::now() < deadline {
                std::thread::sleep(POLL_INTERVAL);
            }
            assert!(
                server_gone(),
                "postmaster {postmaster_pid} outlived a helper that did {ending}"
            );
            assert!(
                !data_dir.exists(),
                "{} outlived a helper that did {ending}",
                data_dir.display()
            );
        }
        Ok(())
    }

    /// Started in a child process by `an_ephemeral_cluster_does_not_outlive_its_process`; in
    /// an ordinary test run (without the variable) it does nothing.
    #[test]
    fn ephemeral_cluster_helper() -> anyhow::Result<()> {
        // Held where real tests hold it: statics are never dropped, so no destructor stops it.
        static CLUSTER: OnceLock<EmbeddedPostgres> = OnceLock::new();
        let Some(ending) = std::env::var_os(HELPER_ENV) else {
            return Ok(());
        };
        let cluster = EmbeddedPostgres::start_ephemeral_blocking()?;
        println!("data_dir={}", cluster.data_dir.display());
        if CLUSTER.set(cluster).is_err() {
            bail!("the helper ran twice");
        }
        if ending == "kill" {
            // Stay alive, holding the cluster, until the parent kills this process.
            loop {
                std::thread::park();
            }
        }
        Ok(())
    }
}
