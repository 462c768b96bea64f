#!/usr/bin/env bash
# Builds the nitrosign enclave image (EIF) and writes its measurements.
#
#   eif-build/build.sh --auth-key-id ARN --exec-key-id ARN --region REGION \
#                      --account-id ACCOUNT --deployment-id ID --public-base-url URL [--export-quorum M:KEY1,KEY2,...] [options]
#
# Steps: build the Maven artifacts if they are missing; stage a small Docker build context;
# docker build with SOURCE_DATE_EPOCH; nitro-cli build-enclave; pcr.json with PCR0, PCR1, PCR2
# (and PCR8 when the image is signed). See docs/deployment.md.
#
# Exit codes: 0 done, 2 usage error, 3 a required tool is missing or unusable, 1 a step failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

usage() {
  cat <<USAGE
usage: eif-build/build.sh --auth-key-id ARN --exec-key-id ARN --region REGION
                          --account-id ACCOUNT --deployment-id ID
                          --public-base-url URL | --allow-any-origin
                          [--export-quorum M:KEY1,KEY2,...]
                          [--vsock-port PORT] [--proxy-port PORT]
                          [--signing-cert CERT --signing-key KEY]
                          [--out DIR] [--artifacts DIR] [--checksums FILE] [--tag NAME]

  --auth-key-id ARN    KMS key that wraps the auth-share data keys: a full key ARN,
                       arn:aws:kms:REGION:ACCOUNT:key/UUID (no aliases, no bare key ids: those
                       resolve in whatever account the parent's credentials belong to)
  --exec-key-id ARN    KMS key that wraps the exec-share data keys (a key ARN likewise)
  --region REGION      AWS region of KMS, e.g. eu-west-1; both key ARNs must be in it
  --account-id ACCOUNT AWS account (12 digits) both key ARNs must be in
  --deployment-id ID   this deployment's name (1-64 of A-Z a-z 0-9 . _ -), e.g. the terraform
                       name; bound into every data key as the KMS encryption context
  --public-base-url URL
                       the API's public base URL as clients sign requests for it, e.g.
                       https://signer.example.com (https, no trailing slash); the same value
                       as publicBaseUrl in the parent host's YAML (terraform: public_base_url).
                       The enclave checks the URL of every signed request against it.
  --allow-any-origin   build without --public-base-url: the enclave then checks only the path of
                       signed requests, so a signature made for another host is accepted. Only
                       for test images; never for production.
  --export-quorum M:KEY1,KEY2,...
                       the deployment export quorum: M of these base64 DER SPKI P-256 public keys
                       (as './appliance authkey new' writes to FILE.pub) must sign the export of
                       an app-owned wallet. Without it app-owned wallets can never be exported.
  --vsock-port PORT    vsock port the enclave listens on (default 5000)
  --proxy-port PORT    parent vsock-proxy port for KMS (default 8000)
  --signing-cert CERT  PEM certificate to sign the EIF with (gives PCR8); needs --signing-key
  --signing-key KEY    PEM private key of that certificate
  --out DIR            output directory (default eif-build/out)
  --artifacts DIR      directory with enclave-app.jar and lib/ (default enclave-app/target,
                       built with Maven when missing)
  --checksums FILE     SHA-256 list of the third-party jars (default eif-build/artifacts.sha256);
                       every jar staged into lib/ must be listed with its checksum, and every
                       listed jar present, or the build stops before docker build (exit 1).
                       Regenerate it after a deliberate dependency change: see checksums.sh
  --tag NAME           local Docker image name (default nitrosign-enclave:build)
  --help               this text

The key ARNs, account, region, deployment id, ports, public base URL and export quorum are baked into the image and so
into its measurements (PCR0): changing any of them gives a new PCR0, which the KMS key policies
must list (terraform variable enclave_pcr0_values) before the new image can unseal anything.
Writes DIR/nitrosign.eif, DIR/pcr.json and DIR/build-enclave.json.
Needs: Docker (a reachable daemon), nitro-cli, and for the Maven build a JDK 17 and Maven.
SOURCE_DATE_EPOCH defaults to the commit time of HEAD.
USAGE
}

fail_usage() {
  echo "build.sh: $1" >&2
  echo "run 'eif-build/build.sh --help' for the options" >&2
  exit 2
}

fail_tool() {
  echo "build.sh: $1" >&2
  exit 3
}

auth_key="" exec_key="" region="" account_id="" deployment_id="" vsock_port=5000 proxy_port=8000
public_base_url="" allow_any_origin=no export_quorum=""
signing_cert="" signing_key="" out="$here/out" artifacts="" tag="nitrosign-enclave:build"
checksums="$here/artifacts.sha256"

need_value() {
  if [[ $# -lt 2 || -z "$2" || "$2" == --* ]]; then
    fail_usage "$1 needs a value"
  fi
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --auth-key-id) need_value "$@"; auth_key="$2"; shift 2 ;;
    --exec-key-id) need_value "$@"; exec_key="$2"; shift 2 ;;
    --region) need_value "$@"; region="$2"; shift 2 ;;
    --account-id) need_value "$@"; account_id="$2"; shift 2 ;;
    --deployment-id) need_value "$@"; deployment_id="$2"; shift 2 ;;
    --public-base-url) need_value "$@"; public_base_url="$2"; shift 2 ;;
    --allow-any-origin) allow_any_origin=yes; shift ;;
    --export-quorum) need_value "$@"; export_quorum="$2"; shift 2 ;;
    --vsock-port) need_value "$@"; vsock_port="$2"; shift 2 ;;
    --proxy-port) need_value "$@"; proxy_port="$2"; shift 2 ;;
    --signing-cert) need_value "$@"; signing_cert="$2"; shift 2 ;;
    --signing-key) need_value "$@"; signing_key="$2"; shift 2 ;;
    --out) need_value "$@"; out="$2"; shift 2 ;;
    --artifacts) need_value "$@"; artifacts="$2"; shift 2 ;;
    --checksums) need_value "$@"; checksums="$2"; shift 2 ;;
    --tag) need_value "$@"; tag="$2"; shift 2 ;;
    *) fail_usage "unknown argument: $1" ;;
  esac
