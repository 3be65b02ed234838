// Generates the files of the demo catalogue (content/demo/files): `npx tsx scripts/demo/make-files.ts [outDir]`.
// Territorial facts (communes, codes INSEE, populations, EPCI) are real, from @etalab/decoupage-administratif;
// everything else is synthetic but plausible, drawn from seeded generators so every run writes identical bytes.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addDays, between, cp1252Bytes, csv, feature, featureCollection, frNumber, intBetween, jsonLines, pdf, pick, point,
  pointShapefileZip, rng, round, utf8Bytes, xlsx,
  type Cell, type PdfBlock, type Position, type Random,
} from './formats';
import {
  MONTPELLIER_QUARTIERS, OCCITANIE, communes, communesOf, departements, epcis, ofTown, town, towns, townsOf, type Town,
} from './places';

export const DEFAULT_OUT_DIR = fileURLToPath(new URL('../../content/demo/files/', import.meta.url));

// ---------- geometry helpers (degrees; good enough at these latitudes for plausible shapes) ----------

const KM_PER_DEG_LAT = 111.2;
const kmPerDegLon = (lat: number): number => KM_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
const pos = (lon: number, lat: number): Position => [round(lon, 5), round(lat, 5)];

/** A point uniformly spread in a disc of `radiusKm` around a centre. */
function scatter(r: Random, [lon, lat]: Position, radiusKm: number): Position {
  const d = radiusKm * Math.sqrt(r());
  const a = r() * 2 * Math.PI;
  return pos(lon + (d * Math.cos(a)) / kmPerDegLon(lat), lat + (d * Math.sin(a)) / KM_PER_DEG_LAT);
}

function distanceKm([lon1, lat1]: Position, [lon2, lat2]: Position): number {
  const dx = (lon2 - lon1) * kmPerDegLon((lat1 + lat2) / 2);
  const dy = (lat2 - lat1) * KM_PER_DEG_LAT;
  return Math.hypot(dx, dy);
}

const lineLengthKm = (line: readonly Position[]): number =>
  line.slice(1).reduce((sum, p, i) => sum + distanceKm(line[i] as Position, p), 0);

/** A gently winding line from a to b: a road or a cable does not run straight. */
function windingLine(r: Random, a: Position, b: Position, steps: number, wiggleKm: number): Position[] {
  const line: Position[] = [pos(...a)];
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const len = Math.hypot(dx, dy) || 1;
  const phase = r() * Math.PI;
  for (let i = 1; i < steps; i++) {
    const t = i / steps;
    const off = (Math.sin(t * Math.PI * 2 + phase) * 0.6 + (r() - 0.5)) * wiggleKm / KM_PER_DEG_LAT;
    line.push(pos(a[0] + dx * t - (dy / len) * off, a[1] + dy * t + (dx / len) * off));
  }
  line.push(pos(...b));
  return line;
}

/** An irregular closed ring around a centre, counter-clockwise as RFC 7946 wants exterior rings. */
function ring(r: Random, [lon, lat]: Position, radiusKm: number, vertices: number): Position[] {
  const pts: Position[] = [];
  for (let i = 0; i < vertices; i++) {
    const a = (i / vertices) * 2 * Math.PI;
    const d = radiusKm * between(r, 0.65, 1.3);
    pts.push(pos(lon + (d * Math.cos(a)) / kmPerDegLon(lat), lat + (d * Math.sin(a)) / KM_PER_DEG_LAT));
  }
  return [...pts, pts[0] as Position];
}

function ringAreaHa(ringPts: readonly Position[]): number {
  const lat0 = (ringPts[0] as Position)[1];
  let s = 0;
  for (let i = 0; i < ringPts.length - 1; i++) {
    const [x1, y1] = ringPts[i] as Position;
    const [x2, y2] = ringPts[i + 1] as Position;
    s += x1 * kmPerDegLon(lat0) * y2 * KM_PER_DEG_LAT - x2 * kmPerDegLon(lat0) * y1 * KM_PER_DEG_LAT;
  }
  return Math.abs(s / 2) * 100;
}

/** Picks a town with probability growing with its population, so big towns get more facilities. */
function weightedTown(r: Random, list: readonly Town[]): Town {
  const weights = list.map((t) => Math.sqrt(t.population));
  let x = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < list.length; i++) {
    x -= weights[i] as number;
    if (x <= 0) return list[i] as Town;
  }
  return list[list.length - 1] as Town;
}

const townRadiusKm = (t: Town): number => Math.min(4, 0.8 + Math.sqrt(t.population) / 150);

function communeCode(nom: string, dep: string): string {
  const c = communes.find((x) => x.nom === nom && x.departement === dep);
  if (!c) throw new Error(`commune introuvable : ${nom} (${dep})`);
  return c.code;
}

const occitanieDeps = departements.filter((d) => d.region === OCCITANIE);
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const PEOPLE = [
  'Jean Jaurès', 'Victor Hugo', 'Jean Moulin', 'Marie Curie', 'Albert Camus', 'Paul Valéry', 'Simone Veil',
  'Olympe de Gouges', 'Lucie Aubrac', 'Frédéric Bazille', 'Jules Ferry', 'Louise Michel', 'Pierre de Fermat',
  'Champollion', 'Alphonse Daudet', 'Camille Claudel', 'Irène Joliot-Curie', 'Georges Brassens', 'Jean Vilar',
  'Gaston Doumergue', 'Léon Blum', 'Germaine Tillion', 'Max Rouquette', 'Joseph Delteil', 'Jean-Henri Fabre',
  'Clémence Royer', 'Antoine de Saint-Exupéry', 'Gisèle Halimi', 'Josephine Baker', 'Marcel Pagnol',
];
const STREETS = [
  'Place de la Mairie', 'Avenue de la République', 'Rue des Écoles', 'Parking du stade', 'Chemin des Vignes',
  'Boulevard Gambetta', 'Route de Nîmes', 'Place du Marché', 'Rue de la Poste', 'Avenue Jean Jaurès',
  'Allée des Platanes', 'Rue du Moulin', 'Avenue de la Gare', 'Place de l’Église', 'Chemin de la Garrigue',
];

// ---------- Région Occitanie ----------

function departementsOccitanie(): Uint8Array {
  return jsonLines(occitanieDeps.map((d) => {
    const list = communesOf(d.code);
    const chefLieu = list.find((c) => c.code === d.chefLieu);
    return {
      code: d.code,
      nom: d.nom,
      code_region: d.region,
      chef_lieu_code_insee: d.chefLieu,
      chef_lieu: chefLieu?.nom ?? null,
      nombre_communes: list.length,
      population_municipale: list.reduce((s, c) => s + (c.population ?? 0), 0),
    };
  }));
}

function epciOccitanie(): string {
  const regionOf = new Map(communes.map((c) => [c.code, c.region]));
  const rows = epcis
    .filter((e) => e.membres.length > 0 && regionOf.get(e.membres[0]!.code) === OCCITANIE)
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((e): Cell[] => {
      const seat = communes.find((c) => c.code === e.membres[0]!.code);
      return [e.code, e.nom, e.type, e.modeFinancement, seat?.departement ?? '', e.membres.length, e.populationMunicipale, e.populationTotale];
    });
  return csv(['siren', 'nom', 'nature_juridique', 'mode_financement', 'code_departement', 'nombre_communes', 'population_municipale', 'population_totale'], rows);
}

interface ChargingStation {
  id: string;
  name: string;
  operator: string;
  town: Town;
  at: Position;
  powerKw: number;
  points: number;
  type2: boolean;
  ccs: boolean;
  free: boolean;
  since: string;
}

function chargingStations(): ChargingStation[] {
  const r = rng('bornes-recharge');
  const operators = ['Occitanie Recharge', 'VoltaCité', 'Électrodrive Sud', 'Borne & Go'];
  const places = ['Parking de la mairie', 'Place du marché', 'Parking de la gare', 'Zone commerciale', 'Parking relais', 'Office de tourisme', 'Salle polyvalente'];
  return Array.from({ length: 150 }, (_, i) => {
    const t = weightedTown(r, towns);
    const powerKw = pick(r, [7.4, 22, 22, 22, 50, 150]);
    return {
      id: `FROCCS${pad(i + 1, 4)}`,
      name: `${t.nom} – ${pick(r, places)}`,
      operator: pick(r, operators),
      town: t,
      at: scatter(r, t.at, townRadiusKm(t)),
      powerKw,
      points: powerKw >= 50 ? intBetween(r, 1, 4) : intBetween(r, 2, 6),
      type2: true,
      ccs: powerKw >= 50,
      free: r() < 0.15,
      since: addDays('2019-03-01', intBetween(r, 0, 2300)),
    };
  });
}

function chargingStationsGeojson(stations: readonly ChargingStation[]): Uint8Array {
  return featureCollection('bornes_recharge_occitanie', stations.map((s) => feature({
    id_station: s.id, nom_station: s.name, nom_operateur: s.operator, commune: s.town.nom, code_insee: s.town.code,
    puissance_nominale_kw: s.powerKw, nbre_pdc: s.points, prise_type_2: s.type2, prise_type_combo_ccs: s.ccs,
    gratuit: s.free, date_mise_en_service: s.since, horaires: '24/7',
  }, point(s.at))));
}

function chargingStationsCsv(stations: readonly ChargingStation[]): string {
  return csv(
    ['id_station', 'nom_station', 'nom_operateur', 'commune', 'code_insee', 'puissance_nominale_kw', 'nbre_pdc', 'prise_type_2', 'prise_type_combo_ccs', 'gratuit', 'date_mise_en_service', 'longitude', 'latitude'],
    stations.map((s) => [s.id, s.name, s.operator, s.town.nom, s.town.code, s.powerKw, s.points, s.type2, s.ccs, s.free, s.since, s.at[0], s.at[1]]),
  );
}

function lycees(): string {
  const r = rng('lycees');
  const kinds: ReadonlyArray<[string, string]> = [['LGT', 'Lycée général et technologique'], ['LPO', 'Lycée polyvalent'], ['LP', 'Lycée professionnel']];
  const rows = Array.from({ length: 64 }, (): Cell[] => {
    const t = weightedTown(r, towns);
    const [code, label] = pick(r, kinds);
    const at = scatter(r, t.at, townRadiusKm(t));
    const uai = `${pad(Number.parseInt(t.dep, 10), 3)}${pad(intBetween(r, 0, 9999), 4)}${'ABCDEFGHJKLMNPRSTUVWXYZ'[intBetween(r, 0, 22)]}`;
    return [uai, `${code === 'LP' ? 'Lycée professionnel' : 'Lycée'} ${pick(r, PEOPLE)}`, label, t.nom, t.code, t.dep, intBetween(r, 350, 2100), r() < 0.4, at[1], at[0]];
  }).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return csv(['uai', 'nom', 'type', 'commune', 'code_insee', 'code_departement', 'effectif_2025', 'internat', 'latitude', 'longitude'], rows);
}

