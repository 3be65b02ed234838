// `npm run catalogue -- import <file.json> [--url URL]`: publishes a catalogue file through the Worker
// (same path as the forms: D1 + R2 write, change recorded, rebuild queued). Locally the token comes from
// .dev.vars; against production pass --url and set OPERATOR_TOKEN.
import { parseArgs } from 'node:util';
import { importCatalogueFile } from './lib/import-client';
import { PORTAL_URL, ensureLocalSecrets } from './lib/local-config';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { url: { type: 'string' } } });
const [command, file] = positionals;

if (command !== 'import' || !file) {
  console.error('Usage : npm run catalogue -- import <catalogue.json> [--url https://portail.example]');
  process.exit(2);
}

const token = process.env.OPERATOR_TOKEN ?? ensureLocalSecrets().OPERATOR_TOKEN;
try {
  const summary = await importCatalogueFile(file, values.url ?? PORTAL_URL, token);
  console.log(`Importé (modification n° ${summary.changeId}) : ${summary.organizations} organisations, ${summary.datasets} jeux de données, `
    + `${summary.resources} ressources, ${summary.showcases} réutilisations, ${summary.filesStored} fichiers stockés. Reconstruction du site demandée.`);
} catch (error) {
  console.error(`Import refusé : ${(error as Error).message}`);
  process.exit(1);
}
