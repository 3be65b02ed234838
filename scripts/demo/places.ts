// Real territorial facts for the demo files: communes, départements and EPCI from @etalab/decoupage-administratif
// (COG, INSEE populations), plus approximate town-centre coordinates, which that package does not carry.
import { createRequire } from 'node:module';
import type { Position } from './formats';

export interface Commune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  region?: string;
  population?: number;
  codesPostaux?: string[];
  siren?: string;
}

export interface Departement {
  code: string;
  nom: string;
  region: string;
  chefLieu: string;
}

export interface Epci {
  code: string;
  nom: string;
  type: string;
  modeFinancement: string;
  populationTotale: number;
  populationMunicipale: number;
  membres: { code: string; nom: string }[];
}

// The package's index.js reads its data relative to the working directory, so the JSON files are loaded directly.
const require = createRequire(import.meta.url);
const load = <T>(name: string): T => require(`@etalab/decoupage-administratif/data/${name}.json`) as T;

export const OCCITANIE = '76';
export const communes: readonly Commune[] = load<Commune[]>('communes').filter((c) => c.type === 'commune-actuelle');
export const departements: readonly Departement[] = load<Departement[]>('departements');
export const epcis: readonly Epci[] = load<Epci[]>('epci');

export const communesOf = (dep: string): Commune[] =>
  communes.filter((c) => c.departement === dep).sort((a, b) => a.code.localeCompare(b.code));

export interface Town {
  nom: string;
  dep: string;
  code: string;
  population: number;
  at: Position;
}

// Town centres (lon, lat WGS84), rounded to about 100 m: enough to scatter plausible points around them.
const TOWN_CENTRES: ReadonlyArray<[string, string, number, number]> = [
  ['34', 'Montpellier', 3.8767, 43.6108], ['34', 'Béziers', 3.2158, 43.3442], ['34', 'Sète', 3.6969, 43.4028],
  ['34', 'Agde', 3.4753, 43.3108], ['34', 'Lunel', 4.1358, 43.675], ['34', 'Lodève', 3.3194, 43.7317],
  ['34', 'Pézenas', 3.4233, 43.4594], ['34', 'Ganges', 3.7081, 43.9342], ['34', "Clermont-l'Hérault", 3.4317, 43.6275],
  ['34', 'Frontignan', 3.7556, 43.4483], ['34', 'Lattes', 3.9039, 43.5675], ['34', 'Castelnau-le-Lez', 3.9017, 43.6336],
  ['34', 'Bédarieux', 3.1567, 43.6156], ['34', 'Saint-Pons-de-Thomières', 2.7669, 43.4897], ['34', 'Palavas-les-Flots', 3.9333, 43.5283],
  ['34', 'Mauguio', 4.0083, 43.6167], ['34', 'Marseillan', 3.5281, 43.3558], ['34', 'Sérignan', 3.2778, 43.2814],
  ['34', 'Valras-Plage', 3.2906, 43.2483], ['34', 'Vias', 3.4178, 43.3122], ['34', 'La Grande-Motte', 4.0853, 43.5617],
  ['34', 'Portiragnes', 3.3333, 43.3039], ['34', 'Villeneuve-lès-Maguelone', 3.8603, 43.5328], ['34', 'Saint-Guilhem-le-Désert', 3.5497, 43.7336],
  ['34', 'Gignac', 3.5508, 43.6522], ['34', 'Mèze', 3.6056, 43.4253], ['34', 'Balaruc-les-Bains', 3.6775, 43.4417],
  ['34', 'Saint-Jean-de-Védas', 3.83, 43.5764], ['34', 'Pérols', 3.9528, 43.5653], ['34', 'Juvignac', 3.8097, 43.6136],
  ['34', 'Grabels', 3.7986, 43.6481], ['34', 'Le Crès', 3.9381, 43.6481], ['34', 'Lamalou-les-Bains', 3.0806, 43.5981],
  ['34', 'Olonzac', 2.7347, 43.2831], ['34', 'Saint-Chinian', 2.9469, 43.4222], ['34', 'Capestang', 3.0442, 43.3281],
  ['34', 'Florensac', 3.4653, 43.3828], ['34', 'Saint-Mathieu-de-Tréviers', 3.8583, 43.7678], ['34', 'Claret', 3.9042, 43.8617],
  ['34', 'Le Caylar', 3.3153, 43.8658], ['34', 'Saint-Martin-de-Londres', 3.7317, 43.7889], ['34', 'Aniane', 3.5861, 43.6861],
  ['34', 'Bessan', 3.4228, 43.3619], ['34', 'Marsillargues', 4.1789, 43.6656], ['34', 'Castries', 3.9856, 43.6794],
  ['34', 'Prades-le-Lez', 3.8644, 43.6981], ['34', 'Saint-Gély-du-Fesc', 3.8058, 43.6931],
  ['30', 'Nîmes', 4.3601, 43.8374], ['30', 'Alès', 4.0817, 44.125], ['30', 'Bagnols-sur-Cèze', 4.6208, 44.1625],
  ['30', 'Beaucaire', 4.6436, 43.8081], ['30', 'Uzès', 4.4197, 44.0125], ['30', 'Le Vigan', 3.6058, 43.9914],
  ['30', 'Vauvert', 4.2769, 43.6942], ['30', 'Saint-Gilles', 4.4317, 43.6786], ['30', 'Aigues-Mortes', 4.1917, 43.5667],
  ['30', 'Villeneuve-lès-Avignon', 4.7964, 43.9678], ['30', 'Pont-Saint-Esprit', 4.6497, 44.2567], ['30', 'Sommières', 4.0897, 43.7836],
  ['30', 'Le Grau-du-Roi', 4.1367, 43.5372], ['30', 'Remoulins', 4.5608, 43.9397], ['30', 'Vers-Pont-du-Gard', 4.5331, 43.9669],
  ['30', 'Bellegarde', 4.5164, 43.7533], ['30', 'Tavel', 4.6981, 44.0128], ['30', 'Lirac', 4.6864, 44.0356],
  ['30', "Laudun-l'Ardoise", 4.6586, 44.1053], ['30', 'Roquemaure', 4.7775, 44.0497], ['30', 'Saint-Ambroix', 4.1936, 44.2594],
  ['30', 'Anduze', 3.9856, 44.0517], ['30', 'Saint-Hippolyte-du-Fort', 3.8561, 43.9636], ['30', 'Quissac', 3.9997, 43.9131],
  ['30', 'Aimargues', 4.21, 43.6847], ['30', 'Marguerittes', 4.4444, 43.86], ['30', 'Caissargues', 4.38, 43.7956],
  ['30', 'Milhaud', 4.3108, 43.7894], ['30', 'Manduel', 4.4722, 43.8186], ['30', 'Rochefort-du-Gard', 4.6906, 43.9758],
  ['30', 'Les Angles', 4.7636, 43.9539], ['30', 'La Grand-Combe', 4.0283, 44.2117], ['30', 'Bessèges', 4.0967, 44.2928],
  ['30', 'Génolhac', 3.9478, 44.35], ['30', "Val-d'Aigoual", 3.6369, 44.0725], ['30', 'Sauve', 3.9497, 43.9417],
  ['30', 'Lédignan', 4.1075, 43.9883], ['30', 'Calvisson', 4.1956, 43.7864], ['30', 'Vergèze', 4.2208, 43.7439],
  ['30', "Saint-Laurent-d'Aigouze", 4.1961, 43.6328], ['30', 'Aramon', 4.6822, 43.8911], ['30', 'Jonquières-Saint-Vincent', 4.5631, 43.8278],
  ['30', 'Bouillargues', 4.4275, 43.8003], ['30', 'Redessan', 4.4967, 43.8283], ['30', 'Saint-Christol-lez-Alès', 4.0775, 44.085],
  ['30', 'Salindres', 4.1608, 44.1722], ['30', 'Barjac', 4.3508, 44.3075], ['30', 'Lussan', 4.3722, 44.1525],
  ['31', 'Toulouse', 1.4442, 43.6047], ['11', 'Carcassonne', 2.3491, 43.213], ['11', 'Narbonne', 3.0036, 43.1839],
  ['11', 'Castelnaudary', 1.9536, 43.3183], ['11', 'Lézignan-Corbières', 2.7578, 43.2003], ['11', 'Limoux', 2.2186, 43.0544],
  ['66', 'Perpignan', 2.8956, 42.6986], ['66', 'Céret', 2.7481, 42.4856], ['66', 'Prades', 2.4222, 42.6175],
  ['81', 'Albi', 2.1481, 43.9289], ['81', 'Castres', 2.24, 43.6061], ['12', 'Rodez', 2.575, 44.3506],
  ['12', 'Millau', 3.0781, 44.0981], ['65', 'Tarbes', 0.0781, 43.2328], ['65', 'Lourdes', -0.0461, 43.0947],
  ['32', 'Auch', 0.5858, 43.6467], ['46', 'Cahors', 1.4408, 44.4475], ['46', 'Figeac', 2.0317, 44.6086],
  ['48', 'Mende', 3.4992, 44.5181], ['82', 'Montauban', 1.355, 44.0175], ['09', 'Foix', 1.6053, 42.9653],
  ['09', 'Pamiers', 1.6108, 43.1164],
];

