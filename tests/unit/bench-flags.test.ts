import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTN_NODE_FLAGS } from '../bench/sync.js';

describe('the benchmark runs attn as npm start does', () => {
  it('uses exactly the Node flags of the start script', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    // the words between `node` and the script it runs
    const command = pkg.scripts.start!.split('&&').at(-1)!.trim().split(/\s+/);
    expect(command[0]).toBe('node');
    expect(command.at(-1)).toBe('dist/server/main.js');
    const startFlags = command.slice(1, -1);
    expect(startFlags).toEqual(ATTN_NODE_FLAGS);
  });
});
