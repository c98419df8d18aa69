import { errorCode, errorMessage } from '../api/local-api-client.ts';

/** An error shown inline: the stable code, then the proxy's short message if it adds anything. */
export function ErrorText({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const code = errorCode(error);
  const message = errorMessage(error);
  return (
    <p className="error" role="alert" data-testid="error" data-code={code}>
      <code className="error__code">{code}</code>
      {message !== '' && message !== code ? <span className="error__message">{message}</span> : null}
    </p>
  );
}

/** A client-side validation hint (no code: nothing was sent). */
export function HintText({ text }: { text: string | null }) {
  if (text === null) return null;
  return (
    <p className="hint hint--problem" role="alert">
      {text}
    </p>
  );
}
