#!/usr/bin/env bash
# Builds the enclave's Java runtime with jlink: only the modules in modules.txt, no debug
# attributes, header files, man pages or CDS archive, so that the same JDK gives the same bytes.
# The Dockerfile runs this script in its JDK stage; the deploy-tests module runs it on the build
# machine and starts the enclave from the result.
#
#   eif-build/jlink.sh OUTPUT_DIR        (OUTPUT_DIR must not exist yet)
#   JLINK=/path/to/jlink eif-build/jlink.sh OUTPUT_DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  echo "usage: $(basename "$0") OUTPUT_DIR" >&2
  echo "  builds a jlink runtime with the modules listed in $here/modules.txt" >&2
}

if [[ $# -ne 1 || "$1" == -* ]]; then
  if [[ $# -eq 1 && ( "$1" == "--help" || "$1" == "-h" ) ]]; then
    usage
    exit 0
  fi
  usage
  exit 2
fi
out="$1"
if [[ -e "$out" ]]; then
  echo "jlink.sh: $out already exists; jlink needs a new directory" >&2
  exit 2
fi

jlink="${JLINK:-}"
if [[ -z "$jlink" ]]; then
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/jlink" ]]; then
    jlink="$JAVA_HOME/bin/jlink"
  elif command -v jlink >/dev/null 2>&1; then
    jlink="$(command -v jlink)"
  else
    echo "jlink.sh: jlink not found: install a JDK 17 (not a JRE) or set JAVA_HOME or JLINK" >&2
    exit 1
  fi
fi

# Comments and blank lines out, one comma-separated list in file order.
modules="$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/modules.txt" | grep -v '^$' | paste -sd, -)"
if [[ -z "$modules" ]]; then
  echo "jlink.sh: no modules in $here/modules.txt" >&2
  exit 1
fi

# --compress=2 (zip) and --strip-debug keep the runtime, which the enclave holds in RAM, small.
# --generate-cds-archive is deliberately absent: a CDS archive is not reproducible byte for byte.
"$jlink" \
  --add-modules "$modules" \
  --strip-debug \
  --no-header-files \
  --no-man-pages \
  --compress=2 \
  --dedup-legal-notices=error-if-not-same-content \
  --output "$out"

echo "jlink.sh: runtime with $modules in $out"
