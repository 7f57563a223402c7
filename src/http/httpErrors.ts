import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type express from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors.js';

/**
 * Errors of the HTTP layer, answered in GraphQL's error shape ({errors: [{message, extensions: {code}}]})
 * on every route, so a client parses one shape whatever went wrong: a body too large, a Content-Type a
 * route does not take, an unknown route, headers or a URL over Node's limits.
 */

export interface ErrorBody {
  errors: Array<{ message: string; extensions: Record<string, unknown> }>;
}

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { errors: [{ message, extensions: { code, ...extra } }] };
}

export function sendError(res: express.Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json(errorBody(code, message, extra));
}

/** Longest request target accepted (path and query string), in bytes; longer is 414. */
export const MAX_URL_BYTES = 8 * 1024;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Every response carries X-Request-Id (the caller's, when well-formed); logs and 500s quote it. */
export function requestId(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const given = req.header('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}

export function uriTooLong(req: express.Request, res: express.Response, next: express.NextFunction): void {
  if (Buffer.byteLength(req.originalUrl) > MAX_URL_BYTES) {
    res.setHeader('Connection', 'close');
    return sendError(res, 414, ErrorCode.URI_TOO_LONG, `The URL is longer than ${MAX_URL_BYTES} bytes; send long queries in a POST body.`, { max: MAX_URL_BYTES });
  }
  next();
}

/** The media type of a request (lowercased, without parameters), or '' when it has none. */
export const mediaTypeOf = (req: express.Request) => (req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();

/** Only these methods on a route; anything else is 405 with Allow. */
export function allowMethods(...methods: string[]) {
  return (req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (methods.includes(req.method) || (req.method === 'HEAD' && methods.includes('GET'))) return next();
    res.setHeader('Allow', methods.join(', '));
    sendError(res, 405, ErrorCode.METHOD_NOT_ALLOWED, `${req.method} is not allowed here; use ${methods.join(' or ')}.`, { allow: methods });
  };
}

export function notFound(req: express.Request, res: express.Response): void {
  sendError(res, 404, ErrorCode.NOT_FOUND, `There is nothing at ${req.method} ${req.path.slice(0, 200)}.`);
}

/**
 * Errors Express middleware raised (body-parser's among them): a 4xx keeps its status with our code; anything
 * else is a broken invariant, logged in full and answered with the request id and no details.
 */
export function httpErrorHandler(log: Logger) {
  return (error: { status?: number; type?: string; limit?: number }, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    switch (error.type) {
      case 'entity.too.large':
        res.setHeader('Connection', 'close');
        return sendError(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${error.limit} bytes.`, { max: error.limit });
      case 'entity.parse.failed':
        return sendError(res, 400, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendError(res, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The request body must be UTF-8.');
      case 'request.aborted':
      case 'request.size.invalid':
        return sendError(res, 400, ErrorCode.BAD_REQUEST, 'The request body was cut short.');
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      return sendError(res, error.status, ErrorCode.BAD_REQUEST, 'Bad request.');
    }
    const id = res.locals.requestId as string | undefined;
    log.error({ err: error, requestId: id, path: req.path }, 'unhandled HTTP error');
    sendError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.', { requestId: id });
  };
}

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers over `maxHeaderSize`, a malformed
 * request line) get a JSON answer too, not an empty 431 or a dropped connection. A request line that alone
 * fills the header limit is reported as a URL too long (414).
 */
export function answerClientErrors(server: http.Server, log: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (!socket.writable || (error.code === 'ECONNRESET')) {
      socket.destroy();
      return;
    }
    let status = 400;
    let code: string = ErrorCode.BAD_REQUEST;
    let message = 'The HTTP request is malformed.';
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      const packet = error.rawPacket?.toString('latin1') ?? '';
      const requestLineEnd = packet.indexOf('\r\n');
      if (requestLineEnd === -1 || requestLineEnd > MAX_URL_BYTES) {
        status = 414;
        code = ErrorCode.URI_TOO_LONG;
        message = `The URL is longer than ${MAX_URL_BYTES} bytes; send long queries in a POST body.`;
      } else {
        status = 431;
        code = ErrorCode.REQUEST_HEADER_FIELDS_TOO_LARGE;
        message = `The request headers are larger than ${http.maxHeaderSize} bytes.`;
      }
    } else if (error.code === 'HPE_HEADER_TIMEOUT' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      code = ErrorCode.BAD_REQUEST;
      message = 'The request headers took too long to arrive.';
    } else {
      log.debug({ err: error }, 'malformed HTTP request');
    }
    const body = JSON.stringify(errorBody(code, message));
    const reason = { 400: 'Bad Request', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' }[status];
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
