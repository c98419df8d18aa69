import { describe, expect, it } from 'vitest';
import { KeyedMutex, type Held } from '../src/keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs work for one key strictly one at a time, in order', async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    let inside = 0;
    const job = (name: string, ms: number) =>
      m.run('room', async () => {
        inside++;
        expect(inside).toBe(1);
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        inside--;
        return name;
      });
    expect(await Promise.all([job('a', 20), job('b', 1), job('c', 5)])).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('lets different keys run concurrently and survives a throwing job', async () => {
    const m = new KeyedMutex();
    let both = false;
    let a1 = false;
    await Promise.all([
      m.run('x', async () => {
        a1 = true;
        await new Promise((r) => setTimeout(r, 20));
      }),
      m.run('y', async () => {
        await new Promise((r) => setTimeout(r, 5));
        both = a1;
      }),
    ]);
    expect(both).toBe(true);
    await expect(m.run('x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await m.run('x', async () => 'after')).toBe('after');
  });

  it('hands each run a lock token that proves it is held: another key, or a token kept past its run, is refused', async () => {
    const m = new KeyedMutex();
    let kept: Held | null = null;
    await m.run('room-a', async (held) => {
      held.assert();
      held.assert('room-a');
      expect(() => held.assert('room-b')).toThrow(/room room-b touched without its lock \(holding room-a\)/);
      kept = held;
    });
    expect(() => kept!.assert()).toThrow(/lock already released/);
    try {
      kept!.assert();
    } catch (e) {
      expect((e as { code?: string }).code).toBe('ERR_CLIENT_INTERNAL');
    }
  });
});