function aidesEntreprises(): Uint8Array {
  const r = rng('aides-entreprises');
  const heads = ['Atelier', 'Vignobles', 'Laboratoire', 'Menuiserie', 'Conserverie', 'Studio', 'Brasserie', 'Biotech', 'Solaire', 'Logistique', 'Robotique', 'Fromagerie'];
  const tails = ['du Pic', 'des Garrigues', 'Cévenol', 'Méditerranée', 'de l’Aude', 'du Lauragais', 'Pyrénéen', 'des Causses', 'Occitan', 'du Larzac', 'de la Vallée', 'Camarguais'];
  const schemes: ReadonlyArray<[string, string, number, number]> = [
    ['Pass Occitanie', 'Subvention', 5000, 50000], ['Contrat Croissance', 'Avance remboursable', 50000, 800000],
    ['Contrat Innovation', 'Subvention', 30000, 400000], ['Contrat Export', 'Subvention', 10000, 150000],
    ['Contrat Transmission-Reprise', 'Avance remboursable', 40000, 300000],
  ];
  const sectors = ['Agroalimentaire', 'Industrie', 'Numérique', 'Tourisme', 'Énergie', 'Santé', 'Artisanat', 'Bâtiment'];
  const rows = Array.from({ length: 180 }, (): (string | number)[] => {
    const t = weightedTown(r, towns);
    const [scheme, kind, min, max] = pick(r, schemes);
    const date = pick(r, ['2024-02-09', '2024-03-29', '2024-05-24', '2024-07-12', '2024-10-18', '2024-12-13']);
    return [date, `${pick(r, ['SAS', 'SARL', 'SA', 'SCOP', 'EURL'])} ${pick(r, heads)} ${pick(r, tails)}`, t.nom, t.code, t.dep,
      scheme, kind, pick(r, sectors), Math.round(between(r, min, max) / 100) * 100];
  }).sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
  const header = ['Date de délibération', 'Bénéficiaire', 'Commune', 'Code INSEE', 'Département', 'Dispositif', 'Nature de l’aide', 'Secteur', 'Montant attribué (€)'];
  return xlsx([
    {
      name: 'Notice',
      columnWidths: [28, 90],
      rows: [
        ['Aides régionales aux entreprises — année 2024'], [],
        ['Producteur', 'Région Occitanie / Pyrénées-Méditerranée (données de démonstration, fictives)'],
        ['Licence', 'Licence Ouverte v2.0 (Etalab)'],
        ['Mise à jour', '2025-03-31'],
        ['Contenu', 'Une ligne par aide votée en commission permanente en 2024 ; montants en euros.'],
        ['Données', 'Feuille « Aides 2024 » (dernière feuille du classeur, celle que l’entrepôt de données indexe).'],
      ],
    },
    { name: 'Aides 2024', columnWidths: [14, 42, 24, 10, 10, 28, 20, 16, 18], rows: [header, ...rows] },
  ], 'Aides régionales aux entreprises 2024');
}

function gares(): string {
  const r = rng('gares');
  const stations: ReadonlyArray<[string, string, number]> = [
    ['Toulouse Matabiau', 'Toulouse', 11000000], ['Montpellier Saint-Roch', 'Montpellier', 9000000], ['Nîmes Centre', 'Nîmes', 4200000],
    ['Montpellier Sud de France', 'Montpellier', 1200000], ['Nîmes Pont-du-Gard', 'Manduel', 350000], ['Perpignan', 'Perpignan', 1900000],
    ['Béziers', 'Béziers', 1600000], ['Narbonne', 'Narbonne', 1500000], ['Sète', 'Sète', 1300000], ['Carcassonne', 'Carcassonne', 1000000],
    ['Agde', 'Agde', 700000], ['Lunel', 'Lunel', 650000], ['Frontignan', 'Frontignan', 300000], ['Alès', 'Alès', 550000],
    ['Montauban Ville Bourbon', 'Montauban', 900000], ['Albi Ville', 'Albi', 600000], ['Castres', 'Castres', 250000],
    ['Rodez', 'Rodez', 230000], ['Millau', 'Millau', 120000], ['Tarbes', 'Tarbes', 650000], ['Lourdes', 'Lourdes', 700000],
    ['Auch', 'Auch', 200000], ['Cahors', 'Cahors', 350000], ['Figeac', 'Figeac', 110000], ['Foix', 'Foix', 260000],
    ['Pamiers', 'Pamiers', 280000], ['Mende', 'Mende', 60000], ['Castelnaudary', 'Castelnaudary', 200000],
    ['Lézignan-Corbières', 'Lézignan-Corbières', 150000], ['Limoux', 'Limoux', 90000],
  ];
  const trend = [1, 0.58, 0.74, 0.96, 1.04, 1.08];
  const rows = stations.map(([name, townName, base]): Cell[] => {
    const t = townName === 'Manduel' ? { nom: 'Manduel', code: communeCode('Manduel', '30'), dep: '30' } : town(townName);
    return [name, t.nom, t.code, t.dep, ...trend.map((k) => Math.round(base * k * between(r, 0.93, 1.07)))];
  });
  return csv(['gare', 'commune', 'code_insee', 'code_departement', ...[2019, 2020, 2021, 2022, 2023, 2024].map((y) => `voyageurs_${y}`)], rows);
}

// Approximate areas of the thirteen départements (km²), so land-cover shares add up to something plausible.
const DEP_AREA_KM2: Record<string, number> = {
  '09': 4890, '11': 6139, '12': 8735, '30': 5853, '31': 6309, '32': 6257, '34': 6101, '46': 5217, '48': 5167,
  '65': 4464, '66': 4116, '81': 5758, '82': 3718,
};

function occupationSol(): string {
  const r = rng('occupation-sol');
  const rows: Cell[][] = [];
  for (const d of occitanieDeps) {
    const totalHa = (DEP_AREA_KM2[d.code] ?? 5000) * 100;
    const artificial = between(r, 0.035, 0.11);
    const water = between(r, 0.004, 0.015);
    const wet = between(r, 0.001, 0.008);
    const farm = between(r, 0.22, 0.62);
    for (const year of [2018, 2024]) {
      const grow = year === 2024 ? 1.06 : 1;
      const shares: ReadonlyArray<[string, number]> = [
        ['Territoires artificialisés', artificial * grow], ['Territoires agricoles', farm - artificial * (grow - 1)],
        ['Zones humides', wet], ['Surfaces en eau', water],
      ];
      const forest = 1 - shares.reduce((s, [, v]) => s + v, 0);
      for (const [label, share] of [...shares, ['Forêts et milieux semi-naturels', forest] as [string, number]]) {
        rows.push([d.code, d.nom, year, label, Math.round(totalHa * share), round(share * 100, 2)]);
      }
    }
  }
  return csv(['code_departement', 'departement', 'millesime', 'classe', 'surface_ha', 'part_pct'], rows);
}

function energieFinale(): string {
  const r = rng('energie-finale');
  const sectors: ReadonlyArray<[string, number, number]> = [
    ['Résidentiel', 0.3, 0.28], ['Tertiaire', 0.17, 0.22], ['Industrie', 0.14, 0.18], ['Transport', 0.35, 0.08], ['Agriculture', 0.04, 0.12],
  ];
  const rows: string[][] = [];
  for (const year of [2019, 2020, 2021, 2022, 2023, 2024]) {
    for (const d of occitanieDeps) {
      const pop = communesOf(d.code).reduce((s, c) => s + (c.population ?? 0), 0);
      const total = (pop * 21.5) / 1000; // about 21.5 MWh per inhabitant and year
      for (const [sector, share, renewable] of sectors) {
        const covid = year === 2020 && sector === 'Transport' ? 0.82 : 1;
        const gwh = total * share * covid * (1 - (year - 2019) * 0.012) * between(r, 0.9, 1.1);
        const ren = (renewable + (year - 2019) * 0.011) * 100 * between(r, 0.9, 1.1);
        rows.push([String(year), d.code, d.nom, sector, frNumber(gwh, 1), frNumber(ren, 1)]);
      }
    }
  }
  return csv(['annee', 'code_departement', 'departement', 'secteur', 'consommation_gwh', 'part_renouvelable_pct'], rows, { separator: ';' });
}

function sitesTouristiques(): string {
  const r = rng('sites-touristiques');
  const sites: ReadonlyArray<[string, string, string, string, number, number]> = [
    ['Pont du Gard', 'Monument', 'Vers-Pont-du-Gard', '30', 900000, 9.5],
    ['Arènes de Nîmes', 'Monument', 'Nîmes', '30', 420000, 11],
    ['Tours et remparts d’Aigues-Mortes', 'Monument', 'Aigues-Mortes', '30', 160000, 8],
    ['Bambouseraie en Cévennes', 'Site de loisirs', 'Générargues', '30', 250000, 13.9],
    ['Cité de Carcassonne', 'Monument', 'Carcassonne', '11', 1100000, 0],
    ['Abbaye de Fontfroide', 'Monument', 'Narbonne', '11', 110000, 12.5],
    ['Musée Fabre', 'Musée', 'Montpellier', '34', 230000, 9],
    ['Grotte de Clamouse', 'Site naturel', 'Saint-Jean-de-Fos', '34', 120000, 13.9],
    ['Abbaye de Gellone', 'Monument', 'Saint-Guilhem-le-Désert', '34', 300000, 0],
    ['Cirque de Navacelles', 'Site naturel', 'Saint-Maurice-Navacelles', '34', 280000, 0],
    ['Écluses de Fonseranes', 'Monument', 'Béziers', '34', 400000, 0],
    ['Viaduc de Millau (aire)', 'Site de loisirs', 'Millau', '12', 600000, 0],
    ['Musée Soulages', 'Musée', 'Rodez', '12', 150000, 11],
    ['Cité épiscopale d’Albi', 'Monument', 'Albi', '81', 900000, 0],
    ['Musée Toulouse-Lautrec', 'Musée', 'Albi', '81', 170000, 10],
    ['Gouffre de Padirac', 'Site naturel', 'Padirac', '46', 400000, 16.5],
    ['Cité de Rocamadour', 'Monument', 'Rocamadour', '46', 1000000, 0],
    ['Sanctuaires de Lourdes', 'Monument', 'Lourdes', '65', 2500000, 0],
    ['Cité de l’espace', 'Site de loisirs', 'Toulouse', '31', 330000, 27],
    ['Capitole de Toulouse', 'Monument', 'Toulouse', '31', 500000, 0],
    ['Aven Armand', 'Site naturel', 'Hures-la-Parade', '48', 90000, 14.5],
    ['Château de Foix', 'Monument', 'Foix', '09', 110000, 8],
    ['Palais des rois de Majorque', 'Monument', 'Perpignan', '66', 130000, 7],
    ['Forteresse de Salses', 'Monument', 'Salses-le-Château', '66', 100000, 8],
    ['Château royal de Collioure', 'Monument', 'Collioure', '66', 140000, 4],
  ];
  const rows = sites.map(([name, type, townName, dep, base, price]): Cell[] => {
    const y2023 = Math.round(base * between(r, 0.92, 1.05) / 100) * 100;
    const y2024 = Math.round(y2023 * between(r, 0.95, 1.09) / 100) * 100;
    return [name, type, townName, communeCode(townName, dep), dep, y2023, y2024, round(((y2024 - y2023) / y2023) * 100, 1), price === 0 ? null : price];
  });
  return csv(['site', 'type', 'commune', 'code_insee', 'code_departement', 'visiteurs_2023', 'visiteurs_2024', 'evolution_pct', 'tarif_plein_eur'], rows);
}

function agricultureBio(): string {
  const r = rng('agriculture-bio');
  const rows = [...communesOf('34'), ...communesOf('30')].map((c): Cell[] => {
    const rural = (c.population ?? 0) < 3000;
    const farms = Math.max(0, Math.round(between(r, rural ? -1 : -3, rural ? 9 : 6)));
    const surface = farms === 0 ? 0 : round(farms * between(r, 6, 38), 1);
    const share = farms === 0 ? 0 : round(between(r, 4, 42), 1);
    return [c.code, c.nom, c.departement ?? '', 2024, farms, surface, share];
  });
  return csv(['code_insee', 'commune', 'code_departement', 'annee', 'exploitations_bio', 'surface_bio_ha', 'part_sau_bio_pct'], rows);
}

function enqueteDeplacements(): string {
  const r = rng('enquete-deplacements');
  const modes: ReadonlyArray<[string, number]> = [
    ['Marche', 22], ['Vélo', 3], ['Voiture (conducteur)', 48], ['Voiture (passager)', 13], ['Transports collectifs', 9], ['Deux-roues motorisé', 2], ['Autre', 3],
  ];
  const rows: Cell[][] = [];
  for (const d of occitanieDeps) {
    const raw = modes.map(([, base]) => base * between(r, 0.7, 1.3));
    const sum = raw.reduce((a, b) => a + b, 0);
    modes.forEach(([mode], i) => rows.push([d.code, d.nom, mode, round(((raw[i] as number) / sum) * 100, 1)]));
  }
  return csv(['code_departement', 'departement', 'mode_principal', 'part_deplacements_pct'], rows);
}

// ---------- Département de l'Hérault ----------

