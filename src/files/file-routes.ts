import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from '../domain/errors.ts';
import { errorResponse } from '../protocol/envelope.ts';
import { DOWNLOAD_PATH, MAX_UPLOAD_BYTES, UPLOAD_PATH, type UploadService } from '../services/files/upload-service.ts';

/**
 * The file pipeline's two HTTP endpoints, beside the RPC endpoint:
 *
 * - `POST /_files/upload`: the form upload an OSS browser client sends (fields
 *   `key`, `policy`, `Signature`, `OSSAccessKeyId`, `success_action_status`, then
 *   `file` last), checked against the signed policy before a byte is stored;
 * - `GET /_files/download/<key>?Expires=&Signature=`: a signed, expiring URL that
 *   serves an export (or an error report) without other credentials.
 *
 * Failures answer the API's error envelope with a 4xx.
 */
const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function registerFileRoutes(app: FastifyInstance, files: UploadService, logger: Logger): void {
  app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 20, fieldSize: 16 * 1024, parts: 25, headerPairs: 100 },
    });

    scope.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
      const requestId = randomUUID().toUpperCase();
      const host = String(request.headers.host ?? 'outboundbot').slice(0, 255);
      let answer;
      if (error instanceof ApiError) answer = errorResponse(requestId, host, error.code, error.message);
      else if (error.statusCode && error.statusCode < 500) answer = errorResponse(requestId, host, 'InvalidPolicyDocument', 'The upload is not a valid multipart form.');
      else {
        logger.error({ err: error, requestId }, 'file endpoint failed');
        answer = errorResponse(requestId, host, 'InternalError');
      }
      return reply.code(answer.status).header('content-type', 'application/json; charset=utf-8').send(answer.body);
    });

    scope.post(UPLOAD_PATH, async (request: FastifyRequest, reply) => {
      const form = new Map<string, string>();
      let stored: { key: string; size: number } | undefined;
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
      if (!stored) throw new ApiError('InvalidPolicyDocument', 'the form has no file field');
      const status = Number(form.get('success_action_status'));
      if (status === 200 || status === 201) return reply.code(status).send({ Key: stored.key, Size: stored.size });
      return reply.code(204).send();
    });

    scope.get(`${DOWNLOAD_PATH}*`, async (request, reply) => {
      const key = (request.params as Record<string, string>)['*'] ?? '';
      const query = request.query as Record<string, string | undefined>;
      const file = await files.openDownload(key, query.Expires, query.Signature);
      const extension = file.name.slice(file.name.lastIndexOf('.') + 1).toLowerCase();
      return reply
        .header('content-type', CONTENT_TYPES[extension] ?? 'application/octet-stream')
        .header('content-length', file.size)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .header('cache-control', 'private, no-store')
        .send(createReadStream(file.path));
    });
  });
}
