#!/usr/bin/env node
// A stand-in language server for the e2e test of semantic-token colours: it
// announces the scholia legend and marks each mention [[kind-…]] with the
// token type its target starts with (person, place, organization,
// unknownEntity). The colours VS Code then draws come from the extension's
// package.json (semanticTokenScopes) and the theme, which is what the test
// checks. ASCII documents only (columns are UTF-16 code units).
"use strict";

const LEGEND = ["person", "place", "organization", "unknownEntity", "footnote", "citation", "insertion"];
const documents = new Map();

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

function tokens(text) {
  const data = [];
  let previousLine = 0;
  let previousStart = 0;
  text.split(/\r\n|\r|\n/).forEach((line, lineNumber) => {
    for (const m of line.matchAll(/\[\[([A-Za-z]+)-[^\]]*\]\]/g)) {
      const type = LEGEND.indexOf(m[1]);
      if (type < 0) continue;
      const deltaLine = lineNumber - previousLine;
      const deltaStart = deltaLine === 0 ? m.index - previousStart : m.index;
      data.push(deltaLine, deltaStart, m[0].length, type, 0);
      previousLine = lineNumber;
      previousStart = m.index;
    }
  });
  return data;
}

function handle(message) {
  switch (message.method) {
    case "initialize":
      send({
        id: message.id,
        result: {
          capabilities: {
            textDocumentSync: 1,
            semanticTokensProvider: { legend: { tokenTypes: LEGEND, tokenModifiers: [] }, full: true },
          },
          serverInfo: { name: "e2e-semantic-server" },
        },
      });
      break;
    case "textDocument/didOpen":
      documents.set(message.params.textDocument.uri, message.params.textDocument.text);
      break;
    case "textDocument/didChange":
      documents.set(message.params.textDocument.uri, message.params.contentChanges.at(-1).text);
      break;
    case "textDocument/semanticTokens/full":
      send({ id: message.id, result: { data: tokens(documents.get(message.params.textDocument.uri) || "") } });
      break;
    case "shutdown":
      send({ id: message.id, result: null });
      break;
    case "exit":
      process.exit(0);
      break;
    default:
      if (message.id !== undefined && message.method !== undefined) {
        send({ id: message.id, error: { code: -32601, message: `not here: ${message.method}` } });
      }
  }
}

let buffer = Buffer.alloc(0);
process.stdin.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: *(\d+)/i.exec(buffer.subarray(0, headerEnd).toString("ascii"))[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8"));
    buffer = buffer.subarray(headerEnd + 4 + length);
    handle(message);
  }
});
process.stdin.on("end", () => process.exit(0));
