/**
 * The check-in as understood (docs/contract.md#2-ingest-of-check-ins): what RAW stores as the value. Only the known fields,
 * re-encoded as protobuf `Analytics` whatever form the body came in, so nothing a client sent
 * beyond them (unknown fields, JSON junk such as `__proto__`, padding) is kept, and the same
 * facts are the same bytes (the same-day rule in record.ts compares these).
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { AnalyticsSchema } from "./gen/analytics_pb";
import type { CheckIn } from "./schema";

export function encodeCheckIn(checkIn: CheckIn): Uint8Array {
  return toBinary(
    AnalyticsSchema,
    create(AnalyticsSchema, {
      systemId: checkIn.systemId,
      components: checkIn.components.map((c) => ({ name: c.name, version: c.version })),
      ...(checkIn.onlineContentApps ? { onlineContentApps: checkIn.onlineContentApps } : {}),
      ...(checkIn.onlineWorkers ? { onlineWorkers: checkIn.onlineWorkers } : {}),
      // Not reported stays absent; a reported 0 (unknown) is written.
      ...(checkIn.postgresqlVersion !== null
        ? { postgresqlVersion: checkIn.postgresqlVersion }
        : {}),
      ...(checkIn.rbacStats ? { rbacStats: checkIn.rbacStats } : {}),
    }),
  );
}
