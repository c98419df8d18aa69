import { useMemo } from 'react';
import { create } from 'qrcode';
import { qrPath } from '../lib/qr.ts';

const MARGIN = 4;

/**
 * A QR code as SVG elements drawn from the library's module matrix. No data: URL and no innerHTML: the proxy's
 * CSP (default-src 'self', no inline anything) stays as strict as it is.
 */
export function QrCode({ value, label }: { value: string; label: string }) {
  const drawn = useMemo(() => {
    try {
      const { modules } = create(value, { errorCorrectionLevel: 'M' });
      return { size: modules.size + 2 * MARGIN, d: qrPath(modules, MARGIN) };
    } catch {
      return null;
    }
  }, [value]);
  if (drawn === null) return <p className="hint hint--problem">This safety number cannot be shown as a QR code.</p>;
  return (
    <svg
      className="qr"
      data-testid="safety-qr"
      viewBox={`0 0 ${drawn.size} ${drawn.size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={drawn.size} height={drawn.size} fill="#fff" />
      <path d={drawn.d} fill="#000" />
    </svg>
  );
}
