import { z } from 'zod';

/**
 * zod compiles object parsers with `new Function` unless told not to; under the web UI's strict CSP
 * (no 'unsafe-eval') that probe is a CSP violation. The browser calls this once at startup.
 */
export function useCspSafeValidation(): void {
  z.config({ jitless: true });
}
