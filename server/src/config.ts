import { z } from 'zod';
import { parseInput } from './shared/validation';

const configSchema = z.object({
  DATABASE_URL: z.string().default('./data/salesops.db'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .default(24 * 7),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  WEB_DIST: z.string().optional(),
});

export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  cookieSecure: boolean;
  sessionTtlHours: number;
  bodyLimitBytes: number;
  webDist?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const e = parseInput(configSchema, env);
  return {
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    cookieSecure: e.COOKIE_SECURE === 'true',
    sessionTtlHours: e.SESSION_TTL_HOURS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    webDist: e.WEB_DIST,
    ...overrides,
  };
}
