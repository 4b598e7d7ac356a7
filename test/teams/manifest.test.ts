/** The Teams app package: manifest valid against Microsoft's schema, icons Teams accepts, `npm run teams:package`. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestUtil } from '@microsoft/app-manifest';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes.js';

const require = createRequire(import.meta.url);
const dir = `${ROOT}manifests/teams/`;
const manifest = JSON.parse(readFileSync(`${dir}manifest.json`, 'utf8')) as {
  manifestVersion: string;
  $schema: string;
  bots: Array<{ botId: string; scopes: string[]; commandLists: Array<{ scopes: string[]; commands: Array<{ title: string }> }> }>;
  composeExtensions: Array<{ botId: string; commands: Array<{ id: string; type: string; fetchTask: boolean; context: string[] }> }>;
};
const schemaFor = (version: string) => require(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`) as object;
const APP_ID = '3f1e5c3a-7b2d-4c8e-9a1f-0b2c3d4e5f60';

function runPackager(env: Record<string, string>, out: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/teams-package.ts', '--out', out], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    encoding: 'utf8',
  });
}

describe('Teams app package', () => {
  const work = mkdtempSync(join(tmpdir(), 'shiftlead-teams-pkg-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('has a manifest valid against the schema of its (current) version', async () => {
    expect(Number(manifest.manifestVersion.split('.')[1])).toBeGreaterThanOrEqual(19);
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/`);
    expect(await ManifestUtil.validateManifestAgainstSchema(manifest as never, schemaFor(manifest.manifestVersion) as never)).toEqual([]);
  });

  it('the schema check finds a broken manifest', async () => {
    const broken = { ...manifest, bots: [{ ...manifest.bots[0], scopes: ['personal', 'groupchat', 'everywhere'] }] };
    const problems = await ManifestUtil.validateManifestAgainstSchema(broken as never, schemaFor(manifest.manifestVersion) as never);
    expect(problems.join('\n')).toContain('/bots/0/scopes/2');
  });

  it('offers the bot in personal, team and group chats, its commands, and the Escalate action from a message', () => {
    const [bot] = manifest.bots;
    expect(bot?.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    // Teams shows at most 10 commands per list (one list per scope): the 1:1 chat's, and the channels'.
    const lists = Object.fromEntries(bot?.commandLists.map((l) => [l.scopes.join('+'), l.commands.map((c) => c.title)]) ?? []);
    expect(lists).toEqual({
      personal: ['escalate', 'escalations', 'shift', 'handoff', 'nudge', 'kudos', 'pulse', 'briefing', 'home', 'help'],
      'team+groupChat': ['escalate', 'escalations', 'shift', 'handoff', 'kudos', 'poll', 'csat', 'briefing', 'report', 'help'],
    });
    // Exports come as files in the personal chat (file consent); the bot API needs supportsFiles.
    expect((bot as { supportsFiles?: boolean } | undefined)?.supportsFiles).toBe(true);
    for (const list of bot?.commandLists ?? []) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const c of list.commands as Array<{ title: string; description: string }>) expect([c.title.length <= 32, c.description.length <= 128]).toEqual([true, true]);
    }
    const [command] = manifest.composeExtensions[0]?.commands ?? [];
    expect(command).toMatchObject({ id: 'escalate', type: 'action', fetchTask: true });
    expect(command?.context).toContain('message');
  });

  it('has a 192×192 colour icon and a 32×32 white-on-transparent outline icon', () => {
    const color = PNG.sync.read(readFileSync(`${dir}color.png`));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = PNG.sync.read(readFileSync(`${dir}outline.png`));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    const pixels = Array.from({ length: outline.width * outline.height }, (_, i) => [...outline.data.subarray(i * 4, i * 4 + 4)] as [number, number, number, number]);
    expect(pixels[0]?.[3]).toBe(0); // a transparent background
    const drawn = pixels.filter((p) => p[3] > 0);
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.every(([r, g, b]) => r === 255 && g === 255 && b === 255)).toBe(true);
  });

  it('`npm run teams:package` zips the manifest with the bot id filled in, and the icons', async () => {
    const out = join(work, 'shiftlead.zip');
    const run = runPackager({ MicrosoftAppId: APP_ID }, out);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const files = unzipSync(readFileSync(out));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as typeof manifest & { id: string };
    expect(packed.id).toBe(APP_ID);
    expect(packed.bots[0]?.botId).toBe(APP_ID);
    expect(packed.composeExtensions[0]?.botId).toBe(APP_ID);
    expect(await ManifestUtil.validateManifestAgainstSchema(packed as never, schemaFor(packed.manifestVersion) as never)).toEqual([]);
  });

  it('refuses to package without a Microsoft App ID, and says why', () => {
    const run = runPackager({ MicrosoftAppId: 'my-bot' }, join(work, 'nope.zip'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('MicrosoftAppId must be your Azure Bot\'s Microsoft App ID (a GUID); it is "my-bot".');
  });
});
