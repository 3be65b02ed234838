// Geographic services: the resource form's CRS choice.
export const fr = {
  'ogc.field.crs': 'Système de coordonnées (données géographiques)',
  'ogc.field.crsHint': 'Laissez « Lu dans le fichier » si le fichier l’indique (.prj d’un Shapefile, GeoJSON) ; sinon choisissez celui des coordonnées.',
  'ogc.field.crsFromFile': 'Lu dans le fichier',
  'ogc.error.crsUnknown': 'Choisissez un système de coordonnées de la liste.',
  'ogc.crs.EPSG:4326': 'WGS 84 (EPSG:4326, longitude/latitude)',
  'ogc.crs.EPSG:2154': 'RGF93 / Lambert 93 (EPSG:2154)',
  'ogc.crs.EPSG:3857': 'WGS 84 / Pseudo-Mercator (EPSG:3857)',
  'ogc.crs.EPSG:3943': 'RGF93 / CC43 (EPSG:3943)',
  'ogc.crs.EPSG:3944': 'RGF93 / CC44 (EPSG:3944)',
  'ogc.crs.EPSG:3945': 'RGF93 / CC45 (EPSG:3945)',
  'ogc.crs.EPSG:4171': 'RGF93 géographique (EPSG:4171)',
} as const;

export const en: Record<keyof typeof fr, string> = {
  'ogc.field.crs': 'Coordinate reference system (geographic data)',
  'ogc.field.crsHint': 'Keep “Read from the file” when the file states it (Shapefile .prj, GeoJSON); otherwise choose the one of the coordinates.',
  'ogc.field.crsFromFile': 'Read from the file',
  'ogc.error.crsUnknown': 'Choose a coordinate reference system from the list.',
  'ogc.crs.EPSG:4326': 'WGS 84 (EPSG:4326, longitude/latitude)',
  'ogc.crs.EPSG:2154': 'RGF93 / Lambert 93 (EPSG:2154)',
  'ogc.crs.EPSG:3857': 'WGS 84 / Pseudo-Mercator (EPSG:3857)',
  'ogc.crs.EPSG:3943': 'RGF93 / CC43 (EPSG:3943)',
  'ogc.crs.EPSG:3944': 'RGF93 / CC44 (EPSG:3944)',
  'ogc.crs.EPSG:3945': 'RGF93 / CC45 (EPSG:3945)',
  'ogc.crs.EPSG:4171': 'RGF93 geographic (EPSG:4171)',
};
