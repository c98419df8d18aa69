/**
 * Characters a name must never carry invisibly: C0/C1 controls, the line and paragraph separators, bidi
 * controls that reorder what follows (U+061C, U+200E/200F, U+202A–202E, U+2066–2069: "invoice" + U+202E +
 * "exe.pdf" reads as "invoicefdp.exe") and zero-width characters that make two names look alike (U+200B–200D, U+2060,
 * U+FEFF). The protocol already refuses them in room names (roomNameSchema) and handles are ASCII; this is the
 * last line, for whatever gets past: the UI shows them, it does not obey them.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/** `s` with each invisible or reordering character replaced by a visible marker such as `⟪U+202E⟫`. */
export function visibleText(s: string): string {
  return s.replace(INVISIBLE, (c) => `⟪U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟫`);
}
