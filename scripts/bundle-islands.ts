// Bundles the islands that need npm libraries (the data explorer with Chart.js and Leaflet, the loading page's
// poller) into /scripts/ of the static site with esbuild: served from the portal itself, no CDN.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Path in the site (e.g. "scripts/explorer.js") → content. */
export async function bundleIslands(): Promise<Map<string, Uint8Array>> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: {
      explorer: 'site/scripts/explorer/index.ts',
      'datastore-progress': 'site/scripts/explorer/progress.ts',
      // The CSS entry is named apart from the script so esbuild does not write both to explorer.css.
      'explorer-styles': 'site/scripts/explorer/explorer.css',
    },
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'explorer-chunk-[hash]',
    target: 'es2022',
    minify: true,
    // Leaflet's stylesheet names a few small PNGs (layer control, default icons): inlined.
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
    outdir: 'out',
    write: false,
    logLevel: 'warning',
    legalComments: 'linked',
  });
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) {
    const name = file.path.split(/[\\/]/).pop()!.replace(/^explorer-styles\./, 'explorer.');
    files.set(`scripts/${name}`, file.contents);
  }
  return files;
}
