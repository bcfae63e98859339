import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * The contract as integrators' tools read it: `redocly lint` (the real CLI, its recommended rules)
 * of what GET /docs-json serves finds no error; every operation documents its refusals as
 * problem+json; `servers` comes from PUBLIC_URL.
 */
let running: RunningApp;
let dir: string;
let doc: any;

beforeAll(async () => {
  running = await startApp({ env: { PUBLIC_URL: 'https://ledger.example' } });
  const res = await api(running.url).get('/docs-json');
  expect(res.status).toBe(200);
  doc = res.body;
  dir = mkdtempSync(join(tmpdir(), 'treaty-ledger-openapi-'));
});

afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

function redoclyLint(file: string): Promise<LintReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join('node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--format', 'json'],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      // redocly exits 1 when it finds errors: the report is read either way.
      (_error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as LintReport);
        } catch {
          reject(new Error(`redocly printed no report:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

describe('the OpenAPI document', () => {
  it('passes `redocly lint` (recommended rules) with no error', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const report = await redoclyLint(file);
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
    // What is left is said, not hidden: the licence has no URL (the project is UNLICENSED).
    expect(report.problems.map((p) => p.ruleId)).toEqual(['info-license-strict']);
  });

  it('can fail: a document with an operation that lacks its summary and a path parameter is refused', async () => {
    const broken = structuredClone(doc);
    const operation = broken.paths['/api/agreements/{id}'].get;
    delete operation.summary;
    operation.parameters = [];
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const report = await redoclyLint(file);
    expect(report.totals.errors).toBeGreaterThan(0);
    expect(report.problems.map((p) => p.ruleId)).toEqual(
      expect.arrayContaining(['operation-summary', 'path-parameters-defined']),
    );
  });

  it('names the server PUBLIC_URL gives', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'https://ledger.example' })]);
  });

  it('documents, for every operation, its refusals as problem+json', () => {
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(methods)) {
        const refusals = Object.entries(operation.responses as Record<string, any>).filter(([code]) =>
          /^[45]/.test(code),
        );
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, refusals: refusals.length > 0 }).toEqual({ where, refusals: true });
        for (const [code, response] of refusals) {
          expect({ where, code, schema: response.content?.['application/problem+json']?.schema }).toEqual({
            where,
            code,
            schema: { $ref: '#/components/schemas/Problem' },
          });
        }
      }
    }
    expect(Object.keys(doc.paths['/api/agreements/{id}'].get.responses)).toEqual(
      expect.arrayContaining(['400', '401', '404']),
    );
    expect(Object.keys(doc.paths['/api/agreements'].get.responses)).toContain('400');
  });
});
