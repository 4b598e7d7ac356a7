/**
 * `GET /exports/<id>/<file>?exp=…&sig=…`: an export file, for the person it was made for, through
 * the signed, expiring link Shiftlead sent them. A wrong signature or an expired link gets 403; a
 * file that is gone (a day later) 404.
 */
import type { RedisExportStore } from '../store/exports.js';
import { sendJson, type HttpServer } from './server.js';

export function mountDownloads(http: HttpServer, exports: RedisExportStore): void {
  http.mount('/exports', async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/exports\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return sendJson(res, 404, { error: 'not_found' });
    const id = m[1] as string;
    const name = decodeURIComponent(m[2] as string);
    if (!(await exports.verify(id, name, url.searchParams.get('exp') ?? '', url.searchParams.get('sig') ?? ''))) {
      return sendJson(res, 403, { error: 'forbidden', detail: 'this link is not valid or has expired: ask for a new export' });
    }
    const file = await exports.file(id, name);
    if (!file) return sendJson(res, 404, { error: 'not_found', detail: 'this export is no longer kept: ask for a new one' });
    const body = Buffer.from(file.content, 'utf8');
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-length': body.length,
      'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'private, no-store',
    });
    res.end(body);
  });
}
