import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isMissingObject } from '../platform/s3-errors';
import { driftReportKey, latestDriftReportKey, type DriftReportStore, type ScheduledDriftReport } from './drift-store';

/** The drift reports in the results bucket (drift-store.ts). */
export function createDriftReportStore(s3: S3Client, bucket: string): DriftReportStore {
  const put = (key: string, report: ScheduledDriftReport) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: `${JSON.stringify(report, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
  return {
    async latest(model) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: latestDriftReportKey(model) }));
        return JSON.parse(await object.Body!.transformToString()) as ScheduledDriftReport;
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },
    async save(report) {
      await put(driftReportKey(report), report);
      await put(latestDriftReportKey(report.model), report);
    },
  };
}
