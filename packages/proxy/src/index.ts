export { startProxy } from './start-proxy.js';
export type { ProxyOptions, RunningProxy } from './start-proxy.js';
export { SqliteClientStore } from './sqlite-client-store.js';
export { SealedBox } from './sealed-box.js';
export { WebGuard } from './web-guard.js';
export { SECURITY_HEADERS } from './static-files.js';