export const towns: readonly Town[] = TOWN_CENTRES.map(([dep, nom, lon, lat]) => {
  const c = communes.find((x) => x.departement === dep && x.nom === nom);
  if (!c) throw new Error(`commune introuvable dans le COG : ${nom} (${dep})`);
  return { nom, dep, code: c.code, population: c.population ?? 0, at: [lon, lat] };
});

export const townsOf = (dep: string): Town[] => towns.filter((t) => t.dep === dep);

export function town(nom: string): Town {
  const t = towns.find((x) => x.nom === nom);
  if (!t) throw new Error(`ville sans coordonnées : ${nom}`);
  return t;
}

/** Montpellier's seven quartiers with an approximate centre each, for city-level points. */
export const MONTPELLIER_QUARTIERS: ReadonlyArray<[string, Position]> = [
  ['Montpellier Centre', [3.8767, 43.6108]],
  ['Croix d’Argent', [3.8560, 43.5920]],
  ['Les Cévennes', [3.8480, 43.6200]],
  ['Mosson', [3.8190, 43.6190]],
  ['Hôpitaux-Facultés', [3.8540, 43.6380]],
  ['Port Marianne', [3.9000, 43.6040]],
  ['Près d’Arènes', [3.8850, 43.5890]],
];

/** "de Nîmes", "d'Agde", "du Vigan", "des Angles": the French preposition before a commune name. */
export function ofTown(nom: string, apostrophe = '’'): string {
  if (nom.startsWith('Le ')) return `du ${nom.slice(3)}`;
  if (nom.startsWith('Les ')) return `des ${nom.slice(4)}`;
  return /^[AEIOUYÉÈÂÎ]/.test(nom) ? `d${apostrophe}${nom}` : `de ${nom}`;
}
