// Connects with the reference graphql-ws client, subscribes to notifications, prints
// "connected" once the server acknowledged, then prints the first notification as JSON
// and completes the subscription.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.env.WS_URL;
const token = process.env.TOKEN;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  retryAttempts: 0,
  on: { connected: () => console.log('connected') },
});

try {
  const subscription = client.iterate({ query: 'subscription { notifications { id type title taskId } }' });
  const { value } = await subscription.next();
  console.log(JSON.stringify(value));
  await subscription.return();
  await client.dispose();
  process.exit(0);
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.reason ?? error?.message ?? error), code: error?.code ?? null }));
  await client.dispose();
  process.exit(2);
}
