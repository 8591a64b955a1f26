// echo_target.testdata.mjs: a minimal target over ptp.mjs for ptp.test.mjs (not a built-in; not named *.test.mjs so node --test does not run it).
import { serve, name, hex, uint, names, hexMap, string, refuse, toHex, delivery } from './ptp.mjs';

const inject = process.argv.includes('--inject');
serve(
  { ptp: 1, implementation: 'echo', version: '0', protocol: 'custom:echo', capabilities: inject ? ['inject'] : [] },
  {
    reset: () => ({}),
    echo: (req) => ({
      party: name(req, 'party'),
      data: toHex(hex(req, 'data')),
      n: uint(req, 'n', { optional: true, below: 2 ** 31 }),
      members: names(req, 'members', { optional: true }),
      bundles: Object.fromEntries([...(hexMap(req, 'bundles', { optional: true }) ?? new Map())].map(([k, v]) => [k, toHex(v)])),
      kind: string(req, 'kind', { optional: true, choices: ['prekey', 'message'] }),
    }),
    deliver: (req) => ({ deliveries: [delivery(name(req, 'to'), hex(req, 'envelope'), 'control')] }),
    refuse: () => refuse('no_session', 'nothing here'),
    crash: () => {
      throw new TypeError('boom');
    },
    slow: async () => {
      await new Promise((r) => setTimeout(r, 20));
      return { slow: true };
    },
  },
);
