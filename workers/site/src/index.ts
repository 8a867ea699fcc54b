/** The site worker: placeholder until the site issue lands (page + open data API). */
import type { SiteEnv } from "@pulp-analytics/shared/env";
import { Hono } from "hono";

const app = new Hono<{ Bindings: SiteEnv }>();

app.get("/", (c) => c.html("<!doctype html><title>Pulp Analytics</title><p>Pulp Analytics</p>"));

export default app;
