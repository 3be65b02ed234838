// Site-wide Atom feed of the latest datasets (/feeds/dataset.atom, CKAN's path).
import type { APIRoute } from 'astro';
import { t } from '../../../worker/src/i18n';
import { catalogue } from '../../lib/catalogue';
import { atomFeed, siteUrl } from '../../lib/feeds';
import { LANG, portalName } from '../../lib/site';

export const GET: APIRoute = ({ site }) =>
  atomFeed(siteUrl(site), '/feeds/dataset.atom', t(LANG, 'feed.site', { portal: portalName() }), catalogue().snapshot.datasets);
