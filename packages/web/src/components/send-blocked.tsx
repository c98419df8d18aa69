import type { SendBlock } from '../lib/trust.ts';

/** In place of a usable composer while a changed key is not accepted: who, and the way to fix it. */
export function SendBlocked({ block, onVerify }: { block: SendBlock; onVerify: (handle: string) => void }) {
  return (
    <div className="send-blocked" role="alert" data-testid="send-blocked">
      <p className="send-blocked__text">{block.sentence}</p>
      <div className="send-blocked__actions">
        {block.handles.map((h) => (
          <button key={h} type="button" className="button button--small button--primary" data-testid="send-blocked-verify" data-handle={h} onClick={() => onVerify(h)}>
            Check {h}’s safety number
          </button>
        ))}
      </div>
    </div>
  );
}
