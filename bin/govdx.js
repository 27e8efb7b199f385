#!/usr/bin/env node
// The govdx command. TypeScript sources run through tsx's loader, so there is no separate compile step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
