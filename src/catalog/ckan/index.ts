/**
 * The open part of the catalog as CKAN's Action API v3 gives it (docs.ckan.org, "API guide";
 * ckan/logic/action/get.py), so that CKAN clients and harvesters read govdx as they read a CKAN site.
 * Only open datasets (classification `public`) exist here: every other dataset is unknown to every action.
 *
 * Mapping: a dataset is a package named `<organization>_<slug>` (govdx slugs are unique per
 * organization and never hold "_", CKAN names are unique per site); its keywords are tags, its EU data
 * themes are groups (named by the theme code in lower case), its distributions are resources, its
 * licence IRI gives license_url and, for the EU licence authority table, license_id is the table's code.
 */
export {
  CKAN_ACTIONS,
  ORGANIZATION_LIST_ALL_FIELDS_MAX,
  ORGANIZATION_LIST_MAX,
  ORGANIZATION_SHOW_PACKAGES_MAX,
  ORGANIZATION_SORTS,
  organizationList,
  organizationShow,
  packageList,
  packageShow,
  resourceShow,
} from './actions.ts';
export { type PackageDict, packageDict, packageName } from './dictionaries.ts';
export { CkanError, ckanInvalid, ckanNotFound } from './errors.ts';
export { FILTER_FIELDS, parseFilterQuery, SEARCH_FIELDS } from './filter-query.ts';
export {
  FACET_LIMIT_DEFAULT,
  type PackageSearchInput,
  packageSearch,
  ROWS_DEFAULT,
  ROWS_MAX,
} from './package-search.ts';
