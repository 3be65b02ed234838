// WFS 1.1.0 and 2.0.0 requests in XML (HTTP POST bodies, as OWSLib's getfeature(method='Post') sends them):
// GetCapabilities, DescribeFeatureType and GetFeature with wfs:Query elements. The document is read by xml-tree.ts
// (saxes, DOCTYPE refused, size and depth bounded); request-wide values come out under their KVP names, so the
// handler validates them as for GET, and each Query's Filter goes through the filter model of the FILTER parameter.
import { filterFromElement, FilterError, MAX_FILTER_DEPTH, type Filter } from './wfs-filter';
import { child, parseXml, textOf, XmlError, type XmlElement } from './xml-tree';

export const MAX_XML_REQUEST_CHARS = 1_000_000;

export class WfsXmlError extends Error {
  constructor(readonly code: string, message: string, readonly locator?: string) {
    super(message);
  }
}

export interface WfsXmlQuery {
  typeNames: string[];
  srsName: string | undefined;
  propertyNames: string[];
  filter: Filter | null;
}

export interface WfsXmlRequest {
  /** Request-wide values under their KVP names: service, request, version, acceptversions, typename, outputformat… */
  params: Array<[string, string]>;
  /** GetFeature only: the wfs:Query elements, in order. */
  queries: WfsXmlQuery[];
}

const WFS_NAMESPACES = new Set(['http://www.opengis.net/wfs', 'http://www.opengis.net/wfs/2.0', '']);

/** Attribute by name, any case (OWSLib writes `outputformat` and `typenames` in 2.0.0). */
function attribute(element: XmlElement, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const found = Object.keys(element.attributes).find((key) => key.toLowerCase() === wanted);
  return found === undefined ? undefined : element.attributes[found];
}

/** typeNames is a space-separated list in 2.0.0; OWSLib joins several with commas. */
const nameList = (value: string | undefined) => (value ?? '').split(/[\s,]+/).filter((name) => name !== '');

function parseDocument(source: string): XmlElement {
  try {
    return parseXml(source, { maxChars: MAX_XML_REQUEST_CHARS, maxElements: 20_000, maxDepth: MAX_FILTER_DEPTH + 2 });
  } catch (error) {
    if (!(error instanceof XmlError)) throw error;
    switch (error.problem) {
      case 'doctype':
        throw new WfsXmlError('InvalidParameterValue', 'La requête XML contient une déclaration DOCTYPE : les DTD et entités XML sont refusées par sécurité.');
      case 'tooLarge':
        throw new WfsXmlError('InvalidParameterValue', `La requête XML est trop volumineuse (au plus ${MAX_XML_REQUEST_CHARS / 1_000_000} Mo et 20 000 éléments).`);
      case 'tooDeep':
        throw new WfsXmlError('InvalidParameterValue', `La requête XML est imbriquée sur plus de ${MAX_FILTER_DEPTH} niveaux : simplifiez le filtre.`, 'filter');
      case 'empty':
        throw new WfsXmlError('MissingParameterValue', 'Le corps de la requête est vide : envoyez une requête WFS en XML ou des paramètres de formulaire.');
      default:
        throw new WfsXmlError('InvalidParameterValue', `La requête n’est pas un XML valide : ${error.detail.replace(/^.*?:\d+:\d+: /, '').slice(0, 200)}`);
    }
  }
}

function readQuery(query: XmlElement): WfsXmlQuery {
  const typeNames = nameList(attribute(query, 'typeNames') ?? attribute(query, 'typeName'));
  if (typeNames.length === 0) throw new WfsXmlError('MissingParameterValue', 'L’élément wfs:Query n’indique pas de couche (attribut typeNames ou typeName).', 'typeNames');
  const propertyNames = query.children
    .filter((c) => c.local === 'PropertyName')
    .map((c) => textOf(c).split('/').pop()!.split(':').pop()!)
    .filter((name) => name !== '' && name !== '*');
  const filterElement = child(query, 'Filter');
  let filter: Filter | null = null;
  if (filterElement) {
    try {
      filter = filterFromElement(filterElement);
    } catch (error) {
      if (error instanceof FilterError) throw new WfsXmlError(error.code, error.message, 'filter');
      throw error;
    }
  }
  return { typeNames, srsName: attribute(query, 'srsName'), propertyNames, filter };
}

export function parseWfsXmlRequest(source: string): WfsXmlRequest {
  const root = parseDocument(source);
  if (!WFS_NAMESPACES.has(root.uri)) {
    throw new WfsXmlError('OperationNotSupported', `Requête XML non reconnue : l’élément racine « ${root.local} » n’est pas une requête WFS (GetCapabilities, DescribeFeatureType ou GetFeature).`, 'request');
  }
  const params: Array<[string, string]> = [['request', root.local], ['service', attribute(root, 'service') ?? 'WFS']];
  const copy = (name: string, kvp = name.toLowerCase()) => {
    const value = attribute(root, name);
    if (value !== undefined) params.push([kvp, value]);
  };
  copy('version');
  const queries: WfsXmlQuery[] = [];
  switch (root.local) {
    case 'GetCapabilities': {
      const accepted = child(root, 'AcceptVersions');
      if (accepted) params.push(['acceptversions', accepted.children.filter((c) => c.local === 'Version').map(textOf).join(',')]);
      break;
    }
    case 'DescribeFeatureType': {
      copy('outputFormat');
      const names = root.children.filter((c) => c.local === 'TypeName').flatMap((c) => nameList(textOf(c)));
      if (names.length > 0) params.push(['typename', names.join(',')]);
      break;
    }
    case 'GetFeature':
      for (const name of ['outputFormat', 'maxFeatures', 'count', 'startIndex', 'resultType']) copy(name);
      if (child(root, 'StoredQuery')) throw new WfsXmlError('OperationNotSupported', 'Les requêtes enregistrées (StoredQuery) ne sont pas proposées : utilisez wfs:Query.', 'StoredQuery');
      queries.push(...root.children.filter((c) => c.local === 'Query').map(readQuery));
      if (queries.length === 0) throw new WfsXmlError('MissingParameterValue', 'GetFeature en XML attend au moins un élément wfs:Query.', 'Query');
      break;
  }
  return { params, queries };
}
