/** Grouped bars: one group per category (e.g. K), one bar per series (e.g. system); plain SVG, no library. */
export type BarChart = {
  title: string;
  unit: string;
  categories: string[];
  series: { name: string; colour: string; values: (number | null)[] }[];
  /** Log scale for values spanning orders of magnitude (deliveries/s of two systems). */
  log?: boolean;
};

const W = 640;
const H = 320;
const M = { top: 40, right: 20, bottom: 60, left: 70 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(2));

export function barChartSvg(c: BarChart): string {
  const values = c.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  const max = Math.max(1, ...values);
  const min = c.log ? Math.max(Math.min(...values, max) / 2, 1e-3) : 0;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const y = (v: number): number => {
    const f = c.log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min) || 1) : v / max;
    return M.top + plotH * (1 - Math.max(0, Math.min(1, f)));
  };
  const groupW = plotW / Math.max(1, c.categories.length);
  const barW = (groupW * 0.8) / Math.max(1, c.series.length);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(c.title)}</text>`,
    `<line x1="${M.left}" y1="${M.top + plotH}" x2="${W - M.right}" y2="${M.top + plotH}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + plotH}" stroke="black"/>`,
    `<text x="16" y="${M.top + plotH / 2}" transform="rotate(-90 16 ${M.top + plotH / 2})" text-anchor="middle">${esc(c.unit)}${c.log ? ' (log)' : ''}</text>`,
  ];
  c.categories.forEach((cat, i) => {
    const gx = M.left + i * groupW + groupW * 0.1;
    out.push(`<text x="${M.left + i * groupW + groupW / 2}" y="${M.top + plotH + 18}" text-anchor="middle">${esc(cat)}</text>`);
    c.series.forEach((s, j) => {
      const v = s.values[i];
      if (v === null || v === undefined || !Number.isFinite(v) || v <= 0) return;
      const top = y(v);
      const x = gx + j * barW;
      out.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(M.top + plotH - top).toFixed(1)}" fill="${s.colour}"/>`);
      out.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(top - 4).toFixed(1)}" text-anchor="middle" font-size="10">${fmt(v)}</text>`);
    });
  });
  c.series.forEach((s, j) => {
    const lx = M.left + j * 200;
    out.push(`<rect x="${lx}" y="${H - 22}" width="12" height="12" fill="${s.colour}"/>`);
    out.push(`<text x="${lx + 18}" y="${H - 12}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
