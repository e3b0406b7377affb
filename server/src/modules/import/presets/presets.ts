import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema';
import { AppError } from '../../../shared/errors';
import { loadMaven, MAVEN_DIR, MAVEN_MARKER } from './maven.preset';
import { loadOlistFunnel, OLIST_FUNNEL_DIR, OLIST_MARKER } from './olist.preset';
import { loadOlistPayments, OLIST_PAYMENTS_DIR, OLIST_PAYMENTS_MARKER } from './olist-payments.preset';
import { type PresetContext, presetTenant } from './preset-writer';

/** `../shared/datasets/` next to the repository (the repository root is three levels above src/). */
export const DEFAULT_DATASETS_DIR = resolve(import.meta.dirname, '../../../../../../shared/datasets');

interface Preset {
  dir: string;
  marker: string;
  defaultTenant: string;
  load?: (ctx: PresetContext, datasets: string) => Promise<Record<string, number>>;
  /** Why the preset cannot be loaded yet. */
  unavailable?: string;
}

export const PRESETS: Record<string, Preset> = {
  'maven-crm-sales-opportunities': {
    dir: MAVEN_DIR,
    marker: MAVEN_MARKER,
    defaultTenant: 'Maven CRM 示例',
    load: loadMaven,
  },
  'olist-marketing-funnel': {
    dir: OLIST_FUNNEL_DIR,
    marker: OLIST_MARKER,
    defaultTenant: 'Olist 漏斗示例',
    load: loadOlistFunnel,
  },
  'olist-ecommerce': {
    dir: OLIST_PAYMENTS_DIR,
    marker: OLIST_PAYMENTS_MARKER,
    defaultTenant: 'Olist 回款示例',
    load: loadOlistPayments,
  },
};

export async function loadPreset(
  db: Kysely<DB>,
  name: string,
  opts: {
    tenant?: string;
    from?: string;
    progress?: (what: string, done: number, total: number) => void;
  } = {},
) {
  const preset = PRESETS[name];
  if (!preset) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'preset',
      issues: [
        { field: 'preset', code: 'invalid_value', params: { allowed: Object.keys(PRESETS).join(', ') } },
      ],
    });
  }
  if (!preset.load)
    throw new AppError('INVALID_STATE', { field: 'preset', params: { reason: preset.unavailable ?? name } });
  const from = opts.from ?? DEFAULT_DATASETS_DIR;
  if (!existsSync(join(from, preset.dir))) {
    throw new AppError('REFERENCE_NOT_FOUND', {
      field: 'from',
      params: { entity: 'record', field: join(from, preset.dir) },
    });
  }
  const started = performance.now();
  const { tenantId, actorId } = await presetTenant(db, opts.tenant ?? preset.defaultTenant, preset.marker);
  const counts = await preset.load(
    { db, tenantId, actorId, now: new Date().toISOString(), progress: opts.progress },
    from,
  );
  return { preset: name, tenantId, counts, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
