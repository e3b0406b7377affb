import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../calendar/business-calendar';
import { chainKey, childChain, guardVerdict, ROOT_CHAIN } from './loop-guard';
import { changedFields, renderLocal, renderTemplate, triggerMatches } from './matching';
import { type Rule, ruleSchema, type Trigger } from './rule';
import { nextScheduleSlot } from './schedule';
import { ruleIssues } from './validate-rule';

const updated: Trigger = { event: 'record.updated', recordType: 'deal', fields: ['amount', 'stage'] };

describe('triggerMatches', () => {
  it.each([
    [
      'same event and type',
      { event: 'record.created', recordType: 'lead' },
      { event: 'record.created', recordType: 'lead' },
      true,
    ],
    [
      'another event',
      { event: 'record.created', recordType: 'lead' },
      { event: 'record.updated', recordType: 'lead' },
      false,
    ],
    [
      'another record type',
      { event: 'record.created', recordType: 'lead' },
      { event: 'record.created', recordType: 'deal' },
      false,
    ],
    [
      'a named field changed',
      updated,
      { event: 'record.updated', recordType: 'deal', changes: ['notes', 'amount'] },
      true,
    ],
    [
      'only other fields changed',
      updated,
      { event: 'record.updated', recordType: 'deal', changes: ['notes'] },
      false,
    ],
    [
      'the named stage',
      { event: 'stage.entered', recordType: 'deal', stageKey: 'solution' },
      { event: 'stage.entered', recordType: 'deal', stageKey: 'solution' },
      true,
    ],
    [
      'another stage',
      { event: 'stage.entered', recordType: 'deal', stageKey: 'solution' },
      { event: 'stage.entered', recordType: 'deal', stageKey: 'needs_analysis' },
      false,
    ],
    [
      'any stage when none is named',
      { event: 'clock.breached', recordType: 'lead' },
      { event: 'clock.breached', recordType: 'lead', stageKey: 'new_lead' },
      true,
    ],
  ] as const)('%s', (_name, trigger, event, expected) => {
    expect(triggerMatches(trigger as Trigger, event)).toBe(expected);
  });
});

describe('changedFields and templates', () => {
  it('lists the fields that differ, leaving out bookkeeping', () => {
    const before = { id: 'd1', amount: 100, notes: null, version: 1, tags: ['a'] };
    const after = { id: 'd1', amount: 200, notes: null, version: 2, tags: ['a', 'b'] };
    expect(changedFields(before, after, new Set(['version']))).toEqual(['amount', 'tags']);
  });
  it.each([
    ['回访 {record.name}', { record: { name: '张三' } }, '回访 张三'],
    ['{record.amount} 分', { record: { amount: 1200 } }, '1200 分'],
    ['空值 [{record.notes}]', { record: { notes: null } }, '空值 []'],
    ['未知 [{customer.name}]', { record: {} }, '未知 []'],
    ['{event.name}', { event: { name: 'stage.entered' } }, 'stage.entered'],
  ])('renders %s', (template, vars, expected) => {
    expect(renderTemplate(template, vars)).toBe(expected);
  });
  it('one string serves both languages; an object keeps each', () => {
    const vars = { record: { name: 'X' } };
    expect(renderLocal('新 {record.name}', vars)).toEqual({ 'zh-CN': '新 X', 'en-US': '新 X' });
    expect(renderLocal({ 'zh-CN': '新 {record.name}', 'en-US': 'New {record.name}' }, vars)).toEqual({
      'zh-CN': '新 X',
      'en-US': 'New X',
    });
  });
});

describe('loop guard', () => {
  const k1 = chainKey('r1', 'lead', 'l1');
  const k2 = chainKey('r2', 'lead', 'l1');
  it.each([
    ['a user event runs', ROOT_CHAIN, k1, 'run'],
    ['another rule in the chain runs', childChain(ROOT_CHAIN, k1), k2, 'run'],
    ['the same rule on the same record stops', childChain(ROOT_CHAIN, k1), k1, 'loop_stopped'],
    ['the same rule on another record runs', childChain(ROOT_CHAIN, k1), chainKey('r1', 'lead', 'l2'), 'run'],
    ['depth 2 still runs', childChain(childChain(ROOT_CHAIN, 'a'), 'b'), k1, 'run'],
    ['depth 3 stops', childChain(childChain(childChain(ROOT_CHAIN, 'a'), 'b'), 'c'), k1, 'loop_stopped'],
  ] as const)('%s', (_name, chain, key, expected) => {
    expect(guardVerdict(chain, key)).toBe(expected);
  });
  it('a child chain is one deeper and leaves its parent alone', () => {
    const child = childChain(ROOT_CHAIN, k1);
    expect(child.depth).toBe(1);
    expect(ROOT_CHAIN.ran.has(k1)).toBe(false);
  });
});

