// Whether the addon is built and loadable; tests that need it are skipped, loudly, when it is not.
import { nativeStatus } from '../lib/index.js';

export const status = nativeStatus();
export const unavailable = !status.available;
if (unavailable) {
  console.warn(`[core-native tests] SKIPPING native tests: ${status.reason}\n  fix: ${status.hint}`);
}
