#!/usr/bin/env bash
# SHA-256 checksums of the third-party jars the enclave image contains (eif-build/artifacts.sha256).
#
#   eif-build/checksums.sh check LIBDIR [LIST]   compare LIBDIR/*.jar with LIST (default
#                                                eif-build/artifacts.sha256): exit 0 when every
#                                                listed jar is present with its checksum and no
#                                                other jar is there; 1 otherwise; 2 usage error
#   eif-build/checksums.sh generate LIBDIR       print the list for LIBDIR/*.jar (sha256sum format)
#
# Regenerate after a deliberate dependency change, then review the diff before committing:
#   mvn -B -q -DskipTests -pl enclave-app -am package
#   eif-build/checksums.sh generate enclave-app/target/lib > eif-build/artifacts.sha256
#   git diff eif-build/artifacts.sha256
#
# The jars of this repository's own modules (proto, chains, hpke, authorization) are built from
# the checked-out source in the same build, so they are not listed (their bytes change with every
# version); OWN_JAR_RE names them. Every other jar must be listed. build.sh sources this file and
# runs verify_artifact_checksums on the staged Docker context before `docker build`.
# Needs bash 4, find, sort and sha256sum (coreutils).

OWN_JAR_RE='^(proto|chains|hpke|authorization)-[0-9][A-Za-z0-9.]*(-SNAPSHOT)?\.jar$'
CHECKSUM_LINE_RE='^([0-9a-f]{64})  (lib/[A-Za-z0-9._+-]+\.jar)$'

# Prints "sha256  lib/NAME" for every third-party jar directly in $1, in name order.
artifact_checksums() {
  local dir="$1" f name h
  while IFS= read -r -d '' f; do
    name="${f##*/}"
    [[ "$name" =~ $OWN_JAR_RE ]] && continue
    h="$(sha256sum < "$f")" || return 1
    printf '%s  lib/%s\n' "${h%% *}" "$name"
  done < <(find "$dir" -maxdepth 1 -type f -name '*.jar' -print0 | LC_ALL=C sort -z)
}

# verify_artifact_checksums LIBDIR LIST: returns 0 when LIBDIR's third-party jars are exactly the
# listed ones with the listed checksums; otherwise prints every difference to stderr, returns 1.
verify_artifact_checksums() {
  local dir="$1" list="$2" line n=0 bad=0 name h
  declare -A want=() have=()
  if [[ ! -r "$list" ]]; then
    echo "checksums: cannot read the checksum list $list" >&2
    return 1
  fi
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    [[ -z "$line" || "$line" == \#* ]] && continue
    if [[ ! "$line" =~ $CHECKSUM_LINE_RE ]]; then
      echo "checksums: $list line $n is not 'SHA256  lib/NAME.jar': $line" >&2
      return 1
    fi
    want["${BASH_REMATCH[2]}"]="${BASH_REMATCH[1]}"
  done < "$list"
  if (( ${#want[@]} == 0 )); then
    echo "checksums: $list lists no jar" >&2
    return 1
  fi
  while IFS= read -r line; do
    have["${line#*  }"]="${line%%  *}"
  done < <(artifact_checksums "$dir")
  for name in "${!want[@]}"; do
    h="${have[$name]:-}"
    if [[ -z "$h" ]]; then
      echo "checksums: MISSING $name (listed in $list, not in $dir)" >&2
      bad=1
    elif [[ "$h" != "${want[$name]}" ]]; then
      echo "checksums: MISMATCH $name: expected ${want[$name]}, got $h" >&2
      bad=1
    fi
  done
  for name in "${!have[@]}"; do
    if [[ -z "${want[$name]:-}" ]]; then
      echo "checksums: UNLISTED $name (sha256 ${have[$name]}) is not in $list" >&2
      bad=1
    fi
  done
  if (( bad )); then
    echo "checksums: the jars do not match $list. If the dependency change is deliberate," \
      "regenerate the list (see eif-build/checksums.sh) and review the diff; otherwise do not build." >&2
    return 1
  fi
  return 0
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  case "${1:-}" in
    check)
      [[ $# -ge 2 && $# -le 3 && -d "$2" ]] || { echo "usage: $0 check LIBDIR [LIST]" >&2; exit 2; }
      if verify_artifact_checksums "$2" "${3:-$here/artifacts.sha256}"; then
        echo "checksums: $2 matches ${3:-$here/artifacts.sha256}"
      else
        exit 1
      fi ;;
    generate)
      [[ $# -eq 2 && -d "$2" ]] || { echo "usage: $0 generate LIBDIR" >&2; exit 2; }
      echo "# SHA-256 of every third-party jar in the enclave image (enclave-app/target/lib)."
      echo "# Regenerate: see eif-build/checksums.sh. Checked by eif-build/build.sh before docker build."
      artifact_checksums "$2" ;;
    *) echo "usage: $0 check LIBDIR [LIST] | generate LIBDIR" >&2; exit 2 ;;
  esac
fi
