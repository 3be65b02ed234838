// Strings of the interoperability surfaces: CKAN API help texts, DCAT catalogue, feeds, API reference page.
export const fr = {
  'ckan.siteDescription': 'Catalogue des données ouvertes, géographiques et intelligentes du territoire, compatible avec l’API CKAN.',
  'ckan.help.package_search': 'Recherche des jeux de données. Paramètres : q et fq (syntaxe Solr : champ:valeur, guillemets, -, AND/OR, parenthèses, *:*, intervalles [a TO b]), rows (1000 au plus), start, sort (ex. « id asc », « metadata_modified desc »), facet.field (liste JSON), facet.limit, facet.mincount, include_private.',
  'ckan.help.package_list': 'Liste des noms de tous les jeux de données publiés. Paramètres : limit, offset.',
  'ckan.help.current_package_list_with_resources': 'Jeux de données complets avec leurs ressources, les plus récents d’abord. Paramètres : limit, offset, page.',
  'ckan.help.package_show': 'Un jeu de données complet. Paramètre : id (identifiant ou nom).',
  'ckan.help.resource_show': 'Une ressource. Paramètre : id.',
  'ckan.help.organization_list': 'Liste des organisations. Paramètres : all_fields, sort, limit, offset, q, organizations.',
  'ckan.help.organization_show': 'Une organisation. Paramètres : id, include_datasets.',
  'ckan.help.group_list': 'Liste des thématiques. Paramètres : all_fields, sort, limit, offset, q, groups.',
  'ckan.help.group_show': 'Une thématique. Paramètres : id, include_datasets.',
  'ckan.help.tag_list': 'Liste des mots-clés. Paramètres : query, all_fields.',
  'ckan.help.license_list': 'Liste des licences.',
  'ckan.help.status_show': 'État du portail : nom, adresse, version de l’API CKAN émulée.',
  'ckan.help.help_show': 'Aide d’une action. Paramètre : name.',
} as const;

export const en: Record<keyof typeof fr, string> = {
  'ckan.siteDescription': 'Catalogue of the open, geographic and smart data of the territory, compatible with the CKAN API.',
  'ckan.help.package_search': 'Searches datasets. Parameters: q and fq (Solr syntax: field:value, quotes, -, AND/OR, parentheses, *:*, [a TO b] ranges), rows (at most 1000), start, sort (e.g. "id asc", "metadata_modified desc"), facet.field (JSON list), facet.limit, facet.mincount, include_private.',
  'ckan.help.package_list': 'Names of every published dataset. Parameters: limit, offset.',
  'ckan.help.current_package_list_with_resources': 'Full datasets with their resources, most recent first. Parameters: limit, offset, page.',
  'ckan.help.package_show': 'One full dataset. Parameter: id (id or name).',
  'ckan.help.resource_show': 'One resource. Parameter: id.',
  'ckan.help.organization_list': 'Organisations. Parameters: all_fields, sort, limit, offset, q, organizations.',
  'ckan.help.organization_show': 'One organisation. Parameters: id, include_datasets.',
  'ckan.help.group_list': 'Themes. Parameters: all_fields, sort, limit, offset, q, groups.',
  'ckan.help.group_show': 'One theme. Parameters: id, include_datasets.',
  'ckan.help.tag_list': 'Tags. Parameters: query, all_fields.',
  'ckan.help.license_list': 'Licences.',
  'ckan.help.status_show': 'Portal status: name, address, version of the emulated CKAN API.',
  'ckan.help.help_show': 'Help of an action. Parameter: name.',
};
