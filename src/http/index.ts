export { type AppOptions, buildApp } from './app.ts';
export { HTTP_STATUS, toErrorBody } from './errors.ts';
