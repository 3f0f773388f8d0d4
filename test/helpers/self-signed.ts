/** A self-signed certificate and its RSA key, written by the openssl command line; throws when openssl fails. */
import { execFileSync } from 'node:child_process';

export function writeSelfSigned(files: { key: string; cert: string }, subject: string, days = 2): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      files.key,
      '-out',
      files.cert,
      '-days',
      String(days),
      '-subj',
      subject,
    ],
    { stdio: 'pipe' },
  );
}
