import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useCspSafeValidation } from '@sealroom/protocol';
import { App } from './app.tsx';
import { browserLoginEnv, browserPageKeys, browserPost, exchangeLoginCode, takeLoginCode } from './lib/login.ts';
import './styles.css';

// zod must not probe `new Function` under our CSP.
useCspSafeValidation();

// Once, before anything renders: a login link's code leaves the address bar, then becomes a session cookie.
const code = takeLoginCode(browserLoginEnv());
const login = code === null ? Promise.resolve(null) : exchangeLoginCode(code, browserPost, browserPageKeys);

const root = document.getElementById('root');
if (root === null) throw new Error('#root missing');
const mount = root;
void login.then((loginFailure) =>
  createRoot(mount).render(
    <StrictMode>
      <App loginFailure={loginFailure} />
    </StrictMode>,
  ),
);
