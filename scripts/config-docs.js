#!/usr/bin/env node
// Writes the table "Every setting" of docs/configuration.md from the config schema (src/config/index.ts).
// Usage: node scripts/config-docs.js          rewrites the table in place
//        node scripts/config-docs.js --check  exits 1 when the docs' table differs from the schema's
import { readFileSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { settingsTable } = await import('../src/config/index.ts');
const path = new URL('../docs/configuration.md', import.meta.url);
const docs = readFileSync(path, 'utf8');
const table = /^\| Setting \(config file key\) \|.*\n(?:\|.*\n)*/m;
if (!table.test(docs)) {
  console.error('docs/configuration.md has no table starting with "| Setting (config file key) |"');
  process.exit(1);
}
const next = docs.replace(table, `${settingsTable()}\n`);
if (process.argv.includes('--check')) {
  if (next !== docs) {
    console.error('docs/configuration.md differs from the config schema: run node scripts/config-docs.js');
    process.exit(1);
  }
} else if (next !== docs) {
  writeFileSync(path, next);
  console.log('docs/configuration.md: table "Every setting" rewritten from the config schema');
}
