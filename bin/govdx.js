#!/usr/bin/env node
// The govdx command. TypeScript sources run through tsx's loader, so there is no separate compile step.
// `govdx registry …`, `govdx disclosure …` and `govdx exchange …` take a short path that loads neither the
// server nor its configuration.
import { register } from 'tsx/esm/api';

register();
const standalone = ['registry', 'disclosure', 'exchange'].includes(process.argv[2] ?? '');
await import(standalone ? '../src/cli/standalone.ts' : '../src/cli/main.ts');
