/**
 * Loads the team configuration YAML and validates it. Every problem names its key path and line:
 * `people[3].timezone: "Europe/Berln" is not an IANA time zone (e.g. Europe/Berlin) (line 41)`.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { TeamConfigSchema, type TeamConfig } from './team-config-schema.js';

export class TeamConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid team configuration\n${problems.join('\n')}`);
    this.name = 'TeamConfigError';
  }
}

type Path = readonly PropertyKey[];

function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

/** The closest node on `path` that exists in the document. */
function nearestNode(doc: Document, path: Path): Node | undefined {
  for (let len = path.length; len >= 0; len -= 1) {
    const node = doc.getIn(path.slice(0, len) as unknown[], true);
    if (isNode(node)) return node;
  }
  return undefined;
}

/** The node of a key in a map, for "unknown key" problems. */
function keyNode(doc: Document, path: Path, key: string): Node | undefined {
  const map = doc.getIn(path as unknown[], true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isNode(item.key) && String((item.key as { value?: unknown }).value) === key);
  return pair && isNode(pair.key) ? pair.key : undefined;
}

function describe(doc: Document, lines: LineCounter, issue: z.core.$ZodIssue): string[] {
  const lineOf = (node: Node | undefined) => (node?.range ? ` (line ${lines.linePos(node.range[0]).line})` : '');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const where = formatPath([...issue.path, key]);
      return `${where}: unknown key${lineOf(keyNode(doc, issue.path, key) ?? nearestNode(doc, issue.path))}`;
    });
  }
  const present = doc.hasIn(issue.path as unknown[]);
  let message = issue.message;
  if (!present && issue.code === 'invalid_type') message = 'is required';
  const node = nearestNode(doc, issue.path);
  return [`${formatPath(issue.path)}: ${message}${lineOf(node)}`];
}

/** Parses and validates configuration text; throws `TeamConfigError` with every problem. */
export function parseTeamConfig(text: string, file = 'shiftlead.yaml'): TeamConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new TeamConfigError(
      file,
      doc.errors.map((e) => `${e.message.split('\n')[0]} (line ${lines.linePos(e.pos[0]).line})`),
    );
  }
  const data: unknown = doc.toJS();
  if (!isMap(doc.contents) && !isSeq(doc.contents) && (data === null || data === undefined)) {
    throw new TeamConfigError(file, ['the file is empty: start from shiftlead.example.yaml']);
  }
  const result = TeamConfigSchema.safeParse(data);
  if (!result.success) {
    throw new TeamConfigError(file, result.error.issues.flatMap((issue) => describe(doc, lines, issue)));
  }
  return result.data;
}

/** Reads and validates the configuration file. */
export async function loadTeamConfig(file: string): Promise<TeamConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found (copy shiftlead.example.yaml to start)' : `cannot be read (${code ?? String(error)})`;
    throw new TeamConfigError(file, [why]);
  }
  return parseTeamConfig(text, file);
}
