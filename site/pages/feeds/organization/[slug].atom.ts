// Atom feed of an organisation's latest datasets (/feeds/organization/{slug}.atom, CKAN's path).
import type { APIRoute, GetStaticPaths } from 'astro';
import { t } from '../../../../worker/src/i18n';
import { catalogue, pathsToRender } from '../../../lib/catalogue';
import { atomFeed, siteUrl } from '../../../lib/feeds';
import { LANG, portalName } from '../../../lib/site';

export const getStaticPaths: GetStaticPaths = () => pathsToRender('organization', catalogue().snapshot.organizations.map((org) => ({ params: { slug: org.slug } })));

export const GET: APIRoute = ({ params, site }) => {
  const org = catalogue().organizations.get(params.slug!)!;
  return atomFeed(siteUrl(site), `/feeds/organization/${org.slug}.atom`, t(LANG, 'feed.organization', { name: org.legalName, portal: portalName() }),
    catalogue().datasetsByOrganization.get(org.slug) ?? []);
};
