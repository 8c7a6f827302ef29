/**
 * Visual vocabulary: one colour per family (Big-Five dimension or social-cognitive category), one
 * colour and stroke per relation type. Chosen to stay distinguishable on light and dark stages.
 */
import type { RelationType } from '../api/index.js';

export const FAMILY_COLORS: Record<string, string> = {
  extraversion: '#f4a261',
  agreeableness: '#2a9d8f',
  conscientiousness: '#457b9d',
  'emotional-stability': '#8ab17d',
  openness: '#b565a7',
  'cognitive-bias': '#e9c46a',
  'social-influence': '#e76f51',
  evolutionary: '#a0522d',
  motivational: '#6c8ebf',
};
export const FALLBACK_COLOR = '#888888';

export interface RelationStyle {
  color: string;
  dashed: boolean;
  directed: boolean;
  label: string;
}

export const RELATION_STYLES: Record<RelationType, RelationStyle> = {
  REINFORCES: { color: '#2a9d8f', dashed: false, directed: true, label: 'reinforces' },
  CONFLICTS: { color: '#d62839', dashed: false, directed: false, label: 'conflicts with' },
  MODULATES: { color: '#5c7cfa', dashed: true, directed: true, label: 'modulates' },
  EXCLUDES: { color: '#9d8189', dashed: true, directed: false, label: 'excludes' },
  VARIANT_OF: { color: '#e09f3e', dashed: true, directed: false, label: 'is a variant of' },
};

export interface Theme {
  dark: boolean;
  stage: string;
  label: string;
  faded: string;
  fadedEdge: string;
}

export const LIGHT: Theme = {
  dark: false,
  stage: '#fbfbfa',
  label: '#1d1d1f',
  faded: '#e2e2e2',
  fadedEdge: '#ececec',
};
export const DARK: Theme = {
  dark: true,
  stage: '#16181d',
  label: '#e8e8ea',
  faded: '#2e3139',
  fadedEdge: '#25272e',
};

/** A lighter tint of a hex colour, for the negative pole of a trait. */
export function tint(hex: string, amount = 0.45): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  const [r, g, b] = [mix((n >> 16) & 255), mix((n >> 8) & 255), mix(n & 255)];
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}
