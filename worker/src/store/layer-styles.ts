// Saved layer styles (table layer_styles); a layer without one is drawn with its geometry type's default style.
import { defaultStyle, styleFromJson, validateStyle, type GeometryKind, type Style } from '../domain/style';

export async function savedStyles(db: D1Database, resourceIds: readonly string[]): Promise<Map<string, Style>> {
  const styles = new Map<string, Style>();
  if (resourceIds.length === 0) return styles;
  const rows = await db.prepare(`SELECT resource_id, style FROM layer_styles WHERE resource_id IN (SELECT value FROM json_each(?))`)
    .bind(JSON.stringify(resourceIds)).all<{ resource_id: string; style: string }>();
  for (const row of rows.results) {
    const style = styleFromJson(JSON.parse(row.style));
    // A row written by an older model that no longer validates falls back to the default rather than failing maps.
    if (style && validateStyle(style).length === 0) styles.set(row.resource_id, style);
  }
  return styles;
}

export async function layerStyle(db: D1Database, resourceId: string, kind: GeometryKind): Promise<Style> {
  return (await savedStyles(db, [resourceId])).get(resourceId) ?? defaultStyle(kind);
}

export function saveStyleStatement(db: D1Database, resourceId: string, style: Style, userId: string, now: Date): D1PreparedStatement {
  return db.prepare(
    `INSERT INTO layer_styles (resource_id, style, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (resource_id) DO UPDATE SET style = ?2, updated_at = ?3, updated_by = ?4`,
  ).bind(resourceId, JSON.stringify(style), now.toISOString(), userId);
}
