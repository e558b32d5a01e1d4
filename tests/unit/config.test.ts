import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('loadConfig', () => {
  it('has defaults that make `npm start` work with nothing set', () => {
    const c = loadConfig({}, '/srv/attn');
    expect(c.port).toBe(8080);
    expect(c.frameSliceMs).toBe(5);
    expect(c.host).toBe('0.0.0.0');
    expect(c.dataDir).toBe('/srv/attn/data');
    expect(c.publicUrl).toBeUndefined();
    expect(c.maxMessageBytes).toBe(2 * 1024 * 1024);
  });

  it('reads every variable', () => {
    const c = loadConfig(
      {
        PORT: '9000',
        HOST: '127.0.0.1',
        ATTN_DATA_DIR: '/var/lib/attn',
        ATTN_PUBLIC_URL: 'https://attn.example.com/',
        ATTN_RECORDINGS_URL: 'https://cdn.example.com/rec/',
        ATTN_MAX_MESSAGE_BYTES: '4096',
        ATTN_SNAPSHOT_EVERY_UPDATES: '50',
        ATTN_ROOM_IDLE_MS: '0',
        ATTN_PING_INTERVAL_MS: '5000',
        ATTN_FRAME_SLICE_MS: '20',
        ATTN_LOG_LEVEL: 'warn',
      },
      '/x',
    );
    expect(c).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      dataDir: '/var/lib/attn',
      publicUrl: 'https://attn.example.com',
      recordingsUrl: 'https://cdn.example.com/rec',
      maxMessageBytes: 4096,
      snapshotEveryUpdates: 50,
      roomIdleMs: 0,
      pingIntervalMs: 5000,
      frameSliceMs: 20,
      logLevel: 'warn',
    });
  });

  it('uses the shipped question bank unless QUESTIONS_DIR points elsewhere', () => {
    expect(loadConfig({}).questionsDir).toMatch(/[\\/]questions$/);
    expect(loadConfig({ QUESTIONS_DIR: 'bank' }, '/corp').questionsDir).toBe('/corp/bank');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(8080);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: must be a whole number \(got "eighty"\)$/],
    [{ PORT: '70000' }, /^PORT: must be at most 65535/],
    [{ PORT: '-1' }, /^PORT: must be a whole number/],
    [{ ATTN_PUBLIC_URL: 'attn.example.com' }, /^ATTN_PUBLIC_URL: /],
    [{ ATTN_PUBLIC_URL: 'ftp://attn.example.com' }, /^ATTN_PUBLIC_URL: must start with http/],
    [{ ATTN_RECORDINGS_URL: 'cdn.example.com/rec' }, /^ATTN_RECORDINGS_URL: /],
    [{ ATTN_RECORDINGS_URL: 'ftp://cdn.example.com/rec' }, /^ATTN_RECORDINGS_URL: must start with http/],
    [{ ATTN_MAX_MESSAGE_BYTES: '10' }, /^ATTN_MAX_MESSAGE_BYTES: must be at least 1024/],
    [{ ATTN_LOG_LEVEL: 'loud' }, /^ATTN_LOG_LEVEL: /],
    [{ ATTN_SNAPSHOT_EVERY_UPDATES: '0' }, /^ATTN_SNAPSHOT_EVERY_UPDATES: must be at least 1/],
    [{ ATTN_FRAME_SLICE_MS: '0' }, /^ATTN_FRAME_SLICE_MS: must be at least 1/],
    [{ ATTN_DATABASE_URL: 'mysql://attn:hunter2@db/attn' }, /^ATTN_DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//],
    [{ ATTN_DATABASE_URL: 'db.internal:5432' }, /^ATTN_DATABASE_URL: must start with postgres/],
    [{ ATTN_DATABASE_URL: 'postgres://attn:p@ss word@db host/attn' }, /^ATTN_DATABASE_URL: must be a valid URL/],
    [{ ATTN_DATABASE_POOL_SIZE: '0' }, /^ATTN_DATABASE_POOL_SIZE: must be at least 1/],
    [{ ATTN_DATABASE_POOL_SIZE: 'many' }, /^ATTN_DATABASE_POOL_SIZE: must be a whole number/],
    [{ ATTN_REDIS_URL: 'http://:hunter2@redis:6379' }, /^ATTN_REDIS_URL: must start with redis:\/\/ or rediss:\/\//],
    [{ LIVEKIT_URL: 'localhost:7880', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' }, /^LIVEKIT_URL: must start with ws:\/\//],
    [{ LIVEKIT_URL: 'ftp://lk.example.com', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' }, /^LIVEKIT_URL: must start with ws:\/\//],
    [{ LIVEKIT_URL: 'ws://localhost:7880' }, /^LIVEKIT_API_KEY: must be set when LIVEKIT_URL is \(set all three/],
    [{ LIVEKIT_URL: 'ws://localhost:7880', LIVEKIT_API_KEY: 'k' }, /^LIVEKIT_API_SECRET: must be set when LIVEKIT_URL, LIVEKIT_API_KEY are/],
    [{ LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' }, /^LIVEKIT_URL: must be set/],
    [{ LIVEKIT_EGRESS: '1' }, /^LIVEKIT_EGRESS: recording needs LIVEKIT_URL/],
    [{ LIVEKIT_URL: 'ws://localhost:7880', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's', LIVEKIT_EGRESS: 'yes' }, /^LIVEKIT_EGRESS: must be 1/],
  ])('stops on %j with one line naming the variable', (env, message) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('uses the embedded store and no bus unless ATTN_DATABASE_URL and ATTN_REDIS_URL are set', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.databasePoolSize).toBe(10);
  });

  it('reads the Postgres and Redis URLs as given', () => {
    const c = loadConfig({
      ATTN_DATABASE_URL: 'postgresql://attn:s%40cret@db.internal:5432/attn?sslmode=require',
      ATTN_DATABASE_POOL_SIZE: '25',
      ATTN_REDIS_URL: 'rediss://:pw@redis.internal:6380/0',
    });
    expect(c.databaseUrl).toBe('postgresql://attn:s%40cret@db.internal:5432/attn?sslmode=require');
    expect(c.databasePoolSize).toBe(25);
    expect(c.redisUrl).toBe('rediss://:pw@redis.internal:6380/0');
    expect(loadConfig({ ATTN_DATABASE_URL: 'postgres://localhost/attn', ATTN_REDIS_URL: 'redis://localhost' })).toMatchObject({
      databaseUrl: 'postgres://localhost/attn',
      redisUrl: 'redis://localhost',
    });
  });

  it.each([
    { ATTN_DATABASE_URL: 'mysql://attn:hunter2@db/attn' },
    { ATTN_DATABASE_URL: 'postgres://attn:hunter2@db host/attn' },
    { ATTN_REDIS_URL: 'http://:hunter2@redis:6379' },
  ])('never echoes a URL that may hold a password: %j', (env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).not.toThrow(/hunter2/);
  });

  it('leaves audio/video off unless all three LiveKit variables are set', () => {
    expect(loadConfig({}).livekit).toBeNull();
    expect(loadConfig({ LIVEKIT_URL: '', LIVEKIT_API_KEY: '', LIVEKIT_API_SECRET: '' }).livekit).toBeNull();
  });

  it('reads the LiveKit variables and derives the browser and API URLs', () => {
    const ws = loadConfig({ LIVEKIT_URL: 'ws://localhost:7880/', LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'secret' }).livekit;
    expect(ws).toEqual({ url: 'ws://localhost:7880', apiUrl: 'http://localhost:7880', apiKey: 'devkey', apiSecret: 'secret', egress: false });
    const https = loadConfig({ LIVEKIT_URL: 'https://p.livekit.cloud', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's', LIVEKIT_EGRESS: '1' }).livekit;
    expect(https).toEqual({ url: 'wss://p.livekit.cloud', apiUrl: 'https://p.livekit.cloud', apiKey: 'k', apiSecret: 's', egress: true });
  });
});

describe('loadConfig: the trust-boundary variables (issue 12)', () => {
  it('has sane defaults', () => {
    expect(loadConfig({})).toMatchObject({
      createToken: undefined,
      roomCreatePerMinute: 30,
      trustProxy: 0,
      maxUploadBytesPerRoom: 64 * 1024 * 1024,
      maxEventsPerRoom: 1000,
      healthToken: undefined,
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
    });
  });

  it('reads the host list in lower case and refuses anything that is not a host', () => {
    expect(loadConfig({ ATTN_ALLOWED_HOSTS: 'Attn.Example.com, [::1]:8080,10.0.0.5' }).allowedHosts).toEqual(['attn.example.com', '[::1]:8080', '10.0.0.5']);
    for (const bad of ['http://x', 'a b', ',']) expect(() => loadConfig({ ATTN_ALLOWED_HOSTS: bad })).toThrow(/^ATTN_ALLOWED_HOSTS: must/);
  });

  it('names a bad secret or limit without echoing a secret', () => {
    expect(() => loadConfig({ ATTN_HEALTH_TOKEN: 'short-secret' })).toThrow(/^ATTN_HEALTH_TOKEN: must be at least 16 characters$/);
    expect(() => loadConfig({ ATTN_CREATE_TOKEN: 'short-secret' })).toThrow(ConfigError);
    expect(() => loadConfig({ ATTN_CREATE_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => loadConfig({ ATTN_MAX_UPLOAD_BYTES_PER_ROOM: '1000' })).toThrow(/^ATTN_MAX_UPLOAD_BYTES_PER_ROOM: must be at least 4194304/);
    expect(() => loadConfig({ ATTN_ROOM_CREATE_PER_MINUTE: '-1' })).toThrow(/^ATTN_ROOM_CREATE_PER_MINUTE: must be a whole number/);
    expect(loadConfig({ ATTN_ROOM_CREATE_PER_MINUTE: '0' }).roomCreatePerMinute).toBe(0);
  });
});

describe('sync resource limits (issue 12)', () => {
  it('default to SYNC_LIMITS and read their variables', () => {
    expect(loadConfig({})).toMatchObject({
      maxDocBytes: 32 * 1024 * 1024,
      maxAwarenessPerConn: 4,
      maxSocketsPerIp: 128,
      maxSocketsPerRoom: 64,
      maxRoomBytesPerSec: 1024 * 1024,
    });
    expect(
      loadConfig({ ATTN_MAX_DOC_BYTES: '1048576', ATTN_MAX_AWARENESS_PER_CONN: '2', ATTN_MAX_SOCKETS_PER_IP: '0', ATTN_MAX_SOCKETS_PER_ROOM: '10' }),
    ).toMatchObject({ maxDocBytes: 1048576, maxAwarenessPerConn: 2, maxSocketsPerIp: 0, maxSocketsPerRoom: 10 });
  });

  it.each([
    [{ ATTN_MAX_DOC_BYTES: '1000' }, /^ATTN_MAX_DOC_BYTES: must be at least 65536 \(got "1000"\)$/],
    [{ ATTN_MAX_AWARENESS_PER_CONN: '0' }, /^ATTN_MAX_AWARENESS_PER_CONN: must be at least 1/],
    [{ ATTN_MAX_SOCKETS_PER_IP: 'lots' }, /^ATTN_MAX_SOCKETS_PER_IP: must be a whole number/],
    [{ ATTN_MAX_SOCKETS_PER_ROOM: '-5' }, /^ATTN_MAX_SOCKETS_PER_ROOM: must be a whole number/],
    [{ ATTN_MAX_ROOM_BYTES_PER_SEC: '1MB' }, /^ATTN_MAX_ROOM_BYTES_PER_SEC: must be a whole number/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
