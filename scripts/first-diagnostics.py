#!/usr/bin/env python3
"""Time from didOpen (sent right after `initialized`) to the first
publishDiagnostics of version 1 and to the first one with registry-based codes
(the full list), plus the server's CPU (all threads, schedstat; threads that
have exited are not counted) at those points. Linux only.

    scripts/first-diagnostics.py BINARY WORKSPACE_ROOT DOC_RELATIVE_PATH RUNS

e.g. scripts/first-diagnostics.py target/release/scholia \
       "$(realpath target/bench-corpus/archive)" \
       "$(jq -r .open_small target/bench-corpus/archive/corpus.json)" 5
(BENCHMARKS.md, "Diagnostics after `didOpen`")."""
import json, os, subprocess, sys, threading, time, glob, queue

def cpu_ms(pid):
    total = 0
    for f in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            total += int(open(f).read().split()[0])
        except Exception:
            pass
    return total / 1e6

def run(binary, root, doc):
    p = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    q = queue.Queue()
    def reader():
        f = p.stdout
        while True:
            length = None
            while True:
                line = f.readline()
                if not line: return
                line = line.strip()
                if not line: break
                if line.lower().startswith(b"content-length:"): length = int(line.split(b":")[1])
            body = f.read(length)
            q.put((time.monotonic(), json.loads(body), cpu_ms(p.pid)))
    threading.Thread(target=reader, daemon=True).start()
    def send(m):
        b = json.dumps(m).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
    uri = "file://" + root
    send({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":os.getpid(),"rootUri":uri,
          "workspaceFolders":[{"uri":uri,"name":"b"}],"capabilities":{"window":{"workDoneProgress":True},
          "workspace":{"didChangeWatchedFiles":{"dynamicRegistration":True}},
          "textDocument":{"publishDiagnostics":{"versionSupport":True}}}}})
    while True:
        t, m, _ = q.get()
        if m.get("id") == 1 and "method" not in m: break
    send({"jsonrpc":"2.0","method":"initialized","params":{}})
    text = open(os.path.join(root, doc)).read()
    duri = "file://" + os.path.join(root, doc)
    c0 = cpu_ms(p.pid)
    t0 = time.monotonic()
    send({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":duri,"languageId":"scholia","version":1,"text":text}}})
    first = full = None
    registry_codes = {"untagged-mention","unknown-entity","ambiguous-entity","unknown-citation"}
    while full is None:
        t, m, c = q.get(timeout=120)
        if "id" in m and "method" in m:
            send({"jsonrpc":"2.0","id":m["id"],"result":None})
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == duri:
            codes = {d.get("code") for d in m["params"]["diagnostics"]}
            if first is None: first = ((t-t0)*1e3, c-c0, len(codes & registry_codes) > 0, len(m["params"]["diagnostics"]))
            if codes & registry_codes: full = ((t-t0)*1e3, c-c0, len(m["params"]["diagnostics"]))
    p.kill(); p.wait()
    return first, full

binary, root, doc, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
for i in range(n):
    first, full = run(binary, root, doc)
    print(f"{os.path.basename(os.path.dirname(binary))}: first {first[0]:.1f} ms (server cpu since didOpen {first[1]:.1f} ms, {first[3]} diags, full={first[2]}); full {full[0]:.1f} ms (cpu {full[1]:.1f} ms, {full[2]} diags)", flush=True)
