import { describe, expect, it } from 'vitest';
import { parseBound, parseDay, parseWindow, requireEntityId } from '../../src/domain/research/researchArgs.js';
import { reasonsOf } from '../../src/domain/research/contestedClaims.js';
import { caught } from './caught.js';

const F = 'Query.timeline';

describe('parseDay', () => {
  it('accepts real calendar days, and no value', () => {
    expect(parseDay('2024-12-16', 'from', F)).toBe('2024-12-16');
    expect(parseDay('2024-02-29', 'from', F)).toBe('2024-02-29');
    expect(parseDay('2000-02-29', 'from', F)).toBe('2000-02-29');
    expect(parseDay(null, 'from', F)).toBeNull();
    expect(parseDay(undefined, 'from', F)).toBeNull();
  });

  it('accepts a JS Date, as the Date scalar gives', () => {
    expect(parseDay(new Date('2024-11-15T00:00:00Z'), 'asOf', F)).toBe('2024-11-15');
  });

  it.each(['2024-02-30', '2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00', '0000-01-01', '2024-1-01', '16/12/2024', '2024-12-16T00:00:00Z', ''])(
    'refuses %j as BAD_USER_INPUT naming the argument',
    (value) => {
      const error = caught(() => parseDay(value, 'asOf', F));
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'asOf', field: F });
    },
  );
});

describe('parseWindow', () => {
  it('allows open ends and a single day', () => {
    expect(parseWindow({ from: '2024-11-15' }, F)).toEqual({ from: '2024-11-15', to: null });
    expect(parseWindow({ to: '2024-11-15' }, F)).toEqual({ from: null, to: '2024-11-15' });
    expect(parseWindow({ from: '2024-11-15', to: '2024-11-15' }, F)).toEqual({ from: '2024-11-15', to: '2024-11-15' });
  });

  it('refuses from after to, naming from', () => {
    const error = caught(() => parseWindow({ from: '2024-12-16', to: '2024-12-01' }, F));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'from' });
  });

  it('names to when only to is impossible', () => {
    expect(caught(() => parseWindow({ from: '2024-12-01', to: '2024-12-32' }, F)).extensions).toMatchObject({ argument: 'to' });
  });
});

describe('requireEntityId', () => {
  it('returns the label of an allowed id', () => {
    expect(requireEntityId('place:kupyansk', ['Actor', 'Unit', 'Place'], 'id', F)).toBe('Place');
  });

  it('refuses malformed ids and ids of other kinds, naming the argument', () => {
    expect(caught(() => requireEntityId('Kupyansk', ['Place'], 'about', F)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'about', field: F });
    const error = caught(() => requireEntityId('source:report-kupyansk', ['Actor', 'Unit', 'Place'], 'id', F));
    expect(error.message).toBe('id must be an actor, unit or place id; source:report-kupyansk is a source id.');
    expect(caught(() => requireEntityId('place:kupyansk', ['Statement'], 'id', F)).message).toBe(
      'id must be a statement id; place:kupyansk is a place id.',
    );
  });
});

describe('parseBound and reasonsOf', () => {
  it('bounds are whole numbers from 0', () => {
    expect(parseBound(0, 'minOrigins', F)).toBe(0);
    expect(parseBound(null, 'minOrigins', F)).toBeNull();
    expect(caught(() => parseBound(-1, 'maxOrigins', F)).extensions).toMatchObject({ argument: 'maxOrigins' });
  });

  it('lists every reason that holds, in a fixed order', () => {
    expect(reasonsOf(['DISPUTES', 'CONTRADICTS', 'DISPUTES'], true)).toEqual(['CONTRADICTS', 'DISPUTES', 'SIDES_DIFFER']);
    expect(reasonsOf([], true)).toEqual(['SIDES_DIFFER']);
    expect(reasonsOf(['DISPUTES'], false)).toEqual(['DISPUTES']);
  });
});
