import { describe, expect, it } from 'vitest';
import { formValueIssues } from './form-values';
import { formSchema } from './playbook';

const label = { 'zh-CN': '字段', 'en-US': 'Field' };
const form = formSchema.parse({
  key: 'everything',
  name: { 'zh-CN': '全部类型', 'en-US': 'Every type' },
  fields: [
    { key: 'qty', label, type: 'number', min: 1, max: 100 },
    { key: 'amount', label, type: 'money', min: 100 },
    { key: 'note', label, type: 'text', max: 5 },
    { key: 'on', label, type: 'date' },
    { key: 'at', label, type: 'datetime' },
    {
      key: 'tags',
      label,
      type: 'multiselect',
      max: 2,
      options: ['a', 'b', 'c'].map((value) => ({ value, label })),
    },
    { key: 'kind', label, type: 'select', options: [{ value: 'x', label }] },
    { key: 'tel', label, type: 'phone' },
    { key: 'mail', label, type: 'email' },
    { key: 'ok', label, type: 'boolean' },
  ],
});

describe('deliverable form values', () => {
  it('accepts values that fit every field', () => {
    expect(
      formValueIssues(form, {
        qty: 100,
        amount: 100,
        note: '12345',
        on: '2024-02-29',
        at: '2026-12-05T09:30:00+08:00',
        tags: ['a', 'c'],
        kind: 'x',
        tel: '021-12345678',
        mail: 'li@example.com',
        ok: false,
      }),
    ).toEqual([]);
    expect(formValueIssues(form, { tel: '13912345678', at: '2026-12-05T01:30Z', qty: null })).toEqual([]);
  });

  it('names each bad value with its path and code', () => {
    const issues = formValueIssues(form, {
      qty: 0,
      amount: 99,
      note: '123456',
      on: '2025-02-29',
      at: '2026-12-05 09:30',
      tags: ['a', 'z', 'a'],
      kind: 'y',
      tel: '12345',
      mail: 'not-an-email',
      ok: 'yes',
      extra: 1,
    });
    expect(issues.map((i) => [i.field, i.code])).toEqual([
      ['values.extra', 'unknown_field'],
      ['values.qty', 'too_small'],
      ['values.amount', 'too_small'],
      ['values.note', 'too_long'],
      ['values.on', 'invalid_date'],
      ['values.at', 'invalid_datetime'],
      ['values.tags.1', 'invalid_value'],
      ['values.tags.2', 'duplicate'],
      ['values.tags', 'too_many_items'],
      ['values.kind', 'invalid_value'],
      ['values.tel', 'invalid_phone'],
      ['values.mail', 'invalid_email'],
      ['values.ok', 'invalid_value'],
    ]);
    expect(issues.find((i) => i.field === 'values.qty')!.params).toEqual({ min: 1 });
  });

  it('refuses wrong shapes: a date that is not a string, options that are not a list, a fraction of a cent', () => {
    expect(
      formValueIssues(form, {
        on: 20240101,
        tags: 'a',
        amount: 100.5,
        qty: 101,
        at: '2026-02-30T10:00:00Z',
      }).map((i) => [i.field, i.code]),
    ).toEqual([
      ['values.qty', 'too_big'],
      ['values.amount', 'invalid_money'],
      ['values.on', 'invalid_date'],
      ['values.at', 'invalid_datetime'],
      ['values.tags', 'invalid_value'],
    ]);
  });
});
