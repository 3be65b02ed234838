// WFS 1.1.0 / 2.0.0 of an organisation.
import type { OgcContext } from './service';
import { OgcError } from './exceptions';

export async function wfsHandler(_context: OgcContext): Promise<Response> {
  throw new OgcError('OperationNotSupported', 'Le service WFS arrive.');
}
