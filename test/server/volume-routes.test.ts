import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { InjectOptions } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorJson, startTempServer, type TempServer } from './temp-server.js';

const PHOTO = resolve('../shared/data/images/daisy/100080576_f52e8ee070_n.jpg');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A body that arrives in chunks, as a client streams it. */
function chunked(bytes: Buffer, size = 64 * 1024): Readable {
  let at = 0;
  return new Readable({
    read() {
      this.push(at < bytes.length ? bytes.subarray(at, (at += size)) : null);
    },
  });
}

describe('volumes over HTTP', () => {
  let server: TempServer;
  let userAuth: { authorization: string };

  beforeAll(async () => {
    server = await startTempServer();
    const { services } = server;
    const admin = {
      principal: await services.auth.localAdmin(),
      context: { channel: 'cli' as const },
    };
    await services.governed.createNamespace(admin, ['bronze', 'media']);
    const user = await services.directory.createPrincipal(admin, { name: 'uma', kind: 'user' });
    userAuth = { authorization: `Bearer ${(await services.auth.issueToken(user.id, 't')).token}` };
  });

  afterAll(async () => {
    await server?.close();
  });

  const inject = (options: InjectOptions) => server.app.inject(options);

  it('creates, describes, lists, renames and drops a volume', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/v1/volumes',
      headers: server.auth,
      payload: { name: 'bronze.media.scans', description: 'Scanned letters' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'bronze.media.scans',
      fileCount: 0,
      owner: 'admin',
    });
    const listed = await inject({
      url: '/api/v1/volumes?namespace=bronze.media',
      headers: server.auth,
    });
    expect(listed.json().volumes.map((v: { name: string }) => v.name)).toContain(
      'bronze.media.scans',
    );
    const renamed = await inject({
      method: 'PATCH',
      url: '/api/v1/volumes/bronze.media.scans',
      headers: server.auth,
      payload: { name: 'bronze.media.letters', description: 'Letters' },
    });
    expect(renamed.json()).toMatchObject({ name: 'bronze.media.letters', description: 'Letters' });
    expectErrorJson(
      await inject({ url: '/api/v1/volumes/bronze.media.scans', headers: server.auth }),
      404,
      'VOLUME_NOT_FOUND',
    );
    const dropped = await inject({
      method: 'DELETE',
      url: '/api/v1/volumes/bronze.media.letters',
      headers: server.auth,
    });
    expect(dropped.statusCode).toBe(204);
  });

  it('streams an upload in and a download out, with Content-Type, Content-Length and ETag', async () => {
    await inject({
      method: 'POST',
      url: '/api/v1/volumes',
      headers: server.auth,
      payload: { name: 'bronze.media.photos' },
    });
    const photo = readFileSync(PHOTO);
    const put = await inject({
      method: 'PUT',
      url: '/api/v1/volumes/bronze.media.photos/files/daisy/first.jpg',
      headers: { ...server.auth, 'content-type': 'application/octet-stream' },
      payload: chunked(photo),
    });
    expect(put.statusCode).toBe(201);
    expect(put.json()).toMatchObject({
      path: 'daisy/first.jpg',
      sizeBytes: photo.length,
      sha256: sha256(photo),
      contentType: 'image/jpeg',
      duplicateOf: null,
    });
    const got = await inject({
      url: '/api/v1/volumes/bronze.media.photos/files/daisy/first.jpg',
      headers: server.auth,
    });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.headers['content-length']).toBe(String(photo.length));
    expect(got.headers.etag).toBe(`"${sha256(photo)}"`);
    expect(got.rawPayload.equals(photo)).toBe(true);

    const meta = await inject({
      url: '/api/v1/volumes/bronze.media.photos/files/daisy/first.jpg?metadata=true',
      headers: server.auth,
    });
    expect(meta.json().metadata).toMatchObject({ image_width: expect.any(Number) });
    const meta2 = await inject({
      url: '/api/v1/volumes/bronze.media.photos/metadata/daisy/first.jpg',
      headers: server.auth,
    });
    expect(meta2.json()).toEqual(meta.json());
  });

  it('keeps a large upload whole and refuses to overwrite without overwrite=true', async () => {
    const big = randomBytes(12 * 1024 * 1024);
    const url = '/api/v1/volumes/bronze.media.photos/files/raw/big.bin';
    const headers = { ...server.auth, 'content-type': 'application/octet-stream' };
    const put = await inject({ method: 'PUT', url, headers, payload: chunked(big) });
    expect(put.json()).toMatchObject({
      sizeBytes: big.length,
      sha256: sha256(big),
      contentType: 'application/octet-stream',
    });
    expectErrorJson(
      await inject({ method: 'PUT', url, headers, payload: 'x' }),
      409,
      'VOLUME_FILE_EXISTS',
    );
    const replaced = await inject({
      method: 'PUT',
      url: `${url}?overwrite=true`,
      headers,
      payload: 'now text\n',
    });
    expect(replaced.json()).toMatchObject({ sizeBytes: 9, contentType: 'text/plain' });
    const listed = await inject({
      url: '/api/v1/volumes/bronze.media.photos/files?prefix=raw/',
      headers: server.auth,
    });
    expect(listed.json().files.map((f: { path: string }) => f.path)).toEqual(['raw/big.bin']);
    const deleted = await inject({ method: 'DELETE', url, headers: server.auth });
    expect(deleted.statusCode).toBe(204);
    expectErrorJson(await inject({ url, headers: server.auth }), 404, 'VOLUME_FILE_NOT_FOUND');
  });

  it('takes a body sent without a content type, as curl -T sends it', async () => {
    const response = await inject({
      method: 'PUT',
      url: '/api/v1/volumes/bronze.media.photos/files/notes/plain.txt',
      headers: server.auth,
      payload: chunked(Buffer.from('line one\nline two\n')),
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ metadata: { text_line_count: 2 } });
  });

  it('refuses paths that would leave the volume', async () => {
    const headers = { ...server.auth, 'content-type': 'application/octet-stream' };
    const escaped = await inject({
      method: 'PUT',
      url: '/api/v1/volumes/bronze.media.photos/files/a%2F..%2F..%2Fetc.txt',
      headers,
      payload: 'x',
    });
    expectErrorJson(escaped, 400, 'INVALID_VOLUME_PATH');
  });

  it('describes the volume routes in the OpenAPI document', async () => {
    const docs = await inject({ url: '/api/docs/json' });
    expect(docs.statusCode).toBe(200);
    const paths = Object.keys((docs.json() as { paths: Record<string, unknown> }).paths);
    expect(paths.filter((p) => p.startsWith('/api/v1/volumes')).length).toBeGreaterThanOrEqual(5);
  });

  it('needs READ_VOLUME to list or download, and WRITE_VOLUME to upload', async () => {
    expectErrorJson(
      await inject({ url: '/api/v1/volumes/bronze.media.photos/files', headers: userAuth }),
      404,
      'VOLUME_NOT_FOUND',
    );
    const admin = {
      principal: await server.services.auth.localAdmin(),
      context: { channel: 'cli' as const },
    };
    await server.services.policies.grant(admin, {
      privileges: ['READ_VOLUME'],
      securable: { kind: 'volume', path: ['bronze', 'media', 'photos'] },
      grantee: { kind: 'principal', name: 'uma' },
    });
    const listed = await inject({
      url: '/api/v1/volumes/bronze.media.photos/files',
      headers: userAuth,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().files.map((f: { path: string }) => f.path)).toEqual([
      'daisy/first.jpg',
      'notes/plain.txt',
    ]);
    expectErrorJson(
      await inject({
        method: 'PUT',
        url: '/api/v1/volumes/bronze.media.photos/files/mine.txt',
        headers: { ...userAuth, 'content-type': 'application/octet-stream' },
        payload: 'hello',
      }),
      403,
      'PERMISSION_DENIED',
    );
  });
});
