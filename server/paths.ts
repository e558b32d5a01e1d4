/**
 * Where the repository is, whether this module runs from its TypeScript source
 * (`server/paths.ts` under tsx: tests, `npm run dev`) or compiled (`dist/server/paths.js` under
 * plain node: `npm start`). Paths built from `import.meta.url` with a fixed number of `..` would
 * point into dist/ in the second case, where the question bank's Markdown, the challenges'
 * TypeScript sources (served to interviewers as reference code) and node_modules are not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`attn: no package.json above ${start}`);
  }
}

/** The directory holding attn's package.json (and questions/, node_modules/, dist/). */
export const REPO_ROOT = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
