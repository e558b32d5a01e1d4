import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTN_NODE_FLAGS } from '../bench/sync.js';

describe('the benchmark runs attn as npm start does', () => {
  it('uses exactly the Node flags of the start script', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    const startFlags = pkg.scripts.start!.split(/\s+/).filter((w) => /^--max-|^--v8-/.test(w));
    expect(startFlags).toEqual(ATTN_NODE_FLAGS);
  });
});