done

# ---- arguments ------------------------------------------------------------------------------
[[ -n "$auth_key" ]] || fail_usage "--auth-key-id is required"
[[ -n "$exec_key" ]] || fail_usage "--exec-key-id is required"
[[ -n "$region" ]] || fail_usage "--region is required"
[[ "$region" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]] || fail_usage "--region: not an AWS region: $region"
[[ -n "$account_id" ]] || fail_usage "--account-id is required"
[[ -n "$deployment_id" ]] || fail_usage "--deployment-id is required"
[[ "$account_id" =~ ^[0-9]{12}$ ]] || fail_usage "--account-id: not a 12-digit AWS account id: $account_id"
[[ "$deployment_id" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || fail_usage "--deployment-id: 1 to 64 letters, digits, '.', '_' or '-': $deployment_id"
# The enclave's own check (KmsSealingConfig): a key ARN in the configured region and account.
uuid_re='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
key_re="^arn:aws(-cn|-us-gov)?:kms:${region}:${account_id}:key/${uuid_re}\$"
[[ "$auth_key" =~ $key_re ]] || fail_usage "--auth-key-id: not a KMS key ARN in $region and account $account_id (arn:aws:kms:$region:$account_id:key/UUID; no aliases): $auth_key"
[[ "$exec_key" =~ $key_re ]] || fail_usage "--exec-key-id: not a KMS key ARN in $region and account $account_id (arn:aws:kms:$region:$account_id:key/UUID; no aliases): $exec_key"
[[ "$auth_key" != "$exec_key" ]] || fail_usage "--auth-key-id and --exec-key-id must be two different keys"
# The same shape as the enclave's own check (EnclaveMain), narrowed to https and to characters
# that need no quoting in the java @argfile: scheme, host[:port], optional path, no trailing slash.
url_re='^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-])?$'
if [[ -n "$public_base_url" ]]; then
  [[ "$allow_any_origin" == no ]] || fail_usage "--public-base-url and --allow-any-origin exclude each other"
  [[ "$public_base_url" =~ $url_re ]] || fail_usage "--public-base-url: not an https URL without a trailing slash (e.g. https://signer.example.com): $public_base_url"
elif [[ "$allow_any_origin" == no ]]; then
  fail_usage "--public-base-url is required: the API's public base URL as clients sign requests
for it (e.g. https://signer.example.com, the parent host's publicBaseUrl). It is measured into the
image; without it the enclave checks only the path of signed requests. To build a test image
without it anyway, pass --allow-any-origin."
fi
# M:KEY1,KEY2,... with DER SPKI P-256 keys (uncompressed point: 91 bytes, 124 base64 characters
# that start with the algorithm and curve identifiers). The enclave checks the points at boot.
if [[ -n "$export_quorum" ]]; then
  spki_re='MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE[A-Za-z0-9+/]{85}[AQgw]=='
  [[ "$export_quorum" =~ ^([1-9][0-9]?):($spki_re(,$spki_re)*)$ ]] \
    || fail_usage "--export-quorum: not M:KEY1,KEY2,... with base64 DER SPKI P-256 public keys: $export_quorum"
  threshold="${BASH_REMATCH[1]}"
  IFS=, read -r -a quorum_keys <<< "${BASH_REMATCH[2]}"
  (( threshold <= ${#quorum_keys[@]} )) \
    || fail_usage "--export-quorum: threshold $threshold is more than the ${#quorum_keys[@]} keys given"
  declare -A seen_keys=()
  for k in "${quorum_keys[@]}"; do
    [[ -z "${seen_keys[$k]:-}" ]] || fail_usage "--export-quorum: a key is listed twice: $k"
    seen_keys[$k]=1
  done
fi
for p in "$vsock_port" "$proxy_port"; do
  if ! [[ "$p" =~ ^[0-9]{1,10}$ ]] || (( p < 1 || p > 4294967294 )); then
    fail_usage "ports must be numbers from 1 to 4294967294: $p"
  fi
done
if [[ -n "$signing_cert" || -n "$signing_key" ]]; then
  [[ -n "$signing_cert" && -n "$signing_key" ]] || fail_usage "--signing-cert and --signing-key go together"
  [[ -r "$signing_cert" ]] || fail_usage "--signing-cert: cannot read $signing_cert"
  [[ -r "$signing_key" ]] || fail_usage "--signing-key: cannot read $signing_key"
fi
[[ -r "$checksums" ]] || fail_usage "--checksums: cannot read $checksums"
[[ "$tag" =~ ^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?$ ]] || fail_usage "--tag: not a Docker image name: $tag"

# ---- build host -----------------------------------------------------------------------------
if ! command -v docker >/dev/null 2>&1; then
  fail_tool "docker not found. Building the EIF needs Docker (a running daemon) and nitro-cli, as on
an Amazon Linux 2023 EC2 instance with 'dnf install docker aws-nitro-enclaves-cli
aws-nitro-enclaves-cli-devel'. See docs/deployment.md, 'Build host'."
fi
if ! docker info >/dev/null 2>&1; then
  fail_tool "docker is installed but cannot reach a Docker daemon (is it running, and may this user
use it? e.g. 'sudo systemctl start docker' and membership of the docker group)."
fi
if ! command -v nitro-cli >/dev/null 2>&1; then
  fail_tool "nitro-cli not found. Install the AWS Nitro Enclaves CLI (aws-nitro-enclaves-cli and
aws-nitro-enclaves-cli-devel on Amazon Linux 2023); it turns the Docker image into the EIF and
prints its measurements. See docs/deployment.md, 'Build host'."
fi

# ---- reproducibility inputs ---------------------------------------------------------------------
if [[ -z "${SOURCE_DATE_EPOCH:-}" ]]; then
  if SOURCE_DATE_EPOCH="$(git -C "$root" log -1 --format=%ct 2>/dev/null)" && [[ -n "$SOURCE_DATE_EPOCH" ]]; then
    :
  else
    fail_usage "SOURCE_DATE_EPOCH is not set and there is no git commit to take it from"
  fi
fi
[[ "$SOURCE_DATE_EPOCH" =~ ^[0-9]+$ ]] || fail_usage "SOURCE_DATE_EPOCH must be seconds since the epoch"
export SOURCE_DATE_EPOCH

# ---- Maven artifacts ----------------------------------------------------------------------------
if [[ -z "$artifacts" ]]; then
  artifacts="$root/enclave-app/target"
  if [[ ! -f "$artifacts/enclave-app.jar" || ! -d "$artifacts/lib" ]]; then
    command -v mvn >/dev/null 2>&1 || fail_tool "mvn not found: needed to build enclave-app.jar (JDK 17, Maven 3.8.7+)"
    echo "build.sh: building enclave-app.jar with Maven"
    (cd "$root" && mvn -B -q -DskipTests -pl enclave-app -am package) || { echo "build.sh: the Maven build failed" >&2; exit 1; }
  fi
fi
if [[ ! -f "$artifacts/enclave-app.jar" || ! -d "$artifacts/lib" ]]; then
  echo "build.sh: $artifacts has no enclave-app.jar and lib/" >&2
  exit 1
fi

# ---- Docker build context: only what the image needs, in name order ----------------------------
mkdir -p "$out"
out="$(cd "$out" && pwd)"
context="$out/context"
rm -rf "$context"
mkdir -p "$context/lib"
cp "$here/Dockerfile" "$here/jlink.sh" "$here/modules.txt" "$context/"
cp "$artifacts/enclave-app.jar" "$context/"
find "$artifacts/lib" -maxdepth 1 -name '*.jar' -print0 | LC_ALL=C sort -z | xargs -0 -I{} cp {} "$context/lib/"
find "$context" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# ---- supply chain: the staged jars (what the image will contain) against the committed list ------
# shellcheck source=checksums.sh
source "$here/checksums.sh"
if ! verify_artifact_checksums "$context/lib" "$checksums"; then
  echo "build.sh: the jars in $artifacts/lib do not match $checksums; not building" >&2
  exit 1
fi
echo "build.sh: $(grep -c '^[0-9a-f]' "$checksums") third-party jars match $checksums"

build_args=(
  --build-arg "SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
  --build-arg "AUTH_KEY_ID=$auth_key"
  --build-arg "EXEC_KEY_ID=$exec_key"
  --build-arg "REGION=$region"
  --build-arg "ACCOUNT_ID=$account_id"
  --build-arg "DEPLOYMENT_ID=$deployment_id"
  --build-arg "VSOCK_PORT=$vsock_port"
  --build-arg "PROXY_PORT=$proxy_port"
  --build-arg "PUBLIC_BASE_URL=$public_base_url"
  --build-arg "ALLOW_ANY_ORIGIN=$allow_any_origin"
  --build-arg "EXPORT_QUORUM=$export_quorum"
)
echo "build.sh: docker build $tag (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
if docker buildx version >/dev/null 2>&1; then
  # rewrite-timestamp clamps the layers' file times to SOURCE_DATE_EPOCH (BuildKit 0.13+).
  docker buildx build "${build_args[@]}" \
    --output "type=docker,name=$tag,rewrite-timestamp=true" "$context"
else
  echo "build.sh: docker buildx not available; plain docker build (file times are still fixed in the image)" >&2
  DOCKER_BUILDKIT=1 docker build "${build_args[@]}" --tag "$tag" "$context"
fi

# ---- EIF ----------------------------------------------------------------------------------------
eif="$out/nitrosign.eif"
nitro_args=(build-enclave --docker-uri "$tag" --output-file "$eif")
if [[ -n "$signing_cert" ]]; then
  nitro_args+=(--signing-certificate "$signing_cert" --private-key "$signing_key")
fi
echo "build.sh: nitro-cli ${nitro_args[*]}"
nitro-cli "${nitro_args[@]}" > "$out/build-enclave.json"

# ---- measurements -------------------------------------------------------------------------------
pcr() {
  { grep -oE "\"PCR$1\"[[:space:]]*:[[:space:]]*\"[0-9a-fA-F]{96}\"" "$out/build-enclave.json" || true; } \
    | head -n 1 | sed -E 's/.*"([0-9a-fA-F]{96})"$/\1/' | tr 'A-F' 'a-f'
}
pcr0="$(pcr 0)" pcr1="$(pcr 1)" pcr2="$(pcr 2)" pcr8="$(pcr 8)"
if [[ -z "$pcr0" || -z "$pcr1" || -z "$pcr2" ]]; then
  echo "build.sh: nitro-cli's output has no PCR0, PCR1 and PCR2 (see $out/build-enclave.json)" >&2
  exit 1
fi
if [[ -n "$signing_cert" && -z "$pcr8" ]]; then
  echo "build.sh: the EIF was signed but nitro-cli reported no PCR8" >&2
  exit 1
fi
{
  echo '{'
  echo '  "Measurements": {'
  echo '    "HashAlgorithm": "Sha384 { ... }",'
  echo "    \"PCR0\": \"$pcr0\","
  echo "    \"PCR1\": \"$pcr1\","
  if [[ -n "$pcr8" ]]; then
    echo "    \"PCR2\": \"$pcr2\","
    echo "    \"PCR8\": \"$pcr8\""
  else
    echo "    \"PCR2\": \"$pcr2\""
  fi
  echo '  }'
  echo '}'
} > "$out/pcr.json"

echo "build.sh: EIF $eif"
echo "build.sh: measurements $out/pcr.json"
echo "build.sh: PCR0 $pcr0 (put it in the key policies: terraform variable enclave_pcr0_values)"
if [[ -n "$public_base_url" ]]; then
  echo "build.sh: public base URL $public_base_url (the parent host's publicBaseUrl must be the same)"
else
  echo "build.sh: WARNING: no public base URL (--allow-any-origin): the enclave checks only the path of signed requests" >&2
fi
if [[ -n "$export_quorum" ]]; then
  echo "build.sh: export quorum $threshold of ${#quorum_keys[@]} keys (app-owned wallets can be exported with their signatures)"
else
  echo "build.sh: no export quorum: app-owned wallets can never be exported from this image"
fi
