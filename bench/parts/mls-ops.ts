/**
 * The MLS operations part 4 times, implemented twice: through packages/mls (Sealroom's interface, Node
 * crypto provider, our authentication service) and straight on stock ts-mls (its default provider and
 * config), so the reference runs in the same process and run.
 */
export type MlsOps<G, M, K> = {
  name: string;
  /** A new member's key package (and whatever it needs to join). */
  member(handle: string): Promise<K>;
  create(creator: K): Promise<G>;
  add(g: G, members: K[]): Promise<{ group: G; commit: M; welcome: M }>;
  remove(g: G, handle: string): Promise<{ group: G; commit: M }>;
  join(welcome: M, member: K): Promise<G>;
  encrypt(g: G, plaintext: Uint8Array): Promise<{ group: G; message: M }>;
  /** Process an application message or a commit from the room log. */
  process(g: G, message: M): Promise<G>;
  groupInfo(g: G): Promise<M>;
  joinExternal(groupInfo: M, member: K): Promise<G>;
  stateBytes(g: G): number;
};
