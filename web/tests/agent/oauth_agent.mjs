// A third-party MCP client for the browser tests: the official MCP TypeScript SDK
// (@modelcontextprotocol/sdk) connecting to `todo-mcp http` by URL and authorizing with
// its own OAuth client (`authProvider` on the streamable HTTP transport). The same
// contract as oauth_agent.py:
//
//   node oauth_agent.mjs --mcp-url URL --title TEXT [--client-name NAME]
//
// prints `AUTHORIZE <url>` for the browser to open, serves the redirect at
// http://127.0.0.1:<port>/callback, then (allowed) lists tools, adds a task and lists
// tasks, printing `RESULT <json>`; denied, it prints `DENIED <error>` and exits 3; no
// callback within 120 s, exit 4. Logs go to stderr.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const { values: args } = parseArgs({
  options: {
    'mcp-url': { type: 'string' },
    title: { type: 'string' },
    'client-name': { type: 'string', default: 'Test agent (TypeScript SDK)' },
  },
});
if (!args['mcp-url'] || !args.title) {
  console.error('usage: oauth_agent.mjs --mcp-url URL --title TEXT [--client-name NAME]');
  process.exit(2);
}

/** The loopback redirect URI: the first callback's query, for the one authorization. */
const callback = await new Promise((listening) => {
  let answered;
  const answer = new Promise((done) => { answered = done; });
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      response.writeHead(404).end();
      return;
    }
    const refused = url.searchParams.has('error');
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>Authorization ${refused ? 'refused' : 'received'}</title><p>You can close this tab.</p>`);
    answered(url.searchParams);
  });
  server.listen(0, '127.0.0.1', () => listening({
    redirectUri: `http://127.0.0.1:${server.address().port}/callback`,
    answer,
    close: () => server.close(),
  }));
});

/** Kept in memory: a fresh agent each run. */
class MemoryProvider {
  constructor() { this.saved = {}; }
  get redirectUrl() { return callback.redirectUri; }
  get clientMetadata() {
    return {
      client_name: args['client-name'],
      redirect_uris: [callback.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() { return (this.saved.state = crypto.randomUUID()); }
  clientInformation() { return this.saved.client; }
  saveClientInformation(client) { this.saved.client = client; }
  tokens() { return this.saved.tokens; }
  saveTokens(tokens) { this.saved.tokens = tokens; }
  redirectToAuthorization(url) { console.log(`AUTHORIZE ${url}`); }
  saveCodeVerifier(verifier) { this.saved.verifier = verifier; }
  codeVerifier() { return this.saved.verifier; }
}

const provider = new MemoryProvider();
const url = new URL(args['mcp-url']);
const client = new Client({ name: 'oauth-agent-ts', version: '0' });
try {
  await client.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
  throw new Error('the server let an unauthorized client connect');
} catch (error) {
  if (!(error instanceof UnauthorizedError)) throw error;
}

const timeout = setTimeout(() => {
  console.error('no callback within 120 s');
  process.exit(4);
}, 120_000);
const query = await callback.answer;
clearTimeout(timeout);
callback.close();
if (query.has('error')) {
  console.log(`DENIED ${query.get('error')}`);
  process.exit(3);
}
if (query.get('state') !== provider.saved.state) throw new Error('the state came back changed');

const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
await transport.finishAuth(query.get('code'));
await client.connect(transport);
const structured = (result) => result.structuredContent ?? JSON.parse(result.content?.[0]?.text ?? 'null');
const { tools } = await client.listTools();
const added = await client.callTool({ name: 'add_task', arguments: { text: args.title } });
const listed = await client.callTool({ name: 'list_tasks', arguments: {} });
const tokens = provider.tokens();
console.log(`RESULT ${JSON.stringify({
  tools: tools.map((tool) => tool.name).sort(),
  added: structured(added),
  added_is_error: Boolean(added.isError),
  listed: structured(listed),
  listed_is_error: Boolean(listed.isError),
  access_token_prefix: tokens.access_token.slice(0, 9),
  scope: tokens.scope,
  has_refresh_token: Boolean(tokens.refresh_token),
})}`);
await client.close();
process.exit(0);
