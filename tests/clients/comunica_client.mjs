#!/usr/bin/env node
// Queries a Hublot node's /sparql with Comunica (@comunica/query-sparql), using the
// endpoint as a `sparql` source: SELECT of the dataset titles (at least 3 datasets, titles
// in fr and en), ASK (true and false) and CONSTRUCT (at least 3 quads).
//
// Usage: node comunica_client.mjs BASE_URL      (for example http://127.0.0.1:8080)
// The package is resolved from a node_modules folder beside or above this script, or
// from NODE_PATH. Prints one line per check and a summary; exits 1 when a check fails.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// CommonJS resolution, so that NODE_PATH is honoured.
const { QueryEngine } = require('@comunica/query-sparql');
const comunicaVersion = require('@comunica/query-sparql/package.json').version;

const MIN_DATASETS = 3;
const PREFIXES = `PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
`;
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const DCAT_DATASET = 'http://www.w3.org/ns/dcat#Dataset';
const DCT_TITLE = 'http://purl.org/dc/terms/title';

const base = (process.argv[2] || '').replace(/\/+$/, '');
if (!base) {
  console.error('usage: node comunica_client.mjs BASE_URL');
  process.exit(2);
}
const endpoint = `${base}/sparql`;
const engine = new QueryEngine();
const context = () => ({
  sources: [{ type: 'sparql', value: endpoint }],
  httpTimeout: 60_000,
});

class CheckFailed extends Error {}
function expect(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

const results = [];
async function check(name, fn) {
  try {
    const detail = await fn();
    results.push({ name, ok: true, detail });
    console.log(`ok    ${name}${detail ? `: ${detail}` : ''}`);
  } catch (e) {
    results.push({ name, ok: false, detail: String(e && e.message ? e.message : e) });
    console.log(`FAIL  ${name}: ${e instanceof CheckFailed ? e.message : (e && e.stack) || e}`);
  }
}

await check('SELECT dataset titles', async () => {
  const stream = await engine.queryBindings(
    `${PREFIXES}SELECT ?dataset ?title WHERE { ?dataset a dcat:Dataset ; dct:title ?title }`,
    context(),
  );
  const bindings = await stream.toArray();
  expect(bindings.length >= MIN_DATASETS, `${bindings.length} bindings, expected at least ${MIN_DATASETS}`);
  const langsByDataset = new Map();
  for (const b of bindings) {
    const dataset = b.get('dataset');
    const title = b.get('title');
    expect(dataset && dataset.termType === 'NamedNode', `?dataset bound to ${dataset && dataset.termType}`);
    expect(title && title.termType === 'Literal', `?title bound to ${title && title.termType}`);
    expect(title.value.trim() !== '', `an empty title for ${dataset.value}`);
    if (!langsByDataset.has(dataset.value)) langsByDataset.set(dataset.value, new Set());
    langsByDataset.get(dataset.value).add(title.language.toLowerCase());
  }
  expect(
    langsByDataset.size >= MIN_DATASETS,
    `titles of ${langsByDataset.size} datasets, expected at least ${MIN_DATASETS}`,
  );
  for (const [dataset, langs] of langsByDataset) {
    expect(langs.has('fr') && langs.has('en'), `${dataset} has titles in [${[...langs]}], expected fr and en`);
  }
  return `${bindings.length} bindings, ${langsByDataset.size} datasets titled in fr and en`;
});

await check('ASK', async () => {
  const yes = await engine.queryBoolean(`${PREFIXES}ASK { ?dataset a dcat:Dataset ; dct:title ?title }`, context());
  expect(yes === true, `ASK for datasets answered ${yes}`);
  const no = await engine.queryBoolean('ASK { ?s a <urn:hublot:test:NoSuchClass> }', context());
  expect(no === false, `ASK for an unused class answered ${no}`);
  return 'true and false as expected';
});

await check('CONSTRUCT', async () => {
  const stream = await engine.queryQuads(
    `${PREFIXES}CONSTRUCT { ?dataset a dcat:Dataset ; dct:title ?title }
     WHERE { ?dataset a dcat:Dataset ; dct:title ?title }`,
    context(),
  );
  const quads = await stream.toArray();
  expect(quads.length >= 3, `${quads.length} quads, expected at least 3`);
  const datasets = new Set(
    quads.filter((q) => q.predicate.value === RDF_TYPE && q.object.value === DCAT_DATASET).map((q) => q.subject.value),
  );
  expect(datasets.size >= MIN_DATASETS, `${datasets.size} datasets typed, expected at least ${MIN_DATASETS}`);
  const titles = quads.filter((q) => q.predicate.value === DCT_TITLE);
  expect(
    titles.every((q) => datasets.has(q.subject.value) && q.object.termType === 'Literal'),
    'a dct:title quad is not about a typed dataset or is not a literal',
  );
  return `${quads.length} quads, ${datasets.size} datasets, ${titles.length} titles`;
});

const failed = results.filter((r) => !r.ok);
console.log();
console.log(
  `Comunica ${comunicaVersion} (Node ${process.version}) summary: ${results.length - failed.length} of ${results.length} checks passed against ${endpoint}`,
);
for (const f of failed) console.log(`  FAILED ${f.name}: ${f.detail}`);
process.exit(failed.length ? 1 : 0);
