/**
 * Starts the real Azurite blob service (npm `azurite`, never a fake) on 127.0.0.1 with a free
 * port and a throw-away data folder; stops it by PID and removes the folder.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

/** Azurite's well-known development account (public, documented by Microsoft). */
const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteHandle {
  /** e.g. http://127.0.0.1:51234/devstoreaccount1 (no trailing slash) */
  blobUrl: string;
  accountName: string;
  accountKey: string;
  connectionString: string;
  pid: number;
  location: string;
  stop(): Promise<void>;
}

const AZURITE_BLOB_MAIN = path.resolve(__dirname, '..', 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}?comp=list`, (res) => {
      res.resume();
      // any HTTP answer (403 without auth is fine) means the service is up
      resolve(typeof res.statusCode === 'number');
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export async function startAzurite(options: { startTimeoutMs?: number } = {}): Promise<AzuriteHandle> {
  if (!fs.existsSync(AZURITE_BLOB_MAIN)) {
    throw new Error(`azurite is not installed: ${AZURITE_BLOB_MAIN} missing (npm install)`);
  }
  const location = fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-'));
  const child = spawn(
    process.execPath,
    [
      AZURITE_BLOB_MAIN,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--location',
      location,
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? location } },
  );
  const pid = child.pid;
  let output = '';
  const cleanupFolder = () => fs.rmSync(location, { recursive: true, force: true });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
      if (!(await waitForExit(child, 5000))) {
        try {
          process.kill(pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
        await waitForExit(child, 5000);
      }
    }
    cleanupFolder();
  };

  try {
    if (pid === undefined) throw new Error('could not spawn azurite-blob');
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`azurite-blob did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const m = /successfully listens on (https?:\/\/[^\s]+)/.exec(output);
        if (m && m[1]) {
          clearTimeout(timer);
          resolve(m[1].replace(/\/$/, ''));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`azurite-blob exited (${code ?? sig}) before listening:\n${output}`));
      });
    });
    child.removeAllListeners('exit');
    const blobUrl = `${base}/${AZURITE_ACCOUNT_NAME}`;
    const deadline = Date.now() + 10_000;
    while (!(await answers(blobUrl))) {
      if (Date.now() > deadline) throw new Error(`azurite-blob at ${blobUrl} does not answer:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      blobUrl,
      accountName: AZURITE_ACCOUNT_NAME,
      accountKey: AZURITE_ACCOUNT_KEY,
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobUrl};`,
      pid: pid,
      location,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
