// OGC exception reports: OWS ExceptionReport for WFS (OWS 1.0.0 for WFS 1.1.0, OWS 1.1 for WFS 2.0.0) and the
// WMS ServiceExceptionReport (1.1.1 and 1.3.0). Messages are French, like every error of the portal.
import { xmlEscape } from '../../domain/ogc-params';

/** An error to report to an OGC client; thrown by parsers and handlers, turned into a report by the service. */
export class OgcError extends Error {
  constructor(readonly code: string, message: string, readonly locator?: string, readonly status = 400) {
    super(message);
  }
}

const XML_HEADERS = { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'no-store' };

export function owsExceptionReport(version: string, error: OgcError, extraHeaders: Record<string, string> = {}): Response {
  const ows = version.startsWith('1.') ? 'http://www.opengis.net/ows' : 'http://www.opengis.net/ows/1.1';
  const reportVersion = version.startsWith('1.') ? '1.0.0' : '2.0.0';
  const locator = error.locator ? ` locator="${xmlEscape(error.locator)}"` : '';
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<ows:ExceptionReport xmlns:ows="${ows}" version="${reportVersion}" xml:lang="fr">
  <ows:Exception exceptionCode="${xmlEscape(error.code)}"${locator}>
    <ows:ExceptionText>${xmlEscape(error.message)}</ows:ExceptionText>
  </ows:Exception>
</ows:ExceptionReport>
`;
  return new Response(body, { status: error.status, headers: { ...XML_HEADERS, ...extraHeaders } });
}

/** WMS answers exceptions with 200 and its own media type (clients read the body), except authentication. */
export function wmsExceptionReport(version: string, error: OgcError, extraHeaders: Record<string, string> = {}): Response {
  const v130 = version !== '1.1.1';
  const code = ` code="${xmlEscape(error.code)}"`;
  const locator = error.locator ? ` locator="${xmlEscape(error.locator)}"` : '';
  const body = v130
    ? `<?xml version="1.0" encoding="UTF-8"?>
<ServiceExceptionReport xmlns="http://www.opengis.net/ogc" version="1.3.0">
  <ServiceException${code}${locator}>${xmlEscape(error.message)}</ServiceException>
</ServiceExceptionReport>
`
    : `<?xml version="1.0" encoding="UTF-8"?>
<ServiceExceptionReport version="1.1.1">
  <ServiceException${code}${locator}>${xmlEscape(error.message)}</ServiceException>
</ServiceExceptionReport>
`;
  const status = error.status === 401 || error.status === 403 ? error.status : 200;
  const type = v130 ? 'text/xml; charset=utf-8' : 'application/vnd.ogc.se_xml; charset=utf-8';
  return new Response(body, { status, headers: { 'content-type': type, 'cache-control': 'no-store', ...extraHeaders } });
}

/** Asks the client for HTTP Basic credentials (QGIS and GDAL then retry with the portal login or an API token). */
export const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="Portail - services OGC", charset="UTF-8"' };
