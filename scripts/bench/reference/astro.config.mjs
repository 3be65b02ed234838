// bench:build's reference pipeline: the site's Astro configuration over a scratch copy of site/ that renders the
// dataset pages as Astro pages (scripts/bench/build.ts sets both folders).
import config from '../../../astro.config.mjs';

export default { ...config, srcDir: process.env.REFERENCE_SRC_DIR, outDir: process.env.SITE_OUT_DIR };
