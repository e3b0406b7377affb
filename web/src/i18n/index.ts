import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setApiLanguage } from '../api/client';
import { adminEnUS } from './admin.en-US';
import { adminZhCN } from './admin.zh-CN';
import { analyticsEnUS } from './analytics.en-US';
import { analyticsZhCN } from './analytics.zh-CN';
import { enUS } from './en-US';
import { opsEnUS } from './ops.en-US';
import { opsZhCN } from './ops.zh-CN';
import { q2cEnUS } from './q2c.en-US';
import { q2cZhCN } from './q2c.zh-CN';
import { zhCN } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en-US'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'salesops.language';

function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'en-US' ? 'en-US' : 'zh-CN';
}

export async function initI18n(): Promise<void> {
  const lng = initialLanguage();
  setApiLanguage(lng);
  await i18n.use(initReactI18next).init({
    resources: {
      'zh-CN': { translation: { ...zhCN, ...adminZhCN, ...opsZhCN, ...q2cZhCN, ...analyticsZhCN } },
      'en-US': { translation: { ...enUS, ...adminEnUS, ...opsEnUS, ...q2cEnUS, ...analyticsEnUS } },
    },
    lng,
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
  });
}

export async function changeLanguage(lng: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, lng);
  setApiLanguage(lng);
  document.documentElement.lang = lng;
  await i18n.changeLanguage(lng);
}
