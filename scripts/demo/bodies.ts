/** A simulated check-in as the bytes a real client would post, in each of the three forms. */
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { AnalyticsSchema } from "@pulp-analytics/shared/checkin";
import type { DemoCheckIn } from "./population";

export interface Body {
  body: Uint8Array<ArrayBuffer> | string;
  contentType: string;
}

export function encode(checkIn: DemoCheckIn): Body {
  if (checkIn.form === "json-3.20") {
    // pulpcore 3.20's own dict, posted with aiohttp's json=.
    const legacy = {
      system_id: checkIn.systemId,
      versions: checkIn.components.map((c) => ({ component: c.name, version: c.version })),
      online_content_apps: checkIn.onlineContentApps,
      online_workers: checkIn.onlineWorkers,
    };
    return { body: JSON.stringify(legacy), contentType: "application/json" };
  }
  const message = create(AnalyticsSchema, {
    systemId: checkIn.systemId,
    components: checkIn.components,
    onlineWorkers: checkIn.onlineWorkers,
    onlineContentApps: checkIn.onlineContentApps,
    // proto2 optional fields: left out (not reported) unless this pulpcore knows them.
    ...(checkIn.postgresqlVersion === undefined
      ? {}
      : { postgresqlVersion: checkIn.postgresqlVersion }),
    ...(checkIn.rbacStats === undefined ? {} : { rbacStats: checkIn.rbacStats }),
  });
  if (checkIn.form === "protobuf-json") {
    return {
      body: JSON.stringify(toJson(AnalyticsSchema, message)),
      contentType: "application/json",
    };
  }
  // What aiohttp sends for a bytes body with no explicit content type.
  return {
    body: new Uint8Array(toBinary(AnalyticsSchema, message)),
    contentType: "application/octet-stream",
  };
}
