// The worker thread of the SQLite ledger writer. Plain JavaScript: a worker does not inherit the main
// thread's TypeScript loader, so this registers tsx and then runs the writer (sqlite-writer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runWriterThread } = await import('./sqlite-writer.ts');
runWriterThread(workerData.file, parentPort);
