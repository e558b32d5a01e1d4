/**
 * Imported first by main.tsx. zod 4 probes `new Function('')` to decide whether to compile its
 * object parsers; under the app's CSP (script-src without 'unsafe-eval', server/http/csp.ts) the
 * probe is refused and reported as a violation. Telling zod up front skips the probe: it then
 * parses without compiled code, as it would have after the refusal anyway.
 */
import { config } from 'zod';

config({ jitless: true });
