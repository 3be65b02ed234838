// Deterministic synthetic catalogue: a valid CatalogueSnapshot of any size, to develop the site and measure its
// build. Same seed and size → byte-identical output, so timings can be compared across commits.
//   npx tsx scripts/bench/synthetic-snapshot.ts --datasets 1000 --out .cache/synthetic-1k.json [--seed 42]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  SNAPSHOT_SCHEMA_VERSION,
  type CatalogueSnapshot, type SnapshotDataset, type SnapshotLicence, type SnapshotOrganization,
  type SnapshotResource, type SnapshotShowcase, type SnapshotTheme,
} from '../../worker/src/domain/snapshot';
import {
  ACCESS_LEVELS, GRANULARITIES, SHOWCASE_TYPES, UPDATE_FREQUENCIES, formatInfo,
  type DataType, type Granularity, type OrganizationType, type ResourceType, type SourceMode,
} from '../../worker/src/domain/vocabulary';
import { mulberry32 } from '../lib/prng';

class Rand {
  constructor(private readonly next: () => number) {}
  float(): number { return this.next(); }
  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0] as T);
    return out;
  }
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[Math.floor(this.next() * 4)] as string;
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
  /** An ISO date (YYYY-MM-DD) between two years inclusive. */
  date(fromYear: number, toYear: number): string {
    const from = Date.UTC(fromYear, 0, 1);
    const to = Date.UTC(toYear, 11, 31);
    return new Date(from + Math.floor(this.next() * (to - from))).toISOString().slice(0, 10);
  }
}

