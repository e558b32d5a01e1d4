/** Picks the store from the config: Postgres when ATTN_DATABASE_URL is set, else embedded SQLite. */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from './port.js';
import { SqliteStore } from './sqlite.js';

/**
 * The database named by ATTN_DATABASE_URL could not be used at start-up. The message is one line,
 * names the variable, and never contains the URL's user or password (main.ts prints it as is).
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

export async function openStore(config: Config, log?: Logger): Promise<Store> {
  const limits = { maxEventsPerRoom: config.maxEventsPerRoom };
  if (!config.databaseUrl) return SqliteStore.open(config.dataDir, limits, { writer: config.sqliteWriter });
  const url = config.databaseUrl;
  try {
    // Loaded only when configured: pg and the Postgres store are ~3 MB of heap an SQLite server
    // would otherwise keep for nothing (see server/av/livekit.ts on why idle heap costs CPU).
    const { PostgresStore } = await import('./postgres.js');
    return await PostgresStore.connect(url, { poolSize: config.databasePoolSize, limits, ...(log ? { log } : {}) });
  } catch (err) {
    throw new StoreUnavailableError(`ATTN_DATABASE_URL: cannot use the Postgres database at ${describeDatabaseUrl(url)}: ${reasonOf(err, url)}`);
  }
}

/** host:port/database of a URL, never its user or password: safe to print. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host || 'localhost'}${u.pathname || ''}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** The error's message on one line, with the URL's password cut out should a driver ever echo it. */
function reasonOf(err: unknown, url: string): string {
  let text = err instanceof Error ? err.message || (err as NodeJS.ErrnoException).code || err.name : String(err);
  // AggregateError (every address refused) has an empty message: say what its parts said.
  if (err instanceof AggregateError && !err.message) text = err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ');
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // an unparseable URL was refused by the config already
  }
  if (password) text = text.split(password).join('[redacted]');
  return text.replace(/\s+/g, ' ').trim() || 'unknown error';
}
