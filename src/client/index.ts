export { type Client, type ClientOptions, createClient } from './client.js';
export { ApiError, type ApiErrorCode, isApiError } from './errors.js';
export type * from './types.js';
