import { createReadStream } from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../domain/errors.ts';
import { DOWNLOAD_PATH, MAX_UPLOAD_BYTES, UPLOAD_PATH, type UploadService } from '../services/files/upload-service.ts';
import { RECORDING_KEY_PREFIX, type RecordingService } from '../services/recordings/recording-service.ts';

/**
 * The file pipeline's two HTTP endpoints, beside the RPC endpoint:
 *
 * - `POST /_files/upload`: the form upload an OSS browser client sends (fields
 *   `key`, `policy`, `Signature`, `OSSAccessKeyId`, `success_action_status`, then
 *   `file` last), checked against the signed policy before a byte is stored;
 * - `GET /_files/download/<key>?Expires=&Signature=`: a signed, expiring URL that
 *   serves an export (or an error report) without other credentials, or a call
 *   recording (`recordings/...`, DownloadRecording), swapped or sliced as signed.
 *
 * Failures are thrown to the app's one error handler (src/server/error-handler.ts),
 * which answers the API's error envelope with a 4xx.
 */
const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  wav: 'audio/wav',
};

export function registerFileRoutes(app: FastifyInstance, files: UploadService, recordings: RecordingService): void {
  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 20, fieldSize: 16 * 1024, parts: 25, headerPairs: 100 },
    });

    scope.post(UPLOAD_PATH, async (request: FastifyRequest, reply) => {
      const form = new Map<string, string>();
      let stored: { key: string; size: number } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            // OSS form field names are case-insensitive.
            form.set(part.fieldname.toLowerCase(), String(part.value));
            continue;
          }
          if (stored) throw new ApiError('InvalidPolicyDocument', 'only one file per upload');
          // OSS replaces ${filename} in the key with the uploaded file's name.
          const key = form.get('key')?.replace('${filename}', part.filename);
          const target = await files.checkUpload({ key, policy: form.get('policy'), signature: form.get('signature') });
          const size = await files.storeUpload(target, part.file, () => part.file.truncated);
          stored = { key: target.key, size };
        }
      } catch (error) {
        throw asUploadError(error);
      }
      if (!stored) throw new ApiError('InvalidPolicyDocument', 'the form has no file field');
      const status = Number(form.get('success_action_status'));
      if (status === 200 || status === 201) return reply.code(status).send({ Key: stored.key, Size: stored.size });
      return reply.code(204).send();
    });

    scope.get(`${DOWNLOAD_PATH}*`, async (request, reply) => {
      const key = (request.params as Record<string, string>)['*'] ?? '';
      const query = request.query as Record<string, string | undefined>;
      if (key.startsWith(RECORDING_KEY_PREFIX)) {
        const recording = await recordings.open(key, query.Expires, query.Signature);
        return attachment(reply, recording.name, recording.body.length).send(recording.body);
      }
      const file = await files.openDownload(key, query.Expires, query.Signature);
      return attachment(reply, file.name, file.size).send(createReadStream(file.path));
    });
  });
}

function attachment(reply: FastifyReply, name: string, size: number): FastifyReply {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return reply
    .header('content-type', CONTENT_TYPES[extension] ?? 'application/octet-stream')
    .header('content-length', size)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
    .header('cache-control', 'private, no-store');
}

/** The multipart reader's own 4xx (limits, a body that is not a form) is a form the policy cannot accept. */
function asUploadError(error: unknown): unknown {
  const status = (error as { statusCode?: number }).statusCode;
  if (error instanceof ApiError || !status || status >= 500) return error;
  return new ApiError('InvalidPolicyDocument', 'The upload is not a valid multipart form.');
}
