// Atom feed of a thématique's latest datasets (/feeds/group/{slug}.atom, CKAN's path).
import type { APIRoute, GetStaticPaths } from 'astro';
import { t } from '../../../../worker/src/i18n';
import { catalogue, pathsToRender } from '../../../lib/catalogue';
import { atomFeed, siteUrl } from '../../../lib/feeds';
import { LANG, portalName } from '../../../lib/site';

export const getStaticPaths: GetStaticPaths = () => pathsToRender('group', catalogue().snapshot.themes.map((theme) => ({ params: { slug: theme.slug } })));

export const GET: APIRoute = ({ params, site }) => {
  const theme = catalogue().themes.get(params.slug!)!;
  return atomFeed(siteUrl(site), `/feeds/group/${theme.slug}.atom`, t(LANG, 'feed.theme', { name: theme.title, portal: portalName() }),
    catalogue().datasetsByTheme.get(theme.slug) ?? []);
};