function communesHerault(): string {
  return csv(
    ['code_insee', 'nom', 'codes_postaux', 'population', 'siren', 'code_departement', 'code_region'],
    communesOf('34').map((c) => [c.code, c.nom, (c.codesPostaux ?? []).join('|'), c.population ?? null, c.siren ?? null, c.departement ?? '', c.region ?? '']),
  );
}

/** Budget primitif in the French M57 nomenclature: `;`, decimal commas, Windows-1252, CRLF — as office exports are. */
function budgetHerault(): Uint8Array {
  const r = rng('budget-herault');
  const functions: ReadonlyArray<[string, string, number]> = [
    ['0', 'Services généraux', 0.08], ['2', 'Enseignement', 0.07], ['3', 'Culture, vie sociale, jeunesse, sports et loisirs', 0.04],
    ['4', 'Santé et action sociale', 0.58], ['5', 'Aménagement des territoires et habitat', 0.04], ['6', 'Action économique', 0.02],
    ['7', 'Environnement', 0.03], ['8', 'Transports', 0.14],
  ];
  const chapters: ReadonlyArray<[string, string, string, string, number, boolean]> = [
    ['Fonctionnement', 'Dépense', '011', 'Charges à caractère général', 160e6, true],
    ['Fonctionnement', 'Dépense', '012', 'Charges de personnel et frais assimilés', 260e6, true],
    ['Fonctionnement', 'Dépense', '65', 'Autres charges de gestion courante', 890e6, true],
    ['Fonctionnement', 'Dépense', '66', 'Charges financières', 14.5e6, false],
    ['Fonctionnement', 'Dépense', '023', 'Virement à la section d’investissement', 95e6, false],
    ['Fonctionnement', 'Recette', '73', 'Impôts et taxes (hors fiscalité directe)', 520e6, false],
    ['Fonctionnement', 'Recette', '731', 'Fiscalité locale', 410e6, false],
    ['Fonctionnement', 'Recette', '74', 'Dotations et participations', 395e6, false],
    ['Fonctionnement', 'Recette', '75', 'Autres produits de gestion courante', 48e6, true],
    ['Fonctionnement', 'Recette', '013', 'Atténuations de charges', 3.2e6, false],
    ['Investissement', 'Dépense', '20', 'Immobilisations incorporelles', 6.5e6, false],
    ['Investissement', 'Dépense', '204', 'Subventions d’équipement versées', 72e6, true],
    ['Investissement', 'Dépense', '21', 'Immobilisations corporelles', 38e6, true],
    ['Investissement', 'Dépense', '23', 'Immobilisations en cours', 165e6, true],
    ['Investissement', 'Dépense', '16', 'Emprunts et dettes assimilées', 58e6, false],
    ['Investissement', 'Recette', '10', 'Dotations, fonds divers et réserves', 42e6, false],
    ['Investissement', 'Recette', '13', 'Subventions d’investissement reçues', 36e6, true],
    ['Investissement', 'Recette', '16', 'Emprunts et dettes assimilées', 112e6, false],
    ['Investissement', 'Recette', '021', 'Virement de la section de fonctionnement', 95e6, false],
  ];
  const rows: string[][] = [];
  for (const [section, sens, code, label, total, split] of chapters) {
    if (!split) {
      rows.push(['2025', section, sens, code, label, '01', 'Opérations non ventilables', frNumber(total, 2)]);
      continue;
    }
    for (const [fn, fnLabel, share] of functions) {
      const amount = Math.round(total * share * between(r, 0.8, 1.2) * 100) / 100;
      rows.push(['2025', section, sens, code, label, fn, fnLabel, frNumber(amount, 2)]);
    }
  }
  const text = csv(['Exercice', 'Section', 'Sens', 'Chapitre', 'Libellé du chapitre', 'Fonction', 'Libellé de la fonction', 'Montant voté (€)'], rows, { separator: ';', eol: '\r\n' });
  return cp1252Bytes(text);
}

function collegesHerault(): string {
  const r = rng('colleges-herault');
  const list = townsOf('34');
  const rows = Array.from({ length: 46 }, (): Cell[] => {
    const t = weightedTown(r, list);
    const at = scatter(r, t.at, townRadiusKm(t));
    const pupils = intBetween(r, 320, 950);
    return [`0340${pad(intBetween(r, 100, 999), 3)}${'ABCDEFGHJKLMNPRSTUVWXYZ'[intBetween(r, 0, 22)]}`, `Collège ${pick(r, PEOPLE)}`, t.nom, t.code, pupils, Math.round(pupils * between(r, 0.55, 0.85)), at[1], at[0]];
  }).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return csv(['uai', 'nom', 'commune', 'code_insee', 'effectif_2025', 'demi_pensionnaires', 'latitude', 'longitude'], rows);
}

function comptagesRoutiers(): string {
  const r = rng('comptages-routiers');
  const roads = ['RD 986', 'RD 613', 'RD 612', 'RD 65', 'RD 66', 'RD 21', 'RD 32', 'RD 17', 'RD 908', 'RD 909', 'RD 13', 'RD 18', 'RD 2', 'RD 4', 'RD 5', 'RD 9', 'RD 28', 'RD 34'];
  const list = townsOf('34');
  const rows = Array.from({ length: 60 }, (_, i): Cell[] => {
    const t = pick(r, list);
    const at = scatter(r, t.at, 3);
    const road = pick(r, roads);
    const tmja2023 = Math.round(between(r, 1500, 42000) * (road.length <= 5 ? 1.3 : 1));
    return [`CPT34-${pad(i + 1, 3)}`, road, `PR ${intBetween(r, 0, 60)}+${pad(intBetween(r, 0, 999), 3)}`, t.nom, t.code,
      r() < 0.3 ? 'Permanente' : 'Temporaire', tmja2023, Math.round(tmja2023 * between(r, 0.97, 1.06)), round(between(r, 2, 14), 1), at[0], at[1]];
  });
  return csv(['station', 'route', 'point_repere', 'commune', 'code_insee', 'type_station', 'tmja_2023', 'tmja_2024', 'part_poids_lourds_pct', 'longitude', 'latitude'], rows);
}

const ENS_HERAULT: ReadonlyArray<[string, string, Position, number]> = [
  ['Domaine départemental de Restinclières', 'Prades-le-Lez', [3.873, 43.722], 1.2],
  ['Bois de Valène', 'Murles', [3.806, 43.72], 2],
  ['Domaine de Bessilles', 'Montagnac', [3.497, 43.477], 1.1],
  ['Rives du lac du Salagou', 'Clermont-l\'Hérault', [3.385, 43.65], 2.6],
  ['Gorges de l’Hérault', 'Saint-Guilhem-le-Désert', [3.56, 43.745], 2.2],
  ['Pic Saint-Loup', 'Cazevieille', [3.81, 43.778], 1.6],
  ['Cirque de Mourèze', 'Mourèze', [3.36, 43.62], 1.3],
  ['Étang de Vendres', 'Vendres', [3.23, 43.245], 2],
  ['Salins de Villeneuve', 'Villeneuve-lès-Maguelone', [3.835, 43.495], 1.4],
  ['Causse de la Selle', 'La Vacquerie-et-Saint-Martin-de-Castries', [3.48, 43.79], 2.4],
  ['Massif de la Gardiole', 'Frontignan', [3.76, 43.475], 2.1],
  ['Rives de l’étang de l’Or', 'Mauguio', [4.03, 43.585], 2.3],
  ['Plateau de l’Escandorgue', 'Lodève', [3.27, 43.79], 2.5],
  ['Forêt des Écrivains combattants', 'Combes', [3.03, 43.61], 1.8],
];

function espacesNaturelsSensibles(): Uint8Array {
  const r = rng('ens-herault');
  return featureCollection('espaces_naturels_sensibles_herault', ENS_HERAULT.map(([name, townName, centre, radius], i) => {
    const shape = ring(r, centre, radius, intBetween(r, 9, 14));
    return feature({
      id_ens: `ENS34-${pad(i + 1, 2)}`, nom: name, commune_principale: townName, code_insee: communeCode(townName, '34'),
      surface_ha: Math.round(ringAreaHa(shape)), gestionnaire: pick(r, ['Département de l’Hérault', 'Commune', 'Conservatoire d’espaces naturels']),
      ouvert_au_public: r() < 0.8, annee_acquisition: intBetween(r, 1985, 2022),
    }, { type: 'Polygon', coordinates: [shape] });
  }));
}

function reseauFibre(): Uint8Array {
  const r = rng('fibre-herault');
  const links: ReadonlyArray<[string, string, string]> = [
    ['Montpellier', 'Lunel', 'Transport'], ['Montpellier', 'Sète', 'Transport'], ['Sète', 'Agde', 'Transport'],
    ['Agde', 'Béziers', 'Transport'], ['Béziers', 'Saint-Pons-de-Thomières', 'Transport'], ['Montpellier', 'Gignac', 'Transport'],
    ['Gignac', 'Clermont-l\'Hérault', 'Transport'], ['Clermont-l\'Hérault', 'Lodève', 'Transport'], ['Montpellier', 'Ganges', 'Transport'],
    ['Béziers', 'Bédarieux', 'Transport'], ['Pézenas', 'Clermont-l\'Hérault', 'Collecte'], ['Béziers', 'Capestang', 'Collecte'],
    ['Capestang', 'Olonzac', 'Collecte'], ['Bédarieux', 'Lamalou-les-Bains', 'Collecte'], ['Montpellier', 'Saint-Mathieu-de-Tréviers', 'Collecte'],
    ['Saint-Mathieu-de-Tréviers', 'Claret', 'Collecte'], ['Lodève', 'Le Caylar', 'Collecte'], ['Mèze', 'Pézenas', 'Collecte'],
    ['Lunel', 'Marsillargues', 'Collecte'], ['Béziers', 'Sérignan', 'Collecte'], ['Montpellier', 'Palavas-les-Flots', 'Collecte'],
  ];
  return featureCollection('reseau_fibre_optique_herault', links.map(([from, to, level], i) => {
    const a = town(from).at;
    const b = town(to).at;
    const line = windingLine(r, a, b, Math.max(4, Math.round(distanceKm(a, b) / 3)), 1.2);
    return feature({
      troncon: `THD34-${pad(i + 1, 3)}`, origine: from, extremite: to, niveau: level,
      capacite_fibres: level === 'Transport' ? pick(r, [288, 432, 576]) : pick(r, [72, 144]),
      annee_mise_en_service: intBetween(r, 2014, 2024), longueur_km: round(lineLengthKm(line), 1),
    }, { type: 'LineString', coordinates: line });
  }));
}

function randonneesPdipr(): Uint8Array {
  const r = rng('pdipr-herault');
  const loops: ReadonlyArray<[string, string]> = [
    ['Sentier des Fenestrettes', 'Saint-Guilhem-le-Désert'], ['Boucle des capitelles', 'Claret'], ['Sentier de la Vierge', 'Ganges'],
    ['Tour du lac du Salagou', 'Clermont-l\'Hérault'], ['Chemin des verriers', 'Saint-Martin-de-Londres'], ['Boucle des crêtes', 'Lamalou-les-Bains'],
    ['Sentier de la garrigue', 'Saint-Mathieu-de-Tréviers'], ['Circuit des dolmens', 'Le Caylar'], ['Balade des étangs', 'Villeneuve-lès-Maguelone'],
    ['Sentier du Caroux', 'Lamalou-les-Bains'], ['Boucle des vignes', 'Pézenas'], ['Sentier des menhirs', 'Saint-Pons-de-Thomières'],
    ['Chemin de Saint-Jacques (tronçon héraultais)', 'Aniane'], ['Boucle du Pic de Vissou', 'Bédarieux'], ['Sentier de la Lergue', 'Lodève'],
    ['Circuit des moulins', 'Olonzac'],
  ];
  return featureCollection('itineraires_randonnee_pdipr_herault', loops.map(([name, start], i) => {
    const centre = scatter(r, town(start).at, 2.5);
    const line = ring(r, centre, between(r, 1.2, 3.2), intBetween(r, 12, 18));
    const km = round(lineLengthKm(line), 1);
    const minutes = Math.round((km / 3.5) * 60 / 15) * 15;
    return feature({
      id_itineraire: `PDIPR34-${pad(i + 1, 3)}`, nom: name, commune_depart: start, code_insee: town(start).code,
      longueur_km: km, denivele_positif_m: intBetween(r, 80, 750), duree: `${Math.floor(minutes / 60)} h ${pad(minutes % 60, 2)}`,
      difficulte: km < 8 ? 'Facile' : km < 14 ? 'Moyenne' : 'Difficile', balisage: name.startsWith('Chemin de Saint-Jacques') ? 'Blanc et rouge (GR)' : 'Jaune',
    }, { type: 'LineString', coordinates: line });
  }));
}

