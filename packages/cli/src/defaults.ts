/** The ports `sealroom server` and `sealroom proxy` listen on when none is given. */
export const DEFAULT_SERVER_PORT = 3001;
export const DEFAULT_PROXY_PORT = 3003;
