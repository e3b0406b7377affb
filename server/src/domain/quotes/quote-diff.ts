// What changed between two versions of a quote during negotiation (报价版本对比): lines added,
// removed or changed field by field, and changed terms. Lines are matched by their key (the
// product and spec), so re-ordering lines is not a change.

export interface DiffableLine {
  productId: string;
  spec?: string | null;
  [field: string]: unknown;
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface QuoteDiff {
  added: DiffableLine[];
  removed: DiffableLine[];
  changed: Array<{ key: string; changes: FieldChange[] }>;
  terms: FieldChange[];
}

const lineKey = (l: DiffableLine) => `${l.productId}|${l.spec ?? ''}`;

function fieldChanges(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  skip: string[] = [],
): FieldChange[] {
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => !skip.includes(f)).sort();
  return fields
    .filter((f) => JSON.stringify(a[f] ?? null) !== JSON.stringify(b[f] ?? null))
    .map((f) => ({ field: f, from: a[f] ?? null, to: b[f] ?? null }));
}

export function diffQuoteVersions(
  before: { lines: DiffableLine[]; terms: Record<string, unknown> },
  after: { lines: DiffableLine[]; terms: Record<string, unknown> },
): QuoteDiff {
  const old = new Map(before.lines.map((l) => [lineKey(l), l]));
  const now = new Map(after.lines.map((l) => [lineKey(l), l]));
  const changed: QuoteDiff['changed'] = [];
  for (const [key, l] of now) {
    const prev = old.get(key);
    if (!prev) continue;
    const changes = fieldChanges(prev, l, ['productId', 'spec']);
    if (changes.length) changed.push({ key, changes });
  }
  return {
    added: [...now].filter(([k]) => !old.has(k)).map(([, l]) => l),
    removed: [...old].filter(([k]) => !now.has(k)).map(([, l]) => l),
    changed,
    terms: fieldChanges(before.terms, after.terms),
  };
}
