import { formatNumber, t } from '../i18n';
import type { Detection } from '../types';

/** The picture with each box drawn over it (SVG in the picture's own pixels), and the boxes listed in words. */
export function DetectionsView({
  imageUrl,
  size,
  detections,
}: {
  imageUrl: string;
  size: { width: number; height: number };
  detections: Detection[];
}) {
  return (
    <figure class="detections">
      <svg
        viewBox={`0 0 ${size.width} ${size.height}`}
        role="img"
        aria-label={t('predict.detections', { count: detections.length })}
      >
        <image href={imageUrl} width={size.width} height={size.height} />
        {detections.map((d, i) => (
          <g key={i}>
            <rect x={d.box.xmin} y={d.box.ymin} width={d.box.xmax - d.box.xmin} height={d.box.ymax - d.box.ymin} class="box" />
            <text x={d.box.xmin + 4} y={Math.max(d.box.ymin - 6, 16)} class="box-label">
              {formatNumber(d.score, 2)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>
        {detections.length === 0 ? t('predict.noDetection') : t('predict.detections', { count: detections.length })}
        {detections.length > 0 && (
          <ul>
            {detections.map((d, i) => (
              <li key={i}>{t('predict.box', { label: d.label, score: formatNumber(d.score, 2) })}</li>
            ))}
          </ul>
        )}
      </figcaption>
    </figure>
  );
}
