import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { EightballError } from '../domain/index.ts';

const databaseUrl = z.string().refine((s) => /^sqlite:.+/.test(s) || /^postgres(ql)?:\/\/.+/.test(s), {
  message: 'must be sqlite:PATH, sqlite::memory: or postgres://USER@HOST:PORT/DB',
});

const port = z.coerce.number().int().min(0).max(65535);

/** Every setting eightball reads, with its default. One object, validated once at start-up. */
export const ConfigSchema = z.object({
  databaseUrl: databaseUrl.default('sqlite:./eightball.db'),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be redis://HOST:PORT')
    .optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8080),
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'must be smtp://HOST:PORT')
    .optional(),
  bugzillaApiKey: z.string().min(1).optional(),
  /** a GitHub token for `import github`, GitHub sources and write-back (scopes: issues read/write) */
  githubToken: z.string().min(1).optional(),
  /** Jira Cloud: the account's e-mail (with jiraToken: basic auth); absent: jiraToken is a bearer token */
  jiraEmail: z.string().min(1).optional(),
  jiraToken: z.string().min(1).optional(),
  /** the secrets webhook deliveries are signed with (GitHub, Jira) or carry in a header (Bugzilla) */
  githubWebhookSecret: z.string().min(8).optional(),
  jiraWebhookSecret: z.string().min(8).optional(),
  bugzillaWebhookSecret: z.string().min(8).optional(),
  /** where people reach the web app, for links in e-mail (default http://HOST:PORT) */
  publicUrl: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be http(s)://HOST[:PORT]')
    .optional(),
  /** how long a job stays a worker's without a heartbeat: how soon a dead worker's job is taken up */
  jobLeaseMs: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  /** requests per minute per client to classify (API) and suggest (new-report page) */
  classifyRateLimit: z.coerce.number().int().min(1).max(10_000_000).default(1200),
  /**
   * where similar reports come from: `memory` (an in-memory index of every stored report, filled
   * from the newest down while the server answers) or `index` (the database's full-text index)
   */
  similarSearch: z.enum(['memory', 'index']).default('memory'),
  /**
   * after an activation: `whole` (the old version's in-memory index answers until the new one's is
   * whole; both are held meanwhile) or `at-once` (the new one's answers at once, from what it holds)
   */
  similarHandover: z.enum(['whole', 'at-once']).default('whole'),
  /** threads a fit may use, the calling one included (default: every core) */
  threads: z.coerce.number().int().min(1).max(256).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * behind a reverse proxy: `true` (believe X-Forwarded-* from any hop), a hop count, or the
   * proxies' addresses (comma-separated); https at the proxy then gives Secure cookies
   */
  trustProxy: z
    .union([
      z.boolean(),
      z
        .string()
        .regex(
          /^(true|false|\d+|[0-9a-fA-F.:/,\s]+)$/,
          'must be true, false, a hop count or proxy addresses',
        ),
    ])
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : v))
    .default(false),
  /** the BullMQ queue's Redis key prefix: installations sharing one Redis keep their jobs apart */
  queuePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1 to 64 letters, digits or _ . : -')
    .default('eightball'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable → setting. Documented in the README; keep the two in step. */
export const ENV_VARS: Record<string, keyof Config> = {
  EIGHTBALL_DATABASE_URL: 'databaseUrl',
  EIGHTBALL_REDIS_URL: 'redisUrl',
  EIGHTBALL_HOST: 'host',
  EIGHTBALL_PORT: 'port',
  EIGHTBALL_SMTP_URL: 'smtpUrl',
  EIGHTBALL_PUBLIC_URL: 'publicUrl',
  EIGHTBALL_BUGZILLA_API_KEY: 'bugzillaApiKey',
  EIGHTBALL_GITHUB_TOKEN: 'githubToken',
  EIGHTBALL_JIRA_EMAIL: 'jiraEmail',
  EIGHTBALL_JIRA_TOKEN: 'jiraToken',
  EIGHTBALL_GITHUB_WEBHOOK_SECRET: 'githubWebhookSecret',
  EIGHTBALL_JIRA_WEBHOOK_SECRET: 'jiraWebhookSecret',
  EIGHTBALL_BUGZILLA_WEBHOOK_SECRET: 'bugzillaWebhookSecret',
  EIGHTBALL_LOG_LEVEL: 'logLevel',
  EIGHTBALL_CLASSIFY_RATE_LIMIT: 'classifyRateLimit',
  EIGHTBALL_JOB_LEASE_MS: 'jobLeaseMs',
  EIGHTBALL_THREADS: 'threads',
  EIGHTBALL_SIMILAR_SEARCH: 'similarSearch',
  EIGHTBALL_SIMILAR_HANDOVER: 'similarHandover',
  EIGHTBALL_TRUST_PROXY: 'trustProxy',
  EIGHTBALL_QUEUE_PREFIX: 'queuePrefix',
};

/**
 * How many threads model fitting may use: EIGHTBALL_THREADS, else `threads` in the config file
 * (`--config` or EIGHTBALL_CONFIG), else every core. Read on its own, before any command, since
 * fitting happens in commands that need no other setting (evaluate).
 */
export function threadsSetting(env: NodeJS.ProcessEnv = process.env, file?: string): number {
  let raw: unknown = env.EIGHTBALL_THREADS;
  let where = 'EIGHTBALL_THREADS';
  if (raw === undefined || raw === '') {
    const path = file ?? env.EIGHTBALL_CONFIG;
    raw = path ? readConfigFile(path).threads : undefined;
    where = `config file ${path}: threads`;
  }
  if (raw === undefined || raw === '') return availableParallelism();
  const r = ConfigSchema.shape.threads.safeParse(raw);
  if (!r.success || r.data === undefined) {
    throw new EightballError(
      'config',
      `${where}: must be a whole number from 1 to 256 (got ${JSON.stringify(raw)})`,
    );
  }
  return r.data;
}

/** The settings object of a JSON config file, or a config error naming the file and what is wrong. */
function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new EightballError('config', `config file ${file}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EightballError('config', `config file ${file}: must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

const ENV_NAME_OF = Object.fromEntries(Object.entries(ENV_VARS).map(([k, v]) => [v, k])) as Record<
  keyof Config,
  string
>;

export interface ConfigSources {
  /** from command-line flags: highest precedence */
  flags?: Partial<Record<keyof Config, unknown>>;
  env?: NodeJS.ProcessEnv;
  /** a JSON file (`--config` or EIGHTBALL_CONFIG): lowest precedence */
  file?: string;
}

/**
 * Merge flags over environment over file over defaults, then validate. A bad value fails with
 * the setting's flag/variable name and why, never deep inside the program later.
 */
export function loadConfig(src: ConfigSources = {}): Config {
  const env = src.env ?? process.env;
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const file = src.file ?? env.EIGHTBALL_CONFIG;
  if (file) {
    for (const [k, v] of Object.entries(readConfigFile(file))) {
      if (!(k in ConfigSchema.shape)) {
        throw new EightballError(
          'config',
          `config file ${file}: unknown setting "${k}" (settings: ${Object.keys(ConfigSchema.shape).join(', ')})`,
        );
      }
      merged[k] = v;
      origin[k] = `config file ${file}: ${k}`;
    }
  }
  for (const [name, key] of Object.entries(ENV_VARS)) {
    const v = env[name];
    if (v !== undefined && v !== '') {
      merged[key] = v;
      origin[key] = name;
    }
  }
  for (const [key, v] of Object.entries(src.flags ?? {})) {
    if (v !== undefined) {
      merged[key] = v;
      origin[key] = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    }
  }
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const where = origin[key] ?? ENV_NAME_OF[key as keyof Config] ?? key;
      return `${where}: ${i.message}`;
    });
    throw new EightballError('config', `invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}
