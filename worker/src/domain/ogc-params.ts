// OGC KVP requests: parameter names are case-insensitive (owslib sends lower case, GDAL and QGIS upper case),
// values are not. The first occurrence of a name wins.
export class OgcParams {
  private readonly values = new Map<string, string>();

  constructor(search: URLSearchParams | Iterable<[string, string]>) {
    for (const [name, value] of search) {
      const key = name.toLowerCase();
      if (!this.values.has(key)) this.values.set(key, value);
    }
  }

  static fromUrl(url: URL): OgcParams {
    return new OgcParams(url.searchParams);
  }

  /** The value of the first present name among `names` (any case); empty values count as present. */
  get(...names: string[]): string | undefined {
    for (const name of names) {
      const value = this.values.get(name.toLowerCase());
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  /** A comma-separated list (TYPENAMES, LAYERS…), trimmed, empty items dropped. */
  list(...names: string[]): string[] {
    const value = this.get(...names);
    return value ? value.split(',').map((v) => v.trim()).filter((v) => v !== '') : [];
  }
}

/** XML text and attribute escaping for the documents the services write. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
