import { describe, expect, it } from 'vitest';
import { loadDefaultPlaybooks } from './default-playbooks';
import { checkMove, evaluateGate, type GateContext } from './gates';
import { playbookFromYaml, playbookToYaml, validatePlaybook } from './validate';

const [deal] = loadDefaultPlaybooks();
const stage = (key: string) => deal!.stages.find((s) => s.key === key)!;
const ctx = (over: Partial<GateContext> = {}): GateContext => ({
  record: { amount: 100 },
  forms: {},
  checklist: {},
  ...over,
});

describe('default deal playbook', () => {
  it('is valid and follows the seeds’ stages', () => {
    expect(deal!.stages.map((s) => s.key)).toEqual([
      'initial_contact',
      'needs_analysis',
      'solution',
      'negotiation',
      'contract',
      'won',
      'lost',
    ]);
    expect(stage('initial_contact').forms[0]!.name['zh-CN']).toBe('客户初步沟通记录表');
  });

  it('survives a YAML round trip unchanged', () => {
    const again = playbookFromYaml(playbookToYaml(deal!));
    expect(again.ok && again.playbook).toEqual(deal);
  });
});

describe('gates', () => {
  it('lists every unmet item when leaving 初步接触 with nothing done', () => {
    const r = evaluateGate(stage('initial_contact'), 'exit', ctx());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations.map((v) => [v.kind, v.actionKey ?? v.formKey])).toEqual([
      ['checklist', 'first_contact'],
      ['form', 'first_contact_record'],
    ]);
    expect(r.violations[1]!.message['zh-CN']).toBe('未提交交付物：客户初步沟通记录表');
  });

  it('names the missing fields of a submitted form', () => {
    const r = evaluateGate(
      stage('initial_contact'),
      'exit',
      ctx({
        checklist: { first_contact: true },
        forms: { first_contact_record: { needs: '产线升级', budget: null } },
      }),
    );
    expect(r.ok || r.violations.map((v) => v.fieldKey)).toEqual(['budget', 'decision_chain']);
  });

  it('passes when the checklist and the form are complete', () => {
    const done = ctx({
      checklist: { first_contact: true },
      forms: {
        first_contact_record: { needs: '产线升级', budget: 50_000_000, decision_chain: '总经理拍板' },
      },
    });
    expect(checkMove(deal!, 'initial_contact', 'needs_analysis', done)).toEqual({ ok: true });
  });

  it.each([
    ['a transition that is not allowed', 'initial_contact', 'won', {}, 'transition'],
    ['lost without a reason', 'negotiation', 'lost', { checklist: { quote_sent: true } }, 'reason'],
    [
      'a false exit condition',
      'solution',
      'negotiation',
      { record: { amount: 0 }, forms: { solution_comparison: { options: 'a', recommendation: 'b' } } },
      'condition',
    ],
  ])('refuses %s', (_l, from, to, over, kind) => {
    const r = checkMove(deal!, from, to, ctx(over as Partial<GateContext>));
    expect(r.ok || r.violations.map((v) => v.kind)).toContain(kind);
  });

  it('reports an expression that fails at run time as a violation, not a crash', () => {
    const s = {
      ...stage('solution'),
      exitGate: [{ expr: 'record.missing > 1', message: { 'zh-CN': '坏条件', 'en-US': 'bad' } }],
      forms: [],
    };
    const r = evaluateGate(s, 'exit', ctx());
    expect(r.ok || r.violations[0]!.message['en-US']).toMatch(/cannot evaluate/);
  });
});

describe('playbook validation', () => {
  it('refuses an invalid playbook whole, naming every problem with its path', () => {
    const bad = structuredClone(deal!) as unknown as Record<string, any>;
    bad.stages[0].allowedNext = ['needs_analysis', 'nowhere'];
    bad.stages[2].exitGate[0].expr = 'record.colour == "red"';
    bad.stages[1].timeLimits[0] = {
      key: 'x',
      name: { 'zh-CN': '无单位', 'en-US': 'No unit' },
      escalation: [],
    };
    bad.stages[3].exitGate = [{ expr: 'record.amount >', message: { 'zh-CN': 'x', 'en-US': 'x' } }];
    bad.stages.push({
      key: 'orphan',
      name: { 'zh-CN': '孤立', 'en-US': 'Orphan' },
      ownerRole: 'rep',
      terminal: 'closed',
    });
    const r = validatePlaybook(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.path, p.code])).toEqual(
      expect.arrayContaining([
        ['stages[0].allowedNext[1]', 'unknown_stage'],
        ['stages[2].exitGate[0].expr', 'unknown_field'],
        ['stages[1].timeLimits[0]', 'missing_duration'],
        ['stages[3].exitGate[0].expr', 'syntax_error'],
        ['stages[7]', 'unreachable_stage'],
      ]),
    );
  });

  it('refuses a duration without a unit and bad YAML with a path', () => {
    const r = playbookFromYaml(
      'key: x\nprocess: deal\nname: {zh-CN: a, en-US: a}\nstages:\n  - key: a\n    name: {zh-CN: a, en-US: a}\n    ownerRole: rep\n    terminal: won\n    timeLimits:\n      - key: t\n        name: {zh-CN: a, en-US: a}\n        duration: {value: 2}\n',
    );
    expect(r.ok || r.problems[0]).toMatchObject({
      path: 'stages[0].timeLimits[0].duration.unit',
      code: 'required',
    });
    expect(playbookFromYaml('key: [unclosed').ok).toBe(false);
  });
});
