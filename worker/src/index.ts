// Worker entry: the edge API. Static pages never come here (see wrangler.toml run_worker_first).
import { Router, type IRequest } from 'itty-router';
import type { Env } from './env';
import type { JobMessage } from './store/queue';
import { downloadHandler, publicImageHandler } from './http/downloads/download';
import { importHandler, snapshotHandler, statusHandler } from './http/operator/catalogue';
import { ckanActionHandler, ckanVersionHandler } from './http/ckan/actions';
import { dcatCatalogHandler, dcatDatasetHandler } from './http/dcat/catalog';
import { json, problem } from './http/respond';
import { handleRebuildMessages } from './jobs/rebuild';
import { t } from './i18n';

type Args = [Env, ExecutionContext];

const router = Router<IRequest, Args>()
  .get('/api/health', () => json({ ok: true }))
  .post('/api/internal/catalogue/import', importHandler)
  .get('/api/internal/catalogue/snapshot', snapshotHandler)
  .get('/api/internal/catalogue/status', statusHandler)
  .get('/api/files/*', publicImageHandler)
  .get('/dataset/:datasetId/resource/:resourceId/download/:fileName', downloadHandler)
  // Interoperability: CKAN Action API (read side) and the DCAT-AP catalogue.
  .all('/api/3/action/:name', ckanActionHandler)
  .all('/api/action/:name', ckanActionHandler)
  .get('/api/3', ckanVersionHandler)
  .get('/api', ckanVersionHandler)
  .get('/catalog.:format', dcatCatalogHandler)
  .get('/dataset/:file', dcatDatasetHandler)
  .all('*', () => problem(404, t('fr', 'api.unknownPath')));

export default {
  async fetch(request, env, ctx) {
    let response: Response;
    try {
      response = await router.fetch(request, env, ctx);
    } catch (error) {
      console.error(error);
      response = problem(500, t('fr', 'api.internalError'));
    }
    // Marks every response produced by the Worker; static assets never carry it (tests rely on that).
    const marked = new Response(response.body, response);
    marked.headers.set('x-portal-worker', '1');
    return marked;
  },
  async queue(batch, env) {
    await handleRebuildMessages(batch.messages, env);
  },
} satisfies ExportedHandler<Env, JobMessage>;
