import { register } from 'tsx/esm/api';

register();
const t0 = performance.now();
await import(process.argv[2]);
console.log(process.argv[2], Math.round(performance.now() - t0), 'ms');
