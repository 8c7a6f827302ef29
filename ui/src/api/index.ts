export { api, ApiError } from './client.js';
export * from './types.js';
