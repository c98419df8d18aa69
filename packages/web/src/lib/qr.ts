/** The part of a QR library's module matrix we draw from (qrcode's BitMatrix has this shape). */
export type ModuleMatrix = { size: number; get(row: number, col: number): number | boolean };

/**
 * One SVG path drawing every dark module as a unit square, runs of dark modules on a row merged into one
 * rectangle. Coordinates are offset by the quiet zone (`margin` modules). Built as plain attribute data so the
 * QR can be rendered as SVG elements under a CSP without data: URLs or innerHTML.
 */
export function qrPath(m: ModuleMatrix, margin = 4): string {
  if (!Number.isInteger(m.size) || m.size <= 0) throw new RangeError('qr: matrix size must be a positive integer');
  const parts: string[] = [];
  for (let row = 0; row < m.size; row++) {
    let col = 0;
    while (col < m.size) {
      if (!m.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < m.size && m.get(row, col)) col++;
      parts.push(`M${start + margin} ${row + margin}h${col - start}v1h-${col - start}z`);
    }
  }
  return parts.join('');
}
