// The introspection round trip every GraphQL tool makes: graphql-js'
// getIntrospectionQuery(), sent to GRAPHQL_URL, then buildClientSchema. The schema the
// server describes is compared with the checked-in SDL at SCHEMA_PATH, both printed by
// graphql-js with types and fields sorted, so only a real difference counts.
// Exit codes: 0 same schema, 2 the server refused the query, 3 the schemas differ.
import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';

const response = await fetch(process.env.GRAPHQL_URL, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json',
  },
  body: JSON.stringify({
    query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }),
  }),
});
const body = await response.json();
if (response.status !== 200 || body.errors) {
  console.log(JSON.stringify({ status: response.status, body }));
  process.exit(2);
}
const print = (schema) => printSchema(lexicographicSortSchema(schema));
const served = print(buildClientSchema(body.data));
const checkedIn = print(buildSchema(readFileSync(process.env.SCHEMA_PATH, 'utf8')));
if (served !== checkedIn) {
  console.log('--- served\n' + served + '\n--- checked in\n' + checkedIn);
  process.exit(3);
}
console.log('same schema');
