#!/usr/bin/env node
// The govdx command. TypeScript sources run through tsx's loader, so there is no separate compile step.
// `govdx registry …` takes a short path that loads neither the server nor its configuration.
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2] === 'registry' ? '../src/cli/registry-main.ts' : '../src/cli/main.ts');
