/**
 * Table ids an attacker might put in a URL. Each must be refused by the identifier check or the
 * dataset allow-list (`carto-demo-data.demo_tilesets`, `carto-demo-data.demo_tables`) before
 * anything is sent to BigQuery.
 */
export const HOSTILE_IDS: string[] = [
  // Breaking out of the backtick quoting, or into a second statement
  'carto-demo-data.demo_tilesets.osm`; DROP TABLE x; --',
  'carto-demo-data.demo_tilesets.osm` UNION ALL SELECT * FROM `other.secret.t',
  'carto-demo-data.demo_tilesets.`osm`',
  'carto-demo-data.demo_tilesets.osm\\`',
  "carto-demo-data.demo_tilesets.osm' OR '1'='1",
  'carto-demo-data.demo_tilesets.osm" OR "1"="1',
  'carto-demo-data.demo_tilesets.osm;',
  'carto-demo-data.demo_tilesets.osm;SELECT 1',
  // Comments
  'carto-demo-data.demo_tilesets.osm--',
  'carto-demo-data.demo_tilesets.osm--x',
  'carto-demo-data.demo_tilesets.osm -- x',
  'carto-demo-data.demo_tilesets.osm/*x*/',
  'carto-demo-data.demo_tilesets./*x*/osm',
  'carto-demo-data.demo_tilesets.osm#',
  // Dots and empty parts
  'carto-demo-data.demo_tilesets..osm',
  'carto-demo-data..demo_tilesets.osm',
  '.carto-demo-data.demo_tilesets.osm',
  'carto-demo-data.demo_tilesets.osm.',
  'carto-demo-data.demo_tilesets.',
  'carto-demo-data..',
  '..',
  '',
  'carto-demo-data.demo_tilesets',
  'osm_buildings',
  'carto-demo-data.demo_tilesets.osm.extra',
  '../../etc/passwd',
  'carto-demo-data.demo_tilesets.osm/../../x',
  // Unicode look-alikes and invisible characters
  'carto-demo-data.demo_tilesets.osm_buildingѕ', // Cyrillic ѕ
  'carto-demo-dаta.demo_tilesets.osm_buildings', // Cyrillic а in the project
  'carto-demo-data.demo_tilesеts.osm_buildings', // Cyrillic е in the dataset
  'carto-demo-data．demo_tilesets．osm_buildings', // fullwidth full stops
  'carto-demo-data.demo_tilesets。osm_buildings', // ideographic full stop
  'carto-demo-data.demo_tilesets.osm\u200bbuildings', // zero-width space
  'carto-demo-data.demo_tilesets.osm\u00a0buildings', // no-break space
  'carto‐demo‐data.demo_tilesets.osm_buildings', // Unicode hyphens
  'carto-demo-data.demo_tilesets.ｏｓｍ', // fullwidth letters
  // Whitespace and control characters
  ' carto-demo-data.demo_tilesets.osm_buildings',
  'carto-demo-data.demo_tilesets.osm_buildings ',
  'carto-demo-data.demo_tilesets.osm buildings',
  'carto-demo-data.demo_tilesets.osm\nbuildings',
  'carto-demo-data.demo_tilesets.osm\tbuildings',
  'carto-demo-data.demo_tilesets.osm\r\n',
  'carto-demo-data.demo_tilesets.osm\u0000',
  // Over-long parts
  `carto-demo-data.demo_tilesets.${'a'.repeat(1025)}`,
  `carto-demo-data.${'d'.repeat(1025)}.osm`,
  `${'p'.repeat(31)}.demo_tilesets.osm`,
  `carto-demo-data.demo_tilesets.${'a'.repeat(100_000)}`,
  // Other projects and datasets (well-formed, not allowed)
  'bigquery-public-data.samples.shakespeare',
  'carto-demo-data.private_tables.customers',
  'carto-demo-data.demo_tilesets2.osm_buildings',
  'carto-demo-data.Demo_Tilesets.osm_buildings',
  'Carto-demo-data.demo_tilesets.osm_buildings',
  'other-project-42.demo_tilesets.osm_buildings',
  'tilestack-tests.billing_dataset.osm_buildings',
  'region-us.INFORMATION_SCHEMA.JOBS',
  'example.com:carto-demo-data.demo_tilesets.osm',
  'carto-demo-data:demo_tilesets.osm_buildings',
  // Wildcards, decorators, meta-tables
  'carto-demo-data.demo_tilesets.*',
  'carto-demo-data.demo_tilesets.osm_*',
  'carto-demo-data.demo_tilesets.osm@-3600000',
  'carto-demo-data.demo_tilesets.osm$20240101',
  'carto-demo-data.demo_tilesets.INFORMATION_SCHEMA',
  'carto-demo-data.demo_tilesets.information_schema',
  'carto-demo-data.demo_tilesets.__TABLES__',
  'carto-demo-data.demo_tilesets.__TABLES_SUMMARY__',
  'carto-demo-data.INFORMATION_SCHEMA.TABLES',
  // Leading or trailing hyphens, URL tricks
  'carto-demo-data.demo_tilesets.-osm',
  'carto-demo-data.demo_tilesets.osm-',
  'carto-demo-data.demo_tilesets.osm%60',
  'carto-demo-data.demo_tilesets.osm?x=1',
  'carto-demo-data.demo_tilesets.osm&z=1',
];
