/**
 * A pulpcore check-in: the wire format (generated from `shared/proto/analytics.proto`), the
 * three body forms decoded into one normalised check-in, the zod schema that validates it, and
 * its re-encoding as protobuf (what RAW stores).
 */

export type { BodyFormat } from "./decode";
export { decodeCheckIn } from "./decode";
export { encodeCheckIn } from "./encode";
export type { Analytics } from "./gen/analytics_pb";
export { AnalyticsSchema } from "./gen/analytics_pb";
export type { Facts, RbacMeasure } from "./schema";
export { COMPONENT_VERSION, factsOf, preReleaseComponents, RBAC_MEASURES } from "./schema";
