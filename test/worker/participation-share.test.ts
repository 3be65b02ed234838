// Sharing (issue 5): the embeddable card behind the share panel's iframe snippet: framable, script-free, published
// datasets only, the producer's text escaped.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ORIGIN } from './accounts-fixtures';
import { createThroughForm, world } from './publish-datasets-fixtures';

describe('embeddable dataset card', () => {
  it('a published dataset: its card may be framed anywhere, runs no script, links to the portal; its text is escaped', async () => {
    const w = await world();
    await createThroughForm(w.contributor, w.lodeve, { state: 'published', description: 'Arrêts <script>alert(1)</script> du **réseau**.' });
    const response = await SELF.fetch(`${ORIGIN}/embed/dataset/arrets-de-bus-de-lodeve`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-frame-options')).toBeNull();
    expect(response.headers.get('content-security-policy')).toBe("frame-ancestors *; script-src 'none'");
    const body = await response.text();
    expect(body).toContain('href="http://localhost:8787/dataset/arrets-de-bus-de-lodeve"');
    expect(body).toContain('Commune de Lodève');
    expect(body).not.toContain('<script>');
    expect(body).toContain('<p>Arrêts &lt;script alert 1 &lt;/script du réseau .</p>');
  });

  it('a draft or an unknown dataset: 404', async () => {
    const w = await world();
    await createThroughForm(w.contributor, w.lodeve, { state: 'draft' });
    expect((await SELF.fetch(`${ORIGIN}/embed/dataset/arrets-de-bus-de-lodeve`)).status).toBe(404);
    expect((await SELF.fetch(`${ORIGIN}/embed/dataset/inexistant`)).status).toBe(404);
  });
});
