//! What starting a cluster needs around it: the account the server runs as, the folders it may
//! use, initdb and the server's options, a stale pid file, and where the programs are.

use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use nix::errno::Errno;
use nix::sys::signal::kill;
use nix::unistd::{Gid, Pid, Uid, User};

use super::{Lifetime, MAX_SOCKET_PATH, PORT, PgBinaries};

/// The unprivileged account initdb and the server run as.
#[derive(Debug, Clone, Copy)]
pub(super) struct RunAs {
    pub(super) uid: Uid,
    pub(super) gid: Gid,
}

pub(super) fn check_socket_path(data_dir: &Path) -> anyhow::Result<()> {
    let socket = data_dir.join(format!(".s.PGSQL.{PORT}"));
    if socket.as_os_str().len() > MAX_SOCKET_PATH {
        bail!(
            "the PostgreSQL data directory {} is too deep: the socket inside it, {}, must not exceed {MAX_SOCKET_PATH} bytes; choose a shorter path",
            data_dir.display(),
            socket.display()
        );
    }
    Ok(())
}

/// Where a root-run Infohus keeps its cluster when the `postgres` user cannot reach the
/// configured folder (a clone under /root, or any folder of mode 0700).
pub const FALLBACK_ROOT: &str = "/var/lib/infohus";

/// The fallback folder for a configured data folder: named after the configured path, so that
/// each clone keeps its own cluster and finds it again at the next start, and short enough for
/// the socket path.
pub fn fallback_data_dir(configured: &Path) -> PathBuf {
    let text = configured.to_string_lossy();
    // FNV-1a: stable across builds, so the next start finds the same folder.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let sanitized: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let sanitized = sanitized.trim_matches('-');
    // Only ASCII is left, so any byte offset is a character boundary.
    let tail = sanitized[sanitized.len().saturating_sub(40)..].trim_start_matches('-');
    Path::new(FALLBACK_ROOT).join(format!("{tail}-{:08x}", hash as u32))
}

/// May the user reach the folder, i.e. search every existing folder on the way to it?
pub(super) fn reachable_by(dir: &Path, user: RunAs) -> bool {
    dir.ancestors()
        .filter(|d| d.exists())
        .all(|d| searchable_by(d, user))
}

/// PostgreSQL refuses to run as root, so as root we hand it to the `postgres` system user.
pub(super) fn unprivileged_user() -> anyhow::Result<Option<RunAs>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let user = User::from_name("postgres")
        .context("could not look up the `postgres` system user")?
        .context(
            "Infohus runs as root, which PostgreSQL refuses to run as, and there is no `postgres` system user to run it as instead: create one or run Infohus as an ordinary user",
        )?;
    Ok(Some(RunAs {
        uid: user.uid,
        gid: user.gid,
    }))
}

