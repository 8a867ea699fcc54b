import { expect, it } from "vitest";
import { fixtureBody, testEnv, worker } from "./helpers";

it("stores a protobuf check-in and forwards GET to the site", async () => {
  const { body } = fixtureBody("pulpcore-3.21.bin");
  const res = await worker.fetch("http://x/", { method: "POST", body });
  expect(res.status).toBe(200);
  const got = await testEnv.RAW.getWithMetadata("5f0c7a52-8d0e-4c4b-9a51-0b7f1f3c2e11");
  expect(got.metadata).toMatchObject({ v: 1 });
  const site = await worker.fetch("http://x/page");
  expect(await site.json()).toMatchObject({ worker: "site" });
});
