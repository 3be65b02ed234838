// A layer name the caller cannot see: say it needs credentials (401 + Basic challenge, so QGIS and GDAL prompt or
// send them) or that this account lacks access, rather than "unknown layer"; WMS and WFS answer it the same way.
import { canUseLayer, findLayerByName } from '../../store/geo-layers';
import { OgcError } from './exceptions';
import type { OgcContext } from './service';

export async function refuseHiddenLayer(context: OgcContext, name: string, locator: string): Promise<void> {
  const hidden = await findLayerByName(context.env.DB, context.organization.id, name);
  if (!hidden || canUseLayer(context.actor, hidden)) return;
  if (context.actor.kind === 'anonymous') {
    throw new OgcError('NoApplicableCode', `La couche ${name} est réservée : connectez-vous (authentification HTTP Basic avec vos identifiants du portail ou un jeton d’API).`, locator, 401);
  }
  throw new OgcError('NoApplicableCode', `Votre compte n’a pas accès à la couche ${name}.`, locator, 403);
}
