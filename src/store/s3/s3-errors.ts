/**
 * Errors of the S3 backends (layer: store): an S3 request that still failed after the SDK's
 * retries becomes an `ObjectStoreError` naming the operation, bucket, key and S3 error code,
 * never a raw SDK error; a chunk store that is not there is `ObjectStoreNotFoundError`.
 * Messages never carry credentials: only the code, the HTTP status and the service's message
 * (with anything shaped like an access key id masked).
 */
import { VersoError } from '../../core/errors.js';

/** What an SDK error says about itself (the fields the SDK's service exceptions carry). */
interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/** The HTTP status of a failed S3 request, if it got an answer. */
export function s3Status(error: unknown): number | undefined {
  return shape(error).$metadata?.httpStatusCode;
}

/** S3's error code (`NoSuchKey`, `SlowDown`, ...), or the SDK's error name. */
export function s3Code(error: unknown): string {
  const e = shape(error);
  const code = e.Code ?? e.name ?? 'UnknownError';
  if (code !== 'Unknown' && code !== 'UnknownError') return code;
  // A HEAD answer has no body, so the SDK knows only the status.
  return BODILESS_STATUS[e.$metadata?.httpStatusCode ?? 0] ?? code;
}

const BODILESS_STATUS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  403: 'AccessDenied',
  404: 'NotFound',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** A GET/HEAD of a key that does not exist (404 `NoSuchKey` / `NotFound`). */
export function isMissingObject(error: unknown): boolean {
  const code = s3Code(error);
  return (
    code === 'NoSuchKey' ||
    code === 'NotFound' ||
    (s3Status(error) === 404 && code !== 'NoSuchBucket')
  );
}

const ACCESS_KEY_LIKE = /\b(AKIA|ASIA)[0-9A-Z]{12,}\b/g;

/** An S3 request failed for good (after the SDK's retries with backoff). */
export class ObjectStoreError extends VersoError {
  constructor(operation: string, bucket: string, key: string, error: unknown) {
    const code = s3Code(error);
    const status = s3Status(error);
    const said = (shape(error).message ?? '')
      .replace(ACCESS_KEY_LIKE, '<access key>')
      .slice(0, 300);
    super(
      'Internal',
      'OBJECT_STORE_IO',
      `S3 ${operation} of s3://${bucket}/${key} failed: ${code}` +
        `${status !== undefined ? ` (HTTP ${status})` : ''}${said && said !== code && !/^Unknown(Error)?$/.test(said) ? `: ${said}` : ''}`,
      {
        operation,
        bucket,
        key,
        s3Code: code,
        ...(status !== undefined ? { httpStatus: status } : {}),
      },
      { cause: error },
    );
  }
}

/** No chunk store at the location (no marker object, or no such bucket). */
export class ObjectStoreNotFoundError extends VersoError {
  constructor(url: string, why: string) {
    super('NotFound', 'OBJECT_STORE_NOT_FOUND', `no Verso chunk store at ${url}: ${why}`, {
      url,
      why,
    });
  }
}
