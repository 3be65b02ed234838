// Sends a catalogue file and the files it names to the Worker's import endpoint (local or remote).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { catalogueImport, referencedFiles, type ImportResult } from '../../worker/src/domain/import-schema';

export async function importCatalogueFile(file: string, portalUrl: string, operatorToken: string, reason = 'import'): Promise<ImportResult> {
  const text = await readFile(file, 'utf8');
  const parsed = catalogueImport.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const details = parsed.error.issues.slice(0, 20).map((i) => `  ${i.path.join('.')} : ${i.message}`).join('\n');
    throw new Error(`Le fichier ${file} ne respecte pas le format d’import :\n${details}`);
  }
  const form = new FormData();
  form.set('catalogue', text);
  form.set('reason', reason);
  for (const path of referencedFiles(parsed.data)) {
    const bytes = await readFile(resolve(dirname(file), path));
    form.set(`file:${path}`, new File([bytes], path.slice(path.lastIndexOf('/') + 1)));
  }
  const response = await fetch(`${portalUrl}/api/internal/catalogue/import`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${operatorToken}` },
  });
  const body = await response.json() as ImportResult | { error: { message: string; details: string[] } };
  if (!response.ok || 'error' in body) {
    const error = 'error' in body ? body.error : { message: `HTTP ${response.status}`, details: [] };
    throw new Error([error.message, ...error.details.map((d) => `  ${d}`)].join('\n'));
  }
  return body;
}
