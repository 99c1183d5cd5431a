import type { VersionReport } from './audit-figures';

/**
 * A version's month as a chart, drawn once as shapes from the figures: the HTML serialises them as SVG
 * (svgOf), the PDF draws the same shapes (render-pdf.ts), so both show one picture of one set of numbers.
 */
export type Shape =
  | { kind: 'rect'; x: number; y: number; width: number; height: number; fill: string; title?: string }
  | { kind: 'text'; x: number; y: number; text: string; size: number; anchor: 'start' | 'end' }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string };

export interface Chart {
  width: number;
  height: number;
  shapes: Shape[];
}

export const COLOURS = {
  succeeded: '#4c78a8',
  unsuccessful: '#e45756',
  ok: '#54a24b',
  drift: '#f58518',
  'not-enough-data': '#d0d0d0',
  axis: '#555555',
} as const;

const WIDTH = 520;
const BARS_TOP = 10;
const BARS_HEIGHT = 90;
const LEFT = 40;
const STRIP = 10;

/** Daily predictions (the part that did not succeed in red on top), and below, each day's drift status. */
export function versionChart(version: VersionReport, labels: { drift: string }): Chart {
  const days = version.daily.length;
  const step = (WIDTH - LEFT) / days;
  const top = Math.max(1, ...version.daily.map((day) => day.predictions));
  const scale = (count: number) => (count / top) * BARS_HEIGHT;
  const base = BARS_TOP + BARS_HEIGHT;
  const shapes: Shape[] = [
    { kind: 'line', x1: LEFT, y1: base, x2: WIDTH, y2: base, stroke: COLOURS.axis },
    { kind: 'text', x: LEFT - 4, y: BARS_TOP + 8, text: String(top), size: 8, anchor: 'end' },
    { kind: 'text', x: LEFT - 4, y: base, text: '0', size: 8, anchor: 'end' },
    { kind: 'text', x: LEFT, y: base + 12, text: '1', size: 8, anchor: 'start' },
    { kind: 'text', x: WIDTH, y: base + 12, text: String(days), size: 8, anchor: 'end' },
  ];
  version.daily.forEach((day, i) => {
    if (day.predictions === 0) return;
    const x = LEFT + i * step + step * 0.1;
    const width = step * 0.8;
    const good = day.predictions - day.unsuccessful;
    const title = `${i + 1}: ${day.predictions} (${day.unsuccessful})`;
    if (good > 0)
      shapes.push({ kind: 'rect', x, y: base - scale(good), width, height: scale(good), fill: COLOURS.succeeded, title });
    if (day.unsuccessful > 0) {
      const y = base - scale(day.predictions);
      shapes.push({ kind: 'rect', x, y, width, height: scale(day.unsuccessful), fill: COLOURS.unsuccessful, title });
    }
  });
  let height = base + 16;
  if (version.drift.days.length > 0) {
    const y = height + 2;
    shapes.push({ kind: 'text', x: LEFT - 4, y: y + STRIP - 1, text: labels.drift, size: 8, anchor: 'end' });
    version.drift.days.forEach((status, i) => {
      shapes.push({
        kind: 'rect',
        x: LEFT + i * step + 0.5,
        y,
        width: step - 1,
        height: STRIP,
        fill: COLOURS[status],
        title: `${i + 1}: ${status}`,
      });
    });
    height = y + STRIP + 4;
  }
  return { width: WIDTH, height, shapes };
}

const escapeXml = (text: string) => text.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);
const n = (value: number) => Number(value.toFixed(2));

export function svgOf(chart: Chart, title: string): string {
  const body = chart.shapes.map((shape) => {
    switch (shape.kind) {
      case 'rect': {
        const tooltip = shape.title ? `<title>${escapeXml(shape.title)}</title>` : '';
        return `<rect x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.width)}" height="${n(shape.height)}" fill="${shape.fill}">${tooltip}</rect>`;
      }
      case 'text':
        return `<text x="${n(shape.x)}" y="${n(shape.y)}" font-size="${shape.size}" text-anchor="${shape.anchor}">${escapeXml(shape.text)}</text>`;
      case 'line':
        return `<line x1="${n(shape.x1)}" y1="${n(shape.y1)}" x2="${n(shape.x2)}" y2="${n(shape.y2)}" stroke="${shape.stroke}"/>`;
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${chart.width} ${n(chart.height)}" width="${chart.width}" height="${n(chart.height)}" font-family="Helvetica, Arial, sans-serif"><title>${escapeXml(title)}</title>${body.join('')}</svg>`;
}

export { escapeXml };
