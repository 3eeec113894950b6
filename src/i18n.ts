import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import i18next, { type TFunction, type i18n } from 'i18next';
import { findProjectPath } from './project-files';

export type Language = 'uk' | 'en';
export const LANGUAGES: readonly Language[] = ['uk', 'en'];

/** Ukrainian unless the Viber client says English. */
export function languageFor(viberLanguage: string | null | undefined): Language {
  return viberLanguage?.toLowerCase().startsWith('en') ? 'en' : 'uk';
}

function findLocalesDir(): string {
  const uk = findProjectPath(join('locales', 'uk'), __dirname);
  if (!uk) throw new Error('locales/ not found: run Vistka from its project folder.');
  return dirname(uk);
}

/** Reads `locales/<lang>/<namespace>.json` synchronously: the texts are needed before the first request. */
function loadTranslations(): i18n {
  const root = findLocalesDir();
  const resources: Record<string, Record<string, object>> = {};
  const namespaces = new Set<string>();
  for (const language of LANGUAGES) {
    resources[language] = {};
    for (const file of readdirSync(join(root, language)).filter((name) => name.endsWith('.json'))) {
      const namespace = file.slice(0, -'.json'.length);
      namespaces.add(namespace);
      resources[language][namespace] = JSON.parse(readFileSync(join(root, language, file), 'utf8'));
    }
  }
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: 'uk',
    fallbackLng: 'uk',
    supportedLngs: [...LANGUAGES],
    ns: [...namespaces],
    defaultNS: 'common',
    initAsync: false,
    returnNull: false,
    // Texts go to SMS and Viber, not HTML: the note escapes its own output.
    interpolation: { escapeValue: false },
  });
  return instance;
}

let shared: i18n | undefined;

/** The process-wide translations, loaded on first use. */
export function translations(): i18n {
  shared ??= loadTranslations();
  return shared;
}

/** A translator fixed to one language. */
export function translator(language: Language): TFunction {
  return translations().getFixedT(language);
}
