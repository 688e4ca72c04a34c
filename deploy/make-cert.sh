#!/usr/bin/env bash
# A self-signed certificate for a trial of the compose set-up: deploy/certs/award.pem (certificate, then key) for
# the host name given (default: localhost). Browsers warn about it; in production put the certificate chain and key
# from your certificate authority in the same file instead (see docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")"
host="${1:-localhost}"
mkdir -p -m 700 certs
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj "/CN=${host}" -addext "subjectAltName=DNS:${host}" \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
umask 077
cat "$tmp/cert.pem" "$tmp/key.pem" > certs/award.pem
echo "deploy/certs/award.pem: self-signed for ${host}, valid 90 days"
