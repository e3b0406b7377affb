import { z } from 'zod';

/** How big the synthetic company is, and how long each measurement runs. */
export interface BenchScale {
  name: BenchScaleName;
  reps: number;
  accounts: number;
  leads: number;
  deals: number;
  activities: number;
  /** Rows in the CSV put through the import pipeline (and through the bare bulk insert). */
  importRows: number;
  /** Timed runs of each dashboard query (after one warm-up run). */
  dashboardRuns: number;
  /** Seconds per API scenario (list, read, create, bare route). */
  apiSeconds: number;
  /** Deals prepared so that their gate passes: the stage-move scenario moves each one once. */
  moveDeals: number;
  connections: number;
}

export const BENCH_SCALE_NAMES = ['tiny', 'small', 'medium', 'full'] as const;
export type BenchScaleName = (typeof BENCH_SCALE_NAMES)[number];

export const BENCH_SCALES: Record<BenchScaleName, BenchScale> = {
  // For the test suite: every section runs, in seconds.
  tiny: {
    name: 'tiny',
    reps: 6,
    accounts: 120,
    leads: 400,
    deals: 150,
    activities: 800,
    importRows: 120,
    dashboardRuns: 3,
    apiSeconds: 1,
    moveDeals: 60,
    connections: 10,
  },
  // About a minute for both databases.
  small: {
    name: 'small',
    reps: 50,
    accounts: 5_000,
    leads: 20_000,
    deals: 2_000,
    activities: 60_000,
    importRows: 1_000,
    dashboardRuns: 10,
    apiSeconds: 3,
    moveDeals: 500,
    connections: 50,
  },
  medium: {
    name: 'medium',
    reps: 200,
    accounts: 40_000,
    leads: 200_000,
    deals: 40_000,
    activities: 1_000_000,
    importRows: 10_000,
    dashboardRuns: 10,
    apiSeconds: 10,
    moveDeals: 3_000,
    connections: 50,
  },
  // Issue 7: 1,000,000 leads, 200,000 deals, 5,000,000 activities, 500 reps.
  full: {
    name: 'full',
    reps: 500,
    accounts: 100_000,
    leads: 1_000_000,
    deals: 200_000,
    activities: 5_000_000,
    importRows: 20_000,
    dashboardRuns: 5,
    apiSeconds: 15,
    moveDeals: 5_000,
    connections: 50,
  },
};

export const BENCH_DIALECTS = ['sqlite', 'postgres'] as const;

export const benchOptionsSchema = z.strictObject({
  scale: z.enum(BENCH_SCALE_NAMES).default('full'),
  dialects: z.array(z.enum(BENCH_DIALECTS)).min(1).default(['sqlite', 'postgres']),
  postgresUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .default('postgres://postgres@127.0.0.1:5432/test'),
  seed: z.number().int().default(20261125),
  /** Where the Markdown report goes (default bench/results). */
  outDir: z.string().min(1).optional(),
  /** Progress lines (default: stderr). */
  quiet: z.boolean().default(false),
});
export type BenchOptions = z.input<typeof benchOptionsSchema>;
export type ResolvedBenchOptions = z.output<typeof benchOptionsSchema>;
