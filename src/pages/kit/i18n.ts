/** The languages of the pages. */
export type Lang = 'en' | 'ar';

/** The languages, as data. */
export const LANGS: readonly Lang[] = ['en', 'ar'];

/** A page family's strings: one entry per key, in both languages (the Arabic must have every English key). */
export type Dictionary<K extends string> = {
  readonly en: Readonly<Record<K, string>>;
  readonly ar: Readonly<Record<K, string>>;
};

/** The strings of `dict` in `lang`. */
export function strings<K extends string>(dict: Dictionary<K>, lang: Lang): Readonly<Record<K, string>> {
  return lang === 'ar' ? dict.ar : dict.en;
}

/** Fills `{name}` placeholders. */
export function fill(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The language a request asked for: the `lang` cookie, else `en`. */
export function langOf(cookies: Readonly<Record<string, string>>): Lang {
  return cookies.bawaba_lang === 'ar' ? 'ar' : 'en';
}

/** Declares a dictionary: the Arabic is checked to have exactly the English keys. */
export function dictionary<E extends Record<string, string>>(d: {
  readonly en: E;
  readonly ar: Readonly<Record<keyof E, string>>;
}): Dictionary<Extract<keyof E, string>> {
  return d as Dictionary<Extract<keyof E, string>>;
}
