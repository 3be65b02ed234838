// The public catalogue: a fully static site rendered from the catalogue snapshot (see scripts/build-site.ts).
// Pages live at CKAN-like URLs without trailing slash (/dataset/{slug} → dataset/{slug}.html).
import { defineConfig } from 'astro/config';

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: process.env.SITE_OUT_DIR ?? './dist',
  site: process.env.PORTAL_PUBLIC_URL ?? 'http://localhost:8787',
  output: 'static',
  trailingSlash: 'never',
  build: {
    format: 'file',
    // Overlap a few page writes with rendering (scripts/build-site.ts makes writes synchronous instead).
    concurrency: 4,
    inlineStylesheets: 'never',
  },
  // Editorial Markdown has no code to highlight; skipping Shiki saves startup time.
  markdown: { syntaxHighlight: false },
  // No astro:assets images, so no sharp.
  image: { service: { entrypoint: 'astro/assets/services/noop' } },
  devToolbar: { enabled: false },
});
