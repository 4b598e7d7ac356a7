/**
 * Export files kept for a day, for a Teams user to accept (file consent) or download (a signed,
 * expiring link served by Shiftlead when PUBLIC_URL is set). Links are signed with HMAC-SHA256 and
 * a key kept in Redis (made once, shared by every replica).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from './redis.js';
import type { OutgoingFile } from '../chat/platform.js';
import { metricsKeys } from './keys.js';

export const EXPORT_TTL_SECONDS = 24 * 3600;

export class RedisExportStore {
  private readonly keys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = metricsKeys(prefix);
  }

  /** Keeps files for a day; returns their id. */
  async save(files: readonly OutgoingFile[]): Promise<string> {
    const id = randomUUID();
    await this.redis.set(this.keys.exportFiles(id), JSON.stringify(files), 'EX', EXPORT_TTL_SECONDS);
    return id;
  }

  async file(id: string, name: string): Promise<OutgoingFile | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const json = await this.redis.get(this.keys.exportFiles(id));
    return json ? (JSON.parse(json) as OutgoingFile[]).find((f) => f.name === name) : undefined;
  }

  private async secret(): Promise<Buffer> {
    await this.redis.set(this.keys.exportSecret, randomBytes(32).toString('hex'), 'NX');
    return Buffer.from((await this.redis.get(this.keys.exportSecret)) ?? '', 'hex');
  }

  private sign(secret: Buffer, id: string, name: string, exp: number): string {
    return createHmac('sha256', secret).update(`${id}\n${name}\n${exp}`).digest('base64url');
  }

  /** A download link valid until the files expire. */
  async link(publicUrl: string, id: string, name: string): Promise<string> {
    const exp = Math.floor(this.now() / 1000) + EXPORT_TTL_SECONDS;
    const sig = this.sign(await this.secret(), id, name, exp);
    return `${publicUrl.replace(/\/+$/, '')}/exports/${id}/${encodeURIComponent(name)}?exp=${exp}&sig=${sig}`;
  }

  /** True for a link this server signed that has not expired. */
  async verify(id: string, name: string, exp: string, sig: string): Promise<boolean> {
    const expires = Number(exp);
    if (!Number.isInteger(expires) || expires * 1000 < this.now()) return false;
    const expected = Buffer.from(this.sign(await this.secret(), id, name, expires));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
