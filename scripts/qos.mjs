#!/usr/bin/env node
// qos: the qos-ledger terminal for cloud owners, clients and operators.
//   node scripts/qos.mjs <command> [options]      (node scripts/qos.mjs --help)
import { parseArgs } from 'node:util';

import { UserError } from './lib/chain.mjs';
import { commands } from './lib/commands.mjs';

const GLOBAL_OPTIONS = {
  url: { type: 'string', default: process.env.QOS_URL || 'ws://127.0.0.1:9944' },
  'chain-spec': { type: 'string' },
  bootnode: { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

function usage() {
  const lines = ['usage: node scripts/qos.mjs <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(19)} ${c.summary}`);
  lines.push('', 'global options:', '  --url <ws-url>      node to talk to (default ws://127.0.0.1:9944, or $QOS_URL)');
  lines.push('  --chain-spec <file> verify the chain with an embedded light client instead (a raw chain spec)');
  lines.push('  --bootnode <addr>   a peer for the light client, /ip4/…/tcp/…/p2p/<id> (repeatable)');
  lines.push('  --json              machine-readable output', '  -h, --help          help (also after a command)');
  return lines.join('\n');
}

function commandUsage(name, c) {
  const lines = [`usage: node scripts/qos.mjs ${name} ${c.usage ?? ''}`.trimEnd(), '', c.summary];
  if (c.options) {
    lines.push('', 'options:');
    for (const [opt, spec] of Object.entries(c.options)) {
      const head = `  --${opt}${spec.type === 'string' ? ' <value>' : ''}${spec.multiple ? ' ...' : ''}`;
      lines.push(`${head.padEnd(28)} ${spec.help ?? ''}`.trimEnd());
    }
  }
  return lines.join('\n');
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const command = commands[name];
  if (!command) throw new UserError(`unknown command '${name}' (see --help)`);
  const specs = Object.fromEntries(
    Object.entries(command.options ?? {}).map(([k, v]) => [
      k,
      Object.fromEntries(Object.entries({ type: v.type, default: v.default, multiple: v.multiple }).filter(([, x]) => x !== undefined)),
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...specs }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UserError(`${name}: ${e.message}`);
  }
  if (parsed.values.help) {
    console.log(commandUsage(name, command));
    return 0;
  }
  const result = await command.run(parsed.values, parsed.positionals);
  // A command that printed as it went (watch) returns nothing more to print.
  if (result === undefined) return 0;
  if (parsed.values.json) console.log(JSON.stringify(result ?? null, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
  else if (result?.text) console.log(result.text);
  return 0;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((e) => {
    const message = e instanceof UserError ? e.message : `unexpected error: ${e.stack ?? e}`;
    console.error(`qos: ${message}`);
    process.exit(e instanceof UserError ? 1 : 2);
  });
