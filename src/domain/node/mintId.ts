import { randomBytes } from 'node:crypto';
import { idPrefix, labelOfId, MAX_ID_LENGTH, type Label } from '../../ids.js';
import { InvariantError } from '../../errors.js';

/**
 * Ids for nodes created without one: `<prefix>:<slug>-<suffix>`, the slug made from the name, title or
 * text (Latin letters kept, diacritics dropped, Cyrillic transliterated, at most 48 characters cut at a
 * word), the suffix 6 random base-36 characters so two nodes with the same name get different ids.
 */

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'e', є: 'ie', ж: 'zh', з: 'z', и: 'i', і: 'i',
  ї: 'i', й: 'i', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f',
  х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia',
};

export const MAX_SLUG_LENGTH = 48;

/** A slug of the text: lowercase letters and digits joined by single hyphens; may be empty. */
export function slugOf(text: string): string {
  const latin = [...text.toLowerCase()].map((c) => CYRILLIC[c] ?? c).join('');
  const words = latin
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’ʼ]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > MAX_SLUG_LENGTH) return slug || word.slice(0, MAX_SLUG_LENGTH);
    slug = next;
  }
  return slug;
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
function suffix(length = 6): string {
  return [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** A new id for a node of `label`, made from its name (or title, or text). */
export function mintId(label: Label, name: string): string {
  const slug = slugOf(name);
  const id = `${idPrefix(label)}:${slug ? `${slug}-` : ''}${suffix()}`;
  if (labelOfId(id) !== label || id.length > MAX_ID_LENGTH) throw new InvariantError(`minted a malformed id ${id}`);
  return id;
}
