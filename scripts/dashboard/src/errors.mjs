// What went wrong, in words a client or an owner acts on.

/** A one-line explanation of `error` (thrown by @polkadot/api, the chain or the page). */
export function explain(error) {
  const message = String(error?.message ?? error);
  if (/Inability to pay some fees|account balance too low/i.test(message)) {
    return 'Not enough balance: this account cannot pay the transaction fee. Nothing was sent.';
  }
  if (/balances\.(InsufficientBalance|FundsUnavailable)|FundsUnavailable|InsufficientBalance/.test(message)) {
    return `Not enough balance for this call (${message}).`;
  }
  if (/cannot connect to|did not sync|WebSocket|ECONNREFUSED|disconnected/i.test(message)) {
    return `The chain is unreachable: ${message}. Is the node running, and started with --rpc-cors all when this page is served from elsewhere?`;
  }
  if (/Cancelled|Rejected by user/i.test(message)) return 'The signing was cancelled in the extension. Nothing was sent.';
  return message;
}