function rsaHerault(): string {
  const r = rng('rsa-herault');
  const rows: Cell[][] = [];
  for (const c of communesOf('34').filter((x) => (x.population ?? 0) >= 5000)) {
    const households = (c.population ?? 0) / 2.1;
    const rate = between(r, 0.035, 0.11);
    for (const q of [1, 2, 3, 4]) {
      const n = Math.round(households * rate * between(r, 0.96, 1.04));
      rows.push([c.code, c.nom, `2025-T${q}`, n, Math.round(n * between(r, 0.1, 0.16)), round(between(r, 540, 640), 2)]);
    }
  }
  return csv(['code_insee', 'commune', 'trimestre', 'foyers_allocataires', 'dont_rsa_majore', 'montant_moyen_eur'], rows);
}

function baignadeHerault(): string {
  const r = rng('baignade-herault');
  const sites: ReadonlyArray<[string, string, string]> = [
    ['Plage Est', 'Palavas-les-Flots', 'Mer'], ['Plage du Grand Travers', 'La Grande-Motte', 'Mer'], ['Plage de Carnon centre', 'Mauguio', 'Mer'],
    ['Plage des Aresquiers', 'Frontignan', 'Mer'], ['Plage du Lido', 'Sète', 'Mer'], ['Marseillan-Plage', 'Marseillan', 'Mer'],
    ['Plage Richelieu', 'Agde', 'Mer'], ['Plage de la Farinette', 'Vias', 'Mer'], ['Plage des Mûriers', 'Portiragnes', 'Mer'],
    ['Plage de Sérignan', 'Sérignan', 'Mer'], ['Plage centrale', 'Valras-Plage', 'Mer'], ['Plage du Prévost', 'Villeneuve-lès-Maguelone', 'Mer'],
    ['Lac du Salagou – plage de Clermont', 'Clermont-l\'Hérault', 'Eau douce'], ['Pont du Diable', 'Aniane', 'Eau douce'],
    ['L’Hérault à Ganges', 'Ganges', 'Eau douce'], ['L’Orb à Lamalou', 'Lamalou-les-Bains', 'Eau douce'],
  ];
  const located = sites.map(([name, townName, water]) => ({ name, t: town(townName), water, at: scatter(r, town(townName).at, 1.5) }));
  const rows: Cell[][] = [];
  for (let week = 0; week < 15; week++) {
    for (const s of located) {
      const bad = r() < 0.04;
      const ecoli = bad ? intBetween(r, 600, 2400) : Math.round(between(r, 0, 1) ** 3 * 180) + 15;
      const entero = bad ? intBetween(r, 250, 900) : Math.round(between(r, 0, 1) ** 3 * 90) + 15;
      const quality = ecoli > 500 || entero > 200 ? 'Mauvais' : ecoli > 100 || entero > 100 ? 'Moyen' : 'Bon';
      rows.push([s.name, s.t.nom, s.t.code, s.water, addDays('2025-06-02', week * 7 + (s.water === 'Mer' ? 0 : 1)), ecoli, entero, quality, s.at[1], s.at[0]]);
    }
  }
  return csv(['site', 'commune', 'code_insee', 'type_eau', 'date_prelevement', 'escherichia_coli_ufc_100ml', 'enterocoques_ufc_100ml', 'qualite_prelevement', 'latitude', 'longitude'], rows);
}

function subventionsHerault(): string {
  const r = rng('subventions-herault');
  const kinds: ReadonlyArray<[string, string]> = [
    ['Foyer rural', 'Animation de la vie locale'], ['Club de rugby', 'Fonctionnement de l’école de rugby'],
    ['Les Amis du patrimoine', 'Restauration du petit patrimoine'], ['Comité des fêtes', 'Organisation de la fête votive'],
    ['Handball Club', 'Participation aux championnats régionaux'], ['Épicerie solidaire', 'Aide alimentaire aux familles'],
    ['Festival de musique', 'Organisation de l’édition 2025'], ['Association des parents d’élèves', 'Projet éducatif et sorties scolaires'],
  ];
  const list = townsOf('34');
  const rows = Array.from({ length: 120 }, (_, i): Cell[] => {
    const t = pick(r, list);
    const [name, purpose] = pick(r, kinds);
    const amount = Math.round(between(r, 500, 45000) / 50) * 50;
    const date = addDays('2025-01-20', intBetween(r, 0, 320));
    return ['Département de l’Hérault', '22340001100018', date, `CP-2025-${pad(i + 1, 4)}`, `${name} ${ofTown(t.nom)}`,
      `${pad(intBetween(r, 300000000, 899999999), 9)}${pad(intBetween(r, 10, 99), 5)}`, purpose, amount, 'aide en numéraire', amount > 23000 ? 'échelonné' : 'unique'];
  }).sort((a, b) => String(a[2]).localeCompare(String(b[2])) || String(a[3]).localeCompare(String(b[3])));
  return csv(['nomAttribuant', 'idAttribuant', 'dateConvention', 'referenceDecision', 'nomBeneficiaire', 'idBeneficiaire', 'objet', 'montant', 'nature', 'conditionsVersement'], rows);
}

// ---------- Département du Gard ----------

function populationGard(): Uint8Array {
  const list = communesOf('30');
  const total = list.reduce((s, c) => s + (c.population ?? 0), 0);
  const rows = list.map((c) => [c.code, c.nom, (c.codesPostaux ?? []).join(' '), c.population ?? null, round(((c.population ?? 0) / total) * 100, 3)]);
  return xlsx([
    {
      name: 'Notice',
      columnWidths: [24, 90],
      rows: [
        ['Population des communes du Gard'], [],
        ['Source', 'INSEE, populations légales, via le Code officiel géographique (paquet @etalab/decoupage-administratif 6.0.0)'],
        ['Producteur', 'Département du Gard (catalogue de démonstration)'],
        ['Licence', 'Licence Ouverte v2.0 (Etalab)'],
        ['Champ', `${list.length} communes du Gard ; population municipale totale : ${total}`],
        ['Données', 'Feuille « Population » (dernière feuille du classeur, celle que l’entrepôt de données indexe).'],
      ],
    },
    { name: 'Population', columnWidths: [10, 34, 14, 12, 14], rows: [['Code INSEE', 'Commune', 'Codes postaux', 'Population municipale', 'Part du département (%)'], ...rows] },
  ], 'Population des communes du Gard');
}

const ORTHO_TILE_DEG = 0.1;
const orthoTiles = (): { id: string; sw: Position }[] => {
  const tiles: { id: string; sw: Position }[] = [];
  for (let y = 434; y < 445; y++) {
    for (let x = 32; x < 49; x++) tiles.push({ id: `30_2023_${pad(x * 10, 4)}_${pad(y * 10, 4)}`, sw: [x / 10, y / 10] });
  }
  return tiles;
};

