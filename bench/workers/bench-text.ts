/**
 * A bench message: "<run> <seq> <send time ms>" padded to `size` bytes, so a receiver can tell which run and
 * message it got and when it was sent (the high-resolution clock, comparable between local processes).
 */
export function benchText(run: string, seq: number, sentAt: number, size: number): string {
  const head = `${run} ${seq} ${sentAt.toFixed(3)} `;
  return head.length >= size ? head : head + 'x'.repeat(size - head.length);
}

export function parseBenchText(text: string): { run: string; seq: number; sentAt: number } | null {
  const m = /^(\S+) (\d+) (\d+(?:\.\d+)?) /.exec(text);
  if (!m) return null;
  return { run: m[1] as string, seq: Number(m[2]), sentAt: Number(m[3]) };
}
