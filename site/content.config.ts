// Editorial pages (aide, mentions légales, contact, à propos) are Markdown files in content/pages
// (CONTENT_PAGES_DIR points elsewhere, for test fixtures).
// The catalogue itself does not go through the content layer: at 10 k datasets it added ~22 s to the build
// (Astro bundles the whole data store through Vite), so the pages read the snapshot directly (lib/catalogue.ts).
import { defineCollection, z } from 'astro:content';
import { glob } from 'astro/loaders';

const pages = defineCollection({
  loader: glob({ pattern: '*.md', base: process.env.CONTENT_PAGES_DIR ?? './content/pages' }),
  schema: z.object({
    title: z.string(),
    description: z.string().optional(),
  }),
});

export const collections = { pages };
