import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { importVersion, type ImportDeps } from './import-model';
import { UPLOAD_URL_SECONDS, type UploadRequest } from './upload-request';

/**
 * Presigned PUT URLs into the S3 door (`models/<model>/<version>/` in the uploads bucket) for a model too large for
 * the HTTP route: a key with `models:import` brings it without AWS credentials of its own. The version is chosen
 * now (and refused now when it cannot be had). The samples come before the last of model.onnx and metadata.json,
 * whose arrival starts the import.
 */
export async function uploadUrls(
  deps: Pick<ImportDeps, 'models' | 'shipped'> & { s3: S3Client; uploadsBucket: string; now: () => Date },
  model: string,
  request: UploadRequest,
) {
  const version = await importVersion(deps, model, request.version);
  const files = ['model.onnx', ...new Set(request.files ?? []), 'metadata.json'];
  const uploads = await Promise.all(
    files.map(async (file) => ({
      file,
      method: 'PUT' as const,
      url: await getSignedUrl(
        deps.s3,
        new PutObjectCommand({ Bucket: deps.uploadsBucket, Key: `models/${model}/${version}/${file}` }),
        { expiresIn: UPLOAD_URL_SECONDS },
      ),
    })),
  );
  return {
    model,
    version,
    expiresAt: new Date(deps.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    uploads,
    outcome: `/v1/models/${model}/imports/${version}`,
  };
}
