import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, SETTINGS } from '../../src/config/index.ts';
import { openStore } from '../../src/store/index.ts';

describe('configuration', () => {
  const file = join(tmpdir(), `govdx-config-${process.pid}.json`);

  test('defaults: port 8080, ./data, SQLite, public URL from host and port', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, './data');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.publicUrl, 'http://localhost:8080');
  });

  test('flags beat environment, which beats the config file, which beats defaults', () => {
    writeFileSync(file, JSON.stringify({ port: 7000, dataDir: '/from-file', logLevel: 'warn' }));
    const config = loadConfig({
      file,
      env: { GOVDX_PORT: '7100', GOVDX_DATA_DIR: '/from-env' },
      flags: { port: '7200' },
    });
    assert.equal(config.port, 7200);
    assert.equal(config.dataDir, '/from-env');
    assert.equal(config.logLevel, 'warn');
  });

  test('a bad value is refused naming the setting and where it came from', () => {
    assert.throws(
      () => loadConfig({ env: { GOVDX_PORT: 'eighty' } }),
      (e: Error) => e instanceof ConfigError && /GOVDX_PORT/.test(e.message),
    );
    assert.throws(() => loadConfig({ env: { GOVDX_PORT: '70000' } }), /between 0 and 65535/);
    assert.throws(() => loadConfig({ env: { GOVDX_LOG_LEVEL: 'loud' } }), /one of fatal/);
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    assert.throws(() => loadConfig({ file, env: {} }), /unknown setting "prot"/);
    writeFileSync(file, '{not json');
    assert.throws(() => loadConfig({ file, env: {} }), /Cannot read config file/);
  });

  test('timeouts are finite, and headers must arrive within the time for the whole request', () => {
    const config = loadConfig({ env: {} });
    for (const key of [
      'requestTimeoutMs',
      'headersTimeoutMs',
      'keepAliveTimeoutMs',
      'connectionTimeoutMs',
    ] as const) {
      assert.ok(config[key] > 0, `${key} is finite by default`);
    }
    assert.ok(config.maxConnections > 0);
    assert.throws(
      () => loadConfig({ env: { GOVDX_REQUEST_TIMEOUT_MS: '0' } }),
      /between 100 and 3600000/,
      'a timeout of 0 (none) is refused',
    );
    assert.throws(
      () => loadConfig({ env: { GOVDX_REQUEST_TIMEOUT_MS: '5000', GOVDX_HEADERS_TIMEOUT_MS: '9000' } }),
      /headersTimeoutMs \(9000\) must not be longer than requestTimeoutMs \(5000\)/,
    );
  });

  test('a database URL that is not PostgreSQL is refused when the store opens', () => {
    assert.throws(
      () => openStore({ databaseUrl: 'mysql://root@localhost/db', dataDir: ':memory:' }),
      /must start with postgres:\/\//,
    );
  });

  test('every setting has an environment variable and a flag, documented in docs/configuration.md', async () => {
    const { readFileSync } = await import('node:fs');
    const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const setting of SETTINGS) {
      assert.match(setting.env, /^GOVDX_[A-Z_]+$/);
      assert.ok(docs.includes(setting.env), `${setting.env} is documented`);
      assert.ok(docs.includes(setting.flag), `${setting.flag} is documented`);
    }
  });
});