function orthoTableauAssemblage(): Uint8Array {
  const r = rng('ortho-gard-assemblage');
  return featureCollection('ortho_2023_gard_tableau_assemblage', orthoTiles().map(({ id, sw: [w, s] }) => {
    const [e, n] = [round(w + ORTHO_TILE_DEG, 5), round(s + ORTHO_TILE_DEG, 5)];
    return feature({ dalle: id, date_prise_de_vue: addDays('2023-06-12', intBetween(r, 0, 60)), resolution_cm: 20, format: 'JPEG 2000' },
      { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
  }));
}

function orthoListeDalles(): string {
  const r = rng('ortho-gard-dalles');
  const hex = (): string => Array.from({ length: 64 }, () => '0123456789abcdef'[intBetween(r, 0, 15)]).join('');
  return csv(['dalle', 'url_telechargement', 'taille_mo', 'sha256'], orthoTiles().map(({ id }) =>
    [id, `https://telechargement.gard.example/ortho2023/${id}.jp2`, round(between(r, 310, 420), 1), hex()]));
}

function epciNameOf(code: string): string {
  return epcis.find((e) => e.membres.some((m) => m.code === code))?.nom ?? '';
}

function verreGard(): string {
  const r = rng('verre-gard');
  const list = townsOf('30');
  const rows = Array.from({ length: 260 }, (_, i): Cell[] => {
    const t = weightedTown(r, list);
    const at = scatter(r, t.at, townRadiusKm(t));
    return [`PAV30-${pad(i + 1, 4)}`, t.nom, t.code, pick(r, STREETS), pick(r, ['Aérien', 'Aérien', 'Semi-enterré', 'Enterré']),
      pick(r, [3, 4, 4, 5]), epciNameOf(t.code), addDays('2012-01-01', intBetween(r, 0, 4700)), at[0], at[1]];
  });
  return csv(['identifiant', 'commune', 'code_insee', 'adresse', 'type_conteneur', 'volume_m3', 'collectivite_collecte', 'date_installation', 'longitude', 'latitude'], rows);
}

function archivesGard(): Uint8Array {
  const r = rng('archives-gard');
  const list = townsOf('30');
  const items = Array.from({ length: 60 }, (_, i) => {
    const t = pick(r, list);
    const kind = i % 3;
    const start = kind === 0 ? intBetween(r, 1812, 1840) : kind === 1 ? intBetween(r, 1620, 1700) : intBetween(r, 1900, 1925);
    const end = kind === 0 ? start : kind === 1 ? 1792 : start + intBetween(r, 5, 30);
    const cote = kind === 0 ? `3 P ${intBetween(r, 100, 2999)}` : kind === 1 ? `E dépôt ${intBetween(r, 1, 350)}/GG ${intBetween(r, 1, 20)}` : `1 Fi ${intBetween(r, 1, 4000)}`;
    const title = kind === 0 ? `Plan cadastral napoléonien de ${t.nom}, section ${'ABCDEFGH'[intBetween(r, 0, 7)]}`
      : kind === 1 ? `Registres paroissiaux de ${t.nom}` : `Cartes postales anciennes : ${t.nom}`;
    return {
      cote, titre: title, commune: t.nom, code_insee: t.code, date_debut: String(start), date_fin: String(end),
      typologie: ['Cadastre', 'État civil', 'Iconographie'][kind], nombre_vues: intBetween(r, 4, 420),
      url_visionneuse: `https://archives.gard.example/visionneuse/${cote.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    };
  });
  return jsonLines(items);
}

function viticultureGard(): string {
  const r = rng('aop-gard');
  const areas: ReadonlyArray<[string, string[]]> = [
    ['Costières de Nîmes', ['Nîmes', 'Bellegarde', 'Vauvert', 'Saint-Gilles', 'Beaucaire', 'Manduel', 'Redessan', 'Jonquières-Saint-Vincent', 'Bouillargues', 'Milhaud']],
    ['Côtes du Rhône', ['Bagnols-sur-Cèze', 'Pont-Saint-Esprit', 'Roquemaure', 'Laudun-l\'Ardoise', 'Rochefort-du-Gard', 'Aramon']],
    ['Tavel', ['Tavel']], ['Lirac', ['Lirac', 'Roquemaure']], ['Duché d’Uzès', ['Uzès', 'Lussan', 'Lédignan']],
    ['Clairette de Bellegarde', ['Bellegarde']], ['Languedoc', ['Sommières', 'Calvisson', 'Quissac', 'Sauve', 'Saint-Hippolyte-du-Fort']],
  ];
  const rows: Cell[][] = [];
  for (const [aop, list] of areas) {
    for (const name of list) {
      const base = between(r, 40, 900);
      for (const year of [2022, 2023, 2024]) {
        const ha = round(base * between(r, 0.95, 1.03), 1);
        const yieldHl = round(between(r, 38, 56), 1);
        rows.push([year, name, town(name).code, aop, ha, Math.round(ha * yieldHl), yieldHl]);
      }
    }
  }
  return csv(['campagne', 'commune', 'code_insee', 'appellation', 'surface_revendiquee_ha', 'volume_hl', 'rendement_hl_ha'], rows);
}

function marchesPublicsGard(): string {
  const r = rng('marches-gard');
  const subjects: ReadonlyArray<[string, string, number, number, string]> = [
    ['Travaux de renforcement de chaussée sur la RD %', '45233141-9', 80000, 1200000, 'Travaux publics'],
    ['Fourniture de repas pour les collèges du secteur %', '55524000-9', 150000, 900000, 'Restauration'],
    ['Maintenance des ascenseurs des bâtiments départementaux — lot %', '50750000-7', 20000, 160000, 'Ascenseurs'],
    ['Nettoyage des locaux des centres médico-sociaux — lot %', '90911200-8', 40000, 300000, 'Propreté'],
    ['Prestations de développement informatique — lot %', '72000000-5', 60000, 450000, 'Numérique'],
    ['Acquisition de véhicules électriques — lot %', '34144900-7', 90000, 700000, 'Automobiles'],
    ['Réfection de toiture du collège — tranche %', '45261000-4', 50000, 600000, 'Couverture'],
    ['Mission de maîtrise d’œuvre pour l’extension du collège — phase %', '71000000-8', 30000, 350000, 'Ingénierie'],
  ];
  const rows = Array.from({ length: 90 }, (_, i): Cell[] => {
    const [subject, cpv, min, max, trade] = pick(r, subjects);
    const amount = Math.round(between(r, min, max) / 10) * 10;
    const t = pick(r, townsOf('30'));
    const works = cpv.startsWith('45');
    // Works stay under the European threshold for works; supplies and services above 221 000 € need a formal call.
    return [`2025-CD30-${pad(i + 1, 4)}`, subject.replace('%', String(subject.includes('RD %') ? intBetween(r, 1, 999) : intBetween(r, 1, 6))),
      amount > 500000 ? 'Accord-cadre' : 'Marché', !works && amount > 221000 ? 'Appel d’offres ouvert' : 'Procédure adaptée', cpv, amount, addDays('2025-01-06', intBetween(r, 0, 330)),
      intBetween(r, 3, 48), `${pick(r, ['SAS', 'SARL', 'SA'])} ${trade} ${pick(r, ['Garrigue', 'Cévennes', 'Vistrenque', 'Costières', 'Rhodanienne', 'Gardonnenque'])}`,
      `${pad(intBetween(r, 300000000, 899999999), 9)}${pad(intBetween(r, 10, 99), 5)}`, t.nom];
  });
  return csv(['identifiant', 'objet', 'nature', 'procedure', 'code_cpv', 'montant_ht_eur', 'date_notification', 'duree_mois', 'titulaire', 'titulaire_siret', 'lieu_execution'], rows);
}

function personnesAgeesGard(): Uint8Array {
  const r = rng('ehpad-gard');
  const names = ['Les Oliviers', 'Le Mas des Cigales', 'Les Micocouliers', 'La Garrigue', 'Les Tilleuls', 'Le Clos des Vignes', 'Les Amandiers', 'La Source', 'Le Jardin d’Hadrien', 'Les Cèdres', 'Val de Gardon', 'Les Lavandes'];
  const list = townsOf('30');
  return featureCollection('etablissements_personnes_agees_gard', Array.from({ length: 52 }, () => {
    const t = weightedTown(r, list);
    const type = pick(r, ['EHPAD', 'EHPAD', 'EHPAD', 'Résidence autonomie', 'USLD']);
    const capacity = type === 'Résidence autonomie' ? intBetween(r, 25, 70) : intBetween(r, 45, 120);
    return feature({
      finess: `300${pad(intBetween(r, 0, 999999), 6)}`, nom: `${type === 'USLD' ? 'Unité de soins de longue durée' : type} ${pick(r, names)}`, type,
      statut: pick(r, ['Public', 'Privé non lucratif', 'Privé commercial']), commune: t.nom, code_insee: t.code,
      capacite_totale: capacity, places_hebergement_temporaire: intBetween(r, 0, 6), accueil_de_jour: r() < 0.35, habilitation_aide_sociale: r() < 0.7,
    }, point(scatter(r, t.at, townRadiusKm(t))));
  }));
}

function covoiturageGard(): Uint8Array {
  const r = rng('covoiturage-gard');
  const list = townsOf('30');
  const rows: Record<string, string | number | boolean>[] = [];
  const points: Position[] = [];
  for (let i = 0; i < 36; i++) {
    const t = list[(i * 7) % list.length] as Town;
    const places = intBetween(r, 10, 120);
    rows.push({
      id_aire: `COV30-${pad(i + 1, 3)}`, nom: `Aire de covoiturage ${ofTown(t.nom, "'")}`, commune: t.nom, insee: t.code, places,
      places_pmr: Math.max(1, Math.round(places / 25)), eclairage: r() < 0.7, bornes_ve: r() < 0.3 ? intBetween(r, 1, 4) : 0,
      gestion: pick(r, ['Département du Gard', 'Commune', epciNameOf(t.code) || 'Commune']),
    });
    points.push(scatter(r, t.at, 2.5));
  }
  return pointShapefileZip('aires_covoiturage_gard', rows, points);
}

// ---------- Ville de Montpellier ----------

function quartierPoint(r: Random, spreadKm = 1.3): { quartier: string; at: Position } {
  const [quartier, centre] = pick(r, MONTPELLIER_QUARTIERS);
  return { quartier, at: scatter(r, centre, spreadKm) };
}

/** Energy use of municipal buildings: `;`, decimal commas, UTF-8 — the other French CSV flavour. */
function energieBatimentsMontpellier(): string {
  const r = rng('energie-batiments');
  const kinds: ReadonlyArray<[string, number, number, number]> = [
    ['Groupe scolaire', 2500, 6500, 95], ['Gymnase', 1200, 3500, 120], ['Médiathèque', 1500, 5000, 150],
    ['Maison pour tous', 600, 1800, 130], ['Piscine', 1800, 4000, 650], ['Crèche', 400, 1100, 160], ['Bâtiment administratif', 2000, 9000, 140],
  ];
  const buildings = Array.from({ length: 70 }, (_, i) => {
    const [kind, min, max, intensity] = pick(r, kinds);
    const name = kind === 'Bâtiment administratif' ? pick(r, ['Centre technique municipal', 'Hôtel de ville', 'Direction de l’éducation', 'Centre administratif']) : `${kind} ${pick(r, PEOPLE)}`;
    return { id: `BAT-${pad(i + 1, 3)}`, name, kind, quartier: pick(r, MONTPELLIER_QUARTIERS)[0], surface: Math.round(between(r, min, max)), intensity: intensity * between(r, 0.75, 1.3), heatNetwork: r() < 0.25 };
  });
  const rows: string[][] = [];
  for (const b of buildings) {
    for (const year of [2022, 2023, 2024]) {
      const total = b.surface * b.intensity * (1 - (year - 2022) * 0.035) * between(r, 0.95, 1.05);
      const elec = total * between(r, 0.35, 0.6);
      const heat = b.heatNetwork ? total - elec : 0;
      const gas = total - elec - heat;
      const co2 = (elec * 0.052 + gas * 0.227 + heat * 0.11) / 1000;
      rows.push([b.id, b.name, b.kind, b.quartier, String(b.surface), String(year), frNumber(elec, 0), frNumber(gas, 0), frNumber(heat, 0),
        frNumber(total, 0), frNumber(total / b.surface, 1), frNumber(co2, 2)]);
    }
  }
  return csv(['identifiant', 'batiment', 'categorie', 'quartier', 'surface_m2', 'annee', 'electricite_kwh', 'gaz_kwh', 'reseau_chaleur_kwh', 'consommation_totale_kwh', 'intensite_kwh_m2', 'emissions_tco2e'], rows, { separator: ';' });
}

function equipementsSportifs(): Uint8Array {
  const r = rng('equipements-sportifs');
  const kinds = ['Gymnase', 'Terrain de football', 'Court de tennis', 'Piscine', 'Skatepark', 'City stade', 'Boulodrome', 'Piste d’athlétisme', 'Dojo', 'Salle de musculation'];
  return jsonLines(Array.from({ length: 90 }, (_, i) => {
    const kind = pick(r, kinds);
    const { quartier, at } = quartierPoint(r);
    return {
      identifiant: `EQS-${pad(i + 1, 3)}`, nom: `${kind} ${pick(r, PEOPLE)}`, type: kind, quartier, adresse: `${intBetween(r, 1, 180)} ${pick(r, STREETS).toLowerCase()}`,
      longitude: at[0], latitude: at[1], acces_pmr: r() < 0.75, eclairage: r() < 0.6, annee_mise_en_service: intBetween(r, 1968, 2024),
    };
  }));
}

function arbresMontpellier(): Uint8Array {
  const r = rng('arbres-montpellier');
  const species: ReadonlyArray<[string, string, string, number]> = [
    ['Platanus', 'x hispanica', 'Platane commun', 22], ['Celtis', 'australis', 'Micocoulier de Provence', 16], ['Pinus', 'pinea', 'Pin parasol', 18],
    ['Quercus', 'ilex', 'Chêne vert', 12], ['Tilia', 'tomentosa', 'Tilleul argenté', 15], ['Fraxinus', 'angustifolia', 'Frêne à feuilles étroites', 16],
    ['Styphnolobium', 'japonicum', 'Sophora du Japon', 13], ['Melia', 'azedarach', 'Mélia', 9], ['Koelreuteria', 'paniculata', 'Savonnier', 8],
    ['Lagerstroemia', 'indica', 'Lilas des Indes', 6], ['Acer', 'monspessulanum', 'Érable de Montpellier', 9], ['Cercis', 'siliquastrum', 'Arbre de Judée', 7],
  ];
  return featureCollection('arbres_alignement_montpellier', Array.from({ length: 520 }, (_, i) => {
    const [genus, sp, common, maxH] = pick(r, species);
    const { quartier, at } = quartierPoint(r, 1.6);
    const planted = intBetween(r, 1950, 2024);
    const age = 2025 - planted;
    return feature({
      identifiant: `ARB-${pad(i + 1, 5)}`, genre: genus, espece: sp, nom_francais: common,
      hauteur_m: round(Math.min(maxH, 2 + age * between(r, 0.15, 0.35)), 1), circonference_cm: Math.round(15 + age * between(r, 2, 4.5)),
      annee_plantation: planted, quartier, voie: pick(r, STREETS),
    }, point(at));
  }));
}

function stationnementsVelo(): Uint8Array {
  const r = rng('stationnements-velo');
  return featureCollection('stationnements_velo_montpellier', Array.from({ length: 180 }, (_, i) => {
    const type = pick(r, ['Arceaux', 'Arceaux', 'Arceaux', 'Abri sécurisé', 'Box individuel', 'Râtelier']);
    const { quartier, at } = quartierPoint(r);
    return feature({
      identifiant: `VELO-${pad(i + 1, 4)}`, type, capacite: type === 'Abri sécurisé' ? intBetween(r, 20, 80) : type === 'Box individuel' ? 1 : intBetween(r, 4, 20),
      couvert: type !== 'Arceaux' && type !== 'Râtelier', quartier, annee_installation: intBetween(r, 2008, 2025),
    }, point(at));
  }));
}

function parkingsDisponibilites(): Uint8Array {
  const r = rng('parkings');
  const parkings: ReadonlyArray<[string, string, number, Position]> = [
    ['Comédie', 'Souterrain', 1150, [3.8797, 43.6086]], ['Antigone', 'Souterrain', 250, [3.8889, 43.6083]], ['Corum', 'Souterrain', 480, [3.8822, 43.6139]],
    ['Gare Saint-Roch', 'Souterrain', 1100, [3.8806, 43.6042]], ['Triangle', 'Souterrain', 550, [3.8811, 43.6097]], ['Polygone', 'Souterrain', 1900, [3.8853, 43.6083]],
    ['Arc de Triomphe', 'Souterrain', 450, [3.8711, 43.6114]], ['Foch Préfecture', 'Souterrain', 540, [3.8747, 43.6103]], ['Pitot', 'Souterrain', 650, [3.8697, 43.6108]],
    ['Europa', 'Souterrain', 700, [3.8936, 43.6072]], ['Circé Odysseum', 'Souterrain', 600, [3.9211, 43.6042]],
    ['Mosson', 'Parking relais tramway', 400, [3.8197, 43.6164]], ['Occitanie', 'Parking relais tramway', 620, [3.8483, 43.6347]],
    ['Euromédecine', 'Parking relais tramway', 300, [3.8278, 43.6392]], ['Sablassou', 'Parking relais tramway', 480, [3.9225, 43.6347]],
    ['Garcia Lorca', 'Parking relais tramway', 350, [3.8894, 43.5914]],
  ];
  return jsonLines(parkings.map(([name, type, total, at], i) => {
    const free = Math.round(total * between(r, 0.03, 0.6));
    return {
      identifiant: `PKG-${pad(i + 1, 2)}`, nom: name, type, places_totales: total, places_libres: free,
      taux_occupation_pct: round((1 - free / total) * 100, 1), statut: 'Ouvert', horodatage: '2026-03-10T08:30:00+01:00', longitude: at[0], latitude: at[1],
    };
  }));
}

function deliberationsMontpellier(): string {
  const r = rng('deliberations');
  const sessions = ['2025-01-30', '2025-02-27', '2025-03-27', '2025-04-24', '2025-05-22', '2025-06-26', '2025-07-17', '2025-09-25', '2025-10-23', '2025-11-27', '2025-12-18'];
  const topics: ReadonlyArray<[string, string]> = [
    ['Sports', 'Attribution de subventions aux associations sportives du quartier %Q'], ['Culture', 'Convention de partenariat avec une compagnie de théâtre en résidence'],
    ['Urbanisme', 'Acquisition foncière de la parcelle cadastrée %P — quartier %Q'], ['Voirie', 'Dénomination d’une voie nouvelle du quartier %Q'],
    ['Finances', 'Garantie d’emprunt accordée à un bailleur social pour %N logements'], ['Éducation', 'Tarifs de la restauration scolaire pour l’année scolaire 2025-2026'],
    ['Environnement', 'Plan de plantation d’arbres d’alignement : programme %Y'], ['Solidarités', 'Subventions aux associations d’aide alimentaire'],
    ['Mobilités', 'Extension du stationnement vélo sécurisé dans le quartier %Q'], ['Personnel', 'Mise à jour du tableau des effectifs'],
  ];
  const rows: Cell[][] = [];
  let n = 0;
  for (const date of sessions) {
    const count = intBetween(r, 10, 16);
    for (let i = 0; i < count; i++) {
      n++;
      const [delegation, template] = pick(r, topics);
      const object = template
        .replace('%Q', pick(r, MONTPELLIER_QUARTIERS)[0])
        .replace('%P', `${'ABCDEFGHIKLMNOPRSTVWX'[intBetween(r, 0, 20)]}${'ABCDEFGHIKLMNOPRSTVWX'[intBetween(r, 0, 20)]} ${intBetween(r, 1, 400)}`)
        .replace('%N', String(intBetween(r, 12, 90)))
        .replace('%Y', '2025-2026');
      const against = r() < 0.6 ? 0 : intBetween(r, 1, 14);
      const abstain = r() < 0.5 ? 0 : intBetween(r, 1, 8);
      const present = 65 - intBetween(r, 0, 6);
      const num = `V2025-${pad(n, 3)}`;
      rows.push([num, date, delegation, object, present - against - abstain, against, abstain,
        against === 0 && abstain === 0 ? 'Adoptée à l’unanimité' : 'Adoptée à la majorité', `https://www.montpellier.example/deliberations/2025/${num}.pdf`]);
    }
  }
  return csv(['numero', 'date_seance', 'delegation', 'objet', 'votes_pour', 'votes_contre', 'abstentions', 'resultat', 'url_acte'], rows);
}

const SUB_QUARTIERS: Record<string, string[]> = {
  'Montpellier Centre': ['Écusson', 'Comédie', 'Gares', 'Boutonnet', 'Les Beaux-Arts', 'Antigone', 'Figuerolles', 'Les Arceaux'],
  'Croix d’Argent': ['Estanove', 'Lemasson', 'Pas du Loup', 'Croix d’Argent', 'Mas Drevon', 'Bagatelle', 'Tastavin'],
  'Les Cévennes': ['Alco', 'Celleneuve', 'Les Cévennes', 'La Chamberte', 'Petit Bard', 'Pergola', 'Saint-Clément'],
  'Mosson': ['La Paillade', 'Hauts de Massane', 'Les Tritons', 'Le Grand Mail'],
  'Hôpitaux-Facultés': ['Aiguelongue', 'Euromédecine', 'Hôpitaux', 'Malbosc', 'Plan des Quatre Seigneurs', 'Saint-Priest', 'Universités'],
  'Port Marianne': ['Jacques Cœur', 'Parc Marianne', 'Millénaire', 'Odysseum', 'La Pompignane', 'Richter', 'Les Grisettes'],
  'Près d’Arènes': ['Aiguerelles', 'Cité Mion', 'Près d’Arènes', 'Saint-Martin', 'Tournezy', 'La Rauze'],
};

/** IRIS-level population whose total equals the commune's real population (INSEE, via the COG package). */
function populationIris(): string {
  const r = rng('population-iris');
  const total = communes.find((c) => c.code === '34172')?.population ?? 0;
  const iris: { code: string; name: string; quartier: string; kind: string; weight: number }[] = [];
  Object.entries(SUB_QUARTIERS).forEach(([quartier, subs], qi) => {
    for (const sub of subs) {
      const parts = r() < 0.35 ? 2 : 1;
      for (let p = 1; p <= parts; p++) {
        const activity = sub === 'Odysseum' || sub === 'Millénaire' || sub === 'Universités';
        iris.push({
          code: `34172${pad(qi + 1, 2)}${pad(iris.length + 1, 2)}`, name: parts > 1 ? `${sub} ${p}` : sub, quartier,
          kind: activity ? 'A' : 'H', weight: activity ? between(r, 0.2, 0.6) : between(r, 0.7, 1.4),
        });
      }
    }
  });
  const sumWeights = iris.reduce((s, i) => s + i.weight, 0);
  const pops = iris.map((i) => Math.round((total * i.weight) / sumWeights));
  pops[pops.length - 1] = total - pops.slice(0, -1).reduce((a, b) => a + b, 0);
  return csv(['code_iris', 'nom_iris', 'quartier', 'type_iris', 'population', 'part_moins_25_ans_pct', 'part_65_ans_et_plus_pct', 'menages'],
    iris.map((i, k) => {
      const pop = pops[k] as number;
      return [i.code, i.name, i.quartier, i.kind, pop, round(between(r, 24, 42), 1), round(between(r, 9, 22), 1), Math.round(pop / between(r, 1.7, 2.3))];
    }));
}

function permisMontpellier(): string {
  const r = rng('permis-montpellier');
  const rows = Array.from({ length: 150 }, (_, i): Cell[] => {
    const quartier = pick(r, MONTPELLIER_QUARTIERS)[0];
    const nature = pick(r, ['Construction neuve', 'Construction neuve', 'Extension', 'Changement de destination', 'Démolition-reconstruction']);
    const destination = pick(r, ['Habitation', 'Habitation', 'Habitation', 'Commerce', 'Bureaux', 'Équipement public']);
    const housing = destination === 'Habitation' ? (nature === 'Extension' ? 0 : intBetween(r, 1, 120)) : 0;
    const deposit = addDays('2025-01-02', intBetween(r, 0, 340));
    const state = pick(r, ['Accordé', 'Accordé', 'Accordé', 'Refusé', 'En cours d’instruction', 'Retiré']);
    const decided = state === 'Accordé' || state === 'Refusé';
    const section = `${'ABCDEHIKLMNOPRSTVWX'[intBetween(r, 0, 18)]}${'ABCDEHIKLMNOPRSTVWX'[intBetween(r, 0, 18)]}`;
    return [`PC 034172 25 ${pad(i + 1, 5)}`, deposit, quartier, `34172000${section}${pad(intBetween(r, 1, 999), 4)}`, nature, destination,
      Math.round(housing > 0 ? housing * between(r, 55, 85) : nature === 'Extension' ? between(r, 15, 250) : between(r, 150, 2400)), housing, Math.round(housing * (housing >= 20 ? between(r, 0.25, 0.4) : 0)),
      state, decided ? addDays(deposit, intBetween(r, 60, 150)) : null];
  });
  return csv(['numero', 'date_depot', 'quartier', 'parcelle', 'nature_travaux', 'destination', 'surface_plancher_m2', 'logements_crees', 'dont_logements_sociaux', 'etat', 'date_decision'], rows);
}

function menusCantines(): Uint8Array {
  const r = rng('menus');
  const starters = ['Carottes râpées', 'Salade de lentilles', 'Velouté de potiron', 'Betteraves vinaigrette', 'Taboulé', 'Salade verte', 'Céleri rémoulade'];
  const mains: ReadonlyArray<[string, boolean]> = [
    ['Poulet rôti', false], ['Brandade de morue', false], ['Daube de bœuf', false], ['Gratin de pâtes aux légumes', true], ['Pois chiches à la provençale', true],
    ['Filet de colin sauce citron', false], ['Omelette aux herbes', true], ['Chili sin carne', true], ['Sauté de veau aux olives', false],
  ];
  const sides = ['Riz de Camargue', 'Haricots verts', 'Purée de pommes de terre', 'Blé aux petits légumes', 'Ratatouille', 'Semoule'];
  const dairy = ['Yaourt nature', 'Pélardon', 'Tomme des Cévennes', 'Fromage blanc', 'Emmental'];
  const desserts = ['Pomme', 'Clémentines', 'Compote de poires', 'Flan vanille', 'Fouace', 'Kiwi', 'Crème dessert chocolat'];
  const days: string[] = [];
  for (let week = 0; week < 6; week++) for (const d of [0, 1, 3, 4]) days.push(addDays('2026-01-05', week * 7 + d));
  const names = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'];
  return jsonLines(days.map((date, i) => {
    const [main, veg] = pick(r, mains);
    const side = pick(r, sides);
    return {
      date, jour: names[new Date(`${date}T00:00:00Z`).getUTCDay() - 1], entree: pick(r, starters), plat: main, accompagnement: side,
      produit_laitier: pick(r, dairy), dessert: pick(r, desserts), menu_vegetarien: veg || i % 4 === 0,
      produits_bio: [side, pick(r, desserts)].filter((_, k) => k === 0 || r() < 0.5), produits_locaux: side === 'Riz de Camargue' ? [side] : [],
    };
  }));
}

function marchesPleinVent(): string {
  const r = rng('marches-plein-vent');
  const markets: ReadonlyArray<[string, string, string, string, string]> = [
    ['Marché des Arceaux', 'Alimentaire', 'Montpellier Centre', 'mardi, samedi', '7 h 30 – 13 h 30'],
    ['Marché Plan Cabanes', 'Alimentaire', 'Montpellier Centre', 'du mardi au dimanche', '7 h – 13 h 30'],
    ['Marché de la Paillade', 'Alimentaire', 'Mosson', 'du mardi au dimanche', '7 h – 13 h 30'],
    ['Marché paysan d’Antigone', 'Paysan', 'Montpellier Centre', 'dimanche', '7 h 30 – 13 h'],
    ['Marché bio des Arceaux', 'Bio', 'Montpellier Centre', 'mercredi', '14 h – 19 h'],
    ['Marché aux fleurs', 'Fleurs', 'Montpellier Centre', 'mardi', '7 h – 13 h'],
    ['Brocante du dimanche', 'Brocante', 'Mosson', 'dimanche', '7 h – 13 h'],
    ['Marché de Port Marianne', 'Alimentaire', 'Port Marianne', 'jeudi', '15 h – 20 h'],
    ['Marché de la Croix d’Argent', 'Alimentaire', 'Croix d’Argent', 'mercredi, samedi', '7 h 30 – 13 h'],
    ['Marché paysan de Celleneuve', 'Paysan', 'Les Cévennes', 'vendredi', '16 h – 20 h'],
    ['Marché des Beaux-Arts', 'Alimentaire', 'Montpellier Centre', 'du mardi au samedi', '7 h – 13 h 30'],
    ['Marché d’Aiguelongue', 'Alimentaire', 'Hôpitaux-Facultés', 'samedi', '8 h – 13 h'],
    ['Marché de Boutonnet', 'Alimentaire', 'Montpellier Centre', 'samedi', '7 h 30 – 13 h'],
    ['Marché des Grisettes', 'Bio', 'Port Marianne', 'samedi', '8 h – 13 h'],
    ['Marché de Lemasson', 'Alimentaire', 'Croix d’Argent', 'dimanche', '7 h 30 – 13 h'],
    ['Marché de Saint-Martin', 'Alimentaire', 'Près d’Arènes', 'jeudi', '7 h 30 – 13 h'],
  ];
  const centreOf = new Map(MONTPELLIER_QUARTIERS);
  return csv(['nom', 'type', 'quartier', 'jours', 'horaires', 'nombre_commercants', 'producteurs_locaux', 'longitude', 'latitude'],
    markets.map(([name, type, quartier, days, hours]) => {
      const centre = centreOf.get(quartier);
      if (!centre) throw new Error(`quartier inconnu : ${quartier}`);
      const at = scatter(r, centre, 1);
      return [name, type, quartier, days, hours, intBetween(r, 8, 90), type === 'Paysan' || type === 'Bio' || r() < 0.5, at[0], at[1]];
    }));
}

// ---------- associations ----------

function amphibiens(): Uint8Array {
  const r = rng('amphibiens');
  const species: ReadonlyArray<[string, string, boolean]> = [
    ['Bufo spinosus', 'Crapaud épineux', false], ['Epidalea calamita', 'Crapaud calamite', false], ['Pelodytes punctatus', 'Pélodyte ponctué', false],
    ['Hyla meridionalis', 'Rainette méridionale', false], ['Triturus marmoratus', 'Triton marbré', true], ['Pelophylax ridibundus', 'Grenouille rieuse', false],
    ['Alytes obstetricans', 'Alyte accoucheur', false], ['Salamandra salamandra', 'Salamandre tachetée', false], ['Lissotriton helveticus', 'Triton palmé', false],
    ['Pelobates cultripes', 'Pélobate cultripède', true],
  ];
  const sites = ENS_HERAULT.map(([, townName, centre]) => ({ townName, centre }));
  return featureCollection('inventaire_amphibiens', Array.from({ length: 300 }, (_, i) => {
    const [latin, common, sensitive] = pick(r, species);
    const site = pick(r, sites);
    const [lon, lat] = scatter(r, site.centre, 3);
    // Sensitive species are published at about 1 km so breeding ponds cannot be located.
    const at: Position = sensitive ? [round(lon, 2), round(lat, 2)] : [round(lon, 3), round(lat, 3)];
    return feature({
      id_observation: `GR-2025-${pad(i + 1, 4)}`, date_observation: addDays('2025-01-15', intBetween(r, 0, 160)),
      espece_nom_scientifique: latin, espece_nom_francais: common, effectif: intBetween(r, 1, 40), stade: pick(r, ['Adulte', 'Adulte', 'Têtard', 'Ponte', 'Juvénile']),
      methode: pick(r, ['Observation directe', 'Écoute nocturne', 'Épuisette']), commune: site.townName, code_insee: communeCode(site.townName, '34'),
      precision: sensitive ? 'Floutée (1 km)' : '100 m', validation: r() < 0.8 ? 'Validée' : 'À valider',
    }, point(at));
  }));
}

function temperaturesRivieres(): string {
  const r = rng('temperatures');
  const stations: ReadonlyArray<[string, string, string, number]> = [
    ['GR-T01', 'Hérault', 'Gignac', 0], ['GR-T02', 'Orb', 'Bédarieux', -0.5], ['GR-T03', 'Lez', 'Castelnau-le-Lez', 0.8],
    ['GR-T04', 'Vidourle', 'Marsillargues', 1.5], ['GR-T05', 'Lergue', 'Lodève', -0.8], ['GR-T06', 'Vis', 'Ganges', -2.5],
  ];
  const rows: Cell[][] = [];
  for (let day = 0; day < 153; day++) {
    const date = addDays('2025-05-01', day);
    const season = 19 + 6 * Math.sin(((day - 20) / 153) * Math.PI);
    for (const [id, river, townName, offset] of stations) {
      const mean = season + offset + between(r, -0.8, 0.8);
      const amplitude = between(r, 1.2, 3.2);
      const valid = r() < 0.97 ? 24 : intBetween(r, 12, 23);
      rows.push([id, river, townName, town(townName).code, date, round(mean - amplitude / 2, 1), round(mean + amplitude / 2, 1), round(mean, 1), valid]);
    }
  }
  return csv(['station', 'cours_eau', 'commune', 'code_insee', 'date', 'temperature_min_c', 'temperature_max_c', 'temperature_moyenne_c', 'mesures_horaires_valides'], rows);
}

function depotsSauvages(): string {
  const r = rng('depots-sauvages');
  const list = townsOf('34');
  const rows = Array.from({ length: 140 }, (_, i): Cell[] => {
    const t = pick(r, list);
    const at = scatter(r, t.at, 4);
    return [`DS-2025-${pad(i + 1, 4)}`, addDays('2025-01-03', intBetween(r, 0, 350)), t.nom, t.code,
      pick(r, ['Gravats', 'Encombrants', 'Déchets verts', 'Pneus', 'Amiante (suspicion)', 'Ordures ménagères', 'Mélange']),
      round(between(r, 0.1, 12), 1), pick(r, ['Garrigue', 'Bord de route', 'Berge de cours d’eau', 'Forêt', 'Chemin agricole']),
      pick(r, ['Signalé à la commune', 'Enlevé', 'Enlevé', 'En cours']), at[0], at[1]];
  }).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
  return csv(['identifiant', 'date_signalement', 'commune', 'code_insee', 'type_dechets', 'volume_estime_m3', 'milieu', 'statut', 'longitude', 'latitude'], rows);
}

function itinerairesCyclables(): Uint8Array {
  const r = rng('itineraires-cyclables');
  const routes: ReadonlyArray<[string, string, string, string]> = [
    ['Voie verte de la Vistrenque', 'Nîmes', 'Vauvert', 'Voie verte'], ['Véloroute du Vidourle', 'Sommières', 'Saint-Laurent-d\'Aigouze', 'Véloroute'],
    ['Voie verte Uzès – Remoulins', 'Uzès', 'Remoulins', 'Voie verte'], ['Liaison Alès – Saint-Christol-lez-Alès', 'Alès', 'Saint-Christol-lez-Alès', 'Piste cyclable'],
    ['Piste Beaucaire – Bellegarde', 'Beaucaire', 'Bellegarde', 'Piste cyclable'], ['Bande cyclable Marguerittes – Nîmes', 'Marguerittes', 'Nîmes', 'Bande cyclable'],
    ['Voie verte des Cévennes', 'Anduze', 'Saint-Hippolyte-du-Fort', 'Voie verte'], ['Itinéraire Bagnols-sur-Cèze – Pont-Saint-Esprit', 'Bagnols-sur-Cèze', 'Pont-Saint-Esprit', 'Véloroute'],
    ['Liaison Villeneuve-lès-Avignon – Les Angles', 'Villeneuve-lès-Avignon', 'Les Angles', 'Piste cyclable'],
    ['Boucle de la Camargue gardoise', 'Aigues-Mortes', 'Le Grau-du-Roi', 'Voie verte'], ['Voie verte Manduel – Redessan', 'Manduel', 'Redessan', 'Voie verte'],
    ['Liaison Calvisson – Vergèze', 'Calvisson', 'Vergèze', 'Bande cyclable'], ['Piste Milhaud – Caissargues', 'Milhaud', 'Caissargues', 'Piste cyclable'],
    ['Véloroute du Gardon', 'Vers-Pont-du-Gard', 'Aramon', 'Véloroute'],
  ];
  return featureCollection('itineraires_cyclables_gard', routes.map(([name, from, to, kind], i) => {
    const a = town(from).at;
    const b = town(to).at;
    const line = windingLine(r, a, b, Math.max(5, Math.round(distanceKm(a, b) / 1.5)), 0.8);
    return feature({
      id_troncon: `CVG-${pad(i + 1, 3)}`, nom: name, type_amenagement: kind, commune_debut: from, commune_fin: to,
      revetement: kind === 'Véloroute' ? pick(r, ['Enrobé', 'Enrobé', 'Stabilisé']) : pick(r, ['Enrobé', 'Stabilisé', 'Béton']),
      longueur_km: round(lineLengthKm(line), 1), etat: pick(r, ['Bon', 'Bon', 'Moyen', 'À reprendre']), jalonne: r() < 0.6, date_releve: addDays('2025-03-01', intBetween(r, 0, 200)),
    }, { type: 'LineString', coordinates: line });
  }));
}

function comptagesVelo(): string {
  const r = rng('comptages-velo');
  const counters: ReadonlyArray<[string, string, string, number]> = [
    ['CVG-C1', 'Nîmes – avenue Jean Jaurès', 'Nîmes', 900], ['CVG-C2', 'Alès – quai de Bilina', 'Alès', 320],
    ['CVG-C3', 'Uzès – voie verte', 'Uzès', 180], ['CVG-C4', 'Le Grau-du-Roi – front de mer', 'Le Grau-du-Roi', 420],
  ];
  const rows: Cell[][] = [];
  for (let day = 0; day < 365; day++) {
    const date = addDays('2025-01-01', day);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const season = 0.75 + 0.45 * Math.sin(((day - 80) / 365) * 2 * Math.PI);
    for (const [id, name, townName, base] of counters) {
      const leisure = id === 'CVG-C3' || id === 'CVG-C4';
      const weekFactor = weekday === 0 || weekday === 6 ? (leisure ? 1.5 : 0.55) : 1;
      rows.push([id, name, townName, town(townName).code, date, Math.round(base * season * weekFactor * between(r, 0.75, 1.2))]);
    }
  }
  return csv(['compteur', 'nom_compteur', 'commune', 'code_insee', 'date', 'passages'], rows);
}

function enqueteCyclabilite(): string {
  const r = rng('enquete-cyclabilite');
  const classes: ReadonlyArray<[number, string]> = [[4.3, 'B'], [3.9, 'C'], [3.5, 'D'], [3.1, 'E'], [2.7, 'F'], [0, 'G']];
  const rows = townsOf('30').filter((t) => t.population >= 3000).map((t): Cell[] => {
    const scores = [between(r, 2, 4.4), between(r, 2.2, 4.6), between(r, 1.8, 4.2), between(r, 2, 4.5)];
    const overall = scores.reduce((a, b) => a + b, 0) / scores.length;
    return [t.nom, t.code, Math.round(between(r, 15, 70) + Math.sqrt(t.population) / 2), round(overall, 2), ...scores.map((s) => round(s, 2)),
      classes.find(([min]) => overall >= min)?.[1] ?? 'G'];
  });
  return csv(['commune', 'code_insee', 'nombre_reponses', 'note_globale', 'note_securite', 'note_confort', 'note_stationnement', 'note_services', 'classe'], rows);
}

// ---------- documentation (PDF notices) ----------

const NOTICE_FOOTER = 'Catalogue de démonstration — données illustratives';

function noticeBudget(): Uint8Array {
  const blocks: PdfBlock[] = [
    { p: 'Département de l’Hérault — Direction des finances. Document d’accompagnement du jeu de données « Budget primitif 2025 ».' },
    { h: 'Objet' },
    { p: 'Le fichier présente les crédits votés au budget primitif 2025, par section (fonctionnement, investissement), par sens (dépense, recette), par chapitre et par fonction de la nomenclature budgétaire et comptable M57.' },
    { h: 'Format du fichier' },
    { li: 'CSV, séparateur point-virgule (;), virgule comme séparateur décimal, sans séparateur de milliers.' },
    { li: 'Encodage Windows-1252 (l’export natif du logiciel financier) et fins de ligne CRLF.' },
    { li: 'Une ligne d’en-tête ; montants en euros, deux décimales.' },
    { h: 'Description des colonnes' },
    { li: 'Exercice : année budgétaire.' },
    { li: 'Section et Sens : fonctionnement ou investissement ; dépense ou recette.' },
    { li: 'Chapitre et Libellé du chapitre : code et libellé M57 (par exemple 65 « Autres charges de gestion courante »).' },
    { li: 'Fonction et Libellé de la fonction : politique publique concernée ; « 01 » pour les opérations non ventilables.' },
    { li: 'Montant voté (€) : crédits ouverts par l’assemblée départementale.' },
    { h: 'Précautions d’usage' },
    { p: 'Les virements entre sections (chapitres 021 et 023) s’équilibrent et ne doivent pas être additionnés aux dépenses réelles. Les montants sont ceux du vote initial : les décisions modificatives de l’exercice ne sont pas intégrées.' },
    { h: 'Contact' },
    { p: 'Pour toute question : opendata@herault.example. Les données de ce catalogue de démonstration sont illustratives.' },
  ];
  return pdf('Notice de la donnée : budget primitif 2025', NOTICE_FOOTER, blocks);
}

function noticeFibre(): Uint8Array {
  return pdf('Notice de la donnée : réseau départemental de fibre optique', NOTICE_FOOTER, [
    { p: 'Département de l’Hérault — Service aménagement numérique.' },
    { h: 'Objet' },
    { p: 'Le réseau d’initiative publique très haut débit relie les principaux pôles du département. Le tracé des fourreaux et des câbles (niveaux transport et collecte) est décrit tronçon par tronçon.' },
    { h: 'Conditions d’accès' },
    { p: 'Le tracé détaillé est une donnée sensible au sens de la sécurité des réseaux : il n’est diffusé qu’aux organisations partenaires désignées (Région Occitanie et Ville de Montpellier dans ce catalogue). Cette notice et les métadonnées restent publiques afin que chacun connaisse l’existence de la donnée et puisse en demander l’accès.' },
    { h: 'Contenu de la couche' },
    { li: 'troncon : identifiant du tronçon (THD34-nnn).' },
    { li: 'origine, extremite : communes reliées.' },
    { li: 'niveau : Transport ou Collecte.' },
    { li: 'capacite_fibres : nombre de fibres du câble principal.' },
    { li: 'annee_mise_en_service, longueur_km.' },
    { h: 'Système de coordonnées' },
    { p: 'GeoJSON en WGS84 (EPSG:4326). Précision de saisie : environ 5 mètres sur le tracé d’origine ; le tracé publié ici est simplifié.' },
    { h: 'Demander l’accès' },
    { p: 'Connectez-vous au portail, puis utilisez le bouton « Demander l’accès » de la ressource, ou écrivez à numerique@herault.example en précisant l’usage prévu.' },
  ]);
}

function noticePpri(): Uint8Array {
  const r = rng('notice-ppri');
  const covered = townsOf('30').map((t): PdfBlock => ({ li: `${t.nom} (${t.code}) : PPRi approuvé le ${addDays('2008-03-01', intBetween(r, 0, 5800)).split('-').reverse().join('/')}` }));
  return pdf('Notice de la donnée : zonages des plans de prévention du risque inondation', NOTICE_FOOTER, [
    { p: 'Département du Gard — Observatoire départemental des risques.' },
    { h: 'Contexte' },
    { p: 'Le Gard est exposé aux épisodes méditerranéens (dits « cévenols ») qui provoquent des crues rapides du Gardon, du Vidourle, de la Cèze et de leurs affluents. Les plans de prévention du risque inondation (PPRi), approuvés par arrêté préfectoral, délimitent les zones où l’urbanisme est réglementé.' },
    { h: 'Contenu' },
    { li: 'Zone rouge : aléa fort, inconstructible sauf exceptions.' },
    { li: 'Zone bleue : aléa modéré, constructible sous prescriptions.' },
    { li: 'Zone de précaution : aléa résiduel ou zone d’expansion des crues à préserver.' },
    { h: 'Services de diffusion' },
    { p: 'La donnée est diffusée par des services cartographiques WMS (consultation) et WFS (téléchargement des objets), référencés sur la fiche du jeu de données. Le système de coordonnées natif est le RGF93 / Lambert-93 (EPSG:2154) ; les services acceptent aussi EPSG:4326 et EPSG:3857.' },
    { h: 'Communes couvertes et dates d’approbation' },
    ...covered,
    { h: 'Avertissement' },
    { p: 'Seul le document approuvé, annexé au plan local d’urbanisme, a valeur réglementaire. Cette notice accompagne un catalogue de démonstration : les zonages référencés sont illustratifs.' },
  ]);
}

function noticeBruit(): Uint8Array {
  return pdf('Notice de la donnée : cartes stratégiques de bruit', NOTICE_FOOTER, [
    { p: 'Ville de Montpellier — Direction de l’environnement.' },
    { h: 'Cadre réglementaire' },
    { p: 'La directive européenne 2002/49/CE impose aux agglomérations de plus de 100 000 habitants de publier des cartes stratégiques de bruit, révisées tous les cinq ans, et un plan de prévention du bruit dans l’environnement (PPBE).' },
    { h: 'Indicateurs' },
    { li: 'Lden : niveau sonore moyen pondéré sur 24 heures (jour, soirée, nuit).' },
    { li: 'Ln : niveau sonore moyen de nuit (22 h – 6 h).' },
    { li: 'Sources : trafic routier, tramway, voies ferrées, activités industrielles.' },
    { h: 'Lecture des cartes' },
    { p: 'Les isophones sont représentées par classes de 5 dB(A), de 55 à plus de 75 dB(A) en Lden. Les cartes de type C signalent les zones où les valeurs limites (68 dB(A) en Lden pour la route) sont dépassées.' },
    { h: 'Accès' },
    { p: 'Consultation par le service WMS référencé sur la fiche ; les couches sont en Lambert-93 (EPSG:2154). Contact : environnement@montpellier.example.' },
  ]);
}

function noticeBornes(): Uint8Array {
  return pdf('Notice de la donnée : bornes de recharge pour véhicules électriques', NOTICE_FOOTER, [
    { p: 'Région Occitanie / Pyrénées-Méditerranée — Direction des mobilités.' },
    { h: 'Objet' },
    { p: 'Recensement des stations de recharge ouvertes au public sur le territoire régional, consolidé à partir des déclarations des opérateurs.' },
    { h: 'Structure' },
    { p: 'Les colonnes reprennent un sous-ensemble du schéma national des infrastructures de recharge (IRVE) : identifiant de station, opérateur, commune et code INSEE, puissance nominale, nombre de points de charge, types de prise, gratuité, date de mise en service, horaires.' },
    { h: 'Formats' },
    { li: 'GeoJSON (WGS84) pour les outils cartographiques.' },
    { li: 'CSV UTF-8, séparateur virgule, colonnes longitude et latitude en WGS84, pour les tableurs et l’entrepôt de données.' },
    { li: 'API de disponibilité en temps réel, référencée sur la fiche, pour l’état des points de charge.' },
    { h: 'Mises à jour' },
    { p: 'Mensuelles. Les stations fermées définitivement sont retirées ; les identifiants des stations restantes sont stables d’une version à l’autre.' },
  ]);
}

// ---------- assembly ----------

/** Every demo file, by name. Generators that share data (the charging stations) compute it once. */
export function buildFiles(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const add = (name: string, content: string | Uint8Array): void => {
    if (files.has(name)) throw new Error(`fichier en double : ${name}`);
    files.set(name, typeof content === 'string' ? utf8Bytes(content) : content);
  };
  const stations = chargingStations();

  add('departements-occitanie.json', departementsOccitanie());
  add('epci-occitanie.csv', epciOccitanie());
  add('bornes-recharge-occitanie.geojson', chargingStationsGeojson(stations));
  add('bornes-recharge-occitanie.csv', chargingStationsCsv(stations));
  add('notice-bornes-recharge-occitanie.pdf', noticeBornes());
  add('lycees-publics-occitanie.csv', lycees());
  add('aides-regionales-entreprises-2024.xlsx', aidesEntreprises());
  add('frequentation-gares-occitanie.csv', gares());
  add('occupation-du-sol-par-departement.csv', occupationSol());
  add('consommation-energie-finale-occitanie.csv', energieFinale());
  add('frequentation-sites-touristiques-occitanie.csv', sitesTouristiques());
  add('agriculture-biologique-communes-herault-gard.csv', agricultureBio());
  add('enquete-deplacements-2026-provisoire.csv', enqueteDeplacements());

  add('communes-herault.csv', communesHerault());
  add('budget-primitif-2025-herault.csv', budgetHerault());
  add('notice-budget-primitif-2025-herault.pdf', noticeBudget());
  add('colleges-publics-herault.csv', collegesHerault());
  add('comptages-routiers-herault-2024.csv', comptagesRoutiers());
  add('espaces-naturels-sensibles-herault.geojson', espacesNaturelsSensibles());
  add('notice-reseau-fibre-herault.pdf', noticeFibre());
  add('reseau-fibre-optique-herault.geojson', reseauFibre());
  add('itineraires-randonnee-pdipr-herault.geojson', randonneesPdipr());
  add('beneficiaires-rsa-herault-2025.csv', rsaHerault());
  add('qualite-eaux-baignade-herault-2025.csv', baignadeHerault());
  add('subventions-associations-herault-2025.csv', subventionsHerault());

  add('population-communes-gard.xlsx', populationGard());
  add('ortho-2023-gard-tableau-assemblage.geojson', orthoTableauAssemblage());
  add('ortho-2023-gard-liste-dalles.csv', orthoListeDalles());
  add('points-apport-volontaire-verre-gard.csv', verreGard());
  add('notice-ppri-gard.pdf', noticePpri());
  add('archives-gard-fonds-numerises.json', archivesGard());
  add('surfaces-viticoles-aop-gard.csv', viticultureGard());
  add('marches-publics-gard-2025.csv', marchesPublicsGard());
  add('etablissements-personnes-agees-gard.geojson', personnesAgeesGard());
  add('aires-covoiturage-gard.zip', covoiturageGard());

  add('consommation-energie-batiments-montpellier.csv', energieBatimentsMontpellier());
  add('equipements-sportifs-montpellier.json', equipementsSportifs());
  add('arbres-alignement-montpellier.geojson', arbresMontpellier());
  add('stationnements-velo-montpellier.geojson', stationnementsVelo());
  add('parkings-disponibilites-2026-03-10.json', parkingsDisponibilites());
  add('deliberations-conseil-municipal-montpellier-2025.csv', deliberationsMontpellier());
  add('population-iris-montpellier.csv', populationIris());
  add('permis-de-construire-montpellier-2025.csv', permisMontpellier());
  add('notice-cartes-bruit-montpellier.pdf', noticeBruit());
  add('menus-restauration-scolaire-montpellier.json', menusCantines());
  add('marches-plein-vent-montpellier.csv', marchesPleinVent());

  add('inventaire-amphibiens-2025.geojson', amphibiens());
  add('temperatures-cours-d-eau-2025.csv', temperaturesRivieres());
  add('depots-sauvages-signalements-2025.csv', depotsSauvages());

  add('itineraires-cyclables-gard.geojson', itinerairesCyclables());
  add('comptages-velo-gard-2025.csv', comptagesVelo());
  add('enquete-cyclabilite-communes-gard-2025.csv', enqueteCyclabilite());
  return files;
}

/** Writes every file into `outDir`; returns the names written, sorted. */
export function writeFiles(outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files = buildFiles();
  for (const [name, bytes] of files) writeFileSync(join(outDir, name), bytes);
  return [...files.keys()].sort();
}

function main(): void {
  const outDir = resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  const written = writeFiles(outDir);
  // Stale files are reported, not deleted: the output folder may be one the user chose.
  const stale = readdirSync(outDir).filter((f) => !written.includes(f));
  console.log(`${written.length} fichiers écrits dans ${outDir}`);
  if (stale.length) console.warn(`Fichiers présents mais plus générés (à supprimer) : ${stale.join(', ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
