// Runs the graphql-http audit suite (GraphQL over HTTP) against GRAPHQL_URL and prints
// one JSON line per audit: {id, name, status, reason}. Exit code 0 whatever the results:
// the Rust test decides what counts as a failure.
import { auditServer } from 'graphql-http';

const results = await auditServer({ url: process.env.GRAPHQL_URL });
for (const result of results) {
  console.log(
    JSON.stringify({
      id: result.id,
      name: result.name,
      status: result.status,
      reason: result.status === 'ok' ? null : result.reason,
    }),
  );
}
