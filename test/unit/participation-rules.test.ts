import { describe, expect, it } from 'vitest';
import { checkEmail, checkText, isDigestHour, parisHour } from '../../worker/src/domain/participation-rules';
import { datasetRef, imageType, readShowcaseForm } from '../../worker/src/domain/participation-showcase';

describe('participation form rules', () => {
  it('free text: trimmed, newlines normalised, each limit with its own message, kept as typed otherwise', () => {
    expect(checkText('  <b>Pour</b> une étude\r\nsérieuse  ', 'reason')).toEqual({ value: '<b>Pour</b> une étude\nsérieuse' });
    expect(checkText('   ', 'reason')).toEqual({ error: 'participation.error.reason.required' });
    expect(checkText('', 'message', false)).toEqual({ value: '' });
    expect(checkText('court', 'message', false)).toEqual({ error: 'participation.error.message.short' });
    expect(checkText('x'.repeat(2001), 'reason')).toEqual({ error: 'participation.error.reason.long' });
  });
  it('e-mail addresses', () => {
    expect(checkEmail(' lea@example.org ')).toEqual({ value: 'lea@example.org' });
    expect(checkEmail('lea@example')).toEqual({ error: 'participation.error.email.invalid' });
    expect(checkEmail('<lea@example.org>')).toEqual({ error: 'participation.error.email.invalid' });
    expect(checkEmail('')).toEqual({ error: 'participation.error.email.required' });
  });
  it('the digest hour is 7 h in Paris, summer and winter', () => {
    expect(parisHour(new Date('2026-01-15T06:00:00Z'))).toBe(7);
    expect(isDigestHour(new Date('2026-01-15T06:00:00Z'))).toBe(true);
    expect(isDigestHour(new Date('2026-07-15T05:00:00Z'))).toBe(true);
    expect(isDigestHour(new Date('2026-07-15T06:00:00Z'))).toBe(false);
  });
});

describe('réutilisation form rules', () => {
  it('datasets named by slug or by any portal address', () => {
    expect(datasetRef('https://portail.example/dataset/Arrets-De-Bus?x=1')).toBe('arrets-de-bus');
    expect(datasetRef(' /dataset/arrets-de-bus#resources ')).toBe('arrets-de-bus');
    expect(datasetRef('arrets-de-bus')).toBe('arrets-de-bus');
  });
  it('only http(s) addresses; a type from the list; at least one dataset', () => {
    const { errors } = readShowcaseForm({ title: 'Carte', url: 'javascript:alert(1)', type: 'virus', datasets: '' });
    expect(errors).toEqual({ url: 'participation.showcase.error.url', type: 'participation.showcase.error.type', datasets: 'participation.showcase.error.datasetsRequired' });
    const ok = readShowcaseForm({ title: 'Carte', url: 'https://exemple.fr/a', type: 'api', datasets: 'a\nb, a' });
    expect(ok.errors).toEqual({});
    expect(ok.draft.datasetRefs).toEqual(['a', 'b']);
  });
  it('images recognised by their first bytes: PNG, JPEG, WebP; SVG and anything else refused', () => {
    expect(imageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(imageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(imageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(imageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
  });
});