pub(super) fn command(program: &Path, run_as: Option<RunAs>, data_dir: &Path) -> Command {
    let mut command = Command::new(program);
    // Our own working directory (say /root) may be closed to the `postgres` user.
    command.current_dir(data_dir);
    if let Some(user) = run_as {
        command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    command
}

/// PostgreSQL insists on owning its data directory, including one a root-run Infohus created or
/// one left by an earlier run as another user.
pub(super) fn hand_over(data_dir: &Path, to: RunAs) -> anyhow::Result<()> {
    let owner = fs::metadata(data_dir)?.uid();
    if owner != to.uid.as_raw() {
        chown_tree(data_dir, to)
            .with_context(|| format!("could not hand {} over to `postgres`", data_dir.display()))?;
    }
    Ok(())
}

pub(super) fn chown_tree(path: &Path, to: RunAs) -> io::Result<()> {
    std::os::unix::fs::lchown(path, Some(to.uid.as_raw()), Some(to.gid.as_raw()))?;
    if fs::symlink_metadata(path)?.is_dir() {
        for entry in fs::read_dir(path)? {
            chown_tree(&entry?.path(), to)?;
        }
    }
    Ok(())
}

pub(super) fn initdb(
    binaries: &PgBinaries,
    data_dir: &Path,
    run_as: Option<RunAs>,
    lifetime: Lifetime,
) -> anyhow::Result<()> {
    tracing::info!(data_dir = %data_dir.display(), "creating a PostgreSQL cluster");
    let mut initdb = command(&binaries.initdb, run_as, data_dir);
    initdb
        .arg("--pgdata")
        .arg(data_dir)
        .args(["--auth=trust", "--username=postgres", "--encoding=UTF8"])
        .arg(format!("--locale={}", c_locale()));
    if lifetime == Lifetime::Ephemeral {
        initdb.arg("--no-sync");
    }
    let output = initdb
        .output()
        .map_err(|error| spawn_failed(error, "initdb", data_dir, run_as))?;
    if !output.status.success() {
        bail!(
            "initdb failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// C.UTF-8 sorts like C yet lets PostgreSQL case-fold and classify non-ASCII letters (æ, ø, å);
/// older systems lack it.
pub(super) fn c_locale() -> &'static str {
    let has_c_utf8 = Command::new("locale")
        .arg("-a")
        .output()
        .is_ok_and(|output| {
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .any(|name| name.trim().replace('-', "").eq_ignore_ascii_case("c.utf8"))
        });
    if has_c_utf8 { "C.UTF-8" } else { "C" }
}

pub(super) fn server_options(socket_dir: &Path, lifetime: Lifetime) -> anyhow::Result<Vec<String>> {
    let socket_dir = socket_dir
        .to_str()
        .context("the PostgreSQL data directory's path must be valid UTF-8")?;
    // The setting is a comma-separated list, so the path is quoted in case it holds a comma or spaces.
    let socket_dir = format!("\"{}\"", socket_dir.replace('"', "\"\""));
    let mut settings = vec![
        "listen_addresses=".to_owned(),
        format!("unix_socket_directories={socket_dir}"),
        format!("port={PORT}"),
        // Tests run many databases in parallel against one cluster.
        "max_connections=200".to_owned(),
        // A read of the whole audit trail locks each monthly partition and its indexes (about
        // seven locks a month, 840 after ten years); the default 64 per connection would run
        // the shared lock table out with a handful of such reads at once.
        "max_locks_per_transaction=256".to_owned(),
    ];
    if lifetime == Lifetime::Ephemeral {
        settings.extend(
            [
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
            ]
            .map(str::to_owned),
        );
    }
    Ok(settings
        .into_iter()
        .flat_map(|setting| ["-c".to_owned(), setting])
        .collect())
}

/// A crash leaves postmaster.pid (and the socket's lock file) behind, and PostgreSQL refuses to
/// start while the pid in it is alive, which after a reboot it may be, as some unrelated process.
pub(super) fn clear_stale_lock(lock: &Path, data_dir: &Path) -> anyhow::Result<()> {
    let contents = match fs::read_to_string(lock) {
        Ok(contents) => contents,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => {
            return Err(error).with_context(|| format!("could not read {}", lock.display()));
        }
    };
    // A standalone backend records its pid negated.
    let pid = contents
        .lines()
        .next()
        .and_then(|line| line.trim().parse::<i32>().ok())
        .and_then(i32::checked_abs)
        .filter(|pid| *pid > 0);
    if let Some(pid) = pid {
        if server_is_running(pid, data_dir) {
            bail!(
                "PostgreSQL (pid {pid}) is already running on {}: is another Infohus using it?",
                data_dir.display()
            );
        }
    }
    tracing::warn!(lock = %lock.display(), "removing a lock file left by a PostgreSQL that did not shut down");
    fs::remove_file(lock).with_context(|| format!("could not remove {}", lock.display()))
}

pub(super) fn server_is_running(pid: i32, data_dir: &Path) -> bool {
    match kill(Pid::from_raw(pid), None) {
        Err(Errno::ESRCH) => false,
        // Alive, but it is a server of this cluster only if it works in the data directory, which
        // a postmaster makes its working directory. If we may not look, assume the worst rather
        // than risk two servers on the same files.
        _ => fs::read_link(format!("/proc/{pid}/cwd"))
            .ok()
            .is_none_or(|cwd| cwd == data_dir),
    }
}

/// Turns a refused spawn into advice: as `postgres`, the usual cause is a parent directory that
/// user may not enter.
pub(super) fn spawn_failed(
    error: io::Error,
    program: &str,
    data_dir: &Path,
    run_as: Option<RunAs>,
) -> anyhow::Error {
    let blocked = run_as
        .filter(|_| error.kind() == io::ErrorKind::PermissionDenied)
        .and_then(|user| data_dir.ancestors().find(|dir| !searchable_by(dir, user)));
    match blocked {
        Some(dir) => anyhow::anyhow!(
            "could not run {program}: PostgreSQL runs as the `postgres` user, which may not enter {}; put the data directory {} where that user can reach it (e.g. under /var/lib) or make the path searchable (chmod o+x)",
            dir.display(),
            data_dir.display()
        ),
        None => anyhow::Error::new(error).context(format!("could not run {program}")),
    }
}

/// The owner, group and other bits as the kernel applies them; supplementary groups and ACLs are
/// ignored, which is fine for an error message.
pub(super) fn searchable_by(dir: &Path, user: RunAs) -> bool {
    let Ok(meta) = fs::metadata(dir) else {
        return false;
    };
    let mode = meta.mode();
    if meta.uid() == user.uid.as_raw() {
        mode & 0o100 != 0
    } else if meta.gid() == user.gid.as_raw() {
        mode & 0o010 != 0
    } else {
        mode & 0o001 != 0
    }
}

pub(super) fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// Debian installs each major version side by side; newest first.
pub(super) fn debian_bin_dirs() -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir("/usr/lib/postgresql") else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let version = name
                .to_str()?
                .split('.')
                .map(|part| part.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

pub(super) fn percent_encode(text: &str, keep: &[u8]) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || keep.contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}
