import { escapeXml, svgOf } from './charts';
import type { Block } from './report-document';
import type { Language } from './recommendations';

const STYLE = `body{font-family:Helvetica,Arial,sans-serif;max-width:60rem;margin:2rem auto;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}
th{background:#f0f0f0}figure{margin:1rem 0}figcaption{font-size:.85rem;color:#555}`;

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'title':
      return `<h1>${escapeXml(block.text)}</h1>`;
    case 'heading':
      return `<h2>${escapeXml(block.text)}</h2>`;
    case 'paragraph':
      return `<p>${escapeXml(block.text)}</p>`;
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${escapeXml(item)}</li>`).join('')}</ul>`;
    case 'table': {
      const head = block.head.map((cell) => `<th>${escapeXml(cell)}</th>`).join('');
      const rows = block.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeXml(cell)}</td>`).join('')}</tr>`).join('');
      return `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
    }
    case 'chart':
      return `<figure>${svgOf(block.chart, block.title)}<figcaption>${escapeXml(block.title)}</figcaption></figure>`;
  }
}

/** The report as one self-contained HTML page (charts inline as SVG, no script, no external file). */
export function renderHtml(blocks: Block[], language: Language): string {
  const title = blocks.find((block) => block.kind === 'title')?.text ?? 'Vigie';
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>${STYLE}</style></head>
<body>
${blocks.map(blockHtml).join('\n')}
</body></html>
`;
}
