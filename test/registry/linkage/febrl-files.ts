// Reads the real FEBRL data sets (Christen's dataset1–3) that the linkage tests compare against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLine, type Row } from '../../../src/registry/linkage/febrl.ts';

export const FEBRL_DIR = process.env.GOVDX_FEBRL_DIR ?? join(import.meta.dirname, 'febrl');

export function febrlLines(name: string): string[] {
  return readFileSync(join(FEBRL_DIR, name), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

export function febrlRows(name: string): Row[] {
  return febrlLines(name).slice(1).map(parseLine);
}
