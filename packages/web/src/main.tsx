import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useCspSafeValidation } from '@sealroom/protocol';
import { App } from './app.tsx';
import { browserTokenEnv, parseTokenFromHash, takeToken } from './lib/token.ts';
import './styles.css';

// zod must not probe `new Function` under our CSP.
useCspSafeValidation();

// Once, before anything renders: take the token out of the address bar.
const token = takeToken(browserTokenEnv());

// Pasting the proxy's URL into an already open tab only changes the hash (no page load): start over with it.
window.addEventListener('hashchange', () => {
  if (parseTokenFromHash(window.location.hash) === null) return;
  takeToken(browserTokenEnv());
  window.location.reload();
});

const root = document.getElementById('root');
if (root === null) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <App token={token} />
  </StrictMode>,
);
