import type { ReactNode } from 'react';

/** A centred card for the states before the chat: connecting, unauthorised, closed. */
export function StatusScreen({ title, children, testId }: { title: string; children?: ReactNode; testId: string }) {
  return (
    <div className="status-screen" data-testid={testId}>
      <div className="card status-screen__card">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true" />
          Sealroom
        </div>
        <h1 className="status-screen__title">{title}</h1>
        {children}
      </div>
    </div>
  );
}
