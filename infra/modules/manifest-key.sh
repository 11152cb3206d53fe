#!/bin/sh
# Run by keyvault.bicep's deployment script (Azure CLI, with an identity that holds Key Vault
# Secrets Officer on the vault): creates MANIFEST_KEY_SECRET's key once, 32 random bytes as
# base64, written from a private file so the value is on no command line and in no output. A
# secret that exists is left as it is; so is one Key Vault cannot show for any other reason than
# SecretNotFound (the script fails then, rather than risk replacing a key). Retries are bounded:
# the identity's new role takes a few minutes to reach Key Vault.
set -eu
umask 077
err=$(mktemp)
key=$(mktemp)
trap 'rm -f "$err" "$key"' EXIT
tries=0
while :; do
  if az keyvault secret show --vault-name "$VAULT" --name "$SECRET" --query id -o none 2>"$err"; then
    echo "secret $SECRET exists in $VAULT: left as it is"
    exit 0
  fi
  grep -q SecretNotFound "$err" && break
  tries=$((tries + 1))
  if [ "$tries" -ge 20 ]; then
    echo "could not read secret $SECRET in $VAULT: $(head -c 300 "$err")" >&2
    exit 1
  fi
  sleep 30
done
head -c 32 /dev/urandom | base64 | tr -d '\n' > "$key"
tries=0
until az keyvault secret set --vault-name "$VAULT" --name "$SECRET" --file "$key" --encoding utf-8 \
    --content-type "base64 of 32 random bytes: the HMAC-SHA256 key of ShiftSync Backup's manifests" \
    --query id -o none; do
  tries=$((tries + 1))
  if [ "$tries" -ge 10 ]; then
    echo "could not create secret $SECRET in $VAULT" >&2
    exit 1
  fi
  sleep 30
done
echo "secret $SECRET created in $VAULT"
