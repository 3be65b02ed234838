// SSH public keys made with OpenSSH's ssh-keygen, with the fingerprints `ssh-keygen -lf` printed for them, and a
// helper for the SFTP server's internal calls (operator token).
import { SELF } from 'cloudflare:test';
import { ORIGIN } from './accounts-fixtures';

export const ED25519 = {
  line: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFZ7byuCOuPhDBxGZcIT4QsoQuvP2uA7KhWl5DRlWO2U poste du bureau',
  fingerprint: 'SHA256:XA1HBgZDiq2+c+4tsIaPuFRBuceBZRXCjjv2C99XPB0',
};
export const ECDSA_384 = {
  line: 'ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBLDUiOQZVCPPyXrGX5nJi1oxPdH+sqh9B1yyPtSrHogbCPWzzrmiRfmheDiIBjYRRw1vaggTpB33Q9cLp6pEfmHzYSNpQyNlBFKs0xU5PMRT5eD0PXCtCMzuBqdfRZ3vkQ==',
  fingerprint: 'SHA256:01bNg9IQUeAEoJqBdWVEoDYr/dLGmWEJo32M3arT4ys',
};
export const RSA_2048 = {
  line: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDWpcRGLk/rs2ktRS7EQe5BG1/UdxAkGofVRVKtOyTc9fkjquk+nDkfEgPTxOmfcSlcA+hagskmsQ4P1+H0PSmLM465ESgPUtaDEr2arxBffE1zdjNsoHJho8jdpUbDJLpX/EsIaPMJ/d7DKtTvCvrW5HZD6lb+lMTyIwsAZBsfOYTsdyt5jc8QdXetJjuJpN5boM8iwEyGyD7BQ84TknLyil7ZYEFwgxO1RruKtqOHuSn6STMxFzNDUwI5JbYHKoyS3f/d0oAXAa22gv9LzYG63khXJiwlFRiWve7sEkKvKvaCvipzmXgnvULKqnfSgkqI6zGc4yAi6n2j9uX7pJcj rsa2048',
  fingerprint: 'SHA256:fOJTZ9z4lCHBZ3/Y681y/S8wYgcv1+1lFLtRk3/XGtQ',
};
export const RSA_1024 = {
  line: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQChpeCDhi9EhbcAqSRPPciJURvpz106rFZBWJ7d1l5oh/YbltiJnda/ScUMDLAdWgPeHXMI0RSREUEhJj002DjaiNaHp7qw/FhCJ1bKruPgCCuJMK/jkWdxc1I3MHsDORCfXTTMBTsBUXll+6o7cqdmnA6ByO0oDrWGEJQZVMtCRQ== rsa1024',
  fingerprint: 'SHA256:p6g75X7YxbJKWWpyEyDFTwETr9fOZPJFa4ZnIYAbfcQ',
};

export const OPERATOR = { authorization: 'Bearer operator-test-token' };

/** A call of the SFTP server to the Worker. */
export function internal(path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/api/internal/sftp${path}`, { ...init, headers: { ...OPERATOR, ...(init.headers as Record<string, string>) } });
}

export function signIn(fields: Record<string, string>, clientIp = '192.0.2.10'): Promise<Response> {
  return internal('/auth', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientIp, ...fields }) });
}

export const homePath = (userId: string, operation: string, path: string) =>
  `/homes/${userId}/${operation}?path=${encodeURIComponent(path)}`;
