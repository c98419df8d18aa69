/**
 * Our GroupInfo extension (RFC 9420 §17.3 private-use range) for data only newcomers need — room name and
 * openness. It rides inside the Welcome's encrypted GroupInfo, so the relay never sees it.
 */
export const WELCOME_INFO_EXTENSION = 0xf5a1;
