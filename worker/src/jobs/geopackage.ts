// GeoPackage reading with sql.js (SQLite compiled to WebAssembly, instantiated from the bundled module; workerd
// cannot fetch or compile wasm at run time). The first feature table of gpkg_contents becomes the layer.
import initSqlJs from 'sql.js/dist/sql-wasm.js';
import sqliteWasm from 'sql.js/dist/sql-wasm.wasm';
import type { Feature, Geometry } from 'geojson';
import { GeoError, type GeoRead } from '../domain/geo-sources';
import { readGpkgGeometry } from '../domain/wkb';
import { crsFromWkt, UnknownCrs } from '../domain/geo-crs';

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
let sqlJs: Promise<SqlJs> | undefined;

function loadSqlJs(): Promise<SqlJs> {
  return (sqlJs ??= initSqlJs({
    instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) {
      WebAssembly.instantiate(sqliteWasm, imports).then(done);
      return {};
    },
  } as never));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function readGeopackage(bytes: Uint8Array): Promise<GeoRead> {
  const SQL = await loadSqlJs();
  let db;
  try {
    db = new SQL.Database(bytes);
    db.exec('SELECT 1 FROM sqlite_master LIMIT 1');
  } catch {
    throw new GeoError('Le fichier n’est pas une GeoPackage lisible (base SQLite invalide ou tronquée).');
  }
  try {
    const tables = db.exec(
      `SELECT c.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id, s.definition
       FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
       LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id WHERE c.data_type = 'features' ORDER BY c.table_name LIMIT 1`,
    );
    const row = tables[0]?.values[0];
    if (!row) throw new GeoError('La GeoPackage ne contient aucune table d’entités géographiques (gpkg_contents).');
    const [table, column, , organization, code, definition] = row as [string, string, number, string | null, number | null, string | null];
    let crs: string | null = null;
    if (organization?.toUpperCase() === 'EPSG' && code) crs = `EPSG:${code}`;
    else if (definition && definition !== 'undefined') {
      try {
        crs = crsFromWkt(definition);
      } catch (error) {
        if (error instanceof UnknownCrs) throw new GeoError('Le système de coordonnées de la GeoPackage n’est pas reconnu : choisissez-le parmi la liste proposée.');
        throw error;
      }
    }
    const features: Array<Feature<Geometry | null, Record<string, unknown>>> = [];
    const statement = db.prepare(`SELECT * FROM ${quote(table)}`);
    const names = statement.getColumnNames();
    while (statement.step()) {
      const values = statement.get();
      const properties: Record<string, unknown> = {};
      let geometry: Geometry | null = null;
      names.forEach((name, i) => {
        const value = values[i];
        if (name === column) geometry = value instanceof Uint8Array ? readGpkgGeometry(value) : null;
        else if (name !== 'fid' && !(value instanceof Uint8Array)) properties[name] = value;
      });
      features.push({ type: 'Feature', geometry, properties });
    }
    statement.free();
    return { features, crs };
  } catch (error) {
    if (error instanceof GeoError) throw error;
    throw new GeoError(`La GeoPackage est illisible : ${error instanceof Error ? error.message : 'erreur de lecture'}.`);
  } finally {
    db.close();
  }
}
