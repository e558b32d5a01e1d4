/** Picks the store from the config: Postgres when ATTN_DATABASE_URL is set, else embedded SQLite. */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from './port.js';
import { describeDatabaseUrl, PostgresStore } from './postgres.js';
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
    return await PostgresStore.connect(url, { poolSize: config.databasePoolSize, limits, ...(log ? { log } : {}) });
  } catch (err) {
    throw new StoreUnavailableError(`ATTN_DATABASE_URL: cannot use the Postgres database at ${describeDatabaseUrl(url)}: ${reasonOf(err, url)}`);
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