// Same rows as the catalogue migration, so synthetic snapshots look like real exports.
const LICENCES: SnapshotLicence[] = [
  { id: 'lov2', title: 'Licence Ouverte v2.0 (Etalab)', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/', isOpen: true },
  { id: 'odc-odbl', title: 'Open Data Commons Open Database License (ODbL)', url: 'https://opendatacommons.org/licenses/odbl/1-0/', isOpen: true },
  { id: 'odc-by', title: 'Open Data Commons Attribution License (ODC-BY)', url: 'https://opendatacommons.org/licenses/by/1-0/', isOpen: true },
  { id: 'cc-by', title: 'Creative Commons Attribution (CC-BY)', url: 'https://creativecommons.org/licenses/by/4.0/', isOpen: true },
  { id: 'cc-by-sa', title: 'Creative Commons Attribution Share-Alike (CC-BY-SA)', url: 'https://creativecommons.org/licenses/by-sa/4.0/', isOpen: true },
  { id: 'cc-zero', title: 'Creative Commons CCZero (CC0)', url: 'https://creativecommons.org/publicdomain/zero/1.0/', isOpen: true },
  { id: 'aplc', title: 'Licence APLC', url: null, isOpen: false },
  { id: 'other-open', title: 'Autre licence ouverte', url: null, isOpen: true },
  { id: 'other-at', title: 'Autre licence spécifique', url: null, isOpen: false },
];
// Weighted towards Licence Ouverte and ODbL, as on real French portals.
const LICENCE_WEIGHTS = ['lov2', 'lov2', 'lov2', 'lov2', 'odc-odbl', 'odc-odbl', 'cc-by', 'cc-by-sa', 'cc-zero', 'odc-by', 'aplc', 'other-open', 'other-at'];

const THEMES: Array<[string, string, string, string]> = [
  ['9a859d82-dbdc-4ebe-b06b-9703146ec0ac', 'administration-et-action-publique', 'Administration et action publique', 'boundaries'],
  ['5cb96a52-0338-4192-b84c-95f35ed42a84', 'agriculture', 'Agriculture', 'farming'],
  ['05d00350-5e21-46d4-a1dd-f2f204a8c7ab', 'amenagement-du-territoire-et-urbanisme', 'Aménagement du territoire et urbanisme', 'planningCadastre'],
  ['83ebcaff-1007-4e22-b229-fd4e59691c70', 'biodiversite-et-eau', 'Biodiversité et eau', 'biota'],
  ['e658dde3-3835-49bb-9222-f33499e2ceea', 'citoyennete-et-democratie', 'Citoyenneté et démocratie', 'society'],
  ['dd1b60c1-4e21-4c15-9733-c52386caefcb', 'climat-air-et-energie', 'Climat, air et énergie', 'climatologyMeteorologyAtmosphere'],
  ['fa8ccfb7-362c-4122-95fc-07d4eb76ff59', 'culture-patrimoine-et-tourisme', 'Culture, patrimoine et tourisme', 'society'],
  ['a025d831-adea-4c21-851d-35d1775f9379', 'economie-et-entreprises', 'Économie et entreprises', 'economy'],
  ['937b98ce-030e-4993-a976-414eefbf2aa5', 'equipements-batiments-et-logements', 'Équipements, bâtiments et logements', 'structure'],
  ['1cf53db8-226b-48eb-a5b2-89971ed09206', 'formation-education-et-emploi', 'Formation, éducation et emploi', 'society'],
  ['628d7f07-2a50-4db0-b85d-a7b215d5c948', 'mobilite-et-transports', 'Mobilité et transports', 'transportation'],
  ['8f8e4133-b7c9-4333-b6e4-4d0ca10e7916', 'nuisances-dechets-et-risques', 'Nuisances, déchets et risques', 'environment'],
  ['45f62718-68c8-4f5d-8341-a233fb0c344c', 'occupation-des-sols', 'Occupation des sols', 'imageryBaseMapsEarthCover'],
  ['8c9e7c04-059a-469d-a7be-36726e395ecc', 'social-sante-et-sports', 'Social, santé et sports', 'health'],
];

/** Subjects per theme (same order as THEMES), with the keywords they usually carry. */
const SUBJECTS: Array<Array<[string, string[]]>> = [
  [['Limites administratives des communes', ['limites administratives', 'commune', 'découpage']], ['Délibérations du conseil', ['délibérations', 'conseil', 'actes administratifs']], ['Budget primitif', ['budget', 'finances publiques']], ['Marchés publics attribués', ['marchés publics', 'commande publique']], ['Subventions aux associations', ['subventions', 'associations', 'finances publiques']]],
  [['Registre parcellaire graphique', ['agriculture', 'parcelles', 'cultures']], ['Exploitations agricoles biologiques', ['agriculture biologique', 'exploitations']], ['Marchés de producteurs locaux', ['circuits courts', 'producteurs', 'marchés']], ['Zones d’appellation d’origine', ['AOP', 'viticulture', 'terroir']], ['Irrigation agricole', ['irrigation', 'eau', 'agriculture']]],
  [['Plan local d’urbanisme intercommunal', ['PLUi', 'urbanisme', 'zonage']], ['Permis de construire délivrés', ['permis de construire', 'urbanisme', 'construction']], ['Cadastre', ['cadastre', 'parcelles', 'foncier']], ['Zones d’activités économiques', ['zones d’activités', 'foncier', 'aménagement']], ['Schéma de cohérence territoriale', ['SCoT', 'planification', 'aménagement']]],
  [['Cours d’eau et plans d’eau', ['hydrographie', 'cours d’eau', 'eau']], ['Zones naturelles d’intérêt écologique (ZNIEFF)', ['ZNIEFF', 'biodiversité', 'espaces naturels']], ['Qualité des eaux de baignade', ['baignade', 'qualité de l’eau', 'santé']], ['Inventaire des zones humides', ['zones humides', 'biodiversité', 'eau']], ['Observations d’espèces protégées', ['faune', 'flore', 'biodiversité']]],
  [['Résultats des élections municipales', ['élections', 'résultats électoraux', 'citoyenneté']], ['Bureaux de vote', ['bureaux de vote', 'élections']], ['Budget participatif', ['budget participatif', 'participation citoyenne']], ['Conseils de quartier', ['démocratie locale', 'quartiers']], ['Pétitions citoyennes', ['participation citoyenne', 'pétitions']]],
  [['Stations de mesure de la qualité de l’air', ['qualité de l’air', 'pollution', 'capteurs']], ['Consommation d’électricité par commune', ['énergie', 'électricité', 'consommation']], ['Installations photovoltaïques', ['photovoltaïque', 'énergies renouvelables', 'solaire']], ['Bornes de recharge pour véhicules électriques', ['IRVE', 'mobilité électrique', 'énergie']], ['Relevés météorologiques', ['météo', 'climat', 'températures']]],
  [['Monuments historiques', ['patrimoine', 'monuments historiques', 'culture']], ['Musées et lieux d’exposition', ['musées', 'culture', 'équipements culturels']], ['Hébergements touristiques', ['tourisme', 'hébergement', 'hôtels']], ['Sentiers de randonnée', ['randonnée', 'tourisme', 'loisirs']], ['Programmation des festivals', ['festivals', 'événements', 'culture']]],
  [['Établissements du répertoire SIRENE', ['entreprises', 'SIRENE', 'économie']], ['Offres d’emploi publiées', ['emploi', 'offres', 'économie']], ['Aides aux entreprises', ['aides économiques', 'entreprises', 'subventions']], ['Commerces de proximité', ['commerces', 'économie locale']], ['Fréquentation des zones commerciales', ['commerce', 'fréquentation']]],
  [['Équipements sportifs', ['équipements sportifs', 'sport', 'équipements']], ['Logements sociaux', ['logement social', 'habitat', 'logement']], ['Bâtiments publics et consommation énergétique', ['bâtiments publics', 'énergie', 'patrimoine immobilier']], ['Diagnostics de performance énergétique', ['DPE', 'logement', 'énergie']], ['Défibrillateurs', ['défibrillateurs', 'santé', 'équipements']]],
  [['Établissements scolaires', ['écoles', 'éducation', 'établissements scolaires']], ['Effectifs des lycées', ['lycées', 'effectifs', 'éducation']], ['Offre de formation professionnelle', ['formation professionnelle', 'apprentissage']], ['Restauration scolaire', ['cantines', 'restauration scolaire', 'alimentation']], ['Demandeurs d’emploi par commune', ['emploi', 'chômage', 'statistiques']]],
  [['Horaires théoriques du réseau de bus', ['GTFS', 'transports en commun', 'bus']], ['Aménagements cyclables', ['vélo', 'pistes cyclables', 'mobilité douce']], ['Comptages routiers', ['trafic routier', 'comptages', 'routes']], ['Aires de covoiturage', ['covoiturage', 'mobilité', 'stationnement']], ['Parkings publics', ['stationnement', 'parkings', 'mobilité']]],
  [['Points d’apport volontaire', ['déchets', 'collecte', 'tri sélectif']], ['Plan de prévention des risques d’inondation', ['PPRI', 'inondation', 'risques naturels']], ['Cartes de bruit stratégiques', ['bruit', 'nuisances', 'environnement']], ['Sites et sols pollués', ['pollution des sols', 'risques', 'environnement']], ['Tonnages de déchets collectés', ['déchets', 'collecte', 'statistiques']]],
  [['Occupation du sol à grande échelle', ['occupation du sol', 'OCS GE', 'artificialisation']], ['Orthophotographie', ['orthophotographie', 'imagerie', 'fonds de plan']], ['Espaces boisés classés', ['forêt', 'espaces boisés', 'occupation du sol']], ['Consommation d’espaces naturels', ['artificialisation', 'foncier', 'occupation du sol']], ['Modèle numérique de terrain', ['MNT', 'relief', 'altimétrie']]],
  [['Établissements de santé', ['santé', 'hôpitaux', 'établissements']], ['Pharmacies', ['pharmacies', 'santé', 'services']], ['Clubs sportifs licenciés', ['sport', 'clubs', 'licences sportives']], ['Structures d’accueil de la petite enfance', ['petite enfance', 'crèches', 'social']], ['Bénéficiaires des minima sociaux', ['minima sociaux', 'action sociale', 'statistiques']]],
];

const PLACE_STARTS = ['Val', 'Mont', 'Beau', 'Roche', 'Font', 'Bel', 'Ville', 'Haut', 'Clair', 'Bois', 'Mar', 'Cour', 'Lan', 'Ker', 'Plou', 'Castel', 'Pré'];
const PLACE_ENDS = ['brune', 'fleury', 'ville', 'court', 'aurèle', 'lac', 'marais', 'rive', 'fontaine', 'bourg', 'noé', 'vigne', 'roc', 'lieu', 'pierre'];
const PLACE_SUFFIXES = ['-sur-Loue', '-les-Bains', '-en-Forez', '-la-Forêt', '-le-Vieux'];
const ORG_PATTERNS: Array<[OrganizationType, (p: string) => string]> = [
  ['commune', (p) => `Commune de ${p}`],
  ['epci', (p) => `Communauté d’agglomération de ${p}`],
  ['epci', (p) => `Communauté de communes du Pays de ${p}`],
  ['departement', (p) => `Département de ${p}`],
  ['syndicat', (p) => `Syndicat mixte des eaux de ${p}`],
  ['etablissement-public', (p) => `Office de tourisme de ${p}`],
  ['gip', (p) => `GIP Observatoire territorial de ${p}`],
  ['association', (p) => `Association Nature et patrimoine de ${p}`],
  ['universite', (p) => `Université de ${p}`],
  ['entreprise', (p) => `Régie des transports de ${p}`],
  ['etat', (p) => `Direction départementale des territoires de ${p}`],
];
const QUALIFIERS = ['', '', ' – données annuelles', ' – inventaire', ' – historique', ' – situation au 1er janvier', ' (version consolidée)', ' – territoire intercommunal'];
const KEYWORDS_EXTRA = ['open data', 'données géographiques', 'SIG', 'statistiques', 'territoire', 'inventaire', 'cartographie', 'référentiel', 'temps réel', 'séries temporelles'];
const SENTENCES = [
  'Ce jeu de données recense {subject} sur le territoire de {place}.',
  'Les données sont produites par {org} et mises à jour {frequency}.',
  'Chaque enregistrement est localisé par ses coordonnées géographiques (WGS84) et rattaché à une commune.',
  'La collecte s’appuie sur les relevés des services techniques et sur des déclarations des partenaires.',
  'Les champs décrivent l’identifiant de l’objet, son libellé, sa date de mise en service et son état.',
  'Les valeurs manquantes sont laissées vides ; aucune valeur n’est estimée.',
  'Ces informations permettent d’analyser l’évolution du territoire et d’éclairer les politiques publiques.',
  'Le jeu de données respecte le schéma national publié sur schema.data.gouv.fr lorsqu’il existe.',
  'Une documentation associée précise la méthode de production et le dictionnaire des variables.',
  'Les géométries ont été simplifiées pour une diffusion à l’échelle du 1:25 000.',
  'Les séries commencent en {year} et couvrent l’ensemble des communes du périmètre.',
  'Les libellés suivent la nomenclature en vigueur à la date de publication.',
  'Les données peuvent être réutilisées librement dans le respect de la licence indiquée.',
  'Les dates sont exprimées au format ISO 8601 et les montants en euros.',
  'Le découpage utilisé correspond au code officiel géographique de l’Insee.',
  'Des contrôles de cohérence sont réalisés avant chaque publication.',
  'Les doublons ont été supprimés et les adresses normalisées avec la Base adresse nationale.',
  'Les données personnelles ont été retirées conformément au RGPD.',
];
const FIELD_NAMES = ['identifiant', 'libelle', 'commune', 'code_insee', 'date_maj', 'latitude', 'longitude', 'statut', 'categorie', 'valeur', 'unite', 'source'];
const FREQUENCY_WORDS: Record<string, string> = {
  daily: 'chaque jour', weekly: 'chaque semaine', monthly: 'chaque mois', quarterly: 'chaque trimestre',
  annual: 'chaque année', realtime: 'en temps réel', continuously: 'en continu', semiannual: 'deux fois par an',
  fortnightly: 'tous les quinze jours',
};
const FORMATS_RAW = ['CSV', 'CSV', 'CSV', 'XLSX', 'JSON', 'GeoJSON', 'GeoJSON', 'SHP', 'GPKG', 'KML', 'ODS', 'XLS', 'GTFS', 'ZIP', 'GeoTIFF', 'MIF', 'TAB', 'GPX', 'XML', 'TXT'];
const FORMATS_DOC = ['PDF', 'PDF', 'PDF', 'DOCX', 'ODT', 'HTML', 'PNG', 'JPEG', 'DOC', '7Z'];
const FORMATS_SERVICE = ['WMS', 'WFS', 'API'];

const slugify = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
  .replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 90);

