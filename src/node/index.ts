export { freePort, type RunningNode, startNode } from './start.ts';
