// Starts Infohus for the browser tests: the binary from `cargo build`, on a free port on
// 127.0.0.1, with its own throw-away PostgreSQL cluster in a fresh folder and the demo data.
// Stopping it sends SIGTERM (the app then stops its cluster) and checks that no postgres
// process is left for that folder.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const browserDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(browserDir, '..', '..');

/// The binary to test: $INFOHUS_BIN as it is, or `cargo build` and target/debug/infohus.
export function buildApp() {
  if (process.env.INFOHUS_BIN) {
    return path.resolve(process.env.INFOHUS_BIN);
  }
  const build = spawnSync('cargo', ['build', '--bin', 'infohus'], {
    cwd: repoRoot,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (build.status !== 0) {
    throw new Error(`cargo build failed (exit ${build.status ?? build.signal})`);
  }
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(repoRoot, process.env.CARGO_TARGET_DIR)
    : path.join(repoRoot, 'target');
  return path.join(targetDir, 'debug', 'infohus');
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/// Processes whose command line names `dir` (the app's own postgres and its helpers).
export function processesUsing(dir) {
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (cmdline.includes(dir)) found.push({ pid: Number(entry), cmdline });
  }
  return found;
}

export class App {
  constructor({ bin, port, root, child, logFile }) {
    this.bin = bin;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.root = root;
    this.dataDir = path.join(root, 'pg');
    this.child = child;
    this.logFile = logFile;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(bin, { timeoutMs = 180_000, port: chosenPort, root: chosenRoot, env: extraEnv = {} } = {}) {
    const port = chosenPort ?? (await freePort());
    const root = chosenRoot ?? fs.mkdtempSync(path.join(os.tmpdir(), 'infohus-browser-'));
    // Running as root, the app runs PostgreSQL as the `postgres` user, who must be able to
    // enter the folder; the cluster's own folder is created (and handed over) by the app.
    fs.chmodSync(root, 0o711);
    const dataDir = path.join(root, 'pg');
    const logFile = path.join(root, 'app.log');
    const log = fs.createWriteStream(logFile);
    const env = {
      ...process.env,
      INFOHUS_SERVER__LISTEN: `127.0.0.1:${port}`,
      INFOHUS_SERVER__PUBLIC_URL: `http://127.0.0.1:${port}`,
      INFOHUS_DATABASE__DATA_DIR: dataDir,
      // The key for the second-factor secrets lives in the run's folder, not the checkout.
      INFOHUS_SECOND_FACTOR__KEY_FILE: path.join(root, 'second-factor.key'),
      NO_COLOR: '1',
      ...extraEnv,
    };
    // Without a database URL the app runs its own embedded PostgreSQL in dataDir.
    delete env.DATABASE_URL;
    delete env.INFOHUS_DATABASE__URL;
    const child = spawn(bin, ['serve', '--demo'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new App({ bin, port, root, child, logFile });
    // Should this process end early (a timeout, Ctrl-C), the app and its PostgreSQL go with it.
    const stopChild = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    };
    process.once('exit', stopChild);
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, () => {
        stopChild();
        process.exit(130);
      });
    }
    child.stderr.pipe(log);
    let stdout = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Infohus did not say it was running within ${timeoutMs / 1000} s; log: ${logFile}\n${stdout}`));
      }, timeoutMs);
      child.stdout.on('data', (chunk) => {
        log.write(chunk);
        stdout += chunk.toString();
        if (stdout.includes('Infohus is running at')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Infohus exited before it was ready (${code ?? signal}); log: ${logFile}\n${tail(logFile)}`));
      });
    });
    // From here on stdout only goes to the log.
    child.stdout.removeAllListeners('data');
    child.stdout.pipe(log);
    return app;
  }

  /// Lines the app logged at ERROR level so far (a 500 anywhere shows up here).
  errorLines() {
    try {
      return fs
        .readFileSync(this.logFile, 'utf8')
        .split('\n')
        .filter((l) => /\bERROR\b/.test(l));
    } catch {
      return [];
    }
  }

  /// SIGTERM, wait for the exit, then make sure no postgres process of ours is left.
  async stop({ keep = false } = {}) {
    const problems = [];
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
    }
    let timer;
    const exit = await Promise.race([
      this.exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), 60_000);
      }),
    ]);
    clearTimeout(timer);
    if (exit === null) {
      problems.push('Infohus did not stop within 60 s of SIGTERM');
      this.child.kill('SIGKILL');
      await this.exited;
    } else if (exit.code !== 0) {
      problems.push(`Infohus exited with ${exit.code ?? exit.signal} after SIGTERM`);
    }
    // The app stops its cluster on the way out; give postgres a moment to finish exiting.
    let left = processesUsing(this.dataDir);
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await delay(100);
      left = processesUsing(this.dataDir);
    }
    if (left.length > 0) {
      problems.push(`postgres processes left for ${this.dataDir}: ${left.map((p) => `${p.pid} ${p.cmdline}`).join('; ')}`);
      for (const p of left) {
        try {
          process.kill(p.pid, 'SIGQUIT');
        } catch {
          /* already gone */
        }
      }
    }
    if (!keep && problems.length === 0) {
      fs.rmSync(this.root, { recursive: true, force: true });
    }
    if (problems.length > 0) {
      throw new Error(`${problems.join('\n')}\nlog: ${this.logFile}`);
    }
  }
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
