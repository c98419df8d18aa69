import { useEffect, useState } from 'react';

/** Copy a value to the clipboard; falls back to selecting the target element's text. */
export function CopyButton({ value, label = 'Copy', targetId }: { value: string; label?: string; targetId?: string }) {
  const [done, setDone] = useState<'copied' | 'selected' | null>(null);

  useEffect(() => {
    if (done === null) return;
    const t = window.setTimeout(() => setDone(null), 1500);
    return () => window.clearTimeout(t);
  }, [done]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setDone('copied');
    } catch {
      const el = targetId === undefined ? null : document.getElementById(targetId);
      if (el !== null) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
        setDone('selected');
      }
    }
  };

  return (
    <button type="button" className="button button--small" data-testid="copy-room-id" onClick={() => void copy()}>
      {done === 'copied' ? 'Copied ✓' : done === 'selected' ? 'Press Ctrl+C' : label}
    </button>
  );
}
