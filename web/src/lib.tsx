import { useQuery } from '@tanstack/react-query';
import type { FormInstance } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from './api/client';
import type { LocalText, Page, Playbook, User } from './api/types';

export type Entity = 'leads' | 'accounts' | 'contacts' | 'deals';
export const ENTITIES: readonly Entity[] = ['leads', 'accounts', 'contacts', 'deals'];
/** The record-type names the server uses in breaches and notifications → the web path. */
export const PATH_OF_TYPE: Record<string, Entity> = {
  lead: 'leads',
  account: 'accounts',
  contact: 'contacts',
  deal: 'deals',
};
/** The relation key an activity uses for a record of this entity. */
export const RELATION_OF: Record<Entity, 'leadId' | 'accountId' | 'contactId' | 'dealId'> = {
  leads: 'leadId',
  accounts: 'accountId',
  contacts: 'contactId',
  deals: 'dealId',
};

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** Picks the playbook text in the UI language. */
export function useLocalText() {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en-US';
  return (text: LocalText | string | undefined | null): string => {
    if (!text) return '';
    if (typeof text === 'string') return text;
    return en ? text['en-US'] : text['zh-CN'];
  };
}

/** A second-by-second clock for countdowns. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** The tenant's users, for owner pickers and filters. */
export function useUsers() {
  return useQuery({
    queryKey: ['users'],
    queryFn: () => api<{ items: User[] }>('GET', '/api/users?limit=500&status=active'),
    staleTime: 5 * 60_000,
  });
}

/** The published playbook of a process (deal, lead), for stage names, reasons and time limits. */
export function usePublishedPlaybook(process: 'deal' | 'lead') {
  return useQuery({
    queryKey: ['playbook', process],
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const list = await api<{ items: { process: string; publishedVersionId: string | null }[] }>(
        'GET',
        '/api/playbooks',
      );
      const pb = list.items.find((p) => p.process === process && p.publishedVersionId);
      if (!pb?.publishedVersionId) return null;
      return playbookVersion(pb.publishedVersionId);
    },
  });
}

export async function playbookVersion(id: string): Promise<Playbook> {
  const v = await api<{ definition: Playbook }>('GET', `/api/playbook-versions/${id}`);
  return v.definition;
}

export function usePlaybookVersion(id: string | undefined) {
  return useQuery({
    queryKey: ['playbook-version', id],
    enabled: !!id,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => playbookVersion(id!),
  });
}

/** Shows the server's field errors on the form's fields; true when at least one landed on a field. */
export function applyServerErrors(form: FormInstance, err: unknown, prefix = ''): boolean {
  if (!(err instanceof ApiError)) return false;
  const byField = new Map<string, string[]>();
  for (const issue of err.issues ?? []) {
    const name = issue.field.startsWith(prefix) ? issue.field.slice(prefix.length) : issue.field;
    byField.set(name, [...(byField.get(name) ?? []), issue.message]);
  }
  if (byField.size === 0 && err.field) {
    const name = err.field.startsWith(prefix) ? err.field.slice(prefix.length) : err.field;
    byField.set(name, [err.message]);
  }
  const known = [...byField].filter(([name]) => form.getFieldInstance(name) !== undefined);
  if (known.length === 0) return false;
  form.setFields(known.map(([name, errors]) => ({ name, errors })));
  return true;
}

/** Splits milliseconds into a short "1d 2h 3m 4s" / "1天2时3分4秒" text. */
export function formatSpan(ms: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts: string[] = [];
  if (d) parts.push(t('time.days', { count: d }));
  if (d || h) parts.push(t('time.hours', { count: h }));
  if (d || h || m) parts.push(t('time.minutes', { count: m }));
  if (!d) parts.push(t('time.seconds', { count: sec }));
  return parts.join(' ');
}

/** Mainland mobile, as the server checks it (+86/0086, spaces and dashes allowed). */
export function isValidMobile(raw: string): boolean {
  let d = toHalfWidth(raw).replace(/[\s\-().]/g, '');
  if (d.startsWith('+86')) d = d.slice(3);
  else if (d.startsWith('0086')) d = d.slice(4);
  return /^1[3-9]\d{9}$/.test(d);
}

/** 统一社会信用代码: 18 characters with the GB 32100 check character. */
export function isValidCreditCode(raw: string): boolean {
  const code = toHalfWidth(raw).replace(/[\s-]/g, '').toUpperCase();
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(code[i]!) * weights[i]!;
  const check = (31 - (sum % 31)) % 31;
  return chars[check] === code[17];
}

export function isTransferRole(role: string): boolean {
  return role === 'admin' || role === 'sales_ops' || role === 'manager';
}

export type { Page };

/** Full-width ASCII to half-width, as the server normalises input. */
export function toHalfWidth(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

/** Times as the same digits in both languages: 2026-11-26 14:05. */
export function fmtTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '';
}
export function fmtDate(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD') : '';
}
