/** Builds the web app into web/dist, which the govdx server serves at `/`. */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `vite --config web/vite.config.ts` serves the app with hot reload and sends API calls to a running govdx.
const api = process.env.GOVDX_URL ?? 'http://localhost:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: {
      ...Object.fromEntries(['/api', '/auth', '/idp', '/docs', '/catalog'].map((path) => [path, api])),
      // The public register's data; a browser opening /agreements/register itself gets the app.
      '/agreements': {
        target: api,
        bypass: (request) => (request.headers.accept?.includes('text/html') ? '/index.html' : undefined),
      },
    },
  },
});
