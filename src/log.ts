/**
 * Structured JSON logs (pino). Secrets, tokens, email addresses and phone numbers are redacted
 * wherever they appear: in known fields, in nested objects and inside message strings.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\bxox[abposre]-[A-Za-z0-9-]+/g, 'xox?-[redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]'],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]'],
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, '[email]'],
  [/\+\d[\d ().-]{7,}\d/g, '[phone]'],
  [/(?<![\d.])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\d.])/g, '[phone]'],
];

const SECRET_KEYS = /^(authorization|cookie|token|bottoken|usertoken|apptoken|refreshtoken|password|secret|clientsecret|signingsecret|statesecret|microsoftapppassword|accesstoken)$/i;

/** Removes secrets and personal data from a string. */
export function scrub(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: scrub(value.message), stack: value.stack && scrub(value.stack) };
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEYS.test(key) ? '[redacted]' : scrubValue(v, depth + 1);
  return out;
}

export interface LogOptions {
  level?: string | undefined;
  destination?: DestinationStream;
  name?: string;
}

export function createLogger(options: LogOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'shiftlead',
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/** For the console REPL: log lines as short readable text on stderr instead of JSON. */
export function terminalDestination(stream: NodeJS.WritableStream = process.stderr): DestinationStream {
  return {
    write(line: string) {
      try {
        const entry = JSON.parse(line) as { level?: string; msg?: string; err?: { message?: string } };
        const detail = entry.err?.message ? ` (${entry.err.message})` : '';
        stream.write(`shiftlead ${entry.level ?? 'log'}: ${entry.msg ?? ''}${detail}\n`);
      } catch {
        stream.write(line);
      }
    },
  };
}

/** A logger that drops everything (tests, benches). */
export const silentLogger: Logger = pino({ level: 'silent' });
