#!/usr/bin/env bash
# LocalStack init hook (ready stage): what an operator does once per AWS account before the first deploy.
# The stage reads its pseudonymisation key from SSM, as deployed stages do; it is created once and kept, so the
# same person keeps the same pseudonym across restarts of the container (with its volume).
set -euo pipefail
if ! awslocal ssm get-parameter --name /vigie/localstack/pseudonym-key >/dev/null 2>&1; then
  awslocal ssm put-parameter --name /vigie/localstack/pseudonym-key --type SecureString \
    --value "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "vigie: created /vigie/localstack/pseudonym-key"
fi
