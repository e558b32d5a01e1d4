/**
 * Runs attn as a real child process, so tests can SIGKILL it: from the TypeScript sources
 * (`tsx server/main.ts`), or as `npm start` runs it (`node dist/server/main.js`, after a build).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export const COMPILED_ENTRY = path.join(ROOT, 'dist/server/main.js');

export async function spawnServer(env: Record<string, string>, timeoutMs = 20_000, { compiled = false, nodeArgs = [] as string[] } = {}): Promise<ServerProcess> {
  const args = [...nodeArgs, ...(compiled ? [COMPILED_ENTRY] : ['--import', 'tsx', 'server/main.ts'])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ATTN_LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), timeoutMs);
    const onData = () => {
      const m = /attn listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}
