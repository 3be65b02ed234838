import type { D1Migration } from 'cloudflare:test';
import type { Env as WorkerEnv } from '../../worker/src/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      TEST_DATASTORE_MIGRATIONS: D1Migration[];
      TABULAR_FIXTURES: Record<string, string>;
      GEO_FIXTURES: Record<string, string>;
      HOOK_URL: string;
      FILE_SERVER_HOST: string;
    }
  }
}
