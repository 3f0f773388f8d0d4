/**
 * The delivery ledger shared by every worker replica: one Firestore document per (channel, key), created by the
 * replica that sends. A claim left by a replica that died mid-send expires after the lease, so the alert still goes
 * out; a released claim (the send failed) is deleted, so any replica's retry claims it again.
 */
import { createHash } from 'node:crypto';
import type { Firestore, Timestamp } from '@google-cloud/firestore';
import { firestorePackage } from '../firestore/legacy-docs';
import type { DeliveryLedger } from './ledger';

export interface FirestoreLedgerOptions {
  firestore: Firestore;
  collection: string;
  /** How long a claim without a record holds before another replica may take it over. */
  leaseMs: number;
  /** Who claims (host:pid), shown on the document. */
  owner: string;
}

interface DeliveryDoc {
  channel: string;
  key: string;
  state: 'sending' | 'sent';
  owner: string;
  at: Timestamp;
}

export function firestoreDeliveryLedger(options: FirestoreLedgerOptions): DeliveryLedger {
  const { firestore, collection, leaseMs, owner } = options;
  // Keys hold '/', '@' and ':'; a document ID must not hold '/'.
  const doc = (channel: string, key: string) =>
    firestore.collection(collection).doc(createHash('sha256').update(`${channel}\u0000${key}`).digest('hex'));
  return {
    async claim(channel, key) {
      const ref = doc(channel, key);
      const claim: DeliveryDoc = { channel, key, state: 'sending', owner, at: firestorePackage().Timestamp.now() };
      const snapshot = await ref.get();
      const current = snapshot.data() as DeliveryDoc | undefined;
      if (current?.state === 'sent') return false;
      if (current && Date.now() - current.at.toMillis() < leaseMs) return false;
      try {
        // Preconditions, not a read-then-write: of two replicas that saw the same document, one write fails.
        if (!snapshot.exists) await ref.create(claim);
        else await ref.update({ ...claim }, { lastUpdateTime: snapshot.updateTime! });
        return true;
      } catch (err) {
        if (isLostRace(err)) return false;
        throw err;
      }
    },
    async record(channel, key) {
      const sent: DeliveryDoc = { channel, key, state: 'sent', owner, at: firestorePackage().Timestamp.now() };
      await doc(channel, key).set(sent);
    },
    async release(channel, key) {
      const ref = doc(channel, key);
      const snapshot = await ref.get();
      const current = snapshot.data() as DeliveryDoc | undefined;
      if (current?.state !== 'sending' || current.owner !== owner) return;
      await ref.delete({ lastUpdateTime: snapshot.updateTime! }).catch((err: unknown) => {
        if (!isLostRace(err)) throw err;
      });
    },
  };
}

/** ALREADY_EXISTS (6) or FAILED_PRECONDITION (9): another replica wrote the document first. */
function isLostRace(err: unknown): boolean {
  const code = (err as { code?: number }).code;
  return code === 6 || code === 9;
}
