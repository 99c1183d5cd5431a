import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelCardMarkdown, type Registered } from '../../functions/training/model-card';
import { modelMetadataSchema } from '../../functions/serving/model-spec';

const iris = modelMetadataSchema.parse(JSON.parse(readFileSync('models/iris/1.0.0/metadata.json', 'utf8'))) as Registered;
const decidedBy = (approver: string, notes: string): Registered => ({
  ...iris,
  governance: { ...iris.governance, approval: { status: 'approved', approver, date: '2026-11-30', notes } },
});

describe('a model card with what a person typed in the approval (issue #20.19)', () => {
  it('keeps the approver and the notes on the approval line, as text: no heading, link, HTML or table cell', () => {
    const markdown = modelCardMarkdown(
      decidedBy(
        'Eve <img src=x onerror=alert(1)>',
        'ok\r\n# Injected\n\n- item\n[click](https://evil.example) | *bold* `code` &lt; ~~gone~~',
      ),
    );
    const lines = markdown.split('\n');
    expect(lines.filter((line) => line.startsWith('#'))).not.toContainEqual(expect.stringContaining('Injected'));
    expect(lines).not.toContain('- item');
    const approval = lines.find((line) => line.startsWith('- Approval: '));
    expect(approval).toBe(
      '- Approval: **approved** by Eve \\<img src=x onerror=alert(1)> on 2026-11-30 (ok # Injected - item ' +
        '\\[click\\](https://evil.example) \\| \\*bold\\* \\`code\\` \\&lt; \\~\\~gone\\~\\~)',
    );
  });

  it('leaves the text of the shipped approvals as it was (governance/model-cards/ unchanged)', () => {
    const digits = modelMetadataSchema.parse(JSON.parse(readFileSync('models/digits/1.1.0/metadata.json', 'utf8'))) as Registered;
    expect(modelCardMarkdown(digits)).toContain(`(${digits.governance.approval.notes})`);
  });
});

describe('a model card with its drift baseline (#24)', () => {
  it('shows what the baseline was computed from, each feature binned, and the answers', () => {
    const markdown = modelCardMarkdown(iris);
    const section = markdown.slice(markdown.indexOf('## Drift baseline'), markdown.indexOf('## Ethical considerations'));
    expect(section).toContain(`(${iris.baseline!.rows} rows)`);
    for (const feature of iris.baseline!.features) expect(section).toContain(`- ${feature.name.replace('_', '\\_')}: `);
    expect(section).toMatch(/- answers: setosa [\d.]+ %, versicolor [\d.]+ %, virginica [\d.]+ %/);
    expect(modelCardMarkdown({ ...iris, baseline: undefined })).not.toContain('## Drift baseline');
  });

  it('shows a picture model’s statistics and its detector’s boxes per frame', () => {
    const car = modelMetadataSchema.parse(
      JSON.parse(readFileSync('models/car-detector/1.0.0/metadata.json', 'utf8')),
    ) as Registered;
    const markdown = modelCardMarkdown(car);
    for (const name of ['width', 'height', 'brightness', 'contrast', 'boxes']) expect(markdown).toContain(`- ${name}: `);
    expect(markdown).toMatch(/- answers: scores in \d+ quantile bins/);
  });
});

describe('a model card names every network that answers for its version (issue #27)', () => {
  const card = (path: string) =>
    modelCardMarkdown(modelMetadataSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) as Registered);

  it('gives the file and SHA-256 of a box refiner or an ink segmenter beside the model’s own, and nothing for a model alone', () => {
    const refined = JSON.parse(readFileSync('models/car-detector/1.2.0/metadata.json', 'utf8'));
    expect(card('models/car-detector/1.2.0/metadata.json')).toContain(
      `Beside it, box-refiner.onnx, SHA-256 ${refined.output.boxRefiner.sha256}.`,
    );
    const segmented = JSON.parse(readFileSync('models/digits/1.7.0/metadata.json', 'utf8'));
    expect(card('models/digits/1.7.0/metadata.json')).toContain(
      `Beside it, ink-segmenter.onnx, SHA-256 ${segmented.input.page.inkSegmenter.sha256}.`,
    );
    expect(card('models/car-detector/1.1.0/metadata.json')).not.toContain('Beside it');
  });
});
