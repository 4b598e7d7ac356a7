/**
 * `npm run teams:package`: the zip a Teams admin uploads (Teams admin center → Manage apps →
 * Upload, or Teams → Apps → Manage your apps → Upload an app). It holds manifests/teams/manifest.json
 * with the bot's Microsoft App ID filled in, and the two icons.
 *
 *   MicrosoftAppId      the Azure Bot registration's app id (required; from the environment or ./.env)
 *   TEAMS_APP_ID        the Teams app's own id (default: the same GUID; keep it stable across uploads)
 *   --out <file>        where to write the zip (default build/shiftlead-teams.zip)
 *
 * The manifest is checked against the official schema shipped in @microsoft/app-manifest, and the
 * icons against Teams' sizes (color 192×192, outline 32×32 with a transparent background).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManifestUtil } from '@microsoft/app-manifest';
import { zipSync } from 'fflate';
import { readEnvFile } from '../src/config/env.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'manifests', 'teams');
const require = createRequire(import.meta.url);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Manifest {
  manifestVersion: string;
  version: string;
  id: string;
  icons: { color: string; outline: string };
  bots?: Array<{ botId: string }>;
  composeExtensions?: Array<{ botId?: string }>;
}

/** Width, height and colour type from a PNG's IHDR chunk. */
function pngHeader(bytes: Uint8Array): { width: number; height: number; colorType: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 29 || signature.some((b, i) => bytes[i] !== b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20), colorType: bytes[25] ?? -1 };
}

function iconProblems(name: string, bytes: Uint8Array, size: number, transparent: boolean): string[] {
  const header = pngHeader(bytes);
  if (!header) return [`${name} is not a PNG`];
  const problems: string[] = [];
  if (header.width !== size || header.height !== size) problems.push(`${name} is ${header.width}×${header.height}; Teams wants ${size}×${size}`);
  // Colour type 6 is RGBA: the outline icon needs its alpha channel for a transparent background.
  if (transparent && header.colorType !== 6) problems.push(`${name} has no alpha channel; the outline icon must be white on transparent`);
  return problems;
}

export async function packageProblems(manifest: Manifest, icons: { color: Uint8Array; outline: Uint8Array }): Promise<string[]> {
  const schemaPath = `@microsoft/app-manifest/build/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`;
  const schema = require(schemaPath) as object;
  const problems = await ManifestUtil.validateManifestAgainstSchema(manifest as never, schema as never);
  return [...problems, ...iconProblems('color.png', icons.color, 192, false), ...iconProblems('outline.png', icons.outline, 32, true)];
}

async function main(): Promise<void> {
  readEnvFile();
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = resolve(outAt >= 0 && args[outAt + 1] ? (args[outAt + 1] as string) : join(root, 'build', 'shiftlead-teams.zip'));
  const appId = process.env['MicrosoftAppId']?.trim() ?? '';
  const teamsAppId = process.env['TEAMS_APP_ID']?.trim() || appId;
  const fail = (lines: string[]) => {
    process.stderr.write(`Cannot build the Teams app package:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
    process.exit(1);
  };
  if (!GUID.test(appId)) fail([`MicrosoftAppId must be your Azure Bot's Microsoft App ID (a GUID); it is ${appId ? JSON.stringify(appId) : 'not set'}.`]);
  if (!GUID.test(teamsAppId)) fail([`TEAMS_APP_ID must be a GUID; it is ${JSON.stringify(teamsAppId)}.`]);

  const manifest = JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8')) as Manifest;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  manifest.id = teamsAppId;
  manifest.version = pkg.version;
  for (const bot of manifest.bots ?? []) bot.botId = appId;
  for (const extension of manifest.composeExtensions ?? []) extension.botId = appId;
  const icons = { color: readFileSync(join(source, manifest.icons.color)), outline: readFileSync(join(source, manifest.icons.outline)) };
  const problems = await packageProblems(manifest, icons);
  if (problems.length > 0) fail(problems);

  const zip = zipSync({
    'manifest.json': new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
    [manifest.icons.color]: icons.color,
    [manifest.icons.outline]: icons.outline,
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  process.stdout.write(`Wrote ${out} (Teams app ${teamsAppId}, bot ${appId}, version ${manifest.version}). Upload it in Teams: Apps → Manage your apps → Upload an app.\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
