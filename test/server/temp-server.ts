import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServices, initHome, type Services } from '../../src/app.js';
import { buildServer } from '../../src/server/index.js';

export interface TempServer {
  app: FastifyInstance;
  services: Services;
  home: string;
  /** The admin token init printed. */
  token: string;
  auth: { authorization: string };
  close(): Promise<void>;
}

/**
 * A fresh home with its admin, and the HTTP API on it (driven with app.inject).
 * `overrides`: settings as lakeward.yaml would give them, seen by every service.
 */
export async function startTempServer(
  tuneConfig: (config: Services['config']) => Services['config'] = (c) => c,
  overrides: Record<string, unknown> = {},
): Promise<TempServer> {
  const home = mkdtempSync(join(tmpdir(), 'lakeward-server-'));
  const { config, adminToken } = await initHome({
    home,
    overrides: { logLevel: 'silent', ...overrides },
  });
  const opened = await createServices(config);
  const services = { ...opened, config: tuneConfig(opened.config) };
  const app = await buildServer(services);
  const token = adminToken!.token;
  return {
    app,
    services,
    home,
    token,
    auth: { authorization: `Bearer ${token}` },
    async close() {
      await app.close();
      await opened.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data body as a browser or curl -F would send it. */
export async function multipart(
  fields: Record<string, string>,
  files: { name: string; content: Buffer | string; field?: string }[],
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of files) form.append(file.field ?? 'file', new Blob([file.content]), file.name);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type')! },
  };
}

/** Error answers are our JSON, and never leak a stack trace. */
export function expectErrorJson(
  response: { statusCode: number; body: string },
  status: number,
  code: string,
): { code: string; message: string; hint: string | null; errorId: string } {
  const parsed = JSON.parse(response.body) as {
    error: { code: string; message: string; hint: string | null; errorId: string };
  };
  if (response.statusCode !== status || parsed.error.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${response.statusCode} ${response.body}`);
  }
  if (/\n\s+at /.test(response.body) || response.body.includes('.ts:')) {
    throw new Error(`error answer shows a stack trace: ${response.body}`);
  }
  return parsed.error;
}