describe('nextScheduleSlot (Asia/Shanghai)', () => {
  const cal = DEFAULT_CALENDAR;
  it.each([
    ['later the same day', { every: 'day', at: '09:00' }, '2026-11-25T00:30:00Z', '2026-11-25T01:00:00.000Z'],
    [
      'the next day once passed',
      { every: 'day', at: '09:00' },
      '2026-11-25T01:00:00Z',
      '2026-11-26T01:00:00.000Z',
    ],
    [
      'a working day skips the weekend',
      { every: 'weekday', at: '09:00' },
      '2026-11-27T02:00:00Z',
      '2026-11-30T01:00:00.000Z',
    ],
    [
      'every day keeps the weekend',
      { every: 'day', at: '09:00' },
      '2026-11-27T02:00:00Z',
      '2026-11-28T01:00:00.000Z',
    ],
    [
      'every hour at minute 15',
      { every: 'hour', at: '00:15' },
      '2026-11-25T03:20:00Z',
      '2026-11-25T04:15:00.000Z',
    ],
    [
      'every hour, the same hour',
      { every: 'hour', at: '00:15' },
      '2026-11-25T03:10:00Z',
      '2026-11-25T03:15:00.000Z',
    ],
    [
      'late evening local is the next UTC day',
      { every: 'day', at: '23:30' },
      '2026-11-25T16:00:00Z',
      '2026-11-26T15:30:00.000Z',
    ],
  ] as const)('%s', (_name, schedule, after, expected) => {
    expect(nextScheduleSlot(schedule, cal, new Date(after)).toISOString()).toBe(expected);
  });
  it('a company extra working day (Saturday) counts as a working day', () => {
    const withSaturday = { ...cal, extraWorkingDays: ['2026-11-28'] };
    const slot = nextScheduleSlot(
      { every: 'weekday', at: '09:00' },
      withSaturday,
      new Date('2026-11-27T02:00:00Z'),
    );
    expect(slot.toISOString()).toBe('2026-11-28T01:00:00.000Z');
  });
});

describe('ruleIssues', () => {
  const fields = (type: string) =>
    type === 'lead' ? ['name', 'grade', 'source', 'ownerId'] : ['name', 'amount'];
  const rule = (over: Partial<Rule>): Rule =>
    ruleSchema.parse({
      name: 'r',
      trigger: { event: 'record.created', recordType: 'lead' },
      actions: [{ type: 'notify', to: { owner: true }, title: 'x' }],
      ...over,
    });
  it.each([
    ['a valid rule', {}, []],
    ['a good condition', { condition: 'record.grade == "A" && "grade" in changes' }, []],
    ['a syntax error', { condition: 'record.grade ==' }, [['condition', 'invalid_expression']]],
    ['an unknown field', { condition: 'record.budget > 1' }, [['condition', 'unknown_field']]],
    ['an unknown variable', { condition: 'forms.x == 1' }, [['condition', 'unknown_variable']]],
    ['previous outside updates', { condition: 'previous.grade == "A"' }, [['condition', 'unknown_variable']]],
    [
      'previous in an update',
      {
        trigger: { event: 'record.updated', recordType: 'lead' },
        condition: 'previous.grade != record.grade',
      },
      [],
    ],
    ['an unknown event field', { condition: 'event.when == 1' }, [['condition', 'unknown_field']]],
    [
      'fields on a create',
      { trigger: { event: 'record.created', recordType: 'lead', fields: ['grade'] } },
      [['trigger.fields', 'unknown_field']],
    ],
    [
      'stage events only for deals and leads',
      { trigger: { event: 'clock.warning', recordType: 'account' } },
      [['trigger.recordType', 'invalid_value']],
    ],
    [
      'a schedule on an event trigger',
      { trigger: { event: 'record.created', recordType: 'lead', schedule: { every: 'day' } } },
      [['trigger.schedule', 'unknown_field']],
    ],
    [
      'set_field outside the whitelist',
      { actions: [{ type: 'set_field', field: 'ownerId', value: null }] },
      [['actions.0.field', 'unknown_field']],
    ],
    [
      'routing for a customer',
      {
        trigger: { event: 'record.created', recordType: 'account' },
        actions: [{ type: 'assign', to: 'routing' }],
      },
      [['actions.0.to', 'invalid_value']],
    ],
    [
      'assign on a deal',
      {
        trigger: { event: 'record.created', recordType: 'deal' },
        actions: [{ type: 'assign', to: { userId: 'u' } }],
      },
      [['actions.0.type', 'invalid_value']],
    ],
  ] as const)('%s', (_name, over, expected) => {
    expect(ruleIssues(rule(over as Partial<Rule>), fields).map((i) => [i.field, i.code])).toEqual(expected);
  });
});
