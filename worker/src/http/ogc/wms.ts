// WMS 1.1.1 / 1.3.0 of an organisation (GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic).
import type { OgcContext } from './service';
import { OgcError } from './exceptions';

export async function wmsHandler(_context: OgcContext): Promise<Response> {
  throw new OgcError('OperationNotSupported', 'Le service WMS n’est pas encore disponible sur ce portail ; utilisez le WFS (SERVICE=WFS).');
}
