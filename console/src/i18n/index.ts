import { computed, effect, signal } from '@preact/signals';
import { en } from './en';
import { fr, type MessageKey } from './fr';

export type Lang = 'fr' | 'en';
export type { MessageKey };

const CATALOGS: Record<Lang, Record<MessageKey, string>> = { fr, en };
const STORAGE_KEY = 'vigie.lang';

function storedLang(): Lang {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'fr';
}

/** French by default; the reader's choice is remembered per browser. */
export const lang = signal<Lang>(storedLang());

effect(() => {
  localStorage.setItem(STORAGE_KEY, lang.value);
  document.documentElement.lang = lang.value;
});

/** `t('key', {name: value})`: the message in the current language, `{name}` filled in. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return CATALOGS[lang.value][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** A message for a code the API answers (problem+json `code`), when the catalog has one. */
export function knownMessage(prefix: 'error' | 'status' | 'approval', code: string): string | undefined {
  const key = `${prefix}.${code}`;
  return key in fr ? t(key as MessageKey) : undefined;
}

const locale = computed(() => (lang.value === 'fr' ? 'fr-FR' : 'en-GB'));

/** Numbers and dates in the reader's language. */
export const formatNumber = (value: number, digits = 3) =>
  new Intl.NumberFormat(locale.value, { maximumFractionDigits: digits }).format(value);
export const formatPercent = (value: number) =>
  new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: 1 }).format(value);
export const formatDate = (iso: string) =>
  new Intl.DateTimeFormat(locale.value, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso));
