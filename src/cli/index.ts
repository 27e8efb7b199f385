export { freePort, type RunningNode, startNode } from './server.ts';
