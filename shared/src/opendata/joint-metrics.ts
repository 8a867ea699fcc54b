/**
 * The joint series (docs/contract.md#joint-series) in `GET /metrics`: one family each, labelled
 * by the parts of the key. They are not in the page data, so the route reads the latest year's
 * joint chunks for them (store/joint-read.ts) and hands their values on the latest day in.
 */
import {
  CORE_POSTGRESQL_PREFIX,
  INSTALLED_PREFIX,
  PLUGIN_CORE_PREFIX,
  TOGETHER_PREFIX,
} from "../summary/joint";

const SMALL = "cells under 5 installations are summed into the row's `other`";

export const JOINT_RULES = [
  {
    prefix: CORE_POSTGRESQL_PREFIX,
    family: "core_postgresql",
    labels: ["core", "major"],
    help: `Persistent installations by core x.y and PostgreSQL major on the latest summarized day; ${SMALL}`,
  },
  {
    prefix: PLUGIN_CORE_PREFIX,
    family: "plugin_core",
    labels: ["plugin", "version", "core"],
    help: `Persistent installations by published plugin, its x.y and core's x.y on the latest summarized day; ${SMALL}`,
  },
  {
    prefix: INSTALLED_PREFIX,
    family: "installed",
    labels: ["component"],
    help: "Persistent installations running a published component on the latest summarized day",
  },
  {
    prefix: TOGETHER_PREFIX,
    family: "together",
    labels: ["component", "with"],
    help: "Persistent installations running both published components on the latest summarized day; pairs under 5 installations are left out",
  },
];
