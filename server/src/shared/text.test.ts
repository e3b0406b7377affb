import { describe, expect, it } from 'vitest';
import { subtreeUnitIds } from '../auth/visibility';
import { localeFromHeader } from './locale';
import { errorMessage, issueMessage } from './messages';
import { buildSearchText, searchPattern } from './search-text';

describe('search text', () => {
  it('holds the value, its pinyin and its initials', () => {
    const text = buildSearchText(['张三', null, 'ACME']);
    expect(text).toContain('张三');
    expect(text).toContain('zhangsan');
    expect(text).toContain('zs');
    expect(text).toContain('acme');
  });

  it('escapes LIKE wildcards in queries', () => {
    expect(searchPattern(' 50%_off ')).toBe('%50\\%\\_off%');
  });
});

describe('locale', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['en-US,en;q=0.9', 'en-US'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en;q=0.5,zh;q=0.9', 'zh-CN'],
    ['fr-FR', 'zh-CN'],
    ['en-GB', 'en-US'],
  ])('%s → %s', (header, locale) => {
    expect(localeFromHeader(header)).toBe(locale);
  });

  it('renders messages with their parameters in both languages', () => {
    expect(errorMessage('RECORD_NOT_FOUND', { entity: 'deal' }, 'zh-CN')).toBe('商机不存在或无权访问');
    expect(errorMessage('RECORD_NOT_FOUND', { entity: 'deal' }, 'en-US')).toBe('Opportunity not found');
    expect(issueMessage('too_long', 'name', { max: 200 }, 'en-US')).toBe(
      'name must be at most 200 characters',
    );
  });
});

describe('org subtree', () => {
  const units = [
    { id: 'root', parentId: null },
    { id: 'east', parentId: 'root' },
    { id: 'sh', parentId: 'east' },
    { id: 'hz', parentId: 'east' },
    { id: 'south', parentId: 'root' },
  ];
  it.each([
    [['east'], ['east', 'hz', 'sh']],
    [['sh'], ['sh']],
    [['root'], ['east', 'hz', 'root', 'sh', 'south']],
    [
      ['sh', 'south'],
      ['sh', 'south'],
    ],
  ])('below %j are %j', (roots, expected) => {
    expect([...subtreeUnitIds(units, roots)].sort()).toEqual(expected);
  });
});
