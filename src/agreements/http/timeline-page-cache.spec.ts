import { describe, expect, it } from '@jest/globals';
import { TimelinePageCache } from './timeline-page-cache.js';

const b = (text: string) => Buffer.from(text);

describe('TimelinePageCache', () => {
  it('answers a page only at the stream version it was read at', () => {
    const cache = new TimelinePageCache();
    cache.set('a 100 ', 3, b('{"items":[1,2,3]}'));
    expect(cache.get('a 100 ', 3)).toEqual(b('{"items":[1,2,3]}'));
    expect(cache.get('a 100 ', 4)).toBeUndefined();
    expect(cache.get('a 50 ', 3)).toBeUndefined();
  });

  it('replaces a page read at a newer version', () => {
    const cache = new TimelinePageCache();
    cache.set('a', 3, b('old'));
    cache.set('a', 4, b('new'));
    expect(cache.get('a', 3)).toBeUndefined();
    expect(cache.get('a', 4)).toEqual(b('new'));
  });

  it('drops the least recently used pages beyond its byte budget', () => {
    const cache = new TimelinePageCache(80);
    cache.set('a', 1, b('x'.repeat(10)));
    cache.set('b', 1, b('y'.repeat(10)));
    expect(cache.get('a', 1)).toEqual(b('x'.repeat(10))); // a is now the most recently used
    for (const key of ['c', 'd', 'e', 'f', 'g', 'h', 'i']) cache.set(key, 1, b('z'.repeat(10)));
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('i', 1)).toEqual(b('z'.repeat(10)));
  });

  it('does not keep a page larger than an eighth of its budget', () => {
    const cache = new TimelinePageCache(80);
    cache.set('big', 1, b('x'.repeat(11)));
    expect(cache.get('big', 1)).toBeUndefined();
  });
});