export interface SyntheticOptions {
  datasets: number;
  seed?: number;
}

export function syntheticSnapshot({ datasets: datasetCount, seed = 42 }: SyntheticOptions): CatalogueSnapshot {
  const r = new Rand(mulberry32(seed));
  const place = () => `${r.chance(0.15) ? 'Saint-' : ''}${r.pick(PLACE_STARTS)}${r.pick(PLACE_ENDS)}${r.chance(0.2) ? r.pick(PLACE_SUFFIXES) : ''}`;

  const orgCount = Math.min(50, Math.max(5, Math.round(Math.sqrt(datasetCount) / 2)));
  const organizations: SnapshotOrganization[] = [];
  const orgSlugs = new Set<string>();
  while (organizations.length < orgCount) {
    const [orgType, name] = r.pick(ORG_PATTERNS);
    const city = place();
    const legalName = name(city);
    const slug = slugify(legalName);
    if (orgSlugs.has(slug)) continue;
    orgSlugs.add(slug);
    organizations.push({
      id: r.uuid(), slug, legalName, orgType,
      description: `${legalName} publie ses données sur le portail régional.\n\nElle met à disposition des jeux de données **ouverts** et géographiques, mis à jour régulièrement.`,
      logoUrl: null,
      website: r.chance(0.8) ? `https://www.${slugify(city)}.example.org/` : null,
      email: r.chance(0.7) ? `donnees@${slugify(city)}.example.org` : null,
      phone: r.chance(0.6) ? `0${r.int(1, 5)} ${r.int(10, 99)} ${r.int(10, 99)} ${r.int(10, 99)} ${r.int(10, 99)}` : null,
      address: r.chance(0.7) ? `${r.int(1, 120)} rue de la République` : null,
      postcode: `${r.int(10, 95)}${r.int(100, 999)}`,
      city,
      territoryCode: null,
      territoryName: city,
      datasetCount: 0,
      createdAt: `${r.date(2014, 2020)}T09:00:00.000Z`,
    });
  }

  const themes: SnapshotTheme[] = THEMES.map(([id, slug, title, isoTopic]) => ({
    id, slug, title, isoTopic, datasetCount: 0,
    description: `Jeux de données de la thématique « ${title} ».`,
  }));

  const datasets: SnapshotDataset[] = [];
  const datasetSlugs = new Set<string>();
  for (let i = 0; i < datasetCount; i++) {
    const org = r.pick(organizations);
    const themeIndex = r.int(0, themes.length - 1);
    const theme = themes[themeIndex] as SnapshotTheme;
    const [subject, subjectTags] = r.pick(SUBJECTS[themeIndex] as Array<[string, string[]]>);
    const where = org.city ?? place();
    const year = r.int(2008, 2024);
    const title = `${subject} – ${where}${r.pick(QUALIFIERS)}${r.chance(0.4) ? ` ${year}` : ''}`;
    let slug = slugify(title);
    if (datasetSlugs.has(slug)) slug = `${slug.slice(0, 80)}-${i}`;
    datasetSlugs.add(slug);

    const updateFrequency = r.pick(UPDATE_FREQUENCIES);
    const fill = (s: string) => s.replace('{subject}', subject.toLowerCase()).replace('{place}', where)
      .replace('{org}', org.legalName).replace('{frequency}', FREQUENCY_WORDS[updateFrequency] ?? 'selon les besoins')
      .replace('{year}', String(year));
    const paragraphs: string[] = [];
    for (let p = 0, n = r.int(2, 5); p < n; p++) paragraphs.push(r.sample(SENTENCES, r.int(3, 6)).map(fill).join(' '));
    const fields = r.sample(FIELD_NAMES, r.int(3, 7)).map((name) => `- \`${name}\` : ${r.pick(['texte', 'entier', 'décimal', 'date'])}`);
    const description = [
      paragraphs[0], '## Contenu', ...paragraphs.slice(1), '## Champs principaux', fields.join('\n'),
      `Plus d’informations sur [le site du producteur](https://www.${slugify(where)}.example.org/donnees).`,
    ].join('\n\n');

    const extraThemes = r.chance(0.3) ? [r.pick(themes).slug] : [];
    const tags = [...new Set([...r.sample(subjectTags, r.int(1, subjectTags.length)), ...r.sample(KEYWORDS_EXTRA, r.int(0, 3)), where.toLowerCase()])];
    const dateCreated = r.date(2012, 2024);
    const dateModified = r.date(Number(dateCreated.slice(0, 4)), 2025);
    const datePublished = dateCreated;
    const granularity: Granularity = r.pick(GRANULARITIES);
    const dataTypes: DataType[] = r.sample(['open', 'geo', 'smart'] as DataType[], r.int(1, 3));

    const resources: SnapshotResource[] = [];
    const resourceCount = r.int(1, 4);
    const restrictedDataset = r.chance(0.04);
    for (let k = 0; k < resourceCount; k++) {
      const resourceType: ResourceType = k === 0 ? 'raw' : r.pick(['raw', 'raw', 'documentation', 'documentation', 'service'] as ResourceType[]);
      const format = r.pick(resourceType === 'raw' ? FORMATS_RAW : resourceType === 'documentation' ? FORMATS_DOC : FORMATS_SERVICE);
      const info = formatInfo(format);
      const sourceMode: SourceMode = resourceType === 'service' ? 'url_reference'
        : r.pick(['upload', 'upload', 'upload', 'url_download', 'url_reference', 'sftp'] as SourceMode[]);
      const restricted = restrictedDataset && resourceType === 'raw' && (k === 0 || r.chance(0.5));
      const accessLevel = restricted ? r.pick(ACCESS_LEVELS.filter((a) => a !== 'public')) : 'public';
      const id = r.uuid();
      const ext = info?.extensions[0];
      const fileName = sourceMode === 'url_reference' || !ext ? null : `${slug.slice(0, 40)}.${ext}`;
      const hosted = sourceMode !== 'url_reference';
      const url = restricted ? null
        : hosted ? `/dataset/${slug}/resource/${id}/download/${fileName ?? 'fichier'}`
        : `https://geo.${slugify(where)}.example.org/${format === 'WMS' || format === 'WFS' ? `ows?service=${format}` : `donnees/${id.slice(0, 8)}`}`;
      const createdAt = `${dateCreated}T10:00:00.000Z`;
      resources.push({
        id,
        title: resourceType === 'documentation' ? r.pick(['Notice méthodologique', 'Dictionnaire des variables', 'Plaquette de présentation', 'Carte de synthèse'])
          : resourceType === 'service' ? `Service ${format} – ${subject}` : `${subject} (${info?.label ?? format})`,
        description: r.chance(0.5) ? `Fichier ${info?.label ?? format} ${resourceType === 'raw' ? 'des données brutes' : 'de documentation'}.` : '',
        format, resourceType, sourceMode, accessLevel, restricted, url, fileName,
        sizeBytes: hosted ? Math.round(10 ** r.int(3, 8) * (1 + r.float() * 9)) : null,
        mediaType: info?.mediaType ?? null,
        downloadCount: restricted ? r.int(0, 20) : Math.floor(r.float() ** 3 * 5000),
        createdAt,
        modifiedAt: `${dateModified}T10:00:00.000Z`,
        datastore: null,
      });
    }

    datasets.push({
      id: r.uuid(), slug, title, description,
      organization: org.slug,
      licence: r.pick(LICENCE_WEIGHTS),
      updateFrequency, granularity,
      geocover: r.pick(['computed', 'regional', 'jurisdiction', 'bbox']),
      bbox: r.chance(0.7) ? [4 + r.float(), 44 + r.float(), 5 + r.float(), 45 + r.float()] : null,
      territoryName: r.chance(0.8) ? where : null,
      temporalStart: r.chance(0.6) ? `${year}-01-01` : null,
      temporalEnd: r.chance(0.4) ? `${Math.min(2025, year + r.int(0, 10))}-12-31` : null,
      dataTypes,
      themes: [...new Set([theme.slug, ...extraThemes])],
      tags,
      ownerName: r.chance(0.7) ? org.legalName : null,
      broadcasterName: r.chance(0.3) ? 'Portail régional des données ouvertes' : null,
      dateCreated, dateModified, datePublished,
      metadataModified: `${dateModified}T${String(r.int(6, 20)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00.000Z`,
      downloadCount: resources.reduce((sum, res) => sum + res.downloadCount, 0),
      hasRestrictedResources: resources.some((res) => res.restricted),
      resources,
    });
    org.datasetCount++;
    for (const t of themes) if (datasets[datasets.length - 1]?.themes.includes(t.slug)) t.datasetCount++;
  }

  const showcaseCount = Math.min(200, Math.max(3, Math.round(datasetCount / 20)));
  const showcases: SnapshotShowcase[] = [];
  for (let i = 0; i < showcaseCount; i++) {
    const showcaseType = r.pick(SHOWCASE_TYPES);
    const linked = r.sample(datasets, r.int(1, 5));
    const first = linked[0];
    const title = `${r.pick(['Carte interactive', 'Tableau de bord', 'Application mobile', 'Étude', 'Visualisation'])} : ${first ? first.title.split(' – ')[0]?.toLowerCase() : 'données du territoire'} (${i + 1})`;
    const createdAt = `${r.date(2016, 2025)}T12:00:00.000Z`;
    showcases.push({
      id: r.uuid(), slug: slugify(title), title,
      description: `Cette réutilisation exploite ${linked.length} jeu(x) de données du portail.\n\nElle a été réalisée par **${r.pick(['un bureau d’études', 'une start-up locale', 'des étudiants', 'une association', 'un journaliste'])}**.`,
      url: r.chance(0.8) ? `https://reutilisation-${i + 1}.example.org/` : null,
      imageUrl: null,
      showcaseType,
      authorName: r.chance(0.8) ? r.pick(['Claire Martin', 'Atelier Carto', 'Data Sud Lab', 'Julien Bernard', 'Collectif Vélo']) : null,
      datasets: linked.map((d) => d.slug),
      createdAt, updatedAt: createdAt,
    });
  }

  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generatedAt: '2025-06-01T00:00:00.000Z',
    lastChangeId: datasetCount,
    licences: LICENCES,
    themes,
    organizations,
    datasets,
    showcases,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { datasets: { type: 'string', default: '1000' }, out: { type: 'string' }, seed: { type: 'string', default: '42' } },
  });
  const datasets = Number(values.datasets);
  const seed = Number(values.seed);
  if (!Number.isInteger(datasets) || datasets < 1 || !Number.isInteger(seed)) throw new Error('--datasets and --seed must be positive integers');
  const out = values.out ?? `.cache/synthetic-${datasets}.json`;
  const snapshot = syntheticSnapshot({ datasets, seed });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(snapshot));
  console.log(JSON.stringify({ out, datasets: snapshot.datasets.length, organizations: snapshot.organizations.length, showcases: snapshot.showcases.length }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
