// An independent client for todo-mcp's streamable HTTP transport: the official MCP
// TypeScript SDK. Run by tests/mcp/typescript.rs with MCP_URL and MCP_TOKEN set; exits
// non-zero, naming the failed check, when the server does not behave.
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const url = new URL(process.env.MCP_URL);
const token = process.env.MCP_TOKEN;
assert.ok(token, "MCP_TOKEN is not set");

function connect(headers) {
  const client = new Client({ name: "todo-mcp-ts-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  return client.connect(transport).then(() => client);
}

// Without a token the server answers 401 before any MCP exchange.
await assert.rejects(connect({}), (error) => {
  assert.equal(error.code, 401, String(error));
  return true;
});
await assert.rejects(connect({ Authorization: "Bearer todo_forged" }), (error) => {
  assert.equal(error.code, 401, String(error));
  return true;
});

const client = await connect({ Authorization: `Bearer ${token}` });
assert.equal(client.getServerVersion()?.name, "todo-mcp");

const { tools } = await client.listTools();
const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
for (const name of [
  "add_task",
  "update_task",
  "list_tasks",
  "get_task",
  "complete_task",
  "uncomplete_task",
  "delete_task",
  "list_notifications",
  "get_task_history",
]) {
  const tool = byName[name];
  assert.ok(tool, `tool ${name} is listed`);
  assert.ok(tool.description.length > 80, `${name} has a useful description`);
  assert.equal(tool.inputSchema.type, "object", `${name} has an object input schema`);
  assert.ok(tool.outputSchema, `${name} has an output schema`);
  assert.equal(typeof tool.annotations?.readOnlyHint, "boolean", `${name} says whether it is read-only`);
}
assert.ok(byName.add_task.inputSchema.properties.title, "add_task takes a title");
assert.ok(byName.add_task.inputSchema.properties.text, "or the user's own words");
assert.ok(byName.add_task.inputSchema.properties.recurrence, "add_task takes a recurrence");
assert.equal(byName.list_tasks.annotations.readOnlyHint, true);
assert.equal(byName.delete_task.annotations.destructiveHint, true);

// The SDK checks structuredContent against the tool's outputSchema itself and throws when
// it does not conform, so reaching the asserts below means the schemas hold.
const added = await client.callTool({
  name: "add_task",
  arguments: {
    title: "Pay rent",
    dueAt: "2030-01-31T09:00:00+01:00",
    timeZone: "Europe/Berlin",
    recurrence: { preset: "MONTHLY" },
    priority: "URGENT",
  },
});
assert.equal(added.isError, false, JSON.stringify(added.content));
const task = added.structuredContent;
assert.equal(task.title, "Pay rent");
assert.equal(task.dueAt, "2030-01-31T08:00:00Z");
assert.equal(task.priority, "URGENT");
assert.equal(task.recurrence.preset, "MONTHLY");
assert.ok(added.content.some((block) => block.type === "text" && block.text.includes(task.id)));

const completed = await client.callTool({ name: "complete_task", arguments: { id: task.id } });
assert.equal(completed.isError, false, JSON.stringify(completed.content));
assert.equal(completed.structuredContent.task.completed, true);
// Month-end rule: the 31st falls on the last day of February.
assert.equal(completed.structuredContent.nextOccurrence.dueAt, "2030-02-28T08:00:00Z");

const refused = await client.callTool({
  name: "add_task",
  arguments: { title: "Somewhere", timeZone: "Mars/Olympus" },
});
assert.equal(refused.isError, true);
assert.match(refused.content[0].text, /timeZone/);

await client.close();
console.log(JSON.stringify({ ok: true, tools: tools.length, taskId: task.id }));
